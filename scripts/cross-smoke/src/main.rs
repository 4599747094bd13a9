//! Freestanding smoke test of syscalls-sys's asm backend, for targets without a C library in
//! Debian (riscv32, loongarch64, mips n32): the same checks as the behaviour tests, reduced
//! to what needs no std. Prints one line per check and exits 0 only if all pass.
#![no_std]
#![no_main]

use syscalls_sys::uapi::MFD_CLOEXEC;
use syscalls_sys::{
    syscall, syscall_raw, Errno, SYS_copy_file_range, SYS_exit_group, SYS_getpid, SYS_memfd_create,
    SYS_prctl, SYS_pread64, SYS_write, EBADF, NATIVE,
};

/// Writes to stdout, ignoring failure (there is nowhere else to report it).
fn say(text: &[u8]) {
    // SAFETY: `text` is valid for reads of its length; fd 1 is the process's stdout.
    let _ = unsafe { syscall!(SYS_write, 1, text.as_ptr(), text.len()) };
}

fn exit(code: i32) -> ! {
    // SAFETY: exit_group ends the process; nothing runs after it.
    let _ = unsafe { syscall!(SYS_exit_group, code) };
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    say(b"FAIL panic\n");
    exit(101)
}

/// Counts and prints one check.
struct Checks {
    failed: usize,
}

impl Checks {
    fn check(&mut self, name: &str, passed: bool) {
        say(if passed { b"ok   " } else { b"FAIL " });
        say(name.as_bytes());
        say(b"\n");
        if !passed {
            self.failed += 1;
        }
    }
}

/// A new memfd holding `data`.
fn memfd_with(data: &[u8]) -> Result<usize, Errno> {
    // SAFETY: the name is NUL-terminated and static; the new fd is the caller's.
    let fd = unsafe { syscall!(SYS_memfd_create, b"smoke\0".as_ptr(), MFD_CLOEXEC) }?;
    // SAFETY: `data` is valid for reads of its length; the fd is ours.
    let written = unsafe { syscall!(SYS_write, fd, data.as_ptr(), data.len()) }?;
    if written == data.len() {
        Ok(fd)
    } else {
        Err(Errno::EIO)
    }
}

/// `pread64` at a small offset. 32-bit ABIs take the 64-bit offset in two registers (low
/// word first on these little-endian ones; riscv32 pads nothing), 64-bit ABIs in one and
/// ignore the fifth.
fn pread(fd: usize, buf: &mut [u8], at: usize) -> Result<usize, Errno> {
    // SAFETY: `buf` is valid for writes of its length and not otherwise borrowed.
    unsafe { syscall!(SYS_pread64, fd, buf.as_mut_ptr(), buf.len(), at, 0) }
}

/// The checks; they leave their fds open (the process ends right after).
fn run(checks: &mut Checks) {
    // SAFETY: getpid takes no arguments and cannot fail.
    let pid = unsafe { syscall!(SYS_getpid) };
    // SAFETY: as above.
    let raw_pid = unsafe { syscall_raw!(SYS_getpid) };
    checks.check(
        "getpid, decoded and raw",
        matches!(pid, Ok(p) if p > 0 && p == raw_pid),
    );

    let fd = memfd_with(b"hello, kernel");
    checks.check("memfd_create + write", fd.is_ok());
    let fd = fd.unwrap_or(usize::MAX);
    let mut buf = [0u8; 32];
    let n = pread(fd, &mut buf, 7);
    checks.check(
        "pread64 reads it back",
        n == Ok(6) && &buf[..6] == b"kernel",
    );

    // SAFETY: writing to fd -1 fails before touching memory.
    let bad = unsafe { syscall!(SYS_write, -1, buf.as_ptr(), 1) };
    checks.check("write(-1) is EBADF", bad == Err(Errno::EBADF));
    // SAFETY: as above.
    let raw = unsafe { syscall_raw!(SYS_write, -1, buf.as_ptr(), 1) };
    checks.check(
        "syscall_raw! write(-1) is -EBADF",
        raw == (EBADF as usize).wrapping_neg() && Errno::from_ret(raw) == Err(Errno::EBADF),
    );

    let unknown = NATIVE.syscalls().map(|(_, nr)| nr).max().unwrap_or(0) + 1000;
    // SAFETY: the kernel rejects the number before looking at any argument.
    let none = unsafe { syscall!(unknown, 1, 2, 3, 4, 5, 6) };
    checks.check("unknown number is ENOSYS", none == Err(Errno::ENOSYS));

    // PR_GET_NO_NEW_PRIVS (39) requires arguments 2 to 5 to be zero: each must arrive.
    let mut prctl_ok = true;
    for position in 0..4 {
        let mut args = [0usize; 4];
        args[position] = 1;
        let [a2, a3, a4, a5] = args;
        // SAFETY: PR_GET_NO_NEW_PRIVS touches no memory; the kernel rejects the argument.
        let r = unsafe { syscall!(SYS_prctl, 39, a2, a3, a4, a5) };
        prctl_ok &= r == Err(Errno::EINVAL);
    }
    // SAFETY: as above.
    let flag = unsafe { syscall!(SYS_prctl, 39, 0, 0, 0, 0) };
    checks.check(
        "prctl: each of 5 arguments arrives",
        prctl_ok && matches!(flag, Ok(0 | 1)),
    );

    let dst = memfd_with(b"abcdefghij").unwrap_or(usize::MAX);
    let (mut off_in, mut off_out) = (2i64, 5i64);
    let (p_in, p_out) = (&mut off_in as *mut i64, &mut off_out as *mut i64);
    // SAFETY: both offsets are valid, exclusively used `loff_t`s during the call; the fds
    // are ours.
    let copied = unsafe { syscall!(SYS_copy_file_range, fd, p_in, dst, p_out, 3usize, 0u32) };
    let back = pread(dst, &mut buf, 0);
    checks.check(
        "copy_file_range: 6 arguments",
        copied == Ok(3)
            && (off_in, off_out) == (5, 8)
            && back == Ok(10)
            && &buf[..10] == b"abcdelloij",
    );
    // SAFETY: as above; the kernel rejects the flags before copying.
    let flags = unsafe { syscall!(SYS_copy_file_range, fd, p_in, dst, p_out, 3usize, 1u32) };
    checks.check(
        "copy_file_range: flags (argument 6) = 1 is EINVAL",
        flags == Err(Errno::EINVAL),
    );
}

/// The entry point: the kernel jumps here with an aligned stack and nothing else set up.
#[no_mangle]
pub extern "C" fn _start() -> ! {
    let mut checks = Checks { failed: 0 };
    run(&mut checks);
    if checks.failed == 0 {
        say(b"PASS freestanding smoke\n");
        exit(0)
    }
    exit(1)
}
