//! The `signatures` feature against known answers: the register counts of the calls whose
//! 64-bit arguments are split on 32-bit ABIs (each expected value with the kernel file that
//! states it), argument orders that differ per arch, reserved numbers, native vs compat
//! entries.
#![cfg(feature = "signatures")]

use syscalls_sys::{abi, Abi, ABIS};

fn registers(abi: &Abi, name: &str) -> usize {
    abi.signature(name)
        .unwrap_or_else(|| panic!("{} has no signature for {name}", abi.name()))
        .registers()
}

fn arg_names(abi: &Abi, name: &str) -> Vec<&'static str> {
    abi.signature(name)
        .unwrap()
        .args()
        .map(|a| a.name())
        .collect()
}

#[test]
fn pread64_and_pwrite64() {
    for name in ["pread64", "pwrite64"] {
        // One register each: arch/x86/entry/syscalls/syscall_64.tbl names sys_pread64.
        assert_eq!(registers(&abi::x86_64::ABI, name), 4);
        assert_eq!(registers(&abi::x32::ABI, name), 4);
        assert_eq!(registers(&abi::aarch64::ABI, name), 4);
        assert_eq!(registers(&abi::mips_n32::ABI, name), 4, "64-bit registers");
        // x86: sys_ia32_pread64(fd, ubuf, count, poslo, poshi), arch/x86/kernel/sys_ia32.c.
        assert_eq!(registers(&abi::x86::ABI, name), 5);
        // arm EABI: a pad before the pair, as arch/arm64/kernel/sys32.c's
        // aarch32_pread64(fd, buf, count, __pad, arg_u32p(pos)).
        assert_eq!(registers(&abi::arm::ABI, name), 6);
        // arm OABI: pos in r3/r4, arch/arm/kernel/entry-common.S (sys_oabi_pread64).
        assert_eq!(registers(&abi::arm_oabi::ABI, name), 5);
        // mips o32: sys_32_pread(fd, buf, count, unused, a4, a5), arch/mips/kernel/linux32.c.
        assert_eq!(registers(&abi::mips_o32::ABI, name), 6);
        // powerpc: ppc_pread64(fd, ubuf, count, reg6, pos1, pos2), sys_ppc32.c.
        assert_eq!(registers(&abi::powerpc::ABI, name), 6);
        // sparc: compat_sys_pread64(fd, ubuf, count, poshi, poslo), sys_sparc32.c.
        assert_eq!(registers(&abi::sparc::ABI, name), 5);
        // riscv32: compat_arg_u64_dual(pos) in fs/read_write.c, no pad.
        assert_eq!(registers(&abi::riscv32::ABI, name), 5);
        // sh: sys_pread_wrapper(fd, buf, count, dummy, pos), arch/sh/kernel/sys_sh32.c.
        assert_eq!(registers(&abi::sh::ABI, name), 6);
        // parisc: parisc_pread64(fd, buf, count, high, low), sys_parisc.c.
        assert_eq!(registers(&abi::parisc::ABI, name), 5);
    }
}

#[test]
fn fadvise64_64_sync_file_range_fallocate() {
    // x86: ia32_fadvise64_64(fd, offset_low, offset_high, len_low, len_high, advice).
    assert_eq!(registers(&abi::x86::ABI, "fadvise64_64"), 6);
    // arm reorders to avoid pads: arm_fadvise64_64(fd, advice, offset, len), 6 registers.
    assert_eq!(registers(&abi::arm::ABI, "arm_fadvise64_64"), 6);
    assert_eq!(arg_names(&abi::arm::ABI, "arm_fadvise64_64")[1], "advice");
    // powerpc: ppc_fadvise64_64(fd, advice, offset_high, offset_low, len_high, len_low).
    assert_eq!(registers(&abi::powerpc::ABI, "fadvise64_64"), 6);
    // riscv32: fd, offset pair, len pair, advice.
    assert_eq!(registers(&abi::riscv32::ABI, "fadvise64_64"), 6);
    // mips o32's fadvise64 is sys_fadvise64_64 with a pad: sys32_fadvise64_64(fd, __pad,
    // a2, a3, a4, a5, flags) in arch/mips/kernel/linux32.c: 7 registers.
    assert_eq!(registers(&abi::mips_o32::ABI, "fadvise64"), 7);

    // x86: ia32_sync_file_range(fd, off_low, off_hi, n_low, n_hi, flags).
    assert_eq!(registers(&abi::x86::ABI, "sync_file_range"), 6);
    // mips o32: sys32_sync_file_range(fd, __pad, a2, a3, a4, a5, flags): 7.
    assert_eq!(registers(&abi::mips_o32::ABI, "sync_file_range"), 7);
    // arm and csky only have the flags-first variant (sync_file_range2).
    for abi in [&abi::arm::ABI, &abi::csky::ABI] {
        assert_eq!(
            arg_names(abi, "sync_file_range2"),
            ["fd", "flags", "offset", "nbytes"],
            "{}",
            abi.name()
        );
        assert_eq!(registers(abi, "sync_file_range2"), 6, "{}", abi.name());
    }
    assert!(abi::csky::ABI.signature("sync_file_range").is_none());
    // powerpc splits the halves itself: ppc_sync_file_range2(fd, flags, offset1, offset2,
    // nbytes1, nbytes2), arch/powerpc/kernel/sys_ppc32.c.
    assert_eq!(
        arg_names(&abi::powerpc::ABI, "sync_file_range2"),
        ["fd", "flags", "offset1", "offset2", "nbytes1", "nbytes2"]
    );
    assert_eq!(registers(&abi::powerpc::ABI, "sync_file_range2"), 6);

    // x86: ia32_fallocate(fd, mode, offset_lo, offset_hi, len_lo, len_hi).
    assert_eq!(registers(&abi::x86::ABI, "fallocate"), 6);
    assert_eq!(registers(&abi::arm::ABI, "fallocate"), 6);
    assert_eq!(registers(&abi::x86_64::ABI, "fallocate"), 4);
}

#[test]
fn truncate64_and_ftruncate64() {
    for name in ["truncate64", "ftruncate64"] {
        // x86: ia32_truncate64(filename, offset_low, offset_high).
        assert_eq!(registers(&abi::x86::ABI, name), 3);
        // arm: aarch32_truncate64(pathname, __pad, arg_u32p(length)), sys32.c.
        assert_eq!(registers(&abi::arm::ABI, name), 4);
        // powerpc: ppc_truncate64(path, reg4, len1, len2), sys_ppc32.c.
        assert_eq!(registers(&abi::powerpc::ABI, name), 4);
        // mips o32: sys_32_truncate64(path, __dummy, a2, a3), linux32.c.
        assert_eq!(registers(&abi::mips_o32::ABI, name), 4);
        // sparc: no pad.
        assert_eq!(registers(&abi::sparc::ABI, name), 3);
    }
}

#[test]
fn reserved_numbers_are_not_syscalls() {
    let x86_64 = &abi::x86_64::ABI;
    assert_eq!(x86_64.is_implemented("tuxcall"), Some(false));
    assert!(x86_64.signature("tuxcall").is_none());
    assert!(x86_64.entry_point("tuxcall").is_none());
    assert_eq!(x86_64.is_implemented("read"), Some(true));
    assert_eq!(x86_64.is_implemented("no_such_call"), None);
}

/// A native ABI's entry is never the compat one: only the ABIs that exist solely on 64-bit
/// kernels (x32, mips n32, s390) run `compat_sys_*` entries as their own.
#[test]
fn native_entries_are_not_compat_entries() {
    for abi in ABIS {
        // alpha's table names compat_sys_* for its osf_* calls with 32-bit time structures.
        if matches!(abi.name(), "x32" | "mips_n32" | "s390" | "alpha") {
            continue;
        }
        for (name, _) in abi.signatures() {
            if let Some(entry) = abi.entry_point(name) {
                assert!(
                    !entry.starts_with("compat_sys_"),
                    "{} {name}: {entry}",
                    abi.name()
                );
            }
        }
    }
    assert_eq!(
        abi::x86::ABI.entry_point("pread64"),
        Some("sys_ia32_pread64")
    );
    assert_eq!(
        abi::s390::ABI.entry_point("pread64"),
        Some("compat_sys_s390_pread64")
    );
}

#[test]
fn values_join_the_halves_in_the_abis_order() {
    // riscv32 is little-endian only: low half first, no pad.
    let sig = abi::riscv32::ABI.signature("pread64").unwrap();
    let pos = sig.arg(3).unwrap();
    assert_eq!((pos.first_register(), pos.register_count()), (3, 2));
    assert_eq!(pos.value(&[0, 0, 0, 0x1000, 0x2, 0]), Some(0x2_0000_1000));
    // m68k is big-endian only: high half first, no pad.
    let sig = abi::m68k::ABI.signature("pread64").unwrap();
    let pos = sig.arg(3).unwrap();
    assert_eq!((pos.first_register(), pos.register_count()), (3, 2));
    assert_eq!(pos.value(&[3, 0, 0, 0x2, 0x1000]), Some(0x2_0000_1000));
    // Too few registers.
    assert_eq!(pos.value(&[3, 0, 0, 0x2]), None);
}

#[test]
fn every_signature_fits_the_abis_registers() {
    for abi in ABIS {
        for (name, sig) in abi.signatures() {
            let Some(sig) = sig else {
                continue;
            };
            assert!(sig.registers() <= 8, "{} {name}", abi.name());
            let mut next = 0;
            for a in sig.args() {
                assert!(a.first_register() >= next, "{} {name}", abi.name());
                next = a.first_register() + a.register_count();
            }
            assert_eq!(next, sig.registers(), "{} {name}", abi.name());
        }
    }
}

/// arm's private calls outside the table (`__ARM_NR_*`, dispatched by `arm_syscall()` in
/// arch/arm/kernel/traps.c): `cacheflush` passes r0, r1, r2 to `do_cache_op(start, end,
/// flags)`, `set_tls` r0 to `set_tls(val)`; `breakpoint` only hands r0 back.
#[test]
fn arm_private_calls_have_the_arguments_their_case_passes_on() {
    for abi in [abi::arm::ABI, abi::arm_oabi::ABI] {
        let flush = abi.signature("cacheflush").unwrap();
        assert_eq!(flush.entry(), "");
        assert_eq!(abi.entry_point("cacheflush"), None);
        let args: Vec<(&str, &str, usize)> = flush
            .args()
            .map(|a| (a.name(), a.ty(), a.first_register()))
            .collect();
        assert_eq!(
            args,
            [
                ("start", "unsigned long", 0),
                ("end", "unsigned long", 1),
                ("flags", "int", 2)
            ]
        );
        assert_eq!(abi.signature("set_tls").unwrap().len(), 1);
        assert_eq!(abi.signature("breakpoint").unwrap().registers(), 0);
        assert_eq!(abi.signature("get_tls").unwrap().registers(), 0);
    }
    // sparc's fork reads %i1 only to restore it: no arguments.
    assert_eq!(abi::sparc64::ABI.signature("fork").unwrap().registers(), 0);
}
