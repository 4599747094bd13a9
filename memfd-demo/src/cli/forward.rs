//! Signals in command mode: `SIGCHLD` back to its default, and `SIGINT`, `SIGTERM`, `SIGHUP`
//! and `SIGQUIT` passed on to the command while it runs, so that it ends the way it would
//! have without us in between, and what it wrote so far is still copied out.
//!
//! This is process-wide signal state, which a binary may change and the library must not.

use std::process::Command;
use std::sync::atomic::{AtomicI32, Ordering};

use memfd_demo::{Capture, CaptureError, CaptureOptions};
use syscalls_sys::{syscall, SYS_pidfd_open, SYS_pidfd_send_signal};

/// The signals passed on to the command.
const FORWARDED: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

/// The running command's pidfd (-1: none), for the handler.
static CHILD_PIDFD: AtomicI32 = AtomicI32::new(-1);
/// Its pid (0: none yet, or no more), for the handler where there is no pidfd (before
/// Linux 5.3).
static CHILD_PID: AtomicI32 = AtomicI32::new(0);
/// A signal that came before the command existed (0: none), passed on once it does.
static PENDING: AtomicI32 = AtomicI32::new(0);

/// Sets `SIGCHLD` to its default disposition (ignoring it makes the kernel reap children
/// before their parent can wait for them).
pub fn default_sigchld() {
    // SAFETY: SIG_DFL for SIGCHLD installs no code of ours.
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_DFL) };
}

/// The signal handler: sends the signal on to the command.
extern "C" fn forward(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    let pid = CHILD_PID.load(Ordering::Relaxed);
    if pid <= 0 {
        PENDING.store(signal, Ordering::Relaxed);
        return;
    }
    send(pid, signal, info);
}

/// Sends `signal` on to the command `pid` (`info`: where it came from, if known).
fn send(pid: libc::pid_t, signal: libc::c_int, info: *const libc::siginfo_t) {
    // A signal the terminal sent to its foreground process group (Ctrl-C, Ctrl-\, a hangup)
    // reached the command as well, if it is still in our group: once is enough.
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler (`info` is null
    // when we pass one on ourselves).
    let from_terminal = !info.is_null() && unsafe { (*info).si_code } == libc::SI_KERNEL;
    // SAFETY: getpgid and getpgrp are plain syscalls, safe in a signal handler.
    if from_terminal && unsafe { libc::getpgid(pid) == libc::getpgrp() } {
        return;
    }
    let pidfd = CHILD_PIDFD.load(Ordering::Relaxed);
    if pidfd >= 0 {
        // SAFETY: pidfd_send_signal takes integers and a null siginfo; no memory of ours.
        // After the command is reaped it fails with ESRCH: a pidfd never names another
        // process.
        let _ = unsafe { syscall!(SYS_pidfd_send_signal, pidfd, signal, 0usize, 0) };
    } else {
        // SAFETY: kill takes integers. (The pid is cleared as soon as the command is
        // reaped, in this same thread.)
        unsafe { libc::kill(pid, signal) };
    }
}

/// Installs `handler` for `signal`, unless it is ignored (`nohup`, a background job of a
/// non-interactive shell): then the command ignores it too, and it stays so. Returns
/// whether it was installed.
fn install(signal: libc::c_int, handler: libc::sighandler_t) -> bool {
    // SAFETY: sigaction reads and writes the two live structs only; `forward` is an
    // async-signal-safe SA_SIGINFO handler.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(signal, std::ptr::null(), &mut old) != 0
            || old.sa_sigaction == libc::SIG_IGN
        {
            return false;
        }
        let mut new: libc::sigaction = std::mem::zeroed();
        new.sa_sigaction = handler;
        new.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
        libc::sigemptyset(&mut new.sa_mask);
        for blocked in FORWARDED {
            libc::sigaddset(&mut new.sa_mask, blocked);
        }
        libc::sigaction(signal, &new, std::ptr::null_mut()) == 0
    }
}

/// Captures `cmd` with `options`, passing the forwarded signals on to it while it runs.
///
/// The handlers are installed before the spawn (the command starts with the default
/// action for them: `exec` resets handled signals), so that a signal arriving meanwhile is
/// kept and passed on once the command exists, or, if it cannot be started, acted on by
/// us. Once the command is reaped, they get their default action again: a Ctrl-C while the
/// output is copied out stops us.
///
/// (Blocking them instead would not do: the spawned command would inherit the mask.)
pub fn capture_forwarding(
    options: &CaptureOptions,
    cmd: &mut Command,
) -> Result<Capture, CaptureError> {
    let handler = forward as extern "C" fn(_, _, _) as libc::sighandler_t;
    let installed: Vec<libc::c_int> = FORWARDED
        .into_iter()
        .filter(|&signal| install(signal, handler))
        .collect();
    let captured = options.spawn(cmd).and_then(|running| {
        let pid = libc::pid_t::try_from(running.id()).unwrap_or(0);
        // SAFETY: pidfd_open takes integers; on success the descriptor is ours to close.
        let pidfd = unsafe { syscall!(SYS_pidfd_open, pid, 0) }
            .ok()
            .and_then(|fd| i32::try_from(fd).ok())
            .unwrap_or(-1);
        CHILD_PIDFD.store(pidfd, Ordering::Relaxed);
        CHILD_PID.store(pid, Ordering::Relaxed);
        let early = PENDING.swap(0, Ordering::Relaxed);
        if early != 0 {
            send(pid, early, std::ptr::null());
        }
        let captured = running.wait();
        // Handlers run in this thread only (the library's thread blocks every signal), so
        // nothing reads these while they change.
        CHILD_PID.store(0, Ordering::Relaxed);
        CHILD_PIDFD.store(-1, Ordering::Relaxed);
        if pidfd >= 0 {
            // SAFETY: our own pidfd, closed once.
            unsafe { libc::close(pidfd) };
        }
        captured
    });
    for &signal in &installed {
        // SAFETY: SIG_DFL installs no code.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
    }
    // A signal that came while there was no command to pass it to (it could not be
    // started): ours to act on.
    let early = PENDING.swap(0, Ordering::Relaxed);
    if early != 0 && installed.contains(&early) {
        // SAFETY: raise takes an integer; the default action of these signals ends us.
        unsafe { libc::raise(early) };
    }
    captured
}
