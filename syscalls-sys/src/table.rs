//! [`Abi`]: one Linux syscall ABI's generated tables, and the lookups over them.
//!
//! The tables themselves are data written by `cargo xtask gen` (see `src/abi/`); this file is
//! the hand-written code that reads them. Every lookup is allocation-free; the by-name lookups
//! are binary searches over a generated name-sorted index and are `const fn`.

use core::cmp::Ordering;
use core::fmt;

/// One syscall ABI of the Linux kernel: its syscall numbers and errno values.
///
/// Every ABI the kernel has is available on every host as `syscalls_sys::abi::<name>::ABI`,
/// and all of them are listed in [`ABIS`](crate::ABIS), so a 64-bit tracer can decode the
/// syscalls of a 32-bit child, or a seccomp filter generator can emit rules for any target.
///
/// ```
/// use syscalls_sys::abi;
///
/// // Lookups are `const fn`: usable in constants, resolved at compile time.
/// const NR: Option<usize> = abi::aarch64::ABI.number("memfd_create");
/// assert_eq!(NR, Some(279));
/// assert_eq!(abi::x86_64::ABI.name_of(319), Some("memfd_create"));
/// assert_eq!(abi::mips_o32::ABI.errno_name(45), Some("EDEADLK"));
/// ```
#[derive(Clone, Copy)]
pub struct Abi {
    name: &'static str,
    linux_version: &'static str,
    /// `(name, number)`, sorted by number; for aliases of one number the kernel's own name first.
    syscalls: &'static [(&'static str, usize)],
    /// Indices into `syscalls`, sorted by name (byte order).
    syscalls_by_name: &'static [u16],
    /// `(name, code, description)`, sorted by code; for aliases of one code the first-defined first.
    errnos: &'static [(&'static str, i32, &'static str)],
    /// Indices into `errnos`, sorted by name (byte order).
    errnos_by_name: &'static [u16],
}

impl Abi {
    /// Builds an ABI from its generated tables. Only the generated modules call this; the
    /// generator guarantees the sort orders documented on the fields.
    pub(crate) const fn from_tables(
        name: &'static str,
        linux_version: &'static str,
        syscalls: &'static [(&'static str, usize)],
        syscalls_by_name: &'static [u16],
        errnos: &'static [(&'static str, i32, &'static str)],
        errnos_by_name: &'static [u16],
    ) -> Abi {
        Abi {
            name,
            linux_version,
            syscalls,
            syscalls_by_name,
            errnos,
            errnos_by_name,
        }
    }

    /// The ABI's canonical name, as in `syscalls_sys::abi::<name>`: `"x86_64"`, `"mips_n32"`, …
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The Linux version (`major.minor`) whose UAPI headers the tables were generated from.
    pub const fn linux_version(&self) -> &'static str {
        self.linux_version
    }

    /// How many syscall names the ABI has (aliases such as alpha's `getpid` count).
    pub const fn len(&self) -> usize {
        self.syscalls.len()
    }

    /// Whether the ABI has no syscalls at all (never true for a real ABI).
    pub const fn is_empty(&self) -> bool {
        self.syscalls.is_empty()
    }

    /// Every `(name, number)` of the ABI, in number order.
    ///
    /// ```
    /// let first = syscalls_sys::abi::x86_64::ABI.iter().next();
    /// assert_eq!(first, Some(("read", 0)));
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&'static str, usize)> + Clone {
        self.syscalls.iter().copied()
    }

    /// The number of syscall `name` (without any `SYS_`/`__NR_` prefix), if the ABI has it.
    ///
    /// Exact numbers as the kernel uses them: mips numbers include their 4000/5000/6000 base,
    /// x32 numbers the x32 bit, arm OABI numbers the 0x900000 base.
    pub const fn number(&self, name: &str) -> Option<usize> {
        // Binary search of the name-sorted index.
        let (mut lo, mut hi) = (0, self.syscalls_by_name.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (entry, nr) = self.syscalls[self.syscalls_by_name[mid] as usize];
            match str_cmp(entry, name) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(nr),
            }
        }
        None
    }

    /// The name of syscall number `nr`, if the ABI has it. Where several names share a number
    /// (alpha's `getpid` and `getxpid`), the one the kernel's table defines is returned.
    pub const fn name_of(&self, nr: usize) -> Option<&'static str> {
        // `syscalls` is sorted by number: find the first entry with `number >= nr`.
        let (mut lo, mut hi) = (0, self.syscalls.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.syscalls[mid].1 < nr {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo < self.syscalls.len() && self.syscalls[lo].1 == nr {
            Some(self.syscalls[lo].0)
        } else {
            None
        }
    }

    /// The symbolic name of error code `code` (`9` → `"EBADF"` on most ABIs).
    pub const fn errno_name(&self, code: i32) -> Option<&'static str> {
        match self.errno_index(code) {
            Some(i) => Some(self.errnos[i].0),
            None => None,
        }
    }

    /// The kernel's description of error code `code` (`9` → `"Bad file descriptor"`).
    pub const fn errno_description(&self, code: i32) -> Option<&'static str> {
        match self.errno_index(code) {
            Some(i) => Some(self.errnos[i].2),
            None => None,
        }
    }

    /// The code of error `name` on this ABI (`"EDEADLK"` → 35 on x86_64, 45 on mips).
    pub const fn errno_number(&self, name: &str) -> Option<i32> {
        // Binary search of the name-sorted index.
        let (mut lo, mut hi) = (0, self.errnos_by_name.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (entry, code, _) = self.errnos[self.errnos_by_name[mid] as usize];
            match str_cmp(entry, name) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(code),
            }
        }
        None
    }

    /// Every `(name, code, description)` error of the ABI, in code order.
    pub fn errnos(
        &self,
    ) -> impl ExactSizeIterator<Item = (&'static str, i32, &'static str)> + Clone {
        self.errnos.iter().copied()
    }

    /// Index of the first (canonical) entry of `errnos` with this code.
    const fn errno_index(&self, code: i32) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.errnos.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.errnos[mid].1 < code {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo < self.errnos.len() && self.errnos[lo].1 == code {
            Some(lo)
        } else {
            None
        }
    }
}

impl fmt::Debug for Abi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Abi")
            .field("name", &self.name)
            .field("linux_version", &self.linux_version)
            .field("syscalls", &self.syscalls.len())
            .field("errnos", &self.errnos.len())
            .finish()
    }
}

impl PartialEq for Abi {
    /// Two ABIs are equal when they are the same ABI (same canonical name).
    fn eq(&self, other: &Abi) -> bool {
        str_cmp(self.name, other.name).is_eq()
    }
}

impl Eq for Abi {}

/// `str` comparison in byte order, usable in `const fn`.
const fn str_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return if a[i] < b[i] {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        i += 1;
    }
    if a.len() < b.len() {
        Ordering::Less
    } else if a.len() > b.len() {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}
