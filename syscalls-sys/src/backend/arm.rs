//! The arm (EABI) backend, for ARM and Thumb code: `svc 0` through inline asm.
//!
//! Number in `r7`; arguments in `r0`–`r5`; result in `r0`, where `-4095..=-1` is `-errno`.
//! The kernel preserves every other register (`CPSR` included: `preserves_flags`) and never
//! touches the user stack (`nostack`). Memory may be read and written through the
//! arguments, so neither `nomem` nor `readonly` is claimed.
//!
//! `r7` is the frame pointer of Thumb code, and Rust refuses it as an operand there; stable
//! Rust cannot tell Thumb from ARM code at `cfg` time (`thumb-mode` is an unstable target
//! feature), so both modes take the same path: the number comes in any free register, the
//! asm parks `r7` in `r12` (declared clobbered, and kept by the kernel), loads the number,
//! traps and restores `r7`. `r12` is an early-clobber output, so it never holds the number.

use core::arch::asm;

entry_points!(raw = super::return_register, decode = super::decode_negated);

/// `svc 0` with 0 arguments.
#[inline(always)]
unsafe fn syscall0_asm(nr: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall0`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov r12, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, r12",
            nr = in(reg) nr,
            out("r12") _,
            lateout("r0") ret,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `svc 0` with 1 argument.
#[inline(always)]
unsafe fn syscall1_asm(nr: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall1`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov r12, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, r12",
            nr = in(reg) nr,
            out("r12") _,
            inlateout("r0") a1 => ret,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `svc 0` with 2 arguments.
#[inline(always)]
unsafe fn syscall2_asm(nr: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall2`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov r12, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, r12",
            nr = in(reg) nr,
            out("r12") _,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `svc 0` with 3 arguments.
#[inline(always)]
unsafe fn syscall3_asm(nr: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall3`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov r12, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, r12",
            nr = in(reg) nr,
            out("r12") _,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            in("r2") a3,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `svc 0` with 4 arguments.
#[inline(always)]
unsafe fn syscall4_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall4`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov r12, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, r12",
            nr = in(reg) nr,
            out("r12") _,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            in("r2") a3,
            in("r3") a4,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `svc 0` with 5 arguments.
#[inline(always)]
unsafe fn syscall5_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall5`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov r12, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, r12",
            nr = in(reg) nr,
            out("r12") _,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            in("r2") a3,
            in("r3") a4,
            in("r4") a5,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `svc 0` with 6 arguments.
#[inline(always)]
unsafe fn syscall6_asm(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall6`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "mov r12, r7",
            "mov r7, {nr}",
            "svc 0",
            "mov r7, r12",
            nr = in(reg) nr,
            out("r12") _,
            inlateout("r0") a1 => ret,
            in("r1") a2,
            in("r2") a3,
            in("r3") a4,
            in("r4") a5,
            in("r5") a6,
            options(nostack, preserves_flags),
        );
    }
    ret
}
