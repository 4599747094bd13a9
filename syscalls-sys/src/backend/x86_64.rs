//! The x86_64 backend: the `syscall` instruction through inline asm.
//!
//! Number in `rax`; arguments in `rdi rsi rdx r10 r8 r9`; result in `rax`, where
//! `-4095..=-1` is `-errno`. The instruction itself overwrites `rcx` (return address) and
//! `r11` (saved `rflags`) and restores `rflags` on return; the kernel preserves every other
//! register and never touches the user stack (no red-zone hazard), hence
//! `options(nostack, preserves_flags)`. Memory may be read and written through the
//! arguments, so neither `nomem` nor `readonly` is claimed.

use core::arch::asm;

entry_points!(raw = super::return_register, decode = super::decode_negated);

/// `syscall` with 0 arguments; returns `rax`.
#[inline(always)]
unsafe fn syscall0_asm(nr: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall0`; the asm declares every
    // register the instruction and the kernel change (rax, rcx, r11), and the kernel neither
    // uses the user stack nor changes the flags seen after it.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr => ret,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 1 argument; returns `rax`.
#[inline(always)]
unsafe fn syscall1_asm(nr: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall1`; the asm declares every
    // register the instruction and the kernel change (rax, rcx, r11), and the kernel neither
    // uses the user stack nor changes the flags seen after it.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a1,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 2 arguments; returns `rax`.
#[inline(always)]
unsafe fn syscall2_asm(nr: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall2`; the asm declares every
    // register the instruction and the kernel change (rax, rcx, r11), and the kernel neither
    // uses the user stack nor changes the flags seen after it.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a1,
            in("rsi") a2,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 3 arguments; returns `rax`.
#[inline(always)]
unsafe fn syscall3_asm(nr: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall3`; the asm declares every
    // register the instruction and the kernel change (rax, rcx, r11), and the kernel neither
    // uses the user stack nor changes the flags seen after it.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a1,
            in("rsi") a2,
            in("rdx") a3,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 4 arguments; returns `rax`.
#[inline(always)]
unsafe fn syscall4_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall4`; the asm declares every
    // register the instruction and the kernel change (rax, rcx, r11), and the kernel neither
    // uses the user stack nor changes the flags seen after it.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a1,
            in("rsi") a2,
            in("rdx") a3,
            in("r10") a4,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 5 arguments; returns `rax`.
#[inline(always)]
unsafe fn syscall5_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall5`; the asm declares every
    // register the instruction and the kernel change (rax, rcx, r11), and the kernel neither
    // uses the user stack nor changes the flags seen after it.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a1,
            in("rsi") a2,
            in("rdx") a3,
            in("r10") a4,
            in("r8") a5,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 6 arguments; returns `rax`.
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
    // SAFETY: the caller upholds the contract of `crate::syscall6`; the asm declares every
    // register the instruction and the kernel change (rax, rcx, r11), and the kernel neither
    // uses the user stack nor changes the flags seen after it.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr => ret,
            in("rdi") a1,
            in("rsi") a2,
            in("rdx") a3,
            in("r10") a4,
            in("r8") a5,
            in("r9") a6,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}
