#!/usr/bin/env python3
"""Regenerate src/rules/support/gha/action_inputs.rs: the inputs of popular public actions,
one row per action major version, read from each action's action.yml at the ref the row
names.

NOT RUN IN CI: it reads the bare git mirrors the session's `fetch` tool brings to
/work/.mirror/<owner>+<repo>/repo (`fetch github:<owner>/<repo>` for each action of
scripts/gha-data/popular-actions.txt). A missing mirror is named and skipped.

For each major N the ref is, in order: the tag `vN`, the branch `vN`, `release/vN` or
`releases/vN`, else the highest `vN.x.y` tag. Majors with such a moving `vN` tag or branch
are kept; majors known only from `vN.x.y` tags are kept for the latest 4 of them; of those,
the latest 6 majors of each action make its rows. An action whose snapshot is more than
18 months older than the table date is left out (its newest major may lack inputs added
since), and each row records the release its ref is, so a pin to a later release is not
checked against it.

Usage: scripts/gen-action-inputs.py [--mirrors DIR] [--out FILE] [--date YYYY-MM-DD]
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

import yaml  # PyYAML

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def git(gitdir, *args):
    return subprocess.run(
        ["git", "--git-dir", gitdir, *args], capture_output=True, text=True
    )


def refs(gitdir):
    tags = git(gitdir, "tag").stdout.split()
    heads = [
        l.strip().lstrip("* ").strip()
        for l in git(gitdir, "branch", "--format=%(refname:short)").stdout.splitlines()
    ]
    return tags, heads


def majors(tags, heads):
    """major -> (ref, moving)"""
    out = {}
    semver = {}
    for t in tags:
        m = re.fullmatch(r"v?(\d+)((?:\.\d+){0,2})", t)
        if not m:
            continue
        n = int(m.group(1))
        key = tuple(int(x) for x in (m.group(1) + m.group(2)).split("."))
        if m.group(2) == "" and t.startswith("v"):
            out[n] = (t, True)
        elif n not in semver or key > semver[n][0]:
            semver[n] = (key, t)
    for n in list(semver) + list(out):
        if n in out:
            continue
        for b in (f"v{n}", f"release/v{n}", f"releases/v{n}"):
            if b in heads:
                out[n] = (b, True)
                break
    latest = sorted(semver)[-4:]
    for n in latest:
        if n not in out:
            out[n] = (semver[n][1], False)
    # the latest 6 majors: older ones are retired or rare, and some actions cut a major a month
    return dict(sorted(out.items())[-6:])


def metadata(gitdir, ref, path):
    for name in ("action.yml", "action.yaml"):
        p = f"{path}/{name}" if path else name
        r = git(gitdir, "show", f"{ref}:{p}")
        if r.returncode == 0:
            return r.stdout
    return None


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", default="/work/.mirror")
    ap.add_argument("--list", default=os.path.join(HERE, "gha-data", "popular-actions.txt"))
    ap.add_argument("--out", default=os.path.join(ROOT, "src/rules/support/gha/action_inputs.rs"))
    ap.add_argument("--date", default=datetime.date.today().isoformat())
    a = ap.parse_args()
    actions = [
        l.strip().lower()
        for l in open(a.list)
        if l.strip() and not l.startswith("#")
    ]
    rows = []
    missing = []
    stale = []
    taken = datetime.date.fromisoformat(a.date)
    for action in actions:
        parts = action.split("/")
        repo, path = "/".join(parts[:2]), "/".join(parts[2:])
        gitdir = None
        for d in os.listdir(a.mirrors):
            if d.lower() == repo.replace("/", "+"):
                gitdir = os.path.join(a.mirrors, d, "repo")
        if not gitdir or not os.path.isdir(gitdir):
            missing.append(repo)
            continue
        newest = git(
            gitdir, "for-each-ref", "--sort=-committerdate", "--count=1",
            "--format=%(committerdate:short)", "refs/heads", "refs/tags",
        ).stdout.strip()
        if newest and (taken - datetime.date.fromisoformat(newest)).days > 548:
            # the snapshot is older than 18 months: its newest major may lack inputs added
            # since; an out-of-date row would report valid inputs
            stale.append(f"{repo} ({newest})")
            continue
        tags, heads = refs(gitdir)
        for major, (ref, moving) in majors(tags, heads).items():
            text = metadata(gitdir, ref, path)
            if text is None:
                continue
            try:
                meta = yaml.safe_load(text) or {}
            except yaml.YAMLError as e:
                print(f"{action}@{ref}: action.yml does not parse: {e}", file=sys.stderr)
                continue
            commit = git(gitdir, "rev-list", "-n1", ref).stdout.strip()
            version = git(
                gitdir, "describe", "--tags", "--abbrev=0", "--match", f"v{major}.*", commit
            ).stdout.strip().lstrip("v") or str(major)
            date = git(gitdir, "log", "-1", "--format=%cs", commit).stdout.strip()
            using = str(((meta.get("runs") or {}).get("using")) or "")
            inputs = []
            for name, spec in (meta.get("inputs") or {}).items():
                spec = spec if isinstance(spec, dict) else {}
                req = spec.get("required") in (True, "true", "True")
                has_default = "default" in spec
                inputs.append((str(name), req, has_default))
            rows.append((action, major, ref, version, commit, date, using, inputs))
    if stale:
        print("left out, snapshot older than 18 months: " + ", ".join(stale), file=sys.stderr)
    if missing:
        print("missing mirrors (fetch github:<repo>): " + ", ".join(missing), file=sys.stderr)
    out = []
    out.append("//! GENERATED by scripts/gen-action-inputs.py; do not edit by hand.")
    out.append("//!")
    out.append(f"//! The inputs of popular public actions (scripts/gha-data/popular-actions.txt), one row")
    out.append(f"//! per action major version, read from the action's `action.yml` at the row's ref and")
    out.append(f"//! commit. Table taken {a.date}.")
    out.append("")
    out.append("/// One input: name, required, has a default.")
    out.append("pub type Input = (&'static str, bool, bool);")
    out.append("")
    out.append("/// One action major version.")
    out.append("#[derive(Debug)]")
    out.append("pub struct ActionRow {")
    out.append("    /// `owner/repo[/path]`, lowercase.")
    out.append("    pub action: &'static str,")
    out.append("    pub major: u32,")
    out.append("    /// The tag or branch read, and its commit and date: the row's source.")
    out.append("    pub git_ref: &'static str,")
    out.append("    /// The release that ref is (`4.2.2`): a pin to a later release is not checked.")
    out.append("    pub version: &'static str,")
    out.append("    pub commit: &'static str,")
    out.append("    pub date: &'static str,")
    out.append("    /// `runs.using`.")
    out.append("    pub using: &'static str,")
    out.append("    pub inputs: &'static [Input],")
    out.append("}")
    out.append("")
    out.append(f"/// When the table was taken.")
    out.append(f"pub const TAKEN: &str = {rust_str(a.date)};")
    out.append("")
    out.append("/// Sorted by action, then major.")
    out.append("pub static TABLE: &[ActionRow] = &[")
    for action, major, ref, version, commit, date, using, inputs in sorted(rows, key=lambda r: (r[0], r[1])):
        out.append("    ActionRow {")
        out.append(f"        action: {rust_str(action)},")
        out.append(f"        major: {major},")
        out.append(f"        git_ref: {rust_str(ref)},")
        out.append(f"        version: {rust_str(version)},")
        out.append(f"        commit: {rust_str(commit)},")
        out.append(f"        date: {rust_str(date)},")
        out.append(f"        using: {rust_str(using)},")
        if inputs:
            out.append("        inputs: &[")
            for name, req, d in inputs:
                out.append(f"            ({rust_str(name)}, {str(req).lower()}, {str(d).lower()}),")
            out.append("        ],")
        else:
            out.append("        inputs: &[],")
        out.append("    },")
    out.append("];")
    out.append("")
    out.append("/// The row of `action` (lowercase `owner/repo[/path]`) at `major`.")
    out.append("pub fn lookup(action: &str, major: u32) -> Option<&'static ActionRow> {")
    out.append("    TABLE")
    out.append("        .binary_search_by(|r| (r.action, r.major).cmp(&(action, major)))")
    out.append("        .ok()")
    out.append("        .map(|i| &TABLE[i])")
    out.append("}")
    out.append("")
    out.append("/// Whether the table knows `action` at any major.")
    out.append("pub fn knows(action: &str) -> bool {")
    out.append("    let i = TABLE.partition_point(|r| r.action < action);")
    out.append("    TABLE.get(i).is_some_and(|r| r.action == action)")
    out.append("}")
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"{a.out}: {len(rows)} rows from {len({r[0] for r in rows})} actions", file=sys.stderr)


if __name__ == "__main__":
    main()
