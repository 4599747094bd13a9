//! The x32 backend (x86_64 with 32-bit pointers): the `syscall` instruction through inline
//! asm, with the registers, number bit and widths of the x32 ABI.
//!
//! Number in `rax` (x32 numbers carry the x32 bit, `0x4000_0000`, in the generated table);
//! arguments in `rdi rsi rdx r10 r8 r9`; result in `rax`. The registers are 64 bits wide and
//! the kernel's x32 entry reads all of them, while `usize` has 32: every argument is
//! zero-extended (`as u64`), which is what a pointer or an unsigned count needs and what a
//! 32-bit `int` ignores (a negative `long` argument would need sign extension; the
//! `usize` contract cannot tell them apart, as C's `syscall()` on x32 cannot either).
//!
//! Failure is `-4095..=-1` in the 64-bit `rax`: the decoded form judges the whole register,
//! so a success whose low half looks like `-errno` (an `lseek` near 4 GiB) stays a success;
//! the raw form is the low 32 bits of `rax`. The instruction overwrites `rcx` and `r11` and
//! restores `rflags` (`preserves_flags`); the kernel keeps every other register and never
//! touches the user stack (`nostack`). Memory may be read and written through the
//! arguments, so neither `nomem` nor `readonly` is claimed.

use core::arch::asm;

use crate::Errno;

/// `syscallN_raw`: the low 32 bits of `rax`, all a 32-bit `usize` holds.
#[inline(always)]
fn low_half(rax: u64) -> usize {
    rax as usize
}

/// `syscallN`: `-4095..=-1` in the whole 64-bit `rax` is `-errno`.
#[inline(always)]
fn decode_rax(rax: u64) -> Result<usize, Errno> {
    if rax >= MAX_ERRNO.wrapping_neg() {
        // `rax` is in `-4095..=-1`: its negation fits an `i32` without loss.
        Err(Errno::from_kernel(rax.wrapping_neg() as i32))
    } else {
        Ok(rax as usize)
    }
}

/// `MAX_ERRNO` of the kernel, as wide as `rax`.
const MAX_ERRNO: u64 = crate::errno::MAX_ERRNO as u64;

entry_points!(raw = low_half, decode = decode_rax);

/// `syscall` with 0 arguments.
#[inline(always)]
unsafe fn syscall0_asm(nr: usize) -> u64 {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall0`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as u64 => ret,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 1 argument.
#[inline(always)]
unsafe fn syscall1_asm(nr: usize, a1: usize) -> u64 {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall1`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as u64 => ret,
            in("rdi") a1 as u64,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 2 arguments.
#[inline(always)]
unsafe fn syscall2_asm(nr: usize, a1: usize, a2: usize) -> u64 {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall2`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as u64 => ret,
            in("rdi") a1 as u64,
            in("rsi") a2 as u64,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 3 arguments.
#[inline(always)]
unsafe fn syscall3_asm(nr: usize, a1: usize, a2: usize, a3: usize) -> u64 {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall3`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as u64 => ret,
            in("rdi") a1 as u64,
            in("rsi") a2 as u64,
            in("rdx") a3 as u64,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 4 arguments.
#[inline(always)]
unsafe fn syscall4_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> u64 {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall4`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as u64 => ret,
            in("rdi") a1 as u64,
            in("rsi") a2 as u64,
            in("rdx") a3 as u64,
            in("r10") a4 as u64,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `syscall` with 5 arguments.
#[inline(always)]
unsafe fn syscall5_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> u64 {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall5`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as u64 => ret,
            in("rdi") a1 as u64,
            in("rsi") a2 as u64,
            in("rdx") a3 as u64,
            in("r10") a4 as u64,
            in("r8") a5 as u64,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
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
) -> u64 {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall6`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") nr as u64 => ret,
            in("rdi") a1 as u64,
            in("rsi") a2 as u64,
            in("rdx") a3 as u64,
            in("r10") a4 as u64,
            in("r8") a5 as u64,
            in("r9") a6 as u64,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack, preserves_flags),
        );
    }
    ret
}
