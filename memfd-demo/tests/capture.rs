//! The library: `capture` against real commands.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::io::Write;
use std::os::unix::fs::FileExt;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use memfd_demo::memfd::{self, CAPTURE_SEALS};
use memfd_demo::pattern::{byte_at, checksum, pattern_checksum};
use memfd_demo::{capture, Backing, CaptureError};
use syscalls_sys::uapi::{F_SEAL_GROW, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_WRITE};

const WRITER: &str = env!("CARGO_BIN_EXE_memfd-demo-writer");

fn sh(script: &str) -> Command {
    let mut cmd = Command::new("/bin/sh");
    cmd.args(["-c", script]);
    cmd
}

#[test]
fn stdout_and_stderr_are_separate_and_the_status_is_kept() {
    let captured = capture(&mut sh("echo out; echo err >&2; echo more; exit 3")).unwrap();
    assert_eq!(captured.stdout(), b"out\nmore\n");
    assert_eq!(captured.stderr(), b"err\n");
    assert_eq!(captured.status().code(), Some(3));
    assert!(!captured.status().success());
}

#[test]
fn buffers_are_sealed_memfds_mapped_without_copying() {
    let captured = capture(&mut sh("printf hello; printf oops >&2")).unwrap();
    for (buffer, expected) in [
        (captured.stdout_buffer(), &b"hello"[..]),
        (captured.stderr_buffer().unwrap(), &b"oops"[..]),
    ] {
        assert_eq!(buffer.as_bytes(), expected);
        assert_eq!(buffer.backing(), &Backing::Memfd);
        assert!(buffer.is_sealed());
        assert!(
            buffer.is_mapped(),
            "a sealed, non-empty memfd is mapped, not copied"
        );
        let seals = memfd::seals(buffer.file()).unwrap();
        for seal in [F_SEAL_WRITE, F_SEAL_GROW, F_SEAL_SHRINK, F_SEAL_SEAL] {
            assert_eq!(seals & seal, seal, "seal {seal:#x} missing from {seals:#x}");
        }
        assert_eq!(seals & CAPTURE_SEALS, CAPTURE_SEALS);
        // The memfd shows up as such.
        let link = std::fs::read_link(format!(
            "/proc/self/fd/{}",
            std::os::fd::AsRawFd::as_raw_fd(buffer.file())
        ))
        .unwrap();
        assert!(
            link.to_string_lossy().starts_with("/memfd:memfd-demo:std"),
            "{link:?}"
        );
    }
}

#[test]
fn sealed_buffers_cannot_be_changed() {
    let captured = capture(&mut sh("printf data")).unwrap();
    let file = captured.stdout_buffer().file();
    // Writing (F_SEAL_WRITE), growing, shrinking: EPERM, and the bytes stay.
    let write = file.write_at(b"X", 0).unwrap_err();
    assert_eq!(write.raw_os_error(), Some(syscalls_sys::EPERM));
    let append = (&mut &*file).write(b"more").unwrap_err();
    assert_eq!(append.raw_os_error(), Some(syscalls_sys::EPERM));
    assert_eq!(
        file.set_len(0).unwrap_err().raw_os_error(),
        Some(syscalls_sys::EPERM)
    );
    assert_eq!(
        file.set_len(100).unwrap_err().raw_os_error(),
        Some(syscalls_sys::EPERM)
    );
    // Nor can the seals be removed or added to (F_SEAL_SEAL).
    assert!(memfd::seal(file).is_err());
    assert_eq!(captured.stdout(), b"data");
}

#[test]
fn a_process_left_behind_cannot_write_after_the_capture() {
    // The command exits at once; a background process it started still holds its stdout
    // and tries to write after the capture is sealed.
    let captured = capture(&mut sh(
        "echo first; (sleep 0.3; echo late || echo write-failed >&2) & exit 0",
    ))
    .unwrap();
    assert_eq!(captured.stdout(), b"first\n");
    std::thread::sleep(std::time::Duration::from_millis(600));
    // Nothing changed under the slice, and the file is still 6 bytes.
    assert_eq!(captured.stdout(), b"first\n");
    assert_eq!(captured.stdout_buffer().file().metadata().unwrap().len(), 6);
}

#[test]
fn empty_output_is_an_empty_slice() {
    let captured = capture(&mut Command::new("true")).unwrap();
    assert_eq!(captured.stdout(), b"");
    assert_eq!(captured.stderr(), b"");
    assert!(captured.status().success());
    let out = captured.stdout_buffer();
    assert!(out.is_empty() && !out.is_mapped() && out.is_sealed());
    assert_eq!(out.len(), 0);
}

#[test]
fn one_empty_and_one_full_stream() {
    let captured = capture(&mut sh("echo only-err >&2")).unwrap();
    assert_eq!(captured.stdout(), b"");
    assert_eq!(captured.stderr(), b"only-err\n");
}

#[test]
fn a_command_killed_by_a_signal_is_reported_as_such() {
    for (signal, script) in [
        (libc::SIGKILL, "echo partial; kill -KILL $$"),
        (libc::SIGTERM, "echo partial; kill -TERM $$"),
    ] {
        let captured = capture(&mut sh(script)).unwrap();
        assert_eq!(captured.status().signal(), Some(signal), "{script}");
        assert_eq!(captured.status().code(), None);
        // What it wrote before dying is kept.
        assert_eq!(captured.stdout(), b"partial\n");
    }
}

#[test]
fn a_missing_program_is_a_spawn_error_naming_it() {
    let err = capture(&mut Command::new("/nonexistent/memfd-demo-test")).unwrap_err();
    assert!(matches!(err, CaptureError::Spawn { .. }), "{err:?}");
    assert_eq!(err.io_error().unwrap().kind(), std::io::ErrorKind::NotFound);
    let message = err.to_string();
    assert!(
        message.contains("/nonexistent/memfd-demo-test"),
        "{message}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn a_non_executable_file_is_a_spawn_error() {
    // A file without execute permission (root too needs one x bit to exec).
    let path = std::env::temp_dir().join(format!("memfd-demo-noexec-{}", std::process::id()));
    std::fs::write(&path, "#!/bin/sh\n").unwrap();
    let result = capture(&mut Command::new(&path));
    std::fs::remove_file(&path).unwrap();
    let err = result.unwrap_err();
    assert!(matches!(err, CaptureError::Spawn { .. }), "{err:?}");
    assert_eq!(
        err.io_error().unwrap().kind(),
        std::io::ErrorKind::PermissionDenied,
        "{err}"
    );
}

#[test]
fn the_command_keeps_no_descriptor_of_the_buffers_and_can_run_again() {
    let mut cmd = sh("echo again");
    let first = capture(&mut cmd).unwrap();
    let second = capture(&mut cmd).unwrap();
    assert_eq!(first.stdout(), b"again\n");
    assert_eq!(second.stdout(), b"again\n");
    // After capture the command's stdout and stderr are set to inherit (documented), so
    // output() needs them asked for explicitly.
    let output = cmd.stdout(Stdio::piped()).output().unwrap();
    assert_eq!(output.stdout, b"again\n");
}

#[test]
fn the_child_inherits_no_other_descriptor_than_with_a_pipe() {
    // With Command::output() the child sees 0, 1, 2 and whatever the test harness leaked to
    // us; with capture it must see exactly the same set (the memfds are close-on-exec).
    let list = "ls /proc/self/fd";
    let via_pipe = sh(list).stdin(Stdio::null()).output().unwrap().stdout;
    let via_capture = capture(sh(list).stdin(Stdio::null())).unwrap();
    assert_eq!(
        String::from_utf8_lossy(via_capture.stdout()),
        String::from_utf8_lossy(&via_pipe)
    );
}

#[test]
fn stdin_is_left_as_configured() {
    let mut cmd = Command::new("cat");
    cmd.stdin(Stdio::null());
    let captured = capture(&mut cmd).unwrap();
    assert_eq!(captured.stdout(), b"");
    assert!(captured.status().success());
}

#[test]
fn large_output_on_both_streams_does_not_deadlock() {
    // 8 MiB on stdout, then 8 MiB on stderr: a reader that drained only stdout of a pipe
    // would deadlock; a memfd never fills.
    let n = 8 << 20;
    let mut cmd = Command::new(WRITER);
    cmd.args([n.to_string(), n.to_string()]);
    let captured = capture(&mut cmd).unwrap();
    assert!(captured.status().success());
    assert_eq!(captured.stdout().len(), n);
    assert_eq!(captured.stderr().len(), n);
    assert_eq!(checksum(captured.stdout()), pattern_checksum(n as u64));
    assert_eq!(checksum(captured.stderr()), pattern_checksum(n as u64));
}

#[test]
fn one_gibibyte_is_captured_exactly() {
    let n: u64 = 1 << 30;
    let mut cmd = Command::new(WRITER);
    cmd.arg(n.to_string());
    let captured = capture(&mut cmd).unwrap();
    assert!(captured.status().success(), "{}", captured.status());
    assert_eq!(captured.stdout().len() as u64, n);
    assert!(captured.stdout_buffer().is_mapped());
    assert_eq!(checksum(captured.stdout()), pattern_checksum(n));
    assert_eq!(captured.stderr(), b"");
}

#[test]
fn output_changed_after_it_was_mapped_is_read_as_it_ended() {
    // 8 MiB, which capture maps while the command sleeps (it maps what was written every
    // quarter of a millisecond); then the command overwrites the start, shrinks its output, and
    // writes at its old end, leaving a hole. The mapping must show the end state, not what
    // it mapped early.
    let (n, cut) = (8 << 20, 5_000_000);
    let script = format!(
        "{WRITER} {n}; sleep 0.3; printf XYZ | dd of=/dev/stdout conv=notrunc status=none; \
         truncate -s {cut} /dev/stdout; printf END"
    );
    let captured = capture(&mut sh(&script)).unwrap();
    assert!(captured.status().success(), "{}", captured.status());
    let mut expected: Vec<u8> = (0..cut as u64).map(byte_at).collect();
    expected[..3].copy_from_slice(b"XYZ");
    expected.resize(n, 0);
    expected.extend_from_slice(b"END");
    let got = captured.stdout();
    assert_eq!(got.len(), expected.len());
    let first_difference = got.iter().zip(&expected).position(|(a, b)| a != b);
    assert_eq!(first_difference, None);
    assert!(captured.stdout_buffer().is_mapped() && captured.stdout_buffer().is_sealed());
}

#[test]
fn output_of_every_size_around_the_mapping_steps_is_exact() {
    // Sizes around a page and around the 256 KiB step of the mapping made while the command
    // runs, on both streams, with pauses so that the early mapping happens.
    for n in [
        4095u64,
        4096,
        4097,
        (256 << 10) - 1,
        256 << 10,
        (256 << 10) + 1,
        (3 << 20) + 12345,
    ] {
        let script = format!("{WRITER} {n} {n}; sleep 0.02; {WRITER} {n}");
        let captured = capture(&mut sh(&script)).unwrap();
        assert!(captured.status().success(), "{}", captured.status());
        let out = captured.stdout();
        assert_eq!(out.len() as u64, 2 * n, "stdout of {n}");
        assert_eq!(checksum(&out[..n as usize]), pattern_checksum(n), "{n}");
        assert_eq!(checksum(&out[n as usize..]), pattern_checksum(n), "{n}");
        assert_eq!(
            checksum(captured.stderr()),
            pattern_checksum(n),
            "stderr of {n}"
        );
    }
}

#[test]
fn concurrent_captures_are_each_exact() {
    // Several captures at once, from several threads: the mapper thread looks after all of
    // them, each with its own sizes on both streams.
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..6u64)
            .map(|i| {
                s.spawn(move || {
                    let (out, err) = ((3 << 20) + i * 77_777, (1 << 20) * (i % 3) + i);
                    let mut cmd = Command::new(WRITER);
                    cmd.args([out.to_string(), err.to_string()]);
                    let captured = capture(&mut cmd).unwrap();
                    assert!(captured.status().success(), "{}", captured.status());
                    assert_eq!(captured.stdout().len() as u64, out);
                    assert_eq!(captured.stderr().len() as u64, err);
                    assert_eq!(checksum(captured.stdout()), pattern_checksum(out));
                    assert_eq!(checksum(captured.stderr()), pattern_checksum(err));
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
    });
}

#[test]
fn memfd_create_rejects_bad_names_with_an_error() {
    let err = memfd::create("bad\0name").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    let err = memfd::create(&"x".repeat(10_000)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput, "{err}");
}

#[test]
fn debug_output_of_a_capture_is_short() {
    let captured = capture(&mut sh("echo hi")).unwrap();
    let text = format!("{captured:?}");
    assert!(
        text.contains("len: 3") && text.contains("sealed: true"),
        "{text}"
    );
}
