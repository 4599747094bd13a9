//! [`Signature`]: what a syscall takes on an ABI (the `signatures` feature): the kernel
//! function its table names, its parameters with their C types, and the argument registers
//! they occupy, 64-bit arguments of 32-bit ABIs in register pairs with the ABI's padding.
//!
//! The data is generated from the kernel source (`src/sigdata/`, packed like the syscall
//! tables); this file reads it. Without the feature none of it is compiled.

use crate::sigdata::{ARGS, STRINGS, STRING_ENDS, TABLES};
use crate::table::{str_cmp, str_eq};
use crate::Abi;
use core::cmp::Ordering;

/// One ABI's packed signatures (layout: `sigdata.rs` in the generator).
#[derive(Clone, Copy)]
pub(crate) struct SignatureTable {
    pub(crate) names: &'static str,
    pub(crate) starts: &'static [u8],
    pub(crate) records: &'static [u8],
    pub(crate) pair_order: u8,
}

const NO_ENTRY: u16 = 0xffff;
const IMPLEMENTED: u8 = 1;
const HAS_SIGNATURE: u8 = 2;
const LOW_FIRST: u8 = 0;
const HIGH_FIRST: u8 = 1;

#[inline]
const fn u16_at(bytes: &[u8], at: usize) -> u16 {
    bytes[at] as u16 | (bytes[at + 1] as u16) << 8
}

#[inline]
const fn u32_at(bytes: &[u8], at: usize) -> usize {
    bytes[at] as usize
        | (bytes[at + 1] as usize) << 8
        | (bytes[at + 2] as usize) << 16
        | (bytes[at + 3] as usize) << 24
}

/// `text[start..end]` in a `const fn`.
#[inline]
const fn slice(text: &'static str, start: usize, end: usize) -> &'static str {
    let (_, rest) = text.as_bytes().split_at(start);
    let (piece, _) = rest.split_at(end - start);
    match core::str::from_utf8(piece) {
        Ok(s) => s,
        // The generator writes ASCII and cuts only between strings.
        Err(_) => "",
    }
}

/// String `id` of the shared pool.
#[inline]
const fn string(id: u16) -> &'static str {
    let i = id as usize;
    let start = if i == 0 {
        0
    } else {
        u32_at(STRING_ENDS, 4 * (i - 1))
    };
    slice(STRINGS, start, u32_at(STRING_ENDS, 4 * i))
}

impl SignatureTable {
    #[inline]
    const fn len(&self) -> usize {
        self.records.len() / 8
    }

    #[inline]
    const fn name(&self, i: usize) -> &'static str {
        let start = u16_at(self.starts, 2 * i) as usize;
        let bytes = self.names.as_bytes();
        let mut end = start;
        while bytes[end] != b' ' {
            end += 1;
        }
        slice(self.names, start, end)
    }

    /// The record of syscall `name`: its byte offset in `records`.
    #[inline]
    const fn find(&self, name: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match str_cmp(self.name(mid), name) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(8 * mid),
            }
        }
        None
    }
}

/// The table of the ABI named `abi`.
#[inline]
const fn table_of(abi: &str) -> Option<&'static SignatureTable> {
    let mut i = 0;
    while i < TABLES.len() {
        if str_eq(TABLES[i].0, abi) {
            return Some(&TABLES[i].1);
        }
        i += 1;
    }
    None
}

impl Abi {
    /// What syscall `name` takes on this ABI, as the kernel source declares it: the entry
    /// point its syscall table names, the parameters (name and C type, kernel annotations
    /// such as `__user` removed) and the argument registers they occupy.
    ///
    /// `None` when the ABI has no such syscall, when the number is reserved but not
    /// implemented (`sys_ni_syscall`: it fails with ENOSYS), or when the generator could not
    /// resolve the entry point's definition (listed with the reason in the workspace's
    /// `codegen/signatures-unresolved.txt`).
    ///
    /// ```
    /// use syscalls_sys::abi;
    ///
    /// // A 64-bit file offset takes two registers on a 32-bit ABI; on arm EABI the pair
    /// // starts at an even register, so r3 is left unused.
    /// let pread64 = abi::arm::ABI.signature("pread64").unwrap();
    /// assert_eq!(pread64.entry(), "sys_pread64");
    /// assert_eq!(pread64.registers(), 6);
    /// let pos = pread64.arg(3).unwrap();
    /// assert_eq!((pos.name(), pos.ty()), ("pos", "loff_t"));
    /// assert_eq!((pos.first_register(), pos.register_count()), (4, 2));
    /// assert_eq!(abi::x86_64::ABI.signature("pread64").unwrap().registers(), 4);
    ///
    /// // An strace-style line from the registers of a traced riscv32 task (a0..a5).
    /// let regs: [u64; 6] = [3, 0x7fff_0000, 4096, 0x1000, 0x1, 0];
    /// let sig = abi::riscv32::ABI.signature("pread64").unwrap();
    /// let args: Vec<String> = sig
    ///     .args()
    ///     .map(|a| format!("{}={:#x}", a.name(), a.value(&regs).unwrap()))
    ///     .collect();
    /// let line = format!("pread64({})", args.join(", "));
    /// assert_eq!(line, "pread64(fd=0x3, buf=0x7fff0000, count=0x1000, pos=0x100001000)");
    /// ```
    #[inline]
    pub const fn signature(&self, name: &str) -> Option<Signature> {
        let Some(table) = table_of(self.name()) else {
            return None;
        };
        let Some(at) = table.find(name) else {
            return None;
        };
        let r = table.records;
        if r[at + 6] & HAS_SIGNATURE == 0 {
            return None;
        }
        let entry = u16_at(r, at);
        Some(Signature {
            // Arch-private calls outside the table (arm's `cacheflush`) have no entry.
            entry: if entry == NO_ENTRY { "" } else { string(entry) },
            first_arg: u16_at(r, at + 2),
            len: r[at + 4],
            registers: r[at + 5],
            pair_order: table.pair_order,
        })
    }

    /// Every syscall of the ABI, in name order, with its signature where known (`None` for
    /// reserved numbers and unresolved entries, as [`signature`](Abi::signature)).
    ///
    /// ```
    /// let pads = syscalls_sys::abi::mips_o32::ABI
    ///     .signatures()
    ///     .filter_map(|(_, sig)| sig)
    ///     .filter(|sig| sig.registers() > sig.args().map(|a| a.register_count()).sum())
    ///     .count();
    /// assert!(pads > 0, "o32 pads 64-bit arguments to an even register");
    /// ```
    #[inline]
    pub fn signatures(
        &self,
    ) -> impl ExactSizeIterator<Item = (&'static str, Option<Signature>)> + Clone {
        let table = table_of(self.name());
        let abi = *self;
        (0..table.map_or(0, SignatureTable::len)).map(move |i| {
            let name = table.map_or("", |t| t.name(i));
            (name, abi.signature(name))
        })
    }

    /// Whether syscall `name` does something on this ABI: `Some(false)` for numbers the
    /// kernel reserves without implementing (`sys_ni_syscall`, ENOSYS), `None` for names the
    /// ABI does not have.
    ///
    /// ```
    /// use syscalls_sys::abi;
    /// assert_eq!(abi::x86_64::ABI.is_implemented("read"), Some(true));
    /// assert_eq!(abi::x86_64::ABI.is_implemented("tuxcall"), Some(false));
    /// assert_eq!(abi::x86_64::ABI.is_implemented("no_such_call"), None);
    /// ```
    #[inline]
    pub const fn is_implemented(&self, name: &str) -> Option<bool> {
        let Some(table) = table_of(self.name()) else {
            return None;
        };
        match table.find(name) {
            Some(at) => Some(table.records[at + 6] & IMPLEMENTED != 0),
            None => None,
        }
    }

    /// The entry point (kernel function) syscall `name`'s table row names on this ABI, even
    /// where its parameters are unknown; `None` for names the ABI does not have, reserved
    /// numbers and arch-private calls outside the table.
    #[inline]
    pub const fn entry_point(&self, name: &str) -> Option<&'static str> {
        let Some(table) = table_of(self.name()) else {
            return None;
        };
        match table.find(name) {
            Some(at) => {
                let id = u16_at(table.records, at);
                if id == NO_ENTRY || table.records[at + 6] & IMPLEMENTED == 0 {
                    None
                } else {
                    Some(string(id))
                }
            }
            None => None,
        }
    }
}

/// What a syscall takes on one ABI. See [`Abi::signature`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    entry: &'static str,
    first_arg: u16,
    len: u8,
    registers: u8,
    pair_order: u8,
}

impl Signature {
    /// The kernel function the ABI's syscall table names: `sys_openat`, `sys_ia32_pread64`,
    /// `compat_sys_s390_read`, …; empty for an arch-private call outside the table, which
    /// the arch's dispatcher handles (arm's `cacheflush`, by `arm_syscall()`).
    #[inline]
    pub const fn entry(&self) -> &'static str {
        self.entry
    }

    /// How many parameters it declares.
    #[inline]
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether it takes no parameters.
    #[inline]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many argument registers a call uses on this ABI, unused pads included: `pread64`
    /// is 4 on x86_64, 5 on x86 and 6 on arm EABI.
    #[inline]
    pub const fn registers(&self) -> usize {
        self.registers as usize
    }

    /// Parameter `i` (0-based).
    #[inline]
    pub const fn arg(&self, i: usize) -> Option<Arg> {
        if i < self.len as usize {
            Some(self.arg_at(i))
        } else {
            None
        }
    }

    /// Every parameter, in order.
    #[inline]
    pub fn args(&self) -> impl ExactSizeIterator<Item = Arg> + Clone {
        let sig = *self;
        (0..sig.len()).map(move |i| sig.arg_at(i))
    }

    #[inline]
    const fn arg_at(&self, i: usize) -> Arg {
        let at = 6 * (self.first_arg as usize + i);
        Arg {
            name: string(u16_at(ARGS, at)),
            ty: string(u16_at(ARGS, at + 2)),
            first: ARGS[at + 4],
            count: ARGS[at + 5],
            pair_order: self.pair_order,
        }
    }
}

/// One parameter of a [`Signature`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arg {
    name: &'static str,
    ty: &'static str,
    first: u8,
    count: u8,
    pair_order: u8,
}

impl Arg {
    /// The parameter's name in the kernel source: `fd`, `filename`, `pos`.
    #[inline]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Its C type, kernel annotations removed: `const char *`, `loff_t`, `umode_t`.
    #[inline]
    pub const fn ty(&self) -> &'static str {
        self.ty
    }

    /// Index of the first argument register holding it (0 for the first syscall argument
    /// register of the ABI: `rdi` on x86_64, `ebx` on x86, `r0` on arm).
    #[inline]
    pub const fn first_register(&self) -> usize {
        self.first as usize
    }

    /// 1, or 2 for a 64-bit value on a 32-bit ABI.
    #[inline]
    pub const fn register_count(&self) -> usize {
        self.count as usize
    }

    /// The argument's value from the syscall's argument registers (`regs[0]` the first),
    /// joining the two halves of a 64-bit argument in the ABI's order (on arm, mips, sh,
    /// microblaze and xtensa, which run either byte order, the order of the target this
    /// crate is compiled for). `None` if `regs` is too short.
    #[inline]
    pub const fn value(&self, regs: &[u64]) -> Option<u64> {
        let first = self.first as usize;
        if self.count == 1 {
            return if first < regs.len() {
                Some(regs[first])
            } else {
                None
            };
        }
        if first + 1 >= regs.len() {
            return None;
        }
        let (a, b) = (regs[first] & 0xffff_ffff, regs[first + 1] & 0xffff_ffff);
        let low_first = match self.pair_order {
            LOW_FIRST => true,
            HIGH_FIRST => false,
            _ => cfg!(target_endian = "little"),
        };
        Some(if low_first { b << 32 | a } else { a << 32 | b })
    }
}
