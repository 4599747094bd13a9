//! Calling a syscall your libc does not wrap, with the right number on every Linux
//! architecture.
//!
//! `syscalls-sys` has the syscall numbers and errno values of all 31 Linux syscall ABIs,
//! generated from the kernel's own UAPI headers (Linux 7.3.4 for every ABI but the 31-bit
//! `s390`, which 6.19 removed: 6.12.117, the newest source served that has it), the lookups
//! between names and numbers, an [`Errno`] that names its code, and [`syscall!`], which
//! issues a syscall with this crate's inline asm (as cheap as writing the asm by hand) on
//! x86_64, x32, x86, aarch64, arm, riscv, loongarch64, powerpc, s390x, and on mips and
//! sparc64 with `unstable-asm`; through `libc::syscall` elsewhere ([`BACKEND`] says which).
//! `#![no_std]`, no required dependency.
//!
//! ```
//! use syscalls_sys::uapi::MFD_CLOEXEC;
//! use syscalls_sys::{syscall, SYS_close, SYS_lseek, SYS_memfd_create, SYS_read, SYS_write};
//!
//! let name = b"demo\0";
//! // SAFETY: `name` is a NUL-terminated string that outlives the call; memfd_create only
//! // reads it, and returns a new file descriptor that this example owns.
//! let fd = unsafe { syscall!(SYS_memfd_create, name.as_ptr(), MFD_CLOEXEC) }.unwrap();
//!
//! let data = b"bytes in memory";
//! // SAFETY: `data` is valid for reads of `data.len()` bytes; `fd` is ours.
//! let written = unsafe { syscall!(SYS_write, fd, data.as_ptr(), data.len()) }.unwrap();
//! assert_eq!(written, data.len());
//!
//! // Back to the start (offset 0, whence SEEK_SET): the C library's constant.
//! // SAFETY: lseek touches no memory; `fd` is ours.
//! unsafe { syscall!(SYS_lseek, fd, 0, libc::SEEK_SET) }.unwrap();
//!
//! let mut back = [0u8; 64];
//! // SAFETY: `back` is valid for writes of `back.len()` bytes and not borrowed elsewhere.
//! let read = unsafe { syscall!(SYS_read, fd, back.as_mut_ptr(), back.len()) }.unwrap();
//! assert_eq!(&back[..read], data);
//!
//! // SAFETY: `fd` is ours and not used after this.
//! unsafe { syscall!(SYS_close, fd) }.unwrap();
//! ```
//!
//! # What is in the crate
//!
//! - At the root, the target's native ABI: every `SYS_*` syscall number and errno constant
//!   of it, and [`NATIVE`], its [`Abi`] (x32 is x86_64 with 32-bit pointers; mips o32, n32
//!   and n64 follow the architecture and pointer width; arm is EABI). On a target with no
//!   Linux ABI the root has none of these, nor [`Errno`] or the syscall functions; the
//!   [`abi`] modules are still there.
//! - [`abi`]: one module per ABI, compiled on every host, so that a 64-bit tracer can decode
//!   a 32-bit child's syscalls and a seccomp tool can build filters for any architecture;
//!   [`ABIS`] lists them all.
//! - [`Abi`]'s lookups, by name and by number, for syscalls and errno values, all `const fn`
//!   (usable in constants); [`Abi::syscalls`] and [`Abi::errnos`] list a whole table;
//!   [`Abi::by_name`] finds an ABI from the names other tools give it (`"arm64"`, `"i386"`,
//!   `"ppc64le"`…).
//! - Audit arches for seccomp filters and tracers: [`Abi::audit_arches`] per ABI, and
//!   `AUDIT_ARCH` at the root, the value the kernel reports for this target's syscalls.
//! - [`Errno`] and its `Display`: `EBADF: Bad file number`, in the kernel's words.
//! - [`syscall!`] (decoded `Result<usize, Errno>`) and [`syscall_raw!`] (the return
//!   register), 0 to 6 arguments converted like C's `syscall()` does ([`SyscallArg`]), and
//!   the [`syscall0`] … [`syscall6`] functions beneath them.
//! - [`uapi`]: the UAPI constants the examples need (`memfd_create` flags, file seals).
//!
//! # Other ABIs, at run time and at compile time
//!
//! ```
//! use syscalls_sys::{abi, ABIS};
//!
//! // Decode a syscall number of a 32-bit x86 child from a 64-bit tracer.
//! assert_eq!(abi::x86::ABI.syscall_name(abi::x86::SYS_socketcall), Some("socketcall"));
//! assert_eq!(abi::x86::ABI.syscall_number("memfd_create"), Some(abi::x86::SYS_memfd_create));
//!
//! // Lookups are `const fn`: a name checked and resolved while compiling.
//! const OPENAT2_ON_AARCH64: usize = match abi::aarch64::ABI.syscall_number("openat2") {
//!     Some(nr) => nr,
//!     None => panic!("aarch64 has no openat2"),
//! };
//! assert_eq!(OPENAT2_ON_AARCH64, abi::aarch64::SYS_openat2);
//!
//! // Errno values differ between ABIs; each ABI has its own table.
//! assert_ne!(abi::mips_o32::EDEADLK, abi::x86_64::EDEADLK);
//! assert_eq!(abi::mips_o32::ABI.errno_name(abi::mips_o32::EDEADLK), Some("EDEADLK"));
//!
//! // Which ABIs have a syscall?
//! let with_fork = ABIS.iter().filter(|abi| abi.syscall_number("fork").is_some()).count();
//! assert!(with_fork < ABIS.len()); // aarch64, riscv, loongarch… only have clone.
//! ```
//!
//! # Seccomp filters
//!
//! A complete allow-list filter, built from syscall names: the architecture check first
//! (`seccomp_data.arch` must be [`AUDIT_ARCH`], or the process is killed: a syscall of another
//! ABI has other numbers), then one comparison per allowed syscall, and
//! `SECCOMP_RET_KILL_PROCESS` for everything else. On x86_64, the x32 ABI shares
//! `AUDIT_ARCH_X86_64` and tells its syscalls apart by the x32 bit in the number: an exact
//! allow-list needs no check of its own for it, since a number carrying the bit equals no
//! listed number and is killed like any other (a deny-list would have to test the bit).
//! The BPF and seccomp constants come from the `libc` crate.
//!
//! ```
//! # #[cfg(all(target_os = "linux", target_env = "gnu"))] {
//! use std::mem::offset_of;
//! use syscalls_sys::{syscall, AUDIT_ARCH, NATIVE, SYS_exit_group, SYS_getppid, SYS_prctl};
//!
//! fn allow_list(names: &[&str]) -> Vec<libc::sock_filter> {
//!     let op = |code: u32, k: u32, jt: u8, jf: u8| libc::sock_filter { code: code as u16, jt, jf, k };
//!     let load = |offset: usize| op(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, offset as u32, 0, 0);
//!     let ret = |action: u32| op(libc::BPF_RET | libc::BPF_K, action, 0, 0);
//!     let if_equal_skip_0_else_1 = |k: u32| op(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K, k, 0, 1);
//!
//!     let mut filter = vec![
//!         load(offset_of!(libc::seccomp_data, arch)),
//!         if_equal_skip_0_else_1(AUDIT_ARCH),
//!         op(libc::BPF_JMP | libc::BPF_JA, 1, 0, 0), // the native ABI: go on
//!         ret(libc::SECCOMP_RET_KILL_PROCESS),      // another ABI: kill
//!         load(offset_of!(libc::seccomp_data, nr)),
//!     ];
//!     for name in names {
//!         let nr = NATIVE.syscall_number(name).unwrap_or_else(|| panic!("no syscall {name}"));
//!         filter.push(if_equal_skip_0_else_1(nr as u32));
//!         filter.push(ret(libc::SECCOMP_RET_ALLOW));
//!     }
//!     filter.push(ret(libc::SECCOMP_RET_KILL_PROCESS));
//!     filter
//! }
//!
//! /// Forks a child that installs `filter` and then calls getppid if `call_getppid`; returns
//! /// its wait status.
//! fn run_child(filter: &[libc::sock_filter], call_getppid: bool) -> i32 {
//!     let program = libc::sock_fprog { len: filter.len() as u16, filter: filter.as_ptr() as *mut _ };
//!     // SAFETY: the child issues raw syscalls only (nothing that allocates or locks) and exits.
//!     let pid = unsafe { libc::fork() };
//!     if pid == 0 {
//!         // SAFETY: prctl reads `program` and the filter, alive in the child's copy of memory;
//!         // getppid and exit_group touch no memory.
//!         unsafe {
//!             syscall!(SYS_prctl, libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0).unwrap();
//!             let program = &program as *const libc::sock_fprog;
//!             syscall!(SYS_prctl, libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, program).unwrap();
//!             if call_getppid {
//!                 let _ = syscall!(SYS_getppid);
//!             }
//!             let _ = syscall!(SYS_exit_group, 0);
//!         }
//!     }
//!     let mut status = 0;
//!     // SAFETY: `status` is valid for writes; `pid` is our child.
//!     assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
//!     status
//! }
//!
//! let filter = allow_list(&["exit_group", "getpid", "write"]);
//! // The listed syscalls go through: the child exits normally.
//! let status = run_child(&filter, false);
//! assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
//! // getppid is not listed: the kernel kills the child with SIGSYS.
//! let status = run_child(&filter, true);
//! assert!(libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGSYS);
//! # }
//! ```
//!
//! # Errors
//!
//! ```
//! use syscalls_sys::{syscall, Errno, EBADF, SYS_close};
//!
//! // SAFETY: closing fd -1 touches no memory and no descriptor anyone owns.
//! let err = unsafe { syscall!(SYS_close, -1) }.unwrap_err();
//! assert_eq!(err, Errno::EBADF);
//! assert_eq!(err.name(), Some("EBADF"));
//! assert_eq!(err.to_string(), "EBADF: Bad file number");
//! ```
//!
//! # Features
//!
//! - `std`: `impl std::error::Error for Errno`, `From<Errno> for std::io::Error` (so `?` works
//!   in functions returning `std::io::Result`; the kind and `raw_os_error` are kept) and
//!   `Errno::last()` (the C `errno`).
//! - `libc`: issue syscalls through `libc::syscall` instead of inline asm, on every target.
//!   Targets without an asm backend always do, and depend on `libc` for it.
//! - `history`: `Abi::introduced(name)` and friends: since which Linux version each syscall
//!   of each ABI exists (`Since`: exact, a sampled interval, or at-or-before the oldest
//!   sample), derived by `cargo xtask history` from sampled kernels and the man pages;
//!   `Abi::available_in(name, version)` answers "did Linux X have it here". Off by default:
//!   its data adds about 13% to the crate's clean build (rustc instructions), which would
//!   take the build past `syscall-numbers`'s wall time.
//! - `unstable-asm`: use the inline-asm backend on mips (o32, n32, n64) and sparc64 too,
//!   whose `asm!` is still unstable: needs a nightly compiler. Without it they use libc.
//!
//! `asm!` became stable on loongarch64 in Rust 1.72, on s390x in 1.84 and on powerpc in
//! 1.95; older compilers there need the `libc` feature (elsewhere the MSRV is 1.78, for
//! `#[diagnostic::on_unimplemented]`).
#![no_std]
#![deny(missing_docs)]
// mips and sparc64 asm! is unstable: only the opt-in `unstable-asm` feature (a nightly
// compiler) turns it on, so that stable builds on every target are unaffected.
#![cfg_attr(
    all(
        feature = "unstable-asm",
        any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64")
    ),
    feature(asm_experimental_arch)
)]

#[cfg(feature = "std")]
extern crate std;

// Generated by `cargo xtask gen` (prettyplease output): rustfmt must not touch them.
#[rustfmt::skip]
pub mod abi;
mod table;
#[rustfmt::skip]
pub mod uapi;
#[cfg(feature = "history")]
mod history;
// Generated by `cargo xtask gen`, like `abi/`; only with the `signatures` feature.
#[cfg(feature = "signatures")]
#[rustfmt::skip]
mod sigdata;
#[cfg(feature = "signatures")]
mod signature;

pub use abi::ABIS;
#[cfg(feature = "history")]
pub use history::{history_samples, LinuxVersion, Since};
#[cfg(feature = "signatures")]
pub use signature::{Arg, Signature};
pub use table::Abi;

/// The README's examples, compiled and run as doctests.
#[cfg(all(doctest, target_os = "linux", target_arch = "x86_64"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

abi::cfg_native! {
    mod arg;
    mod backend;
    mod call;
    mod errno;

    pub use abi::native::*;
    pub use abi::AUDIT_ARCH;
    pub use arg::SyscallArg;
    pub use backend::BACKEND;
    pub use call::{
        syscall0, syscall0_raw, syscall1, syscall1_raw, syscall2, syscall2_raw, syscall3,
        syscall3_raw, syscall4, syscall4_raw, syscall5, syscall5_raw, syscall6, syscall6_raw,
    };
    pub use errno::Errno;

    /// The syscall ABI of the target this crate is compiled for.
    pub const NATIVE: &Abi = &abi::native::ABI;
}
