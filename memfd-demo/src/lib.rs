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
//!    mapped (a zero-length mapping does not exist). A fallback file cannot be sealed (nor
//!    can a memfd whose command added `F_SEAL_SEAL`), so its contents are copied instead:
//!    the slice you get must not change under you, and an unsealed file could.
//!
//! # Hostile commands
//!
//! The command's stdout is a file, and the capture is what that file holds when the command
//! ends (see the README's guarantees): a command that truncates its stdout to 1 TiB without
//! writing it leaves a 1 TiB file of holes. Holes cost nothing here: of a file with holes
//! (`st_blocks` below its size), nothing is mapped while the command runs, and at the end
//! only the data ranges are populated (`SEEK_DATA`/`SEEK_HOLE`; populating a hole of a memfd
//! would allocate it); a copy reads only the data
//! ranges (`SEEK_DATA`/`SEEK_HOLE`, on a descriptor of its own so as not to move the offset
//! the command shares) into anonymous memory that costs only what is written to it; and
//! [`Captured::write_to`] sends the output to a descriptor with `sendfile(2)`, holes as
//! zeros, without mapping or allocating them. Reading the holes through the `&[u8]` does
//! allocate them, a page per page read.
//!
//! ```
//! use std::process::Command;
//!
//! // A command that makes its stdout a sparse 1 TiB.
//! let mut cmd = Command::new("truncate");
//! cmd.args(["-s", "1T", "/proc/self/fd/1"]);
//! let capture = memfd_demo::capture(&mut cmd)?;
//! assert_eq!(capture.stdout().len() as u64, 1 << 40);
//! // Copied out without touching the holes: 100 bytes of it, to a pipe whose reader stops.
//! let (mut reader, writer) = std::io::pipe()?;
//! std::thread::spawn(move || {
//!     let mut first = [1u8; 100];
//!     std::io::Read::read_exact(&mut reader, &mut first).unwrap();
//!     assert_eq!(first, [0u8; 100]);
//! });
//! let err = capture.stdout_buffer().write_to(&writer).unwrap_err();
//! assert!(err.is_broken_pipe() && err.written >= 100);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`CaptureOptions::max_len`] limits what a capture accepts; no allocation is sized by what
//! the command wrote, except address space that the kernel grants or refuses (an error,
//! never an abort).
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
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::process::{Child, Command, ExitStatus, Stdio};

use crate::debug::debug;
use crate::map::{next_data, own_descriptor, Growing, Mapping};
pub use crate::memfd::Backing;

/// Runs `cmd` to completion with its stdout and stderr captured in two memfds, and returns
/// both, sealed and mapped, with its exit status: [`CaptureOptions::capture`] with the
/// default options (no size limit, two streams).
///
/// Stdin is left as `cmd` has it (inherited unless you set it). `cmd`'s stdout and stderr
/// settings are replaced; on return they are reset to [`Stdio::inherit`], so that `cmd`
/// keeps no descriptor of the buffers.
///
/// The child never blocks on its output (there is no pipe to fill), so there is nothing to
/// drain while it runs; the capture is limited by memory only (the memfd pages count as
/// shared memory, `Shmem` in `/proc/meminfo`, and towards the memory cgroup), and by
/// [`CaptureOptions::max_len`] if you set it.
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
/// # Signals
///
/// The library changes no process-wide signal state. It needs to reap its own child: if
/// `SIGCHLD` is ignored in the process (`SIG_IGN`, inherited from a parent that set it), or
/// another thread waits for any child (`waitpid(-1, …)`), the status is lost and the
/// capture fails with [`CaptureError::Reaped`]. To forward signals to the command, use
/// [`CaptureOptions::spawn`] and [`Running::id`].
///
/// # Errors
///
/// [`CaptureError::Spawn`] if the program cannot be started (not found, not executable);
/// [`CaptureError::Buffer`], [`CaptureError::Wait`], [`CaptureError::Reaped`] or
/// [`CaptureError::Collect`] if a buffer cannot be created, the wait fails, or a buffer
/// cannot be read back; [`CaptureError::TooLarge`] never (there is no limit).
pub fn capture(cmd: &mut Command) -> Result<Capture, CaptureError> {
    CaptureOptions::new().capture(cmd)
}

/// How to capture: a size limit, and whether stderr goes with stdout.
///
/// ```
/// use std::process::Command;
/// use memfd_demo::{CaptureError, CaptureOptions};
///
/// let mut cmd = Command::new("sh");
/// cmd.args(["-c", "echo o1; echo e1 >&2; echo o2; exit 4"]);
/// let capture = CaptureOptions::new().merge(true).max_len(1 << 20).capture(&mut cmd)?;
/// assert_eq!(capture.stdout(), b"o1\ne1\no2\n");
/// assert!(capture.is_merged() && capture.stderr().is_empty());
///
/// let mut big = Command::new("head");
/// big.args(["-c", "5000", "/dev/zero"]);
/// match CaptureOptions::new().max_len(4096).capture(&mut big) {
///     Err(CaptureError::TooLarge { len, limit, status, .. }) => {
///         assert_eq!((len, limit, status.code()), (5000, 4096, Some(0)));
///     }
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), CaptureError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CaptureOptions {
    max_len: Option<u64>,
    merge: bool,
}

impl CaptureOptions {
    /// The defaults: no limit, stdout and stderr in two buffers.
    pub fn new() -> CaptureOptions {
        CaptureOptions::default()
    }

    /// Fails the capture with [`CaptureError::TooLarge`] (which still carries the command's
    /// exit status) when a stream is longer than `limit` bytes.
    ///
    /// The length is the file's size, holes included: a command that truncates its stdout
    /// to 1 TiB without writing has a 1 TiB output. The limit is checked once the command
    /// has ended: it does not stop the command from writing more, but nothing over it is
    /// mapped or copied, and nothing of it is mapped while the command runs.
    pub fn max_len(&mut self, limit: u64) -> &mut CaptureOptions {
        self.max_len = Some(limit);
        self
    }

    /// With `true`, the command's stderr goes to the same buffer as its stdout (as `2>&1`
    /// does: both descriptors share one file and its offset), so that the capture keeps the
    /// order in which the command wrote to the two. [`Capture::stdout`] then has everything,
    /// and [`Capture::stderr`] is empty. Two separate buffers cannot keep that order.
    pub fn merge(&mut self, merge: bool) -> &mut CaptureOptions {
        self.merge = merge;
        self
    }

    /// Runs `cmd` to completion, captured: [`spawn`](CaptureOptions::spawn), then
    /// [`Running::wait`]. See [`capture`] for the details.
    ///
    /// # Errors
    ///
    /// As for [`capture`], and [`CaptureError::TooLarge`] over the [limit](Self::max_len).
    pub fn capture(&self, cmd: &mut Command) -> Result<Capture, CaptureError> {
        self.spawn(cmd)?.wait()
    }

    /// Starts `cmd` with its output captured, and returns at once: the caller can learn its
    /// process id (to forward a signal to it) before waiting for it.
    ///
    /// # Errors
    ///
    /// [`CaptureError::Buffer`] or [`CaptureError::Spawn`].
    pub fn spawn(&self, cmd: &mut Command) -> Result<Running, CaptureError> {
        let names: &[&str] = if self.merge {
            &["memfd-demo:output"]
        } else {
            &["memfd-demo:stdout", "memfd-demo:stderr"]
        };
        let mut buffers = Vec::with_capacity(names.len());
        for name in names {
            buffers.push(memfd::create(name).map_err(CaptureError::Buffer)?);
        }
        // The child's ends: duplicates (close-on-exec in this process; the spawn makes them
        // the child's fds 1 and 2). Merged, both are the same file and share its offset.
        let child_out = buffers[0].0.try_clone().map_err(CaptureError::Buffer)?;
        let child_err = buffers[buffers.len() - 1]
            .0
            .try_clone()
            .map_err(CaptureError::Buffer)?;
        cmd.stdout(child_out).stderr(child_err);
        let spawned = cmd.spawn();
        // A `Command` keeps its `Stdio`s until they are replaced: close our copies of the
        // child's ends now, whatever happened, so that nothing of ours keeps a writable
        // descriptor of the buffers.
        cmd.stdout(Stdio::inherit()).stderr(Stdio::inherit());
        let program = cmd.get_program().to_owned();
        let child = spawned.map_err(|source| CaptureError::Spawn {
            program: program.clone(),
            source,
        })?;
        // While it runs, the mapper thread maps what it has written so far (memfds only: the
        // others are copied).
        let mut backings = Vec::with_capacity(buffers.len());
        let streams = buffers
            .into_iter()
            .map(|(file, backing)| {
                let growing = Growing::new(backing.is_memfd(), self.max_len);
                backings.push(backing);
                (file, growing)
            })
            .collect();
        Ok(Running {
            child,
            watched: mapper::watch(streams),
            backings,
            program,
            max_len: self.max_len,
        })
    }
}

/// A command started by [`CaptureOptions::spawn`], its output being captured.
///
/// Dropping it without [`wait`](Running::wait) leaves the command running (like dropping a
/// [`Child`]) and closes the buffers.
pub struct Running {
    child: Child,
    watched: mapper::Watched,
    backings: Vec<Backing>,
    program: OsString,
    max_len: Option<u64>,
}

impl Running {
    /// The command's process id (valid until [`wait`](Running::wait) reaps it).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the command to exit, then seals and maps what it wrote.
    ///
    /// # Errors
    ///
    /// [`CaptureError::Wait`] or [`CaptureError::Reaped`] if its status cannot be had;
    /// [`CaptureError::TooLarge`] over the limit; [`CaptureError::Collect`] if a buffer
    /// cannot be read back.
    pub fn wait(self) -> Result<Capture, CaptureError> {
        let Running {
            mut child,
            watched,
            backings,
            program,
            max_len,
        } = self;
        let status = child.wait();
        let streams = watched.finish();
        let status = match status {
            Ok(status) => status,
            Err(err) if err.raw_os_error() == Some(libc::ECHILD) => {
                return Err(CaptureError::Reaped { program })
            }
            Err(err) => return Err(CaptureError::Wait(err)),
        };
        debug!("{program:?} ended: {status}");
        let merged = streams.len() == 1;
        let mut captured = Vec::with_capacity(streams.len());
        for (((file, growing), backing), stream) in streams
            .into_iter()
            .zip(backings)
            .zip([Stream::Stdout, Stream::Stderr])
        {
            let limit = Limit { max_len, status };
            captured.push(Captured::finish(file, backing, growing, stream, limit)?);
        }
        let stderr = if merged { None } else { captured.pop() };
        let stdout = captured.pop().ok_or_else(|| CaptureError::Collect {
            stream: Stream::Stdout,
            source: io::Error::other("no buffer"),
        })?;
        Ok(Capture {
            status,
            stdout,
            stderr,
        })
    }
}

impl fmt::Debug for Running {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Running")
            .field("id", &self.id())
            .field("program", &self.program)
            .field("backings", &self.backings)
            .finish_non_exhaustive()
    }
}

/// The size limit a buffer is checked against, and the status to report with it.
#[derive(Clone, Copy)]
struct Limit {
    max_len: Option<u64>,
    status: ExitStatus,
}

/// A finished command's exit status and captured output (see [`capture`]).
#[derive(Debug)]
pub struct Capture {
    status: ExitStatus,
    stdout: Captured,
    /// `None` when merged into stdout.
    stderr: Option<Captured>,
}

impl Capture {
    /// Runs `cmd` to completion with its stderr and stdout captured together, in the order
    /// it wrote them: [`CaptureOptions::merge`].
    ///
    /// ```
    /// # use std::process::Command;
    /// let mut cmd = Command::new("sh");
    /// cmd.args(["-c", "echo o1; echo e1 >&2; echo o2; echo e2 >&2"]);
    /// let capture = memfd_demo::Capture::merged(&mut cmd)?;
    /// assert_eq!(capture.stdout(), b"o1\ne1\no2\ne2\n");
    /// # Ok::<(), memfd_demo::CaptureError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`capture`].
    pub fn merged(cmd: &mut Command) -> Result<Capture, CaptureError> {
        CaptureOptions::new().merge(true).capture(cmd)
    }

    /// Everything the command wrote to its stdout (and to its stderr, when
    /// [merged](Capture::is_merged)).
    ///
    /// The slice is the file's length, holes included: a command that truncated its stdout
    /// to a large size without writing gives a slice of that size, whose holes read as
    /// zeros. Its pages are mapped when first read, and reading a hole allocates a page for
    /// it; [`Captured::write_to`] copies the output without reading the holes.
    pub fn stdout(&self) -> &[u8] {
        self.stdout.as_bytes()
    }

    /// Everything the command wrote to its stderr; empty when
    /// [merged](Capture::is_merged).
    pub fn stderr(&self) -> &[u8] {
        self.stderr.as_ref().map_or(&[], Captured::as_bytes)
    }

    /// Whether stderr was captured with stdout ([`CaptureOptions::merge`]).
    pub fn is_merged(&self) -> bool {
        self.stderr.is_none()
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

    /// The buffer holding stderr (`None` when [merged](Capture::is_merged)).
    pub fn stderr_buffer(&self) -> Option<&Captured> {
        self.stderr.as_ref()
    }

    /// The status and the buffers, to keep one and drop the other.
    pub fn into_parts(self) -> (ExitStatus, Captured, Option<Captured>) {
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
    /// A copy, for buffers that could not be sealed: anonymous memory in which only what
    /// the file had data for was written (its holes are the zero page).
    Copied(Mapping),
}

impl Captured {
    /// Seals `file` (a memfd) and maps it (what `growing` mapped while the command ran, and
    /// the rest), or copies it if it cannot be sealed.
    fn finish(
        file: File,
        backing: Backing,
        growing: Growing,
        stream: Stream,
        limit: Limit,
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
        let meta = file.metadata().map_err(collect)?;
        let len = meta.len();
        if let Some(max_len) = limit.max_len.filter(|&max| len > max) {
            return Err(CaptureError::TooLarge {
                stream,
                len,
                limit: max_len,
                status: limit.status,
            });
        }
        // No holes: every byte up to the size has memory. (A command that truncated or
        // seeked its stdout beyond what it wrote left holes, which must not be populated.)
        let dense = meta.blocks().saturating_mul(512) >= len;
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
                Data::Mapped(unsafe { growing.finish(&file, len, dense) }.map_err(collect)?)
            } else {
                Data::Copied(copy_data(&file, len as u64).map_err(collect)?)
            }
        };
        debug!(
            "{stream}: {len} bytes in {backing:?}, {}{}{}",
            match (&data, sealed) {
                (Data::Empty, true) => "sealed, empty",
                (Data::Empty, false) => "empty",
                (Data::Mapped(_), _) => "sealed and mapped",
                (Data::Copied(_), _) => "not sealed: copied",
            },
            match &data {
                Data::Mapped(_) if early > 0 => format!(" ({early} bytes while it ran)"),
                _ => String::new(),
            },
            if dense {
                ""
            } else {
                " (sparse: its holes are neither populated nor copied)"
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
            Data::Copied(copy) => copy.as_slice(),
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

    /// Writes the captured bytes to `out` (a file, pipe, socket, terminal…), without
    /// mapping or reading them into this process where the kernel can copy them itself:
    /// from a sealed memfd with `sendfile(2)` (holes are sent as zeros without being
    /// allocated), or, where `out` does not take that (`EINVAL`, e.g. `O_APPEND`), through a
    /// 64 KiB buffer with `pread`/`write`. A copy ([`is_mapped`](Captured::is_mapped) false)
    /// is written from the copy.
    ///
    /// Returns the number of bytes written: all of them, or an error.
    ///
    /// # Errors
    ///
    /// The first write error (`EPIPE` for a pipe whose reader is gone, `ENOSPC`…); the
    /// error says how many bytes had been written before it, in [`ReplayError::written`].
    pub fn write_to(&self, out: impl AsFd) -> Result<u64, ReplayError> {
        let out = out.as_fd();
        let total = self.len() as u64;
        let mut written = 0u64;
        let failed = |written, source| ReplayError {
            written,
            total,
            source,
        };
        if let Data::Copied(_) = self.data {
            return match write_all(out, self.as_bytes(), &mut written) {
                Ok(()) => Ok(written),
                Err(err) => Err(failed(written, err)),
            };
        }
        while written < total {
            match send(out, &self.file, written, total - written) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) if is_unsupported(&err) => break,
                Err(err) => return Err(failed(written, err)),
            }
        }
        // Whatever sendfile did not take: through a buffer.
        let mut buffer = Vec::new();
        let mut chunk = 0usize;
        if written < total {
            chunk = REPLAY_CHUNK.min(total - written) as usize;
            buffer
                .try_reserve_exact(chunk)
                .map_err(|_| failed(written, io::ErrorKind::OutOfMemory.into()))?;
            buffer.resize(chunk, 0);
        }
        while written < total {
            let n = chunk.min((total - written) as usize);
            let got = match self.file.read_at(&mut buffer[..n], written) {
                Ok(0) => break,
                Ok(got) => got,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(failed(written, err)),
            };
            write_all(out, &buffer[..got], &mut written).map_err(|e| failed(written, e))?;
        }
        Ok(written)
    }
}

/// The buffer size of [`Captured::write_to`] where `sendfile` cannot be used, and the most
/// it asks `sendfile` for at once.
const REPLAY_CHUNK: u64 = 64 << 10;

/// Whether `sendfile` refused the pair of files (rather than failed to write).
fn is_unsupported(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
    )
}

/// One `sendfile(out, file, offset, count)`, at most 1 GiB.
fn send(out: BorrowedFd<'_>, file: &File, offset: u64, count: u64) -> io::Result<usize> {
    let Ok(mut off) = libc::off_t::try_from(offset) else {
        // Beyond this target's off_t: the buffer path reads it with pread64.
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    };
    let count = count.min(1 << 30) as usize;
    // SAFETY: both descriptors are live for the call; `off` is a live, writable off_t.
    let n = unsafe { libc::sendfile(out.as_raw_fd(), file.as_raw_fd(), &mut off, count) };
    usize::try_from(n).map_err(|_| io::Error::last_os_error())
}

/// `write_all` to a borrowed descriptor, counting what was written.
fn write_all(out: BorrowedFd<'_>, mut bytes: &[u8], written: &mut u64) -> io::Result<()> {
    // SAFETY: the `File` only borrows the descriptor: ManuallyDrop never closes it.
    let mut file = ManuallyDrop::new(unsafe { File::from_raw_fd(out.as_raw_fd()) });
    while !bytes.is_empty() {
        match file.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                bytes = &bytes[n..];
                *written += n as u64;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Why [`Captured::write_to`] stopped.
#[derive(Debug)]
pub struct ReplayError {
    /// How many bytes were written before the error.
    pub written: u64,
    /// How many there were to write.
    pub total: u64,
    /// The error.
    pub source: io::Error,
}

impl ReplayError {
    /// Whether the reader went away (`EPIPE`): it wanted no more, so nothing it would have
    /// read was lost (`| head` does this).
    pub fn is_broken_pipe(&self) -> bool {
        self.source.kind() == io::ErrorKind::BrokenPipe
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} after {} of {} bytes",
            self.source, self.written, self.total
        )
    }
}

impl std::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
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

/// A copy of the first `len` bytes of `file` (an unsealed buffer, which someone may still
/// be changing; fewer bytes if it shrank meanwhile), in anonymous memory that costs only what
/// the file has data in: only its data ranges are read (`SEEK_DATA`/`SEEK_HOLE`, through a
/// descriptor of our own so as not to move the offset the command shares), and only the
/// pages that are not all zeros are written.
///
/// No allocation here depends on what the command did except the copy's address space,
/// which the kernel grants or refuses (`ENOMEM`, an error, never an abort).
fn copy_data(file: &File, len: u64) -> io::Result<Mapping> {
    let too_large = || {
        io::Error::new(
            io::ErrorKind::OutOfMemory,
            format!("{len} bytes do not fit in this process's address space"),
        )
    };
    let size = usize::try_from(len).map_err(|_| too_large())?;
    let mut copy = Mapping::anonymous(size).map_err(|err| match err.raw_os_error() {
        Some(libc::ENOMEM) => too_large(),
        _ => err,
    })?;
    let mut buffer = Vec::new();
    buffer
        .try_reserve_exact(REPLAY_CHUNK as usize)
        .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
    buffer.resize(REPLAY_CHUNK as usize, 0);
    let seeker = own_descriptor(file);
    let target = copy.as_mut_slice();
    let mut pos = 0u64;
    let mut end_of_file = len;
    'ranges: while pos < end_of_file {
        let (start, end) = match &seeker {
            Some(seeker) => match next_data(seeker, pos) {
                Some((start, end)) => (start, end.min(end_of_file)),
                None => break,
            },
            None => (pos, end_of_file),
        };
        let mut at = start;
        while at < end {
            let n = REPLAY_CHUNK.min(end - at) as usize;
            let got = match file.read_at(&mut buffer[..n], at) {
                Ok(0) => {
                    // It shrank: the copy ends here.
                    end_of_file = at;
                    break 'ranges;
                }
                Ok(got) => got,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            // Only what is not zero: the rest of the copy is zero already, and untouched
            // costs nothing.
            let offset = at as usize;
            for (i, page) in buffer[..got].chunks(4096).enumerate() {
                if page.iter().any(|&b| b != 0) {
                    let from = offset + i * 4096;
                    target[from..from + page.len()].copy_from_slice(page);
                }
            }
            at += got as u64;
        }
        pos = end.max(pos + 1);
    }
    copy.truncate(usize::try_from(end_of_file.min(len)).unwrap_or(size));
    copy.seal_read_only();
    Ok(copy)
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
    /// The command was reaped by someone else (`ECHILD`): its exit status is lost. This
    /// happens when `SIGCHLD` is ignored in this process (`SIG_IGN`, which the kernel takes
    /// as "reap my children for me"; a daemon's children often inherit it), or when another
    /// thread waits for any child. Set `SIGCHLD` to its default before capturing.
    Reaped {
        /// The program, as given to the `Command`.
        program: OsString,
    },
    /// A stream was longer than [`CaptureOptions::max_len`]. The command ran to its end.
    TooLarge {
        /// Which one (the first found over the limit).
        stream: Stream,
        /// Its length in bytes.
        len: u64,
        /// The limit.
        limit: u64,
        /// How the command ended.
        status: ExitStatus,
    },
    /// A buffer could not be read back (`fstat`, `mmap` or `read` failed).
    Collect {
        /// Which one.
        stream: Stream,
        /// Why.
        source: io::Error,
    },
}

impl CaptureError {
    /// The underlying I/O error, if there is one.
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            CaptureError::Buffer(err)
            | CaptureError::Wait(err)
            | CaptureError::Spawn { source: err, .. }
            | CaptureError::Collect { source: err, .. } => Some(err),
            CaptureError::Reaped { .. } | CaptureError::TooLarge { .. } => None,
        }
    }

    /// How the command ended, where the error still knows it ([`CaptureError::TooLarge`]).
    pub fn status(&self) -> Option<ExitStatus> {
        match self {
            CaptureError::TooLarge { status, .. } => Some(*status),
            _ => None,
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
            CaptureError::Reaped { program } => write!(
                f,
                "'{}' was reaped elsewhere, its exit status is lost (is SIGCHLD ignored in \
                 this process, or does another thread wait for any child?)",
                program.to_string_lossy()
            ),
            CaptureError::TooLarge {
                stream,
                len,
                limit,
                status,
            } => write!(
                f,
                "the command's {stream} is {len} bytes, more than the limit of {limit} \
                 (the command {})",
                describe(*status)
            ),
            CaptureError::Collect { stream, source } => {
                write!(f, "cannot read the captured {stream}: {source}")
            }
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.io_error().map(|err| err as _)
    }
}

/// "exited with status N" or "was killed by signal N".
fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        (None, None) => format!("ended: {status}"),
    }
}
