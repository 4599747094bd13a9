//! The library in a process that ignores `SIGCHLD` (as a daemon's children may inherit): the
//! kernel reaps the command itself, and the capture says so clearly instead of a bare
//! "No child processes". Its own test binary, since the disposition is process-wide.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::process::Command;

use memfd_demo::CaptureError;

#[test]
fn a_command_reaped_elsewhere_is_a_clear_error() {
    // SAFETY: SIG_IGN installs no code; this test binary has no other test to disturb.
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_IGN) };
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo out; exit 3"]);
    let err = memfd_demo::capture(&mut cmd).unwrap_err();
    // SAFETY: as above.
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_DFL) };
    assert!(matches!(err, CaptureError::Reaped { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("'sh' was reaped elsewhere, its exit status is lost")
            && message.contains("SIGCHLD ignored"),
        "{message}"
    );
    assert!(err.io_error().is_none() && err.status().is_none());
    // With SIGCHLD back to its default, the same capture works.
    let captured = memfd_demo::capture(&mut cmd).unwrap();
    assert_eq!(captured.stdout(), b"out\n");
    assert_eq!(captured.status().code(), Some(3));
}
