#!/usr/bin/env bash
# Installs plumb for action.yml: the release binary for the runner's OS and architecture,
# verified against the release's SHA256SUMS, or a build from the action's own source when no
# release matches. Tested by tests/action.rs.
#
#   action-install.sh resolve   writes version, target, dir and cache-key to $GITHUB_OUTPUT
#   action-install.sh install   puts plumb in <dir>/bin (unless the cache already did) and
#                               writes bin=<path> to $GITHUB_OUTPUT
#
# The action's version and repository are read from its own Cargo.toml: one place for each.
# Environment (the action's inputs arrive here, never interpolated into the script):
#   PLUMB_VERSION           "" = the action's own version, "X.Y.Z" / "vX.Y.Z", or "source"
#   PLUMB_INSTALL_ROOT      where versions are kept (default $RUNNER_TOOL_CACHE/plumb, ~/.plumb)
#   PLUMB_RELEASE_BASE_URL  releases are at <base>/v<version>/<asset> (default
#                           <repository>/releases/download); tests point it at a file:// directory
#   PLUMB_CARGO             the cargo used for a source build (default cargo)
#   RUNNER_OS, RUNNER_ARCH  set by GitHub; uname is asked otherwise
set -euo pipefail

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
manifest="$action_path/Cargo.toml"

fail() {
  echo "::error title=plumb::$*"
  exit 2
}

# `key = "value"` from the [package] table of the action's Cargo.toml
package_field() {
  awk -v key="$1" '
    /^\[/ { in_package = ($0 == "[package]") }
    in_package && $1 == key && $2 == "=" {
      v = $3; gsub(/"/, "", v); print v; exit
    }' "$manifest"
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{print $1}'
  else
    shasum -a 256 "$1" | awk '{print $1}'
  fi
}

# The release target built for this runner, or nothing when no release asset is built for it.
runner_target() {
  local os=${RUNNER_OS:-} arch=${RUNNER_ARCH:-}
  if [ -z "$os" ]; then
    case "$(uname -s)" in
      Linux) os=Linux ;;
      Darwin) os=macOS ;;
      MINGW* | MSYS* | CYGWIN*) os=Windows ;;
      *) os=$(uname -s) ;;
    esac
  fi
  if [ -z "$arch" ]; then
    case "$(uname -m)" in
      x86_64 | amd64) arch=X64 ;;
      aarch64 | arm64) arch=ARM64 ;;
      *) arch=$(uname -m) ;;
    esac
  fi
  case "$os/$arch" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
  esac
}

# A digest of the sources a build from source compiles, so a cached build is reused only for
# the same code (the action's own ref is not reliable inside a composite action).
source_digest() {
  (
    cd "$action_path"
    find Cargo.toml Cargo.lock src rules -type f 2>/dev/null | LC_ALL=C sort | while read -r f; do
      printf '%s  %s\n' "$(sha256 "$f")" "$f"
    done
  ) > "${TMPDIR:-/tmp}/plumb-sources.$$"
  sha256 "${TMPDIR:-/tmp}/plumb-sources.$$" | cut -c1-16
  rm -f "${TMPDIR:-/tmp}/plumb-sources.$$"
}

own_version=$(package_field version)
[ -n "$own_version" ] || fail "cannot read the version from $manifest"
repository=$(package_field repository)

version=${PLUMB_VERSION:-}
version=${version#v}
[ -n "$version" ] || version=$own_version
if [ "$version" != source ] && ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  fail "version \"$version\" is not a release version (X.Y.Z) nor \"source\""
fi
target=$(runner_target)
exe=plumb
case "$target" in *windows*) exe=plumb.exe ;; esac
if [ -n "${PLUMB_INSTALL_ROOT:-}" ]; then
  root=$PLUMB_INSTALL_ROOT
elif [ -n "${RUNNER_TOOL_CACHE:-}" ]; then
  root="$RUNNER_TOOL_CACHE/plumb" # a native path on Windows too, as actions/cache needs
else
  root="$HOME/.plumb"
fi
os_arch="${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}"
if [ "$version" = source ] || [ -z "$target" ]; then
  digest=$(source_digest)
  dir="$root/source-$digest"
  key="plumb-source-$os_arch-$digest"
else
  dir="$root/$version-${target:-none}"
  key="plumb-bin-$os_arch-$version-${target:-none}"
fi

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "$1=$2" >> "$GITHUB_OUTPUT"
  fi
}

# Build from the action's source into $dir (the fallback when no release matches).
build_from_source() {
  local why=$1 cargo=${PLUMB_CARGO:-cargo}
  if [ "$version" != source ] && [ "$version" != "$own_version" ]; then
    fail "$why, and the action's source is plumb $own_version, not $version: use the action at the v$version tag, or version: source"
  fi
  if ! command -v "$cargo" >/dev/null 2>&1; then
    fail "$why, and there is no cargo on this runner to build plumb from source: set the input version to a released version, or install a Rust toolchain before this step"
  fi
  echo "::notice title=plumb::$why: building plumb $own_version from the action's source (a few minutes)"
  "$cargo" install --locked --root "$dir" --path "$action_path" || fail "building plumb from source failed"
}

# Fetch $1 to $2. Returns 0 when fetched, 1 when the server says it does not exist, and
# stops the script on any other failure (a network error is not "no release").
download() {
  local url=$1 out=$2 code rc=0
  code=$(curl --silent --show-error --location --retry 3 --proto '=https,file' --proto-redir '=https' \
    --output "$out" --write-out '%{http_code}' "$url") || rc=$?
  case "$rc/$code" in
    0/200 | 0/000) return 0 ;;
    0/404 | 37/*) rm -f "$out"; return 1 ;;
    *) fail "downloading $url failed (curl exit $rc, HTTP $code)" ;;
  esac
}

extract() {
  local archive=$1 into=$2
  case "$archive" in
    *.zip)
      if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$archive" -d "$into"
      elif command -v 7z >/dev/null 2>&1; then
        7z x -y -o"$into" "$archive" >/dev/null
      else
        powershell -NoProfile -Command "Expand-Archive -Force -LiteralPath '$archive' -DestinationPath '$into'"
      fi
      ;;
    *) tar -xzf "$archive" -C "$into" ;;
  esac
}

install_release() {
  local base=${PLUMB_RELEASE_BASE_URL:-$repository/releases/download}
  local url="$base/v$version" asset="plumb-$target.tar.gz" work
  case "$target" in *windows*) asset="plumb-$target.zip" ;; esac
  work=$(mktemp -d)
  if ! download "$url/SHA256SUMS" "$work/SHA256SUMS"; then
    rm -rf "$work"
    build_from_source "no release v$version at $url"
    return
  fi
  local expected
  expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$work/SHA256SUMS")
  if [ -z "$expected" ]; then
    rm -rf "$work"
    build_from_source "release v$version has no $asset"
    return
  fi
  download "$url/$asset" "$work/$asset" || fail "$url/$asset is listed in SHA256SUMS but cannot be downloaded"
  local actual
  actual=$(sha256 "$work/$asset")
  if [ "$actual" != "$expected" ]; then
    rm -rf "$work"
    fail "checksum mismatch for $asset: SHA256SUMS says $expected, the download is $actual; not installing it"
  fi
  echo "verified $asset against SHA256SUMS (sha256 $actual)"
  extract "$work/$asset" "$work"
  mkdir -p "$dir/bin"
  cp "$work/plumb-$target/$exe" "$dir/bin/$exe"
  chmod +x "$dir/bin/$exe"
  rm -rf "$work"
}

case "${1:-}" in
  resolve)
    output version "$version"
    output target "$target"
    output dir "$dir"
    output cache-key "$key"
    echo "plumb $version for ${target:-this runner (no release target: built from source)}, cache key $key"
    ;;
  install)
    if [ -x "$dir/bin/$exe" ]; then
      echo "plumb from the cache: $dir/bin/$exe"
    elif [ "$version" = source ]; then
      build_from_source "version: source"
    elif [ -z "$target" ]; then
      build_from_source "no release binary is built for ${RUNNER_OS:-$(uname -s)} ${RUNNER_ARCH:-$(uname -m)}"
    else
      install_release
    fi
    [ -x "$dir/bin/$exe" ] || fail "plumb is not at $dir/bin/$exe after the install"
    "$dir/bin/$exe" --version || fail "$dir/bin/$exe does not run on this runner"
    output bin "$dir/bin/$exe"
    if [ -n "${GITHUB_PATH:-}" ]; then
      echo "$dir/bin" >> "$GITHUB_PATH"
    fi
    ;;
  *)
    echo "usage: action-install.sh resolve|install" >&2
    exit 2
    ;;
esac
