//! Since which Linux version an ABI has a syscall (syscalls-sys's `history` feature), as text
//! and as JSON in the shape of `cargo xtask export --json`.

use serde_json::{json, Map, Value};
use syscalls_sys::{LinuxVersion, Since};

/// `{"exact": "5.6"}`, `{"after": "6.13", "by": "6.19"}` or `{"by": "5.10", "generic": "3.17"}`
/// (`generic` only where the man pages name a version).
pub fn since_json(since: Option<Since>) -> Value {
    let Some(since) = since else {
        return Value::Null;
    };
    let mut m = Map::new();
    match since {
        Since::Exact(v) => {
            m.insert("exact".into(), v.to_string().into());
        }
        Since::Range { after, by } => {
            m.insert("after".into(), after.to_string().into());
            m.insert("by".into(), by.to_string().into());
        }
        Since::AtOrBefore { by, generic } => {
            m.insert("by".into(), by.to_string().into());
            if let Some(g) = generic {
                m.insert("generic".into(), g.to_string().into());
            }
        }
    }
    Value::Object(m)
}

/// `{"after": "6.12", "by": "6.19"}`: the last sampled version with something, the first
/// without it (a removed syscall, an ABI the kernel dropped).
pub fn interval_json(interval: Option<(LinuxVersion, LinuxVersion)>) -> Value {
    match interval {
        Some((after, by)) => json!({"after": after.to_string(), "by": by.to_string()}),
        None => Value::Null,
    }
}

/// `since 5.6`, `since after 6.13, by 6.19`, `since <= 5.10 (generic 3.17)`; empty where
/// the history does not know the syscall.
pub fn since_text(since: Option<Since>) -> String {
    since.map(|s| format!("since {s}")).unwrap_or_default()
}

/// `last seen in 6.12, gone by 6.19` for a syscall the ABI lost.
pub fn removed_text((last, gone): (LinuxVersion, LinuxVersion)) -> String {
    format!("last seen in {last}, gone by {gone}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_cargo_xtask_export() {
        let v = |a, b| LinuxVersion::new(a, b, 0);
        assert_eq!(
            since_json(Some(Since::Exact(v(5, 6)))).to_string(),
            r#"{"exact":"5.6"}"#
        );
        assert_eq!(
            since_json(Some(Since::Range {
                after: v(6, 13),
                by: v(6, 19)
            }))
            .to_string(),
            r#"{"after":"6.13","by":"6.19"}"#
        );
        assert_eq!(
            since_json(Some(Since::AtOrBefore {
                by: v(5, 10),
                generic: Some(v(3, 17))
            }))
            .to_string(),
            r#"{"by":"5.10","generic":"3.17"}"#
        );
        assert_eq!(
            since_json(Some(Since::AtOrBefore {
                by: v(5, 10),
                generic: None
            }))
            .to_string(),
            r#"{"by":"5.10"}"#
        );
        assert_eq!(since_json(None), Value::Null);
        assert_eq!(since_text(Some(Since::Exact(v(5, 6)))), "since 5.6");
        assert_eq!(since_text(None), "");
    }
}
