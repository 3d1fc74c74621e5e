#!/usr/bin/env bash
# Fixes on the real-world corpus: copies every file plumb checks in each repository of the
# corpus (scripts/realworld.sh materialises it), applies every fix (`--unsafe-fixes`) to the
# copy, and prints per rule how many findings had a fix, how many were left, and any file
# that fixing made unparseable (there must be none).
#
# NOT RUN IN CI (it needs the corpus). Usage: scripts/realworld-fixes.sh
# Environment: PLUMB (default target/release/plumb), CORPUS (default /work/corpus),
# OUT (default a new temporary directory).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PLUMB="${PLUMB:-$here/../target/release/plumb}"
CORPUS="${CORPUS:-/work/corpus}"
OUT="${OUT:-$(mktemp -d)}"
for repo in "$CORPUS"/*/; do
  name=$(basename "$repo")
  (cd "$repo" && "$PLUMB" check --no-config --list-files . 2>/dev/null) | cut -f2 | while read -r f; do
    mkdir -p "$OUT/$name/$(dirname "$f")"
    cp "$repo/$f" "$OUT/$name/$f" 2>/dev/null
    lock="$(dirname "$repo/$f")/.terraform.lock.hcl"
    [ -f "$lock" ] && cp "$lock" "$OUT/$name/$(dirname "$f")/"
  done
  mkdir -p "$OUT/$name/.git"
done
for repo in "$OUT"/*/; do
  n=$(basename "$repo")
  (cd "$repo" && "$PLUMB" check --no-config --format json . >"$OUT/$n.before.json" 2>/dev/null)
  (cd "$repo" && "$PLUMB" check --no-config --unsafe-fixes --format json . >/dev/null 2>"$OUT/$n.fix.err")
  (cd "$repo" && "$PLUMB" check --no-config --format json . >"$OUT/$n.after.json" 2>/dev/null)
done
OUT="$OUT" python3 - <<'PY'
import collections, glob, json, os
out = os.environ["OUT"]
before, after, fixable = collections.Counter(), collections.Counter(), collections.Counter()
broken, applied = [], 0
for f in sorted(glob.glob(f"{out}/*.before.json")):
    b = json.load(open(f))
    a = json.load(open(f.replace(".before.", ".after.")))
    pe = lambda r: {x["file"] for x in r["findings"] if x["rule"] == "plumb/parse-error"}
    broken += [(os.path.basename(f)[:-12], p) for p in sorted(pe(a) - pe(b))]
    for x in b["findings"]:
        before[x["rule"]] += 1
        if x.get("fix"):
            fixable[(x["rule"], x["fix"]["applicability"])] += 1
    for x in a["findings"]:
        after[x["rule"]] += 1
    for line in open(f.replace(".before.json", ".fix.err")):
        if "applied" in line:
            applied += int(line.split("applied ")[1].split()[0])
print(f"fixes applied: {applied}")
for (rule, ap), n in sorted(fixable.items()):
    print(f"{rule:40} {ap:7} with a fix {n:5}   findings before {before[rule]:5}  after {after[rule]:5}")
print(f"files fixing made unparseable: {broken or 'none'}")
PY
echo "copies in $OUT"
