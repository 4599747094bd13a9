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
        rust_cfg: Some(r#"target_arch = "s390x""#),
        ..ROW
    },
    AbiSpec {
        name: "s390",
        kernel_arch: "s390",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_S390")],
        clang_args: &["-U__s390x__"],
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
        ..ROW
    },
    AbiSpec {
        name: "parisc",
        kernel_arch: "parisc",
        other_names: &["hppa"],
        audit_arches: &[always("AUDIT_ARCH_PARISC")],
        clang_args: &["-U__LP64__"],
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
        ..ROW
    },
    AbiSpec {
        name: "csky",
        kernel_arch: "csky",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_CSKY")],
        zig_dir: Some("csky"),
        undefined: &["sync_file_range"],
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
        rust_cfg: Some(r#"target_arch = "hexagon""#),
        ..ROW
    },
    AbiSpec {
        name: "m68k",
        kernel_arch: "m68k",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_M68K")],
        zig_dir: Some("m68k"),
        rust_cfg: Some(r#"target_arch = "m68k""#),
        ..ROW
    },
    AbiSpec {
        name: "microblaze",
        kernel_arch: "microblaze",
        other_names: &["microblazeel"],
        audit_arches: &[always("AUDIT_ARCH_MICROBLAZE")],
        ..ROW
    },
    AbiSpec {
        name: "nios2",
        kernel_arch: "nios2",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_NIOS2")],
        ..ROW
    },
    AbiSpec {
        name: "openrisc",
        kernel_arch: "openrisc",
        other_names: &["or1k"],
        audit_arches: &[always("AUDIT_ARCH_OPENRISC")],
        ..ROW
    },
    AbiSpec {
        name: "sh",
        kernel_arch: "sh",
        other_names: &["sh4", "sh3"],
        audit_arches: &[when("AUDIT_ARCH_SH", BIG), when("AUDIT_ARCH_SHEL", LITTLE)],
        ..ROW
    },
    AbiSpec {
        name: "xtensa",
        kernel_arch: "xtensa",
        other_names: &[],
        audit_arches: &[always("AUDIT_ARCH_XTENSA")],
        zig_dir: Some("xtensa"),
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
