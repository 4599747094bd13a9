//! The public syscall functions and macros; the backends (`backend/`) do the work.

use crate::{backend, Errno};

/// The `# Safety` section shared by every syscall function.
macro_rules! safety_doc {
    () => {
        "# Safety\n\n\
        This issues syscall `nr` of the native ABI ([`NATIVE`](crate::NATIVE)) with the given \
        argument registers, exactly like C's `syscall()`. The compiler knows nothing about \
        what the kernel does with them, so the caller must guarantee everything the syscall's \
        manual page requires, and in particular:\n\n\
        - `nr` is a syscall number of the native ABI (a number from another ABI's table \
          calls a different syscall), and the arguments have the types, widths and order the \
          native ABI expects (64-bit values on 32-bit ABIs are split into registers by the \
          caller, as in C);\n\
        - every argument that the syscall uses as a pointer is valid for the reads and writes \
          the kernel does through it (the byte counts it is given included), is aligned for \
          the kernel's type, and is not covered by a Rust reference whose rules those \
          accesses break (no write through memory behind a live `&`), for as long as the \
          kernel uses it — past the return for interfaces such as `io_uring`, `aio`, \
          `set_robust_list` or `rseq`;\n\
        - the syscall breaks no invariant that Rust code relies on: it does not unmap, remap \
          or change the protection of memory that Rust still uses (`munmap`, `mremap`, \
          `mprotect`, `madvise(MADV_DONTNEED)`, `brk` under the allocator), does not close, \
          `dup2` over or otherwise change a file descriptor owned by someone else (`File`, \
          `OwnedFd`), and does not change signal dispositions, masks, the thread's TLS or \
          stack in ways the runtime does not expect;\n\
        - syscalls that do not return to the caller like a function are used only as their \
          contract allows: `exit` ends the thread without running destructors or unwinding \
          (nothing may still borrow its stack); `rt_sigreturn`, `vfork`, and `clone`/`clone3` \
          with a new stack or shared memory without a new stack are undefined behaviour \
          through this function; after a `fork`-like `clone` the child of a multi-threaded \
          process may only do what is async-signal-safe.\n\n\
        A failing syscall is not undefined behaviour: the error is returned."
    };
}

macro_rules! define {
    // `$n` is a `tt`, not a `literal`: a `literal` fragment forwarded to `define!(@s $n)` is
    // opaque and never matches the `1` of the `(@s 1)` arm.
    ($($n:tt $name:ident $raw:ident ($($a:ident),*);)*) => {$(
        #[doc = concat!("Issues a syscall with ", $n, " argument", define!(@s $n),
            " and decodes the result: `Ok(value)`, or `Err(errno)` when the kernel reports \
            failure.\n\n\
            The function behind [`syscall!`](crate::syscall!) (which widens typed arguments \
            for you). `nr` and the arguments go to the kernel unchanged.\n\n",
            safety_doc!())]
        #[inline(always)]
        pub unsafe fn $name(nr: usize $(, $a: usize)*) -> Result<usize, Errno> {
            // SAFETY: our caller upholds this function's contract, which is the backend's.
            unsafe { backend::$name(nr $(, $a)*) }
        }

        #[doc = concat!("Issues a syscall with ", $n, " argument", define!(@s $n),
            " and returns the raw result, undecoded.\n\n\
            The function behind [`syscall_raw!`](crate::syscall_raw!). The result follows \
            the kernel's convention on every backend and ABI: `-errno` (`-4095..=-1` as \
            `usize`) on failure, the syscall's value otherwise; \
            [`Errno::from_ret`](crate::Errno::from_ret) decodes it. See \
            [`syscall_raw!`](crate::syscall_raw!) for how each backend gets there.\n\n",
            safety_doc!())]
        #[inline(always)]
        pub unsafe fn $raw(nr: usize $(, $a: usize)*) -> usize {
            // SAFETY: our caller upholds this function's contract, which is the backend's.
            unsafe { backend::$raw(nr $(, $a)*) }
        }
    )*};
    (@s 1) => { "" };
    (@s $n:tt) => { "s" };
}

define! {
    0 syscall0 syscall0_raw ();
    1 syscall1 syscall1_raw (a1);
    2 syscall2 syscall2_raw (a1, a2);
    3 syscall3 syscall3_raw (a1, a2, a3);
    4 syscall4 syscall4_raw (a1, a2, a3, a4);
    5 syscall5 syscall5_raw (a1, a2, a3, a4, a5);
    6 syscall6 syscall6_raw (a1, a2, a3, a4, a5, a6);
}

/// Calls a syscall by number with 0 to 6 arguments: `Result<usize, Errno>`.
///
/// `syscall!(nr, a1, …, a6)`: `nr` is a `usize` syscall number of the native ABI (the
/// `SYS_*` constants at the crate root); each argument is an integer or a raw pointer,
/// widened like C's `syscall()` widens its `long` arguments (see [`SyscallArg`](crate::SyscallArg):
/// signed integers are sign-extended; anything else does not compile). Expands to a call
/// of [`syscall0`] … [`syscall6`], so it must be written
/// inside an `unsafe` block whose `// SAFETY:` comment shows that their contract holds.
///
/// ```
/// use syscalls_sys::{syscall, SYS_getpid, SYS_write};
///
/// // SAFETY: getpid takes no arguments and cannot fail.
/// let pid = unsafe { syscall!(SYS_getpid) }.unwrap();
/// assert_eq!(pid as u32, std::process::id());
///
/// let msg = b"hello\n";
/// // SAFETY: `msg` is valid for reads of `msg.len()` bytes during the call; fd 1 is stdout.
/// let written = unsafe { syscall!(SYS_write, 1, msg.as_ptr(), msg.len()) };
/// assert_eq!(written, Ok(msg.len()));
/// ```
///
/// Calling it outside `unsafe` does not compile, nor do more than 6 arguments:
///
/// ```compile_fail,E0133
/// let _ = syscalls_sys::syscall!(syscalls_sys::SYS_getpid);
/// ```
///
/// ```compile_fail
/// # use syscalls_sys::{syscall, SYS_getpid};
/// let _ = unsafe { syscall!(SYS_getpid, 1, 2, 3, 4, 5, 6, 7) };
/// ```
#[macro_export]
macro_rules! syscall {
    ($nr:expr $(,)?) => {
        $crate::syscall0($nr)
    };
    ($nr:expr, $a1:expr $(,)?) => {
        $crate::syscall1($nr, $crate::SyscallArg::into_syscall_arg($a1))
    };
    ($nr:expr, $a1:expr, $a2:expr $(,)?) => {
        $crate::syscall2(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
        )
    };
    ($nr:expr, $a1:expr, $a2:expr, $a3:expr $(,)?) => {
        $crate::syscall3(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
            $crate::SyscallArg::into_syscall_arg($a3),
        )
    };
    ($nr:expr, $a1:expr, $a2:expr, $a3:expr, $a4:expr $(,)?) => {
        $crate::syscall4(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
            $crate::SyscallArg::into_syscall_arg($a3),
            $crate::SyscallArg::into_syscall_arg($a4),
        )
    };
    ($nr:expr, $a1:expr, $a2:expr, $a3:expr, $a4:expr, $a5:expr $(,)?) => {
        $crate::syscall5(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
            $crate::SyscallArg::into_syscall_arg($a3),
            $crate::SyscallArg::into_syscall_arg($a4),
            $crate::SyscallArg::into_syscall_arg($a5),
        )
    };
    ($nr:expr, $a1:expr, $a2:expr, $a3:expr, $a4:expr, $a5:expr, $a6:expr $(,)?) => {
        $crate::syscall6(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
            $crate::SyscallArg::into_syscall_arg($a3),
            $crate::SyscallArg::into_syscall_arg($a4),
            $crate::SyscallArg::into_syscall_arg($a5),
            $crate::SyscallArg::into_syscall_arg($a6),
        )
    };
    ($($other:tt)*) => {
        ::core::compile_error!(
            "syscall! takes a syscall number and at most 6 arguments: syscall!(nr, a1, …, a6)"
        )
    };
}

/// Like [`syscall!`](crate::syscall!), but returns the raw result as a `usize`, undecoded.
///
/// Same arguments, same conversions, same `unsafe` contract; expands to a call of
/// [`syscall0_raw`] … [`syscall6_raw`]. The result has one meaning on every backend and
/// every architecture, the kernel's own convention: a value in `-4095..=-1` (as `usize`) is
/// `-errno`, anything else is the syscall's result. [`Errno::from_ret`](crate::Errno::from_ret)
/// decodes it; `syscall!` is that decoding, done in the same place.
///
/// - On x86_64, x32, x86, aarch64, arm, riscv, loongarch64 and s390x with the inline-asm
///   backend it is the kernel's return register, with nothing added to the hand-written asm.
/// - On mips, powerpc and sparc64, whose kernels report failure in a flag (mips `a3`,
///   powerpc `cr0.SO`, sparc the carry) and leave the positive errno in the register, the
///   asm backend folds the flag in (`-errno` on failure), as the C libraries' internal
///   syscall macros do there.
/// - With the libc backend (the `libc` feature, or a target without an asm backend), the
///   C library's `-1` plus `errno` is turned into `-errno`.
///
/// So turning on the `libc` feature anywhere in a build (features unify) never changes what
/// `syscall_raw!` returns. [`BACKEND`](crate::BACKEND) says which backend a build uses.
///
/// ```
/// use syscalls_sys::{syscall_raw, Errno, SYS_close, SYS_getppid, EBADF};
///
/// // SAFETY: getppid takes no arguments and cannot fail.
/// let ppid = unsafe { syscall_raw!(SYS_getppid) };
/// assert!(ppid > 0);
///
/// // SAFETY: closing fd -1 touches no memory and no descriptor anyone owns.
/// let raw = unsafe { syscall_raw!(SYS_close, -1) };
/// assert_eq!(raw, (EBADF as usize).wrapping_neg()); // -EBADF, on every backend
/// assert_eq!(Errno::from_ret(raw), Err(Errno::EBADF));
/// ```
#[macro_export]
macro_rules! syscall_raw {
    ($nr:expr $(,)?) => {
        $crate::syscall0_raw($nr)
    };
    ($nr:expr, $a1:expr $(,)?) => {
        $crate::syscall1_raw($nr, $crate::SyscallArg::into_syscall_arg($a1))
    };
    ($nr:expr, $a1:expr, $a2:expr $(,)?) => {
        $crate::syscall2_raw(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
        )
    };
    ($nr:expr, $a1:expr, $a2:expr, $a3:expr $(,)?) => {
        $crate::syscall3_raw(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
            $crate::SyscallArg::into_syscall_arg($a3),
        )
    };
    ($nr:expr, $a1:expr, $a2:expr, $a3:expr, $a4:expr $(,)?) => {
        $crate::syscall4_raw(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
            $crate::SyscallArg::into_syscall_arg($a3),
            $crate::SyscallArg::into_syscall_arg($a4),
        )
    };
    ($nr:expr, $a1:expr, $a2:expr, $a3:expr, $a4:expr, $a5:expr $(,)?) => {
        $crate::syscall5_raw(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
            $crate::SyscallArg::into_syscall_arg($a3),
            $crate::SyscallArg::into_syscall_arg($a4),
            $crate::SyscallArg::into_syscall_arg($a5),
        )
    };
    ($nr:expr, $a1:expr, $a2:expr, $a3:expr, $a4:expr, $a5:expr, $a6:expr $(,)?) => {
        $crate::syscall6_raw(
            $nr,
            $crate::SyscallArg::into_syscall_arg($a1),
            $crate::SyscallArg::into_syscall_arg($a2),
            $crate::SyscallArg::into_syscall_arg($a3),
            $crate::SyscallArg::into_syscall_arg($a4),
            $crate::SyscallArg::into_syscall_arg($a5),
            $crate::SyscallArg::into_syscall_arg($a6),
        )
    };
    ($($other:tt)*) => {
        ::core::compile_error!(
            "syscall_raw! takes a syscall number and at most 6 arguments: syscall_raw!(nr, a1, …, a6)"
        )
    };
}
