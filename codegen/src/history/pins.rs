//! The `[[history]]` pins of `headers/headers.lock`: the sample kernels and the man pages that
//! `cargo xtask history` reads. They are separate from the `[[source]]` pins of `gen`: a sample
//! never feeds the crate's tables, only the "since which Linux" data.

use crate::error::{Error, Result};
use crate::lock::{Artifact, Origin};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One pinned input of `cargo xtask history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryPin {
    /// Short name, also its cache folder: `linux-5.10`, `zig-5.16`, `man-pages`.
    pub id: String,
    /// The Linux version inside (`5.10.262`, `6.3.8`), as its Makefile or `linux/version.h`
    /// says; absent for the man pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linux: Option<String>,
    /// The downloaded file.
    pub artifact: Artifact,
}

/// What a pin holds, from its origin and package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinKind {
    /// A Debian `linux-source-*` package: the whole kernel source.
    KernelSource,
    /// A `ziglang` wheel: installed UAPI headers of the main arches.
    ZigHeaders,
    /// Debian's `manpages-dev`: the section 2 pages.
    ManPages,
}

impl HistoryPin {
    /// The kind, or an error naming the pin.
    pub fn kind(&self) -> Result<PinKind> {
        match (self.artifact.origin, self.artifact.package.as_str()) {
            (Origin::Debian, p) if p.starts_with("linux-source-") => Ok(PinKind::KernelSource),
            (Origin::Pypi, "ziglang") => Ok(PinKind::ZigHeaders),
            (Origin::Debian, "manpages-dev") => Ok(PinKind::ManPages),
            (origin, package) => Err(Error::new(format!(
                "history pin {}: unsupported package {package} from {origin:?}",
                self.id
            ))
            .hint("history pins are linux-source-* or manpages-dev (debian), or ziglang (pypi)")),
        }
    }

    /// `major.minor` of the pinned Linux version (`5.10` of `5.10.262`).
    pub fn series(&self) -> Option<(u32, u32)> {
        let linux = self.linux.as_deref()?;
        let mut parts = linux.split('.').map(|p| p.parse::<u32>().ok());
        match (parts.next()?, parts.next()?) {
            (Some(major), Some(minor)) => Some((major, minor)),
            _ => None,
        }
    }
}

/// Checks the history pins: unique ids, supported packages, a Linux version on every sample,
/// exactly one man-pages pin, a suite on every Debian artifact (what the private apt state
/// fetches from), well-formed sha256.
pub fn validate(pins: &[HistoryPin]) -> Result<()> {
    let fix = "fix the [[history]] entries of headers/headers.lock";
    let mut ids = BTreeSet::new();
    let mut man = 0;
    for pin in pins {
        if !ids.insert(pin.id.as_str()) {
            return Err(Error::new(format!("history pin {} appears twice", pin.id)).hint(fix));
        }
        let kind = pin.kind()?;
        match kind {
            PinKind::ManPages => man += 1,
            _ if pin.series().is_none() => {
                return Err(Error::new(format!(
                    "history pin {} has no `linux = \"major.minor[.patch]\"`",
                    pin.id
                ))
                .hint(fix))
            }
            _ => {}
        }
        if pin.artifact.origin == Origin::Debian && pin.artifact.suite.is_none() {
            return Err(Error::new(format!(
                "history pin {} is a Debian package without `suite`",
                pin.id
            ))
            .hint(fix));
        }
        let sha = &pin.artifact.sha256;
        if sha.len() != 64
            || !sha
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(Error::new(format!(
                "history pin {}: sha256 {sha:?} is not 64 lowercase hex digits",
                pin.id
            ))
            .hint(fix));
        }
    }
    if !pins.is_empty() && man != 1 {
        return Err(Error::new(format!(
            "the history pins hold {man} man-pages packages, expected one"
        ))
        .hint(fix));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn pin(id: &str, linux: Option<&str>, origin: Origin, package: &str) -> HistoryPin {
        HistoryPin {
            id: id.into(),
            linux: linux.map(str::to_string),
            artifact: Artifact {
                origin,
                package: package.into(),
                version: "1".into(),
                suite: (origin == Origin::Debian).then(|| "sid".to_string()),
                file: format!("{package}_1_all.deb"),
                sha256: "a".repeat(64),
            },
        }
    }

    #[test]
    fn kinds_and_series() {
        let k = pin(
            "linux-5.10",
            Some("5.10.262"),
            Origin::Debian,
            "linux-source-5.10",
        );
        assert_eq!(k.kind().unwrap(), PinKind::KernelSource);
        assert_eq!(k.series(), Some((5, 10)));
        let z = pin("zig-6.19", Some("6.19"), Origin::Pypi, "ziglang");
        assert_eq!(z.kind().unwrap(), PinKind::ZigHeaders);
        assert_eq!(z.series(), Some((6, 19)));
        let bad = pin("x", Some("1.0"), Origin::Pypi, "libclang");
        assert!(bad
            .kind()
            .unwrap_err()
            .message
            .contains("unsupported package"));
    }

    #[test]
    fn validation_errors_name_the_pin() {
        let man = pin("man-pages", None, Origin::Debian, "manpages-dev");
        let k = pin(
            "linux-5.10",
            Some("5.10.262"),
            Origin::Debian,
            "linux-source-5.10",
        );
        validate(&[k.clone(), man.clone()]).unwrap();
        let e = validate(&[k.clone(), k.clone(), man.clone()]).unwrap_err();
        assert!(e.message.contains("linux-5.10 appears twice"), "{e}");
        let e = validate(std::slice::from_ref(&k)).unwrap_err();
        assert!(e.message.contains("0 man-pages"), "{e}");
        let mut no_linux = k.clone();
        no_linux.linux = None;
        let e = validate(&[no_linux, man.clone()]).unwrap_err();
        assert!(e.message.contains("no `linux"), "{e}");
        let mut no_suite = k;
        no_suite.artifact.suite = None;
        let e = validate(&[no_suite, man]).unwrap_err();
        assert!(e.message.contains("without `suite`"), "{e}");
    }
}
