#!/usr/bin/env python3
"""Regenerate the data tables of the Kubernetes rules (src/rules/k8s/tables.rs).

Sources (public):
  - the Deprecated API Migration Guide, kubernetes/website
    content/en/docs/reference/using-api/deprecation-guide.md
  - the Pod Security baseline sysctl check, kubernetes/pod-security-admission
    policy/check_sysctls.go (also kubernetes/kubernetes
    staging/src/k8s.io/pod-security-admission/policy/check_sysctls.go)

Usage:
  scripts/k8s-tables.py [--guide deprecation-guide.md] [--sysctls check_sysctls.go] [--date YYYY-MM-DD]

It prints the `REMOVED` and `SAFE_SYSCTLS` rows in the form tables.rs uses; paste them over
the old rows and review the diff (a replacement named in prose, such as Pod Security Admission
for PodSecurityPolicy, is written by hand and kept). Get the files with e.g.
  curl -fsSLO https://raw.githubusercontent.com/kubernetes/website/main/content/en/docs/reference/using-api/deprecation-guide.md
  curl -fsSLO https://raw.githubusercontent.com/kubernetes/pod-security-admission/master/policy/check_sysctls.go
"""

import argparse
import datetime
import re
import sys

# Release dates of Kubernetes minors (kubernetes.io/releases, the release blog posts).
RELEASES = {
    "1.16": "2019-09-18",
    "1.22": "2021-08-04",
    "1.25": "2022-08-23",
    "1.26": "2022-12-08",
    "1.27": "2023-04-11",
    "1.29": "2023-12-13",
    "1.32": "2024-12-11",
    "1.33": "2025-04-23",
    "1.34": "2025-08-27",
    "1.35": "2025-12-17",
    "1.36": "2026-04-22",
}
# A set for a release not out yet on the date taken is dated by the upstream commit that added
# it (pass --unreleased 1.37=2026-04-14).

GUIDE = "kubernetes/website content/en/docs/reference/using-api/deprecation-guide.md"
PSA = "kubernetes/pod-security-admission policy/check_sysctls.go"

BOLD = re.compile(r"\*\*([a-z0-9.\-]+/v[0-9a-z]+)\*\*")
KIND = re.compile(r"\b([A-Z][A-Za-z]+)\b")


def removed_rows(text):
    """(api_version, kinds, removed_in, replacement) from the guide's `####` sections."""
    rows = []
    version = None
    section = []

    def flush():
        nonlocal section
        block = " ".join(section)
        section = []
        if version is None:
            return
        # the sentence that names what stops being served
        m = re.search(
            r"((?:The|[A-Z][A-Za-z]+ in the) \*\*.*?)(will no longer be served|is no longer served|are no longer served)",
            block,
        )
        if not m:
            return
        sentence = m.group(1)
        olds = BOLD.findall(sentence)
        of = re.split(r"API versions? of ", sentence)
        kinds_text = of[1] if len(of) > 1 else sentence.split(" in the ")[0]
        kinds = [k for k in KIND.findall(kinds_text) if k not in ("The", "API", "In")]
        migrate = re.search(r"use the (.*?) API version", block[m.end():])
        repl = BOLD.findall(migrate.group(1)) if migrate else []
        replacement = repl[0] if repl else ""
        for old in olds:
            rows.append((old, kinds, version, replacement))

    for line in text.splitlines():
        h = re.match(r"^### v(1\.\d+)", line)
        if h:
            flush()
            version = h.group(1)
            continue
        if line.startswith("#### ") or line.startswith("## "):
            flush()
            if line.startswith("## ") and "Removed APIs" not in line:
                version = None
            continue
        section.append(line.strip())
    flush()
    return rows


def sysctl_rows(text):
    """(name, since) from the sysctlsAllowedV1DotNN sets (later sets add to earlier ones)."""
    seen = {}
    for m in re.finditer(r"sysctlsAllowedV1Dot(\d+)\s*=\s*(.*?)\n\s*\)", text, re.S):
        minor = int(m.group(1))
        for name in re.findall(r'"([a-z0-9_.]+)"', m.group(2)):
            if name not in seen or minor < seen[name]:
                seen[name] = minor
    return sorted(seen.items(), key=lambda kv: (kv[1], list(seen).index(kv[0])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--guide")
    ap.add_argument("--sysctls")
    ap.add_argument("--unreleased", action="append", default=[], help="1.37=YYYY-MM-DD")
    ap.add_argument("--date", default=datetime.date.today().isoformat(), help="when the tables were taken")
    a = ap.parse_args()
    for u in a.unreleased:
        v, d = u.split("=")
        RELEASES.setdefault(v, d)
    guide = open(a.guide, encoding="utf-8").read() if a.guide else ""
    sysctls = open(a.sysctls, encoding="utf-8").read() if a.sysctls else ""
    print(f"// taken {a.date}")
    for old, kinds, version, repl in removed_rows(guide):
        major, minor = version.split(".")
        date = RELEASES.get(version, "YYYY-MM-DD")
        ks = ", ".join(f'"{k}"' for k in kinds)
        print(
            f'    Removed {{ api_version: "{old}", kinds: &[{ks}], removed_in: ({major}, {minor}), '
            f'replacement: "{repl}", date: "{date}", source: GUIDE }},'
        )
    print()
    for name, minor in sysctl_rows(sysctls):
        # the Pod Security admission (with its 1.0 set) shipped in Kubernetes 1.22
        date = RELEASES.get("1.22" if minor == 0 else f"1.{minor}", "YYYY-MM-DD")
        print(
            f'    SafeSysctl {{ name: "{name}", since: (1, {minor}), source: PSA, date: "{date}" }},'
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
