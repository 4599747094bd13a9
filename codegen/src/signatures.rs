//! Signatures per ABI: each syscall's entry point ([`entries`](crate::entries)), the
//! parameters its definition declares ([`sigdefs`](crate::sigdefs)) and the argument
//! registers they occupy on the ABI ([`registers`](crate::registers)); the committed list of
//! implemented syscalls without a signature, checked for staleness; the cache of the source
//! scan.

use crate::abi::AbiSpec;
use crate::committed::CommittedTable;
use crate::entries::{read_entries, reconcile, EntryPoint};
use crate::error::{Error, Result};
use crate::fsutil::Progress;
use crate::lock::{Layout, Lock};
use crate::registers::layout;
use crate::sigdefs::Definitions;
use crate::sources::Cache;
use crate::tables::AbiTables;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The committed list of implemented syscalls without a signature, relative to the workspace.
pub const UNRESOLVED_PATH: &str = "codegen/signatures-unresolved.txt";

/// Set to rewrite [`UNRESOLVED_PATH`] from what the generator finds (then review the diff).
pub const ACCEPT_UNRESOLVED_ENV: &str = "SYSCALLS_SYS_ACCEPT_UNRESOLVED";

/// Bump when the scan's output format or meaning changes: cached scans are then redone.
const SCAN_CACHE_VERSION: u32 = 3;

/// The scanner's own source: a cached scan is valid only for the scanner that made it, so its
/// text is part of the cache key (a parser fix invalidates every cached scan by itself).
const SCANNER_SOURCE: &[&str] = &[
    include_str!("sigdefs.rs"),
    include_str!("sigdefs/asm.rs"),
    include_str!("sigdefs/c.rs"),
    include_str!("sigdefs/config.rs"),
    include_str!("sigdefs/kbuild.rs"),
    include_str!("sigdefs/lex.rs"),
    include_str!("sigdefs/regs.rs"),
];

/// The cache key of a scan of the tree stamped `stamp`.
fn scan_key(stamp: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    hash.update(format!("v{SCAN_CACHE_VERSION}\n{stamp}\n"));
    for source in SCANNER_SOURCE {
        hash.update(source.as_bytes());
    }
    let digest = hash.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

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
    let (arch, bits) = (spec.kernel_arch, kernel_bits(spec));
    build_with(spec, entries, |symbol| lookup(defs, arch, bits, symbol))
}

/// What the definitions say of one entry symbol on one arch and kernel width: the part of a
/// scan the signatures need, small enough to cache on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolved {
    /// A definition: its symbol, `(name, type)` parameters and `file:line`.
    Definition {
        /// The defined symbol (after aliases and wrappers).
        symbol: String,
        /// `(name, type)`.
        params: Vec<(String, String)>,
        /// `file:line`.
        at: String,
        /// It takes the saved registers instead of arguments.
        pt_regs: bool,
        /// For `pt_regs`: the arguments derived from what it does with the argument
        /// registers ([`Definitions::regs_args`]), or why they are not known.
        #[serde(default)]
        derived: Option<std::result::Result<Vec<(String, String)>, String>>,
    },
    /// Only `COND_SYSCALL` names it: the kernel links it to `sys_ni_syscall` (ENOSYS).
    Stub,
    /// Nothing resolves it, with the scanner's reason.
    Unresolved(String),
}

/// Resolves `symbol` for `arch` and kernel width `bits`.
pub fn lookup(defs: &Definitions, arch: &str, bits: u32, symbol: &str) -> Resolved {
    if let Some(name) = symbol.strip_prefix(PRIVATE_PREFIX) {
        return match defs.private_call(arch, bits, name) {
            Ok((params, at)) => Resolved::Definition {
                symbol: String::new(),
                params: params.into_iter().map(|p| (p.name, p.ty)).collect(),
                at,
                pt_regs: false,
                derived: None,
            },
            Err(why) => Resolved::Unresolved(why),
        };
    }
    if defs.not_implemented_on(arch, bits, symbol) {
        return Resolved::Stub;
    }
    // A generic definition the ABI's own kernel width does not build (NUMA calls on 32-bit
    // kernels) is still what a 64-bit kernel runs for the ABI: its declaration stands.
    let definition = defs.resolve_on(arch, bits, symbol).or_else(|| {
        defs.resolve_on(arch, 0, symbol)
            .filter(|d| crate::sigdefs::arch_of(&d.file).is_none())
    });
    match definition {
        Some(d) => Resolved::Definition {
            symbol: d.symbol.clone(),
            params: d
                .params
                .iter()
                .map(|p| (p.name.clone(), p.ty.clone()))
                .collect(),
            at: format!("{}:{}", d.file, d.line),
            pt_regs: d.takes_pt_regs(),
            derived: defs.regs_args(arch, bits, d).map(|r| {
                let pairs = |params: &[crate::sigdefs::Param]| -> Vec<(String, String)> {
                    params
                        .iter()
                        .map(|p| (p.name.clone(), p.ty.clone()))
                        .collect()
                };
                match (r, defs.same_as_generic(arch, bits, symbol, d)) {
                    (Ok(params), _) => Ok(pairs(&params)),
                    // Registers stored into kernel_clone_args in the generic clone's order:
                    // the generic declaration describes them.
                    (Err(_), Some(Ok(generic))) => Ok(pairs(&generic.params)),
                    (Err(why), Some(Err(generic))) => Err(format!("{why}; {generic}")),
                    (Err(why), None) => Err(why),
                }
            }),
        },
        None => Resolved::Unresolved(
            defs.why_unresolved_on(arch, bits, symbol)
                .unwrap_or_else(|| "no definition found".to_string()),
        ),
    }
}

/// What [`build_with`] asks `resolve` for an arch-private call outside the table (arm's
/// `cacheflush`): this prefix and the call's name.
pub const PRIVATE_PREFIX: &str = "private:";

/// The symbol [`build_with`] resolves for an entry: its table entry, or
/// [`PRIVATE_PREFIX`] and its name for a private call.
fn resolve_symbol(e: &EntryPoint) -> Option<String> {
    match &e.entry {
        Some(s) => Some(s.clone()),
        None if e.private => Some(format!("{PRIVATE_PREFIX}{}", e.name)),
        None => None,
    }
}

/// [`build`] with the definitions behind `resolve` (a scan, or its cached resolutions).
pub fn build_with(
    spec: &AbiSpec,
    entries: &[EntryPoint],
    resolve: impl Fn(&str) -> Resolved,
) -> AbiSignatures {
    let syscalls = entries
        .iter()
        .map(|e| {
            let resolved = resolve_symbol(e).as_deref().map(&resolve);
            // A table entry nothing defines but `COND_SYSCALL` (kernel/sys_ni.c) links to
            // sys_ni_syscall: ENOSYS, like an empty row.
            let stub = resolved == Some(Resolved::Stub);
            let implemented = (e.implemented() && !stub) || e.private;
            let (signature, unresolved) = match resolved {
                None if e.private => (None, Some(e.origin.clone())),
                None | Some(Resolved::Stub) => (None, None),
                Some(Resolved::Unresolved(why)) => (None, Some(why)),
                // The sigreturn family restores the signal frame from the user stack and
                // reads no argument register: where an arch's C function takes the saved
                // registers, the call still takes no arguments (as the arches that declare
                // it say: `SYSCALL_DEFINE0(rt_sigreturn)`, arch/x86/kernel/signal_64.c).
                Some(Resolved::Definition {
                    pt_regs: true, at, ..
                }) if is_sigreturn(&e.name) => (
                    Some(Signature {
                        args: Vec::new(),
                        registers: 0,
                        defined_at: at,
                    }),
                    None,
                ),
                // Arguments derived from what it does with the argument registers.
                Some(Resolved::Definition {
                    pt_regs: true,
                    derived: Some(Ok(params)),
                    at,
                    ..
                }) => (Some(signature_of(spec, params, at)), None),
                Some(Resolved::Definition {
                    pt_regs: true,
                    symbol,
                    at,
                    derived,
                    ..
                }) => (
                    None,
                    Some(match derived {
                        Some(Err(why)) => format!(
                            "{symbol} ({at}) takes the saved registers (struct pt_regs *): {why}"
                        ),
                        _ => format!(
                            "{symbol} ({at}) takes the saved registers (struct pt_regs *), not declared arguments"
                        ),
                    }),
                ),
                Some(Resolved::Definition { params, at, .. }) => {
                    (Some(signature_of(spec, params, at)), None)
                }
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

/// Lays `params` out in the ABI's argument registers.
fn signature_of(spec: &AbiSpec, params: Vec<(String, String)>, at: String) -> Signature {
    let (slots, registers) = layout(
        &spec.arg_registers,
        params.iter().map(|(_, ty)| ty.as_str()),
    );
    let args = params
        .into_iter()
        .zip(slots)
        .map(|((name, ty), s)| Arg {
            name,
            ty,
            first: s.first,
            count: s.count,
        })
        .collect();
    Signature {
        args,
        registers,
        defined_at: at,
    }
}

/// The key of one resolution in the resolution cache.
fn resolution_key(arch: &str, bits: u32, symbol: &str) -> String {
    format!("{arch}/{bits}/{symbol}")
}

/// `sigreturn`, `rt_sigreturn` (and arch spellings such as `osf_sigreturn`).
fn is_sigreturn(name: &str) -> bool {
    name == "sigreturn" || name.ends_with("_sigreturn")
}

/// The width of the kernel that runs the ABI's entry column: 64 for the 64-bit ABIs, for
/// x32 and mips n32 (64-bit registers) and for ABIs whose entries are a 64-bit kernel's
/// compat column (s390); 32 for the other 32-bit ABIs.
pub fn kernel_bits(spec: &AbiSpec) -> u32 {
    match spec.syscall_table.entry {
        crate::abi::EntryColumn::Compat => 64,
        crate::abi::EntryColumn::Native => u32::from(spec.arg_registers.bits),
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
            problems.push(format!("new gap: {} {} {} ({})", k.0, k.1, k.2, l.reason));
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

/// The scan of a source tree, cached under `<cache>/signatures/` as JSON, keyed by the
/// source's artifact sha256 and the scanner's own source text: a warm run reads the JSON
/// instead of the 1 GB tree.
pub fn cached_scan(tree: &Path, stamp: &str, cache_dir: &Path) -> Result<Definitions> {
    let path = cache_dir.join(format!("scan-{}.json", scan_key(stamp)));
    // A cached scan the scanner refuses (another format, a damaged file) is redone.
    if let Some(defs) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|json| Definitions::from_json(&json).ok())
    {
        return Ok(defs);
    }
    let defs = Definitions::scan(tree)?;
    std::fs::create_dir_all(cache_dir)
        .map_err(|e| Error::io("create the cache folder", cache_dir, e))?;
    crate::fsutil::write_atomic(&path, defs.to_json()?.as_bytes())?;
    Ok(defs)
}

/// A full kernel source tree to read signatures from.
#[derive(Debug, Clone)]
pub struct KernelTree {
    /// Its root.
    pub path: PathBuf,
    /// `major.minor`.
    pub linux: String,
    /// What identifies its content (the artifact's sha256): the scan cache's key.
    pub stamp: String,
    /// For the `@generated` line: `linux-source-7.3 7.3.4-1 from Debian`.
    pub origin: String,
}

/// What the signature step needs besides the evaluated tables.
#[derive(Debug, Clone)]
pub struct SignatureInputs {
    /// The kernel source trees; each ABI takes the one of its table's Linux version.
    pub trees: Vec<KernelTree>,
    /// Where scans are cached.
    pub cache_dir: PathBuf,
    /// The committed unresolved list.
    pub unresolved_path: PathBuf,
    /// Rewrite the list instead of failing when it is stale.
    pub accept_unresolved: bool,
}

/// `major.minor` of a version string: `6.12.117` -> `6.12`.
fn short(version: &str) -> String {
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// The extracted source trees of the lock's kernel-source packages (Debian's), once
/// `sources::pinned` has prepared them.
pub fn pinned_trees(lock: &Lock, cache: &Cache) -> Vec<KernelTree> {
    lock.sources
        .iter()
        .filter(|s| s.layout().ok() == Some(Layout::DebianKernelSource))
        .filter_map(|s| {
            crate::sources::kernel_tree_of(s, cache).map(|path| KernelTree {
                path,
                linux: short(&s.linux),
                stamp: s.artifact.sha256.clone(),
                origin: s.artifact.describe(),
            })
        })
        .collect()
}

/// The signature step's inputs for the pinned sources, once `sources::pinned` has prepared
/// them. Fails, naming the source, when an ABI's source has no extracted tree of its Linux
/// version: generating without it would drop the committed signatures.
pub fn pinned_inputs(
    lock: &Lock,
    cache: &Cache,
    workspace: &Path,
    accept_unresolved: bool,
) -> Result<SignatureInputs> {
    let trees = pinned_trees(lock, cache);
    let missing: Vec<&crate::lock::HeaderSource> = lock
        .sources
        .iter()
        .filter(|s| !trees.iter().any(|t| t.linux == short(&s.linux)))
        .collect();
    if let Some(first) = missing.first() {
        let list: Vec<String> = missing
            .iter()
            .map(|s| format!("{} (Linux {}, {})", s.abis.join(", "), s.linux, s.id))
            .collect();
        return Err(Error::new(format!(
            "no extracted kernel source tree to read the signatures of {} from",
            list.join("; ")
        ))
        .file(cache.tree(&first.id).join("src"))
        .hint(format!(
            "the signatures need each table's full kernel source: pin a kernel source package of that version, or, if this tree was extracted by an older generator, delete {} and run `cargo xtask gen` again",
            cache.tree(&first.id).display()
        )));
    }
    Ok(SignatureInputs {
        trees,
        cache_dir: cache.root.join("signatures"),
        unresolved_path: workspace.join(UNRESOLVED_PATH),
        accept_unresolved,
    })
}

/// What the signature step produced.
#[derive(Debug)]
pub struct Generated {
    /// Every ABI, in table order.
    pub abis: Vec<AbiSignatures>,
    /// The trees' origins, for the `@generated` line.
    pub origin: String,
    /// One line per ABI: coverage.
    pub summary: Vec<String>,
}

/// Reads every ABI's entry points from the tree of its Linux version, checks them against
/// `tables` (the tables being written), joins them with the definitions (scans cached) and
/// checks the unresolved list. Fails, naming the ABI, when a tree is missing, a table
/// disagrees or the list is stale.
pub fn generate(
    specs: &[AbiSpec],
    tables: &[AbiTables],
    inputs: &SignatureInputs,
    progress: Progress,
) -> Result<Generated> {
    // Every ABI's entry points first, checked against its table; then the definitions.
    let mut jobs = Vec::new();
    for table in tables {
        let spec = specs
            .iter()
            .find(|s| s.name == table.abi)
            .ok_or_else(|| Error::new("not in the ABI table").abi(&table.abi))?;
        let linux = table.linux.short();
        let tree = inputs
            .trees
            .iter()
            .find(|t| t.linux == linux)
            .ok_or_else(|| {
                Error::new(format!(
                    "no pinned kernel source of Linux {linux} to read its signatures from"
                ))
                .abi(spec.name)
                .hint("pin a kernel source package of that version in headers/headers.lock")
            })?;
        let committed = CommittedTable {
            abi: table.abi.clone(),
            linux: linux.clone(),
            syscalls: table.syscalls.clone(),
            errnos: Vec::new(),
        };
        let entries = read_entries(spec, &tree.path).map_err(|e| e.abi(spec.name))?;
        let entries = reconcile(spec, entries, &committed)?;
        jobs.push((spec, tree, linux, entries));
    }
    // Per tree, the resolutions of every (arch, width, symbol) its ABIs need: from the small
    // cache when it has them all, else from the (cached) scan.
    let mut resolutions: BTreeMap<String, BTreeMap<String, Resolved>> = BTreeMap::new();
    let mut origins: Vec<String> = Vec::new();
    for tree in &inputs.trees {
        let needed: Vec<(&str, u32, String)> = jobs
            .iter()
            .filter(|(_, t, _, _)| t.stamp == tree.stamp)
            .flat_map(|(spec, _, _, entries)| {
                let (arch, bits) = (spec.kernel_arch, kernel_bits(spec));
                entries
                    .iter()
                    .filter_map(move |e| resolve_symbol(e).map(|s| (arch, bits, s)))
            })
            .collect();
        if needed.is_empty() {
            continue;
        }
        origins.push(format!("the Linux {} source ({})", tree.linux, tree.origin));
        // Keyed by the scan and this file (whose `lookup` made the resolutions).
        let cache_path = inputs.cache_dir.join(format!(
            "resolved-{}.json",
            scan_key(&format!(
                "{}\n{}",
                tree.stamp,
                include_str!("signatures.rs")
            ))
        ));
        let cached: BTreeMap<String, Resolved> = std::fs::read(&cache_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let complete = needed
            .iter()
            .all(|(a, b, s)| cached.contains_key(&resolution_key(a, *b, s)));
        let map = if complete {
            cached
        } else {
            progress.step(format!(
                "  scanning the syscall definitions of {} (cached after the first run)",
                tree.path.display()
            ));
            let defs = cached_scan(&tree.path, &tree.stamp, &inputs.cache_dir)?;
            let map: BTreeMap<String, Resolved> = needed
                .iter()
                .map(|(a, b, s)| (resolution_key(a, *b, s), lookup(&defs, a, *b, s)))
                .collect();
            let json = serde_json::to_vec(&map)
                .map_err(|e| Error::new(format!("serialise the resolutions: {e}")))?;
            crate::fsutil::write_atomic(&cache_path, &json)?;
            map
        };
        resolutions.insert(tree.stamp.clone(), map);
    }
    let mut abis = Vec::new();
    let mut summary = Vec::new();
    for (spec, tree, linux, entries) in &jobs {
        let map = &resolutions[&tree.stamp];
        let (arch, bits) = (spec.kernel_arch, kernel_bits(spec));
        let sigs = build_with(spec, entries, |symbol| {
            map.get(&resolution_key(arch, bits, symbol))
                .cloned()
                .unwrap_or_else(|| Resolved::Unresolved("not resolved".into()))
        });
        let (signed, implemented) = sigs.coverage();
        summary.push(format!(
            "  {:<12} Linux {:<5} {signed:>4}/{implemented:<4} implemented syscalls with a signature ({:.1}%)",
            spec.name,
            linux,
            100.0 * signed as f64 / implemented.max(1) as f64
        ));
        abis.push(sigs);
    }
    check_unresolved(&abis, inputs)?;
    Ok(Generated {
        abis,
        origin: origins.join(", "),
        summary,
    })
}

/// Fails when the committed unresolved list differs from `abis`' gaps, or rewrites it when
/// asked to.
fn check_unresolved(abis: &[AbiSignatures], inputs: &SignatureInputs) -> Result<()> {
    let path = &inputs.unresolved_path;
    let found = unresolved_lines(abis);
    if inputs.accept_unresolved {
        let old = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| parse_unresolved(&t).ok())
            .unwrap_or_default();
        // Keep the reviewer's reasons where the gap is the same.
        let kept: Vec<UnresolvedLine> = found
            .into_iter()
            .map(|l| {
                old.iter()
                    .find(|o| o.abi == l.abi && o.syscall == l.syscall && o.entry == l.entry)
                    .cloned()
                    .unwrap_or(l)
            })
            .collect();
        return crate::fsutil::write_atomic(path, render_unresolved(&kept).as_bytes());
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::io("read the unresolved list", path, e).hint(format!(
            "run `{ACCEPT_UNRESOLVED_ENV}=1 cargo xtask gen` to write it, then review it"
        ))
    })?;
    let committed = parse_unresolved(&text).map_err(|e| e.file(path))?;
    let problems = stale_unresolved(&committed, &found);
    if problems.is_empty() {
        return Ok(());
    }
    let shown = problems.len().min(20);
    Err(Error::new(format!(
        "the unresolved list is stale ({} differences):\n    {}{}",
        problems.len(),
        problems[..shown].join("\n    "),
        if problems.len() > shown { "\n    …" } else { "" }
    ))
    .file(path)
    .hint(format!(
        "resolve the new gaps in codegen/src/sigdefs, or run `{ACCEPT_UNRESOLVED_ENV}=1 cargo xtask gen` and review the list's diff"
    )))
}

#[cfg(test)]
mod tests;
