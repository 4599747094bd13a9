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

/// One Linux syscall ABI.
#[derive(Debug)]
pub struct AbiSpec {
    /// Canonical name, used for module names, JSON keys and CLI arguments.
    pub name: &'static str,
    /// The kernel's `ARCH=` for `make headers`.
    pub kernel_arch: &'static str,
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
        zig_dir: Some("x86"),
        unistd_header: "unistd_64.h",
        clang_args: &["-U__i386__", "-U__ILP32__"],
        rust_cfg: Some(r#"all(target_arch = "x86_64", target_pointer_width = "64")"#),
        ..ROW
    },
    AbiSpec {
        name: "x86",
        kernel_arch: "x86",
        zig_dir: Some("x86"),
        clang_args: &["-D__i386__"],
        rust_cfg: Some(r#"target_arch = "x86""#),
        ..ROW
    },
    AbiSpec {
        name: "x32",
        kernel_arch: "x86",
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
        zig_dir: Some("aarch64"),
        unistd_header: "unistd_64.h",
        rust_cfg: Some(r#"target_arch = "aarch64""#),
        ..ROW
    },
    AbiSpec {
        name: "arm",
        kernel_arch: "arm",
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
        zig_dir: Some("riscv"),
        unistd_header: "unistd_64.h",
        clang_args: &["-U__SIZEOF_POINTER__", "-D__SIZEOF_POINTER__=8"],
        rust_cfg: Some(r#"target_arch = "riscv64""#),
        ..ROW
    },
    AbiSpec {
        name: "riscv32",
        kernel_arch: "riscv",
        zig_dir: Some("riscv"),
        clang_args: &["-U__SIZEOF_POINTER__", "-D__SIZEOF_POINTER__=4"],
        rust_cfg: Some(r#"target_arch = "riscv32""#),
        ..ROW
    },
    AbiSpec {
        name: "loongarch64",
        kernel_arch: "loongarch",
        zig_dir: Some("loongarch"),
        unistd_header: "unistd_64.h",
        clang_args: &["-U__SIZEOF_LONG__", "-D__SIZEOF_LONG__=8"],
        rust_cfg: Some(r#"target_arch = "loongarch64""#),
        ..ROW
    },
    AbiSpec {
        name: "loongarch32",
        kernel_arch: "loongarch",
        zig_dir: Some("loongarch"),
        clang_args: &["-U__SIZEOF_LONG__", "-D__SIZEOF_LONG__=4"],
        rust_cfg: Some(r#"target_arch = "loongarch32""#),
        ..ROW
    },
    AbiSpec {
        name: "powerpc64",
        kernel_arch: "powerpc",
        zig_dir: Some("powerpc"),
        unistd_header: "unistd_64.h",
        clang_args: &["-D__powerpc64__"],
        rust_cfg: Some(r#"target_arch = "powerpc64""#),
        ..ROW
    },
    AbiSpec {
        name: "powerpc",
        kernel_arch: "powerpc",
        zig_dir: Some("powerpc"),
        clang_args: &["-U__powerpc64__"],
        rust_cfg: Some(r#"target_arch = "powerpc""#),
        ..ROW
    },
    AbiSpec {
        name: "s390x",
        kernel_arch: "s390",
        zig_dir: Some("s390x"),
        unistd_header: "unistd_64.h",
        clang_args: &["-D__s390x__"],
        rust_cfg: Some(r#"target_arch = "s390x""#),
        ..ROW
    },
    AbiSpec {
        name: "s390",
        kernel_arch: "s390",
        clang_args: &["-U__s390x__"],
        ..ROW
    },
    AbiSpec {
        name: "mips_o32",
        kernel_arch: "mips",
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
        zig_dir: Some("sparc"),
        unistd_header: "unistd_64.h",
        clang_args: &["-D__arch64__"],
        rust_cfg: Some(r#"target_arch = "sparc64""#),
        ..ROW
    },
    AbiSpec {
        name: "sparc",
        kernel_arch: "sparc",
        zig_dir: Some("sparc"),
        clang_args: &["-U__arch64__"],
        rust_cfg: Some(r#"target_arch = "sparc""#),
        ..ROW
    },
    AbiSpec {
        name: "parisc64",
        kernel_arch: "parisc",
        unistd_header: "unistd_64.h",
        clang_args: &["-D__LP64__"],
        ..ROW
    },
    AbiSpec {
        name: "parisc",
        kernel_arch: "parisc",
        clang_args: &["-U__LP64__"],
        ..ROW
    },
    AbiSpec {
        name: "alpha",
        kernel_arch: "alpha",
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
        zig_dir: Some("arc"),
        ..ROW
    },
    AbiSpec {
        name: "csky",
        kernel_arch: "csky",
        zig_dir: Some("csky"),
        undefined: &["sync_file_range"],
        rust_cfg: Some(r#"target_arch = "csky""#),
        ..ROW
    },
    AbiSpec {
        name: "hexagon",
        kernel_arch: "hexagon",
        zig_dir: Some("hexagon"),
        undefined: &["sync_file_range"],
        rust_cfg: Some(r#"target_arch = "hexagon""#),
        ..ROW
    },
    AbiSpec {
        name: "m68k",
        kernel_arch: "m68k",
        zig_dir: Some("m68k"),
        rust_cfg: Some(r#"target_arch = "m68k""#),
        ..ROW
    },
    AbiSpec {
        name: "microblaze",
        kernel_arch: "microblaze",
        ..ROW
    },
    AbiSpec {
        name: "nios2",
        kernel_arch: "nios2",
        ..ROW
    },
    AbiSpec {
        name: "openrisc",
        kernel_arch: "openrisc",
        ..ROW
    },
    AbiSpec {
        name: "sh",
        kernel_arch: "sh",
        ..ROW
    },
    AbiSpec {
        name: "xtensa",
        kernel_arch: "xtensa",
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
    fn lookups() {
        assert_eq!(find("mips_n32").unwrap().kernel_arch, "mips");
        assert!(find("ia64").is_none());
        assert!(is_known_kernel_arch(ABIS, "um"));
        assert!(is_known_kernel_arch(ABIS, "arm64"));
        assert!(!is_known_kernel_arch(ABIS, "ia64"));
    }
}
