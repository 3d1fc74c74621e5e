#!/usr/bin/env python3
"""Helper of scripts/realworld.sh: materialising aid and the precision report.

  absent-blobs GITDIR COMMIT      paths (NUL-separated) whose blobs the mirror lacks
  list   --results DIR REPO=COMMIT...                 file counts per kind per repository
  report --results DIR --verdicts TSV REPO=COMMIT...  counts, error findings, precision
  peers  --out DIR                                    summary of scripts/realworld_peers.sh output

Verdicts file: tab-separated, `#` comments, header line
`repo  path  line  rule  verdict  why` with verdict one of true, false, debatable.
A verdict matches a finding with the same repo, path, line and rule.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

KINDS = ["workflow", "action", "dockerfile", "compose", "k8s", "terraform"]
SEVERITIES = ["error", "warning", "note"]


def absent_blobs(gitdir, commit):
    tree = subprocess.run(
        ["git", "--git-dir", gitdir, "ls-tree", "-r", "-z", commit],
        check=True, capture_output=True).stdout
    entries = []
    for rec in tree.split(b"\0"):
        if not rec:
            continue
        meta, path = rec.split(b"\t", 1)
        mode, typ, obj = meta.split()
        if typ == b"blob":
            entries.append((obj, path))
    if not entries:
        return
    check = subprocess.run(
        ["git", "--git-dir", gitdir, "cat-file", "--batch-check=%(objectname) %(objecttype)"],
        input=b"".join(obj + b"\n" for obj, _ in entries), check=True,
        capture_output=True).stdout.splitlines()
    out = sys.stdout.buffer
    for (obj, path), line in zip(entries, check):
        if line.endswith(b" missing"):
            out.write(path + b"\0")


def key(repo):
    return repo.replace("/", "+")


def parse_repos(items):
    repos = []
    for item in items:
        name, _, commit = item.partition("=")
        repos.append((name, commit))
    return repos


def load_files(results, repo):
    counts = collections.Counter()
    path = os.path.join(results, key(repo) + ".files")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                kind, _, _ = line.rstrip("\n").partition("\t")
                if kind:
                    counts[kind] += 1
    return counts


def cmd_list(args):
    repos = parse_repos(args.repos)
    total = collections.Counter()
    print("| repository | commit | " + " | ".join(KINDS) + " | all |")
    print("|---|---|" + "---:|" * (len(KINDS) + 1))
    for repo, commit in repos:
        c = load_files(args.results, repo)
        total.update(c)
        print(f"| {repo} | {commit[:12]} | " + " | ".join(str(c[k]) for k in KINDS)
              + f" | {sum(c.values())} |")
    print("| **total** | | " + " | ".join(str(total[k]) for k in KINDS)
          + f" | {sum(total.values())} |")


def load_verdicts(path):
    verdicts = {}
    if not os.path.exists(path):
        return verdicts
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0] == "repo":
                continue
            if len(cols) < 6:
                sys.exit(f"{path}:{n}: expected 6 tab-separated columns, got {len(cols)}")
            repo, fpath, fline, rule, verdict, why = cols[:6]
            if verdict not in ("true", "false", "debatable"):
                sys.exit(f"{path}:{n}: verdict must be true, false or debatable, not {verdict!r}")
            verdicts[(repo, fpath, int(fline), rule)] = (verdict, why)
    return verdicts


def cmd_report(args):
    repos = parse_repos(args.repos)
    verdicts = load_verdicts(args.verdicts)
    by_rule = collections.defaultdict(collections.Counter)
    per_repo = []
    errors = []
    parse = []
    tool_errors = []
    notices = 0
    files_total = collections.Counter()
    # every finding's severity by (repo, file, line, rule): a reviewed error finding that is
    # no longer an error may still be raised at a lower severity
    severity_of = {}
    for repo, commit in repos:
        path = os.path.join(args.results, key(repo) + ".json")
        if not os.path.exists(path):
            sys.exit(f"no plumb result for {repo} at {path}: run scripts/realworld.sh")
        with open(path, encoding="utf-8") as f:
            try:
                doc = json.load(f)
            except json.JSONDecodeError as e:
                sys.exit(f"{path}: not JSON ({e}); see {path[:-5]}.stderr")
        files = load_files(args.results, repo)
        files_total.update(files)
        sev = collections.Counter()
        for fd in doc["findings"]:
            severity_of[(repo, fd["file"], fd["start"]["line"], fd["rule"])] = fd["severity"]
            by_rule[fd["rule"]][fd["severity"]] += 1
            sev[fd["severity"]] += 1
            if fd["severity"] == "error":
                errors.append((repo, fd))
            if fd["rule"] == "plumb/parse-error":
                parse.append((repo, fd))
        for e in doc.get("errors", []):
            tool_errors.append((repo, e))
        notices += len(doc.get("notices", []))
        per_repo.append((repo, commit, files, sev))

    print("# plumb on the real-world set\n")
    print(f"plumb: {args.plumb_version or 'see PLUMB'}; repositories: {len(repos)}; "
          f"files checked: {sum(files_total.values())} ("
          + ", ".join(f"{files_total[k]} {k}" for k in KINDS) + f"); notices: {notices}\n")

    print("## Per repository\n")
    print("| repository | commit | files | errors | warnings | notes |")
    print("|---|---|---:|---:|---:|---:|")
    for repo, commit, files, sev in per_repo:
        print(f"| {repo} | {commit[:12]} | {sum(files.values())} | {sev['error']} | "
              f"{sev['warning']} | {sev['note']} |")

    print("\n## Per rule\n")
    print("| rule | error | warning | note | total |")
    print("|---|---:|---:|---:|---:|")
    for rule, c in sorted(by_rule.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        print(f"| {rule} | {c['error']} | {c['warning']} | {c['note']} | {sum(c.values())} |")
    tot = collections.Counter()
    for c in by_rule.values():
        tot.update(c)
    print(f"| **all** | {tot['error']} | {tot['warning']} | {tot['note']} | {sum(tot.values())} |")

    print("\n## Parse errors\n")
    if not parse:
        print("none")
    seen = set()
    for repo, fd in parse:
        seen.add((repo, fd["file"], fd["start"]["line"], fd["rule"]))
        v = verdicts.get((repo, fd["file"], fd["start"]["line"], fd["rule"]))
        tag = v[0] if v else "UNREVIEWED"
        print(f"- [{tag}] {repo} {fd['file']}:{fd['start']['line']} ({fd['severity']}): "
              f"{fd['message']}")
    if tool_errors:
        print("\n## Files plumb could not check (tool errors)\n")
        for repo, e in tool_errors:
            print(f"- {repo} {e.get('file')}:{e.get('line')}: {e.get('message')}")

    print("\n## Error findings\n")
    print("verdict\trepo\tpath:line\trule\tmessage")
    counts = collections.Counter()
    unreviewed = []
    for repo, fd in errors:
        k = (repo, fd["file"], fd["start"]["line"], fd["rule"])
        seen.add(k)
        v = verdicts.get(k)
        tag = v[0] if v else "UNREVIEWED"
        counts[tag] += 1
        if not v:
            unreviewed.append(k)
        print(f"{tag}\t{repo}\t{fd['file']}:{fd['start']['line']}\t{fd['rule']}\t{fd['message']}")

    classes = collections.defaultdict(collections.Counter)
    rules_of = collections.defaultdict(set)
    for repo, fd in errors:
        v = verdicts.get((repo, fd["file"], fd["start"]["line"], fd["rule"]))
        if not v or v[0] == "true":
            continue
        m = re.match(r"\[([a-z0-9]+)\]", v[1])
        tag = m.group(1) if m else "untagged"
        classes[tag][v[0]] += 1
        rules_of[tag].add(fd["rule"])
    if classes:
        print("\n## False and debatable error findings by class\n")
        print("| class | false | debatable | rules |")
        print("|---|---:|---:|---|")
        for tag, c in sorted(classes.items(), key=lambda kv: -sum(kv[1].values())):
            print(f"| {tag} | {c['false']} | {c['debatable']} | {', '.join(sorted(rules_of[tag]))} |")

    stale = [k for k in verdicts if k not in seen and (k[0] in dict(repos))]
    print("\n## Precision\n")
    t, f, d = counts["true"], counts["false"], counts["debatable"]
    print(f"error findings: {len(errors)}; reviewed: {t + f + d} "
          f"(true {t}, false {f}, debatable {d}); unreviewed: {counts['UNREVIEWED']}")
    if t + f:
        print(f"precision = true / (true + false) = {t}/{t + f} = {t / (t + f):.3f}")
        print(f"strict precision (debatable counted as false) = {t}/{t + f + d} = "
              f"{t / (t + f + d):.3f}")
    else:
        print("precision: no reviewed true or false error finding")
    false_parse = sum(1 for r, fd in parse
                      if verdicts.get((r, fd["file"], fd["start"]["line"], fd["rule"]),
                                      ("",))[0] == "false")
    print(f"parse errors: {len(parse)} (false: {false_parse})")
    if unreviewed:
        print(f"\n{len(unreviewed)} error finding(s) have no verdict yet (listed above as "
              "UNREVIEWED): review them and add rows to the verdicts file")
    lowered = [k for k in stale if k in severity_of]
    gone = [k for k in stale if k not in severity_of]
    for keys, what in ((lowered, "still raised, at a lower severity than error"),
                       (gone, "no longer raised at all")):
        if keys:
            c = collections.Counter(verdicts[k][0] for k in keys)
            print(f"\n{len(keys)} reviewed error finding(s) {what} (true {c['true']}, "
                  f"false {c['false']}, debatable {c['debatable']}):")
            for k in sorted(keys):
                now = f" (now {severity_of[k]})" if k in severity_of else ""
                print(f"- [{verdicts[k][0]}] {k[0]} {k[1]}:{k[2]} {k[3]}{now}")


def cmd_peers(args):
    out = args.out
    files_w = files_a = 0
    for name in sorted(os.listdir(os.path.join(out, "files"))):
        with open(os.path.join(out, "files", name), encoding="utf-8") as f:
            n = sum(1 for line in f if line.strip())
        if name.endswith(".workflows"):
            files_w += n
        else:
            files_a += n
    print(f"# Peers on the real-world workflows\n\nfiles: {files_w} workflows, {files_a} actions\n")

    audits = collections.defaultdict(collections.Counter)
    zfiles = collections.defaultdict(set)
    zdir = os.path.join(out, "zizmor")
    failed = []
    for name in sorted(os.listdir(zdir)):
        path = os.path.join(zdir, name)
        if name.endswith(".rc"):
            with open(path) as f:
                rc = f.read().strip()
            if rc not in ("0", "10", "11", "12", "13", "14"):  # 10-14: findings by severity
                failed.append(("zizmor", name[:-3], rc))
            continue
        if not name.endswith(".json"):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not text.strip():
            continue
        for fd in json.loads(text):
            det = fd.get("determinations", {})
            audits[fd["ident"]][det.get("severity", "?")] += 1
            for loc in fd.get("locations", [])[:1]:
                key = loc.get("symbolic", {}).get("key", {})
                vp = (key.get("Local") or {}).get("verbatim_path")
                if vp:
                    zfiles[fd["ident"]].add((name, vp))
    skipped = 0
    for name in os.listdir(zdir):
        if name.endswith(".stderr"):
            with open(os.path.join(zdir, name), encoding="utf-8", errors="replace") as f:
                skipped += sum(1 for line in f if "failed to parse input" in line
                               or "failed to validate" in line)
    print("## zizmor --offline: findings per audit\n")
    print(f"inputs zizmor skipped (could not parse or validate): {skipped}\n")
    sevs = ["High", "Medium", "Low", "Informational", "Unknown"]
    print("| audit | " + " | ".join(sevs) + " | total | files |")
    print("|---|" + "---:|" * (len(sevs) + 2))
    tot = collections.Counter()
    for ident, c in sorted(audits.items(), key=lambda kv: -sum(kv[1].values())):
        tot.update(c)
        print(f"| {ident} | " + " | ".join(str(c[s_]) for s_ in sevs)
              + f" | {sum(c.values())} | {len(zfiles[ident])} |")
    print("| **all** | " + " | ".join(str(tot[s_]) for s_ in sevs) + f" | {sum(tot.values())} | |")

    kinds = collections.Counter()
    kfiles = collections.defaultdict(set)
    adir = os.path.join(out, "actionlint")
    for name in sorted(os.listdir(adir)):
        path = os.path.join(adir, name)
        if name.endswith(".rc"):
            with open(path) as f:
                rc = f.read().strip()
            if rc not in ("0", "1"):
                failed.append(("actionlint", name[:-3], rc))
            continue
        if not name.endswith(".json"):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if not text.strip():
            continue
        for e in json.loads(text):
            kinds[e["kind"]] += 1
            kfiles[e["kind"]].add((name, e["filepath"]))
    print("\n## actionlint -shellcheck= -pyflakes=: errors per kind\n")
    print("| kind | errors | files |")
    print("|---|---:|---:|")
    for kind, n in kinds.most_common():
        print(f"| {kind} | {n} | {len(kfiles[kind])} |")
    print(f"| **all** | {sum(kinds.values())} | |")

    tpath = os.path.join(out, "timings.tsv")
    if os.path.exists(tpath):
        zt = at = 0.0
        with open(tpath) as f:
            for line in f:
                _, _, _, z, a = line.rstrip("\n").split("\t")
                zt += float(z)
                at += float(a)
        print(f"\nwall time, summed over repositories: zizmor {zt:.1f} s, actionlint {at:.1f} s")
    if failed:
        print("\nruns that failed (not findings):")
        for tool, repo, rc in failed:
            print(f"- {tool} {repo}: exit {rc} (see {tool}/{repo}.stderr)")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("absent-blobs")
    a.add_argument("gitdir")
    a.add_argument("commit")
    l = sub.add_parser("list")
    l.add_argument("--results", required=True)
    l.add_argument("repos", nargs="+")
    r = sub.add_parser("report")
    r.add_argument("--results", required=True)
    r.add_argument("--verdicts", required=True)
    r.add_argument("--corpus")
    r.add_argument("--plumb-version")
    r.add_argument("repos", nargs="+")
    pe = sub.add_parser("peers")
    pe.add_argument("--out", required=True)
    args = p.parse_args()
    if args.cmd == "absent-blobs":
        absent_blobs(args.gitdir, args.commit)
    elif args.cmd == "list":
        cmd_list(args)
    elif args.cmd == "peers":
        cmd_peers(args)
    else:
        cmd_report(args)


if __name__ == "__main__":
    main()
