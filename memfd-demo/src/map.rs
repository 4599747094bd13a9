//! A read-only mapping of a sealed memfd: its pages, shown as `&[u8]` without copying; and
//! the same mapping made while the command is still writing ([`Growing`]).

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use crate::debug::debug;

/// `len` bytes of a file mapped read-only and private, or of anonymous memory; unmapped on
/// drop.
///
/// A file mapping is only ever made of a file sealed with
/// [`CAPTURE_SEALS`](crate::memfd::CAPTURE_SEALS), which is what makes the slice sound:
/// nobody can write the pages or shrink the file under it. An anonymous one (a copy) is
/// ours alone, written only through `&mut self`.
pub(crate) struct Mapping {
    ptr: NonNull<u8>,
    /// The bytes shown (at most `map_len`).
    len: usize,
    /// The size of the mapping, unmapped on drop.
    map_len: usize,
    /// Whether it is writable (an anonymous mapping being filled in).
    writable: bool,
}

// SAFETY: the mapping is memory whose contents cannot change behind our back (the file is
// sealed against writes and resizing; an anonymous copy is written through `&mut self`
// only); sharing or sending it between threads is like sharing a `Box<[u8]>`.
unsafe impl Send for Mapping {}
// SAFETY: as above; `&Mapping` only gives out `&[u8]`.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Maps the first `len` bytes of `file` (`len > 0`).
    ///
    /// `MAP_PRIVATE` + `PROT_READ`: the pages are the memfd's own page-cache pages (no copy,
    /// no new memory), and a write-sealed memfd accepts such a mapping where it would refuse a
    /// shared one with a writable descriptor. With `populate`, `MAP_POPULATE` maps them all in
    /// one call instead of one page fault per 64 KiB (fault-around) while the reader walks
    /// them; without, nothing is mapped before it is read. A file with holes is mapped
    /// without: populating a hole of a memfd allocates a page for it.
    ///
    /// # Safety
    ///
    /// `file` must be a memfd sealed with at least `F_SEAL_WRITE | F_SEAL_SHRINK` whose size
    /// is at least `len`: then no page of the mapping can change or disappear while it lives,
    /// which [`Mapping::as_slice`] relies on.
    pub(crate) unsafe fn new(file: &File, len: usize, populate: bool) -> io::Result<Mapping> {
        debug_assert!(len > 0);
        let populate = if populate { libc::MAP_POPULATE } else { 0 };
        // SAFETY: a fresh mapping chosen by the kernel (no address hint), so no existing
        // memory is replaced; `file`'s descriptor is live for the call.
        let addr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE | populate,
                file.as_raw_fd(),
                0,
            )
        };
        Mapping::made(addr, len)
    }

    /// `len` bytes (`len > 0`) of fresh anonymous memory, zero, readable and writable, that
    /// costs nothing until written: `MAP_NORESERVE`, so that a large buffer with little in it
    /// (the copy of a sparse file) is not refused by the kernel's overcommit heuristic; a
    /// page that is only read stays the shared zero page.
    pub(crate) fn anonymous(len: usize) -> io::Result<Mapping> {
        debug_assert!(len > 0);
        // SAFETY: a fresh mapping chosen by the kernel (no address hint, no file), so no
        // existing memory is replaced.
        let addr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        let mut mapping = Mapping::made(addr, len)?;
        mapping.writable = true;
        Ok(mapping)
    }

    /// The mapping `mmap` returned (or its error).
    fn made(addr: *mut libc::c_void, len: usize) -> io::Result<Mapping> {
        if addr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        match NonNull::new(addr.cast::<u8>()) {
            Some(ptr) => Ok(Mapping {
                ptr,
                len,
                map_len: len,
                writable: false,
            }),
            // mmap never maps page 0 without MAP_FIXED; if it did, we could not use it as a
            // slice and would leak it rather than guess.
            None => Err(io::Error::other("mmap returned address 0")),
        }
    }

    /// The whole of an [`anonymous`](Mapping::anonymous) mapping, to fill in (empty for a
    /// read-only one).
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        let len = if self.writable { self.map_len } else { 0 };
        // SAFETY: a writable mapping is an anonymous one, ours alone, of `map_len` bytes from
        // `ptr`, borrowed mutably through `self`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), len) }
    }

    /// Shows only the first `len` bytes (at most the mapping's size): for a copy that ended
    /// early.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.len = len.min(self.map_len);
    }

    /// Makes the mapping read-only (best effort: it is only ever read after this anyway).
    pub(crate) fn seal_read_only(&mut self) {
        // SAFETY: `ptr`/`map_len` are exactly our mapping; PROT_READ takes nothing away that
        // a borrow relies on (there is none: this takes `&mut self`).
        unsafe { libc::mprotect(self.ptr.as_ptr().cast(), self.map_len, libc::PROT_READ) };
        self.writable = false;
    }

    /// The mapped bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        // SAFETY: `ptr` is the start of a live read-only mapping of `len` bytes (it lives until
        // `self` is dropped, which the borrow prevents), and by the contract of `new` the
        // file behind it is sealed, so the bytes cannot change or go away while borrowed.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are exactly the mapping made in `new`, which nothing else
        // unmaps, and no borrow of it outlives `self`.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.map_len) };
    }
}

/// The page size (`sysconf(_SC_PAGESIZE)`), read once; `None` if it cannot be had, in which
/// case nothing is mapped while the command runs.
fn page_size() -> Option<usize> {
    static PAGE: OnceLock<Option<usize>> = OnceLock::new();
    *PAGE.get_or_init(|| {
        // SAFETY: sysconf has no preconditions and touches no memory of ours.
        let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(size).ok().filter(|s| s.is_power_of_two())
    })
}

/// Whether `MADV_POPULATE_READ` (Linux 5.14) was refused once: then [`Growing`] does nothing
/// for the rest of the process, and every capture is mapped after its command ends.
static NO_POPULATE_READ: AtomicBool = AtomicBool::new(false);

/// How much a [`Growing`] mapping must have to catch up on before it maps more (64 pages:
/// ~35 µs of mapping for one `madvise`); outputs below it are mapped at the end.
const STEP: usize = 256 << 10;

/// The least address space a [`Growing`] mapping reserves (it reserves twice what it maps).
const MIN_RESERVE: usize = 8 << 20;

/// A read-only mapping of a memfd that the command is still writing: every so often (see
/// [`crate::mapper`]) [`advance`](Growing::advance) maps the pages written so far, so that
/// mapping the output (~0.5 µs a page) happens on our otherwise idle CPU while the command
/// writes, instead of after it; [`finish`](Growing::finish), once the memfd is sealed, maps
/// what is left and trims the mapping to the final size.
///
/// The mapping reserves address space beyond the end of the file, so that it can grow in
/// place, or move with `mremap` (which moves the page tables, not the pages) when it cannot;
/// only whole pages below the file's current size are ever populated, and with
/// `MADV_POPULATE_READ`, which reports a page beyond the end (a command that shrank its
/// output) as an error instead of raising `SIGBUS`. Nothing reads the mapping before the
/// memfd is sealed: until then the command may still change or drop any of its pages (the
/// kernel then unmaps them from us too).
pub(crate) struct Growing {
    /// The mapping, `None` before the first step (and after giving up).
    ptr: Option<NonNull<u8>>,
    /// Its size in bytes (whole pages), past the file's end.
    reserved: usize,
    /// How many bytes from its start are populated (whole pages, at most `reserved`).
    populated: usize,
    /// Whether to map nothing more (not a memfd; no page size; a failed `mmap`/`mremap`).
    stopped: bool,
    /// The largest output worth mapping early ([`CaptureOptions::max_len`]).
    ///
    /// [`CaptureOptions::max_len`]: crate::CaptureOptions::max_len
    limit: u64,
}

// SAFETY: the mapping is only reached through `&mut self` (advance, finish, drop), and a
// mapping may be used and unmapped from any thread.
unsafe impl Send for Growing {}

impl Growing {
    /// A mapping that maps nothing yet; with `enabled` false, it never will (and
    /// [`finish`](Growing::finish) maps the whole file at once, as [`Mapping::new`] does).
    /// Outputs over `limit` bytes are not mapped early (their capture fails).
    pub(crate) fn new(enabled: bool, limit: Option<u64>) -> Growing {
        Growing {
            ptr: None,
            reserved: 0,
            populated: 0,
            stopped: !enabled || page_size().is_none() || NO_POPULATE_READ.load(Ordering::Relaxed),
            limit: limit.unwrap_or(u64::MAX),
        }
    }

    /// Whether [`advance`](Growing::advance) may still map anything.
    pub(crate) fn can_grow(&self) -> bool {
        !self.stopped
    }

    /// How many bytes from the start are mapped and populated.
    pub(crate) fn populated(&self) -> usize {
        self.populated
    }

    /// Maps and populates the whole pages of the first `size` bytes of `file` that are not
    /// mapped yet, if there are at least [`STEP`] of them; returns whether it did.
    ///
    /// `allocated` is how much memory the file has (`st_blocks`): when it is less than its
    /// size, the file has holes (the command truncated or seeked it to a larger size), and
    /// nothing more is mapped while it runs, since populating a hole allocates it.
    ///
    /// Best effort: an error only means that less is mapped now (and more at the end).
    pub(crate) fn advance(&mut self, file: &File, size: u64, allocated: u64) -> bool {
        let Some(page) = page_size().filter(|_| !self.stopped) else {
            return false;
        };
        if size > self.limit || allocated < size {
            return false;
        }
        let whole = usize::try_from(size).unwrap_or(usize::MAX) & !(page - 1);
        if whole < self.populated.saturating_add(STEP) {
            return false;
        }
        if whole > self.reserved {
            let reserve = whole.saturating_mul(2).max(MIN_RESERVE) & !(page - 1);
            if self.reserve(file, reserve).is_err() {
                self.stop();
                return false;
            }
        }
        let Some(ptr) = self.ptr else {
            return false;
        };
        // SAFETY: `populated..whole` lies within the mapping (`whole <= reserved`), which we
        // own; MADV_POPULATE_READ only faults pages in (it never writes), and fails with an
        // error rather than a signal where the file has no page.
        let start = unsafe { ptr.as_ptr().add(self.populated) };
        // SAFETY: as above.
        let done = unsafe {
            libc::madvise(
                start.cast(),
                whole - self.populated,
                libc::MADV_POPULATE_READ,
            )
        };
        if done == 0 {
            self.populated = whole;
            return true;
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::EINVAL) {
            // Before Linux 5.14: no MADV_POPULATE_READ, and no point trying again.
            debug!(
                "MADV_POPULATE_READ refused ({err}): outputs are mapped after their command ends"
            );
            NO_POPULATE_READ.store(true, Ordering::Relaxed);
            self.stop();
        }
        // Otherwise (EFAULT: the command shrank its output; EINTR, ENOMEM, EAGAIN): try again
        // at the next step.
        false
    }

    /// Makes the mapping `reserve` bytes long (a page multiple), mapping it first if need be.
    fn reserve(&mut self, file: &File, reserve: usize) -> io::Result<()> {
        let addr = match self.ptr {
            // SAFETY: a fresh mapping chosen by the kernel (no address hint), so no existing
            // memory is replaced; `file`'s descriptor is live for the call. Mapping past the
            // end of a file is allowed (only touching those pages is not).
            None => unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    reserve,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    file.as_raw_fd(),
                    0,
                )
            },
            // SAFETY: `ptr`/`reserved` are exactly our mapping; MREMAP_MAYMOVE lets the
            // kernel move it to free address space (never over another mapping), and nothing
            // holds a pointer into it (nothing reads it before `finish`).
            Some(ptr) => unsafe {
                libc::mremap(
                    ptr.as_ptr().cast(),
                    self.reserved,
                    reserve,
                    libc::MREMAP_MAYMOVE,
                )
            },
        };
        if addr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        match NonNull::new(addr.cast::<u8>()) {
            Some(ptr) => {
                self.ptr = Some(ptr);
                self.reserved = reserve;
                self.populated = self.populated.min(reserve);
                Ok(())
            }
            None => Err(io::Error::other("mmap returned address 0")),
        }
    }

    /// Unmaps what is mapped and maps nothing more.
    fn stop(&mut self) {
        self.unmap();
        self.stopped = true;
    }

    fn unmap(&mut self) {
        if let Some(ptr) = self.ptr.take() {
            // SAFETY: `ptr`/`reserved` are exactly our mapping, which nothing else unmaps
            // and nothing reads (it is never handed out before `finish`).
            unsafe { libc::munmap(ptr.as_ptr().cast(), self.reserved) };
        }
        self.reserved = 0;
        self.populated = 0;
    }

    /// The final mapping of the first `len` bytes of `file` (`len > 0`): what is mapped
    /// already, trimmed (or grown) to `len` and, if `dense` (the file has no holes),
    /// populated to the end, or, if nothing is, [`Mapping::new`].
    ///
    /// # Safety
    ///
    /// As for [`Mapping::new`]: `file` must be the file this mapping was made of (if any),
    /// sealed with at least `F_SEAL_WRITE | F_SEAL_SHRINK`, and its size at least `len`.
    pub(crate) unsafe fn finish(
        mut self,
        file: &File,
        len: usize,
        dense: bool,
    ) -> io::Result<Mapping> {
        debug_assert!(len > 0);
        let (Some(page), Some(_)) = (page_size(), self.ptr) else {
            self.unmap();
            // SAFETY: the caller's contract is that of `Mapping::new`.
            return unsafe { Mapping::new(file, len, dense) };
        };
        let Some(size) = len.checked_next_multiple_of(page) else {
            self.unmap();
            // SAFETY: as above.
            return unsafe { Mapping::new(file, len, dense) };
        };
        if size != self.reserved && self.reserve(file, size).is_err() {
            self.unmap();
            // SAFETY: as above.
            return unsafe { Mapping::new(file, len, dense) };
        }
        let Some(ptr) = self.ptr.take() else {
            // SAFETY: as above.
            return unsafe { Mapping::new(file, len, dense) };
        };
        if !dense {
            // SAFETY: the mapping is `size` bytes of the sealed `file`, whose size is at
            // least `len`.
            unsafe { populate_data(ptr, self.populated, size.min(len), file) };
        } else if self.populated < size {
            // SAFETY: `populated..size` lies within the mapping; the file is sealed and at
            // least `len` long, so every page of it exists. A failure (ENOMEM) only leaves
            // pages to be faulted in when read.
            unsafe {
                libc::madvise(
                    ptr.as_ptr().add(self.populated).cast(),
                    size - self.populated,
                    libc::MADV_POPULATE_READ,
                )
            };
        }
        Ok(Mapping {
            ptr,
            len,
            map_len: size,
            writable: false,
        })
    }
}

impl Drop for Growing {
    fn drop(&mut self) {
        self.unmap();
    }
}

/// The most data ranges of a sparse file that are populated at the end; beyond, pages are
/// mapped when first read (a command that alternates data and holes page by page must not
/// make us walk millions of ranges).
const MAX_RANGES: usize = 1024;

/// Populates the data ranges of `file` (sealed) between `from` and `to` in the mapping at
/// `ptr` (a mapping of the file from offset 0), and none of its holes.
///
/// # Safety
///
/// `ptr` must map `file` from offset 0 for at least `to` bytes rounded up to a page, and
/// the file be sealed against shrinking and at least `to` bytes long.
unsafe fn populate_data(ptr: NonNull<u8>, from: usize, to: usize, file: &File) {
    let (Some(page), Some(seeker)) = (page_size(), own_descriptor(file)) else {
        return;
    };
    let mut pos = from as u64;
    for _ in 0..MAX_RANGES {
        let Some((start, end)) = next_data(&seeker, pos).filter(|&(start, _)| start < to as u64)
        else {
            return;
        };
        let start = (start as usize) & !(page - 1);
        let end = end.min(to as u64) as usize;
        if end > start {
            // SAFETY: `start..end` lies within the mapping (the caller's promise), over data
            // of the sealed file; MADV_POPULATE_READ only faults pages in.
            unsafe {
                libc::madvise(
                    ptr.as_ptr().add(start).cast(),
                    end - start,
                    libc::MADV_POPULATE_READ,
                )
            };
        }
        pos = (end as u64).max(pos + 1);
    }
}

/// A read-only descriptor of `file` with an offset of its own (reopened through
/// `/proc/self/fd`), for `SEEK_DATA`/`SEEK_HOLE`; `None` where that cannot be done.
pub(crate) fn own_descriptor(file: &File) -> Option<File> {
    let path = format!("/proc/self/fd/{}", file.as_raw_fd());
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_CLOEXEC)
        .open(path)
        .map_err(|err| debug!("cannot reopen a buffer to find its holes ({err}): reading it all"))
        .ok()
}

/// The next range of data at or after `from`: (start, end), `end` being the next hole (or
/// the end of the file); `None` past the last data. A file system without `SEEK_DATA`
/// gives everything from `from` as data.
pub(crate) fn next_data(seeker: &File, from: u64) -> Option<(u64, u64)> {
    let start = match seek(seeker, from, libc::SEEK_DATA) {
        Ok(start) => start,
        Err(err) if err.raw_os_error() == Some(libc::ENXIO) => return None,
        Err(_) => return Some((from, u64::MAX)),
    };
    let end = seek(seeker, start, libc::SEEK_HOLE).unwrap_or(u64::MAX);
    Some((start, end))
}

/// `lseek(file, offset, whence)` with 64-bit offsets.
fn seek(file: &File, offset: u64, whence: libc::c_int) -> io::Result<u64> {
    let offset =
        libc::off64_t::try_from(offset).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: lseek touches no memory; the descriptor is live.
    let at = unsafe { libc::lseek64(file.as_raw_fd(), offset, whence) };
    u64::try_from(at).map_err(|_| io::Error::last_os_error())
}
