//! docker/missing-healthcheck: an image that runs a long-lived service has no HEALTHCHECK.
//!
//! Only service images are asked: the final stage EXPOSEs a port or starts a server, or a
//! Kubernetes workload of the check runs it without probes. CLI, tool, CI/test, devcontainer
//! and base images get nothing; an image Kubernetes runs with probes gets nothing (the
//! kubelet does not read HEALTHCHECK); an image a compose service of the check builds is
//! compose/missing-healthcheck's to judge (once, with this file as a related place).

use std::path::Path;

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::images::from_label;
use crate::source::dockerfile::{Dockerfile, Keyword, Stage};
use crate::source::shell::basename;

pub static RULE: Rule = rule!("docker/missing-healthcheck")
    .summary("an image that runs a long-lived service has no HEALTHCHECK")
    .packs(&["healthchecks"])
    .severity(Severity::Note)
    .on_dockerfile(check);

/// Programs that serve until stopped: web and application servers, proxies, databases,
/// brokers, process supervisors.
const SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "apache2",
    "apache2ctl",
    "caddy",
    "traefik",
    "envoy",
    "haproxy",
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "uwsgi",
    "puma",
    "unicorn",
    "php-fpm",
    "supervisord",
    "redis-server",
    "postgres",
    "mysqld",
    "mongod",
    "memcached",
    "rabbitmq-server",
    "catalina.sh",
    "jetty.sh",
    "nginx-debug",
    "openresty",
];

/// Words in a command line that say it serves: `rails server`, `manage.py runserver`,
/// `flask run`, `npm start`, `serve`, `--port 8080`.
fn serves(words: &[String]) -> bool {
    let Some(first) = words.first() else {
        return false;
    };
    let prog = basename(first);
    if SERVERS.contains(&prog) || prog.starts_with("php-fpm") {
        return true;
    }
    words.iter().any(|w| {
        let l = w.to_ascii_lowercase();
        matches!(
            l.as_str(),
            "server" | "serve" | "runserver" | "start" | "--port" | "-port" | "--listen" | "web"
        ) || l.starts_with("--port=")
            || l.starts_with("--bind")
            || l.starts_with("--listen=")
            || l.starts_with("-b=")
            || l.ends_with("server.js")
            || l.ends_with("server.py")
            || l.ends_with("app.py")
    })
}

/// Base images that are a server already (their EXPOSE and CMD come with them).
const SERVER_IMAGES: &[&str] = &[
    "nginx",
    "nginx-unprivileged",
    "httpd",
    "caddy",
    "traefik",
    "haproxy",
    "envoy",
    "openresty",
    "tomcat",
    "jetty",
    "postgres",
    "mysql",
    "mariadb",
    "redis",
    "valkey",
    "mongo",
    "rabbitmq",
    "memcached",
    "elasticsearch",
    "opensearch",
    "keycloak",
    "grafana",
];

/// Whether the stage (and the stages it is built on) exposes a port or starts a server.
fn service_stage(df: &Dockerfile, stage: &Stage) -> bool {
    let root = df.root_image(stage);
    let base = root.name.rsplit('/').next().unwrap_or(&root.name);
    if SERVER_IMAGES.contains(&base) {
        return true;
    }
    let mut cur = Some(stage);
    let mut guard = 0;
    while let Some(s) = cur {
        for inst in df.stage_instructions(s) {
            match inst.keyword {
                Keyword::Expose => return true,
                Keyword::Cmd | Keyword::Entrypoint => {
                    let words: Vec<String> = inst.words().into_iter().map(|(w, _)| w).collect();
                    // `sh -c "gunicorn ..."`: the script's own words count too
                    let inner: Vec<String> = inst
                        .commands()
                        .iter()
                        .flat_map(|c| c.words.iter().map(|w| w.value.clone()))
                        .collect();
                    if serves(&words) || serves(&inner) {
                        return true;
                    }
                }
                _ => {}
            }
        }
        guard += 1;
        cur = s.base.and_then(|b| df.stages.get(b)).filter(|_| guard < 16);
    }
    false
}

/// Images that are not run as a service: a devcontainer, a CI or test image, a base image
/// other images build on, by where the file sits and what it is called.
fn not_a_service_image(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    lower.split('/').any(|p| {
        matches!(
            p,
            ".devcontainer" | "test" | "tests" | "e2e" | "ci" | ".github" | "testing"
        )
    }) || name.contains("test")
        || name.contains(".base")
        || name.contains("-base")
        || name.contains(".ci")
        || name.contains(".dev")
        || name.contains("devcontainer")
        || lower.split('/').rev().nth(1).is_some_and(|d| d == "base")
}

/// How the check's other files run this image: (a compose service builds it, a Kubernetes
/// container with probes runs it, a Kubernetes container without probes runs it). The
/// directory a Dockerfile builds from names the image in most repositories
/// (`src/frontend/Dockerfile` builds `.../frontend:tag`).
fn runners(cx: &Cx<'_>, path: &Path) -> (bool, bool, bool) {
    let index = cx.project().image_runners();
    let compose = !index.compose(path).is_empty();
    let dir = path
        .parent()
        .and_then(|d| d.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    if dir.is_empty() {
        return (compose, false, false);
    }
    let k8s = index.k8s(dir);
    (compose, k8s.probed, k8s.unprobed)
}

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    let Some(stage) = df.final_stage() else {
        return;
    };
    // HEALTHCHECK NONE is an explicit choice
    if df.healthcheck(stage).is_some() || not_a_service_image(cx.rel()) {
        return;
    }
    let (compose, probed, unprobed) = runners(cx, cx.path());
    if compose || probed {
        return;
    }
    if !(service_stage(df, stage) || unprobed) {
        return;
    }
    out.push(
        cx.finding(
            stage.image.span,
            format!(
                "the final stage ({}) runs a service but has no HEALTHCHECK: add one so Docker and Compose know when the container serves",
                from_label(&stage.image, cx.text())
            ),
        )
        .help("HEALTHCHECK --interval=30s --timeout=5s CMD [\"/app\", \"healthcheck\"] (or HEALTHCHECK NONE when an orchestrator probes instead)"),
    );
}
