//! `export --json` and `compare`: the committed tables as JSON, and the check that no syscall
//! number was ever reassigned between two generations.

use crate::abi::AbiSpec;
use crate::committed::CommittedTable;
use crate::sigdata::StoredAbi;
use std::collections::BTreeMap;

/// `{"<abi>": {"linux": "<version>", "syscalls": {"<name>": <number>, …}, "signatures":
/// {…}}, …}` in ABI-table order, syscalls in number order. `signatures` (when the generated
/// `sigdata/` exists) maps each syscall name, in number order, to `{"entry": "<symbol>",
/// "args": [{"name": …, "type": …}, …], "registers": N}`; `{"implemented": false}` for
/// reserved numbers; `"args": null, "registers": null` where the parameters are unknown (the
/// unresolved list says why; `"entry": null` for arch-private calls outside the table).
pub fn to_json(
    specs: &[AbiSpec],
    tables: &BTreeMap<String, CommittedTable>,
    signatures: Option<&[(String, StoredAbi)]>,
) -> String {
    let mut root = serde_json::Map::new();
    for spec in specs {
        let Some(t) = tables.get(spec.name) else {
            continue;
        };
        let mut syscalls = serde_json::Map::new();
        for s in &t.syscalls {
            syscalls.insert(s.name.clone(), s.number.into());
        }
        let mut abi = serde_json::Map::new();
        abi.insert("linux".into(), t.linux.clone().into());
        abi.insert("syscalls".into(), syscalls.into());
        if let Some((_, stored)) =
            signatures.and_then(|all| all.iter().find(|(n, _)| n == spec.name))
        {
            abi.insert("signatures".into(), signatures_json(t, stored).into());
        }
        root.insert(spec.name.to_string(), abi.into());
    }
    let mut text = serde_json::to_string_pretty(&serde_json::Value::Object(root))
        .expect("maps always serialize");
    text.push('\n');
    text
}

fn signatures_json(
    table: &CommittedTable,
    stored: &StoredAbi,
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    for s in &table.syscalls {
        let Some(sig) = stored.get(&s.name) else {
            continue;
        };
        let mut o = serde_json::Map::new();
        if !sig.implemented {
            o.insert("implemented".into(), false.into());
        } else {
            o.insert(
                "entry".into(),
                sig.entry
                    .clone()
                    .map_or(serde_json::Value::Null, Into::into),
            );
            if let Some(args) = &sig.args {
                let args: Vec<serde_json::Value> = args
                    .iter()
                    .map(|(name, ty, _, _)| serde_json::json!({"name": name, "type": ty}))
                    .collect();
                o.insert("args".into(), args.into());
                o.insert("registers".into(), sig.registers.into());
            } else {
                // Implemented, parameters unknown (listed in the unresolved list).
                o.insert("args".into(), serde_json::Value::Null);
                o.insert("registers".into(), serde_json::Value::Null);
            }
        }
        out.insert(s.name.clone(), o.into());
    }
    out
}

/// The outcome of comparing an older generation with a newer one.
#[derive(Debug, Default)]
pub struct Comparison {
    /// One line per ABI present in both.
    pub summary: Vec<String>,
    /// `abi: name old -> new` for every reassigned number: each one is a bug.
    pub reassigned: Vec<String>,
}

/// Checks that every name present in both generations of an ABI has the same number.
pub fn compare(
    specs: &[AbiSpec],
    older: &BTreeMap<String, CommittedTable>,
    newer: &BTreeMap<String, CommittedTable>,
) -> Comparison {
    let mut out = Comparison::default();
    for spec in specs {
        let (Some(old), Some(new)) = (older.get(spec.name), newer.get(spec.name)) else {
            continue;
        };
        let new_numbers: BTreeMap<&str, u64> = new
            .syscalls
            .iter()
            .map(|s| (s.name.as_str(), s.number))
            .collect();
        let (mut shared, mut reassigned) = (0, 0);
        let mut only_old = Vec::new();
        for s in &old.syscalls {
            match new_numbers.get(s.name.as_str()) {
                Some(&n) if n == s.number => shared += 1,
                Some(&n) => {
                    reassigned += 1;
                    out.reassigned
                        .push(format!("{}: {} {} -> {n}", spec.name, s.name, s.number));
                }
                None => only_old.push(s.name.as_str()),
            }
        }
        let added = new.syscalls.len() - shared - reassigned;
        let mut line = format!(
            "  {:<12} Linux {} -> {}: {shared} shared names agree, {added} new",
            spec.name, old.linux, new.linux
        );
        if !only_old.is_empty() {
            line.push_str(&format!(", only in the older: {}", only_old.join(", ")));
        }
        out.summary.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::ABIS;
    use crate::tables::Syscall;

    fn table(abi: &str, linux: &str, rows: &[(&str, u64)]) -> CommittedTable {
        CommittedTable {
            abi: abi.into(),
            linux: linux.into(),
            syscalls: rows
                .iter()
                .map(|(n, x)| Syscall {
                    name: n.to_string(),
                    number: *x,
                })
                .collect(),
            errnos: Vec::new(),
        }
    }

    #[test]
    fn json_shape_and_order() {
        let mut tables = BTreeMap::new();
        tables.insert(
            "x32".to_string(),
            table(
                "x32",
                "7.2",
                &[("read", 0x4000_0000), ("write", 0x4000_0001)],
            ),
        );
        tables.insert("x86_64".to_string(), table("x86_64", "7.2", &[("read", 0)]));
        let json = to_json(ABIS, &tables, None);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["x32"]["syscalls"]["write"], 1073741825u64);
        assert_eq!(v["x86_64"]["linux"], "7.2");
        // ABI-table order, not alphabetical.
        assert!(json.find("\"x86_64\"").unwrap() < json.find("\"x32\"").unwrap());
    }

    #[test]
    fn signatures_in_json() {
        use crate::sigdata::StoredSyscall;
        let mut tables = BTreeMap::new();
        tables.insert(
            "arm".to_string(),
            table(
                "arm",
                "7.3",
                &[("pread64", 180), ("uselib", 86), ("sigreturn", 119)],
            ),
        );
        let mut stored = StoredAbi::new();
        stored.insert(
            "pread64".into(),
            StoredSyscall {
                name: "pread64".into(),
                entry: Some("sys_pread64".into()),
                implemented: true,
                args: Some(vec![
                    ("fd".into(), "unsigned int".into(), 0, 1),
                    ("pos".into(), "loff_t".into(), 2, 2),
                ]),
                registers: 4,
            },
        );
        stored.insert(
            "uselib".into(),
            StoredSyscall {
                name: "uselib".into(),
                entry: None,
                implemented: false,
                args: None,
                registers: 0,
            },
        );
        stored.insert(
            "sigreturn".into(),
            StoredSyscall {
                name: "sigreturn".into(),
                entry: Some("sys_sigreturn_wrapper".into()),
                implemented: true,
                args: None,
                registers: 0,
            },
        );
        let all = vec![("arm".to_string(), stored)];
        let v: serde_json::Value =
            serde_json::from_str(&to_json(ABIS, &tables, Some(&all))).unwrap();
        let sigs = &v["arm"]["signatures"];
        assert_eq!(sigs["pread64"]["entry"], "sys_pread64");
        assert_eq!(sigs["pread64"]["registers"], 4);
        assert_eq!(sigs["pread64"]["args"][1]["type"], "loff_t");
        assert_eq!(sigs["uselib"], serde_json::json!({"implemented": false}));
        assert_eq!(
            sigs["sigreturn"],
            serde_json::json!({"entry": "sys_sigreturn_wrapper", "args": null, "registers": null})
        );
    }

    #[test]
    fn reassigned_numbers_are_reported() {
        let mut old = BTreeMap::new();
        old.insert(
            "arm".to_string(),
            table("arm", "6.12", &[("read", 3), ("write", 4), ("gone", 9)]),
        );
        let mut new = BTreeMap::new();
        new.insert(
            "arm".to_string(),
            table("arm", "7.2", &[("read", 3), ("write", 5), ("fresh", 10)]),
        );
        let c = compare(ABIS, &old, &new);
        assert_eq!(c.reassigned, ["arm: write 4 -> 5"]);
        assert!(
            c.summary[0].contains("1 shared names agree, 1 new, only in the older: gone"),
            "{:?}",
            c.summary
        );
    }
}
