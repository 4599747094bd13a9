//! The ABI table: one row per Linux syscall ABI, everything the generator needs to know about it.
//!
//! Adding an ABI is adding a row. Every header tree is evaluated with one fixed host triple
//! ([`CLANG_TARGET`]); the ABI is chosen by the `-D`/`-U` of the macros its `asm/unistd.h` tests,
//! because libclang rejects the triples of many arches (and bindgen panics on them). Whether
//! that worked is not taken on trust: the generator checks which `unistd_*.h` was really
//! included, the number ranges, the aliases and the `#undef`s listed here.

/// The one triple every ABI is evaluated with.
pub const CLANG_TARGET: &str = "x86_64-unknown-linux-gnu";

/// Macro prefixes that name syscall numbers (`__ARM_NR_*` are arm's private calls).
pub const SYSCALL_PREFIXES: &[&str] = &["__NR_", "__ARM_NR_"];

/// Kernel arches that exist in `arch/` but have no syscall ABI of their own.
pub const ARCHES_WITHOUT_ABI: &[&str] = &["um"];

/// Macros with a syscall prefix that are never syscalls, on any ABI (older or newer
/// `asm-generic/unistd.h` style headers define them).
pub const COMMON_HELPERS: &[&str] = &["__NR_syscalls", "__NR_arch_specific_syscall"];

/// An `AUDIT_ARCH_*` macro of `linux/audit.h` and when the kernel reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditArch {
    /// The macro: `AUDIT_ARCH_MIPSEL`.
    pub name: &'static str,
    /// For which processes of this ABI the kernel's `syscall_get_arch()` returns it, as a Rust
    /// `cfg` predicate added to the ABI's `rust_cfg` (`target_endian = "little"`); `Some("all()")`
    /// for all of them; `None` when the kernel never reports it for this ABI (arm's
    /// `AUDIT_ARCH_ARMEB`: the kernel says `AUDIT_ARCH_ARM` on big-endian arm too) or when
    /// that depends on more than a `cfg` can tell (arc's ISA). The root `AUDIT_ARCH` of
    /// `syscalls-sys` is the one whose predicate holds on the target.
    pub native_when: Option<&'static str>,
}

/// `AUDIT_ARCH_<name>`, reported for every target of its ABI.
const fn always(name: &'static str) -> AuditArch {
    AuditArch {
        name,
        native_when: Some(ALWAYS),
    }
}

/// `AUDIT_ARCH_<name>`, reported for the targets of one endianness.
const fn when(name: &'static str, cfg: &'static str) -> AuditArch {
    AuditArch {
        name,
        native_when: Some(cfg),
    }
}

/// `AUDIT_ARCH_<name>`, in the ABI's list but never what the kernel reports for it.
const fn never(name: &'static str) -> AuditArch {
    AuditArch {
        name,
        native_when: None,
    }
}

/// The `native_when` of an audit arch that every target of its ABI has.
pub const ALWAYS: &str = "all()";
const LITTLE: &str = r#"target_endian = "little""#;
const BIG: &str = r#"target_endian = "big""#;

/// One Linux syscall ABI.
#[derive(Debug)]
pub struct AbiSpec {
    /// Canonical name, used for module names, JSON keys and CLI arguments.
    pub name: &'static str,
    /// The kernel's `ARCH=` for `make headers`.
    pub kernel_arch: &'static str,
    /// Other spellings of the ABI that `Abi::by_name` accepts besides its canonical name: the
    /// names the kernel (`ARCH=`), Debian, Go (`GOARCH`), libseccomp and the arch field of LLVM
    /// target triples give it. Lowercase, `_` for `-` (`by_name` ignores ASCII case and
    /// treats `-` as `_`).
    pub other_names: &'static [&'static str],
    /// Every `AUDIT_ARCH_*` of `linux/audit.h` whose syscalls use this ABI's numbers (what a
    /// seccomp filter finds in `seccomp_data.arch`), each with when the kernel reports it for a
    /// native process of this ABI.
    pub audit_arches: &'static [AuditArch],
    /// Directory prefix of this arch in zig's bundled headers (`<dir>-linux-any`), if zig has it.
    pub zig_dir: Option<&'static str>,
    /// The file `asm/unistd.h` must include for this ABI.
    pub unistd_header: &'static str,
    /// The `-D`/`-U` arguments that make `asm/unistd.h` select this ABI.
    pub clang_args: &'static [&'static str],
    /// Half-open ranges every syscall number of the ABI falls in.
    pub ranges: &'static [(u64, u64)],
    /// Macros with a syscall prefix that are not syscalls (bases, masks).
    pub helpers: &'static [&'static str],
    /// `(alias, target)`: names defined as another syscall's macro; both must be present and equal.
    pub aliases: &'static [(&'static str, &'static str)],
    /// Names the arch's `asm/unistd.h` `#undef`s: they must not be in the table.
    pub undefined: &'static [&'static str],
    /// Where the kernel source lists this ABI's syscalls and their entry points.
    pub syscall_table: SyscallTable,
    /// How a syscall's arguments occupy this ABI's argument registers.
    pub arg_registers: ArgRegisters,
    /// The Rust `cfg` predicate (besides `target_os`) of targets whose native ABI this is.
    pub rust_cfg: Option<&'static str>,
}

impl AbiSpec {
    /// Whether `nr` lies in one of the ABI's ranges.
    pub fn in_range(&self, nr: u64) -> bool {
        self.ranges.iter().any(|&(lo, hi)| (lo..hi).contains(&nr))
    }

    /// The ranges as text, for error messages: `0..1024, 0xf0000..0x100000`.
    pub fn ranges_text(&self) -> String {
        self.ranges
            .iter()
            .map(|(lo, hi)| format!("{lo:#x}..{hi:#x}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where a kernel source tree lists an ABI's syscalls: `<nr> <abi tag> <name> [<entry> [<compat
/// entry>]]` rows, as `scripts/syscalltbl.sh` reads them to build the kernel's own tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyscallTable {
    /// The `.tbl` file and which of its rows belong to the ABI.
    pub file: TableFile,
    /// Which column holds the entry point of this ABI's kernel.
    pub entry: EntryColumn,
    /// The entry points a 64-bit kernel runs for this (32-bit) ABI, if it has them.
    pub compat: CompatEntries,
}

/// A syscall table file and its row filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFile {
    /// An arch's own table (path relative to the source tree) and the ABI tags (second column)
    /// of this ABI's rows, as the arch's `syscalls/Makefile` passes them to `--abis`; no tags:
    /// every row.
    Arch {
        /// Relative to the kernel source tree.
        path: &'static str,
        /// ABI tags; empty: every row.
        tags: &'static [&'static str],
    },
    /// The generic `scripts/syscall.tbl` (or the arch's `syscalltbl =` override), rows tagged
    /// `common`, `<bits>` or one of the `syscall_abis_<bits>` tags of
    /// `arch/<arch>/kernel/Makefile.syscalls` (`scripts/Makefile.asm-headers`).
    Generic {
        /// 32 or 64: which `syscall_abis_*` list applies.
        bits: u8,
    },
}

/// The column of a table row that names the entry point this ABI's kernel runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryColumn {
    /// The fourth column: the ABI's own kernel.
    Native,
    /// The fifth: the ABI only exists as the compat ABI of a 64-bit kernel (s390's 31-bit ABI,
    /// whose 31-bit kernel is long gone).
    Compat,
}

/// Where the entry points of a 64-bit kernel running this 32-bit ABI are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompatEntries {
    /// No such kernel (64-bit ABIs, 32-bit arches without a 64-bit sibling), or they are the
    /// entry column itself (x32, mips n32, s390).
    None,
    /// The fifth column of the same rows.
    SameRows,
    /// The fifth column of another table, matched by number (arm EABI on arm64 kernels).
    Table {
        /// Relative to the kernel source tree.
        path: &'static str,
        /// ABI tags of the rows that apply.
        tags: &'static [&'static str],
    },
}

/// How the arguments of a syscall occupy the ABI's argument registers.
///
/// On a 64-bit ABI (and x32, mips n32: 64-bit registers) every argument takes one register.
/// On a 32-bit ABI a 64-bit argument (`loff_t`, `u64`, `long long`, …) takes two, in
/// [`PairOrder`], placed by [`PairRule`]: the argument-passing rules of the arch's C calling
/// convention, because a 32-bit kernel hands the registers to the C entry point as its
/// arguments. The kernel states each rule where it reassembles split arguments for the
/// compat entry points (cited on each constant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgRegisters {
    /// Width of one argument register as the ABI uses it: 32 or 64.
    pub bits: u8,
    /// Where a 64-bit argument's register pair may start (32-bit ABIs).
    pub pairs: PairRule,
    /// Which half of a 64-bit argument comes first (32-bit ABIs).
    pub order: PairOrder,
}

/// Where a 64-bit argument's register pair may start on a 32-bit ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairRule {
    /// In the next register, whatever its index.
    Consecutive,
    /// In an even-numbered argument register (0, 2, 4): an odd one is skipped (a pad).
    EvenAligned,
    /// In the next register, unless the pair would straddle the first `n` registers and the
    /// rest (registers vs stack in the C convention): then at register `n`, skipping the rest.
    NotAcross(u8),
}

/// Which half of a 64-bit argument occupies the first register of its pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairOrder {
    /// The low 32 bits (little-endian-only arches).
    LowFirst,
    /// The high 32 bits (big-endian-only arches).
    HighFirst,
    /// In memory order: low first on little-endian builds, high first on big-endian ones
    /// (bi-endian arches: arm, mips, sh, microblaze, xtensa).
    ByteOrder,
}

/// 64-bit registers: every argument in one.
const REGS_64: ArgRegisters = ArgRegisters {
    bits: 64,
    pairs: PairRule::Consecutive,
    order: PairOrder::ByteOrder,
};

/// 32-bit, pairs in the next two registers, low half first.
const REGS_32_CONSECUTIVE_LOW_FIRST: ArgRegisters = ArgRegisters {
    bits: 32,
    pairs: PairRule::Consecutive,
    order: PairOrder::LowFirst,
};

/// 32-bit, pairs in the next two registers, high half first (big-endian-only arches).
const REGS_32_CONSECUTIVE_HIGH_FIRST: ArgRegisters = ArgRegisters {
    bits: 32,
    pairs: PairRule::Consecutive,
    order: PairOrder::HighFirst,
};

/// 32-bit, pairs in the next two registers, in byte order.
const REGS_32_CONSECUTIVE: ArgRegisters = ArgRegisters {
    bits: 32,
    pairs: PairRule::Consecutive,
    order: PairOrder::ByteOrder,
};

/// 32-bit, pairs start at an even register, in byte order.
const REGS_32_EVEN_PAIRS: ArgRegisters = ArgRegisters {
    bits: 32,
    pairs: PairRule::EvenAligned,
    order: PairOrder::ByteOrder,
};

/// The generic table's rows of a 64-bit ABI.
const GENERIC_64: SyscallTable = SyscallTable {
    file: TableFile::Generic { bits: 64 },
    entry: EntryColumn::Native,
    compat: CompatEntries::None,
};

/// The generic table's rows of a 32-bit ABI without a 64-bit sibling kernel.
const GENERIC_32: SyscallTable = SyscallTable {
    file: TableFile::Generic { bits: 32 },
    entry: EntryColumn::Native,
    compat: CompatEntries::None,
};

/// A whole arch table, native entries only.
const fn arch_table(path: &'static str, tags: &'static [&'static str]) -> SyscallTable {
    SyscallTable {
        file: TableFile::Arch { path, tags },
        entry: EntryColumn::Native,
        compat: CompatEntries::None,
    }
}

/// An arch table whose fifth column holds the entries of a 64-bit kernel running this ABI.
const fn arch_table_with_compat(path: &'static str, tags: &'static [&'static str]) -> SyscallTable {
    SyscallTable {
        file: TableFile::Arch { path, tags },
        entry: EntryColumn::Native,
        compat: CompatEntries::SameRows,
    }
}

/// The defaults of the optional columns: the ordinary number range, no helpers, aliases or
/// `#undef`s. Rows override what differs.
const ROW: AbiSpec = AbiSpec {
    name: "",
    kernel_arch: "",
    other_names: &[],
    audit_arches: &[],
    zig_dir: None,
    unistd_header: "unistd_32.h",
    clang_args: &[],
    ranges: ORDINARY,
    helpers: &[],
    aliases: &[],
    undefined: &[],
    syscall_table: SyscallTable {
        file: TableFile::Generic { bits: 32 },
        entry: EntryColumn::Native,
        compat: CompatEntries::None,
    },
    arg_registers: REGS_32_CONSECUTIVE_LOW_FIRST,
    rust_cfg: None,
};

const ORDINARY: &[(u64, u64)] = &[(0, 1024)];

const ARM_HELPERS: &[&str] = &[
    "__NR_OABI_SYSCALL_BASE",
    "__NR_SYSCALL_BASE",
    "__NR_SYSCALL_MASK",
    "__ARM_NR_BASE",
];
const ARM_ALIASES: &[(&str, &str)] = &[("sync_file_range2", "arm_sync_file_range")];
const MIPS_HELPERS: &[&str] = &["__NR_Linux"];

/// Every Linux syscall ABI, in the order of `shared/ABIS.md`.
pub const ABIS: &[AbiSpec] = &[
    AbiSpec {
        name: "x86_64",
        kernel_arch: "x86",
        other_names: &["amd64"],
        audit_arches: &[always("AUDIT_ARCH_X86_64")],
        zig_dir: Some("x86"),
        unistd_header: "unistd_64.h",
        clang_args: &["-U__i386__", "-U__ILP32__"],
        syscall_table: arch_table("arch/x86/entry/syscalls/syscall_64.tbl", &["common", "64"]),
        arg_registers: REGS_64,
        rust_cfg: Some(r#"all(target_arch = "x86_64", target_pointer_width = "64")"#),
        ..ROW
    },
    AbiSpec {
        name: "x86",
        kernel_arch: "x86",
        other_names: &["i386", "i486", "i586", "i686", "386", "ia32"],
        audit_arches: &[always("AUDIT_ARCH_I386")],
        zig_dir: Some("x86"),
        clang_args: &["-D__i386__"],
        syscall_table: arch_table_with_compat("arch/x86/entry/syscalls/syscall_32.tbl", &["i386"]),
        // Pairs in the next two registers, low half first: arch/x86/kernel/sys_ia32.c
        // (`ia32_pread64(fd, ubuf, count, poslo, poshi)`, `ia32_fadvise64_64`).
        arg_registers: REGS_32_CONSECUTIVE_LOW_FIRST,
        rust_cfg: Some(r#"target_arch = "x86""#),
        ..ROW
    },
    AbiSpec {
        name: "x32",
        kernel_arch: "x86",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_X86_64")],
        zig_dir: Some("x86"),
        unistd_header: "unistd_x32.h",
        clang_args: &["-U__i386__", "-D__ILP32__"],
        ranges: &[(0x4000_0000, 0x4000_0400)],
        syscall_table: arch_table("arch/x86/entry/syscalls/syscall_64.tbl", &["common", "x32"]),
        // x32 runs on the 64-bit kernel's registers: arch/x86/entry/syscall_64.c.
        arg_registers: REGS_64,
        rust_cfg: Some(r#"all(target_arch = "x86_64", target_pointer_width = "32")"#),
        ..ROW
    },
    AbiSpec {
        name: "aarch64",
        kernel_arch: "arm64",
        other_names: &["arm64", "aarch64_be", "arm64be"],
        audit_arches: &[always("AUDIT_ARCH_AARCH64")],
        zig_dir: Some("aarch64"),
        unistd_header: "unistd_64.h",
        syscall_table: GENERIC_64,
        arg_registers: REGS_64,
        rust_cfg: Some(r#"target_arch = "aarch64""#),
        ..ROW
    },
    AbiSpec {
        name: "arm",
        kernel_arch: "arm",
        other_names: &[
            "armel",
            "armhf",
            "armeb",
            "armv4t",
            "armv5te",
            "armv6",
            "armv7",
            "armv7a",
            "armv7l",
            "thumb",
            "thumbeb",
            "thumbv7neon",
        ],
        audit_arches: &[always("AUDIT_ARCH_ARM"), never("AUDIT_ARCH_ARMEB")],
        zig_dir: Some("arm"),
        unistd_header: "unistd-eabi.h",
        clang_args: &["-D__ARM_EABI__"],
        ranges: &[(0, 1024), (0x0f_0000, 0x10_0000)],
        helpers: ARM_HELPERS,
        aliases: ARM_ALIASES,
        syscall_table: SyscallTable {
            file: TableFile::Arch {
                path: "arch/arm/tools/syscall.tbl",
                tags: &["common", "eabi"],
            },
            entry: EntryColumn::Native,
            // The fifth column of arm's own table is for OABI; an arm64 kernel runs EABI
            // tasks from its own 32-bit table.
            compat: CompatEntries::Table {
                path: "arch/arm64/tools/syscall_32.tbl",
                tags: &["common", "32"],
            },
        },
        // EABI starts a 64-bit pair at an even register: arch/arm64/kernel/sys32.c
        // (`aarch32_pread64(fd, buf, count, __pad, arg_u32p(pos))`, `arg_u32p` in byte order).
        arg_registers: REGS_32_EVEN_PAIRS,
        rust_cfg: Some(r#"target_arch = "arm""#),
        ..ROW
    },
    AbiSpec {
        name: "arm_oabi",
        kernel_arch: "arm",
        other_names: &["oabi"],
        audit_arches: &[always("AUDIT_ARCH_ARM"), never("AUDIT_ARCH_ARMEB")],
        zig_dir: Some("arm"),
        unistd_header: "unistd-oabi.h",
        clang_args: &["-U__ARM_EABI__", "-U__thumb__"],
        ranges: &[(0x90_0000, 0x90_0400), (0x9f_0000, 0xa0_0000)],
        helpers: ARM_HELPERS,
        aliases: ARM_ALIASES,
        syscall_table: arch_table_with_compat("arch/arm/tools/syscall.tbl", &["common", "oabi"]),
        // OABI pairs follow in the next registers: arch/arm/kernel/entry-common.S
        // (`sys_oabi_pread64` moves pos from r3/r4 to where the EABI `sys_pread64` wants it).
        arg_registers: REGS_32_CONSECUTIVE,
        ..ROW
    },
    AbiSpec {
        name: "riscv64",
        kernel_arch: "riscv",
        other_names: &["riscv64gc"],
        audit_arches: &[always("AUDIT_ARCH_RISCV64")],
        zig_dir: Some("riscv"),
        unistd_header: "unistd_64.h",
        clang_args: &["-U__SIZEOF_POINTER__", "-D__SIZEOF_POINTER__=8"],
        syscall_table: GENERIC_64,
        arg_registers: REGS_64,
        rust_cfg: Some(r#"target_arch = "riscv64""#),
        ..ROW
    },
    AbiSpec {
        name: "riscv32",
        kernel_arch: "riscv",
        other_names: &["riscv32gc"],
        audit_arches: &[always("AUDIT_ARCH_RISCV32")],
        zig_dir: Some("riscv"),
        clang_args: &["-U__SIZEOF_POINTER__", "-D__SIZEOF_POINTER__=4"],
        syscall_table: SyscallTable {
            compat: CompatEntries::SameRows,
            ..GENERIC_32
        },
        // Pairs in the next registers, low half first: fs/read_write.c (`compat_sys_pread64`
        // with `compat_arg_u64_dual(pos)`, include/asm-generic/compat.h), which riscv's
        // compat kernel runs (`__ARCH_WANT_COMPAT_PREAD64`, arch/riscv/include/asm/unistd.h).
        arg_registers: REGS_32_CONSECUTIVE_LOW_FIRST,
        rust_cfg: Some(r#"target_arch = "riscv32""#),
        ..ROW
    },
    AbiSpec {
        name: "loongarch64",
        kernel_arch: "loongarch",
        other_names: &["loong64"],
        audit_arches: &[always("AUDIT_ARCH_LOONGARCH64")],
        zig_dir: Some("loongarch"),
        unistd_header: "unistd_64.h",
        clang_args: &["-U__SIZEOF_LONG__", "-D__SIZEOF_LONG__=8"],
        syscall_table: GENERIC_64,
        arg_registers: REGS_64,
        rust_cfg: Some(r#"target_arch = "loongarch64""#),
        ..ROW
    },
    AbiSpec {
        name: "loongarch32",
        kernel_arch: "loongarch",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_LOONGARCH32")],
        zig_dir: Some("loongarch"),
        clang_args: &["-U__SIZEOF_LONG__", "-D__SIZEOF_LONG__=4"],
        syscall_table: GENERIC_32,
        // The kernel has no split wrapper here; the LoongArch ILP32 calling convention passes
        // a 64-bit scalar in the next two registers, low half first (as RISC-V's does).
        arg_registers: REGS_32_CONSECUTIVE_LOW_FIRST,
        rust_cfg: Some(r#"target_arch = "loongarch32""#),
        ..ROW
    },
    AbiSpec {
        name: "powerpc64",
        kernel_arch: "powerpc",
        other_names: &["ppc64", "ppc64le", "ppc64el", "powerpc64le"],
        audit_arches: &[
            when("AUDIT_ARCH_PPC64", BIG),
            when("AUDIT_ARCH_PPC64LE", LITTLE),
        ],
        zig_dir: Some("powerpc"),
        unistd_header: "unistd_64.h",
        clang_args: &["-D__powerpc64__"],
        syscall_table: arch_table(
            "arch/powerpc/kernel/syscalls/syscall.tbl",
            &["common", "nospu", "64"],
        ),
        arg_registers: REGS_64,
        rust_cfg: Some(r#"target_arch = "powerpc64""#),
        ..ROW
    },
    AbiSpec {
        name: "powerpc",
        kernel_arch: "powerpc",
        other_names: &["ppc"],
        audit_arches: &[always("AUDIT_ARCH_PPC")],
        zig_dir: Some("powerpc"),
        clang_args: &["-U__powerpc64__"],
        syscall_table: arch_table_with_compat(
            "arch/powerpc/kernel/syscalls/syscall.tbl",
            &["common", "nospu", "32"],
        ),
        // A pair starts at an odd GPR (r3, r5, r7: even argument index), high half first:
        // arch/powerpc/kernel/sys_ppc32.c (`ppc_pread64(fd, ubuf, count, reg6, pos1, pos2)`,
        // `merge_64(high, low)`).
        arg_registers: ArgRegisters {
            bits: 32,
            pairs: PairRule::EvenAligned,
            order: PairOrder::HighFirst,
        },
        rust_cfg: Some(r#"target_arch = "powerpc""#),
        ..ROW
    },
    AbiSpec {
        name: "s390x",
        kernel_arch: "s390",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_S390X")],
        zig_dir: Some("s390x"),
        unistd_header: "unistd_64.h",
        clang_args: &["-D__s390x__"],
        syscall_table: arch_table("arch/s390/kernel/syscalls/syscall.tbl", &["common", "64"]),
        arg_registers: REGS_64,
        rust_cfg: Some(r#"target_arch = "s390x""#),
        ..ROW
    },
    AbiSpec {
        name: "s390",
        kernel_arch: "s390",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_S390")],
        clang_args: &["-U__s390x__"],
        // Only ever the compat ABI of 64-bit kernels: the fifth column is its entry.
        syscall_table: SyscallTable {
            file: TableFile::Arch {
                path: "arch/s390/kernel/syscalls/syscall.tbl",
                tags: &["common", "32"],
            },
            entry: EntryColumn::Compat,
            compat: CompatEntries::None,
        },
        // High half first, in the next registers: arch/s390/kernel/compat_linux.c
        // (`s390_pread64(fd, ubuf, count, high, low)`).
        arg_registers: REGS_32_CONSECUTIVE_HIGH_FIRST,
        ..ROW
    },
    AbiSpec {
        name: "mips_o32",
        kernel_arch: "mips",
        other_names: &[
            "mips",
            "mipsel",
            "mipsle",
            "mips32r6",
            "mips32r6el",
            "mipsr6",
            "mipsr6el",
            "mipsisa32r6",
            "mipsisa32r6el",
        ],
        audit_arches: &[
            when("AUDIT_ARCH_MIPS", BIG),
            when("AUDIT_ARCH_MIPSEL", LITTLE),
        ],
        zig_dir: Some("mips"),
        unistd_header: "unistd_o32.h",
        clang_args: &["-D_MIPS_SIM=1"],
        ranges: &[(4000, 5000)],
        helpers: MIPS_HELPERS,
        syscall_table: arch_table_with_compat("arch/mips/kernel/syscalls/syscall_o32.tbl", &[]),
        // o32 starts a pair at an even register, in byte order: arch/mips/kernel/linux32.c
        // (`32_pread(fd, buf, count, unused, a4, a5)`, `merge_64` by endianness).
        arg_registers: REGS_32_EVEN_PAIRS,
        rust_cfg: Some(r#"any(target_arch = "mips", target_arch = "mips32r6")"#),
        ..ROW
    },
    AbiSpec {
        name: "mips_n32",
        kernel_arch: "mips",
        other_names: &["mipsn32", "mipsn32el", "mips64n32", "mipsel64n32"],
        audit_arches: &[
            when("AUDIT_ARCH_MIPS64N32", BIG),
            when("AUDIT_ARCH_MIPSEL64N32", LITTLE),
        ],
        zig_dir: Some("mips"),
        unistd_header: "unistd_n32.h",
        clang_args: &["-D_MIPS_SIM=2"],
        ranges: &[(6000, 7000)],
        helpers: MIPS_HELPERS,
        syscall_table: arch_table("arch/mips/kernel/syscalls/syscall_n32.tbl", &[]),
        // n32 passes 64-bit values in one 64-bit register: arch/mips/kernel/scall64-n32.S.
        arg_registers: REGS_64,
        rust_cfg: Some(
            r#"all(any(target_arch = "mips64", target_arch = "mips64r6"), target_pointer_width = "32")"#,
        ),
        ..ROW
    },
    AbiSpec {
        name: "mips_n64",
        kernel_arch: "mips",
        other_names: &[
            "mips64",
            "mips64el",
            "mips64le",
            "mipsel64",
            "mips64r6",
            "mips64r6el",
            "mipsisa64r6",
            "mipsisa64r6el",
        ],
        audit_arches: &[
            when("AUDIT_ARCH_MIPS64", BIG),
            when("AUDIT_ARCH_MIPSEL64", LITTLE),
        ],
        zig_dir: Some("mips"),
        unistd_header: "unistd_n64.h",
        clang_args: &["-D_MIPS_SIM=3"],
        ranges: &[(5000, 6000)],
        helpers: MIPS_HELPERS,
        syscall_table: arch_table("arch/mips/kernel/syscalls/syscall_n64.tbl", &[]),
        arg_registers: REGS_64,
        rust_cfg: Some(
            r#"all(any(target_arch = "mips64", target_arch = "mips64r6"), target_pointer_width = "64")"#,
        ),
        ..ROW
    },
    AbiSpec {
        name: "sparc64",
        kernel_arch: "sparc",
        other_names: &["sparcv9"],
        audit_arches: &[always("AUDIT_ARCH_SPARC64")],
        zig_dir: Some("sparc"),
        unistd_header: "unistd_64.h",
        clang_args: &["-D__arch64__"],
        syscall_table: arch_table("arch/sparc/kernel/syscalls/syscall.tbl", &["common", "64"]),
        arg_registers: REGS_64,
        rust_cfg: Some(r#"target_arch = "sparc64""#),
        ..ROW
    },
    AbiSpec {
        name: "sparc",
        kernel_arch: "sparc",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_SPARC")],
        zig_dir: Some("sparc"),
        clang_args: &["-U__arch64__"],
        syscall_table: arch_table_with_compat(
            "arch/sparc/kernel/syscalls/syscall.tbl",
            &["common", "32"],
        ),
        // Pairs in the next registers, high half first: arch/sparc/kernel/sys_sparc32.c
        // (`compat_sys_pread64(fd, ubuf, count, poshi, poslo)`).
        arg_registers: REGS_32_CONSECUTIVE_HIGH_FIRST,
        rust_cfg: Some(r#"target_arch = "sparc""#),
        ..ROW
    },
    AbiSpec {
        name: "parisc64",
        kernel_arch: "parisc",
        other_names: &["hppa64"],
        audit_arches: &[always("AUDIT_ARCH_PARISC64")],
        unistd_header: "unistd_64.h",
        clang_args: &["-D__LP64__"],
        syscall_table: arch_table("arch/parisc/kernel/syscalls/syscall.tbl", &["common", "64"]),
        arg_registers: REGS_64,
        ..ROW
    },
    AbiSpec {
        name: "parisc",
        kernel_arch: "parisc",
        other_names: &["hppa"],
        audit_arches: &[always("AUDIT_ARCH_PARISC")],
        clang_args: &["-U__LP64__"],
        syscall_table: arch_table_with_compat(
            "arch/parisc/kernel/syscalls/syscall.tbl",
            &["common", "32"],
        ),
        // The PA-RISC convention puts a 64-bit argument in an aligned pair (arg1:arg0 or
        // arg3:arg2), high half first; the kernel's own wrappers split such arguments
        // explicitly (arch/parisc/kernel/sys_parisc.c: `parisc_fallocate(fd, mode, offhi,
        // offlo, lenhi, lenlo)`).
        arg_registers: ArgRegisters {
            bits: 32,
            pairs: PairRule::EvenAligned,
            order: PairOrder::HighFirst,
        },
        ..ROW
    },
    AbiSpec {
        name: "alpha",
        kernel_arch: "alpha",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_ALPHA")],
        aliases: &[
            ("getgid", "getxgid"),
            ("getpid", "getxpid"),
            ("getuid", "getxuid"),
            ("osf_shmat", "shmat"),
            ("umount", "umount2"),
        ],
        syscall_table: arch_table("arch/alpha/kernel/syscalls/syscall.tbl", &[]),
        arg_registers: REGS_64,
        ..ROW
    },
    AbiSpec {
        name: "arc",
        kernel_arch: "arc",
        other_names: &[],
        // Which of the four the kernel reports depends on the ISA it was built for (ARCompact
        // or ARCv2) and its endianness; Rust has no arc target to tell them apart.
        audit_arches: &[
            never("AUDIT_ARCH_ARCOMPACT"),
            never("AUDIT_ARCH_ARCOMPACTBE"),
            never("AUDIT_ARCH_ARCV2"),
            never("AUDIT_ARCH_ARCV2BE"),
        ],
        zig_dir: Some("arc"),
        syscall_table: GENERIC_32,
        // ARC's calling convention starts a 64-bit argument at an even register.
        arg_registers: REGS_32_EVEN_PAIRS,
        ..ROW
    },
    AbiSpec {
        name: "csky",
        kernel_arch: "csky",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_CSKY")],
        zig_dir: Some("csky"),
        undefined: &["sync_file_range"],
        syscall_table: GENERIC_32,
        // abiv2 (the one Linux and Rust build for) passes pairs in the next registers, low
        // half first; abiv1 aligned them, which is why arch/csky/kernel/syscall.c reorders
        // `csky_fadvise64_64(fd, advice, offset, len)`.
        arg_registers: REGS_32_CONSECUTIVE_LOW_FIRST,
        rust_cfg: Some(r#"target_arch = "csky""#),
        ..ROW
    },
    AbiSpec {
        name: "hexagon",
        kernel_arch: "hexagon",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_HEXAGON")],
        zig_dir: Some("hexagon"),
        undefined: &["sync_file_range"],
        syscall_table: GENERIC_32,
        // Register pairs are aligned (r1:0, r3:2, r5:4), low half first; hence
        // `hexagon_fadvise64_64(fd, advice, offset, len)` in arch/hexagon/kernel/syscalltab.c.
        arg_registers: ArgRegisters {
            bits: 32,
            pairs: PairRule::EvenAligned,
            order: PairOrder::LowFirst,
        },
        rust_cfg: Some(r#"target_arch = "hexagon""#),
        ..ROW
    },
    AbiSpec {
        name: "m68k",
        kernel_arch: "m68k",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_M68K")],
        zig_dir: Some("m68k"),
        syscall_table: arch_table("arch/m68k/kernel/syscalls/syscall.tbl", &[]),
        // d1-d5/a0 are pushed as the C argument block (arch/m68k/kernel/entry.S): pairs are
        // consecutive slots, high half first.
        arg_registers: REGS_32_CONSECUTIVE_HIGH_FIRST,
        rust_cfg: Some(r#"target_arch = "m68k""#),
        ..ROW
    },
    AbiSpec {
        name: "microblaze",
        kernel_arch: "microblaze",
        other_names: &["microblazeel"],
        audit_arches: &[always("AUDIT_ARCH_MICROBLAZE")],
        syscall_table: arch_table("arch/microblaze/kernel/syscalls/syscall.tbl", &[]),
        arg_registers: REGS_32_CONSECUTIVE,
        ..ROW
    },
    AbiSpec {
        name: "nios2",
        kernel_arch: "nios2",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_NIOS2")],
        syscall_table: GENERIC_32,
        arg_registers: REGS_32_CONSECUTIVE_LOW_FIRST,
        ..ROW
    },
    AbiSpec {
        name: "openrisc",
        kernel_arch: "openrisc",
        other_names: &["or1k"],
        audit_arches: &[always("AUDIT_ARCH_OPENRISC")],
        syscall_table: GENERIC_32,
        arg_registers: REGS_32_CONSECUTIVE_HIGH_FIRST,
        ..ROW
    },
    AbiSpec {
        name: "sh",
        kernel_arch: "sh",
        other_names: &["sh4", "sh3"],
        audit_arches: &[when("AUDIT_ARCH_SH", BIG), when("AUDIT_ARCH_SHEL", LITTLE)],
        syscall_table: arch_table("arch/sh/kernel/syscalls/syscall.tbl", &[]),
        // A pair never straddles r7 and the stack: arch/sh/kernel/sys_sh32.c
        // (`sys_pread_wrapper(fd, buf, count, dummy, pos)`); `SC_ARG64` in byte order.
        arg_registers: ArgRegisters {
            bits: 32,
            pairs: PairRule::NotAcross(4),
            order: PairOrder::ByteOrder,
        },
        ..ROW
    },
    AbiSpec {
        name: "xtensa",
        kernel_arch: "xtensa",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_XTENSA")],
        zig_dir: Some("xtensa"),
        syscall_table: arch_table("arch/xtensa/kernel/syscalls/syscall.tbl", &[]),
        // Pairs start at an even register: hence `xtensa_fadvise64_64(fd, advice, offset,
        // len)` in arch/xtensa/kernel/syscall.c.
        arg_registers: REGS_32_EVEN_PAIRS,
        rust_cfg: Some(r#"target_arch = "xtensa""#),
        ..ROW
    },
];

/// The ABI named `name`, if the table has it.
pub fn find(name: &str) -> Option<&'static AbiSpec> {
    ABIS.iter().find(|abi| abi.name == name)
}

/// Whether `arch` is a kernel arch directory the table knows (with or without an ABI).
pub fn is_known_kernel_arch(specs: &[AbiSpec], arch: &str) -> bool {
    ARCHES_WITHOUT_ABI.contains(&arch) || specs.iter().any(|abi| abi.kernel_arch == arch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_lowercase_identifiers() {
        let mut seen = BTreeSet::new();
        for abi in ABIS {
            assert!(seen.insert(abi.name), "duplicate ABI {}", abi.name);
            assert!(
                abi.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{} is not a module name",
                abi.name
            );
        }
        assert_eq!(ABIS.len(), 31);
    }

    #[test]
    fn ranges_of_one_arch_do_not_overlap() {
        for a in ABIS {
            for b in ABIS {
                if a.name >= b.name || a.kernel_arch != b.kernel_arch {
                    continue;
                }
                let overlap = a
                    .ranges
                    .iter()
                    .any(|&(alo, ahi)| b.ranges.iter().any(|&(blo, bhi)| alo < bhi && blo < ahi));
                // ABIs of one arch told apart by number (mips, x32) must not share a range; the
                // others share the ordinary range and are told apart by the selected header.
                let ordinary = a.ranges == ORDINARY || b.ranges == ORDINARY;
                assert!(
                    !overlap || ordinary || a.kernel_arch == "arm",
                    "{} / {}",
                    a.name,
                    b.name
                );
            }
        }
    }

    #[test]
    fn rust_cfgs_parse_and_are_distinct() {
        let mut seen = BTreeSet::new();
        for abi in ABIS {
            if let Some(cfg) = abi.rust_cfg {
                syn::parse_str::<syn::Meta>(cfg).unwrap_or_else(|e| panic!("{}: {e}", abi.name));
                assert!(seen.insert(cfg), "{} repeats a cfg", abi.name);
            }
        }
    }

    #[test]
    fn other_names_are_unique_and_never_another_abis_name() {
        let mut seen = BTreeSet::new();
        for abi in ABIS {
            assert!(seen.insert(abi.name), "{}", abi.name);
        }
        for abi in ABIS {
            for name in abi.other_names {
                assert!(seen.insert(name), "{name} of {} is taken", abi.name);
                assert!(
                    name.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "{name}: lowercase, digits and _ only"
                );
            }
        }
    }

    /// Every ABI with Rust targets has exactly one native audit arch per endianness, so that the
    /// root `AUDIT_ARCH` is defined once on each of its targets.
    #[test]
    fn native_audit_arches_cover_each_endianness_once() {
        for abi in ABIS {
            assert!(!abi.audit_arches.is_empty(), "{}", abi.name);
            let names: BTreeSet<&str> = abi.audit_arches.iter().map(|a| a.name).collect();
            assert_eq!(names.len(), abi.audit_arches.len(), "{}", abi.name);
            assert!(abi
                .audit_arches
                .iter()
                .all(|a| a.name.starts_with("AUDIT_ARCH_")));
            if abi.rust_cfg.is_none() {
                continue;
            }
            let native: Vec<&str> = abi
                .audit_arches
                .iter()
                .filter_map(|a| a.native_when)
                .collect();
            let covered = match native.as_slice() {
                [ALWAYS] => true,
                [a, b] => BTreeSet::from([*a, *b]) == BTreeSet::from([LITTLE, BIG]),
                _ => false,
            };
            assert!(covered, "{}: native audit arches {native:?}", abi.name);
            for cfg in native {
                syn::parse_str::<syn::Meta>(cfg).unwrap_or_else(|e| panic!("{}: {e}", abi.name));
            }
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(find("mips_n32").unwrap().kernel_arch, "mips");
        assert!(find("ia64").is_none());
        assert!(is_known_kernel_arch(ABIS, "um"));
        assert!(is_known_kernel_arch(ABIS, "arm64"));
        assert!(!is_known_kernel_arch(ABIS, "ia64"));
    }
}
