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
