#!/usr/bin/env python3
"""Compare plumb's GitHub Actions correctness rules with actionlint on the real-world workflows.

Reads actionlint's JSON per repository (`actionlint -shellcheck= -pyflakes= -format
'{{json .}}' <workflows>`, as scripts/realworld_peers.sh writes it to
/work/realworld-out/actionlint/<owner>+<name>.json) and plumb's JSON per repository
(scripts/realworld.sh writes it to $RESULTS/<owner>+<name>.json), keeps the workflow files
actionlint was given (/work/realworld-out/files/<repo>.workflows), and matches findings by
file and line: an actionlint error and a finding of plumb's correctness rules (and
gha/unknown-needs, gha/deprecated-action) on the same line count as both tools reporting it.
plumb should be run on the same files, all `gha/*` rules, with a config
that reads every given file as a workflow (`kinds: {"**/*.yml": workflow, "**/*.yaml":
workflow}`): templates and test data are not workflows to plumb by default.

Prints, per actionlint kind, its errors and how many plumb also reports; per plumb rule, its
findings on those files and how many actionlint also reports; and, with --samples N, N
unmatched examples of each, to read and judge.

NOT RUN IN CI (needs the corpus and the peers' outputs).

Usage: scripts/realworld_gha_compare.py [--results DIR] [--peers DIR] [--samples N]
"""
import argparse
import collections
import json
import os

RULES = {
    "gha/invalid-workflow",
    "gha/invalid-expression",
    "gha/constant-condition",
    "gha/invalid-action-input",
    "gha/invalid-runner-label",
    "gha/unknown-needs",
    "gha/deprecated-action",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", default=os.environ.get("RESULTS", "/work/corpus/.plumb-results"))
    ap.add_argument("--peers", default="/work/realworld-out")
    ap.add_argument("--samples", type=int, default=0)
    a = ap.parse_args()

    al = collections.defaultdict(list)  # kind -> [(repo, file, line, msg)]
    pl = collections.defaultdict(list)  # rule -> [(repo, file, line, sev, msg)]
    al_lines, pl_lines = set(), set()
    files_total = 0
    for fn in sorted(os.listdir(os.path.join(a.peers, "files"))):
        if not fn.endswith(".workflows"):
            continue
        repo = fn[: -len(".workflows")]
        files = {l.strip() for l in open(os.path.join(a.peers, "files", fn)) if l.strip()}
        files_total += len(files)
        ap_json = os.path.join(a.peers, "actionlint", repo + ".json")
        if os.path.exists(ap_json) and os.path.getsize(ap_json):
            for e in json.load(open(ap_json)) or []:
                f = os.path.normpath(e["filepath"])
                al[e["kind"]].append((repo, f, e["line"], e["message"]))
                al_lines.add((repo, f, e["line"]))
        pj = os.path.join(a.results, repo + ".json")
        if not os.path.exists(pj):
            continue
        for x in json.load(open(pj))["findings"]:
            f = os.path.normpath(x["file"])
            if x["rule"] in RULES and f in files:
                pl[x["rule"]].append((repo, f, x["start"]["line"], x["severity"], x["message"]))
                pl_lines.add((repo, f, x["start"]["line"]))

    print(f"workflow files: {files_total}\n")
    print("| actionlint kind | errors | plumb on the same line | not by plumb |")
    print("|---|---:|---:|---:|")
    for kind, rows in sorted(al.items(), key=lambda kv: -len(kv[1])):
        both = sum((r, f, l) in pl_lines for r, f, l, _ in rows)
        print(f"| {kind} | {len(rows)} | {both} | {len(rows) - both} |")
    print()
    print("| plumb rule | errors | warnings | actionlint on the same line | not by actionlint |")
    print("|---|---:|---:|---:|---:|")
    for rule, rows in sorted(pl.items()):
        both = sum((r, f, l) in al_lines for r, f, l, _, _ in rows)
        e = sum(s == "error" for *_, s, _ in rows)
        print(f"| `{rule}` | {e} | {len(rows) - e} | {both} | {len(rows) - both} |")
    if a.samples:
        print("\n## actionlint only")
        for kind, rows in sorted(al.items()):
            miss = [r for r in rows if (r[0], r[1], r[2]) not in pl_lines]
            for r, f, l, m in miss[: a.samples]:
                print(f"[{kind}] {r}/{f}:{l}: {m[:200]}")
        print("\n## plumb only")
        for rule, rows in sorted(pl.items()):
            miss = [x for x in rows if (x[0], x[1], x[2]) not in al_lines]
            for r, f, l, s, m in miss[: a.samples]:
                print(f"[{rule} {s}] {r}/{f}:{l}: {m[:200]}")


if __name__ == "__main__":
    main()
