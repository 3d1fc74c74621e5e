#!/usr/bin/env bash
# The pre-commit hook for real: install pre-commit into a throwaway venv, point a scratch repo's
# .pre-commit-config.yaml at this checkout (repo: <path>, rev: <HEAD>), and run it on a bad
# Dockerfile (must fail and name the rule) and then on the fixed one (must pass).
# When the package registry cannot be reached it says so and skips; it is never silently green.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
if ! "$work/venv/bin/pip" install --quiet pre-commit >"$work/pip.log" 2>&1; then
  echo "pre-commit test SKIPPED: could not install pre-commit from the package registry:"
  tail -n 3 "$work/pip.log"
  exit 0
fi
sha=$(git -C "$repo" rev-parse HEAD)

mkdir "$work/proj"
cd "$work/proj"
git init -q
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $sha
    hooks:
      - id: plumb
YAML
printf 'FROM python:3.12-slim\nCMD ["python", "-m", "http.server"]\n' > Dockerfile
git add .
export PRE_COMMIT_HOME="$work/cache"
if "$work/venv/bin/pre-commit" run --all-files >"$work/bad.txt" 2>&1; then
  echo "pre-commit test FAILED: the hook passed a Dockerfile that runs as root"
  cat "$work/bad.txt"
  exit 1
fi
if ! grep -q "docker/non-root-user" "$work/bad.txt"; then
  echo "pre-commit test FAILED: the hook failed without naming docker/non-root-user"
  cat "$work/bad.txt"
  exit 1
fi
printf 'FROM python:3.12-slim\nUSER 10001\nCMD ["python", "-m", "http.server"]\n' > Dockerfile
git add .
if ! "$work/venv/bin/pre-commit" run --all-files >"$work/good.txt" 2>&1; then
  echo "pre-commit test FAILED: the hook failed on the fixed Dockerfile"
  cat "$work/good.txt"
  exit 1
fi
echo "pre-commit: 2 passed, 0 failed"
