//! The mips n64 and n32 backend: `syscall` through inline asm.
//!
//! Number in `$2` (`v0`, with the ABI's 5000 or 6000 base); arguments in `$4`–`$9`
//! (`a0`–`a5`); result in `$2`. The kernel reports failure in `$7` (`a3`): non-zero means
//! `$2` holds the positive errno, zero means `$2` is the result, any value. Both ABIs use
//! 64-bit registers; n32's 32-bit `usize` values are kept sign-extended in them by the
//! compiler, as the kernel's n32 entry expects. The user stack is not used (`nostack`).
//!
//! `$3` (`v1`, a second result of a few syscalls), `$10`–`$15` and `$24`–`$25` and the
//! argument registers are declared clobbered.
//!
//! The kernel's syscall entry saves only what it needs; the caller-saved temporaries may come
//! back changed, so they are declared clobbered. Two of them cannot be declared:
//!
//! - `$1` (`$at`) is refused by Rust as an operand ("reserved for assembler"), yet LLVM
//!   allocates it (it does so for asm inputs here): the asm copies it to `$16` (`s0`,
//!   callee-saved, so the kernel keeps it; declared clobbered so the compiler saves what it
//!   had there) and back after the trap, under `.set noat` (between `.set push` and
//!   `.set pop`, which restore the assembler's settings);
//! - `hi` and `lo` have no Rust name at all, so the clobber the C library declares cannot be
//!   written. LLVM copies them out right after the multiply or divide that sets them and is
//!   not known to keep a value in them across an asm statement.
//!
//! There are no flags (`preserves_flags`). Memory may be read and written through the
//! arguments, so neither `nomem` nor `readonly` is claimed.

use core::arch::asm;

entry_points!(
    raw = super::flagged_return_register,
    decode = super::decode_flagged
);

/// `syscall` with 0 arguments.
#[inline(always)]
unsafe fn syscall0_asm(nr: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall0`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            ".set push",
            ".set noat",
            "move $16, $1",
            "syscall",
            "move $1, $16",
            ".set pop",
            inlateout("$2") nr => value,
            lateout("$4") _,
            lateout("$5") _,
            lateout("$6") _,
            lateout("$7") failed,
            lateout("$8") _,
            lateout("$9") _,
            lateout("$3") _,
            lateout("$10") _,
            lateout("$11") _,
            lateout("$12") _,
            lateout("$13") _,
            lateout("$14") _,
            lateout("$15") _,
            lateout("$24") _,
            lateout("$25") _,
            out("$16") _,
            options(nostack, preserves_flags),
        );
    }
    (value, failed != 0)
}

/// `syscall` with 1 argument.
#[inline(always)]
unsafe fn syscall1_asm(nr: usize, a1: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall1`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            ".set push",
            ".set noat",
            "move $16, $1",
            "syscall",
            "move $1, $16",
            ".set pop",
            inlateout("$2") nr => value,
            inlateout("$4") a1 => _,
            lateout("$5") _,
            lateout("$6") _,
            lateout("$7") failed,
            lateout("$8") _,
            lateout("$9") _,
            lateout("$3") _,
            lateout("$10") _,
            lateout("$11") _,
            lateout("$12") _,
            lateout("$13") _,
            lateout("$14") _,
            lateout("$15") _,
            lateout("$24") _,
            lateout("$25") _,
            out("$16") _,
            options(nostack, preserves_flags),
        );
    }
    (value, failed != 0)
}

/// `syscall` with 2 arguments.
#[inline(always)]
unsafe fn syscall2_asm(nr: usize, a1: usize, a2: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall2`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            ".set push",
            ".set noat",
            "move $16, $1",
            "syscall",
            "move $1, $16",
            ".set pop",
            inlateout("$2") nr => value,
            inlateout("$4") a1 => _,
            inlateout("$5") a2 => _,
            lateout("$6") _,
            lateout("$7") failed,
            lateout("$8") _,
            lateout("$9") _,
            lateout("$3") _,
            lateout("$10") _,
            lateout("$11") _,
            lateout("$12") _,
            lateout("$13") _,
            lateout("$14") _,
            lateout("$15") _,
            lateout("$24") _,
            lateout("$25") _,
            out("$16") _,
            options(nostack, preserves_flags),
        );
    }
    (value, failed != 0)
}

/// `syscall` with 3 arguments.
#[inline(always)]
unsafe fn syscall3_asm(nr: usize, a1: usize, a2: usize, a3: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall3`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            ".set push",
            ".set noat",
            "move $16, $1",
            "syscall",
            "move $1, $16",
            ".set pop",
            inlateout("$2") nr => value,
            inlateout("$4") a1 => _,
            inlateout("$5") a2 => _,
            inlateout("$6") a3 => _,
            lateout("$7") failed,
            lateout("$8") _,
            lateout("$9") _,
            lateout("$3") _,
            lateout("$10") _,
            lateout("$11") _,
            lateout("$12") _,
            lateout("$13") _,
            lateout("$14") _,
            lateout("$15") _,
            lateout("$24") _,
            lateout("$25") _,
            out("$16") _,
            options(nostack, preserves_flags),
        );
    }
    (value, failed != 0)
}

/// `syscall` with 4 arguments.
#[inline(always)]
unsafe fn syscall4_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> (usize, bool) {
    let value;
    let failed: usize;
    // SAFETY: the caller upholds the contract of `crate::syscall4`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            ".set push",
            ".set noat",
            "move $16, $1",
            "syscall",
            "move $1, $16",
            ".set pop",
            inlateout("$2") nr => value,
            inlateout("$4") a1 => _,
            inlateout("$5") a2 => _,
            inlateout("$6") a3 => _,
            inlateout("$7") a4 => failed,
            lateout("$8") _,
            lateout("$9") _,
            lateout("$3") _,
            lateout("$10") _,
            lateout("$11") _,
            lateout("$12") _,
            lateout("$13") _,
            lateout("$14") _,
            lateout("$15") _,
            lateout("$24") _,
            lateout("$25") _,
            out("$16") _,
            options(nostack, preserves_flags),
        );
    }
    (value, failed != 0)
}

/// `syscall` with 5 arguments.
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
            ".set push",
            ".set noat",
            "move $16, $1",
            "syscall",
            "move $1, $16",
            ".set pop",
            inlateout("$2") nr => value,
            inlateout("$4") a1 => _,
            inlateout("$5") a2 => _,
            inlateout("$6") a3 => _,
            inlateout("$7") a4 => failed,
            inlateout("$8") a5 => _,
            lateout("$9") _,
            lateout("$3") _,
            lateout("$10") _,
            lateout("$11") _,
            lateout("$12") _,
            lateout("$13") _,
            lateout("$14") _,
            lateout("$15") _,
            lateout("$24") _,
            lateout("$25") _,
            out("$16") _,
            options(nostack, preserves_flags),
        );
    }
    (value, failed != 0)
}

/// `syscall` with 6 arguments.
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
            ".set push",
            ".set noat",
            "move $16, $1",
            "syscall",
            "move $1, $16",
            ".set pop",
            inlateout("$2") nr => value,
            inlateout("$4") a1 => _,
            inlateout("$5") a2 => _,
            inlateout("$6") a3 => _,
            inlateout("$7") a4 => failed,
            inlateout("$8") a5 => _,
            inlateout("$9") a6 => _,
            lateout("$3") _,
            lateout("$10") _,
            lateout("$11") _,
            lateout("$12") _,
            lateout("$13") _,
            lateout("$14") _,
            lateout("$15") _,
            lateout("$24") _,
            lateout("$25") _,
            out("$16") _,
            options(nostack, preserves_flags),
        );
    }
    (value, failed != 0)
}
