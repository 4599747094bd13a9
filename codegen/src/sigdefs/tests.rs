//! Fixture trees written here (tiny files in the kernel's shapes, not kernel code) for the
//! traps a resolver falls into, and the coverage check against a real tree
//! (`SYSCALLS_SYS_LINUX_SRC`).

use super::*;
use crate::testutil::fixture_dir;

/// A small tree: two arches, generic code, aliases, wrappers and `sys_ni_syscall`.
fn fixture() -> tempfile::TempDir {
    fixture_dir(&[
        ("kernel/sys_ni.c", "asmlinkage long sys_ni_syscall(void)\n{\n\treturn -ENOSYS;\n}\n\nCOND_SYSCALL(gone);\n"),
        (
            "fs/rw.c",
            "SYSCALL_DEFINE4(pread64, unsigned int, fd, char __user *, buf,\n\
             \t\tsize_t, count, loff_t, pos)\n{\n\treturn 0;\n}\n\n\
             COMPAT_SYSCALL_DEFINE5(pread64, unsigned int, fd, char __user *, buf,\n\
             \t\tu32, count, u32, lo, u32, hi)\n{\n\treturn 0;\n}\n\n\
             SYSCALL_DEFINE3(openat2, int, dfd, const char __user *, name, int, flags)\n{ }\n",
        ),
        (
            "kernel/fork.c",
            "#ifdef __ARCH_WANT_SYS_TWIST\n#ifdef CONFIG_TWIST_BACKWARDS\n\
             SYSCALL_DEFINE2(twist, long, second, long, first)\n\
             #else\n\
             SYSCALL_DEFINE2(twist, long, first, long, second)\n\
             #endif\n{\n\treturn 0;\n}\n#endif\n",
        ),
        (
            "arch/Kconfig",
            "config TWIST_BACKWARDS\n\tbool\n\thelp\n\t  argument order\n",
        ),
        (
            "arch/alpha/Kconfig",
            "config ALPHA\n\tdef_bool y\n\tselect TWIST_BACKWARDS\n",
        ),
        (
            "arch/alpha/include/asm/unistd.h",
            "#define __ARCH_WANT_SYS_TWIST\n",
        ),
        ("arch/beta/Kconfig", "config BETA\n\tdef_bool y\n"),
        (
            "arch/beta/include/asm/unistd.h",
            "#define __ARCH_WANT_SYS_TWIST\n",
        ),
        (
            "arch/alpha/kernel/sys_alpha.c",
            "SYSCALL_DEFINE5(alpha_pread64, unsigned int, fd, char __user *, buf,\n\
             \t\tsize_t, count, u32, lo, u32, hi)\n{ }\n\
             asmlinkage long sys_mmap2(unsigned long addr, unsigned long len, unsigned long pgoff)\n{ }\n\
             long osf_thing(struct pt_regs *regs)\n{ }\n",
        ),
        (
            "arch/alpha/kernel/table.c",
            "#define sys_a_pread sys_alpha_pread64\n#define sys_dead sys_nowhere\n",
        ),
        (
            "arch/alpha/kernel/entry.S",
            "ENTRY(sys_openat2_wrapper)\n\tmov\tr0, r1\n\tb\tsys_openat2\nEND(sys_openat2_wrapper)\n\
             ENTRY(alpha_sigreturn)\n\tmov\tsp, r0\n\trfi\nEND(alpha_sigreturn)\n",
        ),
        (
            "arch/beta/kernel/sys.c",
            "asmlinkage long sys_mmap2(unsigned long addr, unsigned long len, int prot)\n{ }\n",
        ),
    ])
}

fn names(d: &Definition) -> Vec<&str> {
    d.params.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn not_implemented_never_resolves() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    // The scan sees the function, but resolving must not give it a signature.
    assert_eq!(defs.definitions_of("sys_ni_syscall").len(), 1);
    assert_eq!(defs.resolve("alpha", "sys_ni_syscall"), None);
    assert!(defs
        .why_unresolved("alpha", "sys_ni_syscall")
        .unwrap()
        .contains("not implemented"));
}

#[test]
fn compat_is_never_taken_for_native() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    let native = defs.resolve("alpha", "sys_pread64").unwrap();
    assert_eq!(native.kind, DefKind::SyscallDefine);
    assert_eq!(names(native), ["fd", "buf", "count", "pos"]);
    assert_eq!(native.params[3].ty, "loff_t");
    let compat = defs.resolve("alpha", "compat_sys_pread64").unwrap();
    assert_eq!(compat.kind, DefKind::CompatSyscallDefine);
    assert_eq!(names(compat), ["fd", "buf", "count", "lo", "hi"]);
    assert_eq!(compat.file, "fs/rw.c");
    assert_eq!(compat.line, 7);
}

#[test]
fn defined_aliases_resolve() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    let r = defs.explain("alpha", "sys_a_pread").unwrap();
    assert_eq!(r.definition.symbol, "sys_alpha_pread64");
    assert_eq!(r.definition.params.len(), 5);
    assert!(matches!(&r.via[..], [Step::Alias { target, .. }] if target == "sys_alpha_pread64"));
    // The alias is alpha's: it does not exist on beta.
    assert_eq!(defs.resolve("beta", "sys_a_pread"), None);
    // An alias to nothing is unresolved, and says so.
    assert_eq!(defs.resolve("alpha", "sys_dead"), None);
    assert!(defs
        .why_unresolved("alpha", "sys_dead")
        .unwrap()
        .contains("sys_nowhere"));
}

#[test]
fn other_arches_definitions_never_apply() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    let alpha = defs.resolve("alpha", "sys_mmap2").unwrap();
    assert_eq!(alpha.file, "arch/alpha/kernel/sys_alpha.c");
    let beta = defs.resolve("beta", "sys_mmap2").unwrap();
    assert_eq!(names(beta), ["addr", "len", "prot"]);
    assert_eq!(defs.resolve("gamma", "sys_mmap2"), None);
    assert!(defs
        .why_unresolved("gamma", "sys_mmap2")
        .unwrap()
        .contains("other arches"));
    assert_eq!(defs.resolve("beta", "sys_alpha_pread64"), None);
    // Generic definitions apply everywhere.
    assert!(defs.resolve("gamma", "sys_openat2").is_some());
}

#[test]
fn wrappers_lead_to_the_c_function() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    let r = defs.explain("alpha", "sys_openat2_wrapper").unwrap();
    assert_eq!(r.definition.symbol, "sys_openat2");
    assert_eq!(r.via.len(), 1);
    assert_eq!(defs.resolve("alpha", "alpha_sigreturn"), None);
    assert!(defs
        .why_unresolved("alpha", "alpha_sigreturn")
        .unwrap()
        .contains("assembler"));
}

#[test]
fn config_chooses_between_alternatives() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    assert_eq!(
        names(defs.resolve("alpha", "sys_twist").unwrap()),
        ["second", "first"]
    );
    assert_eq!(
        names(defs.resolve("beta", "sys_twist").unwrap()),
        ["first", "second"]
    );
}

#[test]
fn pt_regs_functions_are_flagged() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    assert!(defs.resolve("alpha", "osf_thing").unwrap().takes_pt_regs());
    assert!(!defs.resolve("alpha", "sys_mmap2").unwrap().takes_pt_regs());
}

#[test]
fn optional_syscalls_are_explained() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    assert!(defs
        .why_unresolved("alpha", "sys_gone")
        .unwrap()
        .contains("COND_SYSCALL"));
}

#[test]
fn scans_round_trip_through_json() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    let json = serde_json::to_string(&defs).unwrap();
    let back: Definitions = serde_json::from_str(&json).unwrap();
    assert_eq!(back, defs);
}

#[test]
fn not_a_source_tree_is_a_clear_error() {
    let dir = fixture_dir(&[("README", "hello")]);
    let err = Definitions::scan(dir.path()).unwrap_err();
    assert!(err.to_string().contains("not a kernel source tree"));
}

/// The entries of one syscall table file: `(abi column, entry, compat entry)` per line.
fn table_entries(text: &str) -> Vec<(String, String, Option<String>)> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            match cols.as_slice() {
                [_, abi, _, entry, rest @ ..] => Some((
                    (*abi).to_string(),
                    (*entry).to_string(),
                    rest.first()
                        .filter(|c| **c != "-" && !c.contains('/'))
                        .map(|c| (*c).to_string()),
                )),
                _ => None,
            }
        })
        .collect()
}

/// Every syscall table of a tree, with the kernel arch it belongs to: each arch's own
/// `.tbl` files, and `scripts/syscall.tbl` for the arches that use it (`Makefile.syscalls`).
fn tables(src: &Path) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut arches: Vec<_> = std::fs::read_dir(src.join("arch"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    arches.sort();
    for arch in arches {
        let mut own = Vec::new();
        for dir in ["entry/syscalls", "kernel/syscalls", "tools"] {
            let Ok(entries) = std::fs::read_dir(src.join("arch").join(&arch).join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.ends_with(".tbl") {
                    own.push(format!("arch/{arch}/{dir}/{name}"));
                }
            }
        }
        if own.is_empty()
            && src
                .join("arch")
                .join(&arch)
                .join("kernel/Makefile.syscalls")
                .exists()
        {
            own.push("scripts/syscall.tbl".to_string());
        }
        own.sort();
        for t in own {
            let text = std::fs::read_to_string(src.join(&t)).unwrap();
            out.push((arch.clone(), t, text));
        }
    }
    out
}

/// Resolves every entry of every syscall table of the tree in `SYSCALLS_SYS_LINUX_SRC` (a
/// full kernel source, e.g. Linux 7.3) and checks that at least 99% of the implemented
/// entries of each table and ABI column resolve; prints the per-table counts and every
/// unresolved entry with its reason.
#[test]
#[ignore = "needs SYSCALLS_SYS_LINUX_SRC=<full kernel source tree>"]
fn coverage_of_a_real_tree() {
    let src = std::env::var_os("SYSCALLS_SYS_LINUX_SRC")
        .expect("set SYSCALLS_SYS_LINUX_SRC to a full kernel source tree");
    let src = Path::new(&src);
    let start = std::time::Instant::now();
    let defs = Definitions::scan(src).unwrap();
    eprintln!("scan: {:.2?}, {} definitions", start.elapsed(), defs.len());
    let mut failures = Vec::new();
    eprintln!(
        "{:<12} {:<40} {:<10} {:>9} {:>6} {:>6}",
        "arch", "table", "abi", "resolved", "impl", "ni"
    );
    for (arch, table, text) in tables(src) {
        // abi column (and ":compat" for the compat entry column) -> (resolved, implemented, ni)
        let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
        let mut missing = Vec::new();
        for (abi, entry, compat) in table_entries(&text) {
            for (column, symbol) in [
                (abi.clone(), Some(entry)),
                (format!("{abi}:compat"), compat),
            ] {
                let Some(symbol) = symbol else { continue };
                let c = counts.entry(column.clone()).or_default();
                if symbol == NOT_IMPLEMENTED {
                    assert_eq!(defs.resolve(&arch, &symbol), None);
                    c.2 += 1;
                    continue;
                }
                c.1 += 1;
                if defs.resolve(&arch, &symbol).is_some() {
                    c.0 += 1;
                } else {
                    let why = defs.why_unresolved(&arch, &symbol).unwrap_or_default();
                    missing.push(format!("  {arch} {column} {symbol}: {why}"));
                }
            }
        }
        for (column, (ok, implemented, ni)) in &counts {
            eprintln!("{arch:<12} {table:<40} {column:<10} {ok:>9} {implemented:>6} {ni:>6}");
            if *ok * 100 < *implemented * 99 {
                failures.push(format!("{arch} {table} {column}: {ok}/{implemented}"));
            }
        }
        missing.sort();
        missing.dedup();
        for m in missing {
            eprintln!("{m}");
        }
    }
    assert!(failures.is_empty(), "below 99%: {failures:#?}");
}
