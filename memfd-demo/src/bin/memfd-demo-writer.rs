//! `memfd-demo-writer STDOUT_BYTES [STDERR_BYTES]`: the child of the benchmarks and tests.
//!
//! Writes the first STDOUT_BYTES bytes of [`memfd_demo::pattern`] to stdout, then the first
//! STDERR_BYTES (default 0) to stderr, in 64 KiB `write(2)` calls (`syscall!`, unbuffered),
//! and exits 0. The same program is the child of every variant the benchmark compares.

#[cfg(any(target_os = "linux", target_os = "android"))]
fn main() {
    std::process::exit(writer::main());
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {
    eprintln!("memfd-demo-writer: Linux only");
    std::process::exit(1);
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod writer {
    use memfd_demo::pattern::{self, PERIOD, WRITE_SIZE};
    use syscalls_sys::{syscall, Errno, SYS_write};

    const USAGE: &str = "usage: memfd-demo-writer STDOUT_BYTES [STDERR_BYTES]";

    fn parse(arg: Option<String>) -> Result<u64, String> {
        match arg {
            None => Ok(0),
            Some(text) => text
                .parse()
                .map_err(|_| format!("not a byte count: '{text}'")),
        }
    }

    /// Writes `len` pattern bytes to `fd` in `WRITE_SIZE` writes.
    fn write_pattern(fd: i32, len: u64, block: &[u8]) -> Result<(), Errno> {
        let mut offset = 0u64;
        while offset < len {
            let n = (len - offset).min(WRITE_SIZE as u64) as usize;
            let start = (offset % PERIOD as u64) as usize;
            let chunk = &block[start..start + n];
            // SAFETY: `chunk` is valid for reads of `chunk.len()` bytes during the call.
            match unsafe { syscall!(SYS_write, fd, chunk.as_ptr(), chunk.len()) } {
                Ok(written) => offset += written as u64,
                Err(errno) if errno == Errno::EINTR => continue,
                Err(errno) => return Err(errno),
            }
        }
        Ok(())
    }

    pub fn main() -> i32 {
        let mut args = std::env::args().skip(1);
        let (out, err) = match (args.next(), args.next(), args.next()) {
            (Some(out), err, None) => match (parse(Some(out)), parse(err)) {
                (Ok(out), Ok(err)) => (out, err),
                (Err(message), _) | (_, Err(message)) => {
                    eprintln!("memfd-demo-writer: {message}\n{USAGE}");
                    return 2;
                }
            },
            _ => {
                eprintln!("{USAGE}");
                return 2;
            }
        };
        let block = pattern::block(WRITE_SIZE);
        for (fd, len, name) in [
            (libc::STDOUT_FILENO, out, "stdout"),
            (libc::STDERR_FILENO, err, "stderr"),
        ] {
            if let Err(errno) = write_pattern(fd, len, &block) {
                eprintln!("memfd-demo-writer: writing {name}: {errno}");
                return 1;
            }
        }
        0
    }
}
