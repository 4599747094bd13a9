//! Signatures on a small fixture tree written here, one trap each; and, when
//! `SYSCALLS_SYS_LINUX_SRC` names a full kernel tree, the coverage of every ABI.

use super::*;
use crate::abi::{find, ABIS};
use crate::entries::read_entries;
use crate::testutil::fixture_dir;

const TREE: &[(&str, &str)] = &[
    (
        "kernel/sys_ni.c",
        "long sys_ni_syscall(void) { return -ENOSYS; }\n",
    ),
    (
        "fs/read_write.c",
        "SYSCALL_DEFINE4(pread64, unsigned int, fd, char __user *, buf,\n\
         \t\tsize_t, count, loff_t, pos)\n{\n\treturn 0;\n}\n",
    ),
    (
        "fs/sync.c",
        "SYSCALL_DEFINE4(sync_file_range, int, fd, loff_t, offset, loff_t, nbytes,\n\
         \t\tunsigned int, flags)\n{\n\treturn 0;\n}\n\
         SYSCALL_DEFINE4(sync_file_range2, int, fd, unsigned int, flags,\n\
         \t\tloff_t, offset, loff_t, nbytes)\n{\n\treturn 0;\n}\n",
    ),
    (
        "arch/x86/kernel/sys_ia32.c",
        "SYSCALL_DEFINE5(ia32_pread64, unsigned int, fd, char __user *, ubuf,\n\
         \t\tu32, count, u32, poslo, u32, poshi)\n{\n\treturn 0;\n}\n",
    ),
    (
        "arch/x86/entry/syscalls/syscall_32.tbl",
        "180\ti386\tpread64\t\tsys_ia32_pread64\n181\ti386\tgone\n",
    ),
    (
        "arch/x86/entry/syscalls/syscall_64.tbl",
        "17\tcommon\tpread64\t\tsys_pread64\n18\tcommon\tmystery\t\tsys_mystery\n",
    ),
    (
        "arch/arm/tools/syscall.tbl",
        "180\tcommon\tpread64\tsys_pread64\tsys_oabi_pread64\n\
         173\tcommon\trt_sigreturn\tsys_rt_sigreturn\n\
         120\tcommon\tclone\tsys_clone\n\
         2\tcommon\tfork\tsys_fork\n\
         41\tcommon\tdup\tsys_dup\n",
    ),
    (
        "arch/arm/kernel/signal.c",
        "asmlinkage int sys_rt_sigreturn(struct pt_regs *regs)\n{\n\treturn 0;\n}\n\
         asmlinkage int sys_clone(struct pt_regs *regs)\n{\n\tstruct args a;\n\ta.flags = regs->ARM_r0;\n\treturn go(&a);\n}\n\
         asmlinkage int sys_fork(struct pt_regs *regs)\n{\n\treturn go(0);\n}\n\
         static inline long do_dup(long unused, int fd)\n{\n\treturn fd;\n}\n\
         asmlinkage int sys_dup(struct pt_regs *regs)\n{\n\treturn do_dup(0, regs->ARM_r0);\n}\n",
    ),
    (
        "arch/arm64/tools/syscall_32.tbl",
        "180\tcommon\tpread64\tsys_pread64\tcompat_sys_aarch32_pread64\n",
    ),
    (
        "arch/csky/kernel/syscall_table.c",
        "#define sys_sync_file_range sys_sync_file_range2\n",
    ),
    (
        "arch/csky/kernel/Makefile.syscalls",
        "syscall_abis_32 += csky\n",
    ),
    (
        "scripts/syscall.tbl",
        "84\tcommon\tsync_file_range\tsys_sync_file_range\tcompat_sys_sync_file_range\n",
    ),
];

fn built(abi: &str) -> AbiSignatures {
    let dir = fixture_dir(TREE);
    let defs = Definitions::scan(dir.path()).unwrap();
    let spec = find(abi).unwrap();
    let entries = read_entries(spec, dir.path()).unwrap();
    build(spec, &entries, &defs)
}

fn regs_of(a: &AbiSignatures, name: &str) -> (u8, Vec<(String, u8, u8)>) {
    let s = a.syscalls.iter().find(|s| s.name == name).unwrap();
    let sig = s
        .signature
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: {:?}", s.unresolved));
    (
        sig.registers,
        sig.args
            .iter()
            .map(|a| (a.name.clone(), a.first, a.count))
            .collect(),
    )
}

#[test]
fn the_pair_and_its_pad() {
    let arm = built("arm");
    let (n, args) = regs_of(&arm, "pread64");
    assert_eq!(n, 6);
    assert_eq!(
        args[3],
        ("pos".to_string(), 4, 2),
        "r3 is the pad, pos is r4:r5"
    );
    let x86_64 = built("x86_64");
    assert_eq!(regs_of(&x86_64, "pread64").0, 4);
}

#[test]
fn saved_registers_are_not_arguments() {
    let arm = built("arm");
    let find = |name: &str| arm.syscalls.iter().find(|s| s.name == name).unwrap();
    // sigreturn reads no argument register, whatever its C function takes.
    let rt = find("rt_sigreturn");
    assert_eq!(rt.signature.as_ref().map(|s| s.registers), Some(0));
    // A function that stores an argument register into a struct has no declared
    // arguments for it: unresolved, saying so.
    let clone = find("clone");
    assert!(clone.signature.is_none());
    let why = clone.unresolved.as_deref().unwrap();
    assert!(
        why.contains("pt_regs") && why.contains("struct field `flags`"),
        "{why}"
    );
    // One that reads no argument register takes none.
    assert_eq!(
        find("fork").signature.as_ref().map(|s| s.registers),
        Some(0)
    );
    // One that passes r0 on takes the parameter it lands in (a static helper's).
    let (n, args) = regs_of(&arm, "dup");
    assert_eq!((n, args), (1, vec![("fd".to_string(), 0, 1)]));
}

#[test]
fn the_x86_entry_is_the_split_ia32_one() {
    let x86 = built("x86");
    let (n, args) = regs_of(&x86, "pread64");
    assert_eq!(n, 5);
    let names: Vec<&str> = args.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(names, ["fd", "ubuf", "count", "poslo", "poshi"]);
    let gone = x86.syscalls.iter().find(|s| s.name == "gone").unwrap();
    assert!(!gone.implemented && gone.signature.is_none() && gone.unresolved.is_none());
}

#[test]
fn a_defined_alias_gives_the_other_argument_order() {
    let csky = built("csky");
    let (_, args) = regs_of(&csky, "sync_file_range");
    let names: Vec<&str> = args.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(
        names,
        ["fd", "flags", "offset", "nbytes"],
        "sys_sync_file_range2 on csky"
    );
}

#[test]
fn unresolved_entries_say_why() {
    let x86_64 = built("x86_64");
    let lines = unresolved_lines(&[x86_64]);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (lines[0].syscall.as_str(), lines[0].entry.as_str()),
        ("mystery", "sys_mystery")
    );
    assert!(!lines[0].reason.is_empty());
}

#[test]
fn the_list_round_trips_and_staleness_is_both_ways() {
    let line = |abi: &str, s: &str| UnresolvedLine {
        abi: abi.into(),
        syscall: s.into(),
        entry: format!("sys_{s}"),
        reason: "because".into(),
    };
    let lines = vec![line("arm", "a"), line("x86", "b")];
    let text = render_unresolved(&lines);
    assert_eq!(parse_unresolved(&text).unwrap(), lines);
    assert!(stale_unresolved(&lines, &lines).is_empty());
    let problems = stale_unresolved(&lines[..1], &lines[1..]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("new gap: x86 b"));
    assert!(problems[1].starts_with("listed but now resolved (or gone): arm a"));
    let e = parse_unresolved("arm a sys_a\n").unwrap_err();
    assert!(e.message.contains("no reason"), "{e}");
}

#[test]
fn the_scan_is_cached_by_stamp() {
    let dir = fixture_dir(TREE);
    let cache = tempfile::tempdir().unwrap();
    let first = cached_scan(dir.path(), "abc123", cache.path()).unwrap();
    // The cached copy is what a warm run reads, even with the tree gone.
    let gone = cache.path().join("no-tree");
    assert_eq!(cached_scan(&gone, "abc123", cache.path()).unwrap(), first);
    assert!(cached_scan(&gone, "other", cache.path()).is_err());
}

/// Coverage of every ABI on a full kernel tree (`SYSCALLS_SYS_LINUX_SRC`), the source's own
/// tables (not reconciled with the committed ones, which may be another version).
#[test]
#[ignore = "needs SYSCALLS_SYS_LINUX_SRC=<full kernel source tree>"]
fn coverage_of_a_real_tree() {
    let src = std::path::PathBuf::from(
        std::env::var_os("SYSCALLS_SYS_LINUX_SRC").expect("set SYSCALLS_SYS_LINUX_SRC"),
    );
    let defs = Definitions::scan(&src).unwrap();
    let mut all = Vec::new();
    for spec in ABIS {
        let Ok(entries) = read_entries(spec, &src) else {
            eprintln!("{:<12} no table in this tree", spec.name);
            continue;
        };
        let sigs = build(spec, &entries, &defs);
        let (signed, implemented) = sigs.coverage();
        eprintln!(
            "{:<12} {signed}/{implemented} = {:.2}%",
            spec.name,
            100.0 * signed as f64 / implemented as f64
        );
        all.push(sigs);
    }
    for l in unresolved_lines(&all) {
        eprintln!("  {} {} {} {}", l.abi, l.syscall, l.entry, l.reason);
    }
}

/// The kernel's own description of its syscalls: ftrace's `sys_enter_<name>/format` of the
/// running kernel, read from `$SYSCALLS_SYS_TRACEFS` or `/sys/kernel/tracing`, as
/// `(name, type)` per argument, types with `__user` removed and spaces normalised.
fn ftrace_formats(root: &Path) -> Option<BTreeMap<String, Vec<(String, String)>>> {
    let events = root.join("events/syscalls");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&events).ok()? {
        let entry = entry.ok()?;
        let dir = entry.file_name().to_string_lossy().into_owned();
        let Some(name) = dir.strip_prefix("sys_enter_") else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(entry.path().join("format")) else {
            continue;
        };
        let mut args = Vec::new();
        let mut after_nr = false;
        for line in text.lines() {
            let Some(field) = line.trim().strip_prefix("field:") else {
                continue;
            };
            let decl = field.split(';').next().unwrap_or_default();
            if decl.ends_with("__syscall_nr") {
                after_nr = true;
                continue;
            }
            if !after_nr {
                continue;
            }
            let decl = normalise_type(decl);
            let (ty, name) = decl.rsplit_once(' ').unwrap_or(("", &decl));
            args.push((name.to_string(), ty.to_string()));
        }
        out.insert(name.to_string(), args);
    }
    (!out.is_empty()).then_some(out)
}

fn normalise_type(ty: &str) -> String {
    ty.replace('*', " * ")
        .split_whitespace()
        .filter(|w| *w != "__user")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Definitions that changed between the kernels this test has met (6.18) and the pinned 7.3:
/// checked by hand against the 7.3 source, excused only when the running kernel is older.
const CHANGED_BEFORE_7_3: &[(&str, &str)] = &[
    (
        "bpf",
        "kernel/bpf/syscall.c: SYSCALL_DEFINE5, uattr_common and size_common added",
    ),
    (
        "getcpu",
        "kernel/sys.c: the third parameter is `void __user *unused`",
    ),
    ("semop", "ipc/sem.c: nsops is `unsigned int`"),
];

/// Whether the running kernel is older than `major.minor`.
fn running_kernel_older_than(major: u32, minor: u32) -> bool {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mut parts = release.trim().split(['.', '-']);
    let num = |p: Option<&str>| p.and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
    (num(parts.next()), num(parts.next())) < (major, minor)
}

/// x86_64's committed signatures against the running kernel's ftrace formats: every syscall
/// both know must have the same parameters (names and types) in the same order. Skipped,
/// saying so, where this machine's kernel does not expose them.
#[test]
fn x86_64_agrees_with_the_running_kernels_ftrace_formats() {
    let root = std::env::var_os("SYSCALLS_SYS_TRACEFS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/sys/kernel/tracing".into());
    let Some(formats) = ftrace_formats(&root) else {
        eprintln!(
            "no syscall trace formats under {} (set SYSCALLS_SYS_TRACEFS to a mounted tracefs): skipped",
            root.display()
        );
        return;
    };
    let path = crate::testutil::workspace_root()
        .join("syscalls-sys/src")
        .join(crate::sigdata::SIGDATA_PATH);
    let stored = crate::sigdata::read(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let x86_64 = &stored.iter().find(|(abi, _)| abi == "x86_64").unwrap().1;
    let (mut compared, mut mismatches) = (0, Vec::new());
    for s in x86_64.values() {
        let (Some(entry), Some(args)) = (&s.entry, &s.args) else {
            continue;
        };
        let Some(theirs) = entry.strip_prefix("sys_").and_then(|e| formats.get(e)) else {
            continue;
        };
        compared += 1;
        let ours: Vec<(String, String)> = args
            .iter()
            .map(|(n, t, _, _)| (n.clone(), normalise_type(t)))
            .collect();
        let excused = running_kernel_older_than(7, 3)
            && CHANGED_BEFORE_7_3.iter().any(|(name, _)| *name == s.name);
        if &ours != theirs && !excused {
            mismatches.push(format!(
                "{} ({entry}): ours {ours:?}, ftrace {theirs:?}",
                s.name
            ));
        }
    }
    eprintln!(
        "compared {compared} x86_64 syscalls with the running kernel's ftrace formats ({} formats)",
        formats.len()
    );
    assert!(compared > 250, "only {compared} syscalls compared");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The register rules of the 32-bit ABIs against the kernel's own compat entry points: where
/// a native entry takes a 64-bit argument and the 64-bit kernel's compat entry for the same
/// number takes only 32-bit halves (`u32 pos_lo, u32 pos_hi`, pads spelled out), the compat
/// entry's parameter count is the number of registers the ABI uses; ours must equal it.
#[test]
#[ignore = "needs SYSCALLS_SYS_LINUX_SRC=<full kernel source tree>"]
fn register_rules_agree_with_the_compat_entries() {
    let src = std::path::PathBuf::from(
        std::env::var_os("SYSCALLS_SYS_LINUX_SRC").expect("set SYSCALLS_SYS_LINUX_SRC"),
    );
    let defs = Definitions::scan(&src).unwrap();
    let (mut checked, mut wrong) = (0, Vec::new());
    for (abi, compat_arch) in [
        ("arm", "arm64"),
        ("mips_o32", "mips"),
        ("powerpc", "powerpc"),
        ("sparc", "sparc"),
        ("parisc", "parisc"),
        ("riscv32", "riscv"),
    ] {
        let spec = find(abi).unwrap();
        let sigs = build(spec, &read_entries(spec, &src).unwrap(), &defs);
        for s in &sigs.syscalls {
            let (Some(sig), Some(compat)) = (&s.signature, &s.compat) else {
                continue;
            };
            if !sig.args.iter().any(|a| a.count == 2) {
                continue;
            }
            let Some(c) = defs.resolve_on(compat_arch, 64, compat) else {
                continue;
            };
            if c.params.iter().any(|p| crate::registers::is_64_bit(&p.ty)) {
                continue;
            }
            checked += 1;
            eprintln!(
                "  {abi} {}: {} registers; {compat} takes {}",
                s.name,
                sig.registers,
                c.params.len()
            );
            if c.params.len() != usize::from(sig.registers) {
                wrong.push(format!(
                    "{abi} {}: {} registers by the rule, {compat} ({}:{}) takes {}",
                    s.name,
                    sig.registers,
                    c.file,
                    c.line,
                    c.params.len()
                ));
            }
        }
    }
    eprintln!("{checked} split compat entries compared");
    assert!(checked >= 10, "only {checked}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
