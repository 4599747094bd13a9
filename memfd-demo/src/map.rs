//! A read-only mapping of a sealed memfd: its pages, shown as `&[u8]` without copying.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::ptr::NonNull;

/// `len` bytes of a file mapped read-only and private; unmapped on drop.
///
/// Only ever made of a file sealed with [`CAPTURE_SEALS`](crate::memfd::CAPTURE_SEALS), which
/// is what makes the slice sound: nobody can write the pages or shrink the file under it.
pub(crate) struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the mapping is read-only memory whose contents cannot change (the file is sealed
// against writes and resizing); sharing or sending it between threads is like sharing a
// `&'static [u8]`.
unsafe impl Send for Mapping {}
// SAFETY: as above; `&Mapping` only gives out `&[u8]`.
unsafe impl Sync for Mapping {}

impl Mapping {
    /// Maps the first `len` bytes of `file` (`len > 0`).
    ///
    /// `MAP_PRIVATE` + `PROT_READ`: the pages are the memfd's own page-cache pages (no copy,
    /// no new memory), and a write-sealed memfd accepts such a mapping where it would refuse a
    /// shared one with a writable descriptor. `MAP_POPULATE` maps them all in one call instead
    /// of one page fault per 64 KiB (fault-around) while the reader walks them.
    ///
    /// # Safety
    ///
    /// `file` must be a memfd sealed with at least `F_SEAL_WRITE | F_SEAL_SHRINK` whose size
    /// is at least `len`: then no page of the mapping can change or disappear while it lives,
    /// which [`Mapping::as_slice`] relies on.
    pub(crate) unsafe fn new(file: &File, len: usize) -> io::Result<Mapping> {
        debug_assert!(len > 0);
        // SAFETY: a fresh mapping chosen by the kernel (no address hint), so no existing
        // memory is replaced; `file`'s descriptor is live for the call.
        let addr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_POPULATE,
                file.as_raw_fd(),
                0,
            )
        };
        if addr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        match NonNull::new(addr.cast::<u8>()) {
            Some(ptr) => Ok(Mapping { ptr, len }),
            // mmap never maps page 0 without MAP_FIXED; if it did, we could not use it as a
            // slice and would leak it rather than guess.
            None => Err(io::Error::other("mmap returned address 0")),
        }
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
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}
