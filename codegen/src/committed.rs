//! Reading generated ABI modules back (with syn): the committed tables, for the per-ABI
//! summary of `gen`, the diff of `gen --check`, `export --json` and `compare`.

use crate::error::{Error, Result};
use crate::render::{DESCRIPTION_SEPARATOR, MARKER};
use crate::tables::{Errno, Syscall};
use std::collections::BTreeMap;
use std::path::Path;

/// One ABI module as it is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedTable {
    /// Canonical ABI name.
    pub abi: String,
    /// `major.minor` of the Linux version it was generated from.
    pub linux: String,
    /// In number order.
    pub syscalls: Vec<Syscall>,
    /// In code order.
    pub errnos: Vec<Errno>,
}

/// Parses one generated ABI module; `errno_tables` are the `ERRNOS_*` of `abi/shared.rs`.
pub fn read_module(
    text: &str,
    errno_tables: &BTreeMap<String, Vec<Errno>>,
) -> Result<CommittedTable> {
    let file = parse_generated(text)?;
    let mut abi = None;
    let mut syscalls = None;
    for c in consts(&file) {
        match c.ident.to_string().as_str() {
            "ABI" => {
                let syn::Expr::Call(call) = &*c.expr else {
                    return Err(shape("ABI"));
                };
                let args: Vec<&syn::Expr> = call.args.iter().collect();
                let [name, linux, _, errnos, ..] = args.as_slice() else {
                    return Err(shape("ABI"));
                };
                let errnos = path_tail(errnos).ok_or_else(|| shape("ABI"))?;
                match (lit_str(name), lit_str(linux)) {
                    (Some(name), Some(linux)) => abi = Some((name, linux, errnos)),
                    _ => return Err(shape("ABI")),
                }
            }
            "SYSCALLS" => {
                let entries = unpack_table(&c.expr).ok_or_else(|| shape("SYSCALLS"))?;
                syscalls = Some(
                    entries
                        .into_iter()
                        .map(|(name, number)| Syscall { name, number })
                        .collect(),
                );
            }
            _ => {}
        }
    }
    let (Some((abi, linux, errnos)), Some(syscalls)) = (abi, syscalls) else {
        return Err(Error::new(
            "incomplete generated module: ABI or SYSCALLS missing",
        ));
    };
    let errnos = errno_tables
        .get(&errnos)
        .cloned()
        .ok_or_else(|| Error::new(format!("{errnos} is not in abi/shared.rs")))?;
    Ok(CommittedTable {
        abi,
        linux,
        syscalls,
        errnos,
    })
}

/// The `ERRNOS_*` tables of a generated `abi/shared.rs`.
pub fn read_errno_tables(text: &str) -> Result<BTreeMap<String, Vec<Errno>>> {
    let file = parse_generated(text)?;
    let mut tables = BTreeMap::new();
    for c in consts(&file) {
        let name = c.ident.to_string();
        if !name.starts_with("ERRNOS_") {
            continue;
        }
        let syn::Expr::Struct(s) = &*c.expr else {
            return Err(shape(&name));
        };
        let codes = field(s, "codes")
            .and_then(unpack_table)
            .ok_or_else(|| shape(&name))?;
        let descriptions = field(s, "descriptions")
            .and_then(lit_str)
            .ok_or_else(|| shape(&name))?;
        let descriptions: Vec<&str> = descriptions
            .split_terminator(char::from(DESCRIPTION_SEPARATOR))
            .collect();
        let internal = field(s, "kernel_internal")
            .and_then(lit_bytes)
            .ok_or_else(|| shape(&name))?;
        if descriptions.len() != codes.len() || internal.len() != codes.len().div_ceil(8) {
            return Err(shape(&name));
        }
        let errnos = codes
            .into_iter()
            .zip(descriptions)
            .enumerate()
            .map(|(i, ((name, code), description))| {
                Some(Errno {
                    name,
                    code: i32::try_from(code).ok()?,
                    description: description.to_string(),
                    kernel_internal: internal[i / 8] & (1 << (i % 8)) != 0,
                })
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| shape(&name))?;
        tables.insert(name, errnos);
    }
    Ok(tables)
}

fn parse_generated(text: &str) -> Result<syn::File> {
    if !text.starts_with(MARKER) {
        return Err(Error::new("not a generated file (no @generated marker)"));
    }
    syn::parse_file(text).map_err(|e| Error::new(format!("not valid Rust: {e}")))
}

fn consts(file: &syn::File) -> impl Iterator<Item = &syn::ItemConst> {
    file.items.iter().filter_map(|item| match item {
        syn::Item::Const(c) => Some(c),
        _ => None,
    })
}

fn shape(item: &str) -> Error {
    Error::new(format!("`{item}` does not have the generated shape"))
}

pub(crate) fn field<'a>(s: &'a syn::ExprStruct, name: &str) -> Option<&'a syn::Expr> {
    s.fields
        .iter()
        .find(|f| matches!(&f.member, syn::Member::Named(i) if i == name))
        .map(|f| &f.expr)
}

pub(crate) fn lit_str(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

pub(crate) fn lit_bytes(e: &syn::Expr) -> Option<Vec<u8>> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::ByteStr(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn lit_byte(e: &syn::Expr) -> Option<u8> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Byte(b),
            ..
        }) => Some(b.value()),
        _ => None,
    }
}

/// The last segment of a path expression, behind an optional `&`: `&super::shared::ERRNOS_0`.
fn path_tail(e: &syn::Expr) -> Option<String> {
    let e = match e {
        syn::Expr::Reference(r) => &*r.expr,
        e => e,
    };
    match e {
        syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Decodes a packed `Table { … }` into `(name, value)` entries, checking its invariants: names
/// at the given starts, separator-terminated; values ascending; `by_name` a name-sorted
/// permutation.
pub fn unpack_table(e: &syn::Expr) -> Option<Vec<(String, u64)>> {
    let syn::Expr::Struct(s) = e else { return None };
    let names = field(s, "names").and_then(lit_str)?;
    let separator = field(s, "separator").and_then(lit_byte)?;
    let starts = field(s, "starts").and_then(lit_bytes)?;
    let values = field(s, "values").and_then(lit_bytes)?;
    let by_name = field(s, "by_name").and_then(lit_bytes)?;
    let n = values.len() / 4;
    if values.len() % 4 != 0 || starts.len() != 2 * n || by_name.len() != 2 * n {
        return None;
    }
    let u16_at = |b: &[u8], i: usize| usize::from(u16::from_le_bytes([b[2 * i], b[2 * i + 1]]));
    let mut entries = Vec::with_capacity(n);
    for i in 0..n {
        let start = u16_at(&starts, i);
        let rest = names.as_bytes().get(start..)?;
        let end = rest.iter().position(|&b| b == separator)?;
        let name = String::from_utf8(rest[..end].to_vec()).ok()?;
        let value = u64::from(u32::from_le_bytes(
            values[4 * i..4 * i + 4].try_into().ok()?,
        ));
        entries.push((name, value));
    }
    if entries.windows(2).any(|w| w[0].1 > w[1].1) {
        return None;
    }
    let order: Vec<usize> = (0..n).map(|i| u16_at(&by_name, i)).collect();
    let mut seen = vec![false; n];
    for &i in &order {
        if i >= n || std::mem::replace(&mut seen[i], true) {
            return None;
        }
    }
    if order
        .windows(2)
        .any(|w| entries[w[0]].0.as_bytes() > entries[w[1]].0.as_bytes())
    {
        return None;
    }
    Some(entries)
}

/// Every generated ABI module under `<out_dir>/abi/`, by ABI name. A missing folder is empty.
pub fn read_dir(out_dir: &Path) -> Result<BTreeMap<String, CommittedTable>> {
    let dir = out_dir.join("abi");
    let mut tables = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(tables);
    };
    let shared_path = dir.join("shared.rs");
    let errno_tables = match std::fs::read_to_string(&shared_path) {
        Ok(text) => read_errno_tables(&text).map_err(|e| e.file(&shared_path))?,
        Err(_) => BTreeMap::new(),
    };
    for entry in entries {
        let path = entry.map_err(|e| Error::io("list", &dir, e))?.path();
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !file_name.ends_with(".rs")
            || matches!(file_name, "mod.rs" | "shared.rs")
            || file_name.starts_with("native_errno")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let table = read_module(&text, &errno_tables).map_err(|e| e.file(&path))?;
        tables.insert(table.abi.clone(), table);
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::render_all;
    use crate::render::tests::sample;

    #[test]
    fn reads_back_what_the_renderer_writes() {
        let dir = tempfile::tempdir().unwrap();
        let tables = [
            sample(
                "arm_oabi",
                &[
                    ("restart_syscall", 0x90_0000),
                    ("exit", 0x90_0001),
                    ("breakpoint", 0x9f_0001),
                ],
            ),
            sample("x86", &[("restart_syscall", 0), ("exit", 1)]),
        ];
        for (rel, text) in render_all(crate::abi::ABIS, &tables, None) {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let back = read_dir(dir.path()).unwrap();
        assert_eq!(back.len(), 2);
        for t in &tables {
            let b = &back[&t.abi];
            assert_eq!(b.linux, "7.2");
            assert_eq!(b.syscalls, t.syscalls);
            assert_eq!(b.errnos, t.errnos);
        }
    }

    #[test]
    fn refuses_hand_written_or_broken_files() {
        let none = BTreeMap::new();
        assert!(read_module("pub const X: u8 = 1;", &none)
            .unwrap_err()
            .message
            .contains("no @generated marker"));
        let e = read_module(
            "// @generated by `cargo xtask gen` x\nconst ABI: u8 = 1;",
            &none,
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("`ABI` does not have the generated shape"),
            "{e}"
        );
        let e = read_module("// @generated by `cargo xtask gen` x\nfn (", &none).unwrap_err();
        assert!(e.message.contains("not valid Rust"), "{e}");
    }

    #[test]
    fn corrupt_packed_tables_are_refused() {
        let table = |by_name: &str| {
            syn::parse_str::<syn::Expr>(&format!(
                r#"Table {{ names: "b a ", separator: b' ', starts: b"\0\0\x02\0", values: b"\x01\0\0\0\x02\0\0\0", by_name: {by_name} }}"#
            ))
            .unwrap()
        };
        assert_eq!(
            unpack_table(&table(r#"b"\x01\0\0\0""#)),
            Some(vec![("b".to_string(), 1), ("a".to_string(), 2)])
        );
        assert_eq!(
            unpack_table(&table(r#"b"\0\0\x01\0""#)),
            None,
            "by_name not sorted by name"
        );
        assert_eq!(
            unpack_table(&table(r#"b"\x01\0\x01\0""#)),
            None,
            "by_name not a permutation"
        );
    }
}
