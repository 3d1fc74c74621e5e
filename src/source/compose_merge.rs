//! Compose files merged the way `docker compose` merges them (`compose.yaml` with
//! `compose.override.yaml`, or `-f compose.yaml -f compose.prod.yaml`), so that service rules
//! judge a service by everything the files say about it.
//!
//! The merge is written out as one YAML text, which is parsed like any compose file, with an
//! origin map: every scalar copied from a layer keeps a chunk pointing back at its bytes there
//! (exact, so sub-spans map too), and every collection a chunk pointing at the collection it
//! came from. A finding on the merged text is placed back in the layer that wrote what it
//! points at; a service's key comes from the first layer that defines the service.
//!
//! Merge rules (the Compose specification's "Merge and override"): mappings are merged key by
//! key, later layers winning; sequences are appended, except `command`, `entrypoint` and
//! `healthcheck.test`, which are replaced; any other value is replaced; `!reset` removes a key
//! and `!override` replaces a value without merging.

use super::Span;
use super::yaml::{Style, Yaml, YamlFile};

/// One file of the merge, in the order Compose reads them.
#[derive(Clone, Copy)]
pub struct Layer<'a> {
    pub yaml: &'a YamlFile,
    pub text: &'a str,
}

/// Where a piece of the merged text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub merged: Span,
    pub layer: usize,
    pub orig: Span,
    /// Copied byte for byte (offsets inside it map one to one); otherwise a span inside
    /// maps to the whole original.
    pub exact: bool,
}

/// The merged text and its origin map.
#[derive(Debug)]
pub struct Merged {
    pub text: String,
    chunks: Vec<Chunk>,
}

impl Merged {
    /// The layer and span that a span of the merged text stands for.
    pub fn origin(&self, span: Span) -> Option<(usize, Span)> {
        let c = self
            .chunks
            .iter()
            .filter(|c| c.merged.start <= span.start && span.end <= c.merged.end)
            .min_by_key(|c| c.merged.len())?;
        if c.exact {
            let start = c.orig.start + (span.start - c.merged.start);
            let end = (start + span.len()).min(c.orig.end);
            Some((c.layer, Span::new(start, end)))
        } else {
            Some((c.layer, c.orig))
        }
    }

    /// Like [`Merged::origin`], but only for spans copied byte for byte (for fix edits).
    pub fn exact_origin(&self, span: Span) -> Option<(usize, Span)> {
        let c = self
            .chunks
            .iter()
            .filter(|c| c.exact && c.merged.start <= span.start && span.end <= c.merged.end)
            .min_by_key(|c| c.merged.len())?;
        let start = c.orig.start + (span.start - c.merged.start);
        Some((c.layer, Span::new(start, start + span.len())))
    }
}

/// Nodes visited at most (aliases are expanded): a larger merge is not made.
const BUDGET: usize = 200_000;
/// Deepest nesting followed.
const DEPTH: usize = 64;

enum Val<'a> {
    Leaf {
        node: Yaml<'a>,
        layer: usize,
    },
    Map {
        entries: Vec<Entry<'a>>,
        node: Yaml<'a>,
        layer: usize,
    },
    Seq {
        items: Vec<Val<'a>>,
        node: Yaml<'a>,
        layer: usize,
    },
}

struct Entry<'a> {
    key: String,
    key_node: Yaml<'a>,
    key_layer: usize,
    val: Val<'a>,
}

fn build<'a>(node: Yaml<'a>, layer: usize, budget: &mut usize, depth: usize) -> Option<Val<'a>> {
    if *budget == 0 || depth > DEPTH {
        return None;
    }
    *budget -= 1;
    let node = node.resolved();
    if node.is_map() {
        let mut entries = Vec::new();
        for (k, v) in node.entries() {
            let Some(key) = k.scalar() else { continue };
            entries.push(Entry {
                key: key.to_string(),
                key_node: k,
                key_layer: layer,
                val: build(v, layer, budget, depth + 1)?,
            });
        }
        Some(Val::Map {
            entries,
            node,
            layer,
        })
    } else if node.is_seq() {
        let mut items = Vec::new();
        for i in node.items() {
            items.push(build(i, layer, budget, depth + 1)?);
        }
        Some(Val::Seq { items, node, layer })
    } else {
        Some(Val::Leaf { node, layer })
    }
}

fn tag_of(v: &Val<'_>) -> Option<String> {
    let node = match v {
        Val::Leaf { node, .. } | Val::Map { node, .. } | Val::Seq { node, .. } => node,
    };
    node.tag().map(str::to_string)
}

/// Sequences replaced rather than appended.
fn replaced(path: &[&str]) -> bool {
    match path {
        [.., "healthcheck", "test"] => true,
        [.., last] => matches!(*last, "command" | "entrypoint"),
        [] => false,
    }
}

fn merge<'a>(a: Val<'a>, b: Val<'a>, path: &mut Vec<String>) -> Val<'a> {
    if tag_of(&b).as_deref() == Some("!override") {
        return b;
    }
    match (a, b) {
        (
            Val::Map {
                mut entries,
                node,
                layer,
            },
            Val::Map { entries: more, .. },
        ) => {
            for e in more {
                let reset = tag_of(&e.val).as_deref() == Some("!reset");
                match entries.iter().position(|x| x.key == e.key) {
                    Some(i) if reset => {
                        entries.remove(i);
                    }
                    Some(i) => {
                        let old = entries.remove(i);
                        path.push(e.key.clone());
                        let val = merge(old.val, e.val, path);
                        path.pop();
                        entries.insert(
                            i,
                            Entry {
                                key: old.key,
                                key_node: old.key_node,
                                key_layer: old.key_layer,
                                val,
                            },
                        );
                    }
                    None if reset => {}
                    None => entries.push(e),
                }
            }
            Val::Map {
                entries,
                node,
                layer,
            }
        }
        (
            Val::Seq {
                mut items,
                node,
                layer,
            },
            Val::Seq { items: more, .. },
        ) if !replaced(&path.iter().map(String::as_str).collect::<Vec<_>>()) => {
            items.extend(more);
            Val::Seq { items, node, layer }
        }
        (_, b) => b,
    }
}

/// Merge `layers` (the base file first). `None` when a layer's first document is not a
/// mapping, or the merge would be too large.
pub fn merge_layers(layers: &[Layer<'_>]) -> Option<Merged> {
    let mut budget = BUDGET;
    let mut acc: Option<Val<'_>> = None;
    for (i, l) in layers.iter().enumerate() {
        let root = l.yaml.documents().next()?;
        if !root.is_map() {
            return None;
        }
        let v = build(root, i, &mut budget, 0)?;
        acc = Some(match acc {
            None => v,
            Some(a) => merge(a, v, &mut Vec::new()),
        });
    }
    let mut w = Writer {
        layers,
        out: String::new(),
        chunks: Vec::new(),
    };
    match acc? {
        Val::Map { entries, node, .. } => {
            w.entries(&entries, 0);
            // what no key or value covers belongs to the base's document
            let root = node.span();
            w.chunks.push(Chunk {
                merged: Span::new(0, w.out.len()),
                layer: 0,
                orig: Span::new(root.start, root.start),
                exact: false,
            });
        }
        _ => return None,
    }
    Some(Merged {
        text: w.out,
        chunks: w.chunks,
    })
}

struct Writer<'l, 'a> {
    layers: &'l [Layer<'a>],
    out: String,
    chunks: Vec<Chunk>,
}

impl Writer<'_, '_> {
    fn indent(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
    }

    /// A scalar: its source text when that is one line and means the same anywhere in block
    /// context, else a double-quoted string.
    fn scalar(&mut self, node: Yaml<'_>, layer: usize) {
        let text = self.layers[layer].text;
        let span = node.span();
        let src = span.text(text);
        let value = node.scalar().unwrap_or("");
        let verbatim = !src.is_empty()
            && !src.contains('\n')
            && !src.starts_with(['&', '!', '*'])
            && match node.style() {
                Some(Style::Plain) => src == value && !value.starts_with(['-', '?', ':', '#']),
                Some(Style::SingleQuoted) => src.starts_with('\'') && src.ends_with('\''),
                Some(Style::DoubleQuoted) => src.starts_with('"') && src.ends_with('"'),
                _ => false,
            };
        let start = self.out.len();
        if verbatim {
            self.out.push_str(src);
        } else if node.is_null() && node.style() == Some(Style::Plain) {
            self.out.push('~');
        } else {
            quote(value, &mut self.out);
        }
        self.chunks.push(Chunk {
            merged: Span::new(start, self.out.len()),
            layer,
            orig: span,
            exact: verbatim,
        });
    }

    fn entries(&mut self, entries: &[Entry<'_>], ind: usize) {
        for e in entries {
            self.indent(ind);
            self.scalar(e.key_node, e.key_layer);
            self.out.push(':');
            self.value(&e.val, ind);
        }
    }

    /// The value after `key:` (or `-`), ending with a newline.
    fn value(&mut self, v: &Val<'_>, ind: usize) {
        match v {
            Val::Leaf { node, layer } => {
                self.out.push(' ');
                self.scalar(*node, *layer);
                self.out.push('\n');
            }
            Val::Map {
                entries,
                node,
                layer,
            } => {
                if entries.is_empty() {
                    self.out.push_str(" {}\n");
                    return;
                }
                self.out.push('\n');
                let start = self.out.len() + ind + 2;
                self.entries(entries, ind + 2);
                self.collection(start, *node, *layer);
            }
            Val::Seq { items, node, layer } => {
                if items.is_empty() {
                    self.out.push_str(" []\n");
                    return;
                }
                self.out.push('\n');
                let start = self.out.len() + ind + 2;
                for item in items {
                    self.indent(ind + 2);
                    self.out.push('-');
                    self.value(item, ind + 4);
                }
                self.collection(start, *node, *layer);
            }
        }
    }

    fn collection(&mut self, start: usize, node: Yaml<'_>, layer: usize) {
        let end = self.out.trim_end().len().max(start);
        self.chunks.push(Chunk {
            merged: Span::new(start, end),
            layer,
            orig: node.span(),
            exact: false,
        });
    }
}

/// A YAML double-quoted string.
fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// How a compose file's name places it in a merge: the base (`compose.yaml`,
/// `docker-compose.yml`), the automatic override (`compose.override.yaml`), or an overlay
/// named after the base (`docker-compose.prod.yml`), with the base names it goes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Base,
    Override,
    Overlay,
}

/// The role of a compose file named `name`, and its family prefix (`compose` or
/// `docker-compose`).
pub fn role(name: &str) -> Option<(Role, &'static str)> {
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".yml")
        .or_else(|| lower.strip_suffix(".yaml"))?;
    let (prefix, rest) = if let Some(r) = stem.strip_prefix("docker-compose") {
        ("docker-compose", r)
    } else if let Some(r) = stem.strip_prefix("compose") {
        ("compose", r)
    } else {
        return None;
    };
    match rest {
        "" => Some((Role::Base, prefix)),
        ".override" => Some((Role::Override, prefix)),
        r if r.starts_with(['.', '-']) && r.len() > 1 && !r[1..].contains('.') => {
            Some((Role::Overlay, prefix))
        }
        _ => None,
    }
}

/// The base file names of a family, the family's own first.
pub fn base_names(prefix: &str) -> [&'static str; 4] {
    if prefix == "compose" {
        [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yaml",
            "docker-compose.yml",
        ]
    } else {
        [
            "docker-compose.yml",
            "docker-compose.yaml",
            "compose.yaml",
            "compose.yml",
        ]
    }
}

/// The automatic override file names for a base of `prefix`, the family's own first.
pub fn override_names(prefix: &str) -> [&'static str; 4] {
    if prefix == "compose" {
        [
            "compose.override.yaml",
            "compose.override.yml",
            "docker-compose.override.yaml",
            "docker-compose.override.yml",
        ]
    } else {
        [
            "docker-compose.override.yml",
            "docker-compose.override.yaml",
            "compose.override.yaml",
            "compose.override.yml",
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(a: &str, b: &str) -> Merged {
        let ya = YamlFile::parse(a);
        let yb = YamlFile::parse(b);
        merge_layers(&[Layer { yaml: &ya, text: a }, Layer { yaml: &yb, text: b }]).expect("merges")
    }

    #[test]
    fn services_merge_key_by_key() {
        let base = "services:\n  web:\n    image: \"nginx:1.27\"\n    ports: [\"80:80\"]\n    command: [a, b]\n";
        let over = "services:\n  web:\n    restart: always\n    ports:\n      - 443:443\n    command: [c]\n  debug:\n    image: busybox\n";
        let m = merged(base, over);
        let y = YamlFile::parse(&m.text);
        assert!(y.errors.is_empty(), "{}\n{:?}", m.text, y.errors);
        let root = y.documents().next().unwrap();
        let web = root.path(&["services", "web"]).unwrap();
        assert_eq!(web.get("restart").and_then(|v| v.as_str()), Some("always"));
        assert_eq!(web.get("ports").unwrap().len(), 2);
        assert_eq!(web.get("command").unwrap().len(), 1);
        // the image value maps back to the base, exactly
        let img = web.get("image").unwrap();
        let (layer, span) = m.origin(img.span()).unwrap();
        assert_eq!((layer, span.text(base)), (0, "\"nginx:1.27\""));
        // the restart value to the override
        let r = web.get("restart").unwrap();
        let (layer, span) = m.origin(r.span()).unwrap();
        assert_eq!((layer, span.text(over)), (1, "always"));
        // the service's key to the base, which defines it first
        let (k, _) = root.get("services").unwrap().entry("web").unwrap();
        assert_eq!(m.origin(k.span()).map(|(l, _)| l), Some(0));
        let (k, _) = root.get("services").unwrap().entry("debug").unwrap();
        assert_eq!(m.origin(k.span()).map(|(l, _)| l), Some(1));
    }

    #[test]
    fn reset_and_block_scalars() {
        let base = "services:\n  a:\n    image: x:1\n    ports: [\"1:1\"]\n    command: |\n      echo hi\n      echo there\n";
        let over = "services:\n  a:\n    ports: !reset []\n";
        let m = merged(base, over);
        let y = YamlFile::parse(&m.text);
        assert!(y.errors.is_empty(), "{}", m.text);
        let a = y
            .documents()
            .next()
            .unwrap()
            .path(&["services", "a"])
            .unwrap();
        assert!(a.get("ports").is_none());
        assert_eq!(
            a.get("command").and_then(|c| c.as_str()),
            Some("echo hi\necho there\n")
        );
        // a re-quoted scalar maps to its whole original
        let (l, s) = m.origin(a.get("command").unwrap().span()).unwrap();
        assert_eq!(l, 0);
        assert!(s.text(base).starts_with("echo hi"));
    }

    #[test]
    fn roles() {
        assert_eq!(role("compose.yaml"), Some((Role::Base, "compose")));
        assert_eq!(
            role("docker-compose.override.yml"),
            Some((Role::Override, "docker-compose"))
        );
        assert_eq!(
            role("docker-compose.prod.yml"),
            Some((Role::Overlay, "docker-compose"))
        );
        assert_eq!(
            role("docker-compose-dev.yml"),
            Some((Role::Overlay, "docker-compose"))
        );
        assert_eq!(role("docker-compose.a.b.yml"), None);
        assert_eq!(role("my-compose.yml"), None);
    }
}
