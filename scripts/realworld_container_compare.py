#!/usr/bin/env python3
"""Compare plumb's container and manifest rules with checkov, hadolint and compose-lint on
the real-world corpus, per concept: how many findings (and files) each tool reports.

Inputs: plumb's JSON per repository (scripts/realworld.sh, $RESULTS/<repo>.json) and the raw
peer outputs of scripts/realworld_container_peers.sh ($OUT/{checkov,hadolint,compose-lint}).

Usage: scripts/realworld_container_compare.py RESULTS OUT
"""

import collections
import glob
import json
import os
import sys

# concept -> (plumb rules, checkov ids, hadolint codes, compose-lint ids)
CONCEPTS = [
    ("RBAC wildcard", ["k8s/rbac-wildcard"], ["CKV_K8S_49"], [], []),
    ("RBAC escalation paths (secrets, exec, bind/escalate/impersonate, webhooks, CSR)",
     ["k8s/rbac-dangerous-access"],
     ["CKV_K8S_155", "CKV_K8S_156", "CKV_K8S_157", "CKV_K8S_158", "CKV2_K8S_3", "CKV2_K8S_4", "CKV2_K8S_5"], [], []),
    ("cluster-admin / everyone bindings", ["k8s/rbac-cluster-admin"], [], [], []),
    ("default service account used / token mounted", ["k8s/automount-token"], ["CKV_K8S_38", "CKV_K8S_41", "CKV_K8S_42"], [], []),
    ("seccomp / AppArmor", ["k8s/seccomp-profile"], ["CKV_K8S_31", "CKV_K8S_32"], [], []),
    ("hostPort", ["k8s/host-port"], ["CKV_K8S_26"], [], []),
    ("procMount Unmasked", ["k8s/unsafe-proc-mount"], [], [], []),
    ("unsafe sysctls", ["k8s/unsafe-sysctls"], [], [], []),
    ("root group", ["k8s/root-group"], [], [], []),
    ("removed API versions", ["k8s/deprecated-api"], [], [], []),
    ("selector matches nothing", ["k8s/selector-mismatch"], [], [], []),
    ("NetworkPolicy missing (plumb: off by default)", ["k8s/network-policy-missing"], ["CKV2_K8S_6"], [], []),
    ("package signatures off", ["docker/package-signature-disabled"],
     ["CKV2_DOCKER_4", "CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11", "CKV2_DOCKER_16"], [], []),
    ("pipe without pipefail", ["docker/missing-pipefail"], [], ["DL4006"], []),
    ("secret file copied", ["docker/secret-file-copied"], [], [], []),
    ("EXPOSE 22", ["docker/exposed-ssh-port"], ["CKV_DOCKER_1"], [], []),
    ("duplicate stage name / COPY --from own stage", ["docker/duplicate-stage-name"], [], ["DL3024", "DL3023"], []),
    ("relative COPY without WORKDIR", ["docker/relative-copy-without-workdir"], [], ["DL3045"], []),
    ("sensitive host mount (plumb: Docker socket is compose/privileged)", ["compose/sensitive-host-mount"], [], [], ["CL-0001"]),
    ("dangerous device", ["compose/dangerous-device"], [], [], []),
    ("no-new-privileges / cap_drop ALL (plumb: off by default)", ["compose/no-new-privileges"], [], [], ["CL-0003", "CL-0006"]),
    ("duplicate container_name / host port", ["compose/duplicate-container-name"], [], [], []),
]


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    results, out = sys.argv[1], sys.argv[2]
    plumb = collections.Counter()
    plumb_files = collections.defaultdict(set)
    for p in glob.glob(os.path.join(results, "*.json")):
        repo = os.path.basename(p)[:-5]
        d = load(p) or {}
        for f in d.get("findings", []):
            plumb[f["rule"]] += 1
            plumb_files[f["rule"]].add((repo, f["file"]))
    peer = collections.Counter()
    peer_files = collections.defaultdict(set)
    names = {}
    for p in glob.glob(os.path.join(out, "checkov", "*.json")):
        repo = os.path.basename(p)[:-5]
        d = load(p)
        if d is None:
            continue
        for r in d if isinstance(d, list) else [d]:
            for f in r.get("results", {}).get("failed_checks", []):
                peer[f["check_id"]] += 1
                peer_files[f["check_id"]].add((repo, f["file_path"].lstrip("/")))
                names[f["check_id"]] = f["check_name"]
    for p in glob.glob(os.path.join(out, "hadolint", "*.json")):
        repo = os.path.basename(p)[:-5]
        for f in load(p) or []:
            peer[f["code"]] += 1
            peer_files[f["code"]].add((repo, f["file"]))
            names[f["code"]] = f["message"]
    for p in glob.glob(os.path.join(out, "compose-lint", "*.json")):
        repo = os.path.basename(p)[:-5]
        for f in (load(p) or {}).get("findings", []):
            if f.get("suppressed"):
                continue
            peer[f["rule_id"]] += 1
            peer_files[f["rule_id"]].add((repo, f["file"]))
            names[f["rule_id"]] = f["message"]
    print("| concept | plumb (findings / files) | checkov | hadolint | compose-lint |")
    print("|---|---|---|---|---|")

    def cell(ids):
        if not ids:
            return "no check"
        n = sum(peer[i] for i in ids)
        files = set().union(*(peer_files[i] for i in ids))
        return f"{n} / {len(files)} ({', '.join(i for i in ids if peer[i])})" if n else "0"

    for concept, rules, ck, hd, cl in CONCEPTS:
        n = sum(plumb[r] for r in rules)
        files = set().union(*(plumb_files[r] for r in rules))
        print(f"| {concept} | {n} / {len(files)} | {cell(ck)} | {cell(hd)} | {cell(cl)} |")
    print()
    mapped = {i for c in CONCEPTS for i in c[2] + c[3] + c[4]}
    print("Peer checks with findings that no concept above maps (top 40):")
    for i, n in peer.most_common():
        if i not in mapped:
            print(f"  {i}\t{n}\t{names.get(i, '')[:100]}")


if __name__ == "__main__":
    main()
