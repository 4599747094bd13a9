//! Signals arriving while a capture waits: `EINTR` is retried, not reported.
//!
//! A helper thread sends SIGUSR1 to the test's thread every millisecond, with a handler
//! installed without `SA_RESTART`, so that every blocking syscall of that thread (the wait
//! above all) is interrupted again and again. Its own test binary: the handler is
//! process-wide.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use memfd_demo::capture;
use memfd_demo::raw::{self, RawStatus};

static DELIVERED: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count(_signal: libc::c_int) {
    DELIVERED.fetch_add(1, Ordering::Relaxed);
}

/// Runs `f` on this thread while another thread interrupts it with signals; returns what
/// `f` returned and how many signals arrived.
fn interrupted<T>(f: impl FnOnce() -> T) -> (T, usize) {
    // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value; the handler only
    // touches an atomic, which is async-signal-safe. No SA_RESTART: interrupted syscalls
    // return EINTR.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = count as extern "C" fn(libc::c_int) as usize;
        action.sa_flags = 0;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()),
            0
        );
    }
    // SAFETY: pthread_self has no preconditions.
    let target = unsafe { libc::pthread_self() };
    let stop = AtomicBool::new(false);
    let before = DELIVERED.load(Ordering::Relaxed);
    let result = std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                // SAFETY: `target` is this scope's calling thread, alive until the scope
                // ends (after this thread stops).
                unsafe { libc::pthread_kill(target, libc::SIGUSR1) };
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        let result = f();
        stop.store(true, Ordering::Relaxed);
        result
    });
    (result, DELIVERED.load(Ordering::Relaxed) - before)
}

#[test]
fn captures_survive_a_storm_of_signals() {
    let (captured, signals) = interrupted(|| {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 0.3; echo done; echo err >&2"]);
        capture(&mut cmd)
    });
    let captured = captured.unwrap();
    assert_eq!(captured.stdout(), b"done\n");
    assert_eq!(captured.stderr(), b"err\n");
    assert!(captured.status().success());
    assert!(signals > 20, "only {signals} signals arrived");

    let (raw, signals) =
        interrupted(|| raw::run(c"/bin/sh", &[c"sh", c"-c", c"sleep 0.3; echo done"]));
    let raw = raw.unwrap();
    assert_eq!(raw.stdout, b"done\n");
    assert_eq!(raw.status, RawStatus::Exited(0));
    assert!(signals > 20, "only {signals} signals arrived");
}
