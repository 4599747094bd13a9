//! The loongarch64 backend: `syscall 0` through inline asm.
//!
//! Number in `a7`; arguments in `a0`–`a5`; result in `a0`, where `-4095..=-1` is `-errno`.
//! The kernel's entry code may leave other values in the temporaries `t0`–`t8`, which are
//! declared clobbered (the C library does the same); it preserves every other register and
//! never touches the user stack (`nostack`). LoongArch has no flags (`preserves_flags`).
//! Memory may be read and written through the arguments, so neither `nomem` nor
//! `readonly` is claimed.

use core::arch::asm;

entry_points!(raw = super::return_register, decode = super::decode_negated);

/// `syscall 0` with 0 arguments.
#[inline(always)]
unsafe fn syscall0_asm(nr: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall0`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall 0",
            in("$a7") nr,
            lateout("$a0") ret,
            lateout("$t0") _,
            lateout("$t1") _,
            lateout("$t2") _,
            lateout("$t3") _,
            lateout("$t4") _,
            lateout("$t5") _,
            lateout("$t6") _,
            lateout("$t7") _,
            lateout("$t8") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall 0` with 1 argument.
#[inline(always)]
unsafe fn syscall1_asm(nr: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall1`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall 0",
            in("$a7") nr,
            inlateout("$a0") a1 => ret,
            lateout("$t0") _,
            lateout("$t1") _,
            lateout("$t2") _,
            lateout("$t3") _,
            lateout("$t4") _,
            lateout("$t5") _,
            lateout("$t6") _,
            lateout("$t7") _,
            lateout("$t8") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall 0` with 2 arguments.
#[inline(always)]
unsafe fn syscall2_asm(nr: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall2`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall 0",
            in("$a7") nr,
            inlateout("$a0") a1 => ret,
            in("$a1") a2,
            lateout("$t0") _,
            lateout("$t1") _,
            lateout("$t2") _,
            lateout("$t3") _,
            lateout("$t4") _,
            lateout("$t5") _,
            lateout("$t6") _,
            lateout("$t7") _,
            lateout("$t8") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall 0` with 3 arguments.
#[inline(always)]
unsafe fn syscall3_asm(nr: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall3`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall 0",
            in("$a7") nr,
            inlateout("$a0") a1 => ret,
            in("$a1") a2,
            in("$a2") a3,
            lateout("$t0") _,
            lateout("$t1") _,
            lateout("$t2") _,
            lateout("$t3") _,
            lateout("$t4") _,
            lateout("$t5") _,
            lateout("$t6") _,
            lateout("$t7") _,
            lateout("$t8") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall 0` with 4 arguments.
#[inline(always)]
unsafe fn syscall4_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall4`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall 0",
            in("$a7") nr,
            inlateout("$a0") a1 => ret,
            in("$a1") a2,
            in("$a2") a3,
            in("$a3") a4,
            lateout("$t0") _,
            lateout("$t1") _,
            lateout("$t2") _,
            lateout("$t3") _,
            lateout("$t4") _,
            lateout("$t5") _,
            lateout("$t6") _,
            lateout("$t7") _,
            lateout("$t8") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall 0` with 5 arguments.
#[inline(always)]
unsafe fn syscall5_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall5`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall 0",
            in("$a7") nr,
            inlateout("$a0") a1 => ret,
            in("$a1") a2,
            in("$a2") a3,
            in("$a3") a4,
            in("$a4") a5,
            lateout("$t0") _,
            lateout("$t1") _,
            lateout("$t2") _,
            lateout("$t3") _,
            lateout("$t4") _,
            lateout("$t5") _,
            lateout("$t6") _,
            lateout("$t7") _,
            lateout("$t8") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall 0` with 6 arguments.
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
            "syscall 0",
            in("$a7") nr,
            inlateout("$a0") a1 => ret,
            in("$a1") a2,
            in("$a2") a3,
            in("$a3") a4,
            in("$a4") a5,
            in("$a5") a6,
            lateout("$t0") _,
            lateout("$t1") _,
            lateout("$t2") _,
            lateout("$t3") _,
            lateout("$t4") _,
            lateout("$t5") _,
            lateout("$t6") _,
            lateout("$t7") _,
            lateout("$t8") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}
