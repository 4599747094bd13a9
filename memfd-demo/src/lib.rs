//! Capture a command's stdout and stderr in memory: in two sealed memfds, read back as
//! `&[u8]` through `mmap`, without copying and without the deadlocks of pipes.
//!
//! This is the classic demo of `memfd_create(2)` (create an in-memory file with a syscall
//! the C library did not wrap, fork, point the child's stdout at it with `dup2`, exec
//! `/bin/date`, wait, rewind, read), done with [`syscalls_sys`]: the syscall numbers come
//! from its generated tables for the target's ABI, and every syscall the demo makes by hand
//! goes through [`syscalls_sys::syscall!`].
//!
//! ```
//! use std::process::Command;
//!
//! let mut cmd = Command::new("sh");
//! cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
//! let capture = memfd_demo::capture(&mut cmd)?;
//!
//! assert_eq!(capture.stdout(), b"out\n");
//! assert_eq!(capture.stderr(), b"err\n");
//! assert_eq!(capture.status().code(), Some(3));
//!
//! // The bytes are the memfd's own pages, mapped read-only; the memfd is sealed, so they
//! // cannot change, even if a process the command left behind still holds it.
//! let out = capture.stdout_buffer();
//! assert!(out.is_sealed() && out.is_mapped());
//! # Ok::<(), memfd_demo::CaptureError>(())
//! ```
//!
//! # Why not a pipe
//!
//! [`Command::output`] reads the child's output from two pipes while it runs: every byte is
//! copied into a 64 KiB pipe buffer by the child and out of it by the parent, the parent's
//! buffer grows as it goes, and a reader that handles one pipe at a time deadlocks when the
//! child fills the other. With [`capture`], the child writes straight into memory that
//! nobody has to drain (it never blocks), the parent just waits for it to exit, and then
//! maps the pages the child wrote: one copy instead of two, and peak memory about the size
//! of the output (not the output plus a copy of it, as with `memfd` + `read`).
//!
//! What it costs instead: the kernel allocates a fresh page for every 4 KiB the child
//! writes (in the child's `write(2)`: about 1.3 µs a page on the 2-core VM where the
//! benchmark was made, 330 ms per GiB), maps each into the reader (about 0.5 µs a page),
//! and frees them when the capture is dropped. The mapping is done while the command runs,
//! by a background thread (see [`capture`]), on a CPU that would otherwise wait: what is left
//! when the command ends is the last quarter of a millisecond's worth. The allocation cannot
//! be moved off the child's writes: preallocating ahead of them from the idle CPU
//! (`fallocate(FALLOC_FL_KEEP_SIZE)`) would spare the child the allocation, but tmpfs takes
//! the same inode lock for `fallocate` as for `write`, so the two never run at the same
//! time, and the capture gets slower, not faster. Faulting pages in through a shared
//! mapping takes no such lock, but only below the end of the file: the file would have to
//! be grown ahead of the child, which would then see a file longer than what it wrote, and
//! after a command that seeks or appends, the capture could no longer tell where its output
//! ends.
//!
//! So [`capture`] wins clearly from about 16 MiB up when the reader's buffer would be fresh
//! memory too: 256 MiB and more always are with glibc, and so is every buffer of a process
//! that captures once. But a pipe read into a heap buffer that the allocator recycles from
//! an earlier capture of the same size allocates nothing at all, and capture cannot match
//! that: at 16 MiB, the child's writes into a fresh memfd alone, with nothing mapped or
//! read, take about as long as `output()`'s whole round into a recycled buffer, and a memfd
//! cannot be recycled (once sealed, it can never be written again). The benchmark
//! `cargo bench -p memfd-demo --bench capture` measures all of this against `output()`, in
//! both allocator states.
//!
//! Huge pages change the picture. Where the machine lets memfds have them
//! (`/sys/kernel/mm/transparent_hugepage/shmem_enabled` set to `within_size` or `always`,
//! or, from Linux 6.11, the `shmem_enabled` file of a size under `hugepages-*kB/`), the
//! kernel allocates, maps and frees a memfd's memory 2 MiB at a time instead of 4 KiB: on
//! the same VM, set to `within_size` for one run of the benchmark, 16 MiB captures took
//! 0.44× the time of `output()` into a recycled buffer, 256 MiB 0.18×, 1 GiB 0.17×. That
//! setting is machine-wide, and the administrator's to choose (it was `never` on that VM,
//! and a capture library has no business changing it); the benchmark prints it.
//!
//! # What [`capture`] does
//!
//! 1. Creates two memfds ([`memfd::create`]: `memfd_create(MFD_CLOEXEC | MFD_ALLOW_SEALING
//!    | MFD_NOEXEC_SEAL)` through `syscall!`), or, where the kernel has none (`ENOSYS`), two
//!    unlinked temporary files (`O_TMPFILE` in `/dev/shm`), saying so at debug level.
//! 2. Spawns the command with its stdout and stderr on them and waits for it to exit.
//!    Meanwhile, a background thread maps what the command has written so far, in steps of
//!    at least 256 KiB, every quarter of a millisecond while it writes (`mmap`/`mremap`,
//!    `MADV_POPULATE_READ`), so that the reader's pages are mostly mapped when the command
//!    ends. Nothing reads the mapping before the memfd is sealed.
//! 3. Seals each memfd against writing, growing, shrinking and further sealing
//!    ([`memfd::CAPTURE_SEALS`]), then maps it read-only ([`Captured::is_mapped`]): the rest
//!    of the mapping begun while it ran, trimmed to the final size. An empty output is not
//!    mapped (a zero-length mapping does not exist). A fallback file cannot
//!    be sealed, so its contents are copied into the heap instead: the slice you get must
//!    not change under you, and an unsealed file could.
//!
//! # Debugging
//!
//! `MEMFD_DEMO_DEBUG=1` (or [`debug::set_debug`]) prints what the library chose: memfd or
//! fallback, sealed or not, mapped or copied.
//!
//! # Platform
//!
//! Linux (and Android) on every architecture where `syscalls-sys` has a native ABI; the
//! crate is empty elsewhere.
#![deny(missing_docs)]
#![cfg(any(target_os = "linux", target_os = "android"))]

pub mod debug;
mod map;
mod mapper;
pub mod memfd;
pub mod pattern;
pub mod raw;

use std::ffi::OsString;
use std::fmt;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::fs::FileExt;
use std::process::{Command, ExitStatus, Stdio};

use crate::debug::debug;
use crate::map::{Growing, Mapping};
pub use crate::memfd::Backing;

/// Runs `cmd` to completion with its stdout and stderr captured in two memfds, and returns
/// both, sealed and mapped, with its exit status.
///
/// Stdin is left as `cmd` has it (inherited unless you set it). `cmd`'s stdout and stderr
/// settings are replaced; on return they are reset to [`Stdio::inherit`], so that `cmd`
/// keeps no descriptor of the buffers.
///
/// The child never blocks on its output (there is no pipe to fill), so there is nothing to
/// drain while it runs; the capture is limited by memory only (the memfd pages count as
/// shared memory, `Shmem` in `/proc/meminfo`, and towards the memory cgroup).
///
/// A process that the command leaves running (a daemon, `cmd &`) can keep writing until the
/// capture is sealed; writes after that fail with `EPERM`.
///
/// The first call starts a background thread, `memfd-demo-map`, that maps the output of
/// running commands while the callers wait (about 25 µs, once); it lives as long as the
/// process, and sleeps once no capture has run for a second. Where it cannot be started,
/// or the kernel has no `MADV_POPULATE_READ` (before Linux 5.14), everything is mapped after
/// the command ends instead (`MAP_POPULATE`), as the debug messages say.
///
/// # Errors
///
/// [`CaptureError::Spawn`] if the program cannot be started (not found, not executable);
/// [`CaptureError::Buffer`], [`CaptureError::Wait`] or [`CaptureError::Collect`] if a
/// buffer cannot be created, the wait fails, or a buffer cannot be read back.
pub fn capture(cmd: &mut Command) -> Result<Capture, CaptureError> {
    let (out, out_backing) = memfd::create("memfd-demo:stdout").map_err(CaptureError::Buffer)?;
    let (err, err_backing) = memfd::create("memfd-demo:stderr").map_err(CaptureError::Buffer)?;
    // The child's ends: duplicates (close-on-exec in this process; the spawn makes them the
    // child's fds 1 and 2).
    let child_out = out.try_clone().map_err(CaptureError::Buffer)?;
    let child_err = err.try_clone().map_err(CaptureError::Buffer)?;
    cmd.stdout(child_out).stderr(child_err);
    let spawned = cmd.spawn();
    // A `Command` keeps its `Stdio`s until they are replaced: close our copies of the
    // child's ends now, whatever happened, so that nothing of ours keeps a writable
    // descriptor of the buffers.
    cmd.stdout(Stdio::inherit()).stderr(Stdio::inherit());
    let mut child = spawned.map_err(|source| CaptureError::Spawn {
        program: cmd.get_program().to_owned(),
        source,
    })?;
    // While it runs, the mapper thread maps what it has written so far (memfds only: the
    // others are copied).
    let watched = mapper::watch([
        (out, Growing::new(out_backing.is_memfd())),
        (err, Growing::new(err_backing.is_memfd())),
    ]);
    let status = child.wait();
    let [(out, out_map), (err, err_map)] = watched.finish();
    let status = status.map_err(CaptureError::Wait)?;
    debug!("{:?} ended: {status}", cmd.get_program());
    let stdout = Captured::finish(out, out_backing, out_map, Stream::Stdout)?;
    let stderr = Captured::finish(err, err_backing, err_map, Stream::Stderr)?;
    Ok(Capture {
        status,
        stdout,
        stderr,
    })
}

/// A finished command's exit status and captured output (see [`capture`]).
#[derive(Debug)]
pub struct Capture {
    status: ExitStatus,
    stdout: Captured,
    stderr: Captured,
}

impl Capture {
    /// Everything the command wrote to its stdout.
    pub fn stdout(&self) -> &[u8] {
        self.stdout.as_bytes()
    }

    /// Everything the command wrote to its stderr.
    pub fn stderr(&self) -> &[u8] {
        self.stderr.as_bytes()
    }

    /// How the command ended: [`ExitStatus::code`], or, for a command killed by a signal,
    /// `std::os::unix::process::ExitStatusExt::signal`.
    pub fn status(&self) -> ExitStatus {
        self.status
    }

    /// The buffer holding stdout: the sealed memfd and how it is read.
    pub fn stdout_buffer(&self) -> &Captured {
        &self.stdout
    }

    /// The buffer holding stderr.
    pub fn stderr_buffer(&self) -> &Captured {
        &self.stderr
    }

    /// The status and both buffers, to keep one and drop the other.
    pub fn into_parts(self) -> (ExitStatus, Captured, Captured) {
        (self.status, self.stdout, self.stderr)
    }
}

/// Which output stream a buffer captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// The command's stdout.
    Stdout,
    /// The command's stderr.
    Stderr,
}

impl fmt::Display for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        })
    }
}

/// One captured stream: the file that holds it (normally a sealed memfd) and its bytes.
pub struct Captured {
    // Field order matters: the mapping goes before the file it maps.
    data: Data,
    file: File,
    backing: Backing,
    sealed: bool,
}

/// How a buffer's bytes are held.
enum Data {
    /// Nothing was written (a zero-length mapping does not exist).
    Empty,
    /// The sealed memfd's pages, mapped read-only.
    Mapped(Mapping),
    /// A copy, for buffers that could not be sealed.
    Copied(Vec<u8>),
}

impl Captured {
    /// Seals `file` (a memfd) and maps it (what `growing` mapped while the command ran, and
    /// the rest), or copies it if it cannot be sealed.
    fn finish(
        file: File,
        backing: Backing,
        growing: Growing,
        stream: Stream,
    ) -> Result<Captured, CaptureError> {
        let collect = |source| CaptureError::Collect { stream, source };
        let sealed = match &backing {
            Backing::Memfd => match memfd::seal(&file) {
                Ok(()) => true,
                Err(errno) => {
                    debug!("could not seal the {stream} memfd ({errno}): copying it");
                    false
                }
            },
            _ => false,
        };
        let len = file.metadata().map_err(collect)?.len();
        let early = growing.populated();
        let data = if len == 0 {
            Data::Empty
        } else {
            let len = usize::try_from(len).map_err(|_| {
                collect(io::Error::new(
                    io::ErrorKind::OutOfMemory,
                    format!("{len} bytes do not fit in this target's address space"),
                ))
            })?;
            if sealed {
                // SAFETY: `file` is a memfd we just sealed against writes, growing,
                // shrinking and unsealing, `len` is its (now fixed) size, and `growing` was
                // made of it.
                Data::Mapped(unsafe { growing.finish(&file, len) }.map_err(collect)?)
            } else {
                Data::Copied(read_at_most(&file, len).map_err(collect)?)
            }
        };
        debug!(
            "{stream}: {len} bytes in {backing:?}, {}{}",
            match (&data, sealed) {
                (Data::Empty, true) => "sealed, empty",
                (Data::Empty, false) => "empty",
                (Data::Mapped(_), _) => "sealed and mapped",
                (Data::Copied(_), _) => "not sealed: copied",
            },
            match &data {
                Data::Mapped(_) if early > 0 => format!(" ({early} bytes while it ran)"),
                _ => String::new(),
            }
        );
        Ok(Captured {
            data,
            file,
            backing,
            sealed,
        })
    }

    /// The captured bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.data {
            Data::Empty => &[],
            Data::Mapped(mapping) => mapping.as_slice(),
            Data::Copied(bytes) => bytes,
        }
    }

    /// The number of captured bytes.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether nothing was captured.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the file is sealed with [`memfd::CAPTURE_SEALS`]: always for a memfd, unless
    /// someone held a writable shared mapping of it when the command ended (`EBUSY`).
    pub fn is_sealed(&self) -> bool {
        self.sealed
    }

    /// Whether [`as_bytes`](Captured::as_bytes) shows the file's own pages (zero-copy)
    /// rather than a copy: true for every sealed, non-empty buffer.
    pub fn is_mapped(&self) -> bool {
        matches!(self.data, Data::Mapped(_))
    }

    /// What the buffer is: a memfd, or a fallback file.
    pub fn backing(&self) -> &Backing {
        &self.backing
    }

    /// The file (the sealed memfd): to pass it to another process, `fstat` it, or read it
    /// with the offset APIs (its own offset is at its end, where the command left it).
    pub fn file(&self) -> &File {
        &self.file
    }

    /// The file, dropping the mapping or copy.
    pub fn into_file(self) -> File {
        self.file
    }
}

impl AsRef<[u8]> for Captured {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsFd for Captured {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

impl fmt::Debug for Captured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Captured")
            .field("len", &self.len())
            .field("backing", &self.backing)
            .field("sealed", &self.sealed)
            .field("mapped", &self.is_mapped())
            .finish_non_exhaustive()
    }
}

/// Reads up to `len` bytes from offset 0 of `file` (fewer if it shrank meanwhile): a copy of
/// an unsealed buffer, which someone may still be changing, never more than its size at the
/// time we asked.
fn read_at_most(file: &File, len: usize) -> io::Result<Vec<u8>> {
    let mut data = vec![0u8; len];
    let mut done = 0;
    while done < len {
        match file.read_at(&mut data[done..], done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        }
    }
    data.truncate(done);
    Ok(data)
}

/// Why [`capture`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum CaptureError {
    /// A buffer could not be created (neither a memfd nor a fallback file).
    Buffer(io::Error),
    /// The program could not be started: not found, not executable, …
    Spawn {
        /// The program, as given to the `Command`.
        program: OsString,
        /// Why.
        source: io::Error,
    },
    /// Waiting for the command failed.
    Wait(io::Error),
    /// A buffer could not be read back (`fstat`, `mmap` or `read` failed).
    Collect {
        /// Which one.
        stream: Stream,
        /// Why.
        source: io::Error,
    },
}

impl CaptureError {
    /// The underlying I/O error.
    pub fn io_error(&self) -> &io::Error {
        match self {
            CaptureError::Buffer(err)
            | CaptureError::Wait(err)
            | CaptureError::Spawn { source: err, .. }
            | CaptureError::Collect { source: err, .. } => err,
        }
    }
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::Buffer(err) => write!(f, "cannot create a capture buffer: {err}"),
            CaptureError::Spawn { program, source } => {
                write!(f, "cannot run '{}': {source}", program.to_string_lossy())
            }
            CaptureError::Wait(err) => write!(f, "cannot wait for the command: {err}"),
            CaptureError::Collect { stream, source } => {
                write!(f, "cannot read the captured {stream}: {source}")
            }
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.io_error())
    }
}
