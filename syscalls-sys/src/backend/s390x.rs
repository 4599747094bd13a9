//! The s390x backend: `svc 0` through inline asm.
//!
//! Number in `r1` (`svc 0`; numbers below 256 could also be the instruction's immediate, but
//! one form for all is simpler); arguments in `r2`–`r7`; result in `r2`, where
//! `-4095..=-1` is `-errno`. The kernel preserves every other register and never touches
//! the user stack (`nostack`). It is not documented to keep the condition code, so
//! `preserves_flags` is not claimed. Memory may be read and written through the arguments,
//! so neither `nomem` nor `readonly` is claimed.

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
            "svc 0",
            in("r1") nr,
            lateout("r2") ret,
            options(nostack),
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
            "svc 0",
            in("r1") nr,
            inlateout("r2") a1 => ret,
            options(nostack),
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
            "svc 0",
            in("r1") nr,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            options(nostack),
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
            "svc 0",
            in("r1") nr,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            in("r4") a3,
            options(nostack),
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
            "svc 0",
            in("r1") nr,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            in("r4") a3,
            in("r5") a4,
            options(nostack),
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
            "svc 0",
            in("r1") nr,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            in("r4") a3,
            in("r5") a4,
            in("r6") a5,
            options(nostack),
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
            "svc 0",
            in("r1") nr,
            inlateout("r2") a1 => ret,
            in("r3") a2,
            in("r4") a3,
            in("r5") a4,
            in("r6") a5,
            in("r7") a6,
            options(nostack),
        );
    }
    ret
}
