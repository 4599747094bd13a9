//! The libc backend: `libc::syscall`, on every Linux target without an asm backend, and on
//! x86_64 with the `libc` feature.
//!
//! The C library issues the syscall and reports failure its own way: `syscall()` returns
//! `-1` and stores the code in the thread's `errno`, which is what `syscallN_raw` returns
//! and `syscallN` decodes. Arguments go through C's variadic `long`, which is as wide as
//! `usize` on every Linux ABI (x32 included).

use libc::{c_int, c_long};

use crate::Errno;

/// The calling thread's C `errno`.
#[inline(always)]
fn errno() -> c_int {
    #[cfg(target_os = "android")]
    use libc::__errno as errno_location;
    #[cfg(not(target_os = "android"))]
    use libc::__errno_location as errno_location;
    // SAFETY: the C library returns a valid, aligned pointer to the calling thread's
    // `errno`, which lives as long as the thread.
    unsafe { *errno_location() }
}

/// Decodes `syscall()`'s return value: `-1` means failure with the code in `errno`.
#[inline(always)]
fn decode(ret: usize) -> Result<usize, Errno> {
    if ret as c_long == -1 {
        Err(Errno::from_raw(errno()))
    } else {
        Ok(ret)
    }
}

/// `syscall()` with 0 arguments; returns its result (`-1` on error).
///
/// # Safety
///
/// The contract of [`crate::syscall0`].
#[inline(always)]
pub(crate) unsafe fn syscall0_raw(nr: usize) -> usize {
    // SAFETY: the caller upholds the syscall's contract (see `crate::syscall0`); `long`
    // is what `syscall()` reads for the number and every argument.
    unsafe { libc::syscall(nr as c_long) as usize }
}

/// `syscall()` with 0 arguments; decodes `-1` plus `errno`.
///
/// # Safety
///
/// The contract of [`crate::syscall0`].
#[inline(always)]
pub(crate) unsafe fn syscall0(nr: usize) -> Result<usize, Errno> {
    // SAFETY: forwarded unchanged from our caller.
    decode(unsafe { syscall0_raw(nr) })
}

/// `syscall()` with 1 argument; returns its result (`-1` on error).
///
/// # Safety
///
/// The contract of [`crate::syscall1`].
#[inline(always)]
pub(crate) unsafe fn syscall1_raw(nr: usize, a1: usize) -> usize {
    // SAFETY: the caller upholds the syscall's contract (see `crate::syscall1`); `long`
    // is what `syscall()` reads for the number and every argument.
    unsafe { libc::syscall(nr as c_long, a1 as c_long) as usize }
}

/// `syscall()` with 1 argument; decodes `-1` plus `errno`.
///
/// # Safety
///
/// The contract of [`crate::syscall1`].
#[inline(always)]
pub(crate) unsafe fn syscall1(nr: usize, a1: usize) -> Result<usize, Errno> {
    // SAFETY: forwarded unchanged from our caller.
    decode(unsafe { syscall1_raw(nr, a1) })
}

/// `syscall()` with 2 arguments; returns its result (`-1` on error).
///
/// # Safety
///
/// The contract of [`crate::syscall2`].
#[inline(always)]
pub(crate) unsafe fn syscall2_raw(nr: usize, a1: usize, a2: usize) -> usize {
    // SAFETY: the caller upholds the syscall's contract (see `crate::syscall2`); `long`
    // is what `syscall()` reads for the number and every argument.
    unsafe { libc::syscall(nr as c_long, a1 as c_long, a2 as c_long) as usize }
}

/// `syscall()` with 2 arguments; decodes `-1` plus `errno`.
///
/// # Safety
///
/// The contract of [`crate::syscall2`].
#[inline(always)]
pub(crate) unsafe fn syscall2(nr: usize, a1: usize, a2: usize) -> Result<usize, Errno> {
    // SAFETY: forwarded unchanged from our caller.
    decode(unsafe { syscall2_raw(nr, a1, a2) })
}

/// `syscall()` with 3 arguments; returns its result (`-1` on error).
///
/// # Safety
///
/// The contract of [`crate::syscall3`].
#[inline(always)]
pub(crate) unsafe fn syscall3_raw(nr: usize, a1: usize, a2: usize, a3: usize) -> usize {
    // SAFETY: the caller upholds the syscall's contract (see `crate::syscall3`); `long`
    // is what `syscall()` reads for the number and every argument.
    unsafe { libc::syscall(nr as c_long, a1 as c_long, a2 as c_long, a3 as c_long) as usize }
}

/// `syscall()` with 3 arguments; decodes `-1` plus `errno`.
///
/// # Safety
///
/// The contract of [`crate::syscall3`].
#[inline(always)]
pub(crate) unsafe fn syscall3(nr: usize, a1: usize, a2: usize, a3: usize) -> Result<usize, Errno> {
    // SAFETY: forwarded unchanged from our caller.
    decode(unsafe { syscall3_raw(nr, a1, a2, a3) })
}

/// `syscall()` with 4 arguments; returns its result (`-1` on error).
///
/// # Safety
///
/// The contract of [`crate::syscall4`].
#[inline(always)]
pub(crate) unsafe fn syscall4_raw(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> usize {
    // SAFETY: the caller upholds the syscall's contract (see `crate::syscall4`); `long`
    // is what `syscall()` reads for the number and every argument.
    unsafe {
        libc::syscall(
            nr as c_long,
            a1 as c_long,
            a2 as c_long,
            a3 as c_long,
            a4 as c_long,
        ) as usize
    }
}

/// `syscall()` with 4 arguments; decodes `-1` plus `errno`.
///
/// # Safety
///
/// The contract of [`crate::syscall4`].
#[inline(always)]
pub(crate) unsafe fn syscall4(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
) -> Result<usize, Errno> {
    // SAFETY: forwarded unchanged from our caller.
    decode(unsafe { syscall4_raw(nr, a1, a2, a3, a4) })
}

/// `syscall()` with 5 arguments; returns its result (`-1` on error).
///
/// # Safety
///
/// The contract of [`crate::syscall5`].
#[inline(always)]
pub(crate) unsafe fn syscall5_raw(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
) -> usize {
    // SAFETY: the caller upholds the syscall's contract (see `crate::syscall5`); `long`
    // is what `syscall()` reads for the number and every argument.
    unsafe {
        libc::syscall(
            nr as c_long,
            a1 as c_long,
            a2 as c_long,
            a3 as c_long,
            a4 as c_long,
            a5 as c_long,
        ) as usize
    }
}

/// `syscall()` with 5 arguments; decodes `-1` plus `errno`.
///
/// # Safety
///
/// The contract of [`crate::syscall5`].
#[inline(always)]
pub(crate) unsafe fn syscall5(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
) -> Result<usize, Errno> {
    // SAFETY: forwarded unchanged from our caller.
    decode(unsafe { syscall5_raw(nr, a1, a2, a3, a4, a5) })
}

/// `syscall()` with 6 arguments; returns its result (`-1` on error).
///
/// # Safety
///
/// The contract of [`crate::syscall6`].
#[inline(always)]
pub(crate) unsafe fn syscall6_raw(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> usize {
    // SAFETY: the caller upholds the syscall's contract (see `crate::syscall6`); `long`
    // is what `syscall()` reads for the number and every argument.
    unsafe {
        libc::syscall(
            nr as c_long,
            a1 as c_long,
            a2 as c_long,
            a3 as c_long,
            a4 as c_long,
            a5 as c_long,
            a6 as c_long,
        ) as usize
    }
}

/// `syscall()` with 6 arguments; decodes `-1` plus `errno`.
///
/// # Safety
///
/// The contract of [`crate::syscall6`].
#[inline(always)]
pub(crate) unsafe fn syscall6(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> Result<usize, Errno> {
    // SAFETY: forwarded unchanged from our caller.
    decode(unsafe { syscall6_raw(nr, a1, a2, a3, a4, a5, a6) })
}
