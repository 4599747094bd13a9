//! Reading generated ABI modules back (with syn): the committed tables, for the per-ABI
//! summary of `gen`, the diff of `gen --check`, `export --json` and `compare`.

use crate::error::{Error, Result};
use crate::render::MARKER;
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

/// Parses one generated ABI module.
pub fn read_module(text: &str) -> Result<CommittedTable> {
    if !text.starts_with(MARKER) {
        return Err(Error::new("not a generated file (no @generated marker)"));
    }
    let file = syn::parse_file(text).map_err(|e| Error::new(format!("not valid Rust: {e}")))?;
    let mut abi = None;
    let mut syscalls = None;
    let mut errnos = None;
    for item in &file.items {
        let syn::Item::Const(c) = item else { continue };
        match c.ident.to_string().as_str() {
            "ABI" => {
                let syn::Expr::Call(call) = &*c.expr else {
                    return Err(shape("ABI"));
                };
                let args: Vec<&syn::Expr> = call.args.iter().collect();
                match (
                    args.first().and_then(|e| lit_str(e)),
                    args.get(1).and_then(|e| lit_str(e)),
                ) {
                    (Some(name), Some(linux)) => abi = Some((name, linux)),
                    _ => return Err(shape("ABI")),
                }
            }
            "SYSCALLS" => {
                let rows = tuples(&c.expr).ok_or_else(|| shape("SYSCALLS"))?;
                let list = rows
                    .iter()
                    .map(|row| match row.as_slice() {
                        [name, number] => Some(Syscall {
                            name: lit_str(name)?,
                            number: lit_int(number)?,
                        }),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| shape("SYSCALLS"))?;
                syscalls = Some(list);
            }
            "ERRNOS" => {
                let rows = tuples(&c.expr).ok_or_else(|| shape("ERRNOS"))?;
                let list = rows
                    .iter()
                    .map(|row| match row.as_slice() {
                        [name, code, description] => Some(Errno {
                            name: lit_str(name)?,
                            code: i32::try_from(lit_int(code)?).ok()?,
                            description: lit_str(description)?,
                        }),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| shape("ERRNOS"))?;
                errnos = Some(list);
            }
            _ => {}
        }
    }
    match (abi, syscalls, errnos) {
        (Some((abi, linux)), Some(syscalls), Some(errnos)) => Ok(CommittedTable {
            abi,
            linux,
            syscalls,
            errnos,
        }),
        _ => Err(Error::new(
            "incomplete generated module: ABI, SYSCALLS or ERRNOS missing",
        )),
    }
}

fn shape(item: &str) -> Error {
    Error::new(format!("`{item}` does not have the generated shape"))
}

fn lit_str(e: &syn::Expr) -> Option<String> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn lit_int(e: &syn::Expr) -> Option<u64> {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

fn tuples(e: &syn::Expr) -> Option<Vec<Vec<&syn::Expr>>> {
    let syn::Expr::Array(array) = e else {
        return None;
    };
    array
        .elems
        .iter()
        .map(|row| match row {
            syn::Expr::Tuple(t) => Some(t.elems.iter().collect()),
            _ => None,
        })
        .collect()
}

/// Every generated ABI module under `<out_dir>/abi/`, by ABI name. A missing folder is empty.
pub fn read_dir(out_dir: &Path) -> Result<BTreeMap<String, CommittedTable>> {
    let dir = out_dir.join("abi");
    let mut tables = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(tables);
    };
    for entry in entries {
        let path = entry.map_err(|e| Error::io("list", &dir, e))?.path();
        if path.extension().is_none_or(|e| e != "rs")
            || path.file_name().is_some_and(|n| n == "mod.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let table = read_module(&text).map_err(|e| e.file(&path))?;
        tables.insert(table.abi.clone(), table);
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::render_abi_module;
    use crate::tables::{AbiTables, LinuxVersion};

    #[test]
    fn reads_back_what_the_renderer_writes() {
        let t = AbiTables {
            abi: "arm_oabi".into(),
            linux: LinuxVersion {
                major: 6,
                minor: 12,
                patch: 117,
            },
            origin: "fixture".into(),
            syscalls: vec![
                Syscall {
                    name: "restart_syscall".into(),
                    number: 0x90_0000,
                },
                Syscall {
                    name: "breakpoint".into(),
                    number: 0x9f_0001,
                },
            ],
            errnos: vec![Errno {
                name: "EPERM".into(),
                code: 1,
                description: "Operation not permitted".into(),
            }],
        };
        let back = read_module(&render_abi_module(&t)).unwrap();
        assert_eq!(back.abi, "arm_oabi");
        assert_eq!(back.linux, "6.12");
        assert_eq!(back.syscalls, t.syscalls);
        assert_eq!(back.errnos, t.errnos);
    }

    #[test]
    fn refuses_hand_written_or_broken_files() {
        assert!(read_module("pub const X: u8 = 1;")
            .unwrap_err()
            .message
            .contains("no @generated marker"));
        let e =
            read_module("// @generated by `cargo xtask gen` x\nconst ABI: u8 = 1;").unwrap_err();
        assert!(
            e.message
                .contains("`ABI` does not have the generated shape"),
            "{e}"
        );
        let e = read_module("// @generated by `cargo xtask gen` x\nfn (").unwrap_err();
        assert!(e.message.contains("not valid Rust"), "{e}");
    }
}
