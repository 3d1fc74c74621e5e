#!/usr/bin/env bash
# Real-world precision harness for plumb.
#
# Builds a corpus from public repositories pinned below, runs plumb on each as a team
# adopting it would (default rules, no config: `plumb check --no-config --format json .`
# from the repository's root), and prints per-rule counts by severity, every error
# finding, every plumb/parse-error, and the error precision against the reviewed
# verdicts in scripts/realworld/verdicts.tsv.
#
# NOT RUN IN CI: it needs the bare git mirrors that the session's `fetch` tool brings to
# /work/.mirror/<owner>+<name>/repo. When one is missing, the script says which and the
# fetch command to run, and stops.
#
# Usage:
#   scripts/realworld.sh                 # materialise (if needed), run plumb, report
#   scripts/realworld.sh --list          # the pinned repositories and file counts per kind
#   scripts/realworld.sh --only REPO     # one repository (owner/name), repeatable
#
# Environment:
#   PLUMB     the plumb binary (default: target/release/plumb of this checkout)
#   CORPUS    where trees are materialised (default: /work/corpus)
#   MIRRORS   where the bare mirrors are (default: /work/.mirror)
#   RESULTS   where plumb's JSON per repository goes (default: $CORPUS/.plumb-results)
#   VERDICTS  the reviewed verdicts (default: scripts/realworld/verdicts.tsv)
#
# Materialising: `git archive <commit> | tar -x`, leaving out the blobs a snapshot lacks
# (snapshots omit files of 4 MiB and more; those paths are listed, never silently lost).
# Each tree gets an empty `git init` so .gitignore applies as in a real checkout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
PLUMB="${PLUMB:-$root/target/release/plumb}"
CORPUS="${CORPUS:-/work/corpus}"
MIRRORS="${MIRRORS:-/work/.mirror}"
RESULTS="${RESULTS:-$CORPUS/.plumb-results}"
VERDICTS="${VERDICTS:-$here/realworld/verdicts.tsv}"
helper="$here/realworld_report.py"

# owner/name  commit (the mirror's HEAD when it was fetched)  why it is in the set
REPOS=(
  # well-kept: SHA-pinned actions, least-privilege tokens (security tools, packaging)
  "ossf/scorecard                               40c1e35996730d4fdcbdb2e6a23917a2467e29b7  security tool, Go, Dockerfiles"
  "sigstore/cosign                              d6d86c224e5899b54f56cbb063b79dc43abc11c2  security tool, SHA-pinned workflows"
  "slsa-framework/slsa-github-generator         4d014fae4dbd39eb09e8d40348b73db095e6ba9a  supply-chain tool, reusable workflows and actions"
  "pypa/cibuildwheel                            8832cf6b75594121646ec4e32692cc0ea3899f83  packaging"
  "aws-powertools/powertools-lambda-python      fa1c29f2d497a7c233f06eb69d0f7ee1b187a9e4  OpenSSF-badged library, SHA-pinned workflows"
  "curl/curl                                    5c61e168698a72b87437d58ed728bcdea6d5db42  C project, SHA-pinned, zizmor-checked workflows"
  "github/codeql-action                         f3f1edbedfb4a1d188d344570834df2996d45d39  action with many generated PR-check workflows"
  # workflow-heavy
  "actions/starter-workflows                    1035244887e26fbbd4f1017d919fb5995cc521c4  workflow templates (not under .github/workflows)"
  "pytorch/test-infra                           61a77570f45416dc425c17d4a648376541a84732  ~120 workflows, actions, Terraform"
  "deepspeedai/DeepSpeed                        edaa7221267243c7be7fb49c5d5f5c4fb97b4641  GPU CI workflows"
  "duckdb/duckdb                                044a04a7cd39e6e8235f756597ae42dde084e5e5  C++ database, many build workflows"
  "Lombiq/GitHub-Actions                        da60c6d0d290d21656ccfc3c7087ca6378874a33  reusable workflows and composite actions"
  "micropython/micropython                      1c3c201149f37fe8d81246191b3127bb198d6306  one workflow per port"
  "arduino/arduino-cli                          5994c5d3977365d387aa2858accfc95c72c0c23c  Go CLI, templated workflows"
  "rapidsai/shared-workflows                    35062adb2283e422291155c22173d623a405c42e  reusable workflows"
  "cloudposse/github-actions-workflows          80e333e7848b66a2d8ec8d0107084dbd6a27725f  reusable workflows"
  "actions/runner-images                        749514466b4f51b7dc8d9f1cda62257dcf13d183  runner image build workflows"
  "getsentry/sentry-python                      064542dd2cbdbe0b11f1cda7f47d7d2920b0c38b  generated test workflows"
  "pulumi/pulumi                                1b5949891b3cefcb9974752b24a5ecef0acc86c8  Go/multi-language monorepo, release workflows"
  "PrefectHQ/prefect                            ce79dd3d6cfa2b7337265498210dbc4d25bcdc98  Python product: workflows, Dockerfiles, compose"
  # application monorepos, self-hosted products: Dockerfiles and compose
  "GoogleCloudPlatform/microservices-demo       34ffea9175946982c3088ed84994fe6019ad6e92  Dockerfiles, k8s, kustomize, skaffold, Terraform"
  "open-telemetry/opentelemetry-demo            054282e318317f2be09f67dd9b0d7d1278566cfa  compose, Dockerfiles, k8s"
  "getsentry/self-hosted                        89a143f8e4d396a858cf6f462a832ae7da9fd2db  self-hosted product compose setup"
  "bitwarden/server                             ac309aa19ed351406a56032d5f26a7a9a99f4abd  self-hostable product: Dockerfiles, compose"
  "paperless-ngx/paperless-ngx                  b0e0e8a35373a5d9d588a507cb63c79e50a23403  self-hosted app: compose examples, Dockerfile"
  "SeleniumHQ/docker-selenium                   3290a305c0d122ce90d5301b96f46dc0728e33e8  image family: Dockerfiles, compose, k8s"
  # Kubernetes examples and operators
  "kubernetes/examples                          279e8e4fe314f6cb7bc55fa3fbc21bbeaa48c0ea  k8s examples"
  "prometheus-operator/kube-prometheus          4d719f1dea8853540b3823ab1fbe6be74a9953b3  operator manifests"
  "kubeflow/pipelines                           7b70c7b95f6832772efd6fd0029a4024491a0f44  ML platform: workflows, actions, Dockerfiles, k8s"
  "kubeflow/manifests                           009c88084074904c7743384ff50d3bd70012ef55  large kustomize manifest set"
  # Terraform modules
  "terraform-aws-modules/terraform-aws-eks      bef29c4d9523523e57fe898643fde2895106b339  AWS module"
  "terraform-aws-modules/terraform-aws-vpc      82d1929e669efef4e2ad00611b8a68e7a56e049c  AWS module"
  "terraform-aws-modules/terraform-aws-rds      fa183b6b36204913fac1219d09b4979c1e60443a  AWS module"
  "terraform-google-modules/terraform-google-kubernetes-engine bb176b213d8c55f6c3034cb39828dfe1631d7647  Google module"
  "Azure/terraform-azurerm-aks                  e29456edaa389ae47a3862963bb5a3b65f7126a5  Azure module"
)

mode=run
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --list) mode=list ;;
    --only) shift; only+=("$1") ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "realworld.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

selected() {
  [ ${#only[@]} -eq 0 ] && return 0
  local r
  for r in "${only[@]}"; do [ "$r" = "$1" ] && return 0; done
  return 1
}

if [ ! -x "$PLUMB" ]; then
  echo "realworld.sh: no plumb binary at $PLUMB (run \`cargo build --release\` or set PLUMB=)" >&2
  exit 2
fi

# 1. every mirror present, every pinned commit in it
missing=0
for line in "${REPOS[@]}"; do
  read -r repo commit _ <<<"$line"
  selected "$repo" || continue
  gitdir="$MIRRORS/${repo/\//+}/repo"
  if [ ! -d "$gitdir" ]; then
    echo "missing mirror for $repo: bring it with the fetch tool: fetch github:$repo" >&2
    missing=1
  elif ! git --git-dir="$gitdir" cat-file -e "$commit^{commit}" 2>/dev/null; then
    echo "mirror of $repo lacks commit $commit: fetch github:$repo again, or re-pin it" >&2
    missing=1
  fi
done
[ "$missing" -eq 0 ] || { echo "realworld.sh: mirrors missing, nothing run" >&2; exit 2; }

# 2. materialise each pinned tree once
mkdir -p "$CORPUS" "$RESULTS"
for line in "${REPOS[@]}"; do
  read -r repo commit _ <<<"$line"
  selected "$repo" || continue
  gitdir="$MIRRORS/${repo/\//+}/repo"
  dir="$CORPUS/${repo/\//+}"
  if [ "$(cat "$dir/.realworld-commit" 2>/dev/null)" = "$commit" ]; then continue; fi
  rm -rf "$dir"; mkdir -p "$dir"
  mapfile -d '' absent < <(python3 "$helper" absent-blobs "$gitdir" "$commit")
  excludes=()
  for p in "${absent[@]}"; do excludes+=(":(exclude,literal)$p"); done
  # git names each absent blob on stderr even when it is excluded: show that only on failure
  if ! git --git-dir="$gitdir" archive --format=tar "$commit" -- . "${excludes[@]}" \
      2>"$dir.archive-stderr" | tar -x -C "$dir"; then
    cat "$dir.archive-stderr" >&2
    echo "realworld.sh: could not materialise $repo at $commit" >&2
    exit 2
  fi
  rm -f "$dir.archive-stderr"
  if [ ${#absent[@]} -gt 0 ]; then
    printf '%s\n' "${absent[@]}" >"$dir/.realworld-absent"
    echo "$repo: ${#absent[@]} file(s) absent from the snapshot (>= 4 MiB), left out" >&2
  fi
  git -C "$dir" init -q
  echo "$commit" >"$dir/.realworld-commit"
done

# 3. run plumb from each repository's root
for line in "${REPOS[@]}"; do
  read -r repo commit _ <<<"$line"
  selected "$repo" || continue
  dir="$CORPUS/${repo/\//+}"
  out="$RESULTS/${repo/\//+}"
  (cd "$dir" && "$PLUMB" check --no-config --list-files . >"$out.files" 2>"$out.list-stderr") || true
  rc=0
  (cd "$dir" && "$PLUMB" check --no-config --format json . >"$out.json" 2>"$out.stderr") || rc=$?
  echo "$rc" >"$out.rc"
  if [ "$rc" -gt 1 ]; then echo "$repo: plumb exited $rc (see $out.stderr)" >&2; fi
done

# 4. report
repos_arg=()
for line in "${REPOS[@]}"; do
  read -r repo commit _ <<<"$line"
  selected "$repo" || continue
  repos_arg+=("$repo=$commit")
done
if [ "$mode" = list ]; then
  exec python3 "$helper" list --results "$RESULTS" "${repos_arg[@]}"
fi
exec python3 "$helper" report --results "$RESULTS" --verdicts "$VERDICTS" --corpus "$CORPUS" \
  --plumb-version "$("$PLUMB" --version) ($PLUMB)" "${repos_arg[@]}"
