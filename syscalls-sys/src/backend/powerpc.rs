//! The powerpc64 and powerpc backend (big and little endian): `sc` through inline asm.
//!
//! Number in `r0`; arguments in `r3`–`r8`; result in `r3`. Failure is not a range of
//! values: the kernel sets the summary-overflow bit of `cr0` and leaves the positive errno in
//! `r3`; when the bit is clear, `r3` is the result whatever its value. The asm copies the
//! condition register out with `mfcr` right after `sc`, and the bit is decoded in Rust.
//!
//! Per the kernel's 64-bit syscall ABI (`Documentation/arch/powerpc/syscall64-abi.rst`; the
//! 32-bit entry uses the same registers, and C libraries declare the same clobbers there)
//! `r0` and `r3`–`r12`, `cr0`, `ctr` and `xer` are volatile across `sc`: all are declared
//! clobbered (the number and argument registers as `inlateout`). The
//! other condition fields, `lr` and every other register are kept. `cr0` changes, so
//! `preserves_flags` is not claimed. The user stack is not used (`nostack`); memory may be
//! read and written through the arguments, so neither `nomem` nor `readonly` is claimed.

use core::arch::asm;

/// `cr0.SO` in the 32-bit image of the condition register that `mfcr` copies: `cr0` is its
/// most significant field, `SO` the last of that field's four bits.
const CR0_SO: u32 = 1 << 28;

entry_points!(
    raw = super::flagged_return_register,
    decode = super::decode_flagged
);

/// `sc` with 0 arguments.
#[inline(always)]
unsafe fn syscall0_asm(nr: usize) -> (usize, bool) {
    let value;
    let cr: u32;
    // SAFETY: the caller upholds the contract of `crate::syscall0`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "sc",
            "mfcr {cr}",
            inlateout("r0") nr => _,
            lateout("r3") value,
            lateout("r4") _,
            lateout("r5") _,
            lateout("r6") _,
            lateout("r7") _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            cr = lateout(reg) cr,
            out("cr0") _,
            out("ctr") _,
            out("xer") _,
            options(nostack),
        );
    }
    (value, cr & CR0_SO != 0)
}

/// `sc` with 1 argument.
#[inline(always)]
unsafe fn syscall1_asm(nr: usize, a1: usize) -> (usize, bool) {
    let value;
    let cr: u32;
    // SAFETY: the caller upholds the contract of `crate::syscall1`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "sc",
            "mfcr {cr}",
            inlateout("r0") nr => _,
            inlateout("r3") a1 => value,
            lateout("r4") _,
            lateout("r5") _,
            lateout("r6") _,
            lateout("r7") _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            cr = lateout(reg) cr,
            out("cr0") _,
            out("ctr") _,
            out("xer") _,
            options(nostack),
        );
    }
    (value, cr & CR0_SO != 0)
}

/// `sc` with 2 arguments.
#[inline(always)]
unsafe fn syscall2_asm(nr: usize, a1: usize, a2: usize) -> (usize, bool) {
    let value;
    let cr: u32;
    // SAFETY: the caller upholds the contract of `crate::syscall2`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "sc",
            "mfcr {cr}",
            inlateout("r0") nr => _,
            inlateout("r3") a1 => value,
            inlateout("r4") a2 => _,
            lateout("r5") _,
            lateout("r6") _,
            lateout("r7") _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            cr = lateout(reg) cr,
            out("cr0") _,
            out("ctr") _,
            out("xer") _,
            options(nostack),
        );
    }
    (value, cr & CR0_SO != 0)
}

/// `sc` with 3 arguments.
#[inline(always)]
unsafe fn syscall3_asm(nr: usize, a1: usize, a2: usize, a3: usize) -> (usize, bool) {
    let value;
    let cr: u32;
    // SAFETY: the caller upholds the contract of `crate::syscall3`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "sc",
            "mfcr {cr}",
            inlateout("r0") nr => _,
            inlateout("r3") a1 => value,
            inlateout("r4") a2 => _,
            inlateout("r5") a3 => _,
            lateout("r6") _,
            lateout("r7") _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            cr = lateout(reg) cr,
            out("cr0") _,
            out("ctr") _,
            out("xer") _,
            options(nostack),
        );
    }
    (value, cr & CR0_SO != 0)
}

/// `sc` with 4 arguments.
#[inline(always)]
unsafe fn syscall4_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> (usize, bool) {
    let value;
    let cr: u32;
    // SAFETY: the caller upholds the contract of `crate::syscall4`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "sc",
            "mfcr {cr}",
            inlateout("r0") nr => _,
            inlateout("r3") a1 => value,
            inlateout("r4") a2 => _,
            inlateout("r5") a3 => _,
            inlateout("r6") a4 => _,
            lateout("r7") _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            cr = lateout(reg) cr,
            out("cr0") _,
            out("ctr") _,
            out("xer") _,
            options(nostack),
        );
    }
    (value, cr & CR0_SO != 0)
}

/// `sc` with 5 arguments.
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
    let cr: u32;
    // SAFETY: the caller upholds the contract of `crate::syscall5`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "sc",
            "mfcr {cr}",
            inlateout("r0") nr => _,
            inlateout("r3") a1 => value,
            inlateout("r4") a2 => _,
            inlateout("r5") a3 => _,
            inlateout("r6") a4 => _,
            inlateout("r7") a5 => _,
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            cr = lateout(reg) cr,
            out("cr0") _,
            out("ctr") _,
            out("xer") _,
            options(nostack),
        );
    }
    (value, cr & CR0_SO != 0)
}

/// `sc` with 6 arguments.
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
    let cr: u32;
    // SAFETY: the caller upholds the contract of `crate::syscall6`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "sc",
            "mfcr {cr}",
            inlateout("r0") nr => _,
            inlateout("r3") a1 => value,
            inlateout("r4") a2 => _,
            inlateout("r5") a3 => _,
            inlateout("r6") a4 => _,
            inlateout("r7") a5 => _,
            inlateout("r8") a6 => _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
            lateout("r12") _,
            cr = lateout(reg) cr,
            out("cr0") _,
            out("ctr") _,
            out("xer") _,
            options(nostack),
        );
    }
    (value, cr & CR0_SO != 0)
}
