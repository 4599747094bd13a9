//! The sparc64 backend: `ta 0x6d` (the 64-bit Linux syscall trap) through inline asm.
//!
//! Number in `g1`; arguments in `o0`–`o5`; result in `o0`. Failure is not a range of
//! values: the kernel sets the carry of the 64-bit condition codes (`%xcc`) and leaves the
//! positive errno in `o0`; with the carry clear `o0` is the result, any value. The asm
//! turns the carry into a register with `movcs %xcc, 1, {failed}` (`failed` starts at 0)
//! right after the trap, and the flag is decoded in Rust. The carry changes, so
//! `preserves_flags` is not claimed.
//!
//! LLVM reserves `g1` (it uses it as a scratch register of its own), so Rust refuses it as
//! an operand: the number comes in any register and the asm saves `g1` in another
//! (`saved`, an early-clobber output, so it shares no input), loads the number, traps and
//! restores `g1`; the kernel keeps every global register. `o1` carries a second result for
//! a few syscalls and is declared clobbered; the other `o` registers, the windowed
//! registers and the stack (`nostack`) are kept. Memory may be read and written through the
//! arguments, so neither `nomem` nor `readonly` is claimed.

use core::arch::asm;

entry_points!(
    raw = super::flagged_return_register,
    decode = super::decode_flagged
);

/// `ta 0x6d` with 0 arguments.
#[inline(always)]
unsafe fn syscall0_asm(nr: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall0`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov %g1, {saved}",
            "mov {nr}, %g1",
            "ta 0x6d",
            "mov {saved}, %g1",
            "movcs %xcc, 1, {failed}",
            nr = in(reg) nr,
            saved = out(reg) _,
            failed = inlateout(reg) 0usize => failed,
            lateout("o0") value,
            lateout("o1") _,
            options(nostack),
        );
    }
    (value, failed != 0)
}

/// `ta 0x6d` with 1 argument.
#[inline(always)]
unsafe fn syscall1_asm(nr: usize, a1: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall1`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov %g1, {saved}",
            "mov {nr}, %g1",
            "ta 0x6d",
            "mov {saved}, %g1",
            "movcs %xcc, 1, {failed}",
            nr = in(reg) nr,
            saved = out(reg) _,
            failed = inlateout(reg) 0usize => failed,
            inlateout("o0") a1 => value,
            lateout("o1") _,
            options(nostack),
        );
    }
    (value, failed != 0)
}

/// `ta 0x6d` with 2 arguments.
#[inline(always)]
unsafe fn syscall2_asm(nr: usize, a1: usize, a2: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall2`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov %g1, {saved}",
            "mov {nr}, %g1",
            "ta 0x6d",
            "mov {saved}, %g1",
            "movcs %xcc, 1, {failed}",
            nr = in(reg) nr,
            saved = out(reg) _,
            failed = inlateout(reg) 0usize => failed,
            inlateout("o0") a1 => value,
            inlateout("o1") a2 => _,
            options(nostack),
        );
    }
    (value, failed != 0)
}

/// `ta 0x6d` with 3 arguments.
#[inline(always)]
unsafe fn syscall3_asm(nr: usize, a1: usize, a2: usize, a3: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall3`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov %g1, {saved}",
            "mov {nr}, %g1",
            "ta 0x6d",
            "mov {saved}, %g1",
            "movcs %xcc, 1, {failed}",
            nr = in(reg) nr,
            saved = out(reg) _,
            failed = inlateout(reg) 0usize => failed,
            inlateout("o0") a1 => value,
            inlateout("o1") a2 => _,
            in("o2") a3,
            options(nostack),
        );
    }
    (value, failed != 0)
}

/// `ta 0x6d` with 4 arguments.
#[inline(always)]
unsafe fn syscall4_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall4`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov %g1, {saved}",
            "mov {nr}, %g1",
            "ta 0x6d",
            "mov {saved}, %g1",
            "movcs %xcc, 1, {failed}",
            nr = in(reg) nr,
            saved = out(reg) _,
            failed = inlateout(reg) 0usize => failed,
            inlateout("o0") a1 => value,
            inlateout("o1") a2 => _,
            in("o2") a3,
            in("o3") a4,
            options(nostack),
        );
    }
    (value, failed != 0)
}

/// `ta 0x6d` with 5 arguments.
#[inline(always)]
unsafe fn syscall5_asm(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall5`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov %g1, {saved}",
            "mov {nr}, %g1",
            "ta 0x6d",
            "mov {saved}, %g1",
            "movcs %xcc, 1, {failed}",
            nr = in(reg) nr,
            saved = out(reg) _,
            failed = inlateout(reg) 0usize => failed,
            inlateout("o0") a1 => value,
            inlateout("o1") a2 => _,
            in("o2") a3,
            in("o3") a4,
            in("o4") a5,
            options(nostack),
        );
    }
    (value, failed != 0)
}

/// `ta 0x6d` with 6 arguments.
#[inline(always)]
unsafe fn syscall6_asm(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall6`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov %g1, {saved}",
            "mov {nr}, %g1",
            "ta 0x6d",
            "mov {saved}, %g1",
            "movcs %xcc, 1, {failed}",
            nr = in(reg) nr,
            saved = out(reg) _,
            failed = inlateout(reg) 0usize => failed,
            inlateout("o0") a1 => value,
            inlateout("o1") a2 => _,
            in("o2") a3,
            in("o3") a4,
            in("o4") a5,
            in("o5") a6,
            options(nostack),
        );
    }
    (value, failed != 0)
}
