//! The newest major version of common Terraform providers, for the fix of
//! `tf/provider-unpinned` when the module has no `.terraform.lock.hcl` to read it from.
//! Pinning `~> <major>.0` keeps the provider on the major version a new configuration would
//! get today, so a future major release cannot arrive unannounced.
//!
//! Written 2026-12-01 from the providers' release histories (the Terraform Registry's
//! version lists, `https://registry.terraform.io/providers/<namespace>/<name>`) as far as
//! they were known then; the registry could not be reached from where the table was
//! written, so run `scripts/provider-majors.sh` to check it against the registry before a
//! release. A major released since only makes the fix pin one major back, which the next
//! `terraform init -upgrade` review shows. The lock file, when there is one, always wins.
//! Only providers whose major version is at least 1 are listed: below 1.0 every minor
//! version may break.

/// `(source, major, first release of that major)`.
pub const MAJORS: &[(&str, u64, &str)] = &[
    ("hashicorp/aws", 6, "6.0.0, 2025-06"),
    ("hashicorp/azurerm", 4, "4.0.0, 2024-08"),
    ("hashicorp/random", 3, "3.0.0, 2020-10"),
    ("hashicorp/null", 3, "3.0.0, 2020-10"),
    ("hashicorp/tls", 4, "4.0.0, 2022-06"),
    ("hashicorp/local", 2, "2.0.0, 2020-10"),
    ("hashicorp/archive", 2, "2.0.0, 2020-10"),
    ("hashicorp/http", 3, "3.0.0, 2022-06"),
    ("hashicorp/external", 2, "2.0.0, 2020-10"),
    ("hashicorp/cloudinit", 2, "2.0.0, 2020-10"),
    ("integrations/github", 6, "6.0.0, 2024-02"),
    ("cloudflare/cloudflare", 5, "5.0.0, 2025-02"),
];

/// The major version of the provider `source` (`hashicorp/aws`, a registry host allowed in
/// front) from the table.
pub fn major(source: &str) -> Option<u64> {
    let s = source.to_ascii_lowercase();
    let short = match s.split('/').count() {
        3 => s.split_once('/').map_or(s.as_str(), |(_, r)| r),
        _ => s.as_str(),
    };
    MAJORS
        .iter()
        .find(|(n, _, _)| *n == short)
        .map(|(_, m, _)| *m)
}

/// The version a `.terraform.lock.hcl` locks the provider `source` to (`5.31.0`).
pub fn locked(lock: &str, source: &str) -> Option<String> {
    let s = source.to_ascii_lowercase();
    let full = if s.split('/').count() == 2 {
        format!("registry.terraform.io/{s}")
    } else {
        s
    };
    let head = format!("provider \"{full}\"");
    let at = lock.to_ascii_lowercase().find(&head)? + head.len();
    let block = &lock[at..];
    let block = &block[..block.find('}').unwrap_or(block.len())];
    let v = block.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("version")?.trim_start().strip_prefix('=')?;
        Some(rest.trim().trim_matches('"').to_string())
    })?;
    v.split('.').next()?.parse::<u64>().ok()?;
    Some(v)
}

/// The constraint to pin to: `~> <major>.0` (or `~> 0.<minor>` below 1.0) of the locked
/// version, else of the table's major.
pub fn constraint(lock: Option<&str>, source: &str) -> Option<String> {
    if let Some(v) = lock.and_then(|l| locked(l, source)) {
        let mut parts = v.split('.');
        let major: u64 = parts.next()?.parse().ok()?;
        if major == 0 {
            let minor: u64 = parts.next()?.parse().ok()?;
            return Some(format!("~> 0.{minor}"));
        }
        return Some(format!("~> {major}.0"));
    }
    major(source).map(|m| format!("~> {m}.0"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_the_lock_file_first() {
        let lock = "provider \"registry.terraform.io/hashicorp/aws\" {\n  version     = \"5.31.0\"\n  hashes = []\n}\nprovider \"registry.terraform.io/hashicorp/time\" {\n  version = \"0.12.1\"\n}\n";
        assert_eq!(
            constraint(Some(lock), "hashicorp/aws").as_deref(),
            Some("~> 5.0")
        );
        assert_eq!(
            constraint(Some(lock), "hashicorp/time").as_deref(),
            Some("~> 0.12")
        );
        assert_eq!(
            constraint(Some(lock), "hashicorp/random").as_deref(),
            Some("~> 3.0")
        );
        assert_eq!(
            constraint(None, "registry.terraform.io/hashicorp/aws").as_deref(),
            Some("~> 6.0")
        );
        assert_eq!(constraint(None, "acme/unknown"), None);
    }
}
