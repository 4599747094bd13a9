//! `memfd_demo::raw`: the original sequence in raw syscalls.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::ffi::CString;

use memfd_demo::pattern::{checksum, pattern_checksum};
use memfd_demo::raw::{run, RawStatus};

const WRITER: &str = env!("CARGO_BIN_EXE_memfd-demo-writer");

#[test]
fn echo_is_read_back_whole() {
    let out = run(c"/bin/echo", &[c"echo", c"hello", c"world"]).unwrap();
    assert_eq!(out.stdout, b"hello world\n");
    assert_eq!(out.status, RawStatus::Exited(0));
}

#[test]
fn more_than_bufsiz_is_read() {
    // The original read at most BUFSIZ (8 KiB); this reads everything.
    let writer = CString::new(WRITER).unwrap();
    let n = 3 << 20;
    let size = CString::new(n.to_string()).unwrap();
    let out = run(&writer, &[&writer, &size]).unwrap();
    assert_eq!(out.status, RawStatus::Exited(0));
    assert_eq!(out.stdout.len(), n);
    assert_eq!(checksum(&out.stdout), pattern_checksum(n as u64));
}

#[test]
fn empty_output_and_exit_status() {
    let out = run(c"/bin/sh", &[c"sh", c"-c", c"exit 42"]).unwrap();
    assert_eq!(out.stdout, b"");
    assert_eq!(out.status, RawStatus::Exited(42));
}

#[test]
fn a_killed_child_is_reported_with_its_signal() {
    let out = run(c"/bin/sh", &[c"sh", c"-c", c"echo partial; kill -KILL $$"]).unwrap();
    assert_eq!(out.stdout, b"partial\n");
    assert_eq!(out.status, RawStatus::Signaled(libc::SIGKILL));
}

#[test]
fn exec_failure_is_status_127() {
    let out = run(c"/nonexistent/raw-test", &[c"raw-test"]).unwrap();
    assert_eq!(out.stdout, b"");
    assert_eq!(out.status, RawStatus::Exited(127));
}

#[test]
fn the_environment_is_passed_on() {
    let out = run(c"/bin/sh", &[c"sh", c"-c", c"echo \"$HOME\""]).unwrap();
    let home = std::env::var("HOME").unwrap_or_default();
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{home}\n"));
}

#[test]
fn the_child_gets_no_other_descriptor() {
    // The memfd is close-on-exec: the child has it only as fd 1.
    let out = run(c"/bin/sh", &[c"sh", c"-c", c"readlink /proc/$$/fd/1"]).unwrap();
    let link = String::from_utf8_lossy(&out.stdout);
    assert!(link.starts_with("/memfd:foofile"), "{link}");
}
