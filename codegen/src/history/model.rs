//! From the samples' tables and the man pages' versions to one answer per (ABI, syscall):
//! the interval between the last sample without it and the first sample with it, narrowed to
//! the man pages' version when that falls inside, and every disagreement reported.

use super::eval::{Sample, Status};
use super::manpages::ManVersion;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A Linux version: `(major, minor, patch)`; samples are series (`patch` 0).
pub type Version = (u32, u32, u32);

/// `5.10`, `2.6.27`.
pub fn show(v: Version) -> String {
    if v.2 == 0 {
        format!("{}.{}", v.0, v.1)
    } else {
        format!("{}.{}.{}", v.0, v.1, v.2)
    }
}

fn series(v: Version) -> Version {
    (v.0, v.1, 0)
}

/// Since which Linux one ABI has one syscall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    /// The man pages' version, which lies inside the sampled interval.
    Exact {
        /// The version.
        version: Version,
        /// The last sample without it.
        after: Version,
        /// The first sample with it.
        by: Version,
    },
    /// Absent in `after`, present in `by` (the man pages' version, if any, lies outside).
    Range {
        /// The last sample without it.
        after: Version,
        /// The first sample with it.
        by: Version,
        /// The man pages' (generic) version.
        generic: Option<Version>,
    },
    /// Present in the oldest sample of the ABI.
    AtOrBefore {
        /// That sample.
        by: Version,
        /// The man pages' (generic) version.
        generic: Option<Version>,
    },
}

impl Since {
    /// The first sample with the syscall.
    pub fn by(&self) -> Version {
        match *self {
            Since::Exact { by, .. } | Since::Range { by, .. } | Since::AtOrBefore { by, .. } => by,
        }
    }
}

impl fmt::Display for Since {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Since::Exact { version, .. } => write!(f, "{}", show(version)),
            Since::Range { after, by, .. } => write!(f, "after {}, by {}", show(after), show(by)),
            Since::AtOrBefore { by, generic } => {
                write!(f, "<= {}", show(by))?;
                if let Some(g) = generic {
                    write!(f, " (generic {})", show(g))?;
                }
                Ok(())
            }
        }
    }
}

/// One syscall name of one ABI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Since when.
    pub since: Since,
    /// `(last sample with it, first later sample without it)` when it disappeared while the
    /// ABI went on.
    pub removed: Option<(Version, Version)>,
}

/// One ABI's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbiHistory {
    /// Canonical ABI name.
    pub abi: String,
    /// The newest sample with a table of this ABI.
    pub last: Version,
    /// `(last sample with the ABI, first later whole kernel without it)` when the ABI itself
    /// is gone (s390's 31-bit ABI).
    pub ends: Option<(Version, Version)>,
    /// By syscall name.
    pub entries: BTreeMap<String, Entry>,
}

/// A disagreement between the inputs, or with the man pages. Never resolved silently: every
/// one is printed and recorded in the generated file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Contradiction {
    /// The ABI.
    pub abi: String,
    /// The syscall, or `*` for the whole table.
    pub name: String,
    /// What disagrees.
    pub what: String,
}

impl fmt::Display for Contradiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.abi, self.name, self.what)
    }
}

/// The whole history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// Every sampled series, ascending.
    pub samples: Vec<Version>,
    /// In ABI-table order.
    pub abis: Vec<AbiHistory>,
    /// Sorted.
    pub contradictions: Vec<Contradiction>,
}

/// What one series says about one ABI, after merging the samples of that series.
#[derive(Debug, Clone)]
enum Known {
    Table(BTreeMap<String, u64>),
    Absent,
}

/// Builds the history of `abis` (names in table order) from the samples and man pages.
pub fn build(abis: &[&str], samples: &[Sample], man: &BTreeMap<String, ManVersion>) -> History {
    let mut contradictions = Vec::new();
    let mut all_series: Vec<Version> = samples.iter().map(|s| series(s.version)).collect();
    all_series.sort();
    all_series.dedup();
    let mut out = Vec::new();
    for &abi in abis {
        let known = merge_series(abi, samples, &mut contradictions);
        out.push(abi_history(abi, &known, man, &mut contradictions));
    }
    contradictions.sort();
    contradictions.dedup();
    History {
        samples: all_series,
        abis: out,
        contradictions,
    }
}

/// Per series (ascending), what is known of `abi`; samples of one series must agree.
fn merge_series(
    abi: &str,
    samples: &[Sample],
    contradictions: &mut Vec<Contradiction>,
) -> Vec<(Version, Known)> {
    let mut by_series: BTreeMap<Version, Vec<(bool, &str, Known)>> = BTreeMap::new();
    for s in samples {
        let known = match s.abis.get(abi) {
            Some(Status::Table(rows)) => Known::Table(rows.iter().cloned().collect()),
            Some(Status::Absent(_)) => Known::Absent,
            Some(Status::Unknown(_)) | None => continue,
        };
        by_series.entry(series(s.version)).or_default().push((
            !s.whole_kernel,
            s.id.as_str(),
            known,
        ));
    }
    let mut out = Vec::new();
    for (v, mut list) in by_series {
        // A whole kernel's table is the one used; the others are checked against it.
        list.sort_by_key(|(partial, _, _)| *partial);
        let mut list: Vec<(&str, Known)> = list.into_iter().map(|(_, id, k)| (id, k)).collect();
        let (first_id, first) = list.remove(0);
        for (id, other) in &list {
            let same = match (&first, other) {
                (Known::Table(a), Known::Table(b)) => a == b,
                (Known::Absent, Known::Absent) => true,
                _ => false,
            };
            if !same {
                contradictions.push(Contradiction {
                    abi: abi.to_string(),
                    name: "*".into(),
                    what: format!(
                        "two samples of Linux {} disagree: {first_id} and {id} ({}); {first_id} is used",
                        show(v),
                        describe_difference(&first, other)
                    ),
                });
            }
        }
        out.push((v, first));
    }
    out
}

fn describe_difference(a: &Known, b: &Known) -> String {
    match (a, b) {
        (Known::Table(a), Known::Table(b)) => {
            let only_a: Vec<&str> = a
                .keys()
                .filter(|k| !b.contains_key(*k))
                .map(|k| k.as_str())
                .collect();
            let only_b: Vec<&str> = b
                .keys()
                .filter(|k| !a.contains_key(*k))
                .map(|k| k.as_str())
                .collect();
            let renumbered: Vec<&str> = a
                .iter()
                .filter(|(k, n)| b.get(*k).is_some_and(|m| m != *n))
                .map(|(k, _)| k.as_str())
                .collect();
            format!("only in the first: {only_a:?}, only in the second: {only_b:?}, renumbered: {renumbered:?}")
        }
        (Known::Table(_), Known::Absent) => "the second lacks the ABI".into(),
        (Known::Absent, _) => "the first lacks the ABI".into(),
    }
}

fn abi_history(
    abi: &str,
    known: &[(Version, Known)],
    man: &BTreeMap<String, ManVersion>,
    contradictions: &mut Vec<Contradiction>,
) -> AbiHistory {
    let mut report = |name: &str, what: String| {
        contradictions.push(Contradiction {
            abi: abi.to_string(),
            name: name.to_string(),
            what,
        })
    };
    let tables: Vec<(Version, &BTreeMap<String, u64>)> = known
        .iter()
        .filter_map(|(v, k)| match k {
            Known::Table(t) => Some((*v, t)),
            Known::Absent => None,
        })
        .collect();
    let last = tables.last().map_or((0, 0, 0), |(v, _)| *v);
    let ends = known
        .iter()
        .find(|(v, k)| *v > last && matches!(k, Known::Absent))
        .map(|(v, _)| (last, *v));
    let names: BTreeSet<&String> = tables.iter().flat_map(|(_, t)| t.keys()).collect();
    let mut entries = BTreeMap::new();
    for name in names {
        let has = |k: &Known| matches!(k, Known::Table(t) if t.contains_key(name));
        let first = known
            .iter()
            .position(|(_, k)| has(k))
            .expect("some table has it");
        let last_with = known
            .iter()
            .rposition(|(_, k)| has(k))
            .expect("some table has it");
        let by = known[first].0;
        // Present, then missing, then present again: the samples disagree with each other.
        let gaps: Vec<String> = known[first..=last_with]
            .iter()
            .filter(|(_, k)| !has(k))
            .map(|(v, _)| show(*v))
            .collect();
        if !gaps.is_empty() {
            report(
                name,
                format!(
                    "present in {} and {}, but missing in {} between them",
                    show(by),
                    show(known[last_with].0),
                    gaps.join(", ")
                ),
            );
        }
        let numbers: BTreeSet<u64> = tables
            .iter()
            .filter_map(|(_, t)| t.get(name))
            .copied()
            .collect();
        if numbers.len() > 1 {
            report(name, format!("renumbered across the samples: {numbers:?}"));
        }
        let generic = man.get(name).copied();
        let since = match first.checked_sub(1).map(|i| &known[i]) {
            None => {
                if let Some(g) = generic.filter(|g| series(*g) > by) {
                    report(
                        name,
                        format!(
                            "the man pages say Linux {}, but the Linux {} sample has it",
                            show(g),
                            show(by)
                        ),
                    );
                }
                Since::AtOrBefore { by, generic }
            }
            Some((after, before)) => {
                let after = *after;
                match generic {
                    Some(g) if series(g) > after && series(g) <= by => Since::Exact {
                        version: g,
                        after,
                        by,
                    },
                    _ => {
                        if let Some(g) = generic {
                            if series(g) > by {
                                report(
                                    name,
                                    format!(
                                        "the man pages say Linux {}, but the Linux {} sample has it",
                                        show(g),
                                        show(by)
                                    ),
                                );
                            } else if matches!(before, Known::Table(_)) {
                                // The ABI existed and lacked it: wired up here later than the
                                // man pages' (first arch's) version.
                                report(
                                    name,
                                    format!(
                                        "the man pages say Linux {}, but this ABI's Linux {} table lacks it (added here after {}, by {})",
                                        show(g),
                                        show(after),
                                        show(after),
                                        show(by)
                                    ),
                                );
                            }
                        }
                        Since::Range { after, by, generic }
                    }
                }
            }
        };
        let removed = known[last_with + 1..]
            .iter()
            .find(|(_, k)| matches!(k, Known::Table(_)))
            .map(|(v, _)| (known[last_with].0, *v));
        entries.insert(name.clone(), Entry { since, removed });
    }
    AbiHistory {
        abi: abi.to_string(),
        last,
        ends,
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: &str, v: Version, whole: bool, abis: &[(&str, Option<&[&str]>)]) -> Sample {
        Sample {
            id: id.into(),
            version: v,
            whole_kernel: whole,
            abis: abis
                .iter()
                .map(|(abi, t)| {
                    let status = match t {
                        Some(names) => Status::Table(
                            names
                                .iter()
                                .enumerate()
                                .map(|(i, n)| (n.to_string(), i as u64))
                                .collect(),
                        ),
                        None => Status::Absent("gone".into()),
                    };
                    (abi.to_string(), status)
                })
                .collect(),
        }
    }

    #[test]
    fn intervals_exact_and_at_or_before() {
        let samples = vec![
            sample(
                "a",
                (5, 10, 262),
                true,
                &[("x", Some(&["read", "memfd_create"])), ("y", None)],
            ),
            sample(
                "b",
                (6, 3, 8),
                false,
                &[("x", Some(&["read", "memfd_create", "late"]))],
            ),
            sample(
                "c",
                (6, 12, 117),
                true,
                &[
                    ("x", Some(&["read", "memfd_create", "cachestat", "late"])),
                    ("y", Some(&["read"])),
                ],
            ),
            sample(
                "d",
                (7, 2, 0),
                true,
                &[
                    ("x", Some(&["read", "memfd_create", "cachestat", "late"])),
                    ("y", None),
                ],
            ),
        ];
        let mut man = BTreeMap::new();
        man.insert("memfd_create".to_string(), (3, 17, 0));
        man.insert("cachestat".to_string(), (6, 5, 0));
        man.insert("late".to_string(), (6, 8, 0));
        let h = build(&["x", "y"], &samples, &man);
        assert_eq!(h.samples, [(5, 10, 0), (6, 3, 0), (6, 12, 0), (7, 2, 0)]);
        let x = &h.abis[0];
        assert_eq!(
            x.entries["memfd_create"].since,
            Since::AtOrBefore {
                by: (5, 10, 0),
                generic: Some((3, 17, 0))
            }
        );
        assert_eq!(
            x.entries["cachestat"].since,
            Since::Exact {
                version: (6, 5, 0),
                after: (6, 3, 0),
                by: (6, 12, 0)
            }
        );
        assert_eq!(x.entries["cachestat"].since.to_string(), "6.5");
        // Documented as 6.8 but present in 6.3: a contradiction, and the interval stands.
        assert_eq!(
            x.entries["late"].since,
            Since::Range {
                after: (5, 10, 0),
                by: (6, 3, 0),
                generic: Some((6, 8, 0))
            }
        );
        assert!(h
            .contradictions
            .iter()
            .any(|c| c.name == "late" && c.what.contains("say Linux 6.8")));
        // y: born in 6.12 (absent in the whole 5.10 kernel), gone by 7.2.
        let y = &h.abis[1];
        assert_eq!(y.ends, Some(((6, 12, 0), (7, 2, 0))));
        assert_eq!(y.last, (6, 12, 0));
        assert_eq!(
            y.entries["read"].since,
            Since::Range {
                after: (5, 10, 0),
                by: (6, 12, 0),
                generic: None
            }
        );
        assert_eq!(y.entries["read"].removed, None);
    }

    #[test]
    fn removals_gaps_and_disagreeing_series_are_reported() {
        let samples = vec![
            sample(
                "a",
                (5, 10, 1),
                true,
                &[("x", Some(&["old", "flaky", "read"]))],
            ),
            sample("b", (6, 1, 1), true, &[("x", Some(&["old", "read"]))]),
            sample("c", (7, 2, 13), true, &[("x", Some(&["flaky", "read"]))]),
            sample(
                "d",
                (7, 2, 0),
                false,
                &[("x", Some(&["flaky", "read", "extra"]))],
            ),
        ];
        let h = build(&["x"], &samples, &BTreeMap::new());
        let x = &h.abis[0];
        assert_eq!(x.entries["old"].removed, Some(((6, 1, 0), (7, 2, 0))));
        assert!(h
            .contradictions
            .iter()
            .any(|c| c.name == "flaky" && c.what.contains("missing in 6.1")));
        assert!(h.contradictions.iter().any(|c| c.name == "*"
            && c.what
                .contains("two samples of Linux 7.2 disagree: c and d")));
        // The whole kernel's table is the one used.
        assert!(!x.entries.contains_key("extra"));
    }
}
