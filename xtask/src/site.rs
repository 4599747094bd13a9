//! `cargo xtask site --out DIR`: the syscall table page, `DIR/index.html`.
//!
//! One self-contained file: the template, style and script under `xtask/site/` (included
//! here) around a JSON document built from syscalls-sys's tables, the same tables the crate
//! ships. No external resource, no timestamp: the same tables give the same bytes.

use codegen::error::{Error, Result};
use codegen::fsutil::write_atomic;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syscalls_sys::{history_samples, Abi, ABIS};

const TEMPLATE: &str = include_str!("../site/index.html");
const STYLE: &str = include_str!("../site/style.css");
const SCRIPT: &str = include_str!("../site/app.js");

/// The page may not grow past this (the issue's budget).
pub const MAX_PAGE_BYTES: usize = 600 * 1024;

/// Writes `out/index.html` (creating `out`) and returns its path.
pub fn site(out: &Path) -> Result<PathBuf> {
    let page = render_page(&page_data());
    if page.len() > MAX_PAGE_BYTES {
        return Err(Error::new(format!(
            "the page would be {} bytes, over its budget of {MAX_PAGE_BYTES}",
            page.len()
        ))
        .hint("shrink the embedded data or the template in xtask/site/"));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io("create", out, e))?;
    let path = out.join("index.html");
    write_atomic(&path, page.as_bytes())?;
    Ok(path)
}

/// The template with its style, script and data in place.
pub fn render_page(data: &Value) -> String {
    // Inside <script>, `</` could end the element early: JSON allows `<\/` instead.
    let json = serde_json::to_string(data)
        .expect("a JSON value always serialises")
        .replace("</", "<\\/");
    let page = TEMPLATE
        .replacen("/*STYLE*/", STYLE.trim_end(), 1)
        .replacen("/*SCRIPT*/", SCRIPT.trim_end(), 1);
    // The data goes in last, so that nothing in it is taken for a placeholder.
    page.replacen("__DATA__", &json, 1)
}

/// A signature as the page shows it: entry symbol, register count, `(name, type)` arguments
/// and whether the entry is implemented (`false`: a reserved number, `sys_ni_syscall`; the
/// page then shows only that).
type Signature = (&'static str, usize, Vec<(&'static str, &'static str)>, bool);

/// The signature of syscall `name` on `abi`, for the opened row.
///
/// From syscalls-sys's `signatures` feature; a reserved number (`sys_ni_syscall`) is shown as
/// not implemented.
fn signature(abi: &Abi, name: &str) -> Option<Signature> {
    if abi.is_implemented(name) == Some(false) {
        return Some(("", 0, Vec::new(), false));
    }
    let s = abi.signature(name)?;
    let args = s.args().map(|a| (a.name(), a.ty())).collect();
    Some((s.entry(), s.registers(), args, true))
}

/// The sampled versions `abi`'s history covers, as the ABI tab shows them: `5.10–7.3`, and
/// `, gone by 7.2` when the kernel dropped the ABI.
fn history_span(abi: &Abi) -> String {
    let mut text = match (abi.history_from(), abi.history_until()) {
        (Some(first), Some(last)) => format!("{first}\u{2013}{last}"),
        (None, Some(last)) => format!("\u{2013}{last}"),
        _ => String::new(),
    };
    if let Some((_, gone)) = abi.ends() {
        text.push_str(&format!(", gone by {gone}"));
    }
    text
}

/// The JSON document the page's script reads (shape documented in `xtask/site/app.js`).
pub fn page_data() -> Value {
    let abis: Vec<Value> = ABIS
        .iter()
        .map(|abi| {
            json!({
                "name": abi.name(),
                "linux": abi.linux_version(),
                "syscalls": abi.syscalls().len(),
                "errnos": abi.errnos().len(),
                "other_names": abi.other_names(),
                "history": history_span(abi),
                "audit": abi
                    .audit_arches()
                    .map(|(name, value)| json!([name, value]))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();

    // One row per syscall name of any ABI, by name; each ABI's number or null.
    let names: BTreeSet<&str> = ABIS
        .iter()
        .flat_map(|abi| abi.syscalls().map(|(name, _)| name))
        .collect();
    let mut sig_pool: Vec<Value> = Vec::new();
    let mut sig_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut any_signature = false;
    // Since when each ABI has each syscall (`Abi::introduced`, shown as its Display), pooled;
    // a row keeps one index when every ABI with the syscall has the same answer (and only
    // those), else one index (or null) per ABI.
    let mut since_pool: Vec<String> = Vec::new();
    let mut removed: BTreeMap<&str, Value> = BTreeMap::new();
    let syscall_rows: Vec<Value> = names
        .iter()
        .map(|name| {
            let numbers: Vec<Option<usize>> =
                ABIS.iter().map(|abi| abi.syscall_number(name)).collect();
            let sigs: Vec<Option<usize>> = ABIS
                .iter()
                .map(|abi| {
                    let (entry, registers, args, implemented) = signature(abi, name)?;
                    any_signature = true;
                    let value = json!([entry, registers, args, implemented]);
                    let key = value.to_string();
                    let next = sig_pool.len();
                    let i = *sig_index.entry(key).or_insert(next);
                    if i == next {
                        sig_pool.push(value);
                    }
                    Some(i)
                })
                .collect();
            let since: Vec<Option<usize>> = ABIS
                .iter()
                .map(|abi| {
                    let text = abi.introduced(name)?.to_string();
                    Some(match since_pool.iter().position(|s| *s == text) {
                        Some(i) => i,
                        None => {
                            since_pool.push(text);
                            since_pool.len() - 1
                        }
                    })
                })
                .collect();
            let gone: Vec<Value> = ABIS
                .iter()
                .map(|abi| match abi.removed(name) {
                    Some((last, gone)) => json!(format!("last seen in {last}, gone by {gone}")),
                    None => Value::Null,
                })
                .collect();
            if gone.iter().any(|g| !g.is_null()) {
                removed.insert(name, Value::Array(gone));
            }
            let first = since.iter().flatten().next().copied();
            let uniform = since
                .iter()
                .zip(&numbers)
                .all(|(s, n)| s.is_some() == n.is_some() && (s.is_none() || *s == first));
            let since = match first {
                Some(i) if uniform => json!(i),
                _ => json!(since),
            };
            let sigs = if sigs.iter().any(Option::is_some) {
                json!(sigs)
            } else {
                Value::Null
            };
            json!([name, numbers, sigs, since])
        })
        .collect();

    // One row per errno name of any ABI, in the order of the first ABI's codes, then by name;
    // descriptions are pooled (most are the same on every ABI).
    let mut errno_names: Vec<&str> = Vec::new();
    for abi in ABIS {
        let mut extra: Vec<&str> = abi
            .errnos()
            .map(|(name, _, _)| name)
            .filter(|name| !errno_names.contains(name))
            .collect();
        if !errno_names.is_empty() {
            extra.sort_unstable();
        }
        errno_names.extend(extra);
    }
    let mut descs: Vec<&str> = Vec::new();
    let errno_rows: Vec<Value> = errno_names
        .iter()
        .map(|name| {
            let codes: Vec<Option<i32>> = ABIS.iter().map(|abi| abi.errno_number(name)).collect();
            let desc: Vec<Option<usize>> = ABIS
                .iter()
                .zip(&codes)
                .map(|(abi, code)| {
                    let d = abi.errno_description((*code)?)?;
                    Some(descs.iter().position(|x| *x == d).unwrap_or_else(|| {
                        descs.push(d);
                        descs.len() - 1
                    }))
                })
                .collect();
            json!([name, codes, desc])
        })
        .collect();

    let mut data = json!({
        "generator": "Generated by `cargo xtask site` from syscalls-sys's tables.",
        "abis": abis,
        "syscalls": syscall_rows,
        "errnos": errno_rows,
        "descs": descs,
        "since": since_pool,
        "removed": removed,
        "samples": history_samples().map(|v| v.to_string()).collect::<Vec<_>>(),
    });
    if any_signature {
        data["sigs"] = Value::Array(sig_pool);
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_is_the_crates_tables() {
        let data = page_data();
        let abis = data["abis"].as_array().unwrap();
        assert_eq!(abis.len(), ABIS.len());
        let rows = data["syscalls"].as_array().unwrap();
        let mut cells = 0;
        for row in rows {
            let name = row[0].as_str().unwrap();
            for (i, abi) in ABIS.iter().enumerate() {
                assert_eq!(
                    row[1][i].as_u64(),
                    abi.syscall_number(name).map(|n| n as u64)
                );
                cells += usize::from(row[1][i].is_u64());
            }
        }
        // Every syscall of every ABI is in some row.
        assert_eq!(
            cells,
            ABIS.iter().map(|abi| abi.syscalls().len()).sum::<usize>()
        );
        let errnos = data["errnos"].as_array().unwrap();
        let edeadlk = errnos.iter().find(|r| r[0] == "EDEADLK").unwrap();
        for (i, abi) in ABIS.iter().enumerate() {
            assert_eq!(
                edeadlk[1][i].as_i64(),
                abi.errno_number("EDEADLK").map(i64::from)
            );
        }
    }

    #[test]
    fn the_page_is_self_contained_deterministic_and_small() {
        let a = render_page(&page_data());
        let b = render_page(&page_data());
        assert_eq!(a, b);
        assert!(a.len() <= MAX_PAGE_BYTES, "{} bytes", a.len());
        for placeholder in ["/*STYLE*/", "/*SCRIPT*/", "__DATA__"] {
            assert!(!a.contains(placeholder), "{placeholder} left in the page");
        }
        // Nothing fetched from elsewhere.
        for external in ["src=", "href=", "@import", "url(", "http://", "https://"] {
            assert!(!a.contains(external), "{external} in the page");
        }
    }

    #[test]
    fn script_closing_text_in_the_data_is_escaped() {
        let page = render_page(&json!({"x": "</script><b>"}));
        assert!(page.contains(r#"{"x":"<\/script><b>"}"#));
    }
}
