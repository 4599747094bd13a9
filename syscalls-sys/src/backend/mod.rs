//! How a syscall is issued: the one place that picks a backend for the target.
//!
//! Exactly one backend file is compiled, chosen by the single table in `select_backend!`
//! below: an inline-asm file for each architecture that has one (unless the `libc` feature
//! asks for the C library), otherwise `libc.rs`, which calls `libc::syscall`.
//! Linux targets with neither (no asm backend yet and no C library, such as
//! `*-unknown-linux-none`) stop with a `compile_error!` instead of guessing.
//!
//! This module is compiled only on targets that have a native Linux ABI (see
//! `abi::cfg_native!`); elsewhere the crate offers its tables but no way to call the kernel.
//!
//! # The contract every backend file fulfils
//!
//! Every backend exports these 14 crate-private functions, all `#[inline(always)]`:
//!
//! ```text
//! unsafe fn syscallN_raw(nr: usize, a1: usize, …, aN: usize) -> usize                 N = 0..=6
//! unsafe fn syscallN    (nr: usize, a1: usize, …, aN: usize) -> Result<usize, Errno>  N = 0..=6
//! ```
//!
//! - `nr` is a syscall number of the native ABI ([`crate::NATIVE`]), passed unchanged (mips
//!   numbers keep their 4000/5000/6000 base, x32 numbers the x32 bit).
//! - The arguments are already widened to `usize` by [`crate::SyscallArg`] (sign-extended
//!   for signed types). The backend puts them, unchanged, into the kernel's argument
//!   registers, in order; it never splits, swaps or pads them (ABIs that pass 64-bit
//!   values in register pairs leave that to the caller, as C's `syscall()` does).
//! - `syscallN_raw` returns the raw result in the kernel's convention, the same on every
//!   backend and ABI: `-errno` (as `usize`, `-4095..=-1`) on failure, the result otherwise
//!   ([`Errno::from_ret`] decodes it). The `-errno` asm backends return the kernel's return
//!   register untouched ([`return_register`]); the flag ABIs fold the flag in
//!   ([`flagged_return_register`]); the libc backend turns `-1` plus the C `errno` into
//!   `-errno`.
//! - `syscallN` returns `Ok(value)` on success and `Err(errno)` on failure, with the
//!   positive error code of the native ABI. It may decode the raw value (x86_64:
//!   [`decode_negated`]) or build the result directly from the asm outputs, which the
//!   ABIs that report failure in a separate flag need (mips `a3`, powerpc `cr0.SO`, sparc
//!   the carry flag): the result of such a call is not recoverable from one register.
//! - Both promise nothing beyond issuing that one syscall: the callers' `# Safety`
//!   contracts (on [`crate::syscall0`] and friends) are what make a call sound.
//!
//! # Register conventions of the asm backends
//!
//! What each file's asm encodes, read off the kernel's entry code and its ABI documents; the
//! file's own documentation says why each clobber is there and how it works around
//! registers that Rust refuses as operands.
//!
//! | ABI | instruction | number | arguments 1–6 | return | failure is reported as | also clobbered |
//! |---|---|---|---|---|---|---|
//! | x86_64 | `syscall` | `rax` | `rdi rsi rdx r10 r8 r9` | `rax` | `-4095..=-1` (`-errno`) | `rcx r11` |
//! | x32 | `syscall` | `rax` | `rdi rsi rdx r10 r8 r9`, zero-extended | `rax` | `-4095..=-1` in the 64-bit register | `rcx r11` |
//! | x86 | `int 0x80` | `eax` | `ebx ecx edx esi edi ebp` | `eax` | `-4095..=-1` | — |
//! | aarch64 | `svc 0` | `x8` | `x0`–`x5` | `x0` | `-4095..=-1` | — |
//! | arm (EABI, ARM and Thumb) | `svc 0` | `r7` | `r0`–`r5` | `r0` | `-4095..=-1` | — |
//! | riscv64, riscv32 | `ecall` | `a7` | `a0`–`a5` | `a0` | `-4095..=-1` | — |
//! | loongarch64 | `syscall 0` | `a7` | `a0`–`a5` | `a0` | `-4095..=-1` | `t0`–`t8` |
//! | powerpc64, powerpc | `sc` | `r0` | `r3`–`r8` | `r3` | `cr0.SO` set, `r3` = errno | `r0 r4`–`r12 cr0 ctr xer` |
//! | s390x | `svc 0` | `r1` | `r2`–`r7` | `r2` | `-4095..=-1` | — |
//! | mips o32 | `syscall` | `$2` (v0) | `$4`–`$7`, then 16 and 20 bytes above `$sp` | `$2` | `$7` (a3) ≠ 0, `$2` = errno | `$1 $3 $8`–`$15 $24 $25` hi lo |
//! | mips n64, n32 | `syscall` | `$2` (v0) | `$4`–`$9` | `$2` | `$7` (a3) ≠ 0, `$2` = errno | `$1 $3 $10`–`$15 $24 $25` hi lo |
//! | sparc64 | `ta 0x6d` | `g1` | `o0`–`o5` | `o0` | carry of `%xcc` set, `o0` = errno | `o1` |
//!
//! Each asm file writes the seven `syscallN_asm` functions that issue the instruction and
//! hands them to `entry_points!` (below), which defines the 14 functions of the contract from
//! them: `raw =` says what `syscallN_raw` returns of the asm's output, `decode =` how
//! `syscallN` decodes it. `-errno` ABIs decode with [`decode_negated`], flag ABIs return
//! `(return register, failed)` and decode with [`decode_flagged`].
//!
//! A new architecture gets a file `backend/<arch>.rs`, a row in this table, and a line in
//! `select_backend!`; `Cargo.toml` must then make `libc` optional on it (the two
//! `[target…dependencies]` tables mirror the list below), and `scripts/cross-test.sh` a
//! target that runs the tests on it.

use crate::Errno;

/// Decodes the return register of an ABI that reports failure as `-errno`: values in
/// `-4095..=-1` are errors, every other value is a success (including large "negative"
/// addresses returned by `mmap`).
#[inline(always)]
#[allow(dead_code)] // Unused when the libc backend is selected.
pub(crate) fn decode_negated(raw: usize) -> Result<usize, Errno> {
    Errno::from_ret(raw)
}

/// The return register of an ABI that reports failure in it: `syscallN_raw` of the
/// `-errno` asm backends returns it untouched.
#[inline(always)]
#[allow(dead_code)] // Unused when no `-errno` asm backend is selected.
pub(crate) fn return_register(raw: usize) -> usize {
    raw
}

/// The raw result of an ABI that reports failure in a separate flag, in the kernel's
/// `-errno` convention that `syscallN_raw` promises everywhere: on failure the register holds
/// the positive errno, which is negated; on success the register is returned as it is. This
/// is what the C libraries' internal syscall macros do on these ABIs. A successful result in
/// `-4095..=-1` (which no syscall of these ABIs returns in practice) would read as an error
/// here; `syscallN` decodes the flag itself and has no such case.
#[inline(always)]
#[allow(dead_code)] // Unused unless a flag-reporting asm backend is selected.
pub(crate) fn flagged_return_register((value, failed): (usize, bool)) -> usize {
    if failed {
        value.wrapping_neg()
    } else {
        value
    }
}

/// Decodes the outputs of an ABI that reports failure in a separate flag (mips `a3`,
/// powerpc `cr0.SO`, sparc the carry): on failure the return register holds the positive
/// errno; on success any value, including ones in `-4095..=-1`, is the result.
#[inline(always)]
#[allow(dead_code)] // Unused unless a flag-reporting asm backend is selected.
pub(crate) fn decode_flagged((value, failed): (usize, bool)) -> Result<usize, Errno> {
    if failed {
        // The kernel's error codes are below 4096: the cast keeps them whole.
        Err(Errno::from_kernel(value as i32))
    } else {
        Ok(value)
    }
}

/// Defines the 14 functions of the backend contract in an asm backend file, over that
/// file's `syscall0_asm` … `syscall6_asm`: `syscallN_raw` returns `$raw(output)` and
/// `syscallN` returns `$decode(output)`, where `output` is what `syscallN_asm` returns.
#[allow(unused_macros)] // Unused when the libc backend is selected.
macro_rules! entry_points {
    (raw = $raw:path, decode = $decode:path $(,)?) => {
        entry_points! {
            @each $raw, $decode;
            0 syscall0 syscall0_raw syscall0_asm ();
            1 syscall1 syscall1_raw syscall1_asm (a1);
            2 syscall2 syscall2_raw syscall2_asm (a1, a2);
            3 syscall3 syscall3_raw syscall3_asm (a1, a2, a3);
            4 syscall4 syscall4_raw syscall4_asm (a1, a2, a3, a4);
            5 syscall5 syscall5_raw syscall5_asm (a1, a2, a3, a4, a5);
            6 syscall6 syscall6_raw syscall6_asm (a1, a2, a3, a4, a5, a6);
        }
    };
    (@each $raw:path, $decode:path; $($n:literal $name:ident $raw_name:ident $asm:ident ($($a:ident),*);)*) => {$(
        #[doc = concat!("`syscall", $n, "_asm`'s result, undecoded (see the backend contract).")]
        ///
        /// # Safety
        ///
        #[doc = concat!("The contract of [`crate::syscall", $n, "`].")]
        #[inline(always)]
        pub(crate) unsafe fn $raw_name(nr: usize $(, $a: usize)*) -> usize {
            // SAFETY: forwarded unchanged from our caller.
            $raw(unsafe { $asm(nr $(, $a)*) })
        }

        #[doc = concat!("`syscall", $n, "_asm`'s result, decoded (see the backend contract).")]
        ///
        /// # Safety
        ///
        #[doc = concat!("The contract of [`crate::syscall", $n, "`].")]
        #[inline(always)]
        pub(crate) unsafe fn $name(nr: usize $(, $a: usize)*) -> Result<usize, $crate::Errno> {
            // SAFETY: forwarded unchanged from our caller.
            $decode(unsafe { $asm(nr $(, $a)*) })
        }
    )*};
}

/// The one backend switch: `cfg => "file"` for every asm backend; the libc backend covers
/// the rest of the Linux targets that have a C library.
macro_rules! select_backend {
    ($($cfg:meta => $file:literal,)*) => {
        $(
            #[cfg(all(not(feature = "libc"), $cfg))]
            #[path = $file]
            mod imp;
        )*

        #[cfg(all(
            any(feature = "libc", not(any($($cfg),*))),
            any(target_os = "android", not(target_env = "")),
        ))]
        #[path = "libc.rs"]
        mod imp;

        /// How this build issues syscalls: `"asm"` (this crate's inline asm for the target's
        /// architecture) or `"libc"` (`libc::syscall`, on architectures without an asm backend,
        /// with the `libc` feature, and on mips and sparc64 without `unstable-asm`).
        #[cfg(all(not(feature = "libc"), any($($cfg),*)))]
        pub const BACKEND: &str = "asm";
        /// How this build issues syscalls: `"asm"` (this crate's inline asm for the target's
        /// architecture) or `"libc"` (`libc::syscall`, on architectures without an asm backend,
        /// with the `libc` feature, and on mips and sparc64 without `unstable-asm`).
        #[cfg(any(feature = "libc", not(any($($cfg),*))))]
        pub const BACKEND: &str = "libc";

        #[cfg(all(
            any(feature = "libc", not(any($($cfg),*))),
            not(any(target_os = "android", not(target_env = ""))),
        ))]
        compile_error!(
            "syscalls-sys cannot issue syscalls on this target: it has no inline-asm backend \
             for this architecture yet (or the `libc` feature asked for the C library) and the \
             target has no C library to call `syscall()` from; the `abi` tables still work \
             without `syscall!`, which needs a backend in syscalls-sys/src/backend/"
        );
    };
}

// Every asm backend here runs syscalls-sys's tests under qemu-user (scripts/cross-test.sh),
// except x32 (built and linked only: neither qemu-user nor the usual kernels run it) and
// riscv32, loongarch64 and mips n32 (a freestanding smoke test: Debian has no C library for
// them). mips and sparc64 asm needs the nightly `asm_experimental_arch`, so it is opt-in
// (feature `unstable-asm`, see lib.rs): stable compilers there use libc. The mips r6 ISAs and
// 32-bit sparc stay on libc until someone runs them.
select_backend! {
    all(target_arch = "x86_64", target_pointer_width = "64") => "x86_64.rs",
    all(target_arch = "x86_64", target_pointer_width = "32") => "x32.rs",
    target_arch = "x86" => "x86.rs",
    target_arch = "aarch64" => "aarch64.rs",
    target_arch = "arm" => "arm.rs",
    any(target_arch = "riscv64", target_arch = "riscv32") => "riscv.rs",
    target_arch = "loongarch64" => "loongarch64.rs",
    any(target_arch = "powerpc64", target_arch = "powerpc") => "powerpc.rs",
    target_arch = "s390x" => "s390x.rs",
    all(feature = "unstable-asm", target_arch = "mips") => "mips_o32.rs",
    all(feature = "unstable-asm", target_arch = "mips64") => "mips64.rs",
    all(feature = "unstable-asm", target_arch = "sparc64") => "sparc64.rs",
}

pub(crate) use imp::*;
