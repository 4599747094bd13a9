//! `export --json` and `compare`: the committed tables as JSON, and the check that no syscall
//! number was ever reassigned between two generations.

use crate::abi::AbiSpec;
use crate::committed::CommittedTable;
use std::collections::BTreeMap;

/// `{"<abi>": {"linux": "<version>", "syscalls": {"<name>": <number>, …}}, …}` in ABI-table
/// order, syscalls in number order.
pub fn to_json(specs: &[AbiSpec], tables: &BTreeMap<String, CommittedTable>) -> String {
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
        root.insert(spec.name.to_string(), abi.into());
    }
    let mut text = serde_json::to_string_pretty(&serde_json::Value::Object(root))
        .expect("maps always serialize");
    text.push('\n');
    text
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
        let json = to_json(ABIS, &tables);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["x32"]["syscalls"]["write"], 1073741825u64);
        assert_eq!(v["x86_64"]["linux"], "7.2");
        // ABI-table order, not alphabetical.
        assert!(json.find("\"x86_64\"").unwrap() < json.find("\"x32\"").unwrap());
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
