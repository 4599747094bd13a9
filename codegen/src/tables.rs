//! The model: an ABI's [`AbiTables`] (syscalls, errno values, Linux version), built from what
//! clang evaluated and validated against the ABI table before anything is rendered.

use crate::abi::{AbiSpec, COMMON_HELPERS, SYSCALL_PREFIXES};
use crate::error::{Error, Result};
use crate::evaluate::Evaluation;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// Headers every ABI's translation unit includes.
pub const PROBE_HEADERS: &[&str] = &[
    "linux/version.h",
    "asm/unistd.h",
    "asm/errno.h",
    "linux/audit.h",
];

/// The prefix of the audit arch macros of `linux/audit.h` (`AUDIT_ARCH` alone, 11, is an audit
/// message type, not an arch).
pub const AUDIT_ARCH_PREFIX: &str = "AUDIT_ARCH_";

/// Headers the UAPI constants come from (evaluated once, for the first ABI generated).
pub const UAPI_HEADERS: &[&str] = &["linux/memfd.h", "linux/fcntl.h"];

/// The UAPI constants the workspace needs (`(prefix or name, Rust type, header)`): the memfd
/// demo's `memfd_create` flags and file seals. Names ending in `_` are prefixes.
pub const UAPI_CONSTANTS: &[(&str, &str, &str)] = &[
    ("MFD_", "u32", "linux/memfd.h"),
    ("F_ADD_SEALS", "i32", "linux/fcntl.h"),
    ("F_GET_SEALS", "i32", "linux/fcntl.h"),
    ("F_SEAL_", "i32", "linux/fcntl.h"),
];

/// A Linux version, as `LINUX_VERSION_CODE` encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinuxVersion {
    /// `7` of 7.2.0.
    pub major: u32,
    /// `2` of 7.2.0.
    pub minor: u32,
    /// `0` of 7.2.0 (capped at 255 by the encoding).
    pub patch: u32,
}

impl LinuxVersion {
    /// Decodes `LINUX_VERSION_CODE`.
    pub fn from_code(code: i64) -> LinuxVersion {
        let code = code as u64;
        LinuxVersion {
            major: (code >> 16) as u32,
            minor: ((code >> 8) & 0xff) as u32,
            patch: (code & 0xff) as u32,
        }
    }

    /// `7.2`: what `Abi::linux_version()` reports.
    pub fn short(&self) -> String {
        format!("{}.{}", self.major, self.minor)
    }

    /// Whether a pinned version string (`7.2`, `6.12.117`) names this version.
    pub fn matches(&self, pinned: &str) -> bool {
        let parts: Vec<&str> = pinned.split('.').collect();
        let num = |i: usize| parts.get(i).and_then(|p| p.parse::<u32>().ok());
        match parts.len() {
            2 => num(0) == Some(self.major) && num(1) == Some(self.minor),
            3 => {
                num(0) == Some(self.major)
                    && num(1) == Some(self.minor)
                    // LINUX_VERSION_CODE caps the patch level at 255: 5.10.262 reads 5.10.255.
                    && num(2).map(|p| p.min(255)) == Some(self.patch.min(255))
            }
            _ => false,
        }
    }
}

impl fmt::Display for LinuxVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

/// One syscall of an ABI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syscall {
    /// Name without prefix: `memfd_create`.
    pub name: String,
    /// The number exactly as the kernel uses it (bases and the x32 bit included).
    pub number: u64,
}

/// One errno value of an ABI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errno {
    /// `EBADF`.
    pub name: String,
    /// `9`.
    pub code: i32,
    /// The kernel's comment: `Bad file descriptor`.
    pub description: String,
    /// A kernel-internal code (`ERESTARTSYS`) of the kernel source's `include/linux/errno.h`:
    /// never returned to user space, but seen by tracers at syscall exit.
    pub kernel_internal: bool,
}

/// The header of the full kernel source (not installed by `make headers`) that defines the
/// kernel-internal error codes.
pub const KERNEL_ERRNO_HEADER: &str = "include/linux/errno.h";

/// What the description of a kernel-internal code starts with.
pub const KERNEL_INTERNAL: &str = "Kernel-internal, never returned to user space";

/// Everything generated for one ABI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbiTables {
    /// Canonical ABI name.
    pub abi: String,
    /// From `linux/version.h`.
    pub linux: LinuxVersion,
    /// Where the headers came from.
    pub origin: String,
    /// Sorted by number; for one number, the kernel's own name before its aliases.
    pub syscalls: Vec<Syscall>,
    /// Sorted by code; for one code, the literal definition before aliases, then definition order.
    pub errnos: Vec<Errno>,
    /// The ABI's audit arches (`AUDIT_ARCH_X86_64`), sorted by value.
    pub audit_arches: Vec<AuditArchValue>,
}

/// An `AUDIT_ARCH_*` of `linux/audit.h`, evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditArchValue {
    /// `AUDIT_ARCH_X86_64`.
    pub name: String,
    /// `0xc000003e`.
    pub value: u32,
    /// The `native_when` of the ABI table.
    pub native_when: Option<&'static str>,
}

/// A UAPI constant for the workspace (`MFD_CLOEXEC`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UapiConstant {
    /// `MFD_CLOEXEC`.
    pub name: String,
    /// Its value.
    pub value: i64,
    /// Its Rust type: `u32`, `i32`.
    pub ty: &'static str,
    /// The header that defines it: `linux/memfd.h`.
    pub header: &'static str,
}

/// Builds and validates an ABI's tables from its evaluation.
///
/// `kernel_errno` is the full kernel source's [`KERNEL_ERRNO_HEADER`] when the unit included
/// it: its codes become the ABI's kernel-internal errno entries.
pub fn build(
    spec: &AbiSpec,
    eval: &Evaluation,
    origin: &str,
    expected_linux: Option<&str>,
    kernel_errno: Option<&Path>,
) -> Result<AbiTables> {
    let linux = linux_version(eval)?;
    if let Some(pinned) = expected_linux {
        if !linux.matches(pinned) {
            return Err(Error::new(format!("linux/version.h says Linux {linux}, but the source is pinned as {pinned}"))
                .hint("the header tree does not match its lock entry: re-pin with `cargo xtask headers --update`"));
        }
    }
    let unistd = selected_unistd(spec, eval)?;
    let syscalls = syscalls(spec, eval).map_err(|e| e.file(&unistd))?;
    let errnos = errnos(eval, kernel_errno)?;
    let audit_arches = audit_arches(spec, eval).map_err(|e| e.file("linux/audit.h"))?;
    Ok(AbiTables {
        abi: spec.name.to_string(),
        linux,
        origin: origin.to_string(),
        syscalls,
        errnos,
        audit_arches,
    })
}

/// The ABI's audit arches, as clang evaluated them; every one the ABI table lists must exist,
/// be an ELF machine number with audit flags, and all of one ABI must agree on the 64-bit flag.
fn audit_arches(spec: &AbiSpec, eval: &Evaluation) -> Result<Vec<AuditArchValue>> {
    let mut list = Vec::with_capacity(spec.audit_arches.len());
    for arch in spec.audit_arches {
        let value = eval.values.get(arch.name).ok_or_else(|| {
            Error::new(format!("linux/audit.h defines no {}", arch.name)).hint(
                "the header tree lacks it, or the kernel renamed it: check the ABI's `audit_arches` in codegen/src/abi.rs",
            )
        })?;
        let value = u32::try_from(*value)
            .map_err(|_| Error::new(format!("{} = {value:#x} is not a 32-bit value", arch.name)))?;
        list.push(AuditArchValue {
            name: arch.name.to_string(),
            value,
            native_when: arch.native_when,
        });
    }
    // The flag bits, from the same header: the rest of a value is its ELF machine (`EM_*`).
    let flag = |name: &str| -> Result<u32> {
        eval.values
            .get(name)
            .and_then(|v| u32::try_from(*v).ok())
            .ok_or_else(|| Error::new(format!("linux/audit.h defines no {name}")))
    };
    let wide = flag("__AUDIT_ARCH_64BIT")?;
    let flags = wide | flag("__AUDIT_ARCH_LE")? | flag("__AUDIT_ARCH_CONVENTION_MASK")?;
    for a in &list {
        let machine = a.value & !flags;
        if machine == 0 || machine > 0xffff {
            return Err(Error::new(format!(
                "{} = {:#x} is not an ELF machine number with audit flags",
                a.name, a.value
            )));
        }
    }
    let widths: BTreeSet<bool> = list.iter().map(|a| a.value & wide != 0).collect();
    if widths.len() > 1 {
        let names: Vec<String> = list
            .iter()
            .map(|a| format!("{} = {:#x}", a.name, a.value))
            .collect();
        return Err(Error::new(format!(
            "the audit arches of {} mix 32-bit and 64-bit ones: {}",
            spec.name,
            names.join(", ")
        ))
        .hint("one ABI has one register width: check its `audit_arches` in codegen/src/abi.rs"));
    }
    list.sort_by(|a, b| (a.value, &a.name).cmp(&(b.value, &b.name)));
    Ok(list)
}

fn linux_version(eval: &Evaluation) -> Result<LinuxVersion> {
    match eval.values.get("LINUX_VERSION_CODE") {
        Some(&code) if code > 0 => Ok(LinuxVersion::from_code(code)),
        _ => {
            Err(Error::new("linux/version.h defines no LINUX_VERSION_CODE").file("linux/version.h"))
        }
    }
}

/// Which names pass 2 must evaluate.
pub fn wanted(name: &str) -> bool {
    name == "LINUX_VERSION_CODE"
        || SYSCALL_PREFIXES.iter().any(|p| name.starts_with(p))
        || is_errno_name(name)
        || name.starts_with(AUDIT_ARCH_PREFIX)
        || name.starts_with("__AUDIT_ARCH_")
        || uapi_type(name).is_some()
}

/// `EBADF`, `E2BIG`, `ERESTART_RESTARTBLOCK`: `E`, an uppercase letter or digit, then uppercase letters, digits
/// and inner `_`.
fn is_errno_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 1
        && b[0] == b'E'
        && b[1].is_ascii_alphanumeric()
        && !name.ends_with('_')
        && b.iter()
            .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

/// `(Rust type, header)` of a wanted UAPI constant.
fn uapi_type(name: &str) -> Option<(&'static str, &'static str)> {
    UAPI_CONSTANTS.iter().find_map(|&(pattern, ty, header)| {
        let hit = if pattern.ends_with('_') {
            name.starts_with(pattern)
        } else {
            name == pattern
        };
        hit.then_some((ty, header))
    })
}

/// The `unistd_*.h` that `asm/unistd.h` included; it must be the ABI's.
fn selected_unistd(spec: &AbiSpec, eval: &Evaluation) -> Result<PathBuf> {
    let variants: Vec<&PathBuf> = eval
        .included
        .iter()
        .filter(|p| {
            is_in_asm(p) && file_name(p).starts_with("unistd") && file_name(p) != "unistd.h"
        })
        .collect();
    let names: Vec<&str> = variants.iter().map(|p| file_name(p)).collect();
    if names != [spec.unistd_header] {
        let what = if names.is_empty() {
            "no unistd_*.h".to_string()
        } else {
            names.join(" and ")
        };
        return Err(Error::new(format!(
            "asm/unistd.h included {what}, expected asm/{}: the selecting arguments {:?} did not take effect",
            spec.unistd_header, spec.clang_args
        ))
        .file(eval.included.iter().find(|p| is_in_asm(p) && file_name(p) == "unistd.h").map_or(Path::new("asm/unistd.h"), |p| p))
        .hint("check the ABI's row in codegen/src/abi.rs against how this kernel's asm/unistd.h selects the file"));
    }
    Ok(variants[0].clone())
}

/// Whether two paths name the same file (clang may spell an included path differently).
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(a), Ok(b)) if a == b
        )
}

fn is_in_asm(path: &Path) -> bool {
    path.parent()
        .and_then(|p| p.file_name())
        .is_some_and(|d| d == "asm")
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// The validated syscalls of an evaluation (names, ranges, helpers, `#undef`s, aliases, no
/// shared number), whichever file defined them; [`build`] checks which file that was.
pub fn syscalls(spec: &AbiSpec, eval: &Evaluation) -> Result<Vec<Syscall>> {
    let mut by_name: BTreeMap<String, (u64, &str)> = BTreeMap::new();
    for macro_name in &eval.macros {
        let Some((prefix, name)) = SYSCALL_PREFIXES
            .iter()
            .find_map(|p| macro_name.strip_prefix(p).map(|n| (*p, n)))
        else {
            continue;
        };
        if spec.helpers.contains(&macro_name.as_str())
            || COMMON_HELPERS.contains(&macro_name.as_str())
        {
            continue;
        }
        // Defined once, then #undef'd: not a syscall of this ABI.
        let Some(&value) = eval.values.get(macro_name) else {
            continue;
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(Error::new(format!("{macro_name} = {value} is not a syscall name"))
                .hint("if it is a helper macro (a base, a mask, a count), list it in the ABI's `helpers` in codegen/src/abi.rs"));
        }
        let number = u64::try_from(value)
            .map_err(|_| Error::new(format!("{macro_name} = {value} is negative")))?;
        if !spec.in_range(number) {
            return Err(Error::new(format!(
                "{macro_name} = {number:#x} is outside the ABI's ranges {}",
                spec.ranges_text()
            ))
            .hint("either the wrong ABI was selected, or the kernel added a range: update the ABI's `ranges` in codegen/src/abi.rs"));
        }
        if let Some((_, other)) = by_name.insert(name.to_string(), (number, prefix)) {
            return Err(Error::new(format!(
                "syscall {name} is defined as both {other}{name} and {prefix}{name}"
            )));
        }
    }
    for undefined in spec.undefined {
        if by_name.contains_key(*undefined) {
            return Err(Error::new(format!(
                "{undefined} is still in the table, but this ABI's asm/unistd.h #undefs it"
            ))
            .hint("the evaluation did not honour #undef: the value must be read at the end of the translation unit"));
        }
    }
    for (alias, target) in spec.aliases {
        match (by_name.get(*alias), by_name.get(*target)) {
            (Some(a), Some(t)) if a.0 == t.0 => {}
            (a, t) => {
                return Err(Error::new(format!(
                    "alias {alias} -> {target} is not present as expected ({alias}: {:?}, {target}: {:?})",
                    a.map(|a| a.0),
                    t.map(|t| t.0)
                ))
                .hint("forward aliases must be evaluated at the end of the translation unit; if the kernel dropped the alias, update the ABI's `aliases`"));
            }
        }
    }
    let mut by_number: BTreeMap<u64, Vec<&str>> = BTreeMap::new();
    for (name, (number, _)) in &by_name {
        by_number.entry(*number).or_default().push(name);
    }
    for (number, names) in &by_number {
        let canonical: Vec<&&str> = names
            .iter()
            .filter(|n| !spec.aliases.iter().any(|(a, _)| a == *n))
            .collect();
        if canonical.len() != 1 {
            return Err(Error::new(format!(
                "duplicate syscall number {number:#x} ({number}): {}",
                names.join(", ")
            ))
            .hint("two syscalls cannot share a number; if one is an alias of the other, list it in the ABI's `aliases`"));
        }
    }
    let is_alias = |n: &str| spec.aliases.iter().any(|(a, _)| *a == n);
    let mut list: Vec<Syscall> = by_name
        .into_iter()
        .map(|(name, (number, _))| Syscall { name, number })
        .collect();
    list.sort_by(|a, b| {
        (a.number, is_alias(&a.name), &a.name).cmp(&(b.number, is_alias(&b.name), &b.name))
    });
    if list.is_empty() {
        return Err(Error::new("no syscall numbers found")
            .hint("the selected unistd file defines no __NR_* macros"));
    }
    Ok(list)
}

/// A `#define NAME VALUE /* comment */` line of a header.
#[derive(Debug, PartialEq, Eq)]
struct Define<'a> {
    name: &'a str,
    value: &'a str,
    comment: &'a str,
}

fn parse_define(line: &str) -> Option<Define<'_>> {
    let rest = line
        .trim_start()
        .strip_prefix('#')?
        .trim_start()
        .strip_prefix("define")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let name_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, rest) = rest.split_at(name_end);
    if name.is_empty() || rest.starts_with('(') {
        return None;
    }
    let (value, comment) = match rest.find("/*") {
        Some(i) => {
            let c = &rest[i + 2..];
            (&rest[..i], c.find("*/").map_or(c, |j| &c[..j]))
        }
        None => (rest, ""),
    };
    Some(Define {
        name,
        value: value.trim(),
        comment: comment.trim(),
    })
}

fn errnos(eval: &Evaluation, kernel_errno: Option<&Path>) -> Result<Vec<Errno>> {
    // Text of the errno headers, first file first (the arch's own before asm-generic): only for
    // the descriptions and to tell aliases (`#define EWOULDBLOCK EAGAIN`) from literals.
    let mut lines: BTreeMap<String, (String, bool)> = BTreeMap::new();
    let mut internal: BTreeSet<String> = BTreeSet::new();
    for path in eval
        .included
        .iter()
        .filter(|p| matches!(file_name(p), "errno.h" | "errno-base.h"))
    {
        let is_internal = kernel_errno.is_some_and(|k| same_file(k, path));
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        for define in text.lines().filter_map(parse_define) {
            if is_errno_name(define.name) {
                let alias = is_errno_name(define.value);
                let comment = if is_internal {
                    internal.insert(define.name.to_string());
                    if define.comment.is_empty() {
                        KERNEL_INTERNAL.to_string()
                    } else {
                        format!("{KERNEL_INTERNAL}: {}", define.comment)
                    }
                } else {
                    define.comment.to_string()
                };
                lines
                    .entry(define.name.to_string())
                    .or_insert((comment, alias));
            }
        }
    }
    if let Some(header) = kernel_errno {
        if internal.is_empty() {
            return Err(Error::new("the kernel source defines no kernel-internal error code")
                .file(header)
                .hint("the unit must include the full kernel source's include/linux/errno.h (ERESTARTSYS…)"));
        }
    }
    let order: BTreeMap<&str, usize> = eval
        .macros
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut list = Vec::new();
    for (name, (description, alias)) in &lines {
        let Some(&value) = eval.values.get(name) else {
            continue;
        };
        let code = i32::try_from(value)
            .ok()
            .filter(|c| (1..4096).contains(c))
            .ok_or_else(|| {
                Error::new(format!("errno {name} = {value} is outside 1..4096")).file("asm/errno.h")
            })?;
        list.push((
            code,
            *alias,
            order.get(name.as_str()).copied().unwrap_or(usize::MAX),
            name,
            description,
        ));
    }
    list.sort();
    if list.is_empty() {
        return Err(Error::new("no errno values found").file("asm/errno.h"));
    }
    // An alias without a comment of its own takes the canonical entry's description.
    let mut out: Vec<Errno> = Vec::with_capacity(list.len());
    for (code, _, _, name, description) in list {
        let description = if description.is_empty() {
            out.iter()
                .find(|e| e.code == code)
                .map(|e| e.description.clone())
                .unwrap_or_default()
        } else {
            description.clone()
        };
        out.push(Errno {
            name: name.clone(),
            code,
            description,
            kernel_internal: internal.contains(name.as_str()),
        });
    }
    // A kernel-internal code must not be a code user space knows on this ABI.
    for e in out.iter().filter(|e| e.kernel_internal) {
        if let Some(user) = out.iter().find(|u| u.code == e.code && !u.kernel_internal) {
            return Err(Error::new(format!(
                "kernel-internal {} = {} is also {} of the UAPI headers",
                e.name, e.code, user.name
            ))
            .file(kernel_errno.unwrap_or(Path::new(KERNEL_ERRNO_HEADER))));
        }
    }
    Ok(out)
}

/// The UAPI constants of an evaluation, sorted by name.
pub fn uapi_constants(eval: &Evaluation) -> Result<Vec<UapiConstant>> {
    let list: Vec<UapiConstant> = eval
        .values
        .iter()
        .filter_map(|(name, &value)| {
            uapi_type(name).map(|(ty, header)| UapiConstant {
                name: name.clone(),
                value,
                ty,
                header,
            })
        })
        .collect();
    for &(pattern, _, _) in UAPI_CONSTANTS {
        if !list.iter().any(|c| c.name.starts_with(pattern)) {
            return Err(Error::new(format!(
                "no {pattern} constant in {UAPI_HEADERS:?}"
            )));
        }
    }
    for c in &list {
        let fits = match c.ty {
            "u32" => u32::try_from(c.value).is_ok(),
            _ => i32::try_from(c.value).is_ok(),
        };
        if !fits {
            return Err(Error::new(format!(
                "{} = {} does not fit in {}",
                c.name, c.value, c.ty
            )));
        }
    }
    Ok(list)
}

/// What changed between two versions of one ABI's syscall table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableDiff {
    /// Names only in the new table.
    pub added: Vec<String>,
    /// Names only in the old table.
    pub removed: Vec<String>,
    /// `(name, old, new)` for names whose number changed.
    pub renumbered: Vec<(String, u64, u64)>,
}

impl TableDiff {
    /// Compares two syscall lists by name.
    pub fn between(old: &[Syscall], new: &[Syscall]) -> TableDiff {
        let old: BTreeMap<&str, u64> = old.iter().map(|s| (s.name.as_str(), s.number)).collect();
        let new: BTreeMap<&str, u64> = new.iter().map(|s| (s.name.as_str(), s.number)).collect();
        let names: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
        let mut diff = TableDiff::default();
        for name in names {
            match (old.get(name), new.get(name)) {
                (None, Some(_)) => diff.added.push(name.to_string()),
                (Some(_), None) => diff.removed.push(name.to_string()),
                (Some(&o), Some(&n)) if o != n => diff.renumbered.push((name.to_string(), o, n)),
                _ => {}
            }
        }
        diff
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.renumbered.is_empty()
    }
}

impl fmt::Display for TableDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |v: &[String]| {
            let mut s = v.iter().take(6).cloned().collect::<Vec<_>>().join(", ");
            if v.len() > 6 {
                s.push_str(&format!(", … {} more", v.len() - 6));
            }
            s
        };
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(format!("+{} ({})", self.added.len(), list(&self.added)));
        }
        if !self.removed.is_empty() {
            parts.push(format!("-{} ({})", self.removed.len(), list(&self.removed)));
        }
        if !self.renumbered.is_empty() {
            let r: Vec<String> = self
                .renumbered
                .iter()
                .map(|(n, o, w)| format!("{n} {o}->{w}"))
                .collect();
            parts.push(format!("renumbered {} ({})", r.len(), list(&r)));
        }
        if parts.is_empty() {
            f.write_str("no syscall changes")
        } else {
            f.write_str(&parts.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::find;

    fn eval(unistd: &str, defs: &[(&str, i64)]) -> Evaluation {
        let mut e = Evaluation {
            included: vec![
                PathBuf::from("/t/asm/unistd.h"),
                PathBuf::from(format!("/t/asm/{unistd}")),
            ],
            ..Default::default()
        };
        e.macros.push("LINUX_VERSION_CODE".into());
        e.values
            .insert("LINUX_VERSION_CODE".into(), (7 << 16) | (2 << 8));
        for (name, value) in defs {
            e.macros.push(name.to_string());
            if *value >= 0 {
                e.values.insert(name.to_string(), *value);
            }
        }
        e
    }

    #[test]
    fn syscalls_sorted_with_aliases_after_their_target() {
        let spec = find("alpha").unwrap();
        let e = eval(
            "unistd_32.h",
            &[
                ("__NR_getpid", 20),
                ("__NR_getxpid", 20),
                ("__NR_umount", 22),
                ("__NR_umount2", 22),
                ("__NR_getuid", 24),
                ("__NR_getxuid", 24),
                ("__NR_getgid", 47),
                ("__NR_getxgid", 47),
                ("__NR_osf_shmat", 209),
                ("__NR_shmat", 209),
                ("__NR_exit", 1),
            ],
        );
        let list = syscalls(spec, &e).unwrap();
        let names: Vec<&str> = list.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "exit",
                "getxpid",
                "getpid",
                "umount2",
                "umount",
                "getxuid",
                "getuid",
                "getxgid",
                "getgid",
                "shmat",
                "osf_shmat"
            ]
        );
    }

    #[test]
    fn duplicate_number_is_an_error() {
        let spec = find("x86_64").unwrap();
        let e = syscalls(
            spec,
            &eval("unistd_64.h", &[("__NR_read", 0), ("__NR_write", 0)]),
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("duplicate syscall number 0x0 (0): read, write"),
            "{e}"
        );
    }

    #[test]
    fn number_out_of_range_is_an_error() {
        let spec = find("mips_n32").unwrap();
        let e = syscalls(spec, &eval("unistd_n32.h", &[("__NR_read", 5000)])).unwrap_err();
        assert!(
            e.message
                .contains("outside the ABI's ranges 0x1770..0x1b58"),
            "{e}"
        );
    }

    #[test]
    fn helper_macros_are_dropped_and_unknown_ones_refused() {
        let spec = find("arm").unwrap();
        let ok = syscalls(
            spec,
            &eval(
                "unistd-eabi.h",
                &[
                    ("__NR_SYSCALL_BASE", 0),
                    ("__ARM_NR_BASE", 0xf0000),
                    ("__ARM_NR_set_tls", 0xf0005),
                    ("__NR_restart_syscall", 0),
                    ("__NR_sync_file_range2", 341),
                    ("__NR_arm_sync_file_range", 341),
                ],
            ),
        )
        .unwrap();
        assert_eq!(
            ok.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            [
                "restart_syscall",
                "arm_sync_file_range",
                "sync_file_range2",
                "set_tls"
            ]
        );
        let e = syscalls(spec, &eval("unistd-eabi.h", &[("__NR_NEW_HELPER", 3)])).unwrap_err();
        assert!(
            e.message
                .contains("__NR_NEW_HELPER = 3 is not a syscall name"),
            "{e}"
        );
    }

    #[test]
    fn undef_must_be_honoured_and_aliases_present() {
        let spec = find("csky").unwrap();
        let e = syscalls(spec, &eval("unistd_32.h", &[("__NR_sync_file_range", 84)])).unwrap_err();
        assert!(e.message.contains("#undefs it"), "{e}");
        // Defined, then #undef'd: the value is absent, and the name is not a syscall.
        let ok = syscalls(
            spec,
            &eval(
                "unistd_32.h",
                &[("__NR_sync_file_range", -1), ("__NR_sync_file_range2", 84)],
            ),
        )
        .unwrap();
        assert_eq!(
            ok,
            [Syscall {
                name: "sync_file_range2".into(),
                number: 84
            }]
        );

        let alpha = find("alpha").unwrap();
        let e = syscalls(alpha, &eval("unistd_32.h", &[("__NR_getxpid", 20)])).unwrap_err();
        assert!(e.message.contains("alias getgid -> getxgid"), "{e}");
    }

    #[test]
    fn wrong_selected_file_is_an_error() {
        let spec = find("x32").unwrap();
        let e = selected_unistd(spec, &eval("unistd_64.h", &[])).unwrap_err();
        assert!(
            e.message
                .contains("included unistd_64.h, expected asm/unistd_x32.h"),
            "{e}"
        );
        let e = selected_unistd(spec, &Evaluation::default()).unwrap_err();
        assert!(e.message.contains("included no unistd_*.h"), "{e}");
    }

    #[test]
    fn define_lines() {
        assert_eq!(
            parse_define("#define\tEWOULDBLOCK\tEAGAIN\t/* Operation would block */"),
            Some(Define {
                name: "EWOULDBLOCK",
                value: "EAGAIN",
                comment: "Operation would block"
            })
        );
        assert_eq!(
            parse_define("# define EPERM 1"),
            Some(Define {
                name: "EPERM",
                value: "1",
                comment: ""
            })
        );
        assert_eq!(parse_define("#define F(x) x"), None);
        assert_eq!(parse_define("#defineX 1"), None);
        assert_eq!(parse_define("#undef EAGAIN /* 11 */"), None);
    }

    #[test]
    fn kernel_internal_codes_are_marked_and_must_not_clash() {
        let dir = tempfile::tempdir().unwrap();
        let uapi = dir.path().join("asm-errno").join("errno.h");
        let kernel = dir.path().join("include").join("errno.h");
        for (path, text) in [
            (
                &uapi,
                "#define EPERM 1 /* Operation not permitted */\n#define EINTR 4\n",
            ),
            (
                &kernel,
                "#define ERESTARTSYS 512\n#define ENOTSUPP 524 /* Operation is not supported */\n",
            ),
        ] {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut e = Evaluation {
            included: vec![uapi.clone(), kernel.clone()],
            ..Default::default()
        };
        for (name, value) in [
            ("EPERM", 1),
            ("EINTR", 4),
            ("ERESTARTSYS", 512),
            ("ENOTSUPP", 524),
        ] {
            e.macros.push(name.into());
            e.values.insert(name.into(), value);
        }
        let list = errnos(&e, Some(&kernel)).unwrap();
        let internal: Vec<(&str, bool, &str)> = list
            .iter()
            .map(|e| (e.name.as_str(), e.kernel_internal, e.description.as_str()))
            .collect();
        assert_eq!(
            internal,
            [
                ("EPERM", false, "Operation not permitted"),
                ("EINTR", false, ""),
                ("ERESTARTSYS", true, KERNEL_INTERNAL),
                (
                    "ENOTSUPP",
                    true,
                    "Kernel-internal, never returned to user space: Operation is not supported"
                ),
            ]
        );
        // Without the kernel header nothing is internal; with one that defines nothing, an error.
        assert!(errnos(&e, None).unwrap().iter().all(|e| !e.kernel_internal));
        std::fs::write(&kernel, "\n").unwrap();
        let err = errnos(&e, Some(&kernel)).unwrap_err();
        assert!(
            err.message.contains("no kernel-internal error code"),
            "{err}"
        );
        // A kernel-internal code that user space also has is refused.
        std::fs::write(&kernel, "#define ERESTARTSYS 4\n").unwrap();
        e.values.insert("ERESTARTSYS".into(), 4);
        let err = errnos(&e, Some(&kernel)).unwrap_err();
        assert!(
            err.message
                .contains("kernel-internal ERESTARTSYS = 4 is also EINTR"),
            "{err}"
        );
    }

    #[test]
    fn errno_names() {
        for name in ["EPERM", "E2BIG", "ERESTART_RESTARTBLOCK", "EPROBE_DEFER"] {
            assert!(is_errno_name(name), "{name}");
        }
        for name in [
            "E",
            "E_X",
            "EX_",
            "Eperm",
            "_EPERM",
            "EBADF(x)",
            "AUDIT_ARCH_ARM",
        ] {
            assert!(!is_errno_name(name), "{name}");
        }
    }

    #[test]
    fn linux_versions() {
        let v = LinuxVersion::from_code(459264);
        assert_eq!((v.major, v.minor, v.patch), (7, 2, 0));
        assert_eq!(v.to_string(), "7.2");
        assert!(v.matches("7.2") && v.matches("7.2.0") && !v.matches("7.1") && !v.matches("7"));
        let v = LinuxVersion::from_code((6 << 16) | (12 << 8) | 117);
        assert_eq!(
            (v.short(), v.to_string()),
            ("6.12".to_string(), "6.12.117".to_string())
        );
        assert!(v.matches("6.12.117") && !v.matches("6.12.116"));
        let capped = LinuxVersion::from_code((5 << 16) + (10 << 8) + 255);
        assert!(capped.matches("5.10.262") && capped.matches("5.10.255"));
        assert!(!capped.matches("5.10.254"));
    }

    #[test]
    fn table_diff() {
        let s = |n: &str, x| Syscall {
            name: n.into(),
            number: x,
        };
        let d = TableDiff::between(&[s("a", 1), s("b", 2)], &[s("a", 1), s("b", 3), s("c", 4)]);
        assert_eq!(d.added, ["c"]);
        assert_eq!(d.renumbered, [("b".to_string(), 2, 3)]);
        assert_eq!(d.to_string(), "+1 (c) renumbered 1 (b 2->3)");
        assert!(TableDiff::between(&[s("a", 1)], &[s("a", 1)]).is_empty());
    }
}
