//! [`Errno`]: an error code of the native ABI, named and described by the generated tables.

use core::fmt;

use crate::NATIVE;

/// An error code of the target's native syscall ABI, as a failed syscall reports it.
///
/// Its name and description come from the native ABI's generated errno table
/// ([`NATIVE`]), so they are right on ABIs whose codes differ from the generic ones
/// (alpha, mips, parisc, sparc).
///
/// ```
/// use syscalls_sys::{syscall, Errno, SYS_close};
///
/// // SAFETY: closing fd -1 touches no memory and no descriptor anyone owns.
/// let err: Errno = unsafe { syscall!(SYS_close, -1) }.unwrap_err();
/// assert_eq!(err.raw(), syscalls_sys::EBADF);
/// assert_eq!(err.name(), Some("EBADF"));
/// assert_eq!(Errno::from_name("EBADF"), Some(err));
/// println!("{err}"); // EBADF: Bad file number (the kernel's own words)
/// ```
// `Eq` by hand: the derive emits a helper that is codegened here even if unused, and this
// crate keeps its own build free of codegen (everything is `#[inline]`, built where used).
#[derive(Clone, Copy, PartialEq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct Errno(i32);

impl Eq for Errno {}

impl Errno {
    /// The error with code `code` of the native ABI (positive, as the kernel's `-errno` negated).
    #[inline]
    pub const fn from_raw(code: i32) -> Errno {
        Errno(code)
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

    /// The symbolic name (`"EBADF"`), if the native ABI defines this code.
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
}

impl fmt::Display for Errno {
    /// `EBADF: Bad file number`; a code the ABI does not define prints as `errno 4242`.
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
