//! What one syscall costs through each way of issuing it, on x86_64 Linux.
//!
//! Every variant is an `#[inline(never)]` function in [`w`] named `<variant>_<call>`, so that
//! `valgrind --tool=callgrind --toggle-collect='*w::*'` counts exactly the user-space
//! instructions of the call (the kernel's are invisible to valgrind). Variants:
//!
//! - `asm`: hand-written inline asm, the baseline; returns the raw register;
//! - `raw`: `syscall_raw!`; returns the raw register;
//! - `checked`: `syscall!`, its `Result<usize, Errno>` consumed as code that inlines the
//!   macro does (`.unwrap_or(usize::MAX)`: the value, errors to a sentinel);
//! - `checked_result`: `syscall!`, the `Result` returned from the non-inlined function
//!   (a 16-byte `Result` goes back through memory: the cost of the ABI, not of the decode);
//! - `libc`: `libc::syscall` (returns `-1` on error: already the sentinel);
//! - peers: `sc` (raw register), `syscalls` and `syscalls_result` (consumed/returned as
//!   `checked`/`checked_result`), `rustix` (its typed wrappers, consumed like `checked`).
//!
//! Calls: `getppid()`, `lseek(fd, 0, SEEK_CUR)` and `write(fd, buf, 0)` on a memfd.
//!
//! Modes (`scripts/bench-instructions.sh` drives both):
//!
//! - `syscall_cost count VARIANT CALL N`: calls one case N times (run under callgrind twice
//!   with different N; the difference divided by the difference of N is the exact per-call
//!   count, free of one-time costs); `syscall_cost cases` lists the variants;
//! - `syscall_cost` (what `cargo bench` runs): wall-clock ns/call, median of interleaved
//!   samples, with ratios against the asm baseline in the same run.

#[cfg(all(
    target_os = "linux",
    target_arch = "x86_64",
    target_pointer_width = "64"
))]
mod w {
    //! The measured functions: one per variant and call.
    use core::arch::asm;
    use rustix::fd::BorrowedFd;
    use syscalls_sys::{syscall, syscall_raw, Errno, SYS_getppid, SYS_lseek, SYS_write};

    // ---- hand-written asm: the baseline ----

    #[inline(never)]
    pub fn asm_getppid() -> usize {
        let ret;
        // SAFETY: getppid takes no arguments and touches no memory; the asm declares the
        // registers `syscall` changes.
        unsafe {
            asm!("syscall", inlateout("rax") SYS_getppid => ret, lateout("rcx") _,
                lateout("r11") _, options(nostack, preserves_flags));
        }
        ret
    }

    #[inline(never)]
    pub fn asm_lseek(fd: usize) -> usize {
        let ret;
        // SAFETY: lseek touches no memory; `fd` is the bench's memfd.
        unsafe {
            asm!("syscall", inlateout("rax") SYS_lseek => ret, in("rdi") fd, in("rsi") 0usize,
                in("rdx") libc::SEEK_CUR as usize, lateout("rcx") _, lateout("r11") _,
                options(nostack, preserves_flags));
        }
        ret
    }

    #[inline(never)]
    pub fn asm_write(fd: usize, buf: *const u8) -> usize {
        let ret;
        // SAFETY: a 0-byte write reads nothing from `buf`; `fd` is the bench's memfd.
        unsafe {
            asm!("syscall", inlateout("rax") SYS_write => ret, in("rdi") fd, in("rsi") buf,
                in("rdx") 0usize, lateout("rcx") _, lateout("r11") _,
                options(nostack, preserves_flags));
        }
        ret
    }

    // ---- syscall_raw! ----

    #[inline(never)]
    pub fn raw_getppid() -> usize {
        // SAFETY: getppid takes no arguments and touches no memory.
        unsafe { syscall_raw!(SYS_getppid) }
    }

    #[inline(never)]
    pub fn raw_lseek(fd: usize) -> usize {
        // SAFETY: lseek touches no memory; `fd` is the bench's memfd.
        unsafe { syscall_raw!(SYS_lseek, fd, 0, libc::SEEK_CUR) }
    }

    #[inline(never)]
    pub fn raw_write(fd: usize, buf: *const u8) -> usize {
        // SAFETY: a 0-byte write reads nothing from `buf`; `fd` is the bench's memfd.
        unsafe { syscall_raw!(SYS_write, fd, buf, 0) }
    }

    // ---- syscall!, consumed as real code does once the macro is inlined ----
    //
    // The success value, errors mapped to a sentinel (`unwrap_or(usize::MAX)`): what is left
    // of `Result<usize, Errno>` in a caller, without the cost of returning it through memory
    // from a non-inlined function (the `*_result` variants measure that).

    #[inline(never)]
    pub fn checked_getppid() -> usize {
        // SAFETY: getppid takes no arguments and touches no memory.
        unsafe { syscall!(SYS_getppid) }.unwrap_or(usize::MAX)
    }

    #[inline(never)]
    pub fn checked_lseek(fd: usize) -> usize {
        // SAFETY: lseek touches no memory; `fd` is the bench's memfd.
        unsafe { syscall!(SYS_lseek, fd, 0, libc::SEEK_CUR) }.unwrap_or(usize::MAX)
    }

    #[inline(never)]
    pub fn checked_write(fd: usize, buf: *const u8) -> usize {
        // SAFETY: a 0-byte write reads nothing from `buf`; `fd` is the bench's memfd.
        unsafe { syscall!(SYS_write, fd, buf, 0) }.unwrap_or(usize::MAX)
    }

    // ---- syscall!, returning the Result from a non-inlined function ----

    #[inline(never)]
    pub fn checked_result_getppid() -> Result<usize, Errno> {
        // SAFETY: getppid takes no arguments and touches no memory.
        unsafe { syscall!(SYS_getppid) }
    }

    #[inline(never)]
    pub fn checked_result_lseek(fd: usize) -> Result<usize, Errno> {
        // SAFETY: lseek touches no memory; `fd` is the bench's memfd.
        unsafe { syscall!(SYS_lseek, fd, 0, libc::SEEK_CUR) }
    }

    #[inline(never)]
    pub fn checked_result_write(fd: usize, buf: *const u8) -> Result<usize, Errno> {
        // SAFETY: a 0-byte write reads nothing from `buf`; `fd` is the bench's memfd.
        unsafe { syscall!(SYS_write, fd, buf, 0) }
    }

    // ---- libc::syscall ----

    #[inline(never)]
    pub fn libc_getppid() -> libc::c_long {
        // SAFETY: getppid takes no arguments and touches no memory.
        unsafe { libc::syscall(libc::SYS_getppid) }
    }

    #[inline(never)]
    pub fn libc_lseek(fd: usize) -> libc::c_long {
        // SAFETY: lseek touches no memory; `fd` is the bench's memfd.
        unsafe { libc::syscall(libc::SYS_lseek, fd, 0usize, libc::SEEK_CUR as libc::c_long) }
    }

    #[inline(never)]
    pub fn libc_write(fd: usize, buf: *const u8) -> libc::c_long {
        // SAFETY: a 0-byte write reads nothing from `buf`; `fd` is the bench's memfd.
        unsafe { libc::syscall(libc::SYS_write, fd, buf, 0usize) }
    }

    // ---- sc ----

    #[inline(never)]
    pub fn sc_getppid() -> usize {
        // SAFETY: getppid takes no arguments and touches no memory.
        unsafe { sc::syscall!(GETPPID) }
    }

    #[inline(never)]
    pub fn sc_lseek(fd: usize) -> usize {
        // SAFETY: lseek touches no memory; `fd` is the bench's memfd.
        unsafe { sc::syscall!(LSEEK, fd, 0, libc::SEEK_CUR) }
    }

    #[inline(never)]
    pub fn sc_write(fd: usize, buf: *const u8) -> usize {
        // SAFETY: a 0-byte write reads nothing from `buf`; `fd` is the bench's memfd.
        unsafe { sc::syscall!(WRITE, fd, buf, 0) }
    }

    // ---- syscalls: consumed like `checked`, and returned like `checked_result` ----

    #[inline(never)]
    pub fn syscalls_getppid() -> usize {
        // SAFETY: getppid takes no arguments and touches no memory.
        unsafe { syscalls::syscall!(syscalls::Sysno::getppid) }.unwrap_or(usize::MAX)
    }

    #[inline(never)]
    pub fn syscalls_lseek(fd: usize) -> usize {
        // SAFETY: lseek touches no memory; `fd` is the bench's memfd.
        unsafe { syscalls::syscall!(syscalls::Sysno::lseek, fd, 0, libc::SEEK_CUR) }
            .unwrap_or(usize::MAX)
    }

    #[inline(never)]
    pub fn syscalls_write(fd: usize, buf: *const u8) -> usize {
        // SAFETY: a 0-byte write reads nothing from `buf`; `fd` is the bench's memfd.
        unsafe { syscalls::syscall!(syscalls::Sysno::write, fd, buf, 0) }.unwrap_or(usize::MAX)
    }

    #[inline(never)]
    pub fn syscalls_result_getppid() -> Result<usize, syscalls::Errno> {
        // SAFETY: getppid takes no arguments and touches no memory.
        unsafe { syscalls::syscall!(syscalls::Sysno::getppid) }
    }

    #[inline(never)]
    pub fn syscalls_result_lseek(fd: usize) -> Result<usize, syscalls::Errno> {
        // SAFETY: lseek touches no memory; `fd` is the bench's memfd.
        unsafe { syscalls::syscall!(syscalls::Sysno::lseek, fd, 0, libc::SEEK_CUR) }
    }

    #[inline(never)]
    pub fn syscalls_result_write(fd: usize, buf: *const u8) -> Result<usize, syscalls::Errno> {
        // SAFETY: a 0-byte write reads nothing from `buf`; `fd` is the bench's memfd.
        unsafe { syscalls::syscall!(syscalls::Sysno::write, fd, buf, 0) }
    }

    // ---- rustix (its own types, consumed like `checked`) ----

    #[inline(never)]
    pub fn rustix_getppid() -> usize {
        rustix::process::getppid().map_or(0, |pid| pid.as_raw_nonzero().get() as usize)
    }

    #[inline(never)]
    pub fn rustix_lseek(fd: usize) -> usize {
        // SAFETY: `fd` is the bench's memfd, open for the whole run.
        let fd = unsafe { BorrowedFd::borrow_raw(fd as i32) };
        rustix::fs::seek(fd, rustix::fs::SeekFrom::Current(0)).map_or(usize::MAX, |p| p as usize)
    }

    #[inline(never)]
    pub fn rustix_write(fd: usize, buf: *const u8) -> usize {
        // SAFETY: `fd` is the bench's memfd, open for the whole run.
        let fd = unsafe { BorrowedFd::borrow_raw(fd as i32) };
        // SAFETY: a 0-byte slice at `buf` reads nothing; `buf` is non-null and aligned.
        let buf = unsafe { core::slice::from_raw_parts(buf, 0) };
        rustix::io::write(fd, buf).unwrap_or(usize::MAX)
    }
}
#[cfg(all(
    target_os = "linux",
    target_arch = "x86_64",
    target_pointer_width = "64"
))]
mod bench {
    use std::hint::black_box;
    use std::time::Instant;

    use syscalls_sys::uapi::MFD_CLOEXEC;
    use syscalls_sys::{syscall, SYS_memfd_create};

    use super::w;

    /// One measured function, called with the bench's fd and buffer.
    type Case = (&'static str, &'static str, fn(usize, *const u8));

    /// Variants in table order; `asm` is the baseline.
    pub const VARIANTS: [&str; 9] = [
        "asm",
        "raw",
        "checked",
        "checked_result",
        "libc",
        "sc",
        "syscalls",
        "syscalls_result",
        "rustix",
    ];
    pub const CALLS: [&str; 3] = ["getppid", "lseek", "write"];

    /// The three cases of each variant: `w::<variant>_<call>`, arguments through
    /// `black_box` so that nothing is constant-folded into the measured function.
    macro_rules! cases {
        ($($variant:ident: $getppid:path, $lseek:path, $write:path;)*) => {
            [$(
                (stringify!($variant), "getppid", (|_, _| {
                    let _ = black_box($getppid());
                }) as fn(usize, *const u8)),
                (stringify!($variant), "lseek", (|fd, _| {
                    let _ = black_box($lseek(black_box(fd)));
                }) as fn(usize, *const u8)),
                (stringify!($variant), "write", (|fd, buf| {
                    let _ = black_box($write(black_box(fd), black_box(buf)));
                }) as fn(usize, *const u8)),
            )*]
        };
    }

    fn cases() -> [Case; 27] {
        cases! {
            asm: w::asm_getppid, w::asm_lseek, w::asm_write;
            raw: w::raw_getppid, w::raw_lseek, w::raw_write;
            checked: w::checked_getppid, w::checked_lseek, w::checked_write;
            checked_result: w::checked_result_getppid, w::checked_result_lseek,
                w::checked_result_write;
            libc: w::libc_getppid, w::libc_lseek, w::libc_write;
            sc: w::sc_getppid, w::sc_lseek, w::sc_write;
            syscalls: w::syscalls_getppid, w::syscalls_lseek, w::syscalls_write;
            syscalls_result: w::syscalls_result_getppid, w::syscalls_result_lseek,
                w::syscalls_result_write;
            rustix: w::rustix_getppid, w::rustix_lseek, w::rustix_write;
        }
    }

    fn memfd() -> usize {
        let name = b"syscall-cost\0";
        // SAFETY: `name` is NUL-terminated and outlives the call; the fd lives until exit.
        unsafe { syscall!(SYS_memfd_create, name.as_ptr(), MFD_CLOEXEC) }.expect("memfd_create")
    }

    /// One case, `n` times: what callgrind counts. One case per process, because rustc
    /// merges functions with identical code (`asm_getppid` and `raw_getppid` are one symbol),
    /// so callgrind could not tell them apart by name within one run.
    pub fn count(variant: &str, call: &str, n: u64) -> Result<(), String> {
        let (_, _, f) = cases()
            .into_iter()
            .find(|(v, c, _)| *v == variant && *c == call)
            .ok_or_else(|| {
                format!("no case {variant} {call}; variants: {VARIANTS:?}, calls: {CALLS:?}")
            })?;
        let fd = memfd();
        let buf = [0u8; 1];
        for _ in 0..n {
            f(fd, buf.as_ptr());
        }
        Ok(())
    }

    fn median(v: &mut [f64]) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    /// Wall-clock ns/call: `samples` rounds, each timing `iters` calls of every case in
    /// turn (interleaved, so that a noisy moment hits every variant alike); medians.
    pub fn time(samples: usize, iters: u32) {
        let fd = memfd();
        let buf = [0u8; 1];
        let cases = cases();
        for (_, _, f) in cases {
            for _ in 0..1000 {
                f(fd, buf.as_ptr());
            }
        }
        let mut ns: Vec<Vec<f64>> = vec![Vec::with_capacity(samples); cases.len()];
        for _ in 0..samples {
            for (i, (_, _, f)) in cases.iter().enumerate() {
                let start = Instant::now();
                for _ in 0..iters {
                    f(fd, buf.as_ptr());
                }
                ns[i].push(start.elapsed().as_nanos() as f64 / f64::from(iters));
            }
        }
        let medians: Vec<f64> = ns.iter_mut().map(|v| median(v)).collect();
        println!("ns/call, median of {samples} interleaved samples of {iters} calls each");
        println!(
            "{:<16} {:>16} {:>16} {:>16}",
            "variant", CALLS[0], CALLS[1], CALLS[2]
        );
        for variant in VARIANTS {
            let mut line = format!("{variant:<16}");
            for call in CALLS {
                let at = |v: &str| {
                    cases
                        .iter()
                        .position(|(cv, cc, _)| *cv == v && *cc == call)
                        .unwrap()
                };
                let (m, base) = (medians[at(variant)], medians[at("asm")]);
                line += &format!(" {:>16}", format!("{m:.1} ({:.2}x)", m / base));
            }
            println!("{line}");
        }
    }
}

#[cfg(all(
    target_os = "linux",
    target_arch = "x86_64",
    target_pointer_width = "64"
))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["count", variant, call, n] => {
            let n = n.parse().expect("count VARIANT CALL N: N must be a number");
            if let Err(e) = bench::count(variant, call, n) {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
        ["cases"] => {
            for variant in bench::VARIANTS {
                println!("{variant}");
            }
        }
        ["time", samples, iters] => bench::time(
            samples.parse().expect("samples must be a number"),
            iters.parse().expect("iters must be a number"),
        ),
        // `cargo bench` passes `--bench` (and maybe a filter): the timing run.
        _ => bench::time(21, 20_000),
    }
}

#[cfg(not(all(
    target_os = "linux",
    target_arch = "x86_64",
    target_pointer_width = "64"
)))]
fn main() {
    eprintln!("syscall_cost compares against hand-written x86_64 asm: x86_64 Linux only");
}
