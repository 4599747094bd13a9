//! No descriptor leaks: 1,000 captures leave /proc/self/fd as it was.
//!
//! Its own test binary with a single test, so that no other test opens or closes
//! descriptors while it counts.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::process::Command;

use memfd_demo::{capture, raw};

const WRITER: &str = env!("CARGO_BIN_EXE_memfd-demo-writer");

/// The targets of this process's open descriptors (the directory handle used to list them
/// included, the same way every time).
fn open_fds() -> Vec<String> {
    let mut links: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let target = std::fs::read_link(entry.path()).ok()?;
            Some(format!("{:?} -> {}", entry.file_name(), target.display()))
        })
        .collect();
    links.sort();
    links
}

#[test]
fn a_thousand_captures_leak_no_descriptor() {
    // Warm up whatever std opens once (e.g. /dev/null for stdin of spawned commands).
    capture(&mut Command::new("true")).unwrap();
    let before = open_fds();
    let mut reused = Command::new(WRITER);
    reused.args(["100", "100"]);
    for i in 0..1000 {
        match i % 4 {
            0 => {
                let c = capture(&mut Command::new("true")).unwrap();
                assert!(c.stdout().is_empty());
            }
            1 => {
                let c = capture(Command::new("/bin/echo").arg(i.to_string())).unwrap();
                assert_eq!(c.stdout(), format!("{i}\n").as_bytes());
            }
            2 if i % 100 == 2 => {
                // Failing spawns must close their buffers too.
                assert!(capture(&mut Command::new("/nonexistent/fd-leak")).is_err());
            }
            2 => {
                let c = capture(&mut reused).unwrap();
                assert_eq!((c.stdout().len(), c.stderr().len()), (100, 100));
            }
            _ if i % 100 == 3 => {
                let out = raw::run(c"/bin/echo", &[c"echo", c"raw"]).unwrap();
                assert_eq!(out.stdout, b"raw\n");
            }
            _ => {
                // Keep one capture alive across the next one, then drop both.
                let a = capture(Command::new("/bin/echo").arg("a")).unwrap();
                let b = capture(Command::new("/bin/echo").arg("b")).unwrap();
                assert_eq!((a.stdout(), b.stdout()), (&b"a\n"[..], &b"b\n"[..]));
            }
        }
    }
    let after = open_fds();
    assert_eq!(before, after, "descriptors differ after 1,000 captures");
    assert!(
        !after.iter().any(|link| link.contains("/memfd:")),
        "{after:?}"
    );
}
