//! Argument registers: how a syscall's parameters occupy an ABI's argument registers, by the
//! ABI's [`ArgRegisters`] rules (64-bit arguments in register pairs on 32-bit ABIs, with the
//! padding some ABIs require).

use crate::abi::{ArgRegisters, PairRule};

/// C types of exactly 64 bits that a 32-bit ABI passes in two registers, as the kernel's
/// syscall definitions spell them (after `const`/`volatile` and annotations are removed).
const TYPES_64: &[&str] = &[
    "loff_t",
    "u64",
    "s64",
    "__u64",
    "__s64",
    "uint64_t",
    "int64_t",
    "u_int64_t",
    "__kernel_loff_t",
    "compat_loff_t",
    "long long",
    "long long int",
    "signed long long",
    "unsigned long long",
    "unsigned long long int",
];

/// Whether a parameter of C type `ty` is a 64-bit scalar (pointers and arrays are not).
pub fn is_64_bit(ty: &str) -> bool {
    if ty.contains('*') || ty.contains('[') {
        return false;
    }
    let words: Vec<&str> = ty
        .split_whitespace()
        .filter(|w| !matches!(*w, "const" | "volatile" | "__user" | "__force"))
        .collect();
    TYPES_64.contains(&words.join(" ").as_str())
}

/// Where one parameter sits: its first register (0-based argument index) and how many it
/// takes (1, or 2 for a 64-bit argument on a 32-bit ABI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Index of the first argument register.
    pub first: u8,
    /// 1 or 2.
    pub count: u8,
}

/// The registers of every parameter (types in order) and the total number of argument
/// registers the call uses, pads included.
pub fn layout<'a>(
    regs: &ArgRegisters,
    types: impl IntoIterator<Item = &'a str>,
) -> (Vec<Slot>, u8) {
    let mut next: u8 = 0;
    let mut slots = Vec::new();
    for ty in types {
        let slot = if regs.bits == 32 && is_64_bit(ty) {
            let first = match regs.pairs {
                PairRule::Consecutive => next,
                PairRule::EvenAligned => next + next % 2,
                PairRule::NotAcross(n) if next < n && next + 2 > n => n,
                PairRule::NotAcross(_) => next,
            };
            Slot { first, count: 2 }
        } else {
            Slot {
                first: next,
                count: 1,
            }
        };
        next = slot.first + slot.count;
        slots.push(slot);
    }
    (slots, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::find;

    fn registers(abi: &str, types: &[&str]) -> u8 {
        layout(&find(abi).unwrap().arg_registers, types.iter().copied()).1
    }

    #[test]
    fn sixty_four_bit_types() {
        for ty in [
            "loff_t",
            "u64",
            "const u64",
            "__s64",
            "unsigned long long",
            "long long",
        ] {
            assert!(is_64_bit(ty), "{ty}");
        }
        for ty in [
            "u64 *",
            "loff_t *",
            "unsigned long",
            "long",
            "size_t",
            "u32",
            "int",
            "u64 [2]",
        ] {
            assert!(!is_64_bit(ty), "{ty}");
        }
    }

    /// The generic definitions (fs/read_write.c, mm/fadvise.c, fs/sync.c, fs/open.c) run
    /// through each ABI's rule. Expected values: the number of registers the kernel's own
    /// split wrappers for the same call take on that ABI, cited per line.
    #[test]
    fn pairs_and_pads_of_the_tricky_calls() {
        let pread64 = ["unsigned int", "char *", "size_t", "loff_t"];
        // x86_64: one register each (arch/x86/entry/syscalls/syscall_64.tbl: sys_pread64).
        assert_eq!(registers("x86_64", &pread64), 4);
        // x86: `ia32_pread64(fd, ubuf, count, poslo, poshi)`, arch/x86/kernel/sys_ia32.c.
        assert_eq!(registers("x86", &pread64), 5);
        // arm EABI: `aarch32_pread64(fd, buf, count, __pad, arg_u32p(pos))`,
        // arch/arm64/kernel/sys32.c.
        assert_eq!(registers("arm", &pread64), 6);
        // arm OABI: pos in r3/r4 (`sys_oabi_pread64`, arch/arm/kernel/entry-common.S).
        assert_eq!(registers("arm_oabi", &pread64), 5);
        // mips o32: `32_pread(fd, buf, count, unused, a4, a5)`, arch/mips/kernel/linux32.c.
        assert_eq!(registers("mips_o32", &pread64), 6);
        // powerpc: `ppc_pread64(fd, ubuf, count, reg6, pos1, pos2)`, sys_ppc32.c.
        assert_eq!(registers("powerpc", &pread64), 6);
        // sparc: `pread64(fd, ubuf, count, poshi, poslo)`, arch/sparc/kernel/sys_sparc32.c.
        assert_eq!(registers("sparc", &pread64), 5);
        // riscv32: `compat_sys_pread64(fd, buf, count, compat_arg_u64_dual(pos))`.
        assert_eq!(registers("riscv32", &pread64), 5);
        // sh: `sys_pread_wrapper(fd, buf, count, dummy, pos)`, arch/sh/kernel/sys_sh32.c.
        assert_eq!(registers("sh", &pread64), 6);
        // mips n32 and x32: 64-bit registers.
        assert_eq!(registers("mips_n32", &pread64), 4);
        assert_eq!(registers("x32", &pread64), 4);

        // pwrite64 has pread64's shape.
        let pwrite64 = ["unsigned int", "const char *", "size_t", "loff_t"];
        assert_eq!(registers("arm", &pwrite64), 6);
        assert_eq!(registers("x86", &pwrite64), 5);

        let fadvise64_64 = ["int", "loff_t", "loff_t", "int"];
        // x86: `ia32_fadvise64_64(fd, offset_low, offset_high, len_low, len_high, advice)`.
        assert_eq!(registers("x86", &fadvise64_64), 6);
        // riscv32: fd, offset pair, len pair, advice.
        assert_eq!(registers("riscv32", &fadvise64_64), 6);
        // mips o32 (its `fadvise64` runs `sys_fadvise64_64`): fd, pad, offset pair, len pair,
        // advice: 7, as `sys32_fadvise64_64(fd, __pad, a2, a3, a4, a5, flags)` in linux32.c.
        assert_eq!(registers("mips_o32", &fadvise64_64), 7);
        // arm has `arm_fadvise64_64(fd, advice, offset, len)` instead, which is 6.
        assert_eq!(registers("arm", &["int", "int", "loff_t", "loff_t"]), 6);

        let sync_file_range = ["int", "loff_t", "loff_t", "unsigned int"];
        // x86: `ia32_sync_file_range(fd, off_low, off_hi, n_low, n_hi, flags)`.
        assert_eq!(registers("x86", &sync_file_range), 6);
        // mips o32: `sys32_sync_file_range(fd, int, a2, a3, a4, a5, flags)`, linux32.c.
        assert_eq!(registers("mips_o32", &sync_file_range), 7);
        // powerpc's and arm's sync_file_range2(fd, flags, offset, nbytes).
        assert_eq!(
            registers("powerpc", &["int", "unsigned int", "loff_t", "loff_t"]),
            6
        );

        let fallocate = ["int", "int", "loff_t", "loff_t"];
        // x86: `ia32_fallocate(fd, mode, offset_lo, offset_hi, len_lo, len_hi)`.
        assert_eq!(registers("x86", &fallocate), 6);
        // arm: no pad needed, offset starts at r2.
        assert_eq!(registers("arm", &fallocate), 6);
        assert_eq!(registers("x86_64", &fallocate), 4);

        let truncate64 = ["const char *", "loff_t"];
        // x86: `ia32_truncate64(filename, offset_low, offset_high)`.
        assert_eq!(registers("x86", &truncate64), 3);
        // arm EABI: pad in r1 (arch/arm64/kernel/sys32.c: `aarch32_truncate64(pathname,
        // __pad, arg_u32p(length))`).
        assert_eq!(registers("arm", &truncate64), 4);
        // powerpc: `ppc_truncate64(path, reg4, len1, len2)`.
        assert_eq!(registers("powerpc", &truncate64), 4);
        // mips o32: `32_truncate64(path, __dummy, a2, a3)`.
        assert_eq!(registers("mips_o32", &truncate64), 4);
        // sparc: no pad.
        assert_eq!(registers("sparc", &truncate64), 3);

        let ftruncate64 = ["unsigned int", "loff_t"];
        assert_eq!(registers("x86", &ftruncate64), 3);
        assert_eq!(registers("arm", &ftruncate64), 4);
        assert_eq!(registers("powerpc", &ftruncate64), 4);
    }

    #[test]
    fn slots_say_where_each_half_is() {
        let arm = &find("arm").unwrap().arg_registers;
        let (slots, total) = layout(arm, ["unsigned int", "char *", "size_t", "loff_t"]);
        assert_eq!(total, 6);
        assert_eq!(slots[3], Slot { first: 4, count: 2 }, "r3 is the pad");
        let sh = &find("sh").unwrap().arg_registers;
        let (slots, _) = layout(sh, ["int", "loff_t", "loff_t"]);
        assert_eq!(slots[1], Slot { first: 1, count: 2 });
        assert_eq!(
            slots[2],
            Slot { first: 4, count: 2 },
            "never across r7 and the stack"
        );
    }
}
