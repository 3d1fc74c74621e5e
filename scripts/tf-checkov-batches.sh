#!/usr/bin/env bash
# checkov on a Terraform repository one directory at a time (it times out on a whole
# module repository on a 2-core machine): every directory holding `.tf` files is one
# `checkov -d`, at nice 10 under a timeout, its JSON written to OUT/<dir with / as +>.json.
#
#   scripts/tf-checkov-batches.sh REPO_DIR OUT [TIMEOUT_SECONDS]
#
# checkov follows local module calls from each directory, so a module's resources show up
# once per directory that calls it; scripts/tf-vs-checkov.py dedupes by check, file and line.
# A directory that times out is run again on its own files (`-f` each), following no module
# call: OUT/<name>-files.json. FILES_ONLY=1 does only that, for every directory (for
# repositories whose examples all call the root module, which times out).
set -uo pipefail
repo=$1 out=$2 limit=${3:-600}
CHECKOV=${CHECKOV:-/work/peers-venv/bin/checkov}
mkdir -p "$out"
cd "$repo" || exit 1
find . -name '*.tf' -not -path '*/.terraform/*' -printf '%h\n' | sort -u | while read -r dir; do
  name=$(printf '%s' "${dir#./}" | tr / +)
  [ "$dir" = . ] && name=ROOT
  [ -s "$out/$name.json" ] || [ -s "$out/$name-files.json" ] && continue
  start=$(date +%s)
  if [ -n "${FILES_ONLY:-}" ]; then
    rc=124 # straight to the directory's own files
  else
    timeout "$limit" nice -n 10 "$CHECKOV" --framework terraform -d "$dir" -o json --compact \
      --quiet --skip-download >"$out/$name.json" 2>"$out/$name.stderr"
    rc=$?
  fi
  if [ "$rc" = 124 ]; then
    # timed out following local modules: the directory's own files, no module calls followed
    args=()
    for f in "$dir"/*.tf; do args+=(-f "$f"); done
    timeout "$limit" nice -n 10 "$CHECKOV" --framework terraform "${args[@]}" -o json --compact \
      --quiet --skip-download >"$out/$name-files.json" 2>>"$out/$name.stderr"
    rc="124, files alone $?"
  fi
  printf '%s\t%s\t%s\n' "$dir" "$rc" "$(($(date +%s) - start))" >>"$out/timings.tsv"
done
