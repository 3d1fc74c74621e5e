//! Facts about container images and users that the Dockerfile and compose rules share.

use crate::source::dockerfile::ImageRef;

/// `root`, `0`, `root:*`, `0:*`.
pub fn is_root_user(user: &str) -> bool {
    let u = user.split(':').next().unwrap_or(user).trim();
    u == "root" || u == "0"
}

/// Base images that run as a non-root user without a `USER` instruction: distroless
/// `:nonroot` tags, Chainguard images, `-nonroot` tags, Bitnami images (but minideb, their
/// root base), nginx-unprivileged, and Gitpod workspace images (user `gitpod`, uid 33333).
/// Taken from each vendor's image documentation (2025-11; Gitpod: "Workspace images",
/// 2025-06).
pub fn is_nonroot_image(image: &ImageRef) -> bool {
    let name = image.name.to_ascii_lowercase();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    (name.contains("distroless") && tag.contains("nonroot"))
        || name.starts_with("cgr.dev/chainguard/")
        || tag.ends_with("-nonroot")
        || tag == "nonroot"
        || name.contains("bitnami/") && !name.contains("bitnami/minideb")
        || name.ends_with("/nginx-unprivileged")
        || name.contains("nginxinc/nginx-unprivileged")
        || name.starts_with("gitpod/workspace-")
}

/// How a message names a stage's base image: `FROM nginx:1.27`, or, when a build argument
/// chooses it (`FROM ${BASE_IMAGE}`), the argument: `FROM ${BASE_IMAGE}, chosen by ARG
/// BASE_IMAGE`, never an empty `FROM `.
pub fn from_label(image: &ImageRef, text: &str) -> String {
    let written = image.span.text(text).trim();
    if !image.unresolved && !image.raw.is_empty() {
        return format!("FROM {}", image.raw);
    }
    let arg: String = written
        .trim_start_matches('$')
        .trim_start_matches('{')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if written.starts_with('$') && !arg.is_empty() {
        format!("FROM {written}, chosen by ARG {arg}")
    } else if written.is_empty() {
        "FROM".to_string()
    } else {
        format!("FROM {written}")
    }
}
