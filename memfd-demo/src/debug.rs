//! The debug-level switch: a few lines on stderr about the choices the library makes (which
//! buffer it created, why it fell back, whether it sealed and mapped).
//!
//! Off by default. On when the environment variable `MEMFD_DEMO_DEBUG` is set to anything
//! but the empty string or `0` (read once, at the first message), or after
//! [`set_debug(true)`](set_debug); the `memfd-demo` binary's `-v` does the latter.

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

/// The environment variable that turns debug messages on.
pub const DEBUG_ENV: &str = "MEMFD_DEMO_DEBUG";

const UNKNOWN: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Turns debug messages on or off for the whole process, whatever `MEMFD_DEMO_DEBUG` says.
pub fn set_debug(on: bool) {
    STATE.store(if on { ON } else { OFF }, Ordering::Relaxed);
}

/// Whether debug messages are on.
pub fn debug_enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        ON => true,
        OFF => false,
        _ => {
            let on = std::env::var_os(DEBUG_ENV).is_some_and(|v| !v.is_empty() && v != "0");
            // A concurrent `set_debug` wins over the environment.
            let _ = STATE.compare_exchange(
                UNKNOWN,
                if on { ON } else { OFF },
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
            STATE.load(Ordering::Relaxed) == ON
        }
    }
}

/// Writes `memfd-demo: debug: <message>` to stderr if debug messages are on.
pub(crate) fn log(message: fmt::Arguments<'_>) {
    if debug_enabled() {
        // One write of the whole line, so that concurrent messages do not interleave; a
        // failing stderr is not worth an error.
        let line = format!("memfd-demo: debug: {message}\n");
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
}

/// `debug!("format", args…)`: a debug-level message, formatted only when debugging is on.
macro_rules! debug {
    ($($arg:tt)*) => {
        $crate::debug::log(::std::format_args!($($arg)*))
    };
}
pub(crate) use debug;
