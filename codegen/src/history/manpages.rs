//! The generic "since Linux X" of the man pages: the first `Linux X.Y[.Z]` of each section 2
//! page's HISTORY section, per syscall name.
//!
//! A HISTORY section either opens with one statement for the whole page (`Linux 3.17,`), or
//! lists names (`.TP` / `.BR dup3 ()` / `.TQ` …) each followed by its own statement. A name
//! gets the version of the item that names it, else the page's own statement. Link pages
//! (`.so man2/dup.2`) take their name's item in the target page, else its page statement.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// A Linux version as the man pages write it (`2.6.27`, `5.6`).
pub type ManVersion = (u32, u32, u32);

/// What one page's HISTORY says.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PageHistory {
    /// The statement for the whole page, if the section opens with one.
    pub page: Option<ManVersion>,
    /// Per named item (`.BR name ()` after `.TP`/`.TQ`).
    pub items: BTreeMap<String, ManVersion>,
}

/// Reads every `*.2.gz` (or `*.2`) page of `man2`: `name → version`.
pub fn read_dir(man2: &Path) -> Result<BTreeMap<String, ManVersion>> {
    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    let entries = std::fs::read_dir(man2).map_err(|e| Error::io("list", man2, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list", man2, e))?;
        let file = entry.file_name().to_string_lossy().into_owned();
        let (name, gz) = if let Some(n) = file.strip_suffix(".2.gz") {
            (n, true)
        } else if let Some(n) = file.strip_suffix(".2") {
            (n, false)
        } else {
            continue;
        };
        let path = entry.path();
        // Links into other sections (mq_open.2 -> man3) are not extracted: no syscall page.
        if !path.exists() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
        let text = if gz {
            let mut out = String::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut out)
                .map_err(|e| Error::io("decompress", &path, e))?;
            out
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        };
        pages.insert(name.to_string(), text);
    }
    if pages.is_empty() {
        return Err(Error::new("no section 2 pages here").file(man2));
    }
    Ok(versions(&pages))
}

/// `name → version` from page texts by page name.
pub fn versions(pages: &BTreeMap<String, String>) -> BTreeMap<String, ManVersion> {
    let mut out = BTreeMap::new();
    for (name, text) in pages {
        // A link page: `.so man2/target.2`.
        let target = text
            .lines()
            .find_map(|l| l.trim().strip_prefix(".so "))
            .and_then(|t| t.trim().rsplit('/').next())
            .and_then(|t| t.strip_suffix(".2"));
        let (history, own) = match target {
            Some(t) => match pages.get(t) {
                Some(target_text) => (parse(target_text), false),
                None => continue,
            },
            None => (parse(text), true),
        };
        let version = history.items.get(name).copied().or(
            // A page statement covers the page's own name; on a link page it covers the
            // link's name only when the page lists no names (one statement for all).
            if own || history.items.is_empty() {
                history.page
            } else {
                None
            },
        );
        if let Some(v) = version {
            out.insert(name.clone(), v);
        }
    }
    out
}

/// The HISTORY section of one page.
pub fn parse(text: &str) -> PageHistory {
    let mut out = PageHistory::default();
    let mut in_history = false;
    let mut names: Vec<String> = Vec::new();
    let mut item_done = false;
    let mut expect_name = false;
    for line in text.lines() {
        let line = line.trim_end();
        if let Some(title) = line.strip_prefix(".SH") {
            let title = title.trim().trim_matches('"');
            if in_history {
                break;
            }
            in_history = title == "HISTORY";
            continue;
        }
        if !in_history || line.starts_with(".\\\"") || line.starts_with("'\\\"") {
            continue;
        }
        // The lead block ends at the first paragraph or subsection.
        if matches!(line, ".P" | ".PP" | ".LP") || line.starts_with(".SS") {
            break;
        }
        if line == ".TP" {
            names.clear();
            item_done = false;
            expect_name = true;
            continue;
        }
        if line == ".TQ" {
            expect_name = true;
            continue;
        }
        if expect_name {
            expect_name = false;
            if let Some(rest) = line
                .strip_prefix(".BR ")
                .or_else(|| line.strip_prefix(".B "))
            {
                let name = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_matches('"')
                    .to_string();
                if !name.is_empty() {
                    names.push(name);
                }
                continue;
            }
        }
        let Some(version) = linux_version(line) else {
            continue;
        };
        if names.is_empty() {
            if out.page.is_none() && out.items.is_empty() {
                out.page = Some(version);
            }
        } else if !item_done {
            for n in &names {
                out.items.entry(n.clone()).or_insert(version);
            }
            item_done = true;
        }
    }
    out
}

/// The first `Linux X.Y[.Z]` of a line.
fn linux_version(line: &str) -> Option<ManVersion> {
    let mut rest = line;
    while let Some(i) = rest.find("Linux ") {
        let after = &rest[i + "Linux ".len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(after.len());
        let numbers: Vec<u32> = after[..end]
            .trim_end_matches('.')
            .split('.')
            .map_while(|p| p.parse().ok())
            .collect();
        if numbers.len() >= 2 {
            return Some((numbers[0], numbers[1], numbers.get(2).copied().unwrap_or(0)));
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    // Page texts written for the test in the man pages' markup.
    const WHOLE: &str = ".TH x 2\n.SH NAME\nx\n.SH HISTORY\n.\\\" a comment, Linux 9.9\nLinux 3.17,\nglibc 2.27.\n.SH NOTES\nLinux 4.0\n";
    const ITEMS: &str = ".SH HISTORY\n.TP\n.BR dup ()\n.TQ\n.BR dup2 ()\n4.3BSD.\n.TP\n.BR dup3 ()\nPOSIX.1-2024.\nLinux 2.6.27,\nglibc 2.9.\n.SH NOTES\n";
    const LATER: &str =
        ".SH HISTORY\n.TP\n.BR clone3 ()\nLinux 5.3.\n.SS Linux 2.4 and earlier\nLinux 2.4.7\n";

    #[test]
    fn page_statement_and_items() {
        assert_eq!(parse(WHOLE).page, Some((3, 17, 0)));
        let items = parse(ITEMS);
        assert_eq!(items.page, None);
        assert_eq!(items.items.get("dup3"), Some(&(2, 6, 27)));
        assert_eq!(items.items.get("dup"), None);
        let later = parse(LATER);
        assert_eq!(later.items.len(), 1);
        assert_eq!(later.items["clone3"], (5, 3, 0));
    }

    #[test]
    fn links_take_their_own_item() {
        let mut pages = BTreeMap::new();
        pages.insert("memfd_create".to_string(), WHOLE.to_string());
        pages.insert("dup".to_string(), ITEMS.to_string());
        pages.insert("dup3".to_string(), ".so man2/dup.2\n".to_string());
        pages.insert("dup2".to_string(), ".so man2/dup.2\n".to_string());
        pages.insert("clone".to_string(), LATER.to_string());
        pages.insert("clone3".to_string(), ".so man2/clone.2\n".to_string());
        let v = versions(&pages);
        assert_eq!(v.get("memfd_create"), Some(&(3, 17, 0)));
        assert_eq!(v.get("dup3"), Some(&(2, 6, 27)));
        assert_eq!(v.get("clone3"), Some(&(5, 3, 0)));
        assert_eq!(v.get("dup"), None);
        assert_eq!(v.get("dup2"), None);
        assert_eq!(v.get("clone"), None);
    }

    #[test]
    fn version_forms() {
        assert_eq!(linux_version("Linux 5.6."), Some((5, 6, 0)));
        assert_eq!(linux_version("since Linux 2.6.16 (x86)"), Some((2, 6, 16)));
        assert_eq!(
            linux_version("Linux kernel, then Linux 4.11,"),
            Some((4, 11, 0))
        );
        assert_eq!(linux_version("glibc 2.9."), None);
    }
}
