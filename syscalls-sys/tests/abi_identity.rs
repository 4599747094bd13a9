//! `Abi` as a value: lookup by name (every spelling the docs promise), identity
//! (`Eq`/`Hash`/`Display`), and the audit arches (checked against linux-raw-sys on x86_64
//! hosts, and against the running kernel where it can be asked).

use std::collections::{HashMap, HashSet};

use syscalls_sys::{abi, Abi, ABIS};

#[test]
fn by_name_finds_every_canonical_name_and_every_other_spelling() {
    let mut owner: HashMap<&str, &str> = HashMap::new();
    for abi in ABIS {
        assert_eq!(Abi::by_name(abi.name()), Some(*abi));
        for name in std::iter::once(abi.name()).chain(abi.other_names().iter().copied()) {
            assert_eq!(
                Abi::by_name(name).map(Abi::name),
                Some(abi.name()),
                "{name} must find {abi}"
            );
            // One spelling, one ABI: no name is both an ABI's and another's.
            if let Some(previous) = owner.insert(name, abi.name()) {
                panic!("{name} is listed for both {previous} and {abi}");
            }
            assert_eq!(name, name.to_ascii_lowercase(), "{name} must be lowercase");
            assert!(!name.contains('-'), "{name} must be written with _");
        }
    }
}

#[test]
fn by_name_knows_the_spellings_of_other_tools() {
    let expected = [
        // The kernel's ARCH=, Debian, Go, libseccomp, LLVM triples.
        ("arm64", "aarch64"),
        ("aarch64_be", "aarch64"),
        ("amd64", "x86_64"),
        ("i386", "x86"),
        ("i686", "x86"),
        ("386", "x86"),
        ("armhf", "arm"),
        ("armel", "arm"),
        ("armv7", "arm"),
        ("thumbv7neon", "arm"),
        ("ppc64le", "powerpc64"),
        ("ppc64el", "powerpc64"),
        ("powerpc64le", "powerpc64"),
        ("ppc64", "powerpc64"),
        ("ppc", "powerpc"),
        ("mips", "mips_o32"),
        ("mipsel", "mips_o32"),
        ("mipsle", "mips_o32"),
        ("mips64", "mips_n64"),
        ("mips64el", "mips_n64"),
        ("mips64le", "mips_n64"),
        ("mipsel64", "mips_n64"),
        ("mips64n32", "mips_n32"),
        ("mipsel64n32", "mips_n32"),
        ("mipsn32", "mips_n32"),
        ("loong64", "loongarch64"),
        ("riscv64gc", "riscv64"),
        ("sparcv9", "sparc64"),
        ("hppa", "parisc"),
        ("or1k", "openrisc"),
        ("sh4", "sh"),
        ("x32", "x32"),
        ("s390x", "s390x"),
    ];
    for (name, abi) in expected {
        assert_eq!(Abi::by_name(name).map(Abi::name), Some(abi), "{name}");
    }
    // ASCII case and `-` for `_`.
    assert_eq!(Abi::by_name("X86-64"), Some(&abi::x86_64::ABI));
    assert_eq!(Abi::by_name("PPC64LE"), Some(&abi::powerpc64::ABI));
    assert_eq!(Abi::by_name("mips-n32"), Some(&abi::mips_n32::ABI));
    // Names that mean several ABIs, or none.
    for name in [
        "",
        "riscv",
        "loongarch",
        "ia64",
        "x86_6",
        "x86_644",
        "wasm32",
        "arm64 ",
    ] {
        assert_eq!(Abi::by_name(name), None, "{name:?}");
    }
    // Usable in constants.
    const ARM64: Option<&Abi> = Abi::by_name("arm64");
    assert_eq!(ARM64, Some(&abi::aarch64::ABI));
}

#[test]
fn abis_are_values_with_identity() {
    let set: HashSet<&Abi> = ABIS.iter().copied().collect();
    assert_eq!(set.len(), ABIS.len());
    assert!(set.contains(&abi::mips_n32::ABI));
    assert_ne!(abi::x86_64::ABI, abi::x32::ABI);
    assert_eq!(abi::x86_64::ABI, *Abi::by_name("amd64").unwrap());
    assert_eq!(abi::x86_64::ABI.to_string(), "x86_64");
    assert_eq!(format!("[{:>8}]", abi::arm::ABI), "[     arm]");
    let debug = format!("{:?}", abi::arm::ABI);
    assert!(debug.starts_with("Abi { name: \"arm\""), "{debug}");
    for abi in ABIS {
        assert_eq!(abi.to_string(), abi.name());
    }
}

#[test]
fn every_abi_has_audit_arches_of_one_width() {
    for abi in ABIS {
        let arches: Vec<(&str, u32)> = abi.audit_arches().collect();
        assert!(!arches.is_empty(), "{abi} has no audit arch");
        for (name, value) in &arches {
            assert!(name.starts_with("AUDIT_ARCH_"), "{abi}: {name}");
            assert_ne!(*value, 0, "{abi}: {name}");
        }
        let mut sorted = arches.clone();
        sorted.sort_by_key(|&(_, value)| value);
        assert_eq!(arches, sorted, "{abi}: in value order");
    }
    // Known answers, as the kernel's documentation and every seccomp filter state them.
    let x86_64: Vec<_> = abi::x86_64::ABI.audit_arches().collect();
    assert_eq!(x86_64, [("AUDIT_ARCH_X86_64", 0xc000_003e)]);
    assert_eq!(abi::x32::ABI.audit_arches().collect::<Vec<_>>(), x86_64);
    assert_eq!(
        abi::x86::ABI.audit_arches().collect::<Vec<_>>(),
        [("AUDIT_ARCH_I386", 0x4000_0003)]
    );
    assert_eq!(
        abi::mips_o32::ABI.audit_arches().collect::<Vec<_>>(),
        [("AUDIT_ARCH_MIPS", 8), ("AUDIT_ARCH_MIPSEL", 0x4000_0008)]
    );
    assert_eq!(
        abi::arm::ABI.audit_arches().collect::<Vec<_>>(),
        abi::arm_oabi::ABI.audit_arches().collect::<Vec<_>>(),
    );
    // Both endiannesses where the kernel has both.
    for (abi, count) in [
        (&abi::mips_o32::ABI, 2),
        (&abi::mips_n32::ABI, 2),
        (&abi::mips_n64::ABI, 2),
        (&abi::powerpc64::ABI, 2),
        (&abi::arm::ABI, 2),
        (&abi::sh::ABI, 2),
        (&abi::arc::ABI, 4),
    ] {
        assert_eq!(abi.audit_arches().len(), count, "{abi}");
    }
}

/// Every audit arch of every ABI against linux-raw-sys's (bindgen output of the kernel's
/// `linux/audit.h`, a source this crate's generator did not write).
#[cfg(all(
    target_os = "linux",
    target_arch = "x86_64",
    target_pointer_width = "64"
))]
#[test]
fn audit_arches_agree_with_linux_raw_sys() {
    use linux_raw_sys::ptrace as peer;
    let known: HashMap<&str, u32> = [
        ("AUDIT_ARCH_AARCH64", peer::AUDIT_ARCH_AARCH64),
        ("AUDIT_ARCH_ALPHA", peer::AUDIT_ARCH_ALPHA),
        ("AUDIT_ARCH_ARCOMPACT", peer::AUDIT_ARCH_ARCOMPACT),
        ("AUDIT_ARCH_ARCOMPACTBE", peer::AUDIT_ARCH_ARCOMPACTBE),
        ("AUDIT_ARCH_ARCV2", peer::AUDIT_ARCH_ARCV2),
        ("AUDIT_ARCH_ARCV2BE", peer::AUDIT_ARCH_ARCV2BE),
        ("AUDIT_ARCH_ARM", peer::AUDIT_ARCH_ARM),
        ("AUDIT_ARCH_ARMEB", peer::AUDIT_ARCH_ARMEB),
        ("AUDIT_ARCH_CSKY", peer::AUDIT_ARCH_CSKY),
        ("AUDIT_ARCH_HEXAGON", peer::AUDIT_ARCH_HEXAGON),
        ("AUDIT_ARCH_I386", peer::AUDIT_ARCH_I386),
        ("AUDIT_ARCH_LOONGARCH32", peer::AUDIT_ARCH_LOONGARCH32),
        ("AUDIT_ARCH_LOONGARCH64", peer::AUDIT_ARCH_LOONGARCH64),
        ("AUDIT_ARCH_M68K", peer::AUDIT_ARCH_M68K),
        ("AUDIT_ARCH_MICROBLAZE", peer::AUDIT_ARCH_MICROBLAZE),
        ("AUDIT_ARCH_MIPS", peer::AUDIT_ARCH_MIPS),
        ("AUDIT_ARCH_MIPSEL", peer::AUDIT_ARCH_MIPSEL),
        ("AUDIT_ARCH_MIPS64", peer::AUDIT_ARCH_MIPS64),
        ("AUDIT_ARCH_MIPS64N32", peer::AUDIT_ARCH_MIPS64N32),
        ("AUDIT_ARCH_MIPSEL64", peer::AUDIT_ARCH_MIPSEL64),
        ("AUDIT_ARCH_MIPSEL64N32", peer::AUDIT_ARCH_MIPSEL64N32),
        ("AUDIT_ARCH_NIOS2", peer::AUDIT_ARCH_NIOS2),
        ("AUDIT_ARCH_OPENRISC", peer::AUDIT_ARCH_OPENRISC),
        ("AUDIT_ARCH_PARISC", peer::AUDIT_ARCH_PARISC),
        ("AUDIT_ARCH_PARISC64", peer::AUDIT_ARCH_PARISC64),
        ("AUDIT_ARCH_PPC", peer::AUDIT_ARCH_PPC),
        ("AUDIT_ARCH_PPC64", peer::AUDIT_ARCH_PPC64),
        ("AUDIT_ARCH_PPC64LE", peer::AUDIT_ARCH_PPC64LE),
        ("AUDIT_ARCH_RISCV32", peer::AUDIT_ARCH_RISCV32),
        ("AUDIT_ARCH_RISCV64", peer::AUDIT_ARCH_RISCV64),
        ("AUDIT_ARCH_S390", peer::AUDIT_ARCH_S390),
        ("AUDIT_ARCH_S390X", peer::AUDIT_ARCH_S390X),
        ("AUDIT_ARCH_SH", peer::AUDIT_ARCH_SH),
        ("AUDIT_ARCH_SHEL", peer::AUDIT_ARCH_SHEL),
        ("AUDIT_ARCH_SPARC", peer::AUDIT_ARCH_SPARC),
        ("AUDIT_ARCH_SPARC64", peer::AUDIT_ARCH_SPARC64),
        ("AUDIT_ARCH_X86_64", peer::AUDIT_ARCH_X86_64),
        ("AUDIT_ARCH_XTENSA", peer::AUDIT_ARCH_XTENSA),
    ]
    .into_iter()
    .collect();
    let mut checked = 0;
    for abi in ABIS {
        for (name, value) in abi.audit_arches() {
            let peer = known
                .get(name)
                .unwrap_or_else(|| panic!("{abi}: {name} is not in the comparison list"));
            assert_eq!(value, *peer, "{abi}: {name}");
            checked += 1;
        }
    }
    assert!(checked >= 41, "only {checked} compared");
    // The root constants re-export the native module's.
    assert_eq!(syscalls_sys::AUDIT_ARCH_X86_64, peer::AUDIT_ARCH_X86_64);
}

/// The native `AUDIT_ARCH` is one of the native ABI's audit arches.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn the_native_audit_arch_is_one_of_the_native_abis() {
    assert!(
        syscalls_sys::NATIVE
            .audit_arches()
            .any(|(_, value)| value == syscalls_sys::AUDIT_ARCH),
        "{:#x}",
        syscalls_sys::AUDIT_ARCH
    );
}
