#!/usr/bin/env python3
"""Compare checkov and plumb on Terraform, concept by concept.

    scripts/tf-vs-checkov.py CHECKOV.json PLUMB.json [PREFIX]

CHECKOV.json: `checkov --framework terraform -d DIR -o json --compact` (run from DIR's parent
or with paths relative to DIR); PLUMB.json: `plumb check --format json` on the same files.
PREFIX is prepended to checkov's file paths (which start at DIR) to match plumb's.
CHECKOV.json may instead be the output directory of scripts/tf-checkov-batches.sh; PREFIX is
then the repository's absolute root, stripped from checkov's absolute paths.

A checkov check belongs to the plumb rule whose table cites it (`CKV_...` in
src/rules/tf/<rule>.rs); checks no rule cites are counted as "not covered". Prints, per plumb
rule: checkov's failed checks of the cited ids, plumb's findings, and the files where only
one of the two reports the concept (what needs judging)."""
import collections, json, pathlib, re, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
cited = {}
for f in sorted((ROOT / "src/rules/tf").glob("*.rs")):
    rule = "tf/" + f.stem.replace("_", "-")
    for ck in re.findall(r"CKV2?_[A-Z]+_\d+", f.read_text()):
        cited.setdefault(ck, rule)

pl_json = json.load(open(sys.argv[2]))
prefix = sys.argv[3] if len(sys.argv) > 3 else ""
src = pathlib.Path(sys.argv[1])
if src.is_dir():
    # the batches of scripts/tf-checkov-batches.sh: one JSON per directory, a module's
    # resources reported once per directory that calls it; deduped by check, file and lines,
    # paths made relative to PREFIX (the repository root, absolute)
    seen, failed = set(), []
    for f in sorted(src.glob("*.json")):
        try:
            data = json.load(open(f))
        except (json.JSONDecodeError, OSError):
            continue  # a batch that timed out before writing
        for r in data if isinstance(data, list) else [data]:
            for c in r.get("results", {}).get("failed_checks", []):
                path = c.get("file_abs_path") or c["file_path"]
                key = (c["check_id"], path, tuple(c.get("file_line_range") or []))
                if key in seen:
                    continue
                seen.add(key)
                c = dict(c, file_path=str(pathlib.Path(path).relative_to(prefix)) if prefix and path.startswith(prefix) else path)
                failed.append(c)
    ck_json = [{"results": {"failed_checks": failed}}]
    prefix = ""
else:
    ck_json = json.load(open(src))
    if isinstance(ck_json, dict):
        ck_json = [ck_json]

ck_files = collections.defaultdict(set)  # rule -> files
ck_count = collections.Counter()
uncovered = collections.Counter()
for r in ck_json:
    for f in r.get("results", {}).get("failed_checks", []):
        rule = cited.get(f["check_id"])
        path = prefix + f["file_path"].lstrip("/")
        if rule:
            ck_count[rule] += 1
            ck_files[rule].add(path)
        else:
            uncovered[f["check_id"]] += 1

pl_files = collections.defaultdict(set)
pl_count = collections.Counter()
for f in pl_json.get("findings", []):
    if f["rule"].startswith("tf/"):
        pl_count[f["rule"]] += 1
        pl_files[f["rule"]].add(f["file"])

rules = sorted(set(ck_count) | set(pl_count))
print("| plumb rule | checkov (cited ids) | plumb | files only checkov | files only plumb |")
print("|---|---:|---:|---|---|")
for rule in rules:
    only_ck = sorted(ck_files[rule] - pl_files[rule])
    only_pl = sorted(pl_files[rule] - ck_files[rule])
    fmt = lambda l: ", ".join(l[:4]) + (f" (+{len(l) - 4})" if len(l) > 4 else "")
    print(f"| {rule} | {ck_count[rule]} | {pl_count[rule]} | {fmt(only_ck)} | {fmt(only_pl)} |")
print()
print(f"checkov failed checks no plumb rule cites: {sum(uncovered.values())} "
      f"({len(uncovered)} ids; most frequent: "
      + ", ".join(f"{k} {v}" for k, v in uncovered.most_common(8)) + ")")
