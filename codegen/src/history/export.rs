//! `export --json` with the history: per ABI `"since": {"<name>": …}`, and `"removed"` and
//! `"ends"` where the history has them.

use super::model::{show, History, Since};
use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// One `since` value: `{"exact": "6.5"}`, `{"after": "6.13", "by": "6.19"}` (plus
/// `"generic"` when the man pages name a version outside the interval) or
/// `{"by": "5.10", "generic": "3.17"}`.
pub fn since_json(since: &Since) -> Value {
    let mut m = Map::new();
    match *since {
        Since::Exact { version, .. } => {
            m.insert("exact".into(), show(version).into());
        }
        Since::Range { after, by, generic } => {
            m.insert("after".into(), show(after).into());
            m.insert("by".into(), show(by).into());
            if let Some(g) = generic {
                m.insert("generic".into(), show(g).into());
            }
        }
        Since::AtOrBefore { by, generic } => {
            m.insert("by".into(), show(by).into());
            if let Some(g) = generic {
                m.insert("generic".into(), show(g).into());
            }
        }
    }
    Value::Object(m)
}

fn interval(after: (u32, u32, u32), by: (u32, u32, u32)) -> Value {
    let mut m = Map::new();
    m.insert("after".into(), show(after).into());
    m.insert("by".into(), show(by).into());
    Value::Object(m)
}

/// Adds the history to the JSON of [`crate::export::to_json`]: for every ABI, `since` of
/// every syscall of its table that the history knows.
pub fn with_since(json: &str, history: &History) -> Result<String> {
    let mut root: Value = serde_json::from_str(json)
        .map_err(|e| Error::new(format!("export produced invalid JSON: {e}")))?;
    let Some(abis) = root.as_object_mut() else {
        return Err(Error::new("export produced no JSON object"));
    };
    for (name, abi) in abis.iter_mut() {
        let Some(h) = history.abis.iter().find(|h| &h.abi == name) else {
            continue;
        };
        let Some(obj) = abi.as_object_mut() else {
            continue;
        };
        let names: Vec<String> = obj
            .get("syscalls")
            .and_then(Value::as_object)
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default();
        let mut since = Map::new();
        for n in &names {
            if let Some(e) = h.entries.get(n) {
                since.insert(n.clone(), since_json(&e.since));
            }
        }
        obj.insert("since".into(), Value::Object(since));
        let removed: Map<String, Value> = h
            .entries
            .iter()
            .filter_map(|(n, e)| e.removed.map(|(a, b)| (n.clone(), interval(a, b))))
            .collect();
        if !removed.is_empty() {
            obj.insert("removed".into(), Value::Object(removed));
        }
        if let Some((a, b)) = h.ends {
            obj.insert("ends".into(), interval(a, b));
        }
    }
    let mut text = serde_json::to_string_pretty(&root).expect("maps always serialize");
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::model::{AbiHistory, Entry};
    use std::collections::BTreeMap;

    #[test]
    fn since_shapes_of_the_issue() {
        let v = |a, b| (a, b, 0);
        assert_eq!(
            since_json(&Since::Exact {
                version: v(5, 6),
                after: v(5, 3),
                by: v(5, 10)
            })
            .to_string(),
            r#"{"exact":"5.6"}"#
        );
        assert_eq!(
            since_json(&Since::Range {
                after: v(6, 13),
                by: v(6, 19),
                generic: None
            })
            .to_string(),
            r#"{"after":"6.13","by":"6.19"}"#
        );
        assert_eq!(
            since_json(&Since::AtOrBefore {
                by: v(5, 10),
                generic: Some(v(3, 17))
            })
            .to_string(),
            r#"{"by":"5.10","generic":"3.17"}"#
        );
    }

    #[test]
    fn adds_since_per_abi_in_place() {
        let mut entries = BTreeMap::new();
        entries.insert(
            "read".to_string(),
            Entry {
                since: Since::AtOrBefore {
                    by: (5, 10, 0),
                    generic: None,
                },
                removed: None,
            },
        );
        entries.insert(
            "gone".to_string(),
            Entry {
                since: Since::AtOrBefore {
                    by: (5, 10, 0),
                    generic: None,
                },
                removed: Some(((6, 1, 0), (7, 2, 0))),
            },
        );
        let history = History {
            samples: vec![(5, 10, 0)],
            abis: vec![AbiHistory {
                abi: "x86_64".into(),
                last: (7, 3, 0),
                ends: None,
                entries,
            }],
            contradictions: Vec::new(),
        };
        let json = r#"{"x86_64": {"linux": "7.3", "syscalls": {"read": 0, "new": 1}}}"#;
        let out: Value = serde_json::from_str(&with_since(json, &history).unwrap()).unwrap();
        assert_eq!(out["x86_64"]["since"]["read"]["by"], "5.10");
        assert!(out["x86_64"]["since"].get("new").is_none());
        assert_eq!(out["x86_64"]["removed"]["gone"]["by"], "7.2");
        assert_eq!(out["x86_64"]["syscalls"]["read"], 0);
    }
}
