#!/usr/bin/env bash
# Regenerate the DEFAULTS rows of src/rules/tf/registry_modules.rs: the default of each
# judged input of the well-known registry modules, at the newest tag of every major version.
#
#   scripts/tf-module-defaults.sh [MIRRORS]
#
# MIRRORS holds bare clones named <owner>+<repo>/repo (default /work/.mirror), e.g.
#   git clone --mirror https://github.com/terraform-aws-modules/terraform-aws-rds \
#     "$MIRRORS/terraform-aws-modules+terraform-aws-rds/repo"
# Output: one Rust row per (module, major, input), ready to paste; a default that is not a
# literal bool, number, null or list of strings is printed as Unknown.
set -euo pipefail
MIRRORS=${1:-/work/.mirror}

# registry source | repository | inputs judged
MODULES=(
  "terraform-aws-modules/rds/aws|terraform-aws-modules/terraform-aws-rds|storage_encrypted publicly_accessible backup_retention_period skip_final_snapshot"
  "terraform-aws-modules/eks/aws|terraform-aws-modules/terraform-aws-eks|cluster_endpoint_public_access cluster_endpoint_public_access_cidrs endpoint_public_access endpoint_public_access_cidrs"
)

for row in "${MODULES[@]}"; do
  IFS='|' read -r source repo inputs <<<"$row"
  git_dir="$MIRRORS/${repo/\//+}/repo"
  [ -d "$git_dir" ] || { echo "missing mirror $git_dir" >&2; continue; }
  # newest tag of each major
  git --git-dir="$git_dir" tag | grep -E '^v?[0-9]+\.[0-9]+\.[0-9]+$' | sort -V |
    awk -F. '{m=$1; sub(/^v/, "", m); last[m]=$0} END {for (k in last) print k, last[k]}' |
    sort -n | while read -r major tag; do
      date=$(git --git-dir="$git_dir" log -1 --format=%cs "$tag")
      text=$(git --git-dir="$git_dir" show "$tag:variables.tf" 2>/dev/null || true)
      for input in $inputs; do
        default=$(printf '%s\n' "$text" | awk -v want="variable \"$input\"" '
          index($0, want) == 1 { inside = 1; next }
          inside && /^}/ { exit }
          inside && /^  default *=/ { sub(/^  default *= */, ""); print; exit }')
        [ -n "$default" ] || continue
        case "$default" in
          true|false) value="Known(\"$default\")" ;;
          null) value="Unset" ;;
          [0-9]*) value="Known(\"$default\")" ;;
          \[*\]) value="Known(\"$(printf '%s' "$default" | tr -d '[]" ')\")" ;;
          *) value="Unknown" ;;
        esac
        printf '    ("%s", %s, "%s", %s, "%s %s"),\n' "$source" "$major" "$input" "$value" "$tag" "$date"
      done
    done
done
