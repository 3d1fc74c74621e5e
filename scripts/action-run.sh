#!/usr/bin/env bash
# The shell logic of action.yml: run plumb with the action's inputs (passed as environment
# variables, never interpolated into this script), write SARIF, print annotations, and
# record the exit code for the gating step. Tested by tests/action.rs.
set -uo pipefail

paths=${PLUMB_PATHS:-.}
format=${PLUMB_FORMAT:-sarif}
sarif_file=${PLUMB_SARIF_FILE:-plumb.sarif}
fail_on=${PLUMB_FAIL_ON:-warning}
plumb_bin=${PLUMB_BIN:-plumb}

args=(check --fail-on "$fail_on")
[ -n "${PLUMB_CONFIG:-}" ] && args+=(--config "$PLUMB_CONFIG")
[ -n "${PLUMB_BASELINE:-}" ] && args+=(--baseline "$PLUMB_BASELINE")
[ -n "${PLUMB_NEW_ONLY_SINCE:-}" ] && args+=(--new-only-since "$PLUMB_NEW_ONLY_SINCE")

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

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "exit-code=$status" >> "$GITHUB_OUTPUT"
  echo "sarif-file=$sarif_file" >> "$GITHUB_OUTPUT"
fi
exit 0
