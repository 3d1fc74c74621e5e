//! A typed view of docker-compose files over the YAML layer.

use super::yaml::{Yaml, YamlFile};

#[derive(Clone, Copy, Debug)]
pub struct Compose<'a> {
    pub root: Yaml<'a>,
}

/// One service.
#[derive(Clone, Copy, Debug)]
pub struct Service<'a> {
    pub name: &'a str,
    /// The service's key (`api:`), for findings about something missing.
    pub key: Yaml<'a>,
    pub node: Yaml<'a>,
}

impl<'a> Compose<'a> {
    /// The first document of a compose file, if it is a mapping.
    pub fn of(file: &'a YamlFile) -> Option<Compose<'a>> {
        let root = file.documents().next()?;
        root.is_map().then_some(Compose { root })
    }

    pub fn services(&self) -> Vec<Service<'a>> {
        let Some(services) = self.root.get("services") else {
            return Vec::new();
        };
        services
            .entries()
            .into_iter()
            .filter_map(|(k, v)| {
                let name = k.as_str()?;
                if name.starts_with("x-") || !v.is_map() {
                    return None;
                }
                Some(Service {
                    name,
                    key: k,
                    node: v,
                })
            })
            .collect()
    }

    pub fn service(&self, name: &str) -> Option<Service<'a>> {
        self.services().into_iter().find(|s| s.name == name)
    }
}

/// The parts of a compose `${VAR...}` interpolation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolation<'a> {
    pub var: &'a str,
    /// `:-`, `-`, `:?`, `?`, `:+`, `+`, or "" for a bare `${VAR}` / `$VAR`.
    pub op: &'a str,
    pub arg: &'a str,
    /// Byte range of the whole `${...}` in the value.
    pub range: (usize, usize),
}

/// Every interpolation in a compose value (`$$` is an escaped dollar).
pub fn interpolations(value: &str) -> Vec<Interpolation<'_>> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        if b.get(i + 1) == Some(&b'$') {
            i += 2;
            continue;
        }
        if b.get(i + 1) == Some(&b'{') {
            let Some(close) = value[i..].find('}') else {
                break;
            };
            let inner = &value[i + 2..i + close];
            let name_end = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let rest = &inner[name_end..];
            let op_len = [":-", ":?", ":+", "-", "?", "+"]
                .iter()
                .find(|op| rest.starts_with(**op))
                .map_or(0, |op| op.len());
            out.push(Interpolation {
                var: &inner[..name_end],
                op: &rest[..op_len],
                arg: &rest[op_len..],
                range: (i, i + close + 1),
            });
            i += close + 1;
        } else {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > start {
                out.push(Interpolation {
                    var: &value[start..j],
                    op: "",
                    arg: "",
                    range: (i, j),
                });
            }
            i = j.max(i + 1);
        }
    }
    out
}

impl<'a> Service<'a> {
    pub fn get(&self, key: &str) -> Option<Yaml<'a>> {
        self.node.get(key)
    }

    /// `environment` entries as (name, value, name span, value node/span), from the map or
    /// the list (`KEY=value`) form. Value `None`: passed through from the shell.
    pub fn environment(&self) -> Vec<EnvEntry<'a>> {
        let Some(env) = self.node.get("environment") else {
            return Vec::new();
        };
        if env.is_map() {
            return env
                .entries()
                .into_iter()
                .filter_map(|(k, v)| {
                    Some(EnvEntry {
                        name: k.as_str()?,
                        name_span: k.span(),
                        value: v.as_str(),
                        node: v,
                        value_offset: None,
                    })
                })
                .collect();
        }
        env.items()
            .filter_map(|item| {
                let s = item.as_str()?;
                let (name, value) = match s.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (s, None),
                };
                let start = item.value_map_start();
                Some(EnvEntry {
                    name,
                    name_span: super::Span::new(start, start + name.len()),
                    value,
                    node: item,
                    value_offset: Some(name.len() + 1),
                })
            })
            .collect()
    }
}

/// One environment variable of a service.
#[derive(Clone, Copy, Debug)]
pub struct EnvEntry<'a> {
    pub name: &'a str,
    pub name_span: super::Span,
    pub value: Option<&'a str>,
    /// The YAML node holding the value (map form) or the whole `KEY=value` item (list form).
    pub node: Yaml<'a>,
    /// List form: where the value starts inside the item's string.
    pub value_offset: Option<usize>,
}

impl EnvEntry<'_> {
    /// The file span of `value[range]`.
    pub fn value_span(&self, text: &str, range: (usize, usize)) -> super::Span {
        let base = self.value_offset.unwrap_or(0);
        let map = self.node.value_map(text);
        map.span(super::Span::new(base + range.0, base + range.1))
    }
}

impl Yaml<'_> {
    /// Where a scalar's value starts in the file (after an opening quote).
    pub fn value_map_start(&self) -> usize {
        match self.style() {
            Some(super::yaml::Style::SingleQuoted | super::yaml::Style::DoubleQuoted) => {
                self.span().start + 1
            }
            _ => self.span().start,
        }
    }
}

impl<'a> Service<'a> {
    /// The Dockerfile this service builds, resolved relative to the compose file: `build:
    /// ./dir` or `build: {context, dockerfile}`. `None` for image-only services, remote
    /// contexts (git URLs) and inline `dockerfile_inline`.
    pub fn dockerfile_path(&self, compose_file: &std::path::Path) -> Option<std::path::PathBuf> {
        let build = self.node.get("build")?;
        let base = crate::engine::parent(compose_file);
        let (context, dockerfile) = if let Some(ctx) = build.as_str() {
            (ctx, "Dockerfile")
        } else if build.is_map() {
            if build.get("dockerfile_inline").is_some() {
                return None;
            }
            (
                build.get("context").and_then(|c| c.as_str()).unwrap_or("."),
                build
                    .get("dockerfile")
                    .and_then(|d| d.as_str())
                    .unwrap_or("Dockerfile"),
            )
        } else {
            return None;
        };
        if context.contains("://") || context.starts_with("git@") || context.contains("${") {
            return None;
        }
        let ctx = base.join(context);
        let df = std::path::Path::new(dockerfile);
        Some(if df.is_absolute() {
            df.to_path_buf()
        } else {
            ctx.join(df)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_forms() {
        let v = "${A:-x} $B ${C?err} $$D ${E}";
        let got: Vec<_> = interpolations(v)
            .into_iter()
            .map(|i| (i.var, i.op, i.arg))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", ":-", "x"),
                ("B", "", ""),
                ("C", "?", "err"),
                ("E", "", "")
            ]
        );
    }

    #[test]
    fn environment_both_forms() {
        let text = "services:\n  a:\n    environment:\n      - PASSWORD=pw\n      - HOME\n  b:\n    environment:\n      TOKEN: t\n";
        let f = YamlFile::parse(text);
        let c = Compose::of(&f).unwrap();
        let s = c.services();
        let a = s[0].environment();
        assert_eq!(a[0].name, "PASSWORD");
        assert_eq!(a[0].name_span.text(text), "PASSWORD");
        assert_eq!(a[0].value_span(text, (0, 2)).text(text), "pw");
        assert_eq!(a[1].value, None);
        let b = s[1].environment();
        assert_eq!((b[0].name, b[0].value), ("TOKEN", Some("t")));
    }
}
