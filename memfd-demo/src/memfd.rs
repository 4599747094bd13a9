//! Creating and sealing the in-memory files that hold a capture.
//!
//! [`create`] asks the kernel for a memfd with `memfd_create(2)`, issued through
//! [`syscalls_sys::syscall!`] (no C library wrapper, so it works with a libc that predates
//! the syscall). When the kernel has no `memfd_create` (`ENOSYS`: Linux before 3.17, or a
//! seccomp sandbox that hides it), it falls back to an unlinked temporary file, saying so at
//! debug level (see [`debug`](crate::debug)):
//!
//! 1. an `O_TMPFILE` file (never linked into the file system) in `/dev/shm`, which is a
//!    tmpfs and so kept in memory like a memfd, then in [`std::env::temp_dir`];
//! 2. where `O_TMPFILE` is refused (Linux before 3.11, file systems without it), a file
//!    created with `O_EXCL` under a unique name in the same directories and unlinked at once.
//!
//! Every descriptor is opened close-on-exec (`MFD_CLOEXEC`, `O_CLOEXEC`), so that a command
//! started by another thread does not inherit it.
//!
//! Only memfds can be sealed ([`seal`]); the fallback files cannot, which is why
//! [`capture`](crate::capture) copies their contents instead of mapping them.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use syscalls_sys::uapi::{
    F_ADD_SEALS, F_GET_SEALS, F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE,
    MFD_ALLOW_SEALING, MFD_CLOEXEC, MFD_NOEXEC_SEAL,
};
use syscalls_sys::{syscall, Errno, SYS_memfd_create, NATIVE};

use crate::debug::debug;

/// The seals [`seal`] adds: no more writes, no growing, no shrinking, no changing the seals.
/// Together they make the contents immutable, so that a mapping of them can be handed out as
/// `&[u8]`.
pub const CAPTURE_SEALS: i32 = F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL;

/// The first of two syscall numbers the native ABI has (`const`, for the lookups below).
pub(crate) const fn either(first: Option<usize>, second: Option<usize>) -> Option<usize> {
    match first {
        Some(nr) => Some(nr),
        None => second,
    }
}

/// `fcntl` of the native ABI: 32-bit ABIs have `fcntl64` (the generic 32-bit ones only that),
/// 64-bit ones `fcntl`. Resolved from the generated table while compiling.
pub(crate) const SYS_FCNTL: usize = match either(
    NATIVE.syscall_number("fcntl64"),
    NATIVE.syscall_number("fcntl"),
) {
    Some(nr) => nr,
    None => panic!("the native ABI has neither fcntl64 nor fcntl"),
};

/// What holds a captured stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backing {
    /// A memfd from `memfd_create(2)`: anonymous memory, sealable.
    Memfd,
    /// An `O_TMPFILE` file, never linked, in this directory (the fallback when the kernel
    /// has no `memfd_create`). Not sealable.
    TmpFile {
        /// The directory it was created in.
        dir: PathBuf,
    },
    /// A file created in this directory and unlinked at once (the fallback when `O_TMPFILE`
    /// is refused as well). Not sealable.
    Unlinked {
        /// The directory it was created in.
        dir: PathBuf,
    },
}

impl Backing {
    /// Whether this is a memfd (rather than a fallback file).
    pub fn is_memfd(&self) -> bool {
        matches!(self, Backing::Memfd)
    }
}

/// Creates an empty in-memory file named `name` (the name shows in `/proc/PID/fd` as
/// `/memfd:NAME`; it need not be unique): a sealable memfd, or, where the kernel has no
/// `memfd_create`, an unlinked temporary file (see the [module docs](self)).
///
/// The file is open for reading and writing, at offset 0, close-on-exec.
///
/// # Errors
///
/// `InvalidInput` if `name` contains a NUL byte or is too long for the kernel (`EINVAL`);
/// otherwise the error of `memfd_create`, or, when falling back, of the last fallback tried.
pub fn create(name: &str) -> io::Result<(File, Backing)> {
    let c_name = CString::new(name).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("memfd name {name:?} contains a NUL byte"),
        )
    })?;
    match memfd_create(&c_name) {
        Ok(file) => Ok((file, Backing::Memfd)),
        Err(errno) if errno == Errno::ENOSYS => {
            debug!(
                "memfd_create unavailable ({errno}); falling back to an unlinked temporary file"
            );
            let (file, backing) = tmpfile()?;
            debug!("fallback buffer for {name:?}: {backing:?}");
            Ok((file, backing))
        }
        Err(errno) if errno == Errno::EINVAL => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("memfd_create refused the name {name:?} ({errno}): too long for the kernel"),
        )),
        Err(errno) => Err(io::Error::from_raw_os_error(errno.raw())),
    }
}

/// `memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL)`, without
/// `MFD_NOEXEC_SEAL` on kernels before 6.3 that refuse it with `EINVAL`.
fn memfd_create(name: &CString) -> Result<File, Errno> {
    let flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
    // MFD_NOEXEC_SEAL (6.3+) also seals the exec bits: our buffers are data, never programs,
    // and the kernel logs a warning for memfds created with neither it nor MFD_EXEC.
    // SAFETY: `name` is a NUL-terminated string that outlives the call, which only reads it;
    // on success the new descriptor is owned by no one else.
    let fd = match unsafe { syscall!(SYS_memfd_create, name.as_ptr(), flags | MFD_NOEXEC_SEAL) } {
        Err(errno) if errno == Errno::EINVAL => {
            debug!("memfd_create refused MFD_NOEXEC_SEAL ({errno}); retrying without it");
            // SAFETY: as above.
            unsafe { syscall!(SYS_memfd_create, name.as_ptr(), flags) }?
        }
        other => other?,
    };
    let fd = i32::try_from(fd).map_err(|_| Errno::EINVAL)?;
    // SAFETY: `fd` was just returned by memfd_create: an open descriptor that nothing else
    // owns, so the `File` may own (and eventually close) it.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// The fallback files' permissions: read and write for the owner only (0600).
// `mode_t` is narrower than `u32` on some Android targets.
#[allow(clippy::unnecessary_cast)]
const OWNER_READ_WRITE: u32 = (libc::S_IRUSR | libc::S_IWUSR) as u32;

/// The directories the fallback tries, in order: `/dev/shm` (memory, like a memfd), then the
/// temporary directory.
fn fallback_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("/dev/shm")];
    let tmp = std::env::temp_dir();
    if !dirs.contains(&tmp) {
        dirs.push(tmp);
    }
    dirs
}

/// The fallback: an `O_TMPFILE` file, or else a created-and-unlinked one.
fn tmpfile() -> io::Result<(File, Backing)> {
    let dirs = fallback_dirs();
    let mut last_error = None;
    for dir in &dirs {
        match OpenOptions::new()
            .read(true)
            .write(true)
            .mode(OWNER_READ_WRITE)
            .custom_flags(libc::O_TMPFILE)
            .open(dir)
        {
            Ok(file) => return Ok((file, Backing::TmpFile { dir: dir.clone() })),
            Err(err) => {
                debug!("O_TMPFILE in {} failed: {err}", dir.display());
                last_error = Some(err);
            }
        }
    }
    for dir in &dirs {
        match unlinked_file(dir) {
            Ok(file) => return Ok((file, Backing::Unlinked { dir: dir.clone() })),
            Err(err) => {
                debug!("an unlinked file in {} failed: {err}", dir.display());
                last_error = Some(err);
            }
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no directory for a temporary file")))
}

/// A file created under a fresh name in `dir` (`O_EXCL`, owner-only) and unlinked at once.
fn unlinked_file(dir: &Path) -> io::Result<File> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut attempts = 0;
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = dir.join(format!(
            ".memfd-demo-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        match OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(OWNER_READ_WRITE)
            .open(&path)
        {
            Ok(file) => {
                std::fs::remove_file(&path)?;
                return Ok(file);
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => {
                attempts += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

/// Adds [`CAPTURE_SEALS`] to `file` (`fcntl(F_ADD_SEALS)`, through `syscall!`).
///
/// After this, nobody (not even a process that still holds a writable descriptor of the
/// file) can write to it, resize it, or remove the seals: its contents are fixed.
///
/// # Errors
///
/// The kernel's: `EBUSY` if someone has a writable shared mapping of the file, `EPERM` if
/// its seals are themselves sealed (every non-memfd tmpfs file), `EINVAL` if the file system
/// has no seals (every fallback file that is not on tmpfs).
pub fn seal(file: &File) -> Result<(), Errno> {
    // SAFETY: F_ADD_SEALS takes an integer argument and touches no memory of ours; the
    // descriptor is borrowed from a live `File`.
    unsafe { syscall!(SYS_FCNTL, file.as_raw_fd(), F_ADD_SEALS, CAPTURE_SEALS) }.map(|_| ())
}

/// The seals of `file` (`fcntl(F_GET_SEALS)`): a mask of `syscalls_sys::uapi::F_SEAL_*`.
///
/// # Errors
///
/// `EINVAL` for a file that does not support seals.
pub fn seals(file: &File) -> Result<i32, Errno> {
    // SAFETY: F_GET_SEALS takes no argument and touches no memory of ours; the descriptor is
    // borrowed from a live `File`.
    let mask = unsafe { syscall!(SYS_FCNTL, file.as_raw_fd(), F_GET_SEALS) }?;
    // The kernel returns an `int` mask.
    i32::try_from(mask).map_err(|_| Errno::EINVAL)
}
