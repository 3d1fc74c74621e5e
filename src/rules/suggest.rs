//! "Did you mean": the known name closest to a misspelt one (rule ids, packs, config keys).

use super::REGISTRY;
use crate::api::PACKS;

/// Edit distance (Levenshtein) between two short strings, in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The candidate closest to `input`, when it is close enough to be a slip: at most a third
/// of the input's length away (and at least one edit allowed).
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.trim();
    if input.is_empty() || input.len() > 200 {
        return None;
    }
    let limit = (input.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (distance(input, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// A rule id or pack for a selector or id that names none: a rule whose slug it is
/// (`template-injection` -> `gha/template-injection`), else the closest id, alias or pack.
pub fn rule_or_pack(input: &str) -> Option<&'static str> {
    let input = input.trim();
    if let Some(r) = REGISTRY
        .iter()
        .find(|r| r.id.split_once('/').is_some_and(|(_, slug)| slug == input))
    {
        return Some(r.id);
    }
    let ids = REGISTRY
        .iter()
        .flat_map(|r| std::iter::once(r.id).chain(r.aliases.iter().copied()));
    closest(input, ids.chain(PACKS.iter().map(|(p, _)| *p)))
        .map(|hit| super::find(hit).map_or(hit, |r| r.id))
}

/// ` (did you mean "x"?)`, or nothing.
pub fn hint(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean \"{s}\"?)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_find_their_name() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(
            rule_or_pack("gha/template-injectoin"),
            Some("gha/template-injection")
        );
        assert_eq!(
            rule_or_pack("template-injection"),
            Some("gha/template-injection")
        );
        assert_eq!(rule_or_pack("supply-chian"), Some("supply-chain"));
        assert_eq!(rule_or_pack("nothing/like-it-at-all"), None);
        assert_eq!(closest("selct", ["select", "ignore"]), Some("select"));
        assert_eq!(closest("zzz", ["select", "ignore"]), None);
        assert_eq!(hint(Some("a")), " (did you mean \"a\"?)");
    }
}
