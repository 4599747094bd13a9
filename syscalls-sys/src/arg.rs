//! [`SyscallArg`]: what `syscall!` accepts as an argument, and how it widens it.

use core::ptr::NonNull;

/// A value `syscall!` and `syscall_raw!` accept as a syscall argument, converted the way C's
/// `syscall()` converts its `long` arguments.
///
/// Implemented for exactly these types, and sealed so that nothing else compiles:
///
/// - signed integers `i8`, `i16`, `i32`, `isize` (and `i64` where `usize` is 64 bits):
///   **sign-extended**, so `-1` (`AT_FDCWD`, "no fd") reaches the kernel as all ones;
/// - unsigned integers `u8`, `u16`, `u32`, `usize` (and `u64` where `usize` is 64 bits):
///   zero-extended;
/// - raw pointers `*const T` and `*mut T`, `NonNull<T>` and `Option<NonNull<T>>` (`None` is
///   the null pointer), for sized `T`: the address.
///
/// Not implemented, on purpose: `bool` and `char` (no syscall takes one; write `flag as
/// i32`), references and slices (take a raw pointer with `.as_ptr()`/`.as_mut_ptr()`, and
/// pass lengths separately), `i64`/`u64` on 32-bit targets (they do not fit one register:
/// split them as the ABI requires, as in C), `i128`/`u128`, floats, and anything else.
///
/// ```compile_fail,E0277
/// # use syscalls_sys::{syscall, SYS_write};
/// // A `&str` is not a pointer: pass `s.as_ptr()` and `s.len()`.
/// let _ = unsafe { syscall!(SYS_write, 1, "hello", 5) };
/// ```
///
/// ```compile_fail,E0277
/// # use syscalls_sys::{syscall, SYS_write};
/// let s = String::from("hello");
/// let _ = unsafe { syscall!(SYS_write, 1, s, 5) };
/// ```
///
/// ```compile_fail,E0277
/// # use syscalls_sys::{syscall, SYS_close};
/// let _ = unsafe { syscall!(SYS_close, true) };
/// ```
///
/// The compiler's error names the conversions these usually need, for example for a
/// borrowed file descriptor:
///
/// ```compile_fail,E0277
/// # use syscalls_sys::{syscall, SYS_fsync};
/// use std::os::fd::AsFd;
/// let file = std::fs::File::open("/dev/null").unwrap();
/// // error[E0277]: `BorrowedFd<'_>` cannot be a syscall argument: `syscall!` takes integers
/// //               and raw pointers
/// //   = note: a file descriptor: pass `fd.as_raw_fd()` (std::os::fd::AsRawFd), …
/// let _ = unsafe { syscall!(SYS_fsync, file.as_fd()) };
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a syscall argument: `syscall!` takes integers and raw pointers",
    label = "not an integer or a raw pointer",
    note = "a file descriptor: pass `fd.as_raw_fd()` (std::os::fd::AsRawFd), not `fd.as_fd()` or `&file`",
    note = "a buffer: pass `buf.as_ptr()` or `buf.as_mut_ptr()` and the length `buf.len()`, not `&buf` or `&mut buf`",
    note = "a flag or a `bool`: convert it to an integer first (`flag as i32`); 64-bit values on 32-bit targets are split into two arguments, as in C"
)]
pub trait SyscallArg: sealed::Sealed {
    /// The argument as the `usize` the kernel receives in its register.
    fn into_syscall_arg(self) -> usize;
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! widen {
    ($how:literal: $($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl SyscallArg for $t {
            #[doc = $how]
            #[inline(always)]
            fn into_syscall_arg(self) -> usize {
                // `as` sign-extends a signed source and zero-extends an unsigned one.
                self as usize
            }
        }
    )*};
}

widen!("Sign-extended to `usize`.": i8, i16, i32, isize);
widen!("Zero-extended to `usize`.": u8, u16, u32, usize);
#[cfg(target_pointer_width = "64")]
widen!("Sign-extended to `usize`.": i64);
#[cfg(target_pointer_width = "64")]
widen!("Zero-extended to `usize`.": u64);

impl<T> sealed::Sealed for *const T {}
impl<T> SyscallArg for *const T {
    /// The address.
    #[inline(always)]
    fn into_syscall_arg(self) -> usize {
        self as usize
    }
}

impl<T> sealed::Sealed for *mut T {}
impl<T> SyscallArg for *mut T {
    /// The address.
    #[inline(always)]
    fn into_syscall_arg(self) -> usize {
        self as usize
    }
}

impl<T> sealed::Sealed for NonNull<T> {}
impl<T> SyscallArg for NonNull<T> {
    /// The address.
    #[inline(always)]
    fn into_syscall_arg(self) -> usize {
        self.as_ptr() as usize
    }
}

impl<T> sealed::Sealed for Option<NonNull<T>> {}
impl<T> SyscallArg for Option<NonNull<T>> {
    /// The address, or 0 for `None`.
    #[inline(always)]
    fn into_syscall_arg(self) -> usize {
        self.map_or(core::ptr::null_mut(), NonNull::as_ptr) as usize
    }
}
