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
        "180\tcommon\tpread64\tsys_pread64\tsys_oabi_pread64\n",
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
