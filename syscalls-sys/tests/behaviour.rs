//! Behaviour of `syscall!`/`syscall_raw!` against the running kernel. Runs on whichever
//! backend the build selected: `cargo test -p syscalls-sys` (inline asm on x86_64) and
//! `cargo test -p syscalls-sys --features libc` (libc::syscall).
#![cfg(any(target_os = "linux", target_os = "android"))]

use syscalls_sys::uapi::MFD_CLOEXEC;
use syscalls_sys::{
    syscall, syscall0, syscall0_raw, syscall1, syscall1_raw, syscall2, syscall2_raw, syscall3,
    syscall3_raw, syscall4, syscall4_raw, syscall5, syscall5_raw, syscall6, syscall6_raw,
    syscall_raw, Errno, SYS_close, SYS_getpid, SYS_lseek, SYS_memfd_create, SYS_read, SYS_write,
    EBADF, ENOSYS, NATIVE,
};

/// A memfd owned by the test, closed on drop.
struct Memfd(usize);

impl Memfd {
    fn new() -> Memfd {
        let name = b"syscalls-sys-test\0";
        // SAFETY: `name` is NUL-terminated and outlives the call; the new fd is owned by the
        // returned value.
        let fd = unsafe { syscall!(SYS_memfd_create, name.as_ptr(), MFD_CLOEXEC) }
            .expect("memfd_create");
        Memfd(fd)
    }
}

impl Drop for Memfd {
    fn drop(&mut self) {
        // SAFETY: the fd is ours and not used after this.
        let _ = unsafe { syscall!(SYS_close, self.0) };
    }
}

/// A syscall number the native ABI does not have.
fn unknown_syscall_number() -> usize {
    let highest = NATIVE.syscalls().map(|(_, nr)| nr).max().unwrap();
    let nr = highest + 1000;
    assert_eq!(NATIVE.syscall_name(nr), None);
    nr
}

#[test]
fn getpid_is_the_process_id() {
    // SAFETY: getpid takes no arguments and cannot fail.
    let pid = unsafe { syscall!(SYS_getpid) }.unwrap();
    assert_eq!(pid, std::process::id() as usize);
    // SAFETY: as above.
    let raw = unsafe { syscall_raw!(SYS_getpid) };
    assert_eq!(raw, pid);
}

#[test]
fn memfd_write_lseek_read_round_trip() {
    let fd = Memfd::new();
    let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();

    // SAFETY: `data` is valid for reads of `data.len()` bytes; the fd is ours.
    let written = unsafe { syscall!(SYS_write, fd.0, data.as_ptr(), data.len()) };
    assert_eq!(written, Ok(data.len()));

    // Where are we? (offset 0 from SEEK_CUR)
    // SAFETY: lseek touches no memory; the fd is ours.
    let pos = unsafe { syscall!(SYS_lseek, fd.0, 0, libc::SEEK_CUR) };
    assert_eq!(pos, Ok(data.len()));

    // A negative offset must be sign-extended to reach the kernel as negative.
    // SAFETY: as above.
    let pos = unsafe { syscall!(SYS_lseek, fd.0, -100isize, libc::SEEK_END) };
    assert_eq!(pos, Ok(data.len() - 100));

    // SAFETY: as above.
    let pos = unsafe { syscall!(SYS_lseek, fd.0, 0, libc::SEEK_SET) };
    assert_eq!(pos, Ok(0));

    let mut back = vec![0u8; data.len() + 10];
    // SAFETY: `back` is valid for writes of `back.len()` bytes and not otherwise borrowed.
    let read = unsafe { syscall!(SYS_read, fd.0, back.as_mut_ptr(), back.len()) };
    assert_eq!(read, Ok(data.len()));
    assert_eq!(&back[..data.len()], &data[..]);

    // At the end: read returns 0.
    // SAFETY: as above.
    let read = unsafe { syscall!(SYS_read, fd.0, back.as_mut_ptr(), back.len()) };
    assert_eq!(read, Ok(0));
}

#[test]
fn close_of_fd_minus_one_is_ebadf() {
    // SAFETY: closing fd -1 touches no memory and no descriptor anyone owns.
    let err = unsafe { syscall!(SYS_close, -1) }.unwrap_err();
    assert_eq!(err.name(), Some("EBADF"));
    assert_eq!(err.raw(), EBADF);
    assert_eq!(err, Errno::EBADF);
    assert_eq!(Errno::from_name("EBADF"), Some(err));
    assert_eq!(
        err.to_string(),
        format!("EBADF: {}", err.description().unwrap())
    );
}

#[test]
fn unknown_syscall_number_is_enosys() {
    let nr = unknown_syscall_number();
    // SAFETY: the kernel rejects the number before looking at any argument.
    let err = unsafe { syscall!(nr) }.unwrap_err();
    assert_eq!(err.name(), Some("ENOSYS"));
    assert_eq!(err.raw(), ENOSYS);
    // SAFETY: as above.
    let err6 = unsafe { syscall!(nr, 1, 2, 3, 4, 5, 6) }.unwrap_err();
    assert_eq!(err6, err);
}

#[test]
fn the_backend_is_the_one_the_features_ask_for() {
    if cfg!(feature = "libc") {
        assert_eq!(syscalls_sys::BACKEND, "libc");
    }
    if cfg!(all(target_arch = "x86_64", not(feature = "libc"))) {
        assert_eq!(syscalls_sys::BACKEND, "asm");
    }
    // The opt-in asm of the architectures where `asm!` is unstable.
    if cfg!(all(
        feature = "unstable-asm",
        not(feature = "libc"),
        any(
            target_arch = "mips",
            target_arch = "mips64",
            target_arch = "sparc64"
        )
    )) {
        assert_eq!(syscalls_sys::BACKEND, "asm");
    }
}

/// One raw contract on every backend and ABI: `-errno` as `usize`, whatever the libc
/// backend's C convention (-1 and `errno`) or a flag ABI's register (positive errno and a flag).
#[test]
fn raw_results_are_minus_errno_on_every_backend() {
    // SAFETY: closing fd -1 touches no memory and no descriptor anyone owns.
    let raw = unsafe { syscall_raw!(SYS_close, -1) };
    assert_eq!(
        raw,
        (EBADF as usize).wrapping_neg(),
        "backend {}",
        syscalls_sys::BACKEND
    );
    assert_eq!(raw as isize, -(EBADF as isize));
    assert_eq!(Errno::from_ret(raw), Err(Errno::EBADF));

    // Every arity, through the functions too.
    let nr = unknown_syscall_number();
    let enosys = (ENOSYS as usize).wrapping_neg();
    // SAFETY: the kernel rejects the number before looking at any argument.
    unsafe {
        assert_eq!(syscall0_raw(nr), enosys);
        assert_eq!(syscall1_raw(nr, 1), enosys);
        assert_eq!(syscall2_raw(nr, 1, 2), enosys);
        assert_eq!(syscall3_raw(nr, 1, 2, 3), enosys);
        assert_eq!(syscall4_raw(nr, 1, 2, 3, 4), enosys);
        assert_eq!(syscall5_raw(nr, 1, 2, 3, 4, 5), enosys);
        assert_eq!(syscall6_raw(nr, 1, 2, 3, 4, 5, 6), enosys);
    }

    // Successes come back as they are, and decode to the same value as `syscall!`.
    let fd = Memfd::new();
    let data = b"raw";
    // SAFETY: `data` is valid for reads of its length; the fd is ours.
    let raw = unsafe { syscall_raw!(SYS_write, fd.0, data.as_ptr(), data.len()) };
    assert_eq!(raw, data.len());
    assert_eq!(Errno::from_ret(raw), Ok(data.len()));
}

#[test]
fn errno_values_are_checked_and_compare_with_codes() {
    assert_eq!(Errno::new(EBADF), Some(Errno::EBADF));
    assert_eq!(Errno::new(1).map(Errno::raw), Some(1));
    assert_eq!(Errno::new(4095).map(Errno::raw), Some(4095));
    for bad in [0, -1, -EBADF, 4096, i32::MIN, i32::MAX] {
        assert_eq!(Errno::new(bad), None, "{bad}");
    }
    // The associated constants are the native ABI's codes.
    for (name, code, _) in NATIVE.errnos() {
        assert_eq!(Errno::from_name(name).map(Errno::raw), Some(code), "{name}");
    }
    assert_eq!(Errno::EBADF, EBADF);
    assert_eq!(EBADF, Errno::EBADF);
    assert_eq!(Errno::ENOSYS.raw(), ENOSYS);
    assert_eq!(Errno::EDEADLK, syscalls_sys::EDEADLK);
    assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
    assert_ne!(Errno::EBADF, ENOSYS);
    // Round trip through the decoder for every code of the range.
    for code in 1..=4095 {
        let errno = Errno::new(code).unwrap();
        assert_eq!(Errno::from_ret((code as usize).wrapping_neg()), Err(errno));
    }
    assert_eq!(Errno::from_ret(0), Ok(0));
    assert_eq!(
        Errno::from_ret(4096usize.wrapping_neg()),
        Ok(4096usize.wrapping_neg())
    );
}

/// The kernel-internal codes of `include/linux/errno.h`: named, marked, never user-visible.
#[test]
fn kernel_internal_codes_are_named_and_marked() {
    // Known answer: ERESTARTSYS is 512 on every ABI (the kernel's include/linux/errno.h).
    assert_eq!(Errno::ERESTARTSYS.raw(), 512);
    assert_eq!(NATIVE.errno_name(512), Some("ERESTARTSYS"));
    assert!(Errno::ERESTARTSYS.is_kernel_internal());
    assert!(Errno::ERESTART_RESTARTBLOCK.is_kernel_internal());
    assert!(!Errno::EINTR.is_kernel_internal());
    assert!(Errno::ERESTARTSYS
        .to_string()
        .starts_with("ERESTARTSYS: Kernel-internal, never returned to user space"));
    let internal: Vec<&str> = NATIVE
        .errnos()
        .filter(|&(_, code, _)| NATIVE.errno_is_kernel_internal(code))
        .map(|(name, _, _)| name)
        .collect();
    assert!(internal.len() >= 19, "{internal:?}");
    for (name, code, description) in NATIVE.errnos() {
        let internal = NATIVE.errno_is_kernel_internal(code);
        assert_eq!(
            description.starts_with("Kernel-internal, never returned to user space"),
            internal,
            "{name}"
        );
    }
}

#[cfg(feature = "std")]
#[test]
fn errno_converts_into_io_error() {
    use std::io;

    let err = io::Error::from(Errno::ENOENT);
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    assert_eq!(err.raw_os_error(), Some(syscalls_sys::ENOENT));
    assert_eq!(io::Error::from(Errno::EBADF).raw_os_error(), Some(EBADF));

    // `?` on a syscall! result in a function returning io::Result.
    fn close(fd: i32) -> io::Result<usize> {
        // SAFETY: closing fd -1 touches no memory and no descriptor anyone owns.
        Ok(unsafe { syscall!(SYS_close, fd) }?)
    }
    let err = close(-1).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(EBADF));
    assert_eq!(Errno::new(err.raw_os_error().unwrap()), Some(Errno::EBADF));
}

#[cfg(feature = "std")]
#[test]
fn errno_last_reads_the_c_errno() {
    // SAFETY: close(-1) touches no memory and no descriptor anyone owns.
    assert_eq!(unsafe { libc::close(-1) }, -1);
    assert_eq!(Errno::last(), Some(Errno::EBADF));
}

#[test]
fn every_arity_reaches_the_kernel() {
    let nr = unknown_syscall_number();
    // SAFETY: the kernel rejects the number before looking at any argument.
    unsafe {
        assert_eq!(syscall0(nr), Err(Errno::ENOSYS));
        assert_eq!(syscall1(nr, 1), Err(Errno::ENOSYS));
        assert_eq!(syscall2(nr, 1, 2), Err(Errno::ENOSYS));
        assert_eq!(syscall3(nr, 1, 2, 3), Err(Errno::ENOSYS));
        assert_eq!(syscall4(nr, 1, 2, 3, 4), Err(Errno::ENOSYS));
        assert_eq!(syscall5(nr, 1, 2, 3, 4, 5), Err(Errno::ENOSYS));
        assert_eq!(syscall6(nr, 1, 2, 3, 4, 5, 6), Err(Errno::ENOSYS));
    }

    // All six argument registers carry their value: pwrite64-like calls use 4, and
    // copy_file_range uses all 6, two of them pointers (null = use the file offset).
    let src = Memfd::new();
    let dst = Memfd::new();
    let data = b"six arguments";
    // SAFETY: `data` is valid for reads of its length; the fd is ours.
    unsafe { syscall!(SYS_write, src.0, data.as_ptr(), data.len()) }.unwrap();
    let mut off_in: i64 = 4;
    let null: *mut i64 = std::ptr::null_mut();
    // SAFETY: `off_in` is a valid, exclusively borrowed i64 during the call; the null
    // offset makes the kernel use dst's file offset; both fds are ours.
    let copied = unsafe {
        syscall!(
            syscalls_sys::SYS_copy_file_range,
            src.0,
            &mut off_in as *mut i64,
            dst.0,
            null,
            data.len() - 4,
            0u32
        )
    };
    assert_eq!(copied, Ok(data.len() - 4));
    assert_eq!(off_in, data.len() as i64);
    let mut back = [0u8; 32];
    // Offset 0: 32-bit ABIs take the 64-bit offset in two registers, some (arm, mips o32,
    // powerpc) after a padding register, so three zero arguments are 0 everywhere.
    // SAFETY: `back` is valid for writes of its length; the fd is ours.
    let n = unsafe {
        syscall!(
            syscalls_sys::SYS_pread64,
            dst.0,
            back.as_mut_ptr(),
            back.len(),
            0,
            0,
            0
        )
    }
    .unwrap();
    assert_eq!(&back[..n], &data[4..]);
}

#[test]
fn errno_formatting() {
    let ebadf = Errno::EBADF;
    assert_eq!(
        format!("{ebadf}"),
        format!("EBADF: {}", NATIVE.errno_description(EBADF).unwrap())
    );
    assert!(format!("{ebadf:?}").contains("name: \"EBADF\""));
    let unknown = Errno::new(4000).unwrap();
    assert_eq!(unknown.name(), None);
    assert_eq!(unknown.description(), None);
    assert_eq!(unknown.to_string(), "errno 4000");
    assert_eq!(format!("{unknown:?}"), "Errno { raw: 4000 }");
    assert_eq!(Errno::from_name("ENOTANERRNO"), None);
}

#[cfg(feature = "std")]
#[test]
fn errno_is_a_std_error() {
    let e: Box<dyn std::error::Error> = Box::new(Errno::EBADF);
    assert!(e.to_string().starts_with("EBADF: "));
}
