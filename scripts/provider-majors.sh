#!/usr/bin/env bash
# Print the newest version of each provider in src/rules/support/providers.rs from the public
# Terraform Registry's API, to refresh the table (the major of each goes in MAJORS).
# Needs network access to the registry; plumb itself never fetches anything.
set -euo pipefail
for p in hashicorp/aws hashicorp/azurerm hashicorp/random hashicorp/null hashicorp/tls \
  hashicorp/local hashicorp/archive hashicorp/http hashicorp/external hashicorp/cloudinit \
  integrations/github cloudflare/cloudflare; do
  v=$(curl -fsSL "https://registry.terraform.io/v1/providers/$p" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
  printf '%s\t%s\n' "$p" "$v"
done
