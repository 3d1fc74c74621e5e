//! POSIX cron syntax as GitHub's `schedule` event reads it: five fields (minute, hour, day of
//! month, month, day of week), each `*`, a value, a range `a-b`, a step `*/n` or `a-b/n`, or a
//! comma list of those; months and weekdays also by name (`JAN`, `MON`). The `@daily`-style
//! shortcuts are not supported ("Events that trigger workflows", `schedule`).

/// A problem in a cron expression: where (byte range within the expression) and what.
#[derive(Debug, PartialEq, Eq)]
pub struct CronError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELDS: [Field; 5] = [
    Field {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &[
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ],
    },
    // 7 is Sunday too in most crons; accepted
    Field {
        name: "day of week",
        min: 0,
        max: 7,
        names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    },
];

/// Check a cron expression; the first problem found.
pub fn check(expr: &str) -> Result<(), CronError> {
    if let Some(short) = expr.trim().strip_prefix('@') {
        return Err(CronError {
            start: 0,
            end: expr.len(),
            message: format!(
                "`@{short}` shortcuts are not supported by GitHub: write five fields (minute hour day-of-month month day-of-week)"
            ),
        });
    }
    let mut fields = Vec::new();
    let mut i = 0;
    for part in expr.split([' ', '\t']) {
        if !part.is_empty() {
            fields.push((i, part));
        }
        i += part.len() + 1;
    }
    if fields.len() != 5 {
        return Err(CronError {
            start: 0,
            end: expr.len(),
            message: format!(
                "cron needs 5 fields (minute hour day-of-month month day-of-week), found {}",
                fields.len()
            ),
        });
    }
    for ((at, text), f) in fields.iter().zip(FIELDS.iter()) {
        check_field(text, f).map_err(|m| CronError {
            start: *at,
            end: at + text.len(),
            message: m,
        })?;
    }
    Ok(())
}

fn value(s: &str, f: &Field) -> Result<u32, String> {
    if let Ok(v) = s.parse::<u32>() {
        if v < f.min || v > f.max {
            return Err(format!(
                "{} {v} is out of range {}-{}",
                f.name, f.min, f.max
            ));
        }
        return Ok(v);
    }
    let l = s.to_ascii_lowercase();
    if let Some(i) = f.names.iter().position(|n| *n == l) {
        return Ok(i as u32 + f.min);
    }
    Err(if f.names.is_empty() {
        format!(
            "`{s}` is not a valid {} (a number {}-{})",
            f.name, f.min, f.max
        )
    } else {
        format!(
            "`{s}` is not a valid {} (a number {}-{} or a name like {})",
            f.name,
            f.min,
            f.max,
            f.names[0].to_ascii_uppercase()
        )
    })
}

fn check_field(text: &str, f: &Field) -> Result<(), String> {
    for item in text.split(',') {
        if item.is_empty() {
            return Err(format!("empty item in the {} field `{text}`", f.name));
        }
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (item, None),
        };
        if let Some(s) = step {
            match s.parse::<u32>() {
                Ok(0) => return Err(format!("step `/0` in the {} field", f.name)),
                Ok(_) => {}
                Err(_) => {
                    return Err(format!(
                        "step `/{s}` in the {} field is not a number",
                        f.name
                    ));
                }
            }
        }
        if range == "*" {
            continue;
        }
        match range.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (value(a, f)?, value(b, f)?);
                if a > b {
                    return Err(format!(
                        "range `{range}` in the {} field runs backwards",
                        f.name
                    ));
                }
            }
            None => {
                value(range, f)?;
            }
        }
    }
    Ok(())
}

/// Whether the expression asks for runs more often than every 5 minutes, GitHub's shortest
/// interval (a minute field of `*`, `*/1`..`*/4`, or a list closer than 5 minutes).
pub fn too_frequent(expr: &str) -> bool {
    let Some(min) = expr.split_whitespace().next() else {
        return false;
    };
    if min == "*" {
        return true;
    }
    if let Some(step) = min.strip_prefix("*/") {
        return step.parse::<u32>().is_ok_and(|s| s < 5);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_crons() {
        for c in [
            "0 0 * * *",
            "*/15 * * * 1-5",
            "30 5,17 * * MON-FRI",
            "0 0 1 JAN,jul *",
            "0 12 * * 0",
            "0 12 * * 7",
            "5 4 */2 * sun",
            "0  0 * * *",
        ] {
            assert_eq!(check(c), Ok(()), "{c}");
        }
    }

    #[test]
    fn invalid_crons() {
        let e = check("0 0 * *").unwrap_err();
        assert!(e.message.contains("5 fields"));
        let e = check("60 0 * * *").unwrap_err();
        assert_eq!((e.start, e.end), (0, 2));
        assert!(e.message.contains("out of range"));
        let e = check("0 0 * 13 *").unwrap_err();
        assert_eq!((e.start, e.end), (6, 8));
        assert!(check("0 0 * * FOO").is_err());
        assert!(check("*/0 * * * *").is_err());
        assert!(check("5-1 * * * *").is_err());
        assert!(check("@daily").is_err());
        assert!(check("0,,5 * * * *").is_err());
        assert!(too_frequent("* * * * *"));
        assert!(too_frequent("*/2 * * * *"));
        assert!(!too_frequent("*/5 * * * *"));
    }
}
