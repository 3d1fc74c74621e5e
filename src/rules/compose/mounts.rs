//! What the compose mount and device rules share: a service's bind mounts and devices, with
//! `${VAR}` resolved from the `.env` beside the file.

use crate::source::Span;
use crate::source::compose::Service;
use crate::source::yaml::Yaml;

/// One bind mount of a service.
pub struct Bind {
    /// The host path, resolved, with trailing slashes removed (`/` stays `/`).
    pub host: String,
    pub target: String,
    pub read_only: bool,
    /// The host side as written (short syntax: the item; long syntax: `source`).
    pub span: Span,
}

/// Whether a short-syntax volume source is a host path (not a named volume).
fn is_path(source: &str) -> bool {
    source.starts_with('/')
        || source.starts_with('.')
        || source.starts_with('~')
        || source.len() >= 2 && source.as_bytes()[1] == b':' // C:\
}

fn clean(path: &str) -> String {
    let mut p = path.trim().to_string();
    while p.contains("//") {
        p = p.replace("//", "/");
    }
    while p.len() > 1 && p.ends_with('/') {
        p.pop();
    }
    // `/etc/.` and `/etc/./` mean /etc
    while p.len() > 2 && p.ends_with("/.") {
        p.truncate(p.len() - 2);
    }
    if p.is_empty() { "/".into() } else { p }
}

/// The service's bind mounts (named volumes and tmpfs left out). Entries whose host side
/// depends on a variable with no value are left out.
pub fn binds(svc: &Service<'_>) -> Vec<Bind> {
    let Some(vols) = svc.get("volumes") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for v in vols.items() {
        if let Some(raw) = v.as_str() {
            let Some(resolved) = svc.resolve(raw) else {
                continue;
            };
            // SOURCE:TARGET[:MODE]; a Windows drive letter holds a colon of its own
            let parts: Vec<&str> = split_volume(&resolved);
            let (source, target, mode) = match parts.as_slice() {
                [s, t] => (*s, *t, ""),
                [s, t, m] => (*s, *t, *m),
                _ => continue,
            };
            if !is_path(source) {
                continue;
            }
            out.push(Bind {
                host: clean(source),
                target: target.to_string(),
                read_only: mode.split(',').any(|o| o.trim() == "ro"),
                span: v.span(),
            });
        } else if v.is_map() {
            let s = |n: Option<Yaml<'_>>| n.and_then(|x| x.scalar()).map(str::to_string);
            let ty = s(v.get("type")).unwrap_or_default();
            let Some(source_node) = v.get("source") else {
                continue;
            };
            let Some(source) = source_node.as_str().and_then(|x| svc.resolve(x)) else {
                continue;
            };
            if ty != "bind" && !(ty.is_empty() && is_path(&source)) {
                continue;
            }
            out.push(Bind {
                host: clean(&source),
                target: s(v.get("target")).unwrap_or_default(),
                read_only: v.get("read_only").and_then(|r| r.as_bool()) == Some(true),
                span: source_node.span(),
            });
        }
    }
    out
}

/// `a:b:c` split on colons, keeping a Windows drive (`C:\x:/y`) whole.
fn split_volume(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b':' {
            let drive = i == start + 1
                && b[start].is_ascii_alphabetic()
                && matches!(b.get(i + 1), Some(b'\\') | Some(b'/'));
            if !drive {
                out.push(&s[start..i]);
                start = i + 1;
            }
        }
        i += 1;
    }
    out.push(&s[start..]);
    out
}

/// One `devices:` entry: the host device, resolved, and where it is written.
pub struct Device {
    pub host: String,
    pub span: Span,
}

pub fn devices(svc: &Service<'_>) -> Vec<Device> {
    let Some(list) = svc.get("devices") else {
        return Vec::new();
    };
    list.items()
        .filter_map(|d| {
            let (raw, span) = if let Some(s) = d.as_str() {
                (s.split(':').next().unwrap_or(s), d.span())
            } else {
                let n = d.get("source")?;
                (n.as_str()?, n.span())
            };
            let host = svc.resolve(raw)?;
            Some(Device {
                host: clean(&host),
                span,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_parts() {
        assert_eq!(split_volume("/:/host:ro"), vec!["/", "/host", "ro"]);
        assert_eq!(split_volume("C:\\data:/data"), vec!["C:\\data", "/data"]);
        assert_eq!(clean("/etc/"), "/etc");
        assert_eq!(clean("//"), "/");
        assert_eq!(clean("/var/lib/docker/"), "/var/lib/docker");
    }
}
