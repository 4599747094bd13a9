//! The commands: each one resolves its queries against the tables and renders text or JSON.

use crate::signature::{self, Signature};
use crate::since::{interval_json, removed_text, since_json, since_text};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use syscalls_sys::{Abi, LinuxVersion, Since, ABIS};

/// Why a command printed nothing: an unknown name, number or ABI, with what to try instead.
#[derive(Debug)]
pub struct Failure {
    message: String,
    suggestions: Vec<String>,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            suggestions: Vec::new(),
        }
    }

    fn suggest(mut self, suggestions: Vec<String>) -> Failure {
        self.suggestions = suggestions;
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if !self.suggestions.is_empty() {
            write!(f, "\n  did you mean: {}?", self.suggestions.join(", "))?;
        }
        Ok(())
    }
}

pub type Result<T> = std::result::Result<T, Failure>;

/// The ABIs named by `--abi` (all of them when none is named), each once, in the order given.
pub fn select_abis(names: &[String]) -> Result<Vec<&'static Abi>> {
    if names.is_empty() {
        return Ok(ABIS.to_vec());
    }
    let mut out: Vec<&'static Abi> = Vec::new();
    for name in names {
        let abi = find_abi(name)?;
        if !out.iter().any(|a| a.name() == abi.name()) {
            out.push(abi);
        }
    }
    Ok(out)
}

fn find_abi(name: &str) -> Result<&'static Abi> {
    let name = name.trim();
    Abi::by_name(name).ok_or_else(|| {
        let names: Vec<&str> = ABIS.iter().map(|a| a.name()).collect();
        Failure::new(format!(
            "unknown ABI `{name}`; the ABIs are: {}",
            names.join(", ")
        ))
        .suggest(closest(name, names.iter().copied()))
    })
}

/// Up to five names close to `query`: those containing it, then the most similar ones.
fn closest<'a>(query: &str, names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let query = query.to_ascii_lowercase();
    let mut scored: Vec<(bool, f64, &str)> = names
        .map(|name| {
            let lower = name.to_ascii_lowercase();
            let contains = query.len() >= 3 && lower.contains(&query);
            (contains, strsim::jaro_winkler(&query, &lower), name)
        })
        .filter(|(contains, score, _)| *contains || *score >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(b.2)));
    // Close matches when there are some; otherwise the three least far-fetched.
    let close = scored
        .iter()
        .filter(|(c, score, _)| *c || *score >= 0.8)
        .count();
    let mut seen = BTreeSet::new();
    scored
        .into_iter()
        .filter(|(_, _, name)| seen.insert(*name))
        .take(if close > 0 { close.min(5) } else { 3 })
        .map(|(_, _, name)| name.to_string())
        .collect()
}

/// A query: a name, or a number (decimal or 0x-prefixed hex; `-` allowed for errno codes).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Query {
    Name(String),
    Number(u64),
}

fn parse_number(text: &str) -> Option<u64> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        text.parse().ok()
    } else {
        None
    }
}

fn parse_syscall_query(text: &str) -> Query {
    match parse_number(text) {
        Some(nr) => Query::Number(nr),
        None => {
            let name = text.trim();
            let name = name
                .strip_prefix("SYS_")
                .or_else(|| name.strip_prefix("__NR_"))
                .unwrap_or(name);
            Query::Name(name.to_string())
        }
    }
}

/// Every syscall name of every ABI, once.
fn all_syscall_names() -> BTreeSet<&'static str> {
    ABIS.iter()
        .flat_map(|abi| abi.syscalls().map(|(name, _)| name))
        .collect()
}

fn abi_list(abis: &[&Abi]) -> String {
    abis.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
}

fn width(abis: &[&Abi]) -> usize {
    abis.iter().map(|a| a.name().len()).max().unwrap_or(0)
}

fn signature_json(sig: Option<&Signature>) -> Value {
    match sig {
        None => Value::Null,
        Some(sig) => json!({
            // Arch-private calls outside the table (arm's cacheflush) have no entry.
            "entry": (!sig.entry.is_empty()).then_some(sig.entry),
            "args": sig.args.iter().map(|(name, ty)| json!({"name": name, "type": ty})).collect::<Vec<_>>(),
            "registers": sig.registers,
        }),
    }
}

/// `out` without the spaces that padding leaves at the ends of lines.
fn tidy(out: &str) -> String {
    let mut text = String::with_capacity(out.len());
    for line in out.lines() {
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn to_json(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value always serialises");
    text.push('\n');
    text
}

/// One ABI's answer to a syscall query.
struct Row<'a> {
    abi: &'a Abi,
    name: Option<&'static str>,
    number: Option<u64>,
    signature: Option<Signature>,
    /// Since when the ABI has the syscall (the history's answer, also for a removed one).
    since: Option<Since>,
    /// `(last sampled version with it, first without it)` when the ABI lost the syscall.
    removed: Option<(LinuxVersion, LinuxVersion)>,
}

/// `sysno NAME|NUMBER…`: each syscall's number, or each number's syscall, on every ABI.
pub fn lookup(queries: &[String], abis: &[&'static Abi], json: bool) -> Result<String> {
    let mut answers = Vec::new();
    for text in queries {
        let query = parse_syscall_query(text);
        let rows: Vec<Row> = abis
            .iter()
            .map(|abi| match &query {
                Query::Name(name) => {
                    let number = abi.syscall_number(name).map(|nr| nr as u64);
                    Row {
                        abi,
                        name: None,
                        number,
                        signature: number.and_then(|_| signature::signature(abi, name)),
                        since: abi.introduced(name),
                        removed: number.map_or_else(|| abi.removed(name), |_| None),
                    }
                }
                Query::Number(nr) => {
                    let name = usize::try_from(*nr)
                        .ok()
                        .and_then(|nr| abi.syscall_name(nr));
                    Row {
                        abi,
                        name,
                        number: Some(*nr),
                        signature: name.and_then(|name| signature::signature(abi, name)),
                        since: name.and_then(|name| abi.introduced(name)),
                        removed: None,
                    }
                }
            })
            .collect();
        let found = match &query {
            Query::Name(_) => rows.iter().any(|r| r.number.is_some()),
            Query::Number(_) => rows.iter().any(|r| r.name.is_some()),
        };
        if !found {
            return Err(not_found(text, &query, abis));
        }
        answers.push((text, query, rows));
    }
    if json {
        let value: Vec<Value> = answers
            .iter()
            .map(|(text, query, rows)| {
                let results: Vec<Value> = rows
                    .iter()
                    .map(|row| {
                        let name = match query {
                            Query::Name(name) => Some(name.as_str()),
                            Query::Number(_) => row.name,
                        };
                        let number = match query {
                            Query::Name(_) => row.number,
                            Query::Number(nr) => row.name.map(|_| *nr),
                        };
                        json!({
                            "abi": row.abi.name(),
                            "name": name,
                            "number": number,
                            "signature": signature_json(row.signature.as_ref()),
                            "since": since_json(row.since),
                            "removed": interval_json(row.removed),
                        })
                    })
                    .collect();
                json!({"query": text, "results": results})
            })
            .collect();
        return Ok(to_json(&Value::Array(value)));
    }
    let w = width(abis);
    let mut out = String::new();
    for (_, query, rows) in &answers {
        match query {
            Query::Name(name) => {
                // The header: the name, or its signature where the tables have one.
                let header = rows
                    .iter()
                    .find_map(|r| r.signature.as_ref())
                    .map(|sig| sig.c_text(name))
                    .unwrap_or_else(|| name.clone());
                let _ = writeln!(out, "{header}");
                let sw = rows
                    .iter()
                    .filter(|r| r.number.is_some())
                    .map(|r| since_text(r.since).len())
                    .max()
                    .unwrap_or(0);
                for row in rows {
                    match row.number {
                        Some(nr) => {
                            let _ = write!(
                                out,
                                "  {:<w$}  {nr:>10}  {:<10}  {:<sw$}",
                                row.abi.name(),
                                format!("{nr:#x}"),
                                since_text(row.since),
                            );
                            // Where the tables have signatures: the registers the call takes
                            // on this ABI, and its parameters where they differ from the header.
                            if let Some(sig) = &row.signature {
                                let _ = write!(out, "  {} reg", sig.registers);
                                if sig.c_text(name) != header {
                                    let _ = write!(out, "  {}", sig.c_text(name));
                                }
                            }
                            out.push('\n');
                        }
                        None => {
                            let why = match row.removed {
                                Some(interval) => format!(": {}", removed_text(interval)),
                                None => String::new(),
                            };
                            let _ = writeln!(
                                out,
                                "  {:<w$}  {:>10}  (none on this ABI{why})",
                                row.abi.name(),
                                "-"
                            );
                        }
                    }
                }
            }
            Query::Number(nr) => {
                let _ = writeln!(out, "{nr} ({nr:#x})");
                // The name or its signature, then since when the ABI has it, aligned.
                let texts: Vec<String> = rows
                    .iter()
                    .map(|row| {
                        let name = row.name.unwrap_or("-");
                        match &row.signature {
                            Some(sig) => sig.c_text(name),
                            None => name.to_string(),
                        }
                    })
                    .collect();
                let tw = texts.iter().map(String::len).max().unwrap_or(0);
                for (row, text) in rows.iter().zip(&texts) {
                    let _ = writeln!(
                        out,
                        "  {:<w$}  {text:<tw$}  {}",
                        row.abi.name(),
                        since_text(row.since)
                    );
                }
            }
        }
    }
    Ok(tidy(&out))
}

fn not_found(text: &str, query: &Query, abis: &[&Abi]) -> Failure {
    let all = ABIS.len();
    let on = if abis.len() == all {
        "any ABI".to_string()
    } else {
        abi_list(abis)
    };
    match query {
        Query::Number(nr) => Failure::new(format!("no syscall has number {nr} ({nr:#x}) on {on}")),
        Query::Name(name) => {
            let elsewhere: Vec<&str> = ABIS
                .iter()
                .filter(|abi| abi.syscall_number(name).is_some())
                .map(|abi| abi.name())
                .collect();
            if elsewhere.is_empty() {
                Failure::new(format!("no syscall named `{text}` on {on}"))
                    .suggest(closest(name, all_syscall_names().into_iter()))
            } else {
                Failure::new(format!(
                    "no syscall named `{name}` on {on}; it exists on: {}",
                    elsewhere.join(", ")
                ))
            }
        }
    }
}

/// One ABI's answer to an errno query.
struct ErrnoRow<'a> {
    abi: &'a Abi,
    name: Option<&'static str>,
    number: Option<i32>,
    description: Option<&'static str>,
}

/// `sysno errno NAME|NUMBER…`: name, number and description of each error, per ABI.
pub fn errno(queries: &[String], abis: &[&'static Abi], json: bool) -> Result<String> {
    let mut answers = Vec::new();
    for text in queries {
        let trimmed = text.trim();
        let number = match trimmed.strip_prefix('-') {
            Some(rest) => parse_number(rest),
            None => parse_number(trimmed),
        };
        let rows: Vec<ErrnoRow> = match number {
            Some(code) => {
                let code = i32::try_from(code).unwrap_or(-1);
                abis.iter()
                    .map(|abi| {
                        let name = abi.errno_name(code);
                        ErrnoRow {
                            abi,
                            name,
                            number: name.map(|_| code),
                            description: name.and_then(|_| abi.errno_description(code)),
                        }
                    })
                    .collect()
            }
            None => {
                let name = trimmed.to_ascii_uppercase();
                abis.iter()
                    .map(|abi| {
                        let number = abi.errno_number(&name);
                        ErrnoRow {
                            abi,
                            // The canonical name of the code (EDEADLOCK is EDEADLK's alias).
                            name: number.and_then(|n| abi.errno_name(n)),
                            number,
                            description: number.and_then(|n| abi.errno_description(n)),
                        }
                    })
                    .collect()
            }
        };
        if rows.iter().all(|r| r.number.is_none()) {
            let on = if abis.len() == ABIS.len() {
                "any ABI".to_string()
            } else {
                abi_list(abis)
            };
            return Err(match number {
                Some(n) => Failure::new(format!("no errno has number {n} on {on}")),
                None => {
                    let names: BTreeSet<&str> = ABIS
                        .iter()
                        .flat_map(|abi| abi.errnos().map(|(name, _, _)| name))
                        .collect();
                    Failure::new(format!("no errno named `{trimmed}` on {on}"))
                        .suggest(closest(trimmed, names.into_iter()))
                }
            });
        }
        answers.push((text, rows));
    }
    if json {
        let value: Vec<Value> = answers
            .iter()
            .map(|(text, rows)| {
                let results: Vec<Value> = rows
                    .iter()
                    .map(|row| {
                        json!({
                            "abi": row.abi.name(),
                            "name": row.name,
                            "number": row.number,
                            "description": row.description,
                        })
                    })
                    .collect();
                json!({"query": text, "results": results})
            })
            .collect();
        return Ok(to_json(&Value::Array(value)));
    }
    let w = width(abis);
    let nw = answers
        .iter()
        .flat_map(|(_, rows)| rows.iter().filter_map(|r| r.name.map(str::len)))
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (text, rows) in &answers {
        let _ = writeln!(out, "{}", text.trim());
        for row in rows {
            match (row.name, row.number) {
                (Some(name), Some(number)) => {
                    let _ = writeln!(
                        out,
                        "  {:<w$}  {number:>4}  {name:<nw$}  {}",
                        row.abi.name(),
                        row.description.unwrap_or("")
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "  {:<w$}  {:>4}  (none on this ABI)",
                        row.abi.name(),
                        "-"
                    );
                }
            }
        }
    }
    Ok(tidy(&out))
}

/// The ABI `list` shows: the one --abi names, else the ABI sysno was built for.
fn list_abi(names: &[String]) -> Result<&'static Abi> {
    match names {
        [name] => find_abi(name),
        [] => {
            native().ok_or_else(|| Failure::new("list needs an ABI: --abi NAME (see `sysno abis`)"))
        }
        _ => Err(Failure::new("list shows one ABI: give --abi once")),
    }
}

/// The ABI sysno itself was built for, if it was built for Linux.
fn native() -> Option<&'static Abi> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        Some(syscalls_sys::NATIVE)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        None
    }
}

/// `sysno list --abi A`: every syscall of one ABI, in number order.
pub fn list(names: &[String], json: bool) -> Result<String> {
    let abi = list_abi(names)?;
    if json {
        let syscalls: Vec<Value> = abi
            .syscalls()
            .map(|(name, number)| {
                json!({
                    "name": name,
                    "number": number,
                    "signature": signature_json(signature::signature(abi, name).as_ref()),
                    "since": since_json(abi.introduced(name)),
                })
            })
            .collect();
        return Ok(to_json(&json!({
            "abi": abi.name(),
            "linux_version": abi.linux_version(),
            "syscalls": syscalls,
        })));
    }
    let mut out = String::new();
    for (name, number) in abi.syscalls() {
        let _ = match signature::signature(abi, name) {
            Some(sig) => writeln!(out, "{number:>10}  {}", sig.c_text(name)),
            None => writeln!(out, "{number:>10}  {name}"),
        };
    }
    Ok(out)
}

/// `sysno abis`: every ABI with its Linux version, counts and audit arches.
pub fn abis(abis: &[&'static Abi], json: bool) -> Result<String> {
    let native = native().map(|abi| abi.name());
    if json {
        let value: Vec<Value> = abis
            .iter()
            .map(|abi| {
                json!({
                    "name": abi.name(),
                    "linux_version": abi.linux_version(),
                    "syscalls": abi.syscalls().count(),
                    "errnos": abi.errnos().count(),
                    "native": Some(abi.name()) == native,
                    "history": json!({
                        "from": abi.history_from().map(|v| v.to_string()),
                        "until": abi.history_until().map(|v| v.to_string()),
                        "ends": interval_json(abi.ends()),
                    }),
                    "other_names": abi.other_names(),
                    "audit_arches": abi.audit_arches()
                        .map(|(name, value)| json!({"name": name, "value": value}))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        return Ok(to_json(&Value::Array(value)));
    }
    // A table; the last two columns are lists, the spellings last (they are the longest).
    let arches: Vec<String> = abis
        .iter()
        .map(|abi| {
            let list: Vec<String> = abi
                .audit_arches()
                .map(|(name, value)| format!("{name}={value:#x}"))
                .collect();
            if list.is_empty() {
                "-".to_string()
            } else {
                list.join(",")
            }
        })
        .collect();
    let histories: Vec<String> = abis.iter().map(|abi| history_text(abi)).collect();
    let hw = histories.iter().map(String::len).max().unwrap_or(0).max(7);
    let w = width(abis).max(3);
    let lw = abis
        .iter()
        .map(|a| a.linux_version().len())
        .max()
        .unwrap_or(0)
        .max(5);
    // Capped: arc's four arches would push every other row's last column far right.
    let aw = arches
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .clamp(12, 64);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<w$}  {:<lw$}  {:>8}  {:>6}  {:<hw$}  {:<aw$}  also called",
        "ABI", "Linux", "syscalls", "errnos", "history", "audit arches"
    );
    for ((abi, arches), history) in abis.iter().zip(&arches).zip(&histories) {
        let mut also = abi.other_names().join(",");
        if Some(abi.name()) == native {
            also.push_str(if also.is_empty() {
                "(native)"
            } else {
                " (native)"
            });
        }
        let _ = writeln!(
            out,
            "{:<w$}  {:<lw$}  {:>8}  {:>6}  {history:<hw$}  {arches:<aw$}  {also}",
            abi.name(),
            abi.linux_version(),
            abi.syscalls().len(),
            abi.errnos().len(),
        );
    }
    Ok(tidy(&out))
}

/// The sampled versions an ABI's history covers: `5.10..7.3`, `5.10..6.12, gone by 6.19`.
fn history_text(abi: &Abi) -> String {
    let mut text = match (abi.history_from(), abi.history_until()) {
        (Some(from), Some(until)) => format!("{from}..{until}"),
        (None, Some(until)) => format!("..{until}"),
        _ => "-".to_string(),
    };
    if let Some((_, gone)) = abi.ends() {
        let _ = write!(text, ", gone by {gone}");
    }
    text
}

/// `sysno diff A B`: names only in A, only in B, and shared names numbered differently.
pub fn diff(a: &str, b: &str, json: bool) -> Result<String> {
    let (a, b) = (find_abi(a)?, find_abi(b)?);
    let only_a: Vec<(&str, usize)> = a
        .syscalls()
        .filter(|(name, _)| b.syscall_number(name).is_none())
        .collect();
    let only_b: Vec<(&str, usize)> = b
        .syscalls()
        .filter(|(name, _)| a.syscall_number(name).is_none())
        .collect();
    let mut different = Vec::new();
    let mut same = 0usize;
    for (name, na) in a.syscalls() {
        if let Some(nb) = b.syscall_number(name) {
            if na == nb {
                same += 1;
            } else {
                different.push((name, na, nb));
            }
        }
    }
    if json {
        let pairs = |list: &[(&str, usize)]| -> Vec<Value> {
            list.iter()
                .map(|(name, number)| json!({"name": name, "number": number}))
                .collect()
        };
        return Ok(to_json(&json!({
            "a": a.name(),
            "b": b.name(),
            "only_in_a": pairs(&only_a),
            "only_in_b": pairs(&only_b),
            "different": different
                .iter()
                .map(|(name, na, nb)| json!({"name": name, "a": na, "b": nb}))
                .collect::<Vec<_>>(),
            "same": same,
        })));
    }
    let mut out = String::new();
    for (abi, list) in [(a, &only_a), (b, &only_b)] {
        let _ = writeln!(out, "only in {} ({}):", abi.name(), list.len());
        for (name, number) in list.iter() {
            let _ = writeln!(out, "  {number:>10}  {name}");
        }
    }
    let (wa, wb) = (a.name().len().max(10), b.name().len().max(10));
    let _ = writeln!(
        out,
        "in both, numbered differently ({}):\n  {:>wa$}  {:>wb$}  name",
        different.len(),
        a.name(),
        b.name()
    );
    for (name, na, nb) in &different {
        let _ = writeln!(out, "  {na:>wa$}  {nb:>wb$}  {name}");
    }
    let _ = writeln!(out, "in both with the same number: {same}");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_in_decimal_and_hex() {
        assert_eq!(parse_number("319"), Some(319));
        assert_eq!(parse_number("0x13f"), Some(319));
        assert_eq!(parse_number("0X13F"), Some(319));
        assert_eq!(parse_number("13f"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_syscall_query("SYS_read"), Query::Name("read".into()));
        assert_eq!(parse_syscall_query("__NR_read"), Query::Name("read".into()));
    }

    #[test]
    fn suggestions_prefer_names_containing_the_query() {
        let names = ["memfd_create", "memfd_secret", "mmap", "read"];
        let got = closest("memfd", names.iter().copied());
        assert_eq!(got[..2], ["memfd_create", "memfd_secret"]);
        assert!(closest("zzzzzz", names.iter().copied()).is_empty());
    }
}
