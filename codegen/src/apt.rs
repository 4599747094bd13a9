//! A private apt state under the cache: Debian packages from any suite, without root, without
//! touching the system's apt configuration, on a machine whose `apt-get update` never ran.
//!
//! Each suite gets its own folder, `<cache>/apt/<suite>/`, holding a one-line sources list
//! (signed by the Debian archive keyring the system already has), its own package lists and
//! its own archive cache. The mirror is the one the system's apt sources already name (its
//! security archive for `*-security` suites), or `$SYSCALLS_SYS_DEBIAN_MIRROR`. The system's
//! `apt.conf.d` is still read, so a proxy configured there keeps working.

use crate::error::{Error, Result};
use crate::fsutil::{run, Progress};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The keyring that signs Debian's archives (package `debian-archive-keyring`).
pub const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

const APT_INSTALL: &str = "apt-get is Debian's package client; on another system download the file by hand into the cache's downloads/ folder";

/// One suite's private apt state.
#[derive(Debug, Clone)]
pub struct PrivateApt {
    dir: PathBuf,
    suite: String,
    line: String,
}

impl PrivateApt {
    /// The state for `suite` under `cache_root`, creating its folders and sources list.
    pub fn new(cache_root: &Path, suite: &str) -> Result<PrivateApt> {
        if !Path::new(KEYRING).is_file() {
            return Err(Error::new("the Debian archive keyring is missing")
                .file(Path::new(KEYRING))
                .hint("apt-get install -y debian-archive-keyring"));
        }
        let mirror = mirror_for(suite)?;
        let dir = cache_root.join("apt").join(suite);
        let line = format!("deb [signed-by={KEYRING}] {mirror} {suite} main\n");
        let apt = PrivateApt {
            dir,
            suite: suite.to_string(),
            line,
        };
        for sub in [
            "lists/partial",
            "cache/archives/partial",
            "sources.list.d",
            "preferences.d",
        ] {
            let d = apt.dir.join(sub);
            std::fs::create_dir_all(&d).map_err(|e| Error::io("create the folder", &d, e))?;
        }
        let list = apt.dir.join("sources.list");
        if std::fs::read_to_string(&list).ok().as_deref() != Some(apt.line.as_str()) {
            // Another mirror or suite: the old lists describe something else.
            let lists = apt.dir.join("lists");
            let _ = std::fs::remove_dir_all(&lists);
            std::fs::create_dir_all(lists.join("partial"))
                .map_err(|e| Error::io("create the folder", &lists, e))?;
            crate::fsutil::write_atomic(&list, apt.line.as_bytes())?;
        }
        Ok(apt)
    }

    /// The suite this state fetches from.
    pub fn suite(&self) -> &str {
        &self.suite
    }

    /// The `-o` options that point apt at this state only.
    fn options(&self) -> Vec<String> {
        let d = |rel: &str| self.dir.join(rel).display().to_string();
        vec![
            format!("Dir::Etc::SourceList={}", d("sources.list")),
            format!("Dir::Etc::SourceParts={}", d("sources.list.d")),
            format!("Dir::Etc::Preferences={}", d("preferences")),
            format!("Dir::Etc::PreferencesParts={}", d("preferences.d")),
            format!("Dir::State::Lists={}", d("lists")),
            format!("Dir::Cache={}", d("cache")),
            "Dir::State::status=/dev/null".to_string(),
            // As root apt downloads as `_apt`, which cannot write into our folders.
            "APT::Sandbox::User=root".to_string(),
            "Acquire::Languages=none".to_string(),
            "Debug::NoLocking=true".to_string(),
        ]
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        for o in self.options() {
            cmd.arg("-o").arg(o);
        }
        cmd
    }

    /// Whether the package lists were ever fetched.
    fn has_lists(&self) -> bool {
        std::fs::read_dir(self.dir.join("lists")).is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().contains("_Packages"))
        })
    }

    /// `apt-get update` of this suite only.
    pub fn update(&self, progress: Progress) -> Result<()> {
        progress.step(format!(
            "  apt-get update of {} (private lists in {})",
            self.suite,
            self.dir.display()
        ));
        let mut cmd = self.command("apt-get");
        cmd.args(["-q", "update"]);
        let out = run(&mut cmd, APT_INSTALL)?;
        // apt-get update exits 0 even when a list could not be fetched.
        if out.contains("Err:") || !self.has_lists() {
            return Err(Error::new(format!(
                "apt-get update of suite {} fetched no package list:\n{}",
                self.suite,
                crate::fsutil::tail(&out, 8)
            ))
            .file(self.dir.join("sources.list"))
            .hint(
                "check that the mirror serves this suite (the lock file names it), and the network",
            ));
        }
        Ok(())
    }

    /// Updates the lists if they were never fetched.
    pub fn ensure_lists(&self, progress: Progress) -> Result<()> {
        if self.has_lists() {
            Ok(())
        } else {
            self.update(progress)
        }
    }

    /// `apt-get download <spec>` into `dest` (a folder). When the package or version is not in
    /// the lists, the lists are refreshed once and the download tried again.
    pub fn download(&self, spec: &str, dest: &Path, progress: Progress) -> Result<()> {
        self.ensure_lists(progress)?;
        let attempt = || {
            let mut cmd = self.command("apt-get");
            cmd.args(["-q", "download", spec]).current_dir(dest);
            run(&mut cmd, APT_INSTALL)
        };
        match attempt() {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e.message) => {
                self.update(progress)?;
                attempt().map(drop).map_err(|e| {
                    if is_not_found(&e.message) {
                        e.hint(format!(
                            "{spec} is no longer served by {}; `cargo xtask headers --update` re-pins to what is served now",
                            self.suite
                        ))
                    } else {
                        e
                    }
                })
            }
            Err(e) => Err(e),
        }
    }

    /// The newest `linux-source-X.Y` this suite serves, and its version.
    pub fn newest_kernel_source(&self) -> Result<(String, String)> {
        let mut cmd = self.command("apt-cache");
        cmd.args(["pkgnames", "linux-source-"]);
        let names = run(&mut cmd, APT_INSTALL)?;
        let newest = names
            .lines()
            .filter_map(|n| {
                let series = n.trim().strip_prefix("linux-source-")?;
                let (major, minor) = series.split_once('.')?;
                Some((
                    (major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?),
                    n.trim(),
                ))
            })
            .max()
            .map(|(_, n)| n.to_string())
            .ok_or_else(|| {
                Error::new(format!(
                    "suite {} serves no linux-source-X.Y package",
                    self.suite
                ))
                .file(self.dir.join("sources.list"))
            })?;
        let mut cmd = self.command("apt-cache");
        cmd.args(["show", "--no-all-versions", &newest]);
        let stanza = run(&mut cmd, APT_INSTALL)?;
        let version = stanza
            .lines()
            .find_map(|l| l.strip_prefix("Version:"))
            .map(|v| v.trim().to_string())
            .ok_or_else(|| Error::new(format!("apt-cache show {newest} printed no Version")))?;
        Ok((newest, version))
    }
}

fn is_not_found(message: &str) -> bool {
    message.contains("Unable to locate package")
        || message.contains("was not found")
        || message.contains("Can't select")
        || message.contains("has no installation candidate")
}

/// The mirror to fetch `suite` from: `$SYSCALLS_SYS_DEBIAN_MIRROR` (for `*-security` suites
/// `$SYSCALLS_SYS_DEBIAN_SECURITY_MIRROR`), else the system's apt sources.
fn mirror_for(suite: &str) -> Result<String> {
    let security = is_security(suite);
    let var = if security {
        "SYSCALLS_SYS_DEBIAN_SECURITY_MIRROR"
    } else {
        "SYSCALLS_SYS_DEBIAN_MIRROR"
    };
    if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
        return Ok(v.to_string_lossy().into_owned());
    }
    let entries = system_sources(Path::new("/etc/apt"));
    entries
        .iter()
        .find(|(_, suites)| suites.iter().any(|s| is_security(s) == security))
        .map(|(uri, _)| uri.clone())
        .ok_or_else(|| {
            Error::new(format!(
                "cannot find a Debian {}mirror in the system's apt sources",
                if security { "security " } else { "" }
            ))
            .file(Path::new("/etc/apt/sources.list.d"))
            .hint(format!("set {var} to the mirror's URI"))
        })
}

fn is_security(suite: &str) -> bool {
    suite.ends_with("-security") || suite.ends_with("/updates")
}

/// `(uri, suites)` of every `deb` entry of the apt sources under `etc` (one-line `*.list` files
/// and deb822 `*.sources` files), in file order.
pub fn system_sources(etc: &Path) -> Vec<(String, Vec<String>)> {
    let mut files = vec![etc.join("sources.list")];
    if let Ok(entries) = std::fs::read_dir(etc.join("sources.list.d")) {
        let mut parts: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        parts.sort();
        files.extend(parts);
    }
    let mut out = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        match file.extension().and_then(|e| e.to_str()) {
            Some("sources") => out.extend(parse_deb822(&text)),
            Some("list") => out.extend(parse_one_line(&text)),
            _ => {}
        }
    }
    out
}

fn parse_one_line(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some(rest) = line.strip_prefix("deb ") else {
            continue;
        };
        let mut rest = rest.trim_start();
        if rest.starts_with('[') {
            match rest.find(']') {
                Some(end) => rest = rest[end + 1..].trim_start(),
                None => continue,
            }
        }
        let mut words = rest.split_whitespace();
        if let (Some(uri), Some(suite)) = (words.next(), words.next()) {
            out.push((uri.to_string(), vec![suite.to_string()]));
        }
    }
    out
}

fn parse_deb822(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza.lines().find_map(|l| {
                let (key, value) = l.split_once(':')?;
                (key.trim().eq_ignore_ascii_case(name)).then(|| value.trim().to_string())
            })
        };
        let enabled = field("Enabled").is_none_or(|v| !v.eq_ignore_ascii_case("no"));
        let is_deb = field("Types").is_some_and(|t| t.split_whitespace().any(|t| t == "deb"));
        if !enabled || !is_deb {
            continue;
        }
        let (Some(uris), Some(suites)) = (field("URIs"), field("Suites")) else {
            continue;
        };
        let suites: Vec<String> = suites.split_whitespace().map(str::to_string).collect();
        for uri in uris.split_whitespace() {
            out.push((uri.to_string(), suites.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_sources() {
        let text =
            "# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/debian bookworm main\n\
                    deb-src http://m.example/debian bookworm main\n\
                    deb http://s.example/debian-security bookworm-security main # tail\n";
        assert_eq!(
            parse_one_line(text),
            [
                (
                    "http://m.example/debian".to_string(),
                    vec!["bookworm".to_string()]
                ),
                (
                    "http://s.example/debian-security".to_string(),
                    vec!["bookworm-security".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn deb822_sources_skip_disabled_and_source_stanzas() {
        let text = "Types: deb\n# a comment\nURIs: http://m.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\n\
                    Types: deb-src\nURIs: http://src.example/\nSuites: bookworm\n\n\
                    Types: deb\nEnabled: no\nURIs: http://off.example/\nSuites: sid\n\n\
                    Types: deb\nURIs: http://s.example/debian-security\nSuites: bookworm-security\n";
        let got = parse_deb822(text);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "http://m.example/debian");
        assert_eq!(got[0].1, ["bookworm", "bookworm-updates"]);
        assert_eq!(got[1].0, "http://s.example/debian-security");
    }

    #[test]
    fn security_suites_are_told_apart() {
        assert!(is_security("bookworm-security"));
        assert!(is_security("buster/updates"));
        assert!(!is_security("trixie-backports"));
        assert!(!is_security("sid"));
    }

    #[test]
    fn system_sources_reads_both_formats() {
        let dir = crate::testutil::fixture_dir(&[
            (
                "sources.list",
                "deb http://a.example/debian bookworm main\n",
            ),
            (
                "sources.list.d/x.sources",
                "Types: deb\nURIs: http://b.example/debian-security\nSuites: bookworm-security\n",
            ),
            (
                "sources.list.d/y.list.disabled",
                "deb http://c.example/ x main\n",
            ),
        ]);
        let got = system_sources(dir.path());
        let uris: Vec<&str> = got.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            uris,
            [
                "http://a.example/debian",
                "http://b.example/debian-security"
            ]
        );
    }
}
