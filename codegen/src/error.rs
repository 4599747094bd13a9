//! [`Error`]: what went wrong, for which ABI and file, and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A generator failure. Its `Display` names the ABI and the file involved, when known, and
/// ends with a hint saying what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The ABI being processed, if any.
    pub abi: Option<String>,
    /// The file (header, lock file, artifact, output) the error is about, if any.
    pub file: Option<PathBuf>,
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// `Result` with the generator's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with just a message; add context with the builder methods.
    pub fn new(message: impl Into<String>) -> Error {
        Error {
            abi: None,
            file: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Names the ABI, unless an inner step already did.
    pub fn abi(mut self, abi: &str) -> Error {
        self.abi.get_or_insert_with(|| abi.to_string());
        self
    }

    /// Names the file, unless an inner step already did.
    pub fn file(mut self, file: impl AsRef<Path>) -> Error {
        self.file.get_or_insert_with(|| file.as_ref().to_path_buf());
        self
    }

    /// Says what to do, unless an inner step already did.
    pub fn hint(mut self, hint: impl Into<String>) -> Error {
        self.hint.get_or_insert_with(|| hint.into());
        self
    }

    /// An I/O error on `path`, with the operation that failed.
    pub fn io(operation: &str, path: impl AsRef<Path>, err: std::io::Error) -> Error {
        Error::new(format!("cannot {operation}: {err}")).file(path)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(abi) = &self.abi {
            write!(f, "ABI {abi}: ")?;
        }
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Adds context to the error of a `Result`.
pub trait Context<T> {
    /// Names the ABI on error.
    fn abi(self, abi: &str) -> Result<T>;
    /// Names the file on error.
    fn file(self, file: impl AsRef<Path>) -> Result<T>;
}

impl<T> Context<T> for Result<T> {
    fn abi(self, abi: &str) -> Result<T> {
        self.map_err(|e| e.abi(abi))
    }
    fn file(self, file: impl AsRef<Path>) -> Result<T> {
        self.map_err(|e| e.file(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_abi_file_and_hint() {
        let e = Error::new("number 9999 outside 0x0..0x400")
            .file("asm/unistd_64.h")
            .abi("x86_64")
            .hint("check the selecting macros");
        assert_eq!(
            e.to_string(),
            "ABI x86_64: asm/unistd_64.h: number 9999 outside 0x0..0x400\n  hint: check the selecting macros"
        );
    }

    #[test]
    fn inner_context_wins() {
        let r: Result<()> = Err(Error::new("x").file("inner.h"));
        let e = r.file("outer.h").abi("arm").unwrap_err();
        assert_eq!(e.file.as_deref(), Some(Path::new("inner.h")));
        assert_eq!(e.abi.as_deref(), Some("arm"));
    }
}
