//! [`Abi`]: one Linux syscall ABI's generated tables, and the lookups over them.
//!
//! The tables are data written by `cargo xtask gen` (`src/abi/`); this file is the hand-written
//! code that reads them. They are packed ([`Table`]): a few string and byte-string literals per
//! ABI instead of thousands of array elements, because rustc's time grows with every element
//! and item, and this crate promises to compile faster than a table-only peer. Every lookup is
//! allocation-free and `const fn` where the API says so; both directions are binary searches.

use core::cmp::Ordering;
use core::fmt;
use core::hash::{Hash, Hasher};

/// A packed, sorted table of `(name, value)` pairs, as the generator writes it.
///
/// - `names`: every name, in value order, each followed by one `separator` byte;
/// - `starts`: for each entry, the byte offset of its name in `names`, as `u16` little-endian;
/// - `values`: for each entry, its value as `u32` little-endian, in ascending order (entries
///   that share a value are in the generator's canonical order: the kernel's own name first);
/// - `by_name`: the entry indices sorted by name in byte order, as `u16` little-endian.
///
/// The generator checks the invariants; the decoding below only reads what it wrote.
#[derive(Clone, Copy)]
pub(crate) struct Table {
    pub(crate) names: &'static str,
    pub(crate) separator: u8,
    pub(crate) starts: &'static [u8],
    pub(crate) values: &'static [u8],
    pub(crate) by_name: &'static [u8],
}

/// An errno table: names and codes as a [`Table`], plus each code's description (in the same
/// entry order, each followed by a newline), and which entries are kernel-internal codes (bit
/// `i % 8` of byte `i / 8` for entry `i`).
#[derive(Clone, Copy)]
pub(crate) struct ErrnoTable {
    pub(crate) codes: Table,
    pub(crate) descriptions: &'static str,
    pub(crate) description_starts: &'static [u8],
    pub(crate) kernel_internal: &'static [u8],
}

#[inline]
const fn u16_at(bytes: &[u8], i: usize) -> usize {
    bytes[2 * i] as usize | (bytes[2 * i + 1] as usize) << 8
}

#[inline]
const fn u32_at(bytes: &[u8], i: usize) -> u32 {
    bytes[4 * i] as u32
        | (bytes[4 * i + 1] as u32) << 8
        | (bytes[4 * i + 2] as u32) << 16
        | (bytes[4 * i + 3] as u32) << 24
}

/// The `i`-th of the `separator`-terminated strings of `text`, whose starts are `starts`.
#[inline]
const fn piece(text: &'static str, starts: &[u8], separator: u8, i: usize) -> &'static str {
    let bytes = text.as_bytes();
    let start = u16_at(starts, i);
    let mut end = start;
    while bytes[end] != separator {
        end += 1;
    }
    let (_, rest) = bytes.split_at(start);
    let (piece, _) = rest.split_at(end - start);
    match core::str::from_utf8(piece) {
        Ok(s) => s,
        // The generator writes ASCII names and cuts only at separator bytes.
        Err(_) => "",
    }
}

impl Table {
    #[inline]
    const fn len(&self) -> usize {
        self.values.len() / 4
    }

    #[inline]
    const fn name(&self, i: usize) -> &'static str {
        piece(self.names, self.starts, self.separator, i)
    }

    #[inline]
    const fn value(&self, i: usize) -> u32 {
        u32_at(self.values, i)
    }

    /// The entry named `name`.
    #[inline]
    const fn find_name(&self, name: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let i = u16_at(self.by_name, mid);
            match str_cmp(self.name(i), name) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(i),
            }
        }
        None
    }

    /// The first (canonical) entry with value `value`.
    #[inline]
    const fn find_value(&self, value: u64) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if (self.value(mid) as u64) < value {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo < self.len() && self.value(lo) as u64 == value {
            Some(lo)
        } else {
            None
        }
    }
}

/// One syscall ABI of the Linux kernel: its syscall numbers, errno values and audit arches.
///
/// Every ABI the kernel has is available on every host as `syscalls_sys::abi::<name>::ABI`,
/// and all of them are listed in [`ABIS`](crate::ABIS), so a 64-bit tracer can decode the
/// syscalls of a 32-bit child, or a seccomp filter generator can emit rules for any target.
/// [`Abi::by_name`] finds one from its name as the kernel, Debian, Go, libseccomp or an LLVM
/// target triple spell it.
///
/// The lookups follow one scheme: `syscall_number`/`syscall_name`/`syscalls` for the syscall
/// table, `errno_number`/`errno_name`/`errnos` for the errno table.
///
/// ```
/// use syscalls_sys::abi;
///
/// // Lookups are `const fn`: usable in constants, resolved at compile time.
/// const NR: Option<usize> = abi::aarch64::ABI.syscall_number("memfd_create");
/// assert_eq!(NR, Some(279));
/// assert_eq!(abi::x86_64::ABI.syscall_name(319), Some("memfd_create"));
/// assert_eq!(abi::mips_o32::ABI.errno_name(45), Some("EDEADLK"));
/// ```
///
/// Two `Abi`s are equal when they are the same ABI; `Hash` agrees, so ABIs can be set
/// members or map keys. `Display` prints the canonical name.
///
/// ```
/// use std::collections::HashSet;
/// use syscalls_sys::{abi, Abi};
///
/// let seen: HashSet<&Abi> = ["amd64", "x86_64", "arm64"]
///     .iter()
///     .filter_map(|name| Abi::by_name(name))
///     .collect();
/// assert_eq!(seen.len(), 2);
/// assert!(seen.contains(&abi::aarch64::ABI));
/// assert_eq!(abi::aarch64::ABI.to_string(), "aarch64");
/// ```
#[derive(Clone, Copy)]
pub struct Abi {
    name: &'static str,
    linux_version: &'static str,
    syscalls: Table,
    errnos: &'static ErrnoTable,
    audit_arches: &'static [(&'static str, u32)],
    other_names: &'static [&'static str],
}

impl Abi {
    /// Builds an ABI from its generated tables (only the generated modules call this).
    #[inline]
    pub(crate) const fn from_tables(
        name: &'static str,
        linux_version: &'static str,
        syscalls: Table,
        errnos: &'static ErrnoTable,
        audit_arches: &'static [(&'static str, u32)],
        other_names: &'static [&'static str],
    ) -> Abi {
        Abi {
            name,
            linux_version,
            syscalls,
            errnos,
            audit_arches,
            other_names,
        }
    }

    /// The ABI called `name`: its canonical name (`"x86_64"`, `"mips_n32"`, as in
    /// `syscalls_sys::abi::<name>`) or one of the spellings other tools use for it.
    ///
    /// ASCII case is ignored and `-` counts as `_`. Accepted besides the canonical names (the
    /// full list per ABI is the last column of the table in [`abi`](crate::abi), and
    /// [`Abi::other_names`]):
    ///
    /// - the kernel's `ARCH=` where it names one ABI: `arm64`, `i386`, `x86_64`, `sparc64`,
    ///   `arm` (EABI);
    /// - Debian's architecture names: `amd64`, `i386`, `arm64`, `armel`, `armhf`, `ppc64el`,
    ///   `ppc64`, `mips64el`, `mipsel`, `mipsn32`, `loong64`, `s390x`, `riscv64`, `hppa`, `sh4`…;
    /// - Go's `GOARCH`: `amd64`, `386`, `arm64`, `arm`, `ppc64`, `ppc64le`, `mips`, `mipsle`,
    ///   `mips64`, `mips64le`, `loong64`, `riscv64`, `s390x`;
    /// - libseccomp's architecture names: `x86`, `x86_64`, `x32`, `arm`, `aarch64`, `mips`,
    ///   `mipsel`, `mips64`, `mipsel64`, `mips64n32`, `mipsel64n32`, `ppc`, `ppc64`,
    ///   `ppc64le`, `s390`, `s390x`, `parisc`, `parisc64`, `riscv64`, `loongarch64`;
    /// - the arch field of LLVM target triples: `x86_64`, `i686`, `aarch64`, `aarch64_be`,
    ///   `armv7`, `thumbv7neon`, `armeb`, `powerpc64le`, `mips64el`, `mipsisa64r6el`,
    ///   `riscv64gc`, `sparcv9`, `or1k`…
    ///
    /// Where tools disagree, the name means what Debian, Go, libseccomp and LLVM triples
    /// mean by it, not the kernel's `ARCH=` (which names a source directory covering several
    /// ABIs): `"mips"` is the o32 ABI, `"powerpc"`, `"sparc"`, `"s390"` and `"parisc"` are the
    /// 32-bit (31-bit) ABIs. `"riscv"` and `"loongarch"` mean no single ABI and find nothing.
    /// x32 has no spelling of its own in LLVM triples (`x86_64` with the `gnux32`
    /// environment): only `"x32"` finds it.
    ///
    /// ```
    /// use syscalls_sys::{abi, Abi};
    ///
    /// assert_eq!(Abi::by_name("arm64"), Some(&abi::aarch64::ABI));
    /// assert_eq!(Abi::by_name("amd64"), Some(&abi::x86_64::ABI));
    /// assert_eq!(Abi::by_name("i686"), Some(&abi::x86::ABI));
    /// assert_eq!(Abi::by_name("PPC64LE"), Some(&abi::powerpc64::ABI));
    /// assert_eq!(Abi::by_name("mips-n32"), Some(&abi::mips_n32::ABI));
    /// assert_eq!(Abi::by_name("ia64"), None);
    /// ```
    #[inline]
    pub const fn by_name(name: &str) -> Option<&'static Abi> {
        let abis = crate::abi::ABIS;
        let mut i = 0;
        while i < abis.len() {
            let abi = abis[i];
            if same_name(abi.name, name) {
                return Some(abi);
            }
            let mut j = 0;
            while j < abi.other_names.len() {
                if same_name(abi.other_names[j], name) {
                    return Some(abi);
                }
                j += 1;
            }
            i += 1;
        }
        None
    }

    /// The ABI's canonical name, as in `syscalls_sys::abi::<name>`: `"x86_64"`, `"mips_n32"`, …
    #[inline]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The other spellings of the ABI's name that [`Abi::by_name`] accepts (`["amd64"]` for
    /// x86_64), lowercase.
    #[inline]
    pub const fn other_names(&self) -> &'static [&'static str] {
        self.other_names
    }

    /// The exact Linux release whose UAPI headers the tables were generated from: `"7.3.4"`
    /// (`major.minor` for a `.0` release), `"6.12.117"` for the 31-bit `s390` ABI, which
    /// Linux 6.19 removed.
    #[inline]
    pub const fn linux_version(&self) -> &'static str {
        self.linux_version
    }

    /// Every `(name, number)` syscall of the ABI, in number order (aliases such as alpha's
    /// `getpid` beside `getxpid` included).
    ///
    /// ```
    /// let first = syscalls_sys::abi::x86_64::ABI.syscalls().next();
    /// assert_eq!(first, Some(("read", 0)));
    /// ```
    #[inline]
    pub fn syscalls(&self) -> impl ExactSizeIterator<Item = (&'static str, usize)> + Clone {
        let table = self.syscalls;
        (0..table.len()).map(move |i| (table.name(i), table.value(i) as usize))
    }

    /// The number of syscall `name` (without any `SYS_`/`__NR_` prefix), if the ABI has it.
    ///
    /// Exact numbers as the kernel uses them: mips numbers include their 4000/5000/6000 base,
    /// x32 numbers the x32 bit, arm OABI numbers the 0x900000 base.
    #[inline]
    pub const fn syscall_number(&self, name: &str) -> Option<usize> {
        match self.syscalls.find_name(name) {
            Some(i) => Some(self.syscalls.value(i) as usize),
            None => None,
        }
    }

    /// The name of syscall number `nr`, if the ABI has it. Where several names share a number
    /// (alpha's `getpid` and `getxpid`), the one the kernel's table defines is returned.
    #[inline]
    pub const fn syscall_name(&self, nr: usize) -> Option<&'static str> {
        match self.syscalls.find_value(nr as u64) {
            Some(i) => Some(self.syscalls.name(i)),
            None => None,
        }
    }

    /// The symbolic name of error code `code` (`9` → `"EBADF"` on most ABIs).
    ///
    /// Kernel-internal codes are named too (`512` → `"ERESTARTSYS"`): a tracer sees them in
    /// the return register at syscall exit, though they never reach the traced program (see
    /// [`Abi::errno_is_kernel_internal`]).
    #[inline]
    pub const fn errno_name(&self, code: i32) -> Option<&'static str> {
        match self.errno_index(code) {
            Some(i) => Some(self.errnos.codes.name(i)),
            None => None,
        }
    }

    /// The kernel's description of error code `code`, in its words (`9` → `"Bad file number"`).
    #[inline]
    pub const fn errno_description(&self, code: i32) -> Option<&'static str> {
        match self.errno_index(code) {
            Some(i) => Some(self.errno_description_at(i)),
            None => None,
        }
    }

    /// Whether error code `code` is one of the kernel's internal codes (`ERESTARTSYS` and
    /// the others of the kernel source's `include/linux/errno.h`, which `make headers` does
    /// not install): the kernel uses them between its functions and never returns them to
    /// user space (a syscall interrupted with `ERESTARTSYS` is restarted, or fails with
    /// `EINTR`), but a tracer sees them in the return register at syscall exit. Their
    /// descriptions start with "Kernel-internal, never returned to user space".
    ///
    /// ```
    /// use syscalls_sys::abi::x86_64::{ABI, EINTR, ERESTARTSYS};
    ///
    /// assert_eq!(ABI.errno_name(ERESTARTSYS), Some("ERESTARTSYS"));
    /// assert!(ABI.errno_is_kernel_internal(ERESTARTSYS));
    /// assert!(!ABI.errno_is_kernel_internal(EINTR));
    /// assert!(ABI.errno_description(ERESTARTSYS).unwrap().starts_with("Kernel-internal"));
    /// ```
    #[inline]
    pub const fn errno_is_kernel_internal(&self, code: i32) -> bool {
        match self.errno_index(code) {
            Some(i) => self.errnos.kernel_internal[i / 8] & (1 << (i % 8)) != 0,
            None => false,
        }
    }

    /// The code of error `name` on this ABI (`"EDEADLK"` → 35 on x86_64, 45 on mips).
    #[inline]
    pub const fn errno_number(&self, name: &str) -> Option<i32> {
        match self.errnos.codes.find_name(name) {
            Some(i) => Some(self.errnos.codes.value(i) as i32),
            None => None,
        }
    }

    /// Every `(name, code, description)` error of the ABI, in code order, kernel-internal
    /// codes included ([`Abi::errno_is_kernel_internal`]).
    #[inline]
    pub fn errnos(
        &self,
    ) -> impl ExactSizeIterator<Item = (&'static str, i32, &'static str)> + Clone {
        let abi = *self;
        (0..abi.errnos.codes.len()).map(move |i| {
            (
                abi.errnos.codes.name(i),
                abi.errnos.codes.value(i) as i32,
                abi.errno_description_at(i),
            )
        })
    }

    /// Every `(name, value)` audit arch of the ABI, in value order: the `AUDIT_ARCH_*` values
    /// of the kernel's `linux/audit.h` that a seccomp filter finds in `seccomp_data.arch` (and
    /// `PTRACE_GET_SYSCALL_INFO` reports) for a syscall that uses this ABI's numbers.
    ///
    /// Both endiannesses are listed where the kernel defines both (`AUDIT_ARCH_MIPS` and
    /// `AUDIT_ARCH_MIPSEL` for mips o32). x86_64 and x32 share `AUDIT_ARCH_X86_64` (an x32
    /// syscall number carries the x32 bit); arm EABI and OABI share `AUDIT_ARCH_ARM`. The
    /// target's own value is the root [`AUDIT_ARCH`](crate#constants) constant.
    ///
    /// ```
    /// use syscalls_sys::abi;
    ///
    /// let arches: Vec<(&str, u32)> = abi::mips_o32::ABI.audit_arches().collect();
    /// assert_eq!(arches, [("AUDIT_ARCH_MIPS", 8), ("AUDIT_ARCH_MIPSEL", 0x4000_0008)]);
    /// assert_eq!(
    ///     abi::x32::ABI.audit_arches().collect::<Vec<_>>(),
    ///     abi::x86_64::ABI.audit_arches().collect::<Vec<_>>(),
    /// );
    /// ```
    #[inline]
    pub fn audit_arches(&self) -> impl ExactSizeIterator<Item = (&'static str, u32)> + Clone {
        self.audit_arches.iter().copied()
    }

    #[inline]
    const fn errno_index(&self, code: i32) -> Option<usize> {
        if code < 0 {
            return None;
        }
        self.errnos.codes.find_value(code as u64)
    }

    #[inline]
    const fn errno_description_at(&self, i: usize) -> &'static str {
        piece(
            self.errnos.descriptions,
            self.errnos.description_starts,
            b'\n',
            i,
        )
    }
}

impl fmt::Debug for Abi {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Abi")
            .field("name", &self.name)
            .field("linux_version", &self.linux_version)
            .field("syscalls", &self.syscalls.len())
            .field("errnos", &self.errnos.codes.len())
            .finish()
    }
}

impl fmt::Display for Abi {
    /// The canonical name: `x86_64`.
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name)
    }
}

impl PartialEq for Abi {
    /// Two ABIs are equal when they are the same ABI (same canonical name).
    #[inline]
    fn eq(&self, other: &Abi) -> bool {
        self.name == other.name
    }
}

impl Eq for Abi {}

impl Hash for Abi {
    /// Hashes the canonical name, like [`PartialEq`] compares it.
    #[inline]
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

/// Whether `canonical` (lowercase, `_`) and `given` are the same name, ignoring ASCII case
/// in `given` and reading its `-` as `_`. Usable in `const fn`.
#[inline]
const fn same_name(canonical: &str, given: &str) -> bool {
    let (a, b) = (canonical.as_bytes(), given.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        let c = match b[i] {
            b'-' => b'_',
            c => c.to_ascii_lowercase(),
        };
        if a[i] != c {
            return false;
        }
        i += 1;
    }
    true
}

/// Byte-order comparison of two strings, usable in `const fn` (the packed tables of every
/// feature sort their names this way).
#[inline]
pub(crate) const fn str_cmp(a: &str, b: &str) -> Ordering {
    bytes_cmp(a.as_bytes(), b.as_bytes())
}

/// Byte-order comparison of two byte strings, usable in `const fn`.
#[inline]
pub(crate) const fn bytes_cmp(a: &[u8], b: &[u8]) -> Ordering {
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

/// Whether two strings are equal, usable in `const fn`.
#[cfg(any(feature = "signatures", feature = "history"))]
#[inline]
pub(crate) const fn str_eq(a: &str, b: &str) -> bool {
    matches!(str_cmp(a, b), Ordering::Equal)
}
