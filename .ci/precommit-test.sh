#!/usr/bin/env bash
# The pre-commit hooks for real, without a Rust toolchain in the hook: build the plumb-lint
# wheel from this checkout with maturin (from the debug build `cargo test` already made, so it
# costs seconds), then run pre-commit in a scratch repository on a bad Dockerfile (must fail
# and name the rule) and on the fixed one (must pass), twice:
#   1. a `repo: local` hook of language python whose additional_dependencies is the wheel file,
#      with the entry and files of the `plumb` hook in .pre-commit-hooks.yaml;
#   2. this checkout as the hook repository (`repo: <path>`, `rev: HEAD`, hook `plumb`):
#      pre-commit pip-installs the root pyproject.toml, which pulls plumb-lint of the same
#      version; PIP_FIND_LINKS points pip at the wheel, as PyPI would serve it after a release.
# PLUMB_PRECOMMIT_RUST=1 also runs the `plumb-rust` hook (cargo builds plumb in pre-commit's
# cache: minutes). When the package registry cannot be reached it says so and skips; it is
# never silently green.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

python3 -m venv "$work/venv"
if ! "$work/venv/bin/pip" install --quiet pre-commit maturin >"$work/pip.log" 2>&1; then
  echo "pre-commit test SKIPPED: could not install pre-commit and maturin from the package registry:"
  tail -n 3 "$work/pip.log"
  exit 0
fi

# the wheel: the dev profile reuses the debug build of `cargo test`
(cd "$repo/python" && "$work/venv/bin/maturin" build --locked --compatibility linux --out "$work/wheels") >"$work/maturin.log" 2>&1 || {
  echo "pre-commit test FAILED: maturin could not build the wheel"
  tail -n 20 "$work/maturin.log"
  exit 1
}
wheel=$(ls "$work"/wheels/plumb_lint-*.whl)
echo "pre-commit test: built $(basename "$wheel") in $((SECONDS - start)) s"

# the `plumb` hook as .pre-commit-hooks.yaml defines it, as a local hook installing the wheel
"$work/venv/bin/python" - "$repo/.pre-commit-hooks.yaml" "$wheel" >"$work/local-config.yaml" <<'PY'
import json, sys, yaml
hooks = {h["id"]: h for h in yaml.safe_load(open(sys.argv[1]))}
hook = dict(hooks["plumb"])
assert hook["language"] == "python", "the default hook installs the wheel"
hook["additional_dependencies"] = [sys.argv[2]]
print(json.dumps({"repos": [{"repo": "local", "hooks": [hook]}]}, indent=2))
PY

passed=0
failed=0
# run_case NAME CONFIG: pre-commit with CONFIG must fail on the bad Dockerfile naming the rule,
# and pass on the fixed one
run_case() {
  local name=$1 config=$2 proj="$work/proj-$1"
  mkdir "$proj"
  (
    cd "$proj"
    git init -q
    cp "$config" .pre-commit-config.yaml
    printf 'FROM python:3.12-slim\nCMD ["python", "-m", "http.server"]\n' > Dockerfile
    git add .
    if "$work/venv/bin/pre-commit" run --all-files >"$work/$name-bad.txt" 2>&1; then
      echo "pre-commit test FAILED ($name): the hook passed a Dockerfile that runs as root"
      cat "$work/$name-bad.txt"
      exit 1
    fi
    if ! grep -q "docker/non-root-user" "$work/$name-bad.txt"; then
      echo "pre-commit test FAILED ($name): the hook failed without naming docker/non-root-user"
      cat "$work/$name-bad.txt"
      exit 1
    fi
    printf 'FROM python:3.12-slim\nUSER 10001\nCMD ["python", "-m", "http.server"]\n' > Dockerfile
    git add .
    if ! "$work/venv/bin/pre-commit" run --all-files >"$work/$name-good.txt" 2>&1; then
      echo "pre-commit test FAILED ($name): the hook failed on the fixed Dockerfile"
      cat "$work/$name-good.txt"
      exit 1
    fi
  ) && passed=$((passed + 1)) || failed=$((failed + 1))
  echo "pre-commit test: $name done at $((SECONDS - start)) s"
}

export PRE_COMMIT_HOME="$work/cache"
run_case local-wheel "$work/local-config.yaml"

sha=$(git -C "$repo" rev-parse HEAD)
hook_config() {
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n' "$repo" "$sha" "$1" > "$work/$1-config.yaml"
  echo "$work/$1-config.yaml"
}
if [ -n "$(git -C "$repo" status --porcelain -- pyproject.toml .pre-commit-hooks.yaml)" ]; then
  echo "pre-commit test: note: uncommitted changes to pyproject.toml or .pre-commit-hooks.yaml are not in rev $sha"
fi
export PIP_FIND_LINKS="$work/wheels${PIP_FIND_LINKS:+ $PIP_FIND_LINKS}"
run_case repo-python "$(hook_config plumb)"

if [ "${PLUMB_PRECOMMIT_RUST:-}" = 1 ]; then
  run_case repo-rust "$(hook_config plumb-rust)"
fi

echo "pre-commit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
