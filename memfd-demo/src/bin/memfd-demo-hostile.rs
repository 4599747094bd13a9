//! `memfd-demo-hostile sparse SIZE [--seal-seal]`: a command that does to its stdout what a
//! capture tool must survive, for the tests.
//!
//! Writes `head\n` to its stdout, then (with `--seal-seal`) adds `F_SEAL_SEAL` to it, so that
//! the capture cannot seal it and must copy it, then grows it to SIZE bytes with
//! `ftruncate` (a hole: no memory), writes `tail\n` as its last 5 bytes, and exits 0. SIZE
//! takes a K, M, G or T suffix (powers of 1024).
//!
//! `memfd-demo-hostile pidfile PATH`: writes its pid to PATH, `before\n` to stdout, and
//! sleeps until a signal ends it (at most a minute, then exits 0).

#[cfg(any(target_os = "linux", target_os = "android"))]
fn main() {
    std::process::exit(hostile::main());
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {
    eprintln!("memfd-demo-hostile: Linux only");
    std::process::exit(1);
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod hostile {
    use std::fs::File;
    use std::io::{self, Write};
    use std::mem::ManuallyDrop;
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::fs::FileExt;

    const USAGE: &str =
        "usage: memfd-demo-hostile sparse SIZE [--seal-seal] | memfd-demo-hostile pidfile PATH";

    fn size(text: &str) -> Option<u64> {
        let (number, shift) = match text.as_bytes().last()? {
            b'K' => (&text[..text.len() - 1], 10),
            b'M' => (&text[..text.len() - 1], 20),
            b'G' => (&text[..text.len() - 1], 30),
            b'T' => (&text[..text.len() - 1], 40),
            _ => (text, 0),
        };
        number.parse::<u64>().ok()?.checked_mul(1 << shift)
    }

    fn sparse(len: u64, seal_seal: bool) -> io::Result<()> {
        // SAFETY: borrows fd 1 without closing it.
        let out = ManuallyDrop::new(unsafe { File::from_raw_fd(libc::STDOUT_FILENO) });
        (&*out).write_all(b"head\n")?;
        if seal_seal {
            // SAFETY: F_ADD_SEALS takes an integer and touches no memory.
            if unsafe { libc::fcntl(out.as_raw_fd(), libc::F_ADD_SEALS, libc::F_SEAL_SEAL) } != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        out.set_len(len)?;
        out.write_all_at(b"tail\n", len.saturating_sub(5))
    }

    fn pidfile(path: &str) -> io::Result<()> {
        io::stdout().write_all(b"before\n")?;
        std::fs::write(path, std::process::id().to_string())?;
        std::thread::sleep(std::time::Duration::from_secs(60));
        Ok(())
    }

    pub fn main() -> i32 {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let done = match args.as_slice() {
            ["sparse", len] | ["sparse", len, "--seal-seal"] => match size(len) {
                Some(len) => sparse(len, args.len() == 3),
                None => {
                    eprintln!("memfd-demo-hostile: not a size: '{len}'\n{USAGE}");
                    return 2;
                }
            },
            ["pidfile", path] => pidfile(path),
            _ => {
                eprintln!("{USAGE}");
                return 2;
            }
        };
        match done {
            Ok(()) => 0,
            Err(err) => {
                eprintln!("memfd-demo-hostile: {err}");
                1
            }
        }
    }
}
