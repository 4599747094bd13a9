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
             long osf_thing(struct pt_regs *regs)\n{ }\n\
             SYSCALL_DEFINE0(nis_syscall)\n{\n\tprintk(\"nope\");\n\treturn -ENOSYS;\n}\n",
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
fn arch_stubs_that_only_fail_are_not_implemented() {
    let dir = fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    assert_eq!(defs.definitions_of("sys_nis_syscall").len(), 1);
    assert!(defs.definitions_of("sys_nis_syscall")[0].returns_enosys);
    assert_eq!(defs.resolve("alpha", "sys_nis_syscall"), None);
    assert!(defs.not_implemented("alpha", "sys_nis_syscall"));
    assert!(defs
        .why_unresolved("alpha", "sys_nis_syscall")
        .unwrap()
        .contains("-ENOSYS"));
    // A real syscall is not a stub.
    assert!(!defs.not_implemented("alpha", "sys_pread64"));
    assert!(defs.not_implemented("alpha", "sys_ni_syscall"));
    assert!(defs.not_implemented("alpha", "sys_gone"));
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

/// A dispatcher of private calls in arm's shape, with helpers in a header and in its own
/// file, and another arch's helper of the same name.
fn private_fixture() -> tempfile::TempDir {
    fixture_dir(&[
        ("kernel/fork.c", "SYSCALL_DEFINE0(fork)\n{ return 0; }\n"),
        (
            "arch/arm/include/asm/tlsx.h",
            "static inline void put_word(unsigned long word)\n{\n\tstore(word);\n}\n",
        ),
        (
            "arch/x86/include/asm/tlsx.h",
            "static inline void put_word(int wrong, unsigned long word)\n{ }\n",
        ),
        (
            "arch/arm/kernel/traps.c",
            "#include <asm/tlsx.h>\n\
             #define NR(x) ((__ARM_NR_##x) - __ARM_NR_BASE)\n\
             static inline int\nflush_range(unsigned long from, unsigned long to, int how)\n{ return 0; }\n\
             asmlinkage int arm_syscall(int no, struct pt_regs *regs)\n{\n\
             \tswitch (no & 0xffff) {\n\
             \tcase NR(flushit):\n\t\treturn flush_range(regs->ARM_r0, regs->ARM_r1, regs->ARM_r2);\n\
             \tcase NR(putit):\n\t\tput_word(regs->ARM_r0);\n\t\treturn 0;\n\
             \tcase NR(stay):\n\t\treturn regs->ARM_r0;\n\
             \tcase NR(mixed):\n\t\tput_word(regs->ARM_r1);\n\t\treturn flush_range(regs->ARM_r0, 0, 0);\n\
             \tcase NR(lost):\n\t\treturn nowhere(regs->ARM_r0);\n\
             \t}\n\treturn 0;\n}\n",
        ),
    ])
}

#[test]
fn private_calls_take_what_their_case_passes_on() {
    let dir = private_fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    let call = |name: &str| defs.private_call("arm", 32, name);
    let sig = |name: &str| {
        let (params, at) = call(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let p: Vec<String> = params
            .iter()
            .map(|p| format!("{} {}", p.ty, p.name))
            .collect();
        (p.join(", "), at)
    };
    // The static helper of the same file, in register order.
    assert_eq!(
        sig("flushit"),
        (
            "unsigned long from, unsigned long to, int how".to_string(),
            "arch/arm/kernel/traps.c:9".to_string()
        )
    );
    // A static inline helper of the arch's headers, not another arch's.
    assert_eq!(sig("putit").0, "unsigned long word");
    // `return regs->ARM_r0` hands r0 back: no argument.
    assert_eq!(sig("stay").0, "");
    // Registers to two functions, or to one nothing defines: unresolved, saying why.
    let why = call("mixed").unwrap_err();
    assert!(
        why.contains("several functions") && why.contains("arm_syscall()"),
        "{why}"
    );
    let why = call("lost").unwrap_err();
    assert!(why.contains("nowhere()"), "{why}");
    // Another arch has no such dispatcher; an unknown name has no case.
    assert!(defs.private_call("x86", 64, "putit").is_err());
    assert!(call("absent").unwrap_err().contains("no `case`"));
    // The scan keeps it through its JSON cache.
    let back = Definitions::from_json(&defs.to_json().unwrap()).unwrap();
    assert_eq!(back.private_call("arm", 32, "putit"), call("putit"));
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
    let json = defs.to_json().unwrap();
    let back = Definitions::from_json(&json).unwrap();
    assert_eq!(back, defs);
    // A cache from another format, or not a cache at all, is refused with a hint.
    let stale = json.replacen(&format!("\"format\":{SCAN_FORMAT}"), "\"format\":0", 1);
    assert_ne!(stale, json);
    let err = Definitions::from_json(&stale).unwrap_err().to_string();
    assert!(
        err.contains("format 0") && err.contains("scan the kernel source again"),
        "{err}"
    );
    assert!(Definitions::from_json("[]").is_err());
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
                // An entry of `-` (s390 before 6.19) is a number with no implementation.
                [_, abi, _, entry, rest @ ..] => Some((
                    (*abi).to_string(),
                    if *entry == "-" {
                        NOT_IMPLEMENTED
                    } else {
                        entry
                    }
                    .to_string(),
                    rest.first()
                        .filter(|c| **c != "-" && !c.contains('/'))
                        .map(|c| (*c).to_string()),
                )),
                _ => None,
            }
        })
        .collect()
}

/// Which entry column an ABI's kernel uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Columns {
    /// The entry column only (64-bit ABIs, ABIs that exist on one kernel only).
    Native,
    /// The compat column where there is one, else the entry column (ABIs that exist only as
    /// compat ABIs of a 64-bit kernel, like arm EABI on arm64).
    Compat,
    /// Both, counted separately: a 32-bit kernel uses the entry column, a 64-bit kernel's
    /// compat layer the compat column.
    Both,
}

/// An ABI of Linux 7.3 as its table and `Makefile.syscalls` describe it: name, kernel arch,
/// table, the ABI tags it takes, the columns used, the kernel's width (for `Both`: 32 for the
/// entry column, 64 for the compat column).
type AbiRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Columns,
    u32,
);

const X86_32: &str = "arch/x86/entry/syscalls/syscall_32.tbl";
const X86_64: &str = "arch/x86/entry/syscalls/syscall_64.tbl";
const GENERIC: &str = "scripts/syscall.tbl";
const PPC: &str = "arch/powerpc/kernel/syscalls/syscall.tbl";
const SPARC: &str = "arch/sparc/kernel/syscalls/syscall.tbl";
const PARISC: &str = "arch/parisc/kernel/syscalls/syscall.tbl";

const ABIS_7_3: &[AbiRow] = &[
    (
        "x86_64",
        "x86",
        X86_64,
        &["common", "64"],
        Columns::Native,
        64,
    ),
    (
        "x32",
        "x86",
        X86_64,
        &["common", "x32"],
        Columns::Native,
        64,
    ),
    ("x86", "x86", X86_32, &["i386"], Columns::Both, 0),
    (
        "aarch64",
        "arm64",
        "arch/arm64/tools/syscall_64.tbl",
        &["common", "64", "renameat", "rlimit", "memfd_secret"],
        Columns::Native,
        64,
    ),
    (
        "arm-on-arm64",
        "arm64",
        "arch/arm64/tools/syscall_32.tbl",
        &["common"],
        Columns::Compat,
        64,
    ),
    (
        "arm",
        "arm",
        "arch/arm/tools/syscall.tbl",
        &["common", "eabi"],
        Columns::Native,
        32,
    ),
    (
        "arm_oabi",
        "arm",
        "arch/arm/tools/syscall.tbl",
        &["common", "oabi"],
        Columns::Native,
        32,
    ),
    (
        "riscv64",
        "riscv",
        GENERIC,
        &["common", "64", "riscv", "rlimit", "memfd_secret"],
        Columns::Native,
        64,
    ),
    (
        "riscv32",
        "riscv",
        GENERIC,
        &["common", "32", "riscv", "memfd_secret"],
        Columns::Both,
        0,
    ),
    (
        "loongarch64",
        "loongarch",
        GENERIC,
        &["common", "64", "memfd_secret"],
        Columns::Native,
        64,
    ),
    (
        "loongarch32",
        "loongarch",
        GENERIC,
        &["common", "32", "memfd_secret"],
        Columns::Native,
        32,
    ),
    (
        "powerpc64",
        "powerpc",
        PPC,
        &["common", "64", "nospu"],
        Columns::Native,
        64,
    ),
    (
        "powerpc",
        "powerpc",
        PPC,
        &["common", "32", "nospu"],
        Columns::Both,
        0,
    ),
    (
        "s390x",
        "s390",
        "arch/s390/kernel/syscalls/syscall.tbl",
        &["common", "64"],
        Columns::Native,
        64,
    ),
    (
        "mips_o32",
        "mips",
        "arch/mips/kernel/syscalls/syscall_o32.tbl",
        &["o32"],
        Columns::Both,
        0,
    ),
    (
        "mips_n32",
        "mips",
        "arch/mips/kernel/syscalls/syscall_n32.tbl",
        &["n32"],
        Columns::Native,
        64,
    ),
    (
        "mips_n64",
        "mips",
        "arch/mips/kernel/syscalls/syscall_n64.tbl",
        &["common", "n64"],
        Columns::Native,
        64,
    ),
    (
        "sparc64",
        "sparc",
        SPARC,
        &["common", "64"],
        Columns::Native,
        64,
    ),
    ("sparc", "sparc", SPARC, &["common", "32"], Columns::Both, 0),
    (
        "parisc64",
        "parisc",
        PARISC,
        &["common", "64"],
        Columns::Native,
        64,
    ),
    (
        "parisc",
        "parisc",
        PARISC,
        &["common", "32"],
        Columns::Both,
        0,
    ),
    (
        "alpha",
        "alpha",
        "arch/alpha/kernel/syscalls/syscall.tbl",
        &["common"],
        Columns::Native,
        64,
    ),
    (
        "arc",
        "arc",
        GENERIC,
        &[
            "common", "32", "arc", "time32", "renameat", "stat64", "rlimit",
        ],
        Columns::Native,
        32,
    ),
    (
        "csky",
        "csky",
        GENERIC,
        &["common", "32", "csky", "time32", "stat64", "rlimit"],
        Columns::Native,
        32,
    ),
    (
        "hexagon",
        "hexagon",
        GENERIC,
        &[
            "common", "32", "hexagon", "time32", "stat64", "rlimit", "renameat",
        ],
        Columns::Native,
        32,
    ),
    (
        "m68k",
        "m68k",
        "arch/m68k/kernel/syscalls/syscall.tbl",
        &["common"],
        Columns::Native,
        32,
    ),
    (
        "microblaze",
        "microblaze",
        "arch/microblaze/kernel/syscalls/syscall.tbl",
        &["common"],
        Columns::Native,
        32,
    ),
    (
        "nios2",
        "nios2",
        GENERIC,
        &[
            "common", "32", "nios2", "time32", "stat64", "renameat", "rlimit",
        ],
        Columns::Native,
        32,
    ),
    (
        "openrisc",
        "openrisc",
        GENERIC,
        &[
            "common", "32", "or1k", "time32", "stat64", "rlimit", "renameat",
        ],
        Columns::Native,
        32,
    ),
    (
        "sh",
        "sh",
        "arch/sh/kernel/syscalls/syscall.tbl",
        &["common"],
        Columns::Native,
        32,
    ),
    (
        "xtensa",
        "xtensa",
        "arch/xtensa/kernel/syscalls/syscall.tbl",
        &["common"],
        Columns::Native,
        32,
    ),
];

/// Resolves every entry of the ABIs `rows` in `src`; prints the counts per ABI and column,
/// every unresolved entry with its reason, the non-implementations other than
/// `sys_ni_syscall`, undecided choices and register-taking functions; checks every parameter
/// of every resolution; returns the ABIs (and columns) below 99%.
fn check_coverage(defs: &Definitions, src: &Path, rows: &[AbiRow]) -> Vec<String> {
    let mut failures = Vec::new();
    let mut pt_regs = Vec::new();
    let mut undecided = Vec::new();
    let mut other_ni = Vec::new();
    let mut width_notes = Vec::new();
    // SIGDEFS_DUMP=<file> writes every resolution, for reading.
    let dump_path = std::env::var_os("SIGDEFS_DUMP");
    let mut dump = dump_path.as_ref().map(|_| Vec::new());
    eprintln!(
        "{:<13} {:<7} {:>8} {:>5} {:>7} {:>4} {:>7} {:>5}",
        "abi", "column", "resolved", "impl", "%", "ni", "pt_regs", "width"
    );
    for &(abi, arch, table, tags, columns, bits) in rows {
        let text = std::fs::read_to_string(src.join(table)).unwrap();
        let entries: Vec<_> = table_entries(&text)
            .into_iter()
            .filter(|(tag, _, _)| tags.contains(&tag.as_str()))
            .collect();
        assert!(!entries.is_empty(), "{abi}: no entries in {table}");
        let native = || entries.iter().map(|e| e.1.clone()).collect::<Vec<_>>();
        let compat = || {
            entries
                .iter()
                .map(|e| e.2.clone().unwrap_or_else(|| e.1.clone()))
                .collect::<Vec<_>>()
        };
        let column_sets = match columns {
            Columns::Native => vec![("native", bits, native())],
            Columns::Compat => vec![("compat", bits, compat())],
            Columns::Both => vec![("native", 32, native()), ("compat", 64, compat())],
        };
        for (column, bits, symbols) in column_sets {
            let (mut ok, mut implemented, mut ni, mut regs) = (0usize, 0usize, 0usize, 0usize);
            let mut other_width = 0usize;
            let mut missing = Vec::new();
            for symbol in &symbols {
                if defs.not_implemented_on(arch, bits, symbol) {
                    assert_eq!(defs.resolve_on(arch, bits, symbol), None, "{symbol}");
                    ni += 1;
                    if symbol != NOT_IMPLEMENTED {
                        let why = defs
                            .why_unresolved_on(arch, bits, symbol)
                            .unwrap_or_default();
                        other_ni.push(format!("  {abi} {column} {symbol}: {why}"));
                    }
                    continue;
                }
                implemented += 1;
                match defs.resolve_on(arch, bits, symbol) {
                    Some(d) => {
                        ok += 1;
                        // Every parameter is named and typed, without annotations, and no
                        // syscall takes more than 7 (mips o32's sys32_fadvise64_64 is the
                        // most: fd, pad, four halves, advice).
                        assert!(d.params.len() <= 7, "{abi} {symbol}: {d:?}");
                        for p in &d.params {
                            let bad = p.name.is_empty()
                                || p.ty.is_empty()
                                || p.ty.contains("__user")
                                || p.ty.contains("  ")
                                || !p
                                    .name
                                    .bytes()
                                    .all(|b| b.is_ascii_alphanumeric() || b == b'_');
                            assert!(!bad, "{abi} {symbol}: parameter {p:?} of {d:?}");
                        }
                        if let Some(dump) = dump.as_mut() {
                            let params: Vec<String> = d
                                .params
                                .iter()
                                .map(|p| format!("{} {}", p.ty, p.name))
                                .collect();
                            dump.push(format!(
                                "{abi} {column} {symbol} = {}({}) {}:{}",
                                d.symbol,
                                params.join(", "),
                                d.file,
                                d.line
                            ));
                        }
                        let rivals = defs.rivals_on(arch, bits, symbol);
                        if !rivals.is_empty() {
                            let places: Vec<String> = rivals
                                .iter()
                                .map(|r| format!("{}:{} {:?}", r.file, r.line, r.conditions))
                                .collect();
                            undecided.push(format!(
                                "{abi} {column} {symbol}: took {}:{} {:?}; also {}",
                                d.file,
                                d.line,
                                d.conditions,
                                places.join("; ")
                            ));
                        }
                        if d.takes_pt_regs() {
                            regs += 1;
                            pt_regs.push(format!(
                                "{abi} {symbol} -> {} ({}:{})",
                                d.symbol, d.file, d.line
                            ));
                        }
                    }
                    None => {
                        let why = defs
                            .why_unresolved_on(arch, bits, symbol)
                            .unwrap_or_default();
                        // Built only into kernels of the other width (mbind needs NUMA, which
                        // 32-bit kernels lack): the signature is still the ABI's.
                        if defs.resolve(arch, symbol).is_some() {
                            ok += 1;
                            other_width += 1;
                            width_notes.push(format!("  {abi} {column} {symbol}: {why}"));
                        } else {
                            missing.push(format!("  {abi} {column} {symbol}: {why}"));
                        }
                    }
                }
            }
            let pct = ok as f64 * 100.0 / implemented.max(1) as f64;
            eprintln!(
                "{abi:<13} {column:<7} {ok:>8} {implemented:>5} {pct:>7.2} {ni:>4} {regs:>7} {other_width:>5}"
            );
            missing.sort();
            missing.dedup();
            for m in missing {
                eprintln!("{m}");
            }
            if ok * 100 < implemented * 99 {
                failures.push(format!("{abi} {column}: {ok}/{implemented}"));
            }
        }
    }
    if let (Some(path), Some(lines)) = (&dump_path, &dump) {
        std::fs::write(path, lines.join("\n")).unwrap();
    }
    eprintln!("resolved only for the other kernel width (counted as resolved):");
    for n in &width_notes {
        eprintln!("{n}");
    }
    eprintln!("not implemented, other than sys_ni_syscall:");
    for n in &other_ni {
        eprintln!("{n}");
    }
    eprintln!("undecided between alternatives (first taken):");
    for u in &undecided {
        eprintln!("  {u}");
    }
    pt_regs.sort();
    pt_regs.dedup();
    eprintln!("resolved to functions that take the saved registers:");
    for p in pt_regs {
        eprintln!("  {p}");
    }
    failures
}

/// Resolves every entry of every ABI's syscall table in the tree named by
/// `SYSCALLS_SYS_LINUX_SRC` (a full Linux 7.3 source) and checks that at least 99% of the
/// implemented entries of each ABI (and column) resolve; prints the counts and every
/// unresolved entry with its reason. Entries that are `sys_ni_syscall`, or that only
/// `COND_SYSCALL` provides, count as not implemented.
#[test]
#[ignore = "needs SYSCALLS_SYS_LINUX_SRC=<full Linux 7.3 source tree>"]
fn coverage_of_a_real_tree() {
    let src = std::env::var_os("SYSCALLS_SYS_LINUX_SRC")
        .expect("set SYSCALLS_SYS_LINUX_SRC to a full kernel source tree");
    let src = Path::new(&src);
    let start = std::time::Instant::now();
    let defs = Definitions::scan(src).unwrap();
    eprintln!("scan: {:.2?}, {} definitions", start.elapsed(), defs.len());
    let failures = check_coverage(&defs, src, ABIS_7_3);
    // Known answers from documentation we did not write: clone(2)'s NOTES give the raw
    // argument order per arch family ("x86-64 and [...]": flags, stack, parent_tid,
    // child_tid, tls; "x86-32, ARM, [...] MIPS": tls and child_tid swapped; "cris and s390":
    // the first two swapped; "microblaze": a stack_size third). Our width-aware choice must
    // land on the documented variant of kernel/fork.c's four.
    let clone = |arch: &str, bits: u32| -> Vec<String> {
        let d = defs
            .resolve_on(arch, bits, "sys_clone")
            .unwrap_or_else(|| panic!("sys_clone on {arch}/{bits}"));
        d.params.iter().map(|p| p.name.clone()).collect()
    };
    let default = [
        "clone_flags",
        "newsp",
        "parent_tidptr",
        "child_tidptr",
        "tls",
    ];
    let backwards = [
        "clone_flags",
        "newsp",
        "parent_tidptr",
        "tls",
        "child_tidptr",
    ];
    assert_eq!(clone("x86", 64), default);
    assert_eq!(clone("x86", 32), backwards);
    assert_eq!(clone("arm", 32), backwards);
    assert_eq!(clone("mips", 32), backwards);
    assert_eq!(clone("mips", 64), backwards);
    assert_eq!(clone("powerpc", 64), backwards);
    assert_eq!(
        clone("s390", 64),
        [
            "newsp",
            "clone_flags",
            "parent_tidptr",
            "child_tidptr",
            "tls"
        ]
    );
    assert_eq!(
        clone("microblaze", 32),
        [
            "clone_flags",
            "newsp",
            "stack_size",
            "parent_tidptr",
            "child_tidptr",
            "tls"
        ]
    );
    // x86's 32-bit pread64 takes the offset as two 32-bit halves, low first (the kernel's
    // own sys_ia32_pread64; i386 is little-endian).
    let ia32: Vec<String> = defs
        .resolve_on("x86", 64, "sys_ia32_pread64")
        .unwrap()
        .params
        .iter()
        .map(|p| p.ty.clone())
        .collect();
    assert_eq!(ia32, ["unsigned int", "char *", "u32", "u32", "u32"]);
    assert!(failures.is_empty(), "below 99%: {failures:#?}");
}

/// The 31-bit s390 ABI, whose last table is Linux 6.12's (6.19 removed it): it only ever ran
/// as the compat ABI of 64-bit kernels, so the compat column at 64 bits.
#[test]
#[ignore = "needs SYSCALLS_SYS_LINUX_6_12_SRC=<Linux 6.12 source tree>"]
fn coverage_of_s390_31_bit_at_6_12() {
    let src = std::env::var_os("SYSCALLS_SYS_LINUX_6_12_SRC")
        .expect("set SYSCALLS_SYS_LINUX_6_12_SRC to a Linux 6.12 source tree");
    let src = Path::new(&src);
    let defs = Definitions::scan(src).unwrap();
    let rows: &[AbiRow] = &[
        (
            "s390",
            "s390",
            "arch/s390/kernel/syscalls/syscall.tbl",
            &["common", "32"],
            Columns::Compat,
            64,
        ),
        (
            "s390x",
            "s390",
            "arch/s390/kernel/syscalls/syscall.tbl",
            &["common", "64"],
            Columns::Native,
            64,
        ),
    ];
    let failures = check_coverage(&defs, src, rows);
    assert!(failures.is_empty(), "below 99%: {failures:#?}");
}

/// A tree shaped like the kernel's 64-bit argument handling: a generic compat macro with
/// two byte orders, an arch that overrides it in its own file, a big-endian-only arch, and
/// x86-style `sys_ia32_*` names (one defined directly, one through a `#define`).
fn split_args_fixture() -> tempfile::TempDir {
    fixture_dir(&[
        ("kernel/sys_ni.c", "asmlinkage long sys_ni_syscall(void)\n{\n\treturn -ENOSYS;\n}\n"),
        (
            "include/asm-generic/compat.h",
            "#ifndef CONFIG_CPU_BIG_ENDIAN\n\
             #define compat_arg_u64_dual(name)\tu32, name##_lo, u32, name##_hi\n\
             #else\n\
             #define compat_arg_u64_dual(name)\tu32, name##_hi, u32, name##_lo\n\
             #endif\n",
        ),
        (
            "fs/rw.c",
            "COMPAT_SYSCALL_DEFINE5(pread64, unsigned int, fd, char __user *, buf,\n\
             \t\tu32, count, compat_arg_u64_dual(pos))\n{\n\treturn 0;\n}\n",
        ),
        ("arch/Kconfig", "config SPLIT_ARGS\n\tbool\n"),
        (
            "arch/little/include/uapi/asm/byteorder.h",
            "#include <linux/byteorder/little_endian.h>\n",
        ),
        (
            "arch/big/include/uapi/asm/byteorder.h",
            "#include <linux/byteorder/big_endian.h>\n",
        ),
        ("arch/big/Kconfig", "config BIG\n\tdef_bool y\n\nconfig CPU_BIG_ENDIAN\n\tdef_bool y\n"),
        (
            "arch/own/kernel/sys32.c",
            "#define arg_pair(name)\tu32, name##_first, u32, name##_second\n\
             COMPAT_SYSCALL_DEFINE6(own_pread64, unsigned int, fd, char __user *, buf,\n\
             \t\tsize_t, count, u32, __pad, arg_pair(pos))\n{ }\n",
        ),
        (
            "arch/ex86/kernel/sys_ia32.c",
            "SYSCALL_DEFINE5(ia32_pread64, unsigned int, fd, char __user *, ubuf,\n\
             \t\tu32, count, u32, poslo, u32, poshi)\n{ }\n\
             COMPAT_SYSCALL_DEFINE3(ia32_lstat64, const char __user *, filename,\n\
             \t\tstruct stat64 __user *, statbuf, int, unused)\n{ }\n",
        ),
        (
            "arch/ex86/include/asm/ia32_aliases.h",
            "#define sys_ia32_lstat64 compat_sys_ia32_lstat64\n",
        ),
        (
            "arch/wide/Kconfig",
            "config 64BIT\n\tbool \"64-bit kernel\"\n\nconfig WIDE32\n\tdef_bool !64BIT\n\n\
             config WIDE64\n\tdef_bool 64BIT\n",
        ),
        (
            "arch/wide/kernel/Makefile",
            "obj-y += sys_wide_$(BITS).o\nobj-$(CONFIG_WIDE32) += entry.o\n",
        ),
        (
            "arch/wide/kernel/sys_wide_32.c",
            "SYSCALL_DEFINE3(mmap, unsigned long, addr, unsigned long, len, unsigned long, pgoff)\n{ }\n",
        ),
        (
            "arch/wide/kernel/sys_wide_64.c",
            "SYSCALL_DEFINE3(mmap, unsigned long, addr, unsigned long, len, unsigned long, off)\n{ }\n",
        ),
        (
            "arch/wide/kernel/entry.S",
            "\t.globl\tsys_fork\nsys_fork:\n\tcall\tsys_fork_impl\n\tnop\n",
        ),
        (
            "arch/wide/kernel/process.c",
            "asmlinkage long sys_fork_impl(unsigned long flags)\n{ return 0; }\n",
        ),
    ])
}

fn param_names(d: Option<&Definition>) -> Vec<String> {
    d.map(|d| d.params.iter().map(|p| p.name.clone()).collect())
        .unwrap_or_default()
}

#[test]
fn argument_macros_expand_by_byte_order() {
    let dir = split_args_fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    let little = defs.resolve("little", "compat_sys_pread64");
    assert_eq!(
        param_names(little),
        ["fd", "buf", "count", "pos_lo", "pos_hi"]
    );
    assert!(defs.rivals_on("little", 0, "compat_sys_pread64").is_empty());
    let big = defs.resolve("big", "compat_sys_pread64");
    assert_eq!(param_names(big), ["fd", "buf", "count", "pos_hi", "pos_lo"]);
    // An arch without a known byte order takes the little-endian form and says so.
    let unknown = defs.resolve("nowhere", "compat_sys_pread64");
    assert_eq!(
        param_names(unknown),
        ["fd", "buf", "count", "pos_lo", "pos_hi"]
    );
    assert_eq!(defs.rivals_on("nowhere", 0, "compat_sys_pread64").len(), 1);
    // A file's own macro wins over the generic header's.
    let own = defs.resolve("own", "compat_sys_own_pread64");
    assert_eq!(
        param_names(own),
        ["fd", "buf", "count", "__pad", "pos_first", "pos_second"]
    );
}

#[test]
fn x86_style_ia32_names_resolve_directly_and_through_defines() {
    let dir = split_args_fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    let pread = defs.resolve_on("ex86", 64, "sys_ia32_pread64").unwrap();
    assert_eq!(pread.kind, DefKind::SyscallDefine);
    assert_eq!(pread.params.len(), 5);
    let lstat = defs.explain_on("ex86", 64, "sys_ia32_lstat64").unwrap();
    assert_eq!(lstat.definition.symbol, "compat_sys_ia32_lstat64");
    assert_eq!(lstat.via.len(), 1);
    // Another arch sees neither.
    assert_eq!(defs.resolve("own", "sys_ia32_pread64"), None);
    assert_eq!(defs.resolve("own", "sys_ia32_lstat64"), None);
}

#[test]
fn kernel_width_picks_the_file_kbuild_builds() {
    let dir = split_args_fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    assert_eq!(
        param_names(defs.resolve_on("wide", 32, "sys_mmap")),
        ["addr", "len", "pgoff"]
    );
    assert_eq!(
        param_names(defs.resolve_on("wide", 64, "sys_mmap")),
        ["addr", "len", "off"]
    );
    // The 32-bit-only entry code does not exist on 64-bit kernels.
    assert_eq!(
        param_names(defs.resolve_on("wide", 32, "sys_fork")),
        ["flags"]
    );
    assert_eq!(defs.resolve_on("wide", 64, "sys_fork"), None);
    assert!(defs
        .why_unresolved_on("wide", 64, "sys_fork")
        .unwrap()
        .contains("not built into a 64-bit wide kernel"));
}

/// Truncated and unbalanced input (an unterminated macro call, comment, string or `#if`)
/// must not panic any of the parsers.
#[test]
fn truncated_sources_never_panic() {
    let c_src = "#ifdef CONFIG_X\n#define arg(n) u32, n##_lo, u32, n##_hi\nSYSCALL_DEFINE3(f, int, a, \
                 arg(b))\n{ /* x */ return -ENOSYS; }\n#else\nasmlinkage long sys_g(void (*fn)(int), \
                 const char __user *s)\n{ \"}\\\"\"; }\n#endif\nCOND_SYSCALL(h);\n\u{e9}t\u{e9}\n";
    let asm_src = "\t.macro m name\nENTRY(sys_\\name\\()_wrapper)\n\tb sys_\\name @ \u{e9}\n\
                   ENDPROC(sys_\\name\\()_wrapper)\n\t.endm\nm foo\n/* open comment\n";
    for (i, _) in c_src.char_indices() {
        let _ = c::parse(&c_src[..i], "arch/x/kernel/a.c");
    }
    for (i, _) in asm_src.char_indices() {
        let _ = asm::parse(&asm_src[..i], "arch/x/kernel/a.S");
    }
    let mut objects = kbuild::ObjectConditions::new();
    let mk =
        "obj-$(CONFIG_A) += a.o \\\nifeq ($(CONFIG_B),y\nobj-y += $(BITS)\nelse\nendif\nendif\n";
    for (i, _) in mk.char_indices() {
        kbuild::read_makefile(&mk[..i], "arch/x", &mut objects);
    }
    let cfg = config::ArchConfig::default();
    for expr in ["defined(", "((", "!", "&&", "A ==", "defined X)", ")"] {
        let _ = config::eval(&cfg, 0, expr);
    }
}

/// A generic clone with two argument orders, and two arches' own clones that store the
/// argument registers into `struct kernel_clone_args`: one in the generic order, one not.
fn clone_fixture() -> tempfile::TempDir {
    fixture_dir(&[
        (
            "kernel/fork.c",
            "#ifdef __ARCH_WANT_SYS_CLONE\n#ifdef CONFIG_CLONE_BACKWARDS\n\
             SYSCALL_DEFINE3(clone, unsigned long, flags, int __user *, tid, unsigned long, sp)\n\
             #else\n\
             SYSCALL_DEFINE3(clone, unsigned long, flags, unsigned long, sp, int __user *, tid)\n\
             #endif\n{\n\tstruct kernel_clone_args args = {\n\t\t.flags = (flags & ~X),\n\
             \t\t.sig = flags & X,\n\t\t.stack = sp,\n\t\t.tid = tid,\n\t};\n\
             \treturn go(&args);\n}\n#endif\n",
        ),
        (
            "arch/m68k/kernel/process.c",
            "asmlinkage int m68k_clone(struct pt_regs *regs)\n{\n\
             \tstruct kernel_clone_args args = {\n\t\t.flags = (u32)(regs->d1) & ~X,\n\
             \t\t.sig = regs->d1 & X,\n\t\t.stack = regs->d2,\n\
             \t\t.tid = (int __user *)regs->d3,\n\t};\n\treturn go(&args);\n}\n",
        ),
        (
            "arch/m68k/kernel/entry.S",
            "ENTRY(__sys_clone)\n\tjbsr\tm68k_clone\n",
        ),
        (
            "arch/sparc/kernel/process.c",
            "asmlinkage long sparc_clone(struct pt_regs *regs)\n{\n\
             \tstruct kernel_clone_args args = {0};\n\tunsigned int f;\n\
             \tf = lower_32_bits(regs->u_regs[UREG_I0]);\n\targs.flags = (f & ~X);\n\
             \targs.sig = f & X;\n\targs.tid = (int __user *)regs->u_regs[UREG_I1];\n\
             \targs.stack = regs->u_regs[UREG_I2];\n\treturn go(&args);\n}\n",
        ),
        (
            "arch/sparc/kernel/entry.S",
            "ENTRY(sys_clone)\n\tcall\tsparc_clone\n",
        ),
        ("arch/Kconfig", "config CLONE_BACKWARDS\n\tbool\n"),
        ("arch/m68k/Kconfig", "config M68K\n\tdef_bool y\n"),
        ("arch/sparc/Kconfig", "config SPARC\n\tdef_bool y\n"),
    ])
}

#[test]
fn clone_stores_take_the_generic_order_only_when_it_is_the_same() {
    let dir = clone_fixture();
    let defs = Definitions::scan(dir.path()).unwrap();
    let generic_of = |arch: &str, symbol: &str| {
        let d = defs.resolve_on(arch, 32, symbol).unwrap();
        assert!(d.takes_pt_regs(), "{}", d.symbol);
        defs.same_as_generic(arch, 32, symbol, d).unwrap()
    };
    // m68k: d1 -> flags, d2 -> stack, d3 -> tid: the generic order without
    // CLONE_BACKWARDS (which m68k does not select), though m68k asks for no generic clone.
    let g = generic_of("m68k", "__sys_clone").unwrap();
    let names: Vec<&str> = g.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["flags", "sp", "tid"]);
    // sparc: %i1 -> tid, %i2 -> stack: CLONE_BACKWARDS's order, which sparc does not select.
    let why = generic_of("sparc", "sys_clone").unwrap_err();
    assert!(
        why.contains("argument register 1") && why.contains("{tid}") && why.contains("{stack}"),
        "{why}"
    );
}
