#!/usr/bin/env python3
"""Regenerate src/rules/support/gha/events.rs: the events that trigger workflows, with their
activity types and filters, one row per event, each row naming its source.

Activity types come from GitHub's "Events that trigger workflows" page, the source of
docs.github.com (github/docs, content/actions/reference/workflows-and-actions/
events-that-trigger-workflows.md): each `## \`event\`` section's table, column "Activity
types" ("Not applicable": no `types:`; "Custom": any word, as for repository_dispatch). The
pull request types are a reusable of that repository (data/reusables/actions/
workflow-triggers-pull-request-activity-types.md). Liquid is read as docs.github.com
renders it for github.com: `{% ifversion fpt ... %}` kept, `{% ifversion ghes < ... %}`
rows dropped in favour of their `{% else %}` rows.

The filters (`branches`, `paths`, ...) are the `on.<event>.<filter>` sections of "Workflow
syntax" (FILTERS below, each with its section). What the pages do not say but GitHub's
parser accepts is in EXTRA, each row saying where it was seen.

NOT RUN IN CI, no network: give it a github/docs checkout (or the two files) and the commit
and date they were read at.

Usage:
  scripts/gen-gha-events.py --docs DIR                       # a github/docs checkout
  scripts/gen-gha-events.py --events FILE --pr-types FILE --commit SHA --date YYYY-MM-DD
  [--out FILE]  (default: src/rules/support/gha/events.rs; `-` for stdout)
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EVENTS_MD = "content/actions/reference/workflows-and-actions/events-that-trigger-workflows.md"
PR_TYPES_MD = "data/reusables/actions/workflow-triggers-pull-request-activity-types.md"
SYNTAX = "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax"

BRANCHES = ["branches", "branches-ignore"]
PATHS = ["paths", "paths-ignore"]
FILTERS = {
    "push": (BRANCHES + ["tags", "tags-ignore"] + PATHS,
             SYNTAX + "#onpushbranchestagsbranches-ignoretags-ignore, #onpushpull_requestpull_request_targetpathspaths-ignore"),
    "pull_request": (BRANCHES + PATHS,
                     SYNTAX + "#onpull_requestpull_request_targetbranchesbranches-ignore, #onpushpull_requestpull_request_targetpathspaths-ignore"),
    "pull_request_target": (BRANCHES + PATHS,
                            SYNTAX + "#onpull_requestpull_request_targetbranchesbranches-ignore, #onpushpull_requestpull_request_targetpathspaths-ignore"),
    "workflow_run": (["workflows"] + BRANCHES, SYNTAX + "#onworkflow_runbranchesbranches-ignore"),
    "merge_group": (BRANCHES, "merge queue documentation: \"merge_group\" with branches filters (docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/configuring-pull-request-merges/managing-a-merge-queue)"),
    "image_version": (["names", "versions"], "events-that-trigger-workflows.md#image_version (example)"),
}
PARSER = "GitHub's workflow parser (actions/languageservices workflow-v1.0)"
# name -> (types: None | "any" | [..], source); overrides or adds to what the page says
EXTRA = {
    # the page has a heading and no table: GitHub's parser reads it as issue_comment
    "pull_request_comment": (["created", "edited", "deleted"], PARSER + ", as issue_comment"),
    # the page says "Not applicable"; the parser takes these activity types
    "image_version": (["created", "ready", "deleted"], PARSER),
    # a pull request type the reusable does not list yet (stacked pull requests)
    "pull_request+": (["stacked"], PARSER),
    "pull_request_target+": (["stacked"], PARSER),
}
# events with their own shapes in schema.rs; types are not accepted
OWN_SHAPE = {"schedule", "workflow_call", "workflow_dispatch"}


def liquid_fpt(text):
    """Inline liquid as github.com renders it: fpt branches kept, tags dropped."""
    text = re.sub(r"\{%\s*ifversion[^%]*ghes\s*<[^%]*%\}.*?\{%\s*else\s*%\}(.*?)\{%\s*endif\s*%\}",
                  r"\1", text, flags=re.S)
    return re.sub(r"\{%\s*(ifversion[^%]*|endif|else)\s*%\}", "", text)


def types_cell(cell, pr_types):
    cell = cell.replace("{% data reusables.actions.workflow-triggers-pull-request-activity-types %}", pr_types)
    cell = liquid_fpt(cell)
    if re.search(r"not applicable", cell, re.I):
        return None
    if cell.strip().lower() == "custom":
        return "any"
    return re.findall(r"`([a-z_]+)`", cell)


def parse(events_md, pr_types):
    """(event, types) in page order."""
    out = []
    sections = re.split(r"^## ", events_md, flags=re.M)[1:]
    for sec in sections:
        head, _, body = sec.partition("\n")
        m = re.match(r"`([a-z_]+)`\s*$", head.strip())
        if not m:
            continue
        name = m.group(1)
        # the table: header, separator, then data rows; drop ghes-only rows
        rows, seen_sep, skip = [], False, False
        for line in body.splitlines():
            if not line.startswith("|"):
                if seen_sep:
                    break
                continue
            if re.match(r"\|\s*-", line):
                seen_sep = True
                continue
            if not seen_sep:
                continue
            tag = re.fullmatch(r"\|\s*\{%\s*(.*?)\s*%\}\s*\|", line.strip())
            if tag:
                t = tag.group(1)
                skip = bool(re.match(r"ifversion.*ghes\s*<", t)) if t.startswith("ifversion") else (
                    False if t.startswith(("else", "endif")) else skip)
                continue
            if not skip:
                rows.append(line)
        if not rows:
            continue
        cells = [c.strip() for c in rows[-1].strip().strip("|").split("|")]
        out.append((name, types_cell(cells[1], pr_types)))
    return out


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(events, commit, date):
    src_base = f"github/docs {EVENTS_MD.rsplit('/', 1)[1]} @ {commit[:12]} ({date})"
    rows = {}
    for name, types in events:
        rows[name] = (types, f"{src_base} #{name}")
    for key, (types, src) in EXTRA.items():
        if key.endswith("+"):
            name = key[:-1]
            old, osrc = rows[name]
            rows[name] = (list(old) + [t for t in types if t not in old], f"{osrc}; {', '.join(types)}: {src}")
        else:
            rows[key] = (types, src if key not in rows else f"{rows[key][1]}; types: {src}")
    lines = [
        "//! GENERATED by scripts/gen-gha-events.py; do not edit by hand.",
        "//!",
        "//! The events that trigger workflows, their activity types and filters: GitHub's \"Events",
        f"//! that trigger workflows\" (github/docs {EVENTS_MD}",
        f"//! at {commit}, {date}), the filters from \"Workflow syntax\", and what GitHub's",
        "//! parser accepts beyond the pages (each such row says so).",
        "",
        "/// An event's activity types: none (`types` is not accepted), any word",
        "/// (`repository_dispatch`), or a fixed list.",
        "#[derive(Clone, Copy, Debug)]",
        "pub enum Types {",
        "    None,",
        "    Any,",
        "    Of(&'static [&'static str]),",
        "}",
        "",
        "/// One event that triggers workflows.",
        "#[derive(Debug)]",
        "pub struct Event {",
        "    pub name: &'static str,",
        "    pub types: Types,",
        "    /// Filter keys besides `types` (`branches`, `paths`, ...).",
        "    pub filters: &'static [&'static str],",
        "    /// Where the row comes from.",
        "    pub source: &'static str,",
        "}",
        "",
        "/// When the table was taken.",
        f"pub const TAKEN: &str = {rust_str(date)};",
        "",
        "/// Every event a workflow can be triggered by, sorted by name. `schedule`,",
        "/// `workflow_call` and `workflow_dispatch` have their own shapes in `schema`.",
        "pub static EVENTS: &[Event] = &[",
    ]
    for name in sorted(rows):
        types, src = rows[name]
        if name in OWN_SHAPE:
            types = None
        if types is None:
            t = "Types::None"
        elif types == "any":
            t = "Types::Any"
        else:
            t = "Types::Of(&[" + ", ".join(rust_str(x) for x in types) + "])"
        filters, fsrc = FILTERS.get(name, ([], None))
        if fsrc:
            src = f"{src}; filters: {fsrc}"
        lines += [
            "    Event {",
            f"        name: {rust_str(name)},",
            f"        types: {t},",
            "        filters: &[" + ", ".join(rust_str(f) for f in filters) + "],",
            f"        source: {rust_str(src)},",
            "    },",
        ]
    lines += ["];", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", help="a github/docs checkout")
    ap.add_argument("--events", help="events-that-trigger-workflows.md")
    ap.add_argument("--pr-types", help="workflow-triggers-pull-request-activity-types.md")
    ap.add_argument("--commit")
    ap.add_argument("--date")
    ap.add_argument("--out", default=os.path.join(ROOT, "src/rules/support/gha/events.rs"))
    a = ap.parse_args()
    if a.docs:
        a.events = a.events or os.path.join(a.docs, EVENTS_MD)
        a.pr_types = a.pr_types or os.path.join(a.docs, PR_TYPES_MD)
        log = subprocess.run(["git", "-C", a.docs, "log", "-1", "--format=%H %cs", "--", EVENTS_MD],
                             capture_output=True, text=True, check=True).stdout.split()
        a.commit, a.date = a.commit or log[0], a.date or log[1]
    if not (a.events and a.pr_types and a.commit and a.date):
        ap.error("give --docs, or --events, --pr-types, --commit and --date")
    events = parse(open(a.events).read(), open(a.pr_types).read())
    if len(events) < 30:
        sys.exit(f"gen-gha-events: only {len(events)} events read from {a.events}: the page changed shape")
    text = render(events, a.commit, a.date)
    if a.out == "-":
        sys.stdout.write(text)
    else:
        with open(a.out, "w") as f:
            f.write(text)
        subprocess.run(["rustfmt", "--edition", "2024", a.out], check=False)
        print(f"wrote {a.out}: {len(events)} events from github/docs @ {a.commit[:12]} ({a.date})")


if __name__ == "__main__":
    main()
