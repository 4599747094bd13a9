//! Signatures per ABI: each syscall's entry point ([`entries`](crate::entries)), the
//! parameters its definition declares ([`sigdefs`](crate::sigdefs)) and the argument
//! registers they occupy on the ABI ([`registers`](crate::registers)); the committed list of
//! implemented syscalls without a signature, checked for staleness; the cache of the source
//! scan.

use crate::abi::AbiSpec;
use crate::entries::EntryPoint;
use crate::error::{Error, Result};
use crate::registers::layout;
use crate::sigdefs::Definitions;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The committed list of implemented syscalls without a signature, relative to the workspace.
pub const UNRESOLVED_PATH: &str = "codegen/signatures-unresolved.txt";

/// Set to rewrite [`UNRESOLVED_PATH`] from what the generator finds (then review the diff).
pub const ACCEPT_UNRESOLVED_ENV: &str = "SYSCALLS_SYS_ACCEPT_UNRESOLVED";

/// Bump when the scan's output format or meaning changes: cached scans are then redone.
const SCAN_CACHE_VERSION: u32 = 1;

/// One argument of a syscall on an ABI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arg {
    /// As the kernel names the parameter.
    pub name: String,
    /// Its C type, without kernel annotations: `const char *`.
    pub ty: String,
    /// Index of its first argument register.
    pub first: u8,
    /// How many registers it takes (2: a 64-bit value on a 32-bit ABI).
    pub count: u8,
}

/// What the kernel function behind a syscall takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The arguments, in order.
    pub args: Vec<Arg>,
    /// How many argument registers the call uses, pads included.
    pub registers: u8,
    /// `file:line` of the definition.
    pub defined_at: String,
}

/// One syscall of an ABI with what is known of its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyscallSignature {
    /// The syscall's name on this ABI.
    pub name: String,
    /// Its number on this ABI.
    pub number: u64,
    /// The table's entry point; `None` for arch-private calls outside the table.
    pub entry: Option<String>,
    /// The entry point of a 64-bit kernel running this ABI, if any.
    pub compat: Option<String>,
    /// Whether the number does something (not `sys_ni_syscall`, not an empty row).
    pub implemented: bool,
    /// The parameters, when the entry resolves.
    pub signature: Option<Signature>,
    /// Why an implemented syscall has no signature.
    pub unresolved: Option<String>,
}

/// Every syscall of one ABI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbiSignatures {
    /// Canonical ABI name.
    pub abi: String,
    /// In the committed table's order (number order).
    pub syscalls: Vec<SyscallSignature>,
}

impl AbiSignatures {
    /// `(with a signature, implemented)`.
    pub fn coverage(&self) -> (usize, usize) {
        let implemented = self.syscalls.iter().filter(|s| s.implemented).count();
        let signed = self
            .syscalls
            .iter()
            .filter(|s| s.signature.is_some())
            .count();
        (signed, implemented)
    }
}

/// Joins an ABI's reconciled entry points with the definitions of its kernel arch.
pub fn build(spec: &AbiSpec, entries: &[EntryPoint], defs: &Definitions) -> AbiSignatures {
    let syscalls = entries
        .iter()
        .map(|e| {
            let implemented = e.implemented() || e.private;
            let (signature, unresolved) = match &e.entry {
                None if e.private => (None, Some(e.origin.clone())),
                None => (None, None),
                Some(symbol) => match defs.resolve(spec.kernel_arch, symbol) {
                    Some(d) if d.takes_pt_regs() => (
                        None,
                        Some(format!(
                            "{} ({}:{}) takes the saved registers (struct pt_regs *), not declared arguments",
                            d.symbol, d.file, d.line
                        )),
                    ),
                    Some(d) => {
                        let (slots, registers) =
                            layout(&spec.arg_registers, d.params.iter().map(|p| p.ty.as_str()));
                        let args = d
                            .params
                            .iter()
                            .zip(slots)
                            .map(|(p, s)| Arg {
                                name: p.name.clone(),
                                ty: p.ty.clone(),
                                first: s.first,
                                count: s.count,
                            })
                            .collect();
                        let signature = Signature {
                            args,
                            registers,
                            defined_at: format!("{}:{}", d.file, d.line),
                        };
                        (Some(signature), None)
                    }
                    None => (
                        None,
                        Some(
                            defs.why_unresolved(spec.kernel_arch, symbol)
                                .unwrap_or_else(|| "no definition found".to_string()),
                        ),
                    ),
                },
            };
            SyscallSignature {
                name: e.name.clone(),
                number: e.number,
                entry: e.entry.clone(),
                compat: e.compat.clone(),
                implemented,
                signature,
                unresolved,
            }
        })
        .collect();
    AbiSignatures {
        abi: spec.name.to_string(),
        syscalls,
    }
}

/// One line of the unresolved list: `<abi> <syscall> <entry or -> <reason>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnresolvedLine {
    /// ABI name.
    pub abi: String,
    /// Syscall name.
    pub syscall: String,
    /// Entry symbol, `-` for none.
    pub entry: String,
    /// Why (free text; the reviewer's, or the generator's first guess).
    pub reason: String,
}

const UNRESOLVED_HEADER: &str = "\
# Implemented syscalls without a signature, one per line: <abi> <syscall> <entry> <reason>.
# `cargo xtask gen` fails when this list differs from what it finds (a new gap, or a listed
# syscall that now resolves); SYSCALLS_SYS_ACCEPT_UNRESOLVED=1 rewrites it: review the diff.
";

/// Parses the committed list. Blank lines and `#` comments are skipped.
pub fn parse_unresolved(text: &str) -> Result<Vec<UnresolvedLine>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(4, char::is_whitespace);
        let (Some(abi), Some(syscall), Some(entry)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::new(format!(
                "line {}: expected `<abi> <syscall> <entry> <reason>`: `{line}`",
                i + 1
            )));
        };
        let reason = parts.next().unwrap_or_default().trim().to_string();
        if reason.is_empty() {
            return Err(Error::new(format!(
                "line {}: {abi} {syscall} has no reason",
                i + 1
            )));
        }
        out.push(UnresolvedLine {
            abi: abi.into(),
            syscall: syscall.into(),
            entry: entry.into(),
            reason,
        });
    }
    Ok(out)
}

/// The unresolved list of `abis`, in ABI-table then number order.
pub fn unresolved_lines(abis: &[AbiSignatures]) -> Vec<UnresolvedLine> {
    abis.iter()
        .flat_map(|a| {
            a.syscalls.iter().filter_map(move |s| {
                s.unresolved.as_ref().map(|reason| UnresolvedLine {
                    abi: a.abi.clone(),
                    syscall: s.name.clone(),
                    entry: s.entry.clone().unwrap_or_else(|| "-".into()),
                    reason: reason.clone(),
                })
            })
        })
        .collect()
}

/// The list as text.
pub fn render_unresolved(lines: &[UnresolvedLine]) -> String {
    let mut text = UNRESOLVED_HEADER.to_string();
    for l in lines {
        text.push_str(&format!(
            "{} {} {} {}\n",
            l.abi, l.syscall, l.entry, l.reason
        ));
    }
    text
}

/// Compares the committed list with what the generator found: `(abi, syscall, entry)` must
/// match both ways (reasons are the reviewer's words and may differ). Returns the problems.
pub fn stale_unresolved(committed: &[UnresolvedLine], found: &[UnresolvedLine]) -> Vec<String> {
    let key = |l: &UnresolvedLine| (l.abi.clone(), l.syscall.clone(), l.entry.clone());
    let listed: BTreeMap<_, _> = committed.iter().map(|l| (key(l), l)).collect();
    let now: BTreeMap<_, _> = found.iter().map(|l| (key(l), l)).collect();
    let mut problems = Vec::new();
    for (k, l) in &now {
        if !listed.contains_key(k) {
            problems.push(format!(
                "new gap: {} {} {} ({})",
                k.0, k.1, k.2, l.reason
            ));
        }
    }
    for k in listed.keys() {
        if !now.contains_key(k) {
            problems.push(format!(
                "listed but now resolved (or gone): {} {} {}",
                k.0, k.1, k.2
            ));
        }
    }
    problems
}

/// The scan of a source tree, cached under `<cache>/signatures/` as JSON and stamped with the
/// source's artifact sha256 (and the scan format version): a warm run reads the JSON instead
/// of the 1 GB tree.
pub fn cached_scan(tree: &Path, stamp: &str, cache_dir: &Path) -> Result<Definitions> {
    let key: String = stamp
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(64)
        .collect();
    let path = cache_dir.join(format!("scan-v{SCAN_CACHE_VERSION}-{key}.json"));
    if let Ok(bytes) = std::fs::read(&path) {
        if let Ok(defs) = serde_json::from_slice::<Definitions>(&bytes) {
            return Ok(defs);
        }
    }
    let defs = Definitions::scan(tree)?;
    std::fs::create_dir_all(cache_dir)
        .map_err(|e| Error::io("create the cache folder", cache_dir, e))?;
    let json = serde_json::to_vec(&defs).map_err(|e| Error::new(format!("serialise the scan: {e}")))?;
    crate::fsutil::write_atomic(&path, &json)?;
    Ok(defs)
}

#[cfg(test)]
mod tests;
