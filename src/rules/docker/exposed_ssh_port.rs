//! docker/exposed-ssh-port: `EXPOSE 22`.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Instruction, Keyword};

pub static RULE: Rule = rule!("docker/exposed-ssh-port")
    .summary("EXPOSE 22: an SSH server in the image")
    .packs(&["least-privilege"])
    .security(5.0)
    .on_instruction(check);

fn covers_22(word: &str) -> bool {
    let (port, proto) = word.split_once('/').unwrap_or((word, "tcp"));
    if !proto.eq_ignore_ascii_case("tcp") {
        return false;
    }
    match port.split_once('-') {
        Some((a, b)) => {
            matches!((a.parse::<u32>(), b.parse::<u32>()), (Ok(a), Ok(b)) if a <= 22 && 22 <= b)
        }
        None => port == "22",
    }
}

fn check(cx: &Cx<'_>, _df: &Dockerfile, inst: &Instruction, out: &mut Vec<Finding>) {
    if inst.keyword != Keyword::Expose {
        return;
    }
    for (word, span) in inst.words() {
        if covers_22(word.trim()) {
            out.push(
                cx.finding(
                    span,
                    format!("EXPOSE {word} advertises an SSH server: use `docker exec` / `kubectl exec` to get into a container, and drop sshd from the image"),
                )
                .help("an SSH daemon in a container is one more service to patch and one more set of credentials to steal; images that serve git over SSH can keep it and suppress this finding with a reason"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ports() {
        assert!(super::covers_22("22"));
        assert!(super::covers_22("22/tcp"));
        assert!(super::covers_22("20-25"));
        assert!(!super::covers_22("22/udp"));
        assert!(!super::covers_22("2222"));
        assert!(!super::covers_22("220"));
    }
}
