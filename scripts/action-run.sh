#!/usr/bin/env bash
# The shell logic of action.yml: run plumb with the action's inputs (passed as environment
# variables, never interpolated into this script), write SARIF, print annotations, decide
# whether the SARIF upload can run, and record the exit code for the gating step.
# Tested by tests/action.rs.
#
# The action may use the network (plumb never does): for --new-only-since it fetches the base
# ref and enough history for the merge-base, and with config-from-base it reads the config and
# baseline from the pull request's base branch. A token, when given, reaches git only through
# GIT_CONFIG_* variables, never a command line.
set -uo pipefail

paths=${PLUMB_PATHS:-.}
format=${PLUMB_FORMAT:-sarif}
sarif_file=${PLUMB_SARIF_FILE:-plumb.sarif}
fail_on=${PLUMB_FAIL_ON:-warning}
plumb_bin=${PLUMB_BIN:-plumb}
config=${PLUMB_CONFIG:-}
baseline=${PLUMB_BASELINE:-}
since=${PLUMB_NEW_ONLY_SINCE:-}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "$1=$2" >> "$GITHUB_OUTPUT"
  fi
}

# A field of the event payload (jq, else python3), empty when absent or unreadable.
event_field() {
  local file=${GITHUB_EVENT_PATH:-}
  [ -n "$file" ] && [ -f "$file" ] || return 0
  if command -v jq >/dev/null 2>&1; then
    jq -r "$1 // empty" "$file" 2>/dev/null || true
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$file" "$1" <<'PY' 2>/dev/null || true
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].lstrip(".").split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)
PY
  fi
}

# A pull request from another repository: its files, config included, are untrusted, and
# except under pull_request_target its token is read-only (no security-events: write).
from_fork=false
read_only=false
case "${GITHUB_EVENT_NAME:-}" in
  pull_request | pull_request_review | pull_request_review_comment | pull_request_target)
    head_repo=$(event_field .pull_request.head.repo.full_name)
    base_repo=$(event_field .pull_request.base.repo.full_name)
    [ -n "$base_repo" ] || base_repo=${GITHUB_REPOSITORY:-}
    if [ -z "$head_repo" ] || [ "$head_repo" != "$base_repo" ]; then
      from_fork=true
      [ "$GITHUB_EVENT_NAME" = pull_request_target ] || read_only=true
    fi
    ;;
esac

# git with the token for the server's https remote, unless the checkout kept its own (a second
# Authorization header would be refused)
git_net() {
  local token=${PLUMB_GITHUB_TOKEN:-} server=${GITHUB_SERVER_URL:-https://github.com}
  if [ -n "$token" ] && [ -z "$(git config --get-all "http.$server/.extraheader" 2>/dev/null)" ]; then
    local basic
    basic=$(printf 'x-access-token:%s' "$token" | base64 | tr -d '\n')
    echo "::add-mask::$basic"
    GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.$server/.extraheader" \
      GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $basic" git "$@"
  else
    git "$@"
  fi
}

has_commit() {
  git rev-parse --verify --quiet "$1^{commit}" >/dev/null 2>&1
}

# Fetch branch $1 of origin into refs/remotes/origin/$1.
fetch_branch() {
  local depth=()
  [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ] && depth=(--depth=1)
  git_net fetch --quiet --no-tags ${depth[@]+"${depth[@]}"} origin "+refs/heads/$1:refs/remotes/origin/$1"
}

# Make --new-only-since work in a CI checkout: fetch the ref when the clone lacks it (a branch,
# origin/<branch>, or a commit SHA such as github.event.pull_request.base.sha), and deepen a
# shallow clone until the ref and HEAD have a merge-base.
prepare_since() {
  local want branch
  if [[ $since =~ ^[0-9a-f]{40}$ ]]; then
    want=$since
  else
    branch=${since#refs/remotes/}
    branch=${branch#origin/}
    branch=${branch#refs/heads/}
    want="+refs/heads/$branch:refs/remotes/origin/$branch"
  fi
  if ! has_commit "$since"; then
    echo "plumb: fetching $since from origin for new-only-since"
    local depth=()
    [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ] && depth=(--depth=1)
    if ! git_net fetch --quiet --no-tags ${depth[@]+"${depth[@]}"} origin "$want"; then
      echo "::warning title=plumb::cannot fetch $since from origin; plumb will say what is missing"
      return 0
    fi
    if ! has_commit "$since" && [ -n "${branch:-}" ]; then
      since="origin/$branch"
    fi
  fi
  [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ] || return 0
  local head step
  head=$(git rev-parse HEAD)
  for step in 50 500 5000; do
    git merge-base "$since" HEAD >/dev/null 2>&1 && return 0
    echo "plumb: deepening the shallow clone by $step commits to find the merge-base with $since"
    git_net fetch --quiet --no-tags --deepen="$step" origin "$head" "$want" ||
      git_net fetch --quiet --no-tags --deepen="$step" origin "$want" ||
      return 0
  done
  git merge-base "$since" HEAD >/dev/null 2>&1 && return 0
  echo "plumb: fetching the whole history to find the merge-base with $since"
  git_net fetch --quiet --no-tags --unshallow origin "$head" "$want" || true
}

# config-from-base: on an untrusted pull request, read the config and the baseline from the
# base branch, so the pull request cannot switch its own checks off.
from_base=false
case "${PLUMB_CONFIG_FROM_BASE:-auto}" in
  true) [ -n "${GITHUB_BASE_REF:-}" ] && from_base=true ;;
  auto) [ -n "${GITHUB_BASE_REF:-}" ] && [ "$from_fork" = true ] && from_base=true ;;
  false) ;;
  *)
    echo "::error title=plumb::config-from-base must be auto, true or false"
    output exit-code 2
    output sarif-file "$sarif_file"
    output upload-sarif false
    exit 0
    ;;
esac
no_config=false
if [ "$from_base" = true ]; then
  base_dir=$(mktemp -d)
  if ! fetch_branch "$GITHUB_BASE_REF"; then
    echo "::error title=plumb::cannot fetch the base branch $GITHUB_BASE_REF to read its config"
    output exit-code 2
    output sarif-file "$sarif_file"
    output upload-sarif false
    exit 0
  fi
  base="refs/remotes/origin/$GITHUB_BASE_REF"
  if [ -n "$config" ]; then
    candidates=("${config#./}")
  else
    candidates=(.plumb.yml .plumb.yaml)
  fi
  config=""
  for c in "${candidates[@]}"; do
    if git show "$base:$c" > "$base_dir/config.yml" 2>/dev/null; then
      config="$base_dir/config.yml"
      echo "plumb: config from the base branch ($GITHUB_BASE_REF:$c), not from the pull request"
      break
    fi
  done
  if [ -z "$config" ]; then
    no_config=true
    echo "plumb: the base branch $GITHUB_BASE_REF has no plumb config: the defaults apply, not the pull request's"
  fi
  if [ -n "$baseline" ]; then
    rel=${baseline#./}
    if git show "$base:$rel" > "$base_dir/baseline.json" 2>/dev/null; then
      baseline="$base_dir/baseline.json"
      echo "plumb: baseline from the base branch ($GITHUB_BASE_REF:$rel), not from the pull request"
    else
      echo "::notice title=plumb::the base branch has no $rel: every finding is reported"
      baseline=""
    fi
  fi
fi

[ -n "$since" ] && prepare_since

args=(check --fail-on "$fail_on")
[ -n "$config" ] && args+=(--config "$config")
[ "$no_config" = true ] && args+=(--no-config)
[ -n "$baseline" ] && args+=(--baseline "$baseline")
[ -n "$since" ] && args+=(--new-only-since "$since")

# paths: whitespace-separated, no word splitting surprises beyond that
read -r -a path_list <<< "$paths"

status=0
case "$format" in
  sarif|json|gitlab)
    out=$sarif_file
    [ "$format" != sarif ] && out=${PLUMB_OUTPUT_FILE:-plumb.$format}
    "$plumb_bin" "${args[@]}" --format "$format" --output "$out" -- "${path_list[@]}"
    status=$?
    ;;
  human|github)
    "$plumb_bin" "${args[@]}" --format "$format" -- "${path_list[@]}"
    status=$?
    ;;
  *)
    echo "::error title=plumb::unknown format '$format' (human, json, sarif, github, gitlab)"
    status=2
    ;;
esac

if [ "${PLUMB_ANNOTATIONS:-true}" = true ] && [ "$format" != github ] && [ "$status" -ne 2 ]; then
  "$plumb_bin" "${args[@]}" --format github --fail-on never -- "${path_list[@]}" || true
fi

# The upload needs security-events: write, which a fork's pull request never has: skip it
# there with a notice (the gate still runs), rather than let it fail the job.
upload=false
if [ "$format" = sarif ] && [ "$status" -ne 2 ]; then
  case "${PLUMB_UPLOAD_SARIF:-auto}" in
    true) upload=true ;;
    auto)
      if [ "$read_only" = true ]; then
        echo "::notice title=plumb::pull request from a fork: its token cannot write code scanning alerts, so the SARIF upload is skipped; the annotations and the gate still apply"
      else
        upload=true
      fi
      ;;
  esac
fi

output exit-code "$status"
output sarif-file "$sarif_file"
output upload-sarif "$upload"
exit 0
