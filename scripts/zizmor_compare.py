#!/usr/bin/env python3
"""Compare zizmor --offline and plumb on the real-world corpus, audit by audit.

Reads zizmor's JSON per repository (default /work/realworld-out/zizmor/<owner>+<name>.json,
made by scripts/realworld_peers.sh) and plumb's (default $CORPUS/.plumb-results/, made by
scripts/realworld.sh), maps each zizmor audit to the plumb rules that cover it, and matches
findings by file and line (a plumb finding matches a zizmor one when its line lies in
zizmor's span, give or take `--slack` lines). Prints a table and, with --list, every
finding one tool makes that the other does not.

Usage: scripts/zizmor_compare.py [--zizmor DIR] [--plumb DIR] [--list AUDIT] [--slack N]
"""
import argparse, collections, glob, json, os

MAP = {
    "template-injection": ["gha/template-injection"],
    "github-env": ["gha/github-env-injection"],
    "cache-poisoning": ["gha/cache-poisoning"],
    "self-hosted-runner": ["gha/self-hosted-runner"],
    "insecure-commands": ["gha/insecure-commands"],
    "unsound-condition": ["gha/unsound-condition"],
    "unsound-contains": ["gha/unsound-condition"],
    "bot-conditions": ["gha/spoofable-bot-check"],
    "overprovisioned-secrets": ["gha/overprovisioned-secrets"],
    "unpinned-images": ["gha/unpinned-container-image"],
    "archived-uses": ["gha/archived-action"],
    "known-vulnerable-actions": ["gha/known-vulnerable-action"],
    "github-app": ["gha/unscoped-app-token"],
    "dangerous-triggers": ["gha/dangerous-trigger", "gha/untrusted-checkout-exec"],
    "excessive-permissions": ["gha/excessive-permissions"],
    "artipacked": ["gha/persisted-credentials"],
    "secrets-inherit": ["gha/secrets-inherit"],
    "unpinned-uses": ["gha/unpinned-action"],
    "obfuscation": ["gha/obfuscation"],
    "misfeature": [],
    "adhoc-packages": [],
    "self-repository": [],
    "superfluous-actions": [],
    "use-trusted-publishing": ["gha/publish-with-token"],
    "unpinned-tools": [],
}


def zizmor_findings(path):
    try:
        data = json.load(open(path))
    except Exception:
        return []
    out = []
    for f in data:
        if f.get("ignored"):
            continue
        for loc in f["locations"]:
            sym = loc["symbolic"]
            if sym.get("kind") != "Primary":
                continue
            key = sym["key"]
            file = key.get("Local", {}).get("verbatim_path") or key.get("Local", {}).get("given_path")
            if not file:
                continue
            c = loc["concrete"]["location"]
            out.append({
                "audit": f["ident"], "file": os.path.normpath(file),
                "start": c["start_point"]["row"] + 1, "end": c["end_point"]["row"] + 1,
                "severity": f["determinations"]["severity"],
                "what": sym.get("annotation", ""),
                "feature": loc["concrete"].get("feature", ""),
            })
            break
    return out


def plumb_findings(path):
    try:
        data = json.load(open(path))
    except Exception:
        return []
    return [{
        "rule": f["rule"], "file": os.path.normpath(f["file"]), "line": f["start"]["line"],
        "severity": f["severity"], "message": f["message"],
    } for f in data["findings"] if f["rule"].startswith("gha/")]


def ti_category(feature):
    """The kind of context a template-injection finding's expression reads."""
    import re
    m = re.search(r"\$\{\{(.*?)\}\}", feature, re.S)
    e = (m.group(1) if m else feature).strip()
    attacker = ("github.event.issue.", "github.event.pull_request.title", "github.event.pull_request.body",
                "github.event.pull_request.head.ref", "github.event.pull_request.head.label",
                "github.event.comment.", "github.event.review", "github.event.discussion.",
                "github.event.head_commit.", "github.event.commits", "github.head_ref",
                "github.event.workflow_run.head_branch", "github.event.workflow_run.head_commit",
                "github.event.workflow_run.display_title", "github.event.pages")
    if any(a in e for a in attacker):
        return "attacker field"
    for prefix, name in (("inputs.", "inputs"), ("github.event.inputs", "inputs"), ("steps.", "step outputs"),
                         ("needs.", "job outputs"), ("matrix.", "matrix"), ("env.", "env"),
                         ("secrets.", "secrets"), ("vars.", "vars"), ("github.", "other github"),
                         ("runner.", "runner"), ("job.", "job"), ("fromjson", "other")):
        if prefix in e.lower():
            return name
    return "other"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--zizmor", default="/work/realworld-out/zizmor")
    ap.add_argument("--plumb", default=os.path.join(os.environ.get("CORPUS", "/work/corpus"), ".plumb-results"))
    ap.add_argument("--list", action="append", default=[])
    ap.add_argument("--slack", type=int, default=1)
    ap.add_argument("--in-scope", action="store_true",
                    help="only files GitHub runs: leave out workflow templates outside .github/ "
                         "(actions/starter-workflows) and testdata/ trees, which plumb does not "
                         "treat as workflows")
    a = ap.parse_args()
    rows = collections.defaultdict(lambda: collections.Counter())
    listing = collections.defaultdict(list)
    ti = collections.Counter()
    for zpath in sorted(glob.glob(os.path.join(a.zizmor, "*.json"))):
        repo = os.path.basename(zpath)[:-5]
        zs = zizmor_findings(zpath)
        if a.in_scope:
            zs = [z for z in zs if "testdata/" not in z["file"]
                  and (z["file"].startswith(".github/") or z["file"].endswith(("action.yml", "action.yaml")))]
        ps = plumb_findings(os.path.join(a.plumb, repo + ".json"))
        zfiles = {z["file"] for z in zs}
        for audit, rules in MAP.items():
            za = [z for z in zs if z["audit"] == audit]
            pa = [p for p in ps if p["rule"] in rules]
            rows[audit]["zizmor"] += len(za)
            rows[audit]["plumb"] += len(pa)
            used = set()
            for z in za:
                hit = [i for i, p in enumerate(pa) if p["file"] == z["file"]
                       and z["start"] - a.slack <= p["line"] <= z["end"] + a.slack]
                if hit:
                    rows[audit]["both"] += 1
                    used.update(hit)
                else:
                    rows[audit]["zizmor-only"] += 1
                    if audit == "template-injection":
                        ti[(z["severity"], ti_category(z["feature"]))] += 1
                    listing[audit].append("Z %s %s:%d-%d [%s] %s" % (repo, z["file"], z["start"], z["end"], z["severity"], z["what"]))
            for i, p in enumerate(pa):
                if i not in used:
                    rows[audit]["plumb-only"] += 1
                    listing[audit].append("P %s %s:%d [%s %s] %s" % (repo, p["file"], p["line"], p["rule"], p["severity"], p["message"][:160]))
    print("| zizmor audit | plumb rule | zizmor | plumb | both | zizmor only | plumb only |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for audit, rules in MAP.items():
        r = rows[audit]
        print("| %s | %s | %d | %d | %d | %d | %d |" % (
            audit, ", ".join(rules) or "(none)", r["zizmor"], r["plumb"], r["both"], r["zizmor-only"], r["plumb-only"]))
    print("\ntemplate-injection, zizmor only, by zizmor severity and what the expression reads:")
    for (sev, cat), n in sorted(ti.items(), key=lambda kv: -kv[1]):
        print("  %4d  %-13s %s" % (n, sev, cat))
    for audit in a.list:
        print("\n## %s" % audit)
        for l in sorted(listing[audit]):
            print(l)


if __name__ == "__main__":
    main()
