//! The x86 (i386) backend: `int 0x80` through inline asm.
//!
//! Number in `eax`; arguments in `ebx ecx edx esi edi ebp`; result in `eax`, where
//! `-4095..=-1` is `-errno`. The kernel preserves every other register and restores
//! `eflags` on return (`preserves_flags`).
//!
//! Rust refuses `esi` and `ebp` as asm operands (LLVM may need them as base and frame
//! pointer), so arguments 4 and 6 reach them inside the asm:
//!
//! - with up to 4 arguments, `a4` comes in any free register and is exchanged with `esi`
//!   around the trap (both end as they began, as an input operand must);
//! - with 5 and 6 arguments no general register is left free (`eax ebx ecx edx edi` carry
//!   the number and arguments 1, 2, 3, 5), so the number, `a4` and `a6` are written to an
//!   array on the Rust stack whose address comes in `eax`; the asm pushes `esi` (and
//!   `ebp`), loads them, traps, and pops them back. These two push to the stack, so they do
//!   not claim `nostack`; the array is read by the asm, so neither `nomem` nor `readonly`
//!   is claimed (no function here claims either: the kernel reads and writes memory through
//!   the arguments).
//!
//! `int 0x80` is the slow but always-present entry; the vDSO's `__kernel_vsyscall` would
//! need the auxiliary vector, which a `no_std` crate cannot rely on.

use core::arch::asm;

entry_points!(raw = super::return_register, decode = super::decode_negated);

/// `int 0x80` with 0 arguments.
#[inline(always)]
unsafe fn syscall0_asm(nr: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall0`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `int 0x80` with 1 argument.
#[inline(always)]
unsafe fn syscall1_asm(nr: usize, a1: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall1`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            in("ebx") a1,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `int 0x80` with 2 arguments.
#[inline(always)]
unsafe fn syscall2_asm(nr: usize, a1: usize, a2: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall2`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            in("ebx") a1,
            in("ecx") a2,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `int 0x80` with 3 arguments.
#[inline(always)]
unsafe fn syscall3_asm(nr: usize, a1: usize, a2: usize, a3: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall3`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "int 0x80",
            inlateout("eax") nr => ret,
            in("ebx") a1,
            in("ecx") a2,
            in("edx") a3,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `int 0x80` with 4 arguments.
#[inline(always)]
unsafe fn syscall4_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    let ret;
    // SAFETY: the caller upholds the contract of `crate::syscall4`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "xchg esi, {a4}",
            "int 0x80",
            "xchg esi, {a4}",
            a4 = in(reg) a4,
            inlateout("eax") nr => ret,
            in("ebx") a1,
            in("ecx") a2,
            in("edx") a3,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// `int 0x80` with 5 arguments.
#[inline(always)]
unsafe fn syscall5_asm(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> usize {
    let ret;
    let spilled = [nr, a4];
    // SAFETY: the caller upholds the contract of `crate::syscall5`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "push esi",
            "mov esi, [eax + 4]",
            "mov eax, [eax]",
            "int 0x80",
            "pop esi",
            inlateout("eax") spilled.as_ptr() => ret,
            in("ebx") a1,
            in("ecx") a2,
            in("edx") a3,
            in("edi") a5,
            options(preserves_flags),
        );
    }
    ret
}

/// `int 0x80` with 6 arguments.
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
    let spilled = [nr, a4, a6];
    // SAFETY: the caller upholds the contract of `crate::syscall6`; the operands and
    // clobbers are those of the module documentation.
    unsafe {
        asm!(
            "push ebp",
            "push esi",
            "mov esi, [eax + 4]",
            "mov ebp, [eax + 8]",
            "mov eax, [eax]",
            "int 0x80",
            "pop esi",
            "pop ebp",
            inlateout("eax") spilled.as_ptr() => ret,
            in("ebx") a1,
            in("ecx") a2,
            in("edx") a3,
            in("edi") a5,
            options(preserves_flags),
        );
    }
    ret
}
