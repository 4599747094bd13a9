//! The `memfd-demo` binary: its three modes, exit statuses, and errors.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::io::Read;
use std::process::{Command, Output, Stdio};

const DEMO: &str = env!("CARGO_BIN_EXE_memfd-demo");
const WRITER: &str = env!("CARGO_BIN_EXE_memfd-demo-writer");

fn demo(args: &[&str]) -> Output {
    Command::new(DEMO)
        .args(args)
        .env_remove("MEMFD_DEMO_DEBUG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `child said: '<date>'`: one line, the date's own trailing newline removed.
fn assert_child_said_date(out: &Output) {
    assert!(
        out.status.success(),
        "{}: {}",
        out.status,
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    let said = stdout
        .strip_prefix("child said: '")
        .and_then(|rest| rest.strip_suffix("'\n"))
        .unwrap_or_else(|| panic!("unexpected output {stdout:?}"));
    assert!(!said.is_empty() && !said.contains('\n'), "{stdout:?}");
    // It is today's date: /bin/date's own output now has the same year.
    let year = text(
        &Command::new("/bin/date")
            .arg("+%Y")
            .output()
            .unwrap()
            .stdout,
    );
    assert!(said.contains(year.trim()), "{said:?} has no year {year:?}");
}

#[test]
fn default_mode_prints_what_date_said() {
    assert_child_said_date(&demo(&[]));
}

#[test]
fn raw_mode_prints_the_same() {
    let out = demo(&["--raw"]);
    assert_child_said_date(&out);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn debug_flag_says_what_it_did() {
    let out = demo(&["-v", "--", "echo", "hi"]);
    assert_eq!(out.stdout, b"hi\n");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("memfd-demo: debug: stdout: 3 bytes in Memfd, sealed and mapped"),
        "{stderr}"
    );
}

#[test]
fn large_output_is_mapped_while_the_command_runs() {
    // 8 MiB, then a pause: capture maps (nearly) all of it before the command ends.
    let script = format!("{WRITER} 8388608; sleep 0.2");
    let out = demo(&["-v", "--", "sh", "-c", &script]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(out.stdout.len(), 8 << 20);
    let stderr = text(&out.stderr);
    let early: u64 = stderr
        .split("stdout: 8388608 bytes in Memfd, sealed and mapped (")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(early >= 7 << 20, "{stderr}");
}

#[test]
fn command_mode_copies_both_streams_verbatim_and_exits_like_the_command() {
    let out = demo(&[
        "--",
        "sh",
        "-c",
        "printf 'out\\0put'; printf 'e r r\\n' >&2; exit 7",
    ]);
    assert_eq!(out.stdout, b"out\0put");
    assert_eq!(out.stderr, b"e r r\n");
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn command_mode_passes_arguments_untouched() {
    let out = demo(&["--", "printf", "%s|", "-v", "--raw", "--", "a b"]);
    assert_eq!(text(&out.stdout), "-v|--raw|--|a b|");
    assert!(out.status.success());
}

#[test]
fn command_mode_reports_a_killing_signal_as_128_plus_n() {
    for (script, code) in [
        ("kill -KILL $$", 128 + libc::SIGKILL),
        ("kill -TERM $$", 128 + libc::SIGTERM),
    ] {
        let out = demo(&["--", "sh", "-c", script]);
        assert_eq!(out.status.code(), Some(code), "{script}");
    }
}

#[test]
fn command_mode_names_a_program_that_cannot_run() {
    let out = demo(&["--", "/nonexistent/program", "arg"]);
    assert_eq!(out.status.code(), Some(127));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("/nonexistent/program"), "{stderr}");
    assert!(stderr.contains("No such file or directory"), "{stderr}");
    assert!(out.stdout.is_empty());

    let not_executable =
        std::env::temp_dir().join(format!("memfd-demo-cli-{}", std::process::id()));
    std::fs::write(&not_executable, "#!/bin/sh\n").unwrap();
    let path = not_executable.to_str().unwrap();
    let out = demo(&["--", path]);
    std::fs::remove_file(&not_executable).unwrap();
    assert_eq!(out.status.code(), Some(126));
    assert!(text(&out.stderr).contains(path));
}

#[test]
fn bad_arguments_are_usage_errors_not_panics() {
    for args in [
        &["--bogus"][..],
        &["--"],
        &["date"],
        &["--raw", "--", "date"],
        &["-x"],
    ] {
        let out = demo(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.starts_with("memfd-demo: "), "{args:?}: {stderr}");
        assert!(stderr.contains("usage:"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    let help = demo(&["--help"]);
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("usage:"));
}

#[test]
fn a_closed_stdout_is_not_a_crash() {
    // `memfd-demo -- ... | head -c 1`: the reader goes away early.
    let mut child = Command::new(DEMO)
        .args(["--", WRITER, "10000000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    stdout.read_exact(&mut one).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The reader wanted no more: nothing was lost, and the status is the command's. (The
    // pipe holds 64 KiB, so 10 MB cannot all have been written before we closed it.)
    assert!(status.success(), "{status}: {stderr}");
    assert!(
        stderr.contains("cannot copy out the command's stdout: Broken pipe"),
        "{stderr}"
    );
}

#[test]
fn one_gibibyte_of_zeros_through_wc() {
    // memfd-demo -- head -c 1073741824 /dev/zero | wc -c
    let mut child = Command::new(DEMO)
        .args(["--", "head", "-c", "1073741824", "/dev/zero"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buffer = vec![0u8; 1 << 20];
    let zeros = vec![0u8; buffer.len()];
    let (mut total, mut all_zero) = (0u64, true);
    loop {
        let n = stdout.read(&mut buffer).unwrap();
        if n == 0 {
            break;
        }
        total += n as u64;
        all_zero &= buffer[..n] == zeros[..n];
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(total, 1_073_741_824);
    assert!(all_zero);
}
