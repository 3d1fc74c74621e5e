//! Facts about container images and users that the Dockerfile and compose rules share.

use crate::source::dockerfile::ImageRef;

/// `root`, `0`, `root:*`, `0:*`.
pub fn is_root_user(user: &str) -> bool {
    let u = user.split(':').next().unwrap_or(user).trim();
    u == "root" || u == "0"
}

/// Base images that run as a non-root user without a `USER` instruction: distroless
/// `:nonroot` tags, Chainguard images, `-nonroot` tags, Bitnami images (but minideb, their
/// root base), and nginx-unprivileged. Taken from each vendor's image documentation
/// (2025-11).
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
}
