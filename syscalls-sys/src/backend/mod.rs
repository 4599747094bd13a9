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
//! - `syscallN_raw` returns the value the backend gets back, untouched: for an asm backend
//!   the kernel's return register; for the libc backend `libc::syscall`'s return value
//!   (`-1` on error, with the code in the C `errno`).
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
//! | ABI | instruction | number | arguments 1–6 | return | error convention | clobbered |
//! |---|---|---|---|---|---|---|
//! | x86_64 | `syscall` | `rax` | `rdi rsi rdx r10 r8 r9` | `rax` | `-4095..=-1` is `-errno` | `rcx r11` |
//!
//! A new architecture gets a file `backend/<arch>.rs` with the 14 functions, a row in this
//! table, and a line in `select_backend!`; `Cargo.toml` must then make `libc` optional on
//! it (the two `[target…dependencies]` tables mirror the list below).

use crate::Errno;

/// The largest error code the kernel returns in its return register: `MAX_ERRNO` of the
/// kernel's `include/linux/err.h` (`IS_ERR_VALUE`). It is not part of the UAPI headers, so
/// the generator does not provide it, and the `libc` crate does not define it either; it is
/// the kernel's error window, the same on every ABI that returns `-errno`.
const MAX_ERRNO: usize = 4095;

/// Decodes the return register of an ABI that reports failure as `-errno`: values in
/// `-4095..=-1` are errors, every other value is a success (including large "negative"
/// addresses returned by `mmap`).
#[inline(always)]
#[allow(dead_code)] // Unused when the libc backend is selected.
pub(crate) fn decode_negated(raw: usize) -> Result<usize, Errno> {
    if raw >= MAX_ERRNO.wrapping_neg() {
        // `raw` is in `-4095..=-1`: its negation fits an `i32` without loss.
        Err(Errno::from_raw(raw.wrapping_neg() as i32))
    } else {
        Ok(raw)
    }
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

select_backend! {
    all(target_arch = "x86_64", target_pointer_width = "64") => "x86_64.rs",
}

pub(crate) use imp::*;
