//! The libc backend: `libc::syscall`, on every Linux target without an asm backend, and on
//! x86_64 with the `libc` feature.
//!
//! The C library issues the syscall and reports failure its own way: `syscall()` returns
//! `-1` and stores the code in the thread's `errno`. `syscallN` decodes that;
//! `syscallN_raw` turns it into the kernel's `-errno` (the raw contract of every backend),
//! so that `syscall_raw!` means the same whichever backend a build selects. Arguments go
//! through C's variadic `long`, which is as wide as `usize` on every Linux ABI (x32
//! included).

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
fn decode(ret: c_long) -> Result<usize, Errno> {
    if ret == -1 {
        Err(Errno::from_kernel(errno()))
    } else {
        Ok(ret as usize)
    }
}

/// `syscall()`'s return value in the kernel's convention: `-errno` on failure.
#[inline(always)]
fn raw(ret: c_long) -> usize {
    if ret == -1 {
        (errno() as usize).wrapping_neg()
    } else {
        ret as usize
    }
}

/// Defines, for each arity, `syscallN_raw` (the raw contract) and `syscallN` (decoded) over
/// one call of `syscall()`.
macro_rules! via_libc {
    ($($n:literal $name:ident $raw_name:ident ($($a:ident),*);)*) => {$(
        #[doc = concat!("`syscall()` with ", $n, " argument(s), in the kernel's `-errno` convention.")]
        ///
        /// # Safety
        ///
        #[doc = concat!("The contract of [`crate::syscall", $n, "`].")]
        #[inline(always)]
        pub(crate) unsafe fn $raw_name(nr: usize $(, $a: usize)*) -> usize {
            // SAFETY: the caller upholds the syscall's contract (see `crate::syscallN`);
            // `long` is what `syscall()` reads for the number and every argument.
            raw(unsafe { libc::syscall(nr as c_long $(, $a as c_long)*) })
        }

        #[doc = concat!("`syscall()` with ", $n, " argument(s), decoded (`-1` plus `errno`).")]
        ///
        /// # Safety
        ///
        #[doc = concat!("The contract of [`crate::syscall", $n, "`].")]
        #[inline(always)]
        pub(crate) unsafe fn $name(nr: usize $(, $a: usize)*) -> Result<usize, Errno> {
            // SAFETY: as above.
            decode(unsafe { libc::syscall(nr as c_long $(, $a as c_long)*) })
        }
    )*};
}

via_libc! {
    0 syscall0 syscall0_raw ();
    1 syscall1 syscall1_raw (a1);
    2 syscall2 syscall2_raw (a1, a2);
    3 syscall3 syscall3_raw (a1, a2, a3);
    4 syscall4 syscall4_raw (a1, a2, a3, a4);
    5 syscall5 syscall5_raw (a1, a2, a3, a4, a5);
    6 syscall6 syscall6_raw (a1, a2, a3, a4, a5, a6);
}
