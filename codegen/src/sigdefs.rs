//! The parameters of every syscall entry point, as the kernel source declares them.
//!
//! [`Definitions::scan`] reads a full kernel source tree once (all arches) and keeps, for every
//! symbol a syscall table can name, what defines it: `SYSCALL_DEFINEn(name, type, arg, ...)`
//! (`sys_name`), `COMPAT_SYSCALL_DEFINEn` (`compat_sys_name`), macros built on them
//! (powerpc's `PPC32_SYSCALL_DEFINEn`, `SYSCALL32_DEFINEn`), argument macros inside them
//! (`compat_arg_u64_dual(pos)`, `SC_ARG64(offset)`), plain C functions
//! (`asmlinkage long sys_mmap2(...)`, `parisc_pread64`, `sys32_*`, alpha's `osf_*`, ...),
//! `#define sys_x sys_y` aliases, `SYSCALL_ALIAS`, assembler entry points (`*_wrapper`, mips'
//! `save_static_function`) with the functions they jump to, and `COND_SYSCALL` markers. Each
//! record keeps the `#if` conditions around it and the kbuild condition of its file
//! (`obj-$(CONFIG_SPARC32) += entry.o`).
//!
//! [`Definitions::resolve`] (or [`Definitions::resolve_on`] for a 32- or 64-bit kernel) then
//! answers, for a symbol exactly as an arch's syscall table writes it, which definition it
//! means on that arch:
//! - a definition under `arch/<arch>/` wins over a generic one, another arch's never applies
//!   (and `arch/x86/um/` belongs to `um`, not `x86`);
//! - `#define` aliases and assembler wrappers are followed ([`Definitions::explain`] lists
//!   the steps);
//! - alternatives under `#if` (the four argument orders of `clone`, the byte orders of a split
//!   64-bit argument, 32- and 64-bit files) are chosen by the arch's Kconfig `select`s,
//!   `__ARCH_WANT_*` macros, byte order and the kernel width ([`config`]); where they stay
//!   undecided the default configuration breaks the tie and [`Definitions::rivals_on`] names
//!   the alternatives;
//! - `sys_ni_syscall`, arch stubs that only return `-ENOSYS` and names that only
//!   `COND_SYSCALL` provides never get a signature: [`Definitions::not_implemented`] is true
//!   for them, and [`Definitions::why_unresolved`] says why anything else has none.
//!
//! A resolved definition may take the saved registers instead of the arguments (m68k's and
//! sparc's `clone`, most `sigreturn`s): [`Definition::takes_pt_regs`] says so. Where the
//! arch's argument registers are known (arm, sparc, m68k), [`regs`] reads what such a
//! function does with them, and [`Definitions::regs_args`] gives the arguments they are
//! (the declared parameters of the function they are passed to, in register order), or
//! [`Definitions::same_as_generic`] the generic clone's when they fill `kernel_clone_args`
//! exactly as it does. arm's private calls outside the table (`cacheflush`, `set_tls`, ...)
//! are the `case` blocks of `arm_syscall()`: [`Definitions::private_call`].
//!
//! Everything is serialisable, so a caller can cache a scan as JSON.
//!
//! ```no_run
//! use codegen::sigdefs::Definitions;
//! let defs = Definitions::scan(std::path::Path::new("/tmp/linux-7.3"))?;
//! let openat = defs.resolve_on("x86", 64, "sys_openat").expect("openat is generic");
//! let types: Vec<&str> = openat.params.iter().map(|p| p.ty.as_str()).collect();
//! assert_eq!(types, ["int", "const char *", "int", "umode_t"]);
//! assert_eq!(openat.params[1].name, "filename");
//! assert!(defs.not_implemented("x86", "sys_ni_syscall"));
//! # Ok::<(), codegen::Error>(())
//! ```

mod asm;
mod c;
pub mod config;
mod kbuild;
mod lex;
pub mod regs;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use config::ArchConfig;

/// One parameter: its name and its C type as written, without kernel annotations (`__user`,
/// `__force`, ...) and with whitespace normalised: `const char *`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    pub ty: String,
}

/// How a [`Definition`] is written in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DefKind {
    /// `SYSCALL_DEFINEn(name, ...)` or a macro built on it: the symbol is `sys_name`.
    SyscallDefine,
    /// `COMPAT_SYSCALL_DEFINEn(name, ...)`: the symbol is `compat_sys_name`.
    CompatSyscallDefine,
    /// A plain C function definition, `asmlinkage long sys_mmap2(...) { ... }`.
    Function,
}

/// One definition of a kernel function a syscall table can name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definition {
    /// The kernel symbol: `sys_openat`, `compat_sys_openat`, `parisc_pread64`, ...
    pub symbol: String,
    /// Its parameters, in order (empty for none).
    pub params: Vec<Param>,
    /// The defining file, relative to the source root (`fs/open.c`).
    pub file: String,
    /// The line of the definition's first token (1-based).
    pub line: u32,
    /// How it is written.
    pub kind: DefKind,
    /// The `#if` conditions it sits under, outermost first (include guards left out), after
    /// the condition under which kbuild builds its file.
    pub conditions: Vec<String>,
    /// Its body does nothing but return `-ENOSYS` (sys_ni_syscall, sparc's
    /// `sys_nis_syscall`, parisc's `sys32_unimplemented`): a stub, not an implementation.
    #[serde(default)]
    pub returns_enosys: bool,
    /// For a function of an arch whose argument registers [`regs`] knows, that takes
    /// `struct pt_regs *`: what its body does with the argument registers.
    #[serde(default)]
    pub regs_use: Option<regs::RegsUse>,
    /// For a body that fills a `struct kernel_clone_args`: the fields each parameter (by
    /// name) or, for a `struct pt_regs *` function, each argument register (by number)
    /// reaches ([`regs::field_stores`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub field_stores: BTreeMap<String, Vec<String>>,
}

impl Definition {
    /// Whether the function takes the saved user registers (`struct pt_regs *`) instead of
    /// the syscall's arguments: its parameters then do not describe what the caller passes.
    pub fn takes_pt_regs(&self) -> bool {
        self.params
            .iter()
            .any(|p| matches!(p.ty.as_str(), "struct pt_regs *" | "struct switch_stack *"))
    }
}

/// `#define name target` (or `SYSCALL_ALIAS(name, target)`) between two identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    pub target: String,
    pub file: String,
    pub line: u32,
    pub conditions: Vec<String>,
}

/// An entry point written in assembler, and the identifiers its body refers to (in order),
/// among which the C function it passes the arguments on to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsmEntry {
    pub symbol: String,
    pub calls: Vec<String>,
    pub file: String,
    pub line: u32,
    /// The conditions under which it is built (its file's, from kbuild).
    pub conditions: Vec<String>,
}

/// `COND_SYSCALL(name)` and friends: says a syscall is optional, defines nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    pub symbol: String,
    pub what: String,
    pub file: String,
    pub line: u32,
}

/// What one file contributes.
#[derive(Debug, Default)]
struct FileItems {
    /// The file, relative to the source root (`None` for a file not parsed).
    file: Option<String>,
    defs: Vec<Definition>,
    aliases: Vec<Alias>,
    asm: Vec<AsmEntry>,
    markers: Vec<Marker>,
    macros: Vec<c::ArgMacro>,
    pending: Vec<c::PendingDef>,
    private: Vec<regs::PrivateCall>,
}

/// The kernel's "not implemented" entry: resolves to nothing, ever.
pub const NOT_IMPLEMENTED: &str = "sys_ni_syscall";

/// Top-level directories of the source tree that hold syscall definitions, aliases or
/// wrappers. `drivers/` is 1.1 GB of which only two folders define syscalls; a syscall added
/// elsewhere shows up as unresolved in the coverage test, which names its table entry.
const SCANNED_DIRS: &[&str] = &[
    "arch",
    "block",
    "drivers/char",
    "drivers/pci",
    "fs",
    "init",
    "io_uring",
    "ipc",
    "kernel",
    "lib",
    "mm",
    "net",
    "security",
    "virt",
];

/// Headers outside [`SCANNED_DIRS`] that define the macros `SYSCALL_DEFINEn` arguments use
/// (`compat_arg_u64_dual`, `SC_ARG64`).
const EXTRA_FILES: &[&str] = &[
    "include/asm-generic/compat.h",
    "include/linux/compat.h",
    "include/linux/syscalls.h",
];

/// The definitions a [`c::PendingDef`] stands for once its argument macros are expanded: one
/// per variant of the macros (`#ifdef CONFIG_CPU_BIG_ENDIAN` ... `#else`), each under the
/// variant's conditions. The macros that apply are the file's own, else its arch's headers',
/// else the generic headers'.
fn expand_pending(
    p: &c::PendingDef,
    macros: &BTreeMap<String, Vec<c::ArgMacro>>,
) -> Vec<Definition> {
    let arch = arch_of(&p.def.file);
    // The variants of each macro the arguments call, at the closest level that has one.
    let mut used: Vec<(&str, Vec<&c::ArgMacro>)> = Vec::new();
    for arg in &p.args {
        let Some((name, _)) = c::macro_call(arg) else {
            continue;
        };
        if used.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let Some(all) = macros.get(name) else {
            continue;
        };
        let level = |m: &c::ArgMacro| {
            if m.file == p.def.file {
                Some(0)
            } else if arch.is_some() && arch_of(&m.file) == arch {
                Some(1)
            } else if arch_of(&m.file).is_none() {
                Some(2)
            } else {
                None
            }
        };
        let Some(best) = all.iter().filter_map(level).min() else {
            continue;
        };
        used.push((
            name,
            all.iter().filter(|m| level(m) == Some(best)).collect(),
        ));
    }
    // Every combination of variants (usually one macro with two).
    let mut combos: Vec<Vec<&c::ArgMacro>> = vec![Vec::new()];
    for (_, variants) in &used {
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                variants.iter().map(move |v| {
                    let mut c = combo.clone();
                    c.push(*v);
                    c
                })
            })
            .collect();
    }
    combos
        .into_iter()
        .filter_map(|combo| {
            let params = c::expand_params(&p.args, p.count, |name| {
                combo.iter().copied().find(|m| m.name == name)
            })?;
            let mut def = p.def.clone();
            def.params = params;
            for m in &combo {
                def.conditions.extend(m.conditions.iter().cloned());
            }
            Some(def)
        })
        .collect()
}

/// The version of what [`Definitions::scan`] records and how [`Definitions::resolve`] reads
/// it. A cached scan of another version is stale: [`Definitions::from_json`] refuses it, and a
/// cache key should include it. Bumped whenever the scan or its serialised form changes.
pub const SCAN_FORMAT: u32 = 3;

/// Every definition, alias, wrapper and marker of a kernel source tree, by symbol.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definitions {
    /// [`SCAN_FORMAT`] of the build that scanned.
    #[serde(default)]
    format: u32,
    defs: BTreeMap<String, Vec<Definition>>,
    aliases: BTreeMap<String, Vec<Alias>>,
    asm: BTreeMap<String, Vec<AsmEntry>>,
    markers: BTreeMap<String, Vec<Marker>>,
    /// Per kernel arch: what its Kconfig selects and its headers `#define`.
    configs: BTreeMap<String, ArchConfig>,
    /// Generic Kconfig symbols that default to on, for tie-breaks ([`config::defaults_on`]).
    defaults_on: std::collections::BTreeSet<String>,
    /// The private calls of the arches' dispatchers ([`regs::DISPATCHERS`]), by name.
    #[serde(default)]
    private: BTreeMap<String, Vec<regs::PrivateCall>>,
    /// Functions (`static` ones included) that private calls and `struct pt_regs *`
    /// functions pass argument registers to, found in their arch's own sources.
    #[serde(default)]
    helpers: BTreeMap<String, Vec<Definition>>,
}

/// The kernel arch a source file belongs to (`arch/<arch>/...`), `None` for generic code.
/// `arch/x86/um/` is user-mode Linux's x86 support, part of `um`, not of `x86`.
pub fn arch_of(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("arch/")?;
    let (arch, tail) = rest.split_once('/')?;
    if tail.starts_with("um/") {
        return Some("um");
    }
    Some(arch)
}

/// Where a definition applies to `arch`: 0 for the arch's own, 1 for generic, `None` if it
/// belongs to another arch.
fn scope_rank(file: &str, arch: &str) -> Option<u8> {
    match arch_of(file) {
        Some(a) if a == arch => Some(0),
        Some(_) => None,
        None => Some(1),
    }
}

/// One step of a resolution, for explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `name` is `#define`d (or `SYSCALL_ALIAS`ed) to `target` at `file:line`.
    Alias {
        name: String,
        target: String,
        file: String,
        line: u32,
    },
    /// `name` is an assembler entry at `file:line` that passes its arguments on to `target`.
    Wrapper {
        name: String,
        target: String,
        file: String,
        line: u32,
    },
}

/// The outcome of resolving a table symbol: the definition and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution<'d> {
    pub definition: &'d Definition,
    pub via: Vec<Step>,
}

/// The symbol's name without the usual prefixes and suffixes, to match a wrapper with the C
/// function of the same syscall: `__sys_clone`, `sys_clone_wrapper` -> `clone`.
fn base_name(symbol: &str) -> &str {
    let mut s = symbol.trim_start_matches('_');
    for p in [
        "compat_sys_",
        "sys32_",
        "sys64_",
        "sys_",
        "sysm_",
        "sysn32_",
    ] {
        if let Some(r) = s.strip_prefix(p) {
            s = r;
            break;
        }
    }
    s.strip_suffix("_wrapper").unwrap_or(s)
}

impl Definitions {
    /// Scans a kernel source tree (all arches) once: the `*.c`, `*.h` and `*.S` files under
    /// the directories that hold syscall definitions, plus every arch's Kconfig files.
    pub fn scan(src: &Path) -> Result<Definitions> {
        if !src.join("arch").is_dir() || !src.join("kernel").is_dir() {
            return Err(
                Error::new("not a kernel source tree (no arch/ or kernel/ folder)")
                    .file(src)
                    .hint("pass the root of an extracted Linux source tree"),
            );
        }
        let mut files = Vec::new();
        for dir in SCANNED_DIRS {
            let path = src.join(dir);
            if path.is_dir() {
                collect_sources(&path, &mut files)?;
            }
        }
        for extra in EXTRA_FILES {
            let path = src.join(extra);
            if path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        let mut per_file = read_and_parse(src, &files)?;
        // What kbuild builds each file under becomes the first condition of what it defines.
        let objects = kbuild::scan(src, SCANNED_DIRS);
        for items in &mut per_file {
            let Some(file) = items.file.as_deref() else {
                continue;
            };
            let Some(cond) = kbuild::file_condition(&objects, file) else {
                continue;
            };
            let conds = items
                .defs
                .iter_mut()
                .map(|d| &mut d.conditions)
                .chain(items.aliases.iter_mut().map(|a| &mut a.conditions))
                .chain(items.asm.iter_mut().map(|e| &mut e.conditions))
                .chain(items.pending.iter_mut().map(|p| &mut p.def.conditions))
                .chain(items.macros.iter_mut().map(|m| &mut m.conditions));
            for c in conds {
                c.insert(0, cond.clone());
            }
        }
        let mut out = Definitions {
            format: SCAN_FORMAT,
            ..Definitions::default()
        };
        let mut macros: BTreeMap<String, Vec<c::ArgMacro>> = BTreeMap::new();
        let mut pending = Vec::new();
        for mut items in per_file {
            for m in items.macros.drain(..) {
                macros.entry(m.name.clone()).or_default().push(m);
            }
            pending.append(&mut items.pending);
            out.add(items);
        }
        for p in pending {
            for d in expand_pending(&p, &macros) {
                out.defs.entry(d.symbol.clone()).or_default().push(d);
            }
        }
        out.helpers = scan_helpers(src, &files, &out)?;
        out.configs = config::scan(src)?;
        let mut dirs = SCANNED_DIRS.to_vec();
        dirs.push("init");
        out.defaults_on = config::defaults_on(src, &dirs);
        Ok(out)
    }

    /// The scan as JSON, for a cache.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self)
            .map_err(|e| Error::new(format!("cannot serialise the syscall definitions: {e}")))
    }

    /// A scan cached by [`to_json`](Self::to_json); an error if it is not one, or if it was
    /// written by a build with another [`SCAN_FORMAT`] (scan the tree again).
    pub fn from_json(json: &str) -> Result<Definitions> {
        let defs: Definitions = serde_json::from_str(json).map_err(|e| {
            Error::new(format!("not a cached scan of syscall definitions: {e}"))
                .hint("delete the cached file; it is rebuilt from the kernel source")
        })?;
        if defs.format != SCAN_FORMAT {
            return Err(Error::new(format!(
                "cached scan of syscall definitions has format {}, this build reads {SCAN_FORMAT}",
                defs.format
            ))
            .hint("scan the kernel source again (delete the cached file)"));
        }
        Ok(defs)
    }

    fn add(&mut self, items: FileItems) {
        for d in items.defs {
            self.defs.entry(d.symbol.clone()).or_default().push(d);
        }
        for a in items.aliases {
            self.aliases.entry(a.name.clone()).or_default().push(a);
        }
        for e in items.asm {
            self.asm.entry(e.symbol.clone()).or_default().push(e);
        }
        for m in items.markers {
            self.markers.entry(m.symbol.clone()).or_default().push(m);
        }
        for p in items.private {
            self.private.entry(p.name.clone()).or_default().push(p);
        }
    }

    /// Every definition of `symbol` in the tree, on any arch, in file order.
    pub fn definitions_of(&self, symbol: &str) -> &[Definition] {
        self.defs.get(symbol).map_or(&[], Vec::as_slice)
    }

    /// How many definitions the scan found (all symbols, all arches).
    pub fn len(&self) -> usize {
        self.defs.values().map(Vec::len).sum()
    }

    /// Whether the scan found no definition at all.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// What the scan read of `arch`'s configuration, if the arch exists.
    pub fn config(&self, arch: &str) -> Option<&ArchConfig> {
        self.configs.get(arch)
    }

    /// The definition that a syscall-table entry `symbol`, exactly as written in an arch's
    /// syscall table, resolves to on kernel arch `arch` (`x86`, `arm`, `mips`, `arm64`, ...):
    /// following `#define` aliases and arch wrappers; a definition under `arch/<arch>/` wins
    /// over a generic one; another arch's definitions never apply. `None` if nothing is
    /// found, and always for [`NOT_IMPLEMENTED`].
    ///
    /// The kernel's width is left open: where 32- and 64-bit kernels of the arch define the
    /// symbol differently (sparc's `sys_mmap`, x86's `sys_ia32_*`), prefer
    /// [`resolve_on`](Self::resolve_on).
    pub fn resolve(&self, arch: &str, symbol: &str) -> Option<&Definition> {
        self.resolve_on(arch, 0, symbol)
    }

    /// [`resolve`](Self::resolve) for a kernel of `bits` (32 or 64; 0 for either): the
    /// definitions, wrappers and aliases a kernel of the other width builds (by the `#if`s
    /// around them and the kbuild Makefiles that build their file) do not apply. A 32-bit
    /// ABI's entry column is what a 32-bit kernel runs; its compat column, what a 64-bit
    /// kernel runs for it.
    pub fn resolve_on(&self, arch: &str, bits: u32, symbol: &str) -> Option<&Definition> {
        self.explain_on(arch, bits, symbol).map(|r| r.definition)
    }

    /// Like [`resolve`](Self::resolve), with the aliases and wrappers followed on the way.
    pub fn explain(&self, arch: &str, symbol: &str) -> Option<Resolution<'_>> {
        self.explain_on(arch, 0, symbol)
    }

    /// Like [`resolve_on`](Self::resolve_on), with the aliases and wrappers followed.
    pub fn explain_on(&self, arch: &str, bits: u32, symbol: &str) -> Option<Resolution<'_>> {
        let mut via = Vec::new();
        let def = self
            .resolve_table(arch, bits, symbol, &mut via, 0)
            .filter(|d| !d.returns_enosys)?;
        Some(Resolution {
            definition: def,
            via,
        })
    }

    /// The best of `candidates` for `arch` (own arch first, then generic; among several, the
    /// one whose `#if` conditions hold on `arch`), or `None`.
    fn pick<'a, T>(
        &self,
        arch: &str,
        bits: u32,
        candidates: Option<&'a Vec<T>>,
        file: impl Fn(&T) -> &str,
        conditions: impl Fn(&T) -> &[String],
    ) -> Option<&'a T> {
        let candidates = candidates?;
        let mut best: Option<((u8, u8, u8), &T)> = None;
        for c in candidates {
            let Some(score) = self.score(arch, bits, file(c), conditions(c)) else {
                continue;
            };
            if best.is_none_or(|(s, _)| score < s) {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c)
    }

    /// How well something defined in `file` under `conditions` fits `arch`: (own arch 0 or
    /// generic 1; conditions true 0 or undecided 1; undecided ones true in the default
    /// configuration 0, undecided 1, false 2), lower is better; `None` when it cannot apply.
    fn score(
        &self,
        arch: &str,
        bits: u32,
        file: &str,
        conditions: &[String],
    ) -> Option<(u8, u8, u8)> {
        let rank = scope_rank(file, arch)?;
        let config = self.configs.get(arch);
        match config::holds(config, bits, conditions) {
            Some(true) => Some((rank, 0, 0)),
            Some(false) => None,
            None => {
                let assumed =
                    config::holds_assuming(config, bits, conditions, &self.assumptions(conditions));
                Some((
                    rank,
                    1,
                    match assumed {
                        Some(true) => 0,
                        None => 1,
                        Some(false) => 2,
                    },
                ))
            }
        }
    }

    /// The default configuration, as far as `conditions` mention it: little-endian where the
    /// arch is bi-endian, and the generic options that default to on.
    fn assumptions(&self, conditions: &[String]) -> Vec<(String, bool)> {
        let mut out: Vec<(String, bool)> = vec![
            ("__LITTLE_ENDIAN".into(), true),
            ("__BIG_ENDIAN".into(), false),
            ("CONFIG_CPU_LITTLE_ENDIAN".into(), true),
            ("CONFIG_CPU_BIG_ENDIAN".into(), false),
        ];
        for c in conditions {
            for word in c.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_')) {
                if let Some(sym) = word.strip_prefix("CONFIG_") {
                    if self.defaults_on.contains(sym) && !out.iter().any(|(o, _)| o == word) {
                        out.push((word.to_string(), true));
                    }
                }
            }
        }
        out
    }

    /// Other definitions that [`resolve_on`](Self::resolve_on) could as well have chosen for
    /// `symbol`: same symbol reached, same scope (arch or generic), `#if`s just as undecided
    /// on this arch and in its default configuration, and different parameters. Empty when
    /// the answer is certain; otherwise the first (in file order) was taken, and a caller
    /// may want to say so.
    pub fn rivals_on(&self, arch: &str, bits: u32, symbol: &str) -> Vec<&Definition> {
        let Some(chosen) = self.resolve_on(arch, bits, symbol) else {
            return Vec::new();
        };
        let chosen_score = self.score(arch, bits, &chosen.file, &chosen.conditions);
        if chosen_score.is_none_or(|(_, truth, _)| truth == 0) {
            return Vec::new();
        }
        self.definitions_of(&chosen.symbol)
            .iter()
            .filter(|d| {
                !std::ptr::eq(*d, chosen)
                    && self.score(arch, bits, &d.file, &d.conditions) == chosen_score
                    && d.params != chosen.params
            })
            .collect()
    }

    fn pick_def(&self, arch: &str, bits: u32, symbol: &str) -> Option<&Definition> {
        self.pick(
            arch,
            bits,
            self.defs.get(symbol),
            |d| &d.file,
            |d| &d.conditions,
        )
    }

    fn pick_alias(&self, arch: &str, bits: u32, symbol: &str) -> Option<&Alias> {
        self.pick(
            arch,
            bits,
            self.aliases.get(symbol),
            |a| &a.file,
            |a| &a.conditions,
        )
    }

    fn pick_asm(&self, arch: &str, bits: u32, symbol: &str) -> Option<&AsmEntry> {
        self.pick(
            arch,
            bits,
            self.asm.get(symbol),
            |e| &e.file,
            |e| &e.conditions,
        )
    }

    /// Resolves a symbol as a syscall table names it: aliases apply (they are `#define`d in
    /// the table's source or the headers it includes).
    fn resolve_table(
        &self,
        arch: &str,
        bits: u32,
        symbol: &str,
        via: &mut Vec<Step>,
        depth: usize,
    ) -> Option<&Definition> {
        if symbol == NOT_IMPLEMENTED || depth > 8 {
            return None;
        }
        // The arch's own alias, definition or wrapper, then the generic ones.
        let alias = self.pick_alias(arch, bits, symbol);
        let def = self.pick_def(arch, bits, symbol);
        let wrapper = self.pick_asm(arch, bits, symbol);
        let own = |file: &str| arch_of(file) == Some(arch);
        if let Some(d) = def.filter(|d| own(&d.file)) {
            return Some(d);
        }
        if let Some(a) = alias.filter(|a| own(&a.file)) {
            return self.follow_alias(arch, bits, a, via, depth);
        }
        if let Some(e) = wrapper.filter(|e| own(&e.file)) {
            return self.follow_wrapper(arch, bits, e, via, depth);
        }
        if let Some(d) = def {
            return Some(d);
        }
        if let Some(a) = alias {
            return self.follow_alias(arch, bits, a, via, depth);
        }
        None
    }

    fn follow_alias(
        &self,
        arch: &str,
        bits: u32,
        a: &Alias,
        via: &mut Vec<Step>,
        depth: usize,
    ) -> Option<&Definition> {
        via.push(Step::Alias {
            name: a.name.clone(),
            target: a.target.clone(),
            file: a.file.clone(),
            line: a.line,
        });
        self.resolve_table(arch, bits, &a.target, via, depth + 1)
    }

    /// The C function an assembler entry passes its arguments on to: among the identifiers
    /// it refers to, one of the same syscall (`sys_clone_wrapper` -> `sys_clone`) first, then
    /// the first that has a definition. Aliases do not apply inside assembler code
    /// that is not the table itself.
    fn follow_wrapper(
        &self,
        arch: &str,
        bits: u32,
        e: &AsmEntry,
        via: &mut Vec<Step>,
        depth: usize,
    ) -> Option<&Definition> {
        if depth > 8 {
            return None;
        }
        let base = base_name(&e.symbol);
        let same = e.calls.iter().filter(|c| base_name(c) == base);
        let others = e.calls.iter().filter(|c| base_name(c) != base);
        for target in same.chain(others) {
            if target == NOT_IMPLEMENTED {
                return None;
            }
            let mut inner_via = Vec::new();
            let found = match self.pick_def(arch, bits, target) {
                Some(d) => Some(d),
                None => self
                    .pick_asm(arch, bits, target)
                    .filter(|inner| inner.symbol != e.symbol)
                    .and_then(|inner| {
                        self.follow_wrapper(arch, bits, inner, &mut inner_via, depth + 1)
                    }),
            };
            let Some(d) = found else { continue };
            via.push(Step::Wrapper {
                name: e.symbol.clone(),
                target: target.clone(),
                file: e.file.clone(),
                line: e.line,
            });
            via.extend(inner_via);
            return Some(d);
        }
        None
    }

    /// The user-visible arguments of `def`, a function that takes the saved registers
    /// (`struct pt_regs *`), as [`regs`] derives them from what its body does with the
    /// argument registers: `None` when its arch's registers are not known, `Err` with the
    /// reason when the rule does not understand it.
    pub fn regs_args(
        &self,
        arch: &str,
        bits: u32,
        def: &Definition,
    ) -> Option<std::result::Result<Vec<Param>, String>> {
        Some(self.derive(arch, bits, def.regs_use.as_ref()?))
    }

    /// For `def`, a `struct pt_regs *` function reached from the table entry `symbol` that
    /// stores its argument registers into `struct kernel_clone_args` fields (m68k's
    /// `clone`): the generic definition of the same syscall, as this arch's configuration
    /// chooses it (`CONFIG_CLONE_BACKWARDS*`), when each of its parameters reaches exactly
    /// the fields the argument register of the same position does; `None` when `def`
    /// stores nothing; `Err` naming the first difference.
    pub fn same_as_generic(
        &self,
        arch: &str,
        bits: u32,
        symbol: &str,
        def: &Definition,
    ) -> Option<std::result::Result<&Definition, String>> {
        if def.field_stores.is_empty() {
            return None;
        }
        let name = format!("sys_{}", base_name(symbol));
        // The generic alternative this arch's configuration chooses, had it asked for the
        // generic syscall (`__ARCH_WANT_SYS_CLONE` is what an arch with its own clone leaves
        // out; `CONFIG_CLONE_BACKWARDS*` still decide the order).
        let chosen: Vec<&Definition> = self
            .definitions_of(&name)
            .iter()
            .filter(|g| arch_of(&g.file).is_none() && !g.field_stores.is_empty())
            .filter(|g| {
                let wants: Vec<(String, bool)> = g
                    .conditions
                    .iter()
                    .flat_map(|c| c.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_')))
                    .filter(|w| w.starts_with("__ARCH_WANT_"))
                    .map(|w| (w.to_string(), true))
                    .collect();
                config::holds_assuming(self.configs.get(arch), bits, &g.conditions, &wants)
                    == Some(true)
            })
            .collect();
        let [generic] = chosen.as_slice() else {
            return Some(Err(format!(
                "it stores argument registers into struct kernel_clone_args fields, and {} generic {name} filling them apply on {arch}",
                chosen.len()
            )));
        };
        let at = format!("{} ({}:{})", generic.symbol, generic.file, generic.line);
        let regs_count = def
            .field_stores
            .keys()
            .filter_map(|k| k.parse::<usize>().ok())
            .max()
            .map_or(0, |m| m + 1);
        if regs_count != generic.params.len() {
            return Some(Err(format!(
                "it stores {regs_count} argument registers into struct kernel_clone_args fields, the generic {at} takes {} parameters",
                generic.params.len()
            )));
        }
        let none = Vec::new();
        for (k, p) in generic.params.iter().enumerate() {
            let ours = def.field_stores.get(&k.to_string()).unwrap_or(&none);
            let theirs = generic.field_stores.get(&p.name).unwrap_or(&none);
            if ours != theirs || ours.is_empty() {
                return Some(Err(format!(
                    "argument register {k} reaches kernel_clone_args fields {{{}}}, but parameter {k} `{}` of the generic {at} (as {arch}'s configuration chooses it) reaches {{{}}}",
                    ours.join(", "),
                    p.name,
                    theirs.join(", ")
                )));
            }
        }
        Some(Ok(generic))
    }

    /// An arch-private call outside the syscall table (arm's `__ARM_NR_cacheflush`), as the
    /// arch's dispatcher handles it: its arguments and `file:line` of its `case`, or why they
    /// are not known.
    pub fn private_call(
        &self,
        arch: &str,
        bits: u32,
        name: &str,
    ) -> std::result::Result<(Vec<Param>, String), String> {
        let Some(call) = self
            .private
            .get(name)
            .and_then(|all| all.iter().find(|p| arch_of(&p.file) == Some(arch)))
        else {
            return Err(format!(
                "arch-private call outside the syscall table, and no `case` for it in a dispatcher of {arch} ({})",
                regs::DISPATCHERS
                    .iter()
                    .filter(|(a, _)| *a == arch)
                    .map(|(_, f)| format!("{f}()"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        };
        let at = format!("{}:{}", call.file, call.line);
        self.derive(arch, bits, &call.regs_use)
            .map(|params| (params, at.clone()))
            .map_err(|why| {
                format!(
                    "arch-private call handled by {}() ({at}): {why}",
                    call.dispatcher
                )
            })
    }

    fn derive(
        &self,
        arch: &str,
        bits: u32,
        u: &regs::RegsUse,
    ) -> std::result::Result<Vec<Param>, String> {
        let (callee, regs) = match u {
            regs::RegsUse::Nothing => return Ok(Vec::new()),
            regs::RegsUse::Unclear(why) => return Err(why.clone()),
            regs::RegsUse::Passed { callee, regs, .. } => (callee, regs),
        };
        let def = self.pick_def(arch, bits, callee).or_else(|| {
            self.pick(
                arch,
                bits,
                self.helpers.get(callee),
                |d| &d.file,
                |d| &d.conditions,
            )
        });
        let Some(def) = def else {
            return Err(format!(
                "its argument registers go to {callee}(), whose definition is not found for {arch}"
            ));
        };
        regs.iter()
            .map(|&(r, pos)| {
                def.params.get(usize::from(pos)).cloned().ok_or_else(|| {
                    format!(
                        "argument register {r} goes to parameter {pos} of {callee}() ({}:{}), which has {}",
                        def.file,
                        def.line,
                        def.params.len()
                    )
                })
            })
            .collect()
    }

    /// Whether calling `symbol` on `arch` is known to give ENOSYS whatever the
    /// configuration: it is [`NOT_IMPLEMENTED`], it leads to an arch stub that only returns
    /// `-ENOSYS`, or nothing defines it for the arch and `COND_SYSCALL` (kernel/sys_ni.c)
    /// makes it a weak alias of `sys_ni_syscall` (as `sys_uselib` since its removal, or
    /// `sys_map_shadow_stack` on arches without shadow stacks).
    pub fn not_implemented(&self, arch: &str, symbol: &str) -> bool {
        self.not_implemented_on(arch, 0, symbol)
    }

    /// [`not_implemented`](Self::not_implemented) for a kernel of `bits` (32, 64 or 0).
    pub fn not_implemented_on(&self, arch: &str, bits: u32, symbol: &str) -> bool {
        symbol == NOT_IMPLEMENTED
            || self.stub(arch, bits, symbol).is_some()
            || (self.resolve_on(arch, bits, symbol).is_none()
                && self.only_cond_syscall(arch, symbol))
    }

    /// Whether nothing on `arch` (under any condition) defines, aliases or wraps `symbol`,
    /// and `COND_SYSCALL` in generic code makes it a weak alias of `sys_ni_syscall`. A
    /// definition that exists but is not built for this kernel (mbind without NUMA) does not
    /// count: that is a configuration, not a missing implementation.
    fn only_cond_syscall(&self, arch: &str, symbol: &str) -> bool {
        let in_scope = |file: &str| scope_rank(file, arch).is_some();
        let defined = self
            .definitions_of(symbol)
            .iter()
            .any(|d| in_scope(&d.file))
            || self
                .aliases
                .get(symbol)
                .is_some_and(|a| a.iter().any(|a| in_scope(&a.file)))
            || self
                .asm
                .get(symbol)
                .is_some_and(|e| e.iter().any(|e| in_scope(&e.file)));
        !defined
            && self.markers.get(symbol).is_some_and(|m| {
                m.iter()
                    .any(|m| m.what.starts_with("COND_SYSCALL") && arch_of(&m.file).is_none())
            })
    }

    /// The `-ENOSYS` stub `symbol` leads to on `arch`, if it does.
    fn stub(&self, arch: &str, bits: u32, symbol: &str) -> Option<&Definition> {
        self.resolve_table(arch, bits, symbol, &mut Vec::new(), 0)
            .filter(|d| d.returns_enosys)
    }

    /// Why `symbol` is not resolvable on `arch` (for the committed "unresolved" list), if
    /// known; `None` when it resolves.
    pub fn why_unresolved(&self, arch: &str, symbol: &str) -> Option<String> {
        self.why_unresolved_on(arch, 0, symbol)
    }

    /// [`why_unresolved`](Self::why_unresolved) for a kernel of `bits` (32, 64 or 0).
    pub fn why_unresolved_on(&self, arch: &str, bits: u32, symbol: &str) -> Option<String> {
        if symbol == NOT_IMPLEMENTED {
            return Some("sys_ni_syscall: not implemented (the kernel returns ENOSYS)".into());
        }
        if self.resolve_on(arch, bits, symbol).is_some() {
            return None;
        }
        if let Some(d) = self.stub(arch, bits, symbol) {
            return Some(format!(
                "not implemented: {} ({}:{}) only returns -ENOSYS",
                d.symbol, d.file, d.line
            ));
        }
        if bits != 0 {
            if let Some(d) = self.resolve_on(arch, 0, symbol) {
                return Some(format!(
                    "not built into a {bits}-bit {arch} kernel: {} ({}:{}) is under {}",
                    d.symbol,
                    d.file,
                    d.line,
                    d.conditions.join(" && ")
                ));
            }
        }
        if let Some(e) = self.pick_asm(arch, bits, symbol) {
            return Some(if e.calls.is_empty() {
                format!(
                    "written in assembler ({}:{}) and calls no C function: no declared parameters",
                    e.file, e.line
                )
            } else {
                format!(
                    "written in assembler ({}:{}); none of the functions it refers to ({}) has a definition on {arch}",
                    e.file,
                    e.line,
                    e.calls.join(", ")
                )
            });
        }
        if let Some(a) = self.pick_alias(arch, bits, symbol) {
            return Some(format!(
                "#define {} {} ({}:{}), and {} does not resolve",
                a.name, a.target, a.file, a.line, a.target
            ));
        }
        if let Some(m) = self
            .markers
            .get(symbol)
            .and_then(|m| m.first())
            .filter(|_| self.not_implemented_on(arch, bits, symbol))
        {
            return Some(format!(
                "not implemented on {arch}: no definition applies, and {}({}) at {}:{} makes it an alias of sys_ni_syscall (ENOSYS)",
                m.what,
                m.symbol.strip_prefix("compat_sys_").or_else(|| m.symbol.strip_prefix("sys_")).unwrap_or(&m.symbol),
                m.file,
                m.line
            ));
        }
        let all = self.definitions_of(symbol);
        if !all.is_empty() {
            let here: Vec<&Definition> = all
                .iter()
                .filter(|d| scope_rank(&d.file, arch).is_some())
                .collect();
            if here.is_empty() {
                let places: Vec<String> = all
                    .iter()
                    .map(|d| format!("{}:{}", d.file, d.line))
                    .collect();
                return Some(format!(
                    "defined only for other arches ({})",
                    places.join(", ")
                ));
            }
            let places: Vec<String> = here
                .iter()
                .map(|d| format!("{}:{} under {}", d.file, d.line, d.conditions.join(" && ")))
                .collect();
            return Some(format!(
                "every definition is under #if conditions that do not hold on {arch}: {}",
                places.join("; ")
            ));
        }
        Some(format!(
            "no definition of {symbol} found in the scanned sources"
        ))
    }
}

/// The callees (by arch) that register-reading functions and private calls pass their
/// arguments to and that have no recorded definition, defined in their arch's own sources
/// (`static inline` helpers such as arm's `set_tls` and `do_cache_op`).
fn scan_helpers(
    src: &Path,
    files: &[PathBuf],
    found: &Definitions,
) -> Result<BTreeMap<String, Vec<Definition>>> {
    let mut wanted: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    let uses = found
        .defs
        .values()
        .flatten()
        .filter_map(|d| Some((arch_of(&d.file)?, d.regs_use.as_ref()?)))
        .chain(
            found
                .private
                .values()
                .flatten()
                .filter_map(|p| Some((arch_of(&p.file)?, &p.regs_use))),
        );
    for (arch, u) in uses {
        if let regs::RegsUse::Passed { callee, .. } = u {
            if !found.defs.contains_key(callee) {
                wanted
                    .entry(arch.to_string())
                    .or_default()
                    .insert(callee.clone());
            }
        }
    }
    let mut out: BTreeMap<String, Vec<Definition>> = BTreeMap::new();
    for path in files {
        let rel = path
            .strip_prefix(src)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let Some(names) = arch_of(&rel).and_then(|a| wanted.get(a)) else {
            continue;
        };
        if rel.ends_with(".S") {
            continue;
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io("read source file", path, e))?;
        let text = String::from_utf8_lossy(&bytes);
        if !names.iter().any(|n| text.contains(n.as_str())) {
            continue;
        }
        for d in c::parse_with(&text, &rel, Some(names)).defs {
            if d.kind == DefKind::Function && names.contains(&d.symbol) {
                out.entry(d.symbol.clone()).or_default().push(d);
            }
        }
    }
    Ok(out)
}

/// Adds the `*.c`, `*.h` and `*.S` files under `dir` to `out`.
fn collect_sources(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("list folder", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list folder", dir, e))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| Error::io("read file type", &path, e))?;
        if kind.is_dir() {
            collect_sources(&path, out)?;
        } else if kind.is_file()
            && path
                .extension()
                .is_some_and(|e| e == "c" || e == "h" || e == "S")
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether `text` of a file (relative path `rel`) can hold anything the scan records: a
/// cheap substring test before the real parse.
fn worth_parsing(rel: &str, text: &str) -> bool {
    if text.contains("SYSCALL") || text.contains("asmlinkage") || EXTRA_FILES.contains(&rel) {
        return true;
    }
    // Headers may define argument macros (`compat_arg_u64_dual`), which paste names.
    if rel.ends_with(".h") && text.contains("##") {
        return true;
    }
    // Arch code names its entry points freely (`alpha_clone`, `sparc_exit`, wrappers).
    rel.starts_with("arch/")
        && (text.contains("sys_") || text.contains("_wrapper") || text.contains("syscall"))
}

/// Reads and parses `files` on a few threads; the result is in the order of `files`.
fn read_and_parse(src: &Path, files: &[PathBuf]) -> Result<Vec<FileItems>> {
    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .clamp(1, 4);
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || -> Result<Vec<FileItems>> {
                    let mut out = Vec::with_capacity(part.len());
                    for path in part {
                        out.push(parse_file(src, path)?);
                    }
                    Ok(out)
                })
            })
            .collect();
        let mut all = Vec::with_capacity(files.len());
        for h in handles {
            let part = h
                .join()
                .map_err(|_| Error::new("a scanning thread panicked"))??;
            all.extend(part);
        }
        Ok(all)
    })
}

fn parse_file(src: &Path, path: &Path) -> Result<FileItems> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read source file", path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let rel = path
        .strip_prefix(src)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    if !worth_parsing(&rel, &text) {
        return Ok(FileItems::default());
    }
    let mut items = if rel.ends_with(".S") {
        asm::parse(&text, &rel)
    } else {
        c::parse(&text, &rel)
    };
    items.file = Some(rel.clone());
    // Plain functions count only where entry points live: arch code, or an `asmlinkage`
    // or `sys_` name elsewhere.
    items.defs.retain(|d| {
        d.kind != DefKind::Function || rel.starts_with("arch/") || d.symbol.contains("sys_")
    });
    Ok(items)
}

#[cfg(test)]
mod tests;
