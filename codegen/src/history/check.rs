//! The committed history held against the committed tables and the pins, without fetching:
//! what CI checks (`cargo xtask test` runs it as a test) and what `export` relies on.

use super::model::{show, History, Since, Version};
use super::pins::HistoryPin;
use crate::committed::CommittedTable;
use std::collections::{BTreeMap, BTreeSet};

fn parse_version(text: &str) -> Option<Version> {
    let mut p = text.split('.').map(|x| x.parse::<u32>().ok());
    Some((p.next()??, p.next()??, 0))
}

/// Every problem found (empty: consistent).
pub fn problems(
    history: &History,
    tables: &BTreeMap<String, CommittedTable>,
    pins: &[HistoryPin],
) -> Vec<String> {
    let mut out = Vec::new();
    let pinned: BTreeSet<Version> = pins
        .iter()
        .filter_map(|p| p.series())
        .map(|(a, b)| (a, b, 0))
        .collect();
    let sampled: BTreeSet<Version> = history.samples.iter().copied().collect();
    if pinned != sampled {
        out.push(format!(
            "the history was sampled at {:?}, but headers/headers.lock pins {:?}: run `cargo xtask history`",
            sampled.iter().map(|v| show(*v)).collect::<Vec<_>>(),
            pinned.iter().map(|v| show(*v)).collect::<Vec<_>>()
        ));
    }
    let is_sample = |v: Version| sampled.contains(&v);
    let series = |v: Version| (v.0, v.1, 0);
    for (abi, table) in tables {
        let Some(h) = history.abis.iter().find(|h| &h.abi == abi) else {
            out.push(format!("{abi}: no history for this ABI"));
            continue;
        };
        let Some(version) = parse_version(&table.linux) else {
            out.push(format!("{abi}: unreadable table version {}", table.linux));
            continue;
        };
        if version > h.last {
            out.push(format!(
                "{abi}: the table is from Linux {}, newer than the newest sample with this ABI ({}): pin a newer sample",
                table.linux,
                show(h.last)
            ));
        }
        let names: BTreeSet<&str> = table.syscalls.iter().map(|s| s.name.as_str()).collect();
        for name in &names {
            match h.entries.get(*name) {
                None => out.push(format!("{abi} {name}: in the table, not in the history")),
                Some(e) => {
                    let known_absent = match e.since {
                        Since::AtOrBefore { by, .. } => by > version,
                        Since::Exact { after, .. } | Since::Range { after, .. } => after >= version,
                    };
                    let removed = e.removed.is_some_and(|(_, by)| by <= version);
                    if known_absent || removed {
                        out.push(format!(
                            "{abi} {name}: in the Linux {} table, but the history says it was absent then",
                            table.linux
                        ));
                    }
                }
            }
        }
        for (name, e) in &h.entries {
            let present = e.since.by() <= version
                && e.removed.is_none_or(|(_, by)| by > version)
                && h.ends.is_none_or(|(_, by)| by > version);
            if present && !names.contains(name.as_str()) {
                out.push(format!(
                    "{abi} {name}: the history says Linux {} has it, the table does not",
                    table.linux
                ));
            }
            let mut versions = vec![e.since.by()];
            match e.since {
                Since::Exact {
                    version: v,
                    after,
                    by,
                } => {
                    versions.push(after);
                    if !(series(v) > after && series(v) <= by) {
                        out.push(format!(
                            "{abi} {name}: exact {} outside ({}, {}]",
                            show(v),
                            show(after),
                            show(by)
                        ));
                    }
                }
                Since::Range { after, by, generic } => {
                    versions.push(after);
                    if after >= by {
                        out.push(format!(
                            "{abi} {name}: empty interval ({}, {}]",
                            show(after),
                            show(by)
                        ));
                    }
                    if generic.is_some_and(|g| series(g) > after && series(g) <= by) {
                        out.push(format!("{abi} {name}: the man pages' version lies inside the interval but is not the answer"));
                    }
                }
                Since::AtOrBefore { .. } => {}
            }
            if let Some((a, b)) = e.removed {
                versions.extend([a, b]);
            }
            for v in versions {
                if !is_sample(v) {
                    out.push(format!("{abi} {name}: {} is not a pinned sample", show(v)));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::ABIS;
    use crate::history::data;
    use crate::history::model::{AbiHistory, Entry};
    use crate::lock::{Lock, LOCK_PATH};
    use crate::tables::Syscall;
    use crate::testutil::workspace_root;

    fn committed_history() -> History {
        let path = workspace_root().join(data::PATH);
        let text = std::fs::read_to_string(&path).expect("the committed history file");
        data::parse(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn v(major: u32, minor: u32) -> Version {
        (major, minor, 0)
    }

    /// What CI checks without fetching: every syscall of every committed table has an entry
    /// consistent with the table's version, and every version is a pinned sample.
    #[test]
    fn committed_history_covers_the_committed_tables() {
        let root = workspace_root();
        let history = committed_history();
        let tables = crate::committed::read_dir(&root.join("syscalls-sys/src")).unwrap();
        let lock = Lock::read(&root.join(LOCK_PATH), ABIS).unwrap();
        assert_eq!(tables.len(), ABIS.len());
        let names: Vec<&str> = history.abis.iter().map(|a| a.abi.as_str()).collect();
        let expected: Vec<&str> = ABIS.iter().map(|a| a.name).collect();
        assert_eq!(names, expected, "one history per ABI, in table order");
        let problems = problems(&history, &tables, &lock.history);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Facts stated by their sources, held against the committed data.
    #[test]
    fn known_facts() {
        let h = committed_history();
        let abi = |name: &str| h.abis.iter().find(|a| a.abi == name).unwrap();
        let since = |a: &str, n: &str| abi(a).entries[n].since;
        // memfd_create(2), HISTORY: "Linux 3.17"; x86_64's syscall_64.tbl of 5.10 has it.
        assert_eq!(
            since("x86_64", "memfd_create"),
            Since::AtOrBefore {
                by: v(5, 10),
                generic: Some((3, 17, 0))
            }
        );
        // futex_waitv(2): "Linux 5.16"; absent from 5.10's table, present in 5.16.2's.
        assert_eq!(
            since("x86_64", "futex_waitv"),
            Since::Exact {
                version: v(5, 16),
                after: v(5, 10),
                by: v(5, 16)
            }
        );
        // cachestat(2): "Linux 6.5"; absent from 6.3.8's headers, present in 6.12's table.
        assert_eq!(
            since("x86_64", "cachestat"),
            Since::Exact {
                version: v(6, 5),
                after: v(6, 3),
                by: v(6, 12)
            }
        );
        // fchroot is new in Linux 7.3 (syscall 472 on every ABI's table of 7.3.4, none in
        // 7.2.13's); the man pages (6.20) do not document it yet.
        for a in &h.abis {
            if a.ends.is_some() {
                assert!(!a.entries.contains_key("fchroot"), "{}", a.abi);
                continue;
            }
            assert_eq!(
                a.entries["fchroot"].since,
                Since::Range {
                    after: v(7, 2),
                    by: v(7, 3),
                    generic: None
                },
                "{}",
                a.abi
            );
        }
        // sh never wired clone3 (no line in arch/sh/kernel/syscalls/syscall.tbl, 5.10 to 7.3).
        assert!(!abi("sh").entries.contains_key("clone3"));
        assert!(abi("x86_64").entries.contains_key("clone3"));
        // s390's 31-bit ABI: Linux 6.19 dropped it. zig 0.14.1's 6.13.4 headers still have
        // asm/unistd_32.h, the whole 7.2.13 kernel generates none: the table ends after 6.13.
        // (Its last whole-kernel table, and the committed one, is 6.12.117's.)
        let s390 = abi("s390");
        assert_eq!(s390.ends, Some((v(6, 13), v(7, 2))));
        assert_eq!(s390.last, v(6, 13));
        assert!(abi("s390x").ends.is_none());
        // loongarch64 was merged in 5.19: absent from the whole 5.10 kernel, present in 6.1.
        assert!(
            matches!(since("loongarch64", "read"), Since::Range { after, by, .. } if after == v(5, 10) && by == v(6, 1))
        );
    }

    #[test]
    fn problems_name_what_is_missing_or_inconsistent() {
        let mut entries = BTreeMap::new();
        entries.insert(
            "read".to_string(),
            Entry {
                since: Since::AtOrBefore {
                    by: v(5, 10),
                    generic: None,
                },
                removed: None,
            },
        );
        entries.insert(
            "late".to_string(),
            Entry {
                since: Since::Range {
                    after: v(7, 2),
                    by: v(7, 3),
                    generic: None,
                },
                removed: None,
            },
        );
        entries.insert(
            "odd".to_string(),
            Entry {
                since: Since::Exact {
                    version: (6, 9, 0),
                    after: v(5, 10),
                    by: v(6, 1),
                },
                removed: None,
            },
        );
        let history = History {
            samples: vec![v(5, 10), v(6, 1), v(7, 2), v(7, 3)],
            abis: vec![AbiHistory {
                abi: "x86_64".into(),
                last: v(7, 3),
                ends: None,
                entries,
            }],
            contradictions: Vec::new(),
        };
        let table = |names: &[&str]| CommittedTable {
            abi: "x86_64".into(),
            linux: "7.2".into(),
            syscalls: names
                .iter()
                .enumerate()
                .map(|(i, n)| Syscall {
                    name: n.to_string(),
                    number: i as u64,
                })
                .collect(),
            errnos: Vec::new(),
        };
        let mut tables = BTreeMap::new();
        tables.insert("x86_64".to_string(), table(&["read", "late", "new"]));
        let p = problems(&history, &tables, &[]);
        let text = p.join("\n");
        assert!(
            text.contains("x86_64 new: in the table, not in the history"),
            "{text}"
        );
        assert!(
            text.contains(
                "x86_64 late: in the Linux 7.2 table, but the history says it was absent"
            ),
            "{text}"
        );
        assert!(
            text.contains("x86_64 odd: exact 6.9 outside (5.10, 6.1]"),
            "{text}"
        );
        assert!(
            text.contains("x86_64 odd: the history says Linux 7.2 has it"),
            "{text}"
        );
        assert!(text.contains("but headers/headers.lock pins []"), "{text}");
    }
}
