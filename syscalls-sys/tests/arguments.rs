//! Every argument register reaches the kernel, in order, whichever backend the build selected:
//! for 4, 5 and 6 arguments a syscall that rejects a wrong value in each position, so that a
//! backend passing an argument in the wrong register, or dropping it, fails here. These are
//! the registers the asm backends have to move around by hand (i686 `esi`/`ebp`, the mips o32
//! stack slots, arm's `r7`, sparc's `g1`); `scripts/cross-test.sh` runs this file on every
//! architecture under qemu-user, and `cargo test` on the host.
#![cfg(any(target_os = "linux", target_os = "android"))]

use syscalls_sys::uapi::MFD_CLOEXEC;
use syscalls_sys::{
    syscall, syscall_raw, Errno, SYS_close, SYS_copy_file_range, SYS_memfd_create, SYS_prctl,
    SYS_pread64, SYS_read, SYS_socketpair, SYS_write,
};

/// A file descriptor owned by the test, closed on drop.
struct Fd(usize);

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: the fd is ours and not used after this.
        let _ = unsafe { syscall!(SYS_close, self.0) };
    }
}

/// A memfd holding `data`.
fn memfd_with(data: &[u8]) -> Fd {
    let name = b"syscalls-sys-arguments\0";
    // SAFETY: `name` is NUL-terminated and outlives the call; the new fd is owned by the
    // returned value.
    let fd = Fd(unsafe { syscall!(SYS_memfd_create, name.as_ptr(), MFD_CLOEXEC) }.unwrap());
    // SAFETY: `data` is valid for reads of its length; the fd is ours.
    let written = unsafe { syscall!(SYS_write, fd.0, data.as_ptr(), data.len()) };
    assert_eq!(written, Ok(data.len()));
    fd
}

/// The whole content of a memfd, read from offset 0 without moving the file offset.
fn content(fd: &Fd) -> Vec<u8> {
    let mut back = vec![0u8; 256];
    // Offset 0: 32-bit ABIs take the 64-bit offset in two registers, some (arm, mips o32,
    // powerpc) after a padding register, so three zero arguments are 0 everywhere.
    // SAFETY: `back` is valid for writes of its length; the fd is ours.
    let n = unsafe { syscall!(SYS_pread64, fd.0, back.as_mut_ptr(), back.len(), 0, 0, 0) };
    back.truncate(n.unwrap());
    back
}

#[test]
fn four_arguments_socketpair() {
    let mut pair = [-1i32; 2];
    // SAFETY: `pair` is valid for writes of two `int`s and not otherwise borrowed; the two
    // new fds are closed below.
    let made = unsafe {
        syscall!(
            SYS_socketpair,
            libc::AF_UNIX,
            libc::SOCK_STREAM,
            0,
            pair.as_mut_ptr()
        )
    };
    assert_eq!(made, Ok(0));
    let [a, b] = pair.map(|fd| Fd(usize::try_from(fd).expect("socketpair wrote both fds")));
    // The two ends are connected: argument 4 pointed where the fds were written.
    // SAFETY: the buffers are valid for their lengths; both fds are ours.
    unsafe {
        assert_eq!(syscall!(SYS_write, a.0, b"ping".as_ptr(), 4), Ok(4));
        let mut got = [0u8; 8];
        assert_eq!(syscall!(SYS_read, b.0, got.as_mut_ptr(), got.len()), Ok(4));
        assert_eq!(&got[..4], b"ping");
    }

    // A protocol other than 0 or PF_UNIX (argument 3) is refused.
    // SAFETY: as above; the call fails before creating anything.
    let protocol = unsafe {
        syscall!(
            SYS_socketpair,
            libc::AF_UNIX,
            libc::SOCK_STREAM,
            7,
            pair.as_mut_ptr()
        )
    };
    assert_eq!(protocol, Err(Errno::EPROTONOSUPPORT));

    // An unmapped address (argument 4) cannot receive the fds.
    // SAFETY: the kernel checks the address and fails with EFAULT instead of writing.
    let fault = unsafe { syscall!(SYS_socketpair, libc::AF_UNIX, libc::SOCK_STREAM, 0, 8usize) };
    assert_eq!(fault, Err(Errno::EFAULT));
}

#[test]
fn five_arguments_prctl() {
    // PR_GET_NO_NEW_PRIVS requires arguments 2 to 5 to be zero.
    let option = libc::PR_GET_NO_NEW_PRIVS;
    // SAFETY: PR_GET_NO_NEW_PRIVS reads the thread's flag and touches no memory.
    let flag = unsafe { syscall!(SYS_prctl, option, 0, 0, 0, 0) };
    assert!(matches!(flag, Ok(0 | 1)), "{flag:?}");
    for position in 2..=5 {
        let mut args = [0usize; 4];
        args[position - 2] = 1;
        let [a2, a3, a4, a5] = args;
        // SAFETY: as above; the kernel rejects the non-zero argument.
        let rejected = unsafe { syscall!(SYS_prctl, option, a2, a3, a4, a5) };
        assert_eq!(
            rejected,
            Err(Errno::EINVAL),
            "argument {position} did not reach the kernel"
        );
    }
}

#[test]
fn six_arguments_copy_file_range() {
    let src = memfd_with(b"0123456789");
    let dst = memfd_with(b"abcdefghij");
    let mut off_in: i64 = 2;
    let mut off_out: i64 = 5;
    // Arguments 2 and 4 are where to read and write (and are advanced), 5 how much.
    // SAFETY: both offsets are valid, exclusively borrowed `loff_t`s during the call; both
    // fds are ours.
    let copied = unsafe {
        syscall!(
            SYS_copy_file_range,
            src.0,
            &mut off_in as *mut i64,
            dst.0,
            &mut off_out as *mut i64,
            3usize,
            0u32
        )
    };
    assert_eq!(copied, Ok(3));
    assert_eq!((off_in, off_out), (5, 8));
    assert_eq!(content(&dst), b"abcde234ij");

    // Argument 6, the flags, must be 0.
    // SAFETY: as above; the kernel rejects the flags before copying.
    let flags = unsafe {
        syscall!(
            SYS_copy_file_range,
            src.0,
            &mut off_in as *mut i64,
            dst.0,
            &mut off_out as *mut i64,
            3usize,
            1u32
        )
    };
    assert_eq!(flags, Err(Errno::EINVAL));
    assert_eq!(content(&dst), b"abcde234ij");

    // The raw form: the kernel's count, as is.
    // SAFETY: as for the first call.
    let raw = unsafe {
        syscall_raw!(
            SYS_copy_file_range,
            src.0,
            &mut off_in as *mut i64,
            dst.0,
            &mut off_out as *mut i64,
            2usize,
            0u32
        )
    };
    assert_eq!(raw, 2);
    assert_eq!((off_in, off_out), (7, 10));
    assert_eq!(content(&dst), b"abcde23456");
}
