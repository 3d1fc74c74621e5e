//! A typed view of docker-compose files over the YAML layer.

use super::yaml::{Yaml, YamlFile};

#[derive(Clone, Copy, Debug)]
pub struct Compose<'a> {
    pub root: Yaml<'a>,
    /// The `.env` beside the file, which Compose reads `${VAR}` values from.
    pub env: Option<&'a DotEnv>,
}

/// One service.
#[derive(Clone, Copy, Debug)]
pub struct Service<'a> {
    pub name: &'a str,
    /// The service's key (`api:`), for findings about something missing.
    pub key: Yaml<'a>,
    pub node: Yaml<'a>,
    /// The `.env` beside the compose file, for `${VAR}` values.
    pub env: Option<&'a DotEnv>,
}

impl<'a> Compose<'a> {
    /// The first document of a compose file, if it is a mapping.
    pub fn of(file: &'a YamlFile) -> Option<Compose<'a>> {
        let root = file.documents().next()?;
        root.is_map().then_some(Compose { root, env: None })
    }

    /// The same view, reading `${VAR}` values from `env` (the `.env` beside the file).
    pub fn with_env(self, env: Option<&'a DotEnv>) -> Compose<'a> {
        Compose { env, ..self }
    }

    /// `value` with its `${VAR}` interpolations resolved from the `.env` (and defaults);
    /// `None` when a variable has no value there.
    pub fn resolve(&self, value: &str) -> Option<String> {
        resolve(value, self.env)
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
                    env: self.env,
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
            // the matching brace: a default may hold an interpolation of its own
            let mut depth = 0usize;
            let mut close = None;
            for (k, c) in value[i + 1..].bytes().enumerate() {
                match c {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            close = Some(k + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(close) = close else {
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

    /// `value` with its `${VAR}` interpolations resolved from the `.env` beside the file
    /// (and defaults); `None` when a variable has no value there.
    pub fn resolve(&self, value: &str) -> Option<String> {
        resolve(value, self.env)
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
        let base = crate::paths::parent(compose_file);
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
        let context = self.resolve(context)?;
        let dockerfile = self.resolve(dockerfile)?;
        if context.contains("://") || context.starts_with("git@") || context.contains('$') {
            return None;
        }
        let ctx = base.join(&context);
        let df = std::path::Path::new(&dockerfile);
        Some(if df.is_absolute() {
            df.to_path_buf()
        } else {
            ctx.join(df)
        })
    }
}

/// One `depends_on` entry, from the list or the map form.
#[derive(Clone, Copy, Debug)]
pub struct Dependency<'a> {
    pub name: &'a str,
    /// The service name as written (list item or map key).
    pub span: super::Span,
    /// `condition:` value and its node (map form only).
    pub condition: Option<(&'a str, Yaml<'a>)>,
}

/// One published port, from the short (`"127.0.0.1:8080:80/tcp"`) or long syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// The host IP, brackets removed (`::1`); `None` when absent (all interfaces).
    pub host_ip: Option<String>,
    /// The host port or range, when given.
    pub published: Option<String>,
    /// The container port or range.
    pub target: String,
    /// The item (short form) or the `target`/`published` value (long form).
    pub span: super::Span,
}

impl Port {
    /// Whether the host side listens on every interface.
    pub fn on_all_interfaces(&self) -> bool {
        match self.host_ip.as_deref() {
            None => true,
            Some(ip) => matches!(ip.trim(), "" | "0.0.0.0" | "::" | "[::]"),
        }
    }

    /// The ports of a `N` or `N-M` range (bounded), for matching well-known ports.
    pub fn expand(range: &str) -> Vec<u16> {
        let range = range.split('/').next().unwrap_or(range).trim();
        match range.split_once('-') {
            Some((a, b)) => match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
                (Ok(a), Ok(b)) if a <= b && b - a <= 1024 => (a..=b).collect(),
                _ => Vec::new(),
            },
            None => range.parse().map(|p| vec![p]).unwrap_or_default(),
        }
    }
}

/// The variables of a `.env` file, as Compose reads them for interpolation: `KEY=value` lines
/// (an `export ` prefix allowed), `#` comments, single-quoted values literal, double-quoted
/// ones with `\n`-style escapes, unquoted ones trimmed and cut at ` #`; `${VAR}` in a value
/// resolved from the variables above it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DotEnv {
    vars: Vec<(String, String)>,
}

impl DotEnv {
    pub fn parse(text: &str) -> DotEnv {
        let mut env = DotEnv::default();
        for line in text.lines().take(100_000) {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
            let Some((key, raw)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
            {
                continue;
            }
            let raw = raw.trim();
            let value = if let Some(r) = raw.strip_prefix('\'') {
                r.split_once('\'').map_or(r, |(v, _)| v).to_string()
            } else if let Some(r) = raw.strip_prefix('"') {
                let mut v = String::new();
                let mut chars = r.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('n') => v.push('\n'),
                            Some('t') => v.push('\t'),
                            Some(o) => v.push(o),
                            None => {}
                        },
                        c => v.push(c),
                    }
                }
                resolve(&v, Some(&env)).unwrap_or(v)
            } else {
                let v = raw.split(" #").next().unwrap_or(raw).trim().to_string();
                resolve(&v, Some(&env)).unwrap_or(v)
            };
            env.vars.retain(|(k, _)| k != key);
            env.vars.push((key.to_string(), value));
        }
        env
    }

    /// The value of `key`, when the file sets it (possibly to "").
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Compose interpolation with the variables of a `.env` (when given) and the defaults:
/// `${VAR}`/`$VAR` take the file's value, `${VAR:-x}`/`${VAR-x}` fall back to `x`,
/// `${VAR:+x}`/`${VAR+x}` give `x` when set, `${VAR:?err}` needs a value; `$$` becomes `$`.
/// `None` when a variable is left without a value (the shell environment is not read).
pub fn resolve(value: &str, env: Option<&DotEnv>) -> Option<String> {
    if env.is_none() {
        return resolve_defaults(value);
    }
    resolve_depth(value, env, 0)
}

fn resolve_depth(value: &str, env: Option<&DotEnv>, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let mut out = String::new();
    let mut last = 0;
    for i in interpolations(value) {
        out.push_str(&value[last..i.range.0]);
        let set = env.and_then(|e| e.get(i.var));
        let nonempty = set.filter(|v| !v.is_empty());
        let arg = || resolve_depth(i.arg, env, depth + 1);
        let piece = match i.op {
            "" => set.map(str::to_string),
            ":-" => nonempty.map(str::to_string).or_else(arg),
            "-" => set.map(str::to_string).or_else(arg),
            ":?" => nonempty.map(str::to_string),
            "?" => set.map(str::to_string),
            ":+" => match nonempty {
                Some(_) => arg(),
                None => Some(String::new()),
            },
            "+" => match set {
                Some(_) => arg(),
                None => Some(String::new()),
            },
            _ => None,
        };
        out.push_str(&piece?);
        last = i.range.1;
    }
    out.push_str(&value[last..]);
    Some(out.replace("$$", "$"))
}

/// Compose interpolation with only the defaults known: `${VAR:-x}`/`${VAR-x}` become `x`,
/// `$$` becomes `$`. `None` when a variable without a default is left.
pub fn resolve_defaults(value: &str) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    for i in interpolations(value) {
        out.push_str(&value[last..i.range.0]);
        match i.op {
            ":-" | "-" if !i.arg.contains('$') => out.push_str(i.arg),
            _ => return None,
        }
        last = i.range.1;
    }
    out.push_str(&value[last..]);
    Some(out.replace("$$", "$"))
}

/// Parse a short-syntax port: `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]`.
pub fn parse_short_port(raw: &str) -> Option<(Option<String>, Option<String>, String)> {
    let raw = raw.trim();
    let (ip, rest): (Option<String>, String) = if let Some(r) = raw.strip_prefix('[') {
        let (ip, rest) = r.split_once(']')?;
        (
            Some(ip.to_string()),
            rest.strip_prefix(':').unwrap_or(rest).to_string(),
        )
    } else {
        let parts: Vec<&str> = raw.split(':').collect();
        let n = parts.len();
        if n >= 3 {
            // `ip:host:container`, or a bare IPv6 host before the last two parts
            (Some(parts[..n - 2].join(":")), parts[n - 2..].join(":"))
        } else {
            (None, raw.to_string())
        }
    };
    let (published, target) = match rest.rsplit_once(':') {
        Some((p, t)) => (Some(p.to_string()).filter(|p| !p.is_empty()), t.to_string()),
        None => (None, rest.clone()),
    };
    if target.is_empty() {
        return None;
    }
    Some((ip, published, target))
}

impl<'a> Compose<'a> {
    /// The names defined under a top-level section (`networks`, `volumes`, `secrets`,
    /// `configs`); `x-` keys left out.
    pub fn defined(&self, section: &str) -> Vec<&'a str> {
        self.root
            .get(section)
            .map(|s| {
                s.keys()
                    .into_iter()
                    .filter(|k| !k.starts_with("x-"))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether a service has a working healthcheck in the compose file (`None`: it has no
    /// `healthcheck:` at all).
    pub fn healthcheck_enabled(svc: &Service<'a>) -> Option<bool> {
        let hc = svc.get("healthcheck")?;
        let disabled = hc.get("disable").and_then(|d| d.as_bool()) == Some(true)
            || hc.get("test").is_some_and(|t| {
                t.as_str() == Some("NONE") || t.at(0).and_then(|x| x.as_str()) == Some("NONE")
            });
        Some(!disabled)
    }
}

impl<'a> Service<'a> {
    /// `depends_on` in the list or the map form.
    pub fn depends_on(&self) -> Vec<Dependency<'a>> {
        let Some(d) = self.node.get("depends_on") else {
            return Vec::new();
        };
        if d.is_map() {
            return d
                .entries()
                .into_iter()
                .filter_map(|(k, v)| {
                    Some(Dependency {
                        name: k.as_str()?,
                        span: k.span(),
                        condition: v.get("condition").and_then(|c| c.as_str().map(|s| (s, c))),
                    })
                })
                .collect();
        }
        d.str_or_list()
            .into_iter()
            .map(|(name, span)| Dependency {
                name,
                span,
                condition: None,
            })
            .collect()
    }

    /// `ports`, short and long syntax. Entries with variables left unresolved are dropped.
    pub fn ports(&self) -> Vec<Port> {
        let Some(ports) = self.node.get("ports") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in ports.items() {
            if item.is_map() {
                let get = |k: &str| {
                    item.get(k)
                        .and_then(|v| v.scalar().map(|s| (s.to_string(), v.span())))
                        .filter(|_| item.get(k).is_some_and(|v| !v.is_null()))
                };
                let Some((target, tspan)) = get("target") else {
                    continue;
                };
                let Some(target) = self.resolve(&target) else {
                    continue;
                };
                let host_ip = match get("host_ip") {
                    Some((ip, _)) => match self.resolve(&ip) {
                        Some(ip) => Some(ip),
                        None => continue,
                    },
                    None => None,
                };
                let published = get("published").and_then(|(p, _)| self.resolve(&p));
                out.push(Port {
                    host_ip,
                    published,
                    target,
                    span: tspan,
                });
            } else if let Some(raw) = item.scalar() {
                let Some(raw) = self.resolve(raw) else {
                    // `${PORT}:5432`: the host side is unknown but the interface is not
                    let Some((ip, _, target)) = parse_short_port(raw) else {
                        continue;
                    };
                    if ip.is_some() || target.contains('$') {
                        continue;
                    }
                    out.push(Port {
                        host_ip: None,
                        published: None,
                        target,
                        span: item.span(),
                    });
                    continue;
                };
                if let Some((host_ip, published, target)) = parse_short_port(&raw) {
                    out.push(Port {
                        host_ip,
                        published,
                        target,
                        span: item.span(),
                    });
                }
            }
        }
        out
    }
}

/// The scripts of every service, lexed once: `command` and `entrypoint` (a string, or a
/// list read as an argument vector) and `healthcheck.test` (`CMD-SHELL` and string forms
/// as scripts, `CMD` as an argument vector), each by its value node.
pub fn scripts(file: &YamlFile, text: &str) -> super::script::Scripts {
    use super::script::{Scripts, yaml_argv, yaml_script};
    let Some(compose) = Compose::of(file) else {
        return Scripts::default();
    };
    let mut pairs = Vec::new();
    for svc in compose.services() {
        for key in ["command", "entrypoint"] {
            let Some(node) = svc.node.get(key) else {
                continue;
            };
            let script = if node.is_seq() {
                yaml_argv(node.items(), text)
            } else {
                yaml_script(node, text)
            };
            if let Some(s) = script {
                pairs.push((node.id, s));
            }
        }
        if let Some(test) = svc.node.path(&["healthcheck", "test"]) {
            let script = if test.is_seq() {
                match test.at(0).and_then(|f| f.as_str()) {
                    Some("CMD-SHELL") => test.at(1).and_then(|b| yaml_script(b, text)),
                    Some("CMD") => yaml_argv(test.items().skip(1), text),
                    _ => None,
                }
            } else {
                yaml_script(test, text)
            };
            if let Some(s) = script {
                pairs.push((test.id, s));
            }
        }
    }
    Scripts::new(pairs)
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

#[cfg(test)]
mod port_tests {
    use super::*;

    #[test]
    fn short_ports() {
        let p = |s: &str| parse_short_port(s);
        assert_eq!(p("6379"), Some((None, None, "6379".into())));
        assert_eq!(
            p("5432:5432"),
            Some((None, Some("5432".into()), "5432".into()))
        );
        assert_eq!(
            p("127.0.0.1:6379:6379/tcp"),
            Some((
                Some("127.0.0.1".into()),
                Some("6379".into()),
                "6379/tcp".into()
            ))
        );
        assert_eq!(
            p("[::1]:6379:6379"),
            Some((Some("::1".into()), Some("6379".into()), "6379".into()))
        );
        assert_eq!(
            p("127.0.0.1::5432"),
            Some((Some("127.0.0.1".into()), None, "5432".into()))
        );
        assert_eq!(p(""), None);
        assert_eq!(Port::expand("9200-9201/tcp"), vec![9200, 9201]);
        assert!(Port::expand("1-65535").is_empty());
    }

    #[test]
    fn dotenv_values() {
        let env = DotEnv::parse(
            "# c\nexport TAG=1.25\nQ='lit $X'\nD=\"a\\nb\"\nEMPTY=\nREF=${TAG}-alpine # note\n",
        );
        assert_eq!(env.get("TAG"), Some("1.25"));
        assert_eq!(env.get("Q"), Some("lit $X"));
        assert_eq!(env.get("D"), Some("a\nb"));
        assert_eq!(env.get("EMPTY"), Some(""));
        assert_eq!(env.get("REF"), Some("1.25-alpine"));
        let e = Some(&env);
        assert_eq!(resolve("nginx:${TAG}", e), Some("nginx:1.25".into()));
        assert_eq!(resolve("nginx:${NOPE}", e), None);
        assert_eq!(resolve("x${EMPTY:-d}", e), Some("xd".into()));
        assert_eq!(resolve("x${EMPTY-d}", e), Some("x".into()));
        assert_eq!(resolve("${TAG:+set}", e), Some("set".into()));
        assert_eq!(resolve("${NOPE:+set}", e), Some("".into()));
        assert_eq!(resolve("${NOPE:-${TAG}}", e), Some("1.25".into()));
    }

    #[test]
    fn defaults_resolve() {
        assert_eq!(resolve_defaults("redis:${TAG:-7}"), Some("redis:7".into()));
        assert_eq!(resolve_defaults("redis:${TAG}"), None);
        assert_eq!(resolve_defaults("a$$b"), Some("a$b".into()));
    }

    #[test]
    fn depends_on_both_forms() {
        let text = "services:\n  a:\n    depends_on: [b, c]\n  b:\n    depends_on:\n      c:\n        condition: service_healthy\n  c: {}\n";
        let f = YamlFile::parse(text);
        let c = Compose::of(&f).unwrap();
        let s = c.services();
        let a: Vec<_> = s[0].depends_on().iter().map(|d| d.name).collect();
        assert_eq!(a, vec!["b", "c"]);
        let b = s[1].depends_on();
        assert_eq!(b[0].condition.map(|c| c.0), Some("service_healthy"));
    }
}
