//! [`Errno`]: an error code of the native ABI, named and described by the generated tables.

use core::fmt;

use crate::NATIVE;

/// The largest error code the kernel returns: `MAX_ERRNO` of the kernel's
/// `include/linux/err.h` (`IS_ERR_VALUE`). It is not part of the UAPI headers, so the
/// generator does not provide it, and the `libc` crate does not define it either; it is the
/// kernel's error window, the same on every ABI: a raw return in `-4095..=-1` is `-errno`.
pub(crate) const MAX_ERRNO: usize = 4095;

/// An error code of the target's native syscall ABI, as a failed syscall reports it: always
/// in `1..=4095`.
///
/// Its name and description come from the native ABI's generated errno table
/// ([`NATIVE`]), so they are right on ABIs whose codes differ from the generic ones
/// (alpha, mips, parisc, sparc). Every code of that table is an associated constant
/// (`Errno::EBADF`), and an `Errno` compares equal to its `i32` code.
///
/// ```
/// use syscalls_sys::{syscall, Errno, SYS_close};
///
/// // SAFETY: closing fd -1 touches no memory and no descriptor anyone owns.
/// let err: Errno = unsafe { syscall!(SYS_close, -1) }.unwrap_err();
/// assert_eq!(err, Errno::EBADF);
/// assert_eq!(err, syscalls_sys::EBADF); // the `i32` constant
/// assert_eq!(err.name(), Some("EBADF"));
/// assert_eq!(Errno::from_name("EBADF"), Some(err));
/// assert_eq!(Errno::new(err.raw()), Some(err));
/// println!("{err}"); // EBADF: Bad file number (the kernel's own words)
/// ```
///
/// With the `std` feature it converts into `std::io::Error` (kind and
/// `raw_os_error` kept), so `?` works in functions returning `std::io::Result`:
///
/// ```
/// # #[cfg(feature = "std")] {
/// use std::io;
/// use syscalls_sys::{syscall, SYS_close};
///
/// fn close(fd: i32) -> io::Result<()> {
///     // SAFETY: the caller owns `fd` and does not use it after this.
///     unsafe { syscall!(SYS_close, fd) }?;
///     Ok(())
/// }
///
/// let err = close(-1).unwrap_err();
/// assert_eq!(err.raw_os_error(), Some(syscalls_sys::EBADF));
/// # }
/// ```
// `Eq` by hand: the derive emits a helper that is codegened here even if unused, and this
// crate keeps its own build free of codegen (everything is `#[inline]`, built where used).
#[derive(Clone, Copy, PartialEq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
// The field is the crate's so that the generated `abi/native_errno_*.rs` can write constants;
// everything else goes through `new`/`from_kernel`.
pub struct Errno(pub(crate) i32);

impl Eq for Errno {}

impl Errno {
    /// The error with code `code` (positive, as C's `errno` holds it), if it is in the
    /// kernel's error range `1..=4095`; any code of the range is accepted, named or not.
    ///
    /// ```
    /// use syscalls_sys::{Errno, EBADF};
    ///
    /// assert_eq!(Errno::new(EBADF), Some(Errno::EBADF));
    /// assert_eq!(Errno::new(0), None);
    /// assert_eq!(Errno::new(-EBADF), None); // the kernel's -errno: negate it first
    /// assert_eq!(Errno::new(4096), None);
    /// assert_eq!(Errno::new(4095).map(Errno::name), Some(None)); // in range, unnamed
    /// ```
    #[inline]
    pub const fn new(code: i32) -> Option<Errno> {
        if code >= 1 && code <= MAX_ERRNO as i32 {
            Some(Errno(code))
        } else {
            None
        }
    }

    /// A code the kernel (or the C library) reported for a failed syscall, taken as it is.
    /// (The generated associated constants write `Errno(code)`: cheaper to compile than a
    /// `const fn` call each.)
    #[inline(always)]
    pub(crate) const fn from_kernel(code: i32) -> Errno {
        Errno(code)
    }

    /// Decodes a raw syscall return value as [`syscall_raw!`](crate::syscall_raw!) and the
    /// `syscallN_raw` functions give it, the kernel's convention on every backend and ABI:
    /// a value in `-4095..=-1` (as `usize`) is `-errno`, anything else is a success
    /// (including large "negative" addresses returned by `mmap`).
    ///
    /// `syscall!(…)` is `Errno::from_ret(syscall_raw!(…))` on ABIs that return `-errno`.
    ///
    /// ```
    /// use syscalls_sys::{syscall_raw, Errno, SYS_close, SYS_getpid};
    ///
    /// // SAFETY: closing fd -1 touches no memory and no descriptor anyone owns.
    /// let raw = unsafe { syscall_raw!(SYS_close, -1) };
    /// assert_eq!(raw as isize, -(syscalls_sys::EBADF as isize));
    /// assert_eq!(Errno::from_ret(raw), Err(Errno::EBADF));
    ///
    /// // SAFETY: getpid takes no arguments and cannot fail.
    /// let raw = unsafe { syscall_raw!(SYS_getpid) };
    /// assert_eq!(Errno::from_ret(raw), Ok(std::process::id() as usize));
    /// assert_eq!(Errno::from_ret(usize::MAX - 4095), Ok(usize::MAX - 4095)); // -4096
    /// ```
    #[inline(always)]
    pub const fn from_ret(raw: usize) -> Result<usize, Errno> {
        if raw >= MAX_ERRNO.wrapping_neg() {
            // `raw` is in `-4095..=-1`: its negation is in 1..=4095.
            Err(Errno(raw.wrapping_neg() as i32))
        } else {
            Ok(raw)
        }
    }

    /// The calling thread's C `errno`, as the C library left it after a failed call, if it
    /// holds an error code (`None` when it is 0 or outside `1..=4095`).
    ///
    /// ```
    /// use syscalls_sys::Errno;
    ///
    /// // SAFETY: close(-1) touches nothing; it fails with EBADF and sets errno.
    /// assert_eq!(unsafe { libc::close(-1) }, -1);
    /// assert_eq!(Errno::last(), Some(Errno::EBADF));
    /// ```
    #[cfg(feature = "std")]
    #[inline]
    pub fn last() -> Option<Errno> {
        std::io::Error::last_os_error()
            .raw_os_error()
            .and_then(Errno::new)
    }

    /// The error named `name` (`"EBADF"`) on the native ABI, if it has one by that name.
    #[inline]
    pub const fn from_name(name: &str) -> Option<Errno> {
        match NATIVE.errno_number(name) {
            Some(code) => Some(Errno(code)),
            None => None,
        }
    }

    /// The numeric code (`9` for `EBADF` on most ABIs).
    #[inline]
    pub const fn raw(self) -> i32 {
        self.0
    }

    /// The symbolic name (`"EBADF"`), if the native ABI defines this code (kernel-internal
    /// codes such as `ERESTARTSYS` included).
    ///
    /// Where several names share a code (`EAGAIN` and `EWOULDBLOCK`), the kernel's first
    /// definition is returned.
    #[inline]
    pub const fn name(self) -> Option<&'static str> {
        NATIVE.errno_name(self.0)
    }

    /// The kernel's description of the code (the comment of its UAPI `errno.h`: `"Bad file
    /// number"` for `EBADF`), if the native ABI defines this code.
    #[inline]
    pub const fn description(self) -> Option<&'static str> {
        NATIVE.errno_description(self.0)
    }

    /// Whether this is one of the kernel's internal codes (`ERESTARTSYS` …), which never
    /// reach user space but which a tracer sees at syscall exit; see
    /// [`Abi::errno_is_kernel_internal`](crate::Abi::errno_is_kernel_internal).
    #[inline]
    pub const fn is_kernel_internal(self) -> bool {
        NATIVE.errno_is_kernel_internal(self.0)
    }
}

impl PartialEq<i32> for Errno {
    /// Whether the code is `other`: `err == EBADF` with the root `i32` constants.
    #[inline]
    fn eq(&self, other: &i32) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Errno> for i32 {
    /// Whether `self` is the code of `other`.
    #[inline]
    fn eq(&self, other: &Errno) -> bool {
        *self == other.0
    }
}

impl fmt::Display for Errno {
    /// `EBADF: Bad file number`; a code the ABI does not define prints as `errno 4000`.
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name(), self.description()) {
            (Some(name), Some(description)) => write!(f, "{name}: {description}"),
            (Some(name), None) => f.write_str(name),
            _ => write!(f, "errno {}", self.0),
        }
    }
}

impl fmt::Debug for Errno {
    /// `Errno { raw: 9, name: "EBADF", description: "Bad file number" }`; only `raw` for a
    /// code the ABI does not define.
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Errno");
        s.field("raw", &self.0);
        if let Some(name) = self.name() {
            s.field("name", &name);
        }
        if let Some(description) = self.description() {
            s.field("description", &description);
        }
        s.finish()
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Errno {}

#[cfg(feature = "std")]
impl From<Errno> for std::io::Error {
    /// `io::Error::from_raw_os_error(errno.raw())`: `raw_os_error()` gives the code back and
    /// `kind()` is the one std gives it (`NotFound` for `ENOENT`). The message is std's
    /// (the C library's `strerror`), not this crate's.
    #[inline]
    fn from(errno: Errno) -> std::io::Error {
        std::io::Error::from_raw_os_error(errno.0)
    }
}
