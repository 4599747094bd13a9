//! Behaviour of `syscall!`/`syscall_raw!` against the running kernel. Runs on whichever
//! backend the build selected: `cargo test -p syscalls-sys` (inline asm on x86_64) and
//! `cargo test -p syscalls-sys --features libc` (libc::syscall).
#![cfg(any(target_os = "linux", target_os = "android"))]

use syscalls_sys::uapi::MFD_CLOEXEC;
use syscalls_sys::{
    syscall, syscall0, syscall1, syscall2, syscall3, syscall4, syscall5, syscall6, syscall_raw,
    Errno, SYS_close, SYS_getpid, SYS_lseek, SYS_memfd_create, SYS_read, SYS_write, EBADF, ENOSYS,
    NATIVE,
};

/// Whether this build issues syscalls through `libc::syscall` rather than inline asm.
const LIBC_BACKEND: bool = matches!(syscalls_sys::BACKEND.as_bytes(), b"libc");

/// Whether the native ABI reports failure in a flag beside the return register (mips `a3`,
/// powerpc `cr0.SO`, sparc the carry), which then holds the positive errno.
const FLAG_ABI: bool = cfg!(any(
    target_arch = "mips",
    target_arch = "mips64",
    target_arch = "powerpc",
    target_arch = "powerpc64",
    target_arch = "sparc64",
));

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
    assert_eq!(err, Errno::from_raw(EBADF));
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

#[test]
fn raw_results_follow_the_backend_convention() {
    // SAFETY: closing fd -1 touches no memory and no descriptor anyone owns.
    let raw = unsafe { syscall_raw!(SYS_close, -1) };
    if LIBC_BACKEND {
        // libc::syscall: -1, the code in the C errno.
        assert_eq!(raw as isize, -1);
        assert_eq!(
            std::io::Error::last_os_error().raw_os_error(),
            Some(EBADF),
            "libc backend must leave the code in errno"
        );
    } else if FLAG_ABI {
        // The kernel's return register: the errno itself (the failure flag is elsewhere).
        assert_eq!(raw, EBADF as usize);
    } else {
        // The kernel's return register: -errno.
        assert_eq!(raw as isize, -(EBADF as isize));
    }
}

#[test]
fn every_arity_reaches_the_kernel() {
    let nr = unknown_syscall_number();
    // SAFETY: the kernel rejects the number before looking at any argument.
    unsafe {
        assert_eq!(syscall0(nr), Err(Errno::from_raw(ENOSYS)));
        assert_eq!(syscall1(nr, 1), Err(Errno::from_raw(ENOSYS)));
        assert_eq!(syscall2(nr, 1, 2), Err(Errno::from_raw(ENOSYS)));
        assert_eq!(syscall3(nr, 1, 2, 3), Err(Errno::from_raw(ENOSYS)));
        assert_eq!(syscall4(nr, 1, 2, 3, 4), Err(Errno::from_raw(ENOSYS)));
        assert_eq!(syscall5(nr, 1, 2, 3, 4, 5), Err(Errno::from_raw(ENOSYS)));
        assert_eq!(syscall6(nr, 1, 2, 3, 4, 5, 6), Err(Errno::from_raw(ENOSYS)));
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
    let ebadf = Errno::from_raw(EBADF);
    assert_eq!(
        format!("{ebadf}"),
        format!("EBADF: {}", NATIVE.errno_description(EBADF).unwrap())
    );
    assert!(format!("{ebadf:?}").contains("name: \"EBADF\""));
    let unknown = Errno::from_raw(4242);
    assert_eq!(unknown.name(), None);
    assert_eq!(unknown.description(), None);
    assert_eq!(unknown.to_string(), "errno 4242");
    assert_eq!(format!("{unknown:?}"), "Errno { raw: 4242 }");
    assert_eq!(Errno::from_name("ENOTANERRNO"), None);
}

#[cfg(feature = "std")]
#[test]
fn errno_is_a_std_error() {
    let e: Box<dyn std::error::Error> = Box::new(Errno::from_raw(EBADF));
    assert!(e.to_string().starts_with("EBADF: "));
}
