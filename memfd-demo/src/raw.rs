//! The original C program's sequence, syscall by syscall, every one through
//! [`syscalls_sys::syscall!`] with the native ABI's number — no C library wrapper:
//!
//! `memfd_create` → `fork` (or `clone(SIGCHLD)`) → in the child `dup2` (or `dup3`) onto
//! stdout and `execve` → in the parent `wait4` (or `waitid`) → `lseek` (or `_llseek`) back to
//! the start → `read` until end of file → `close`.
//!
//! Which of the alternatives is used is decided by the generated table of the native ABI
//! while compiling ([`NATIVE`]`.syscall_number("fork")`…): aarch64, riscv, loongarch, csky, hexagon
//! and xtensa have no `fork`; the same ABIs but xtensa have no `dup2`; riscv32 and loongarch32
//! have neither `wait4` nor `lseek`. Both branches are compiled everywhere, so every target
//! type-checks all of them.
//!
//! Unlike the original, it reads the whole output (not at most `BUFSIZ` bytes), retries
//! syscalls interrupted by a signal (`EINTR`), checks every result, opens the memfd
//! close-on-exec, and reports a child killed by a signal as such.

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_char;
use std::os::unix::ffi::OsStringExt;

use syscalls_sys::uapi::MFD_CLOEXEC;
use syscalls_sys::{
    syscall, syscall_raw, Errno, SYS_clone, SYS_close, SYS_dup3, SYS_execve, SYS_exit_group,
    SYS_getpid, SYS_memfd_create, SYS_read, SYS_waitid, SYS_write, NATIVE,
};

use crate::memfd::{either, SYS_FCNTL};

/// `fork`, where the native ABI has it.
const SYS_FORK: Option<usize> = NATIVE.syscall_number("fork");
/// `dup2`, where the native ABI has it (else `dup3` with no flags).
const SYS_DUP2: Option<usize> = NATIVE.syscall_number("dup2");
/// `wait4`, where the native ABI has it (else `waitid`).
const SYS_WAIT4: Option<usize> = NATIVE.syscall_number("wait4");
/// `lseek`, where the native ABI has it.
const SYS_LSEEK: Option<usize> = NATIVE.syscall_number("lseek");
/// `_llseek` (or the generic 32-bit ABIs' `llseek`): for ABIs without `lseek`.
const SYS_LLSEEK: Option<usize> = either(
    NATIVE.syscall_number("_llseek"),
    NATIVE.syscall_number("llseek"),
);

/// The exit status of a child whose `dup2` or `execve` failed: the shells' "command not
/// found or not executable" (a convention of `sh`, not a kernel number).
const EXEC_FAILED: i32 = 127;

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawStatus {
    /// It exited with this status (0–255).
    Exited(i32),
    /// It was killed by this signal.
    Signaled(i32),
}

/// What [`run`] got: the child's whole stdout and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawOutput {
    /// Everything the child wrote to its stdout.
    pub stdout: Vec<u8>,
    /// How it ended.
    pub status: RawStatus,
}

/// A syscall of [`run`] that failed in the parent, and its error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawError {
    /// The syscall (`"memfd_create"`, `"fork"`, `"wait4"`…).
    pub syscall: &'static str,
    /// What the kernel said.
    pub errno: Errno,
}

impl fmt::Display for RawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.syscall, self.errno)
    }
}

impl std::error::Error for RawError {}

/// `Err(RawError)` for `syscall`.
fn failed(syscall: &'static str) -> impl Fn(Errno) -> RawError {
    move |errno| RawError { syscall, errno }
}

/// A descriptor closed (with `close`, through `syscall!`) on drop.
struct Fd(usize);

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: the descriptor was returned by memfd_create to this value alone, and is
        // not used after this.
        let _ = unsafe { syscall!(SYS_close, self.0) };
    }
}

/// Runs `program` (a path: there is no `PATH` search, as with `execve`) with arguments
/// `argv` (`argv[0]` included) and the current environment, its stdout on a memfd, waits
/// for it, and reads back everything it wrote — the original program's sequence, in raw
/// syscalls only. The child's stdin and stderr are ours.
///
/// If the child cannot `dup2` or `execve`, it says so on stderr (`memfd-demo: execve
/// /bin/nope: ENOENT: No such file or directory`) and exits with status 127, as shells do.
///
/// # Errors
///
/// The first syscall that failed in the parent: `memfd_create` (`ENOSYS` where the kernel
/// has none: this path has no fallback), `fork`, `wait4`, `lseek` or `read`.
///
/// ```
/// let out = memfd_demo::raw::run(c"/bin/echo", &[c"echo", c"hi"]).unwrap();
/// assert_eq!(out.stdout, b"hi\n");
/// assert_eq!(out.status, memfd_demo::raw::RawStatus::Exited(0));
/// ```
pub fn run(program: &CStr, argv: &[&CStr]) -> Result<RawOutput, RawError> {
    // Everything the child needs is built now: after fork it may only make syscalls.
    let argv: Vec<*const c_char> = argv
        .iter()
        .map(|arg| arg.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect();
    let environment: Vec<CString> = std::env::vars_os()
        .filter_map(|(key, value)| {
            let mut entry = key.into_vec();
            entry.push(b'=');
            entry.extend(value.into_vec());
            CString::new(entry).ok()
        })
        .collect();
    let envp: Vec<*const c_char> = environment
        .iter()
        .map(|entry| entry.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect();

    // The original passed flags 0; close-on-exec keeps the memfd out of every other program
    // this process starts, and the child gets it as its stdout through dup2 anyway.
    let name = b"foofile\0";
    // SAFETY: `name` is NUL-terminated and outlives the call, which only reads it; the new
    // descriptor is owned by the `Fd`.
    let memfd = Fd(
        unsafe { syscall!(SYS_memfd_create, name.as_ptr(), MFD_CLOEXEC) }
            .map_err(failed("memfd_create"))?,
    );

    // SAFETY: the child branch below only makes raw syscalls (no allocation, no lock, no
    // return into Rust code that assumes it is the parent), then execs or exits.
    let pid = match unsafe { fork() }.map_err(failed("fork"))? {
        Forked::Parent(pid) => pid,
        // SAFETY: this is the child of the fork above; `memfd` is open, `program`, `argv`
        // and `envp` point to NUL-terminated strings and null-terminated arrays built
        // before the fork (the child's copies of them).
        Forked::Child => unsafe { child(memfd.0, program, argv.as_ptr(), envp.as_ptr()) },
    };

    let status = wait(pid)?;
    rewind(memfd.0)?;
    let stdout = read_to_end(memfd.0)?;
    Ok(RawOutput { stdout, status })
}

/// Which side of a fork we are on.
enum Forked {
    /// The parent, with the child's process id.
    Parent(usize),
    /// The child.
    Child,
}

/// `fork()`, or `clone(SIGCHLD, 0, …)` (a fork: no shared memory, the same stack, copied)
/// where the native ABI has no `fork`.
///
/// Which side we are on is told by comparing `getpid()` before and after, not by the return
/// value: on sparc the child's return register holds the parent's id (the child flag is in
/// another register), and this works on every ABI alike.
///
/// # Safety
///
/// On `Ok(Forked::Child)` the caller is in a copy of this process with one thread: it may
/// only do async-signal-safe things (raw syscalls), and must end with `execve` or
/// `exit_group`, never by returning into code that assumes it is the parent.
unsafe fn fork() -> Result<Forked, Errno> {
    // SAFETY: getpid takes no arguments and cannot fail.
    let before = unsafe { syscall_raw!(SYS_getpid) };
    let result = match SYS_FORK {
        // SAFETY: fork copies the process; our caller handles the child as documented.
        Some(nr) => unsafe { syscall!(nr) },
        // SAFETY: a fork-like clone (no CLONE_VM, no new stack: the child runs on its own
        // copy of this stack, like after fork), handled by our caller as documented.
        None => unsafe { clone_fork() },
    }?;
    // SAFETY: as above.
    let after = unsafe { syscall_raw!(SYS_getpid) };
    Ok(if after == before {
        Forked::Parent(result)
    } else {
        Forked::Child
    })
}

/// `clone(SIGCHLD)` with no new stack and no thread ids: what `fork` is on ABIs without it.
///
/// # Safety
///
/// As [`fork`].
#[cfg(not(target_arch = "s390x"))]
unsafe fn clone_fork() -> Result<usize, Errno> {
    // SAFETY: as this function's contract; flags = SIGCHLD (the exit signal), stack 0 (the
    // same, copied), no parent/child tid pointers, no TLS.
    unsafe { syscall!(SYS_clone, libc::SIGCHLD, 0, 0, 0, 0) }
}

/// `clone(SIGCHLD)`: s390 passes the stack before the flags.
///
/// # Safety
///
/// As [`fork`].
#[cfg(target_arch = "s390x")]
unsafe fn clone_fork() -> Result<usize, Errno> {
    // SAFETY: as above, with s390's argument order (stack, flags, …).
    unsafe { syscall!(SYS_clone, 0, libc::SIGCHLD, 0, 0, 0) }
}

/// The child: `memfd` onto stdout, then `execve`; on failure a message and `exit_group(127)`.
///
/// # Safety
///
/// Only in the child of [`fork`]; `program`, `argv` and `envp` as `execve` requires them.
unsafe fn child(
    memfd: usize,
    program: &CStr,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> ! {
    let stdout = libc::STDOUT_FILENO as usize;
    let dup = if memfd == stdout {
        // The memfd already is fd 1 (our stdout was closed): dup2 would do nothing and leave
        // it close-on-exec, so clear that flag instead.
        // SAFETY: F_SETFD takes an integer and touches no memory; fd 1 is the memfd.
        unsafe { syscall!(SYS_FCNTL, memfd, libc::F_SETFD, 0) }
    } else {
        match SYS_DUP2 {
            // SAFETY: replaces the child's own fd 1 (its copy of our stdout) with the memfd;
            // nothing in the child uses the old fd 1.
            Some(nr) => unsafe { syscall!(nr, memfd, stdout) },
            // SAFETY: as above; dup3 with flags 0 is dup2 for two different descriptors.
            None => unsafe { syscall!(SYS_dup3, memfd, stdout, 0) },
        }
    };
    if let Err(errno) = dup {
        // SAFETY: we are the child, as `die` requires.
        unsafe { die(b"dup2", program, errno) }
    }
    // SAFETY: `program` is NUL-terminated; `argv` and `envp` are null-terminated arrays of
    // NUL-terminated strings (our caller's contract); on success this does not return.
    let errno = match unsafe { syscall!(SYS_execve, program.as_ptr(), argv, envp) } {
        Err(errno) => errno,
        // execve does not return on success; if a kernel ever did, it would be a failure.
        Ok(_) => Errno::ENOSYS,
    };
    // SAFETY: we are the child.
    unsafe { die(b"execve", program, errno) }
}

/// Writes `memfd-demo: STEP PROGRAM: ERRNO` to stderr and exits the child with status 127.
/// Allocation-free: only `write` and `exit_group`.
///
/// # Safety
///
/// Only in the child of [`fork`] (it ends the process).
unsafe fn die(step: &[u8], program: &CStr, errno: Errno) -> ! {
    let stderr = libc::STDERR_FILENO;
    let name = errno.name().unwrap_or("unknown error");
    let description = errno.description().unwrap_or("");
    let pieces: [&[u8]; 8] = [
        b"memfd-demo: ",
        step,
        b" ",
        program.to_bytes(),
        b": ",
        name.as_bytes(),
        if description.is_empty() { b"" } else { b": " },
        description.as_bytes(),
    ];
    for piece in pieces.iter().chain([b"\n".as_slice()].iter()) {
        // SAFETY: `piece` is valid for reads of its length; a failed write is ignored (the
        // exit status still tells).
        let _ = unsafe { syscall!(SYS_write, stderr, piece.as_ptr(), piece.len()) };
    }
    loop {
        // SAFETY: ends this (child) process; nothing borrows its stack afterwards.
        let _ = unsafe { syscall!(SYS_exit_group, EXEC_FAILED) };
    }
}

/// Waits for `pid` to end (`wait4`, or `waitid` where the ABI has no `wait4`), retrying when
/// a signal interrupts the wait.
fn wait(pid: usize) -> Result<RawStatus, RawError> {
    let pid = pid as libc::pid_t;
    loop {
        let result = match SYS_WAIT4 {
            Some(nr) => {
                let mut status: libc::c_int = 0;
                // SAFETY: `status` is a live, writable int; no rusage is asked for.
                unsafe { syscall!(nr, pid, &mut status as *mut libc::c_int, 0, 0usize) }.map(|_| {
                    if libc::WIFEXITED(status) {
                        Some(RawStatus::Exited(libc::WEXITSTATUS(status)))
                    } else if libc::WIFSIGNALED(status) {
                        Some(RawStatus::Signaled(libc::WTERMSIG(status)))
                    } else {
                        None
                    }
                })
            }
            None => {
                // SAFETY: siginfo_t is plain data, valid when zeroed.
                let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
                // SAFETY: `info` is a live, writable siginfo_t; no rusage is asked for.
                unsafe {
                    syscall!(
                        SYS_waitid,
                        libc::P_PID,
                        pid,
                        &mut info as *mut libc::siginfo_t,
                        libc::WEXITED,
                        0usize
                    )
                }
                .map(|_| {
                    // SAFETY: waitid filled `info` for a SIGCHLD-like event, whose si_status
                    // field is the one that is set.
                    let value = unsafe { info.si_status() };
                    match info.si_code {
                        libc::CLD_EXITED => Some(RawStatus::Exited(value)),
                        libc::CLD_KILLED | libc::CLD_DUMPED => Some(RawStatus::Signaled(value)),
                        _ => None,
                    }
                })
            }
        };
        match result {
            Ok(Some(status)) => return Ok(status),
            Ok(None) => continue,
            Err(errno) if errno == Errno::EINTR => continue,
            Err(errno) => {
                let syscall = if SYS_WAIT4.is_some() {
                    "wait4"
                } else {
                    "waitid"
                };
                return Err(RawError { syscall, errno });
            }
        }
    }
}

/// Back to offset 0 (`lseek`, or `_llseek` where the ABI has no `lseek`).
fn rewind(fd: usize) -> Result<(), RawError> {
    match (SYS_LSEEK, SYS_LLSEEK) {
        // SAFETY: lseek touches no memory; `fd` is the live memfd.
        (Some(nr), _) => unsafe { syscall!(nr, fd, 0, libc::SEEK_SET) }
            .map(|_| ())
            .map_err(failed("lseek")),
        (None, Some(nr)) => {
            let mut result: libc::loff_t = 0;
            // SAFETY: offset 0 as (high, low) halves; `result` is a live, writable loff_t.
            unsafe {
                syscall!(
                    nr,
                    fd,
                    0,
                    0,
                    &mut result as *mut libc::loff_t,
                    libc::SEEK_SET
                )
            }
            .map(|_| ())
            .map_err(failed("_llseek"))
        }
        (None, None) => Err(RawError {
            syscall: "lseek",
            errno: Errno::ENOSYS,
        }),
    }
}

/// `read` until end of file, retrying when a signal interrupts it.
fn read_to_end(fd: usize) -> Result<Vec<u8>, RawError> {
    let mut data = Vec::new();
    loop {
        // Fallible: a child's output must not abort this process when memory runs out.
        if data.try_reserve(64 * 1024).is_err() {
            return Err(RawError {
                syscall: "read",
                errno: Errno::ENOMEM,
            });
        }
        let spare = data.spare_capacity_mut();
        // SAFETY: `spare` is valid for writes of `spare.len()` bytes and borrowed by nothing
        // else; `fd` is the live memfd.
        match unsafe { syscall!(SYS_read, fd, spare.as_mut_ptr(), spare.len()) } {
            Ok(0) => return Ok(data),
            // SAFETY: the kernel initialised the first `n` bytes of the spare capacity.
            Ok(n) => unsafe { data.set_len(data.len() + n) },
            Err(errno) if errno == Errno::EINTR => continue,
            Err(errno) => {
                return Err(RawError {
                    syscall: "read",
                    errno,
                })
            }
        }
    }
}
