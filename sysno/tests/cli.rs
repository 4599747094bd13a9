//! The `sysno` binary as users run it: its output checked against syscalls-sys's own tables
//! (and, for the host's ABI, against the libc crate, which we did not write).

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Command, Output, Stdio};
use syscalls_sys::{abi, ABIS};

fn sysno(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sysno"))
        .args(args)
        .output()
        .expect("sysno runs")
}

fn stdout(args: &[&str]) -> String {
    let out = sysno(args);
    assert!(
        out.status.success(),
        "sysno {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn json(args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&stdout(&args)).expect("--json prints JSON")
}

/// The rows of a text block: `(abi, rest of the line)`.
fn rows(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| {
            let l = l.trim_start();
            let (abi, rest) = l.split_once(' ').unwrap_or((l, ""));
            (abi.to_string(), rest.trim().to_string())
        })
        .collect()
}

#[test]
fn a_name_lists_every_abi_with_the_tables_number() {
    let text = stdout(&["memfd_create"]);
    let rows = rows(&text);
    assert_eq!(rows.len(), 31, "{text}");
    assert_eq!(rows.len(), ABIS.len());
    for ((name, rest), abi) in rows.iter().zip(ABIS) {
        assert_eq!(name, abi.name(), "ABIs in the crate's order");
        let first = rest.split_whitespace().next().unwrap();
        match abi.syscall_number("memfd_create") {
            Some(nr) => assert_eq!(first, nr.to_string(), "{name}"),
            None => assert_eq!(first, "-", "{name} has no memfd_create"),
        }
    }
    // Spot checks that do not go through the crate: the kernel's tables say so.
    assert!(text.contains("x86_64              319"), "{text}");
    assert!(text.contains("aarch64             279"), "{text}");
}

#[test]
#[cfg(all(
    target_os = "linux",
    target_arch = "x86_64",
    target_pointer_width = "64"
))]
fn the_host_abi_agrees_with_the_libc_crate() {
    for (name, nr) in [
        ("memfd_create", libc::SYS_memfd_create),
        ("openat2", libc::SYS_openat2),
        ("pidfd_open", libc::SYS_pidfd_open),
        ("read", libc::SYS_read),
    ] {
        let text = stdout(&[name, "--abi", "x86_64"]);
        let rows = rows(&text);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].1.split_whitespace().next().unwrap(),
            nr.to_string(),
            "{name}"
        );
    }
    let v = json(&["errno", "EDEADLK", "--abi", "x86_64"]);
    assert_eq!(v[0]["results"][0]["number"], libc::EDEADLK);
}

#[test]
fn a_number_names_the_syscall_of_the_chosen_abi() {
    // `i386` is a common spelling of the x86 ABI (syscalls-sys's Abi::by_name).
    let text = stdout(&["1", "--abi", "i386"]);
    // The name, then its signature on that ABI (syscalls-sys's `signatures` feature).
    let found = rows(&text);
    assert_eq!(found.len(), 1, "{text}");
    assert_eq!(found[0].0, "x86", "{text}");
    assert!(found[0].1.starts_with("exit(int error_code)"), "{text}");
    assert_eq!(abi::x86::ABI.syscall_name(1), Some("exit"));
    // Hex, and the prefixes of C's names.
    let hex = stdout(&["0x13f", "--abi", "x86_64"]);
    assert!(rows(&hex)[0].1.starts_with("memfd_create("), "{hex}");
    let prefixed = stdout(&["SYS_memfd_create", "--abi", "x86_64"]);
    assert!(prefixed.contains("319"), "{prefixed}");
}

#[test]
fn errno_shows_each_abis_number_and_description() {
    let v = json(&["errno", "EDEADLK"]);
    let results = v[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), ABIS.len());
    for (r, abi) in results.iter().zip(ABIS) {
        assert_eq!(r["abi"], abi.name());
        let code = abi.errno_number("EDEADLK").expect("every ABI has EDEADLK");
        assert_eq!(r["number"], code);
        assert_eq!(r["description"], abi.errno_description(code).unwrap());
    }
    let by_abi = |name: &str| {
        results
            .iter()
            .find(|r| r["abi"] == name)
            .map(|r| r["number"].as_i64().unwrap())
    };
    // Known answers from the kernel's asm-generic, mips, sparc and alpha errno.h.
    assert_eq!(by_abi("x86_64"), Some(35));
    assert_eq!(by_abi("mips_o32"), Some(45));
    assert_eq!(by_abi("alpha"), Some(11));
    assert_eq!(by_abi("sparc64"), Some(78));

    let text = stdout(&["errno", "edeadlk", "--abi", "alpha"]);
    let row: Vec<&str> = text.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[..3], ["alpha", "11", "EDEADLK"], "{text}");
    // A number, even as a negated return value, names the error.
    let text = stdout(&["errno", "-9", "--abi", "x86_64"]);
    assert!(text.contains("EBADF"), "{text}");
}

#[test]
fn unknown_names_exit_1_with_suggestions() {
    let out = sysno(&["nosuchcall"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no syscall named `nosuchcall`"), "{err}");
    assert!(err.contains("did you mean:"), "{err}");

    let err = String::from_utf8_lossy(&sysno(&["memfd"]).stderr).into_owned();
    assert!(err.contains("memfd_create, memfd_secret"), "{err}");

    let out = sysno(&["fork", "--abi", "aarch64"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it exists on: x86_64"));

    let out = sysno(&["errno", "EDEADLOK"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("EDEADLK"));

    let out = sysno(&["read", "--abi", "nosucharch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown ABI `nosucharch`"));
}

#[test]
fn json_shapes_parse_and_match_the_tables() {
    let v = json(&["memfd_create", "fork"]);
    assert_eq!(v.as_array().unwrap().len(), 2);
    for (q, query) in v.as_array().unwrap().iter().zip(["memfd_create", "fork"]) {
        assert_eq!(q["query"], query);
        for (r, abi) in q["results"].as_array().unwrap().iter().zip(ABIS) {
            assert_eq!(r["abi"], abi.name());
            assert_eq!(r["name"], query);
            assert_eq!(
                r["number"].as_u64(),
                abi.syscall_number(query).map(|n| n as u64)
            );
            assert!(r.get("signature").is_some());
        }
    }

    let v = json(&["list", "--abi", "riscv64"]);
    assert_eq!(v["abi"], "riscv64");
    assert_eq!(v["linux_version"], abi::riscv64::ABI.linux_version());
    let listed: Vec<(String, u64)> = v["syscalls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["number"].as_u64().unwrap(),
            )
        })
        .collect();
    let table: Vec<(String, u64)> = abi::riscv64::ABI
        .syscalls()
        .map(|(n, nr)| (n.to_string(), nr as u64))
        .collect();
    assert_eq!(listed, table);

    let v = json(&["abis"]);
    let abis = v.as_array().unwrap();
    assert_eq!(abis.len(), ABIS.len());
    for (a, abi) in abis.iter().zip(ABIS) {
        assert_eq!(a["name"], abi.name());
        assert_eq!(a["syscalls"], abi.syscalls().len());
        assert_eq!(a["errnos"], abi.errnos().len());
        let arches: Vec<(String, u64)> = a["audit_arches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["name"].as_str().unwrap().to_string(),
                    x["value"].as_u64().unwrap(),
                )
            })
            .collect();
        let table: Vec<(String, u64)> = abi
            .audit_arches()
            .map(|(n, v)| (n.to_string(), u64::from(v)))
            .collect();
        assert_eq!(arches, table);
        assert!(!arches.is_empty(), "{} has an audit arch", abi.name());
    }
}

#[test]
fn diff_partitions_the_names_of_two_abis() {
    let (a, b) = (&abi::x86_64::ABI, &abi::aarch64::ABI);
    let v = json(&["diff", "x86_64", "aarch64"]);
    let names = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect()
    };
    let only_a = names("only_in_a");
    let only_b = names("only_in_b");
    let different = names("different");
    assert!(only_a.contains(&"fork".to_string()));
    assert!(!only_a.contains(&"read".to_string()));
    assert!(different.contains(&"read".to_string()));
    let same = v["same"].as_u64().unwrap() as usize;
    assert_eq!(only_a.len() + different.len() + same, a.syscalls().len());
    assert_eq!(only_b.len() + different.len() + same, b.syscalls().len());
    for name in &only_b {
        assert!(
            a.syscall_number(name).is_none() && b.syscall_number(name).is_some(),
            "{name}"
        );
    }
    // Text: the same counts.
    let text = stdout(&["diff", "x86_64", "aarch64"]);
    assert!(
        text.contains(&format!("only in x86_64 ({}):", only_a.len())),
        "{text}"
    );
    assert!(text.contains(&format!("in both with the same number: {same}")));
}

#[test]
fn common_spellings_name_abis() {
    let v = json(&["memfd_create", "--abi", "amd64,arm64,ppc64le,mipsel,i686"]);
    let abis: Vec<&str> = v[0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["abi"].as_str().unwrap())
        .collect();
    assert_eq!(abis, ["x86_64", "aarch64", "powerpc64", "mips_o32", "x86"]);
}

#[test]
fn abis_lists_every_abi_once() {
    let text = stdout(&["abis"]);
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(lines.len(), ABIS.len());
    for (line, abi) in lines.iter().zip(ABIS) {
        let mut fields = line.split_whitespace();
        assert_eq!(fields.next(), Some(abi.name()));
        assert_eq!(fields.next(), Some(abi.linux_version()));
        assert_eq!(
            fields.next(),
            Some(abi.syscalls().len().to_string().as_str())
        );
    }
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    // Far more than a pipe buffer holds, so that writing must meet the closed pipe.
    let codes: Vec<String> = (1..=130).map(|n| n.to_string()).collect();
    let mut args = vec!["errno", "--json"];
    args.extend(codes.iter().map(String::as_str));
    let mut child = Command::new(env!("CARGO_BIN_EXE_sysno"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sysno runs");
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}: {err}");
    assert_eq!(err, "", "nothing on stderr");
}

#[test]
fn help_has_examples_and_the_json_shapes() {
    let help = stdout(&["--help"]);
    assert!(help.contains("Examples:") && help.contains("sysno errno EDEADLK"));
    let shapes = stdout(&["help", "json"]);
    assert!(shapes.contains("\"only_in_a\""));
    let out = sysno(&[]);
    assert_eq!(out.status.code(), Some(2), "no arguments: usage");
}

/// `Abi::introduced` as JSON, written here again so that the CLI's shape is checked against
/// the shape `cargo xtask export --json` documents, not against the CLI's own code.
fn expected_since(abi: &syscalls_sys::Abi, name: &str) -> Value {
    use syscalls_sys::Since;
    match abi.introduced(name) {
        None => Value::Null,
        Some(Since::Exact(v)) => serde_json::json!({"exact": v.to_string()}),
        Some(Since::Range { after, by }) => {
            serde_json::json!({"after": after.to_string(), "by": by.to_string()})
        }
        Some(Since::AtOrBefore { by, generic: None }) => {
            serde_json::json!({"by": by.to_string()})
        }
        Some(Since::AtOrBefore {
            by,
            generic: Some(g),
        }) => serde_json::json!({"by": by.to_string(), "generic": g.to_string()}),
    }
}

#[test]
fn since_in_json_is_the_crates_history_for_every_name_on_every_abi() {
    let names: BTreeSet<&str> = ABIS
        .iter()
        .flat_map(|abi| abi.syscalls().map(|(name, _)| name))
        .collect();
    let mut args: Vec<&str> = names.iter().copied().collect();
    args.push("--json");
    let v: Value = serde_json::from_str(&stdout(&args)).unwrap();
    let (mut known, mut absent_unknown, mut removed) = (0, 0, 0);
    for (q, name) in v.as_array().unwrap().iter().zip(&names) {
        assert_eq!(q["query"], *name);
        for (r, abi) in q["results"].as_array().unwrap().iter().zip(ABIS) {
            assert_eq!(r["abi"], abi.name());
            let want = expected_since(abi, name);
            assert_eq!(r["since"], want, "{name} on {}", abi.name());
            if abi.syscall_number(name).is_some() {
                // Every syscall of every ABI has a history entry.
                assert!(!want.is_null(), "{name} on {} has no since", abi.name());
                known += 1;
            } else if want.is_null() {
                absent_unknown += 1;
            }
            let gone = abi
                .removed(name)
                .map(|(a, b)| serde_json::json!({"after": a.to_string(), "by": b.to_string()}))
                .unwrap_or(Value::Null);
            assert_eq!(r["removed"], gone, "{name} on {}", abi.name());
            removed += usize::from(!gone.is_null());
        }
    }
    assert_eq!(
        known,
        ABIS.iter().map(|abi| abi.syscalls().len()).sum::<usize>()
    );
    assert!(absent_unknown > 0, "some ABIs lack some syscalls");
    eprintln!("{known} known, {absent_unknown} absent, {removed} removed");
}

#[test]
fn since_in_text_is_the_crates_history_and_absent_calls_have_none() {
    let abis = ["x86_64", "aarch64", "loongarch32", "s390", "sh", "alpha"];
    let calls = [
        "memfd_create",
        "futex_waitv",
        "cachestat",
        "fchroot",
        "clone3",
    ];
    let mut args: Vec<&str> = calls.to_vec();
    let abi_list = abis.join(",");
    args.extend(["--abi", &abi_list]);
    let text = stdout(&args);
    let blocks: Vec<&str> = text.lines().collect();
    // One header line per call, then one row per ABI.
    assert_eq!(blocks.len(), calls.len() * (abis.len() + 1), "{text}");
    let mut absent = 0;
    for (call, block) in calls.iter().zip(blocks.chunks(abis.len() + 1)) {
        assert!(block[0].starts_with(call), "{text}");
        for (line, name) in block[1..].iter().zip(abis) {
            let abi = syscalls_sys::Abi::by_name(name).unwrap();
            assert!(line.trim_start().starts_with(abi.name()), "{line}");
            match (abi.syscall_number(call), abi.introduced(call)) {
                (Some(_), Some(since)) => {
                    let want = format!("since {since} ");
                    assert!(
                        line.contains(&want) || line.trim_end().ends_with(want.trim_end()),
                        "{call} on {name}: want `{want}` in `{line}`"
                    );
                }
                (Some(_), None) => panic!("{call} on {name} has no history"),
                (None, _) => {
                    absent += 1;
                    assert!(line.contains("(none on this ABI"), "{line}");
                    assert!(!line.contains("since"), "{line}");
                }
            }
        }
    }
    assert!(absent > 0, "clone3 is absent on sh: {text}");
    // Known facts, from the man pages' HISTORY and the sampled kernels (issue 14).
    let x86_64 = stdout(&[
        "futex_waitv",
        "cachestat",
        "fchroot",
        "memfd_create",
        "-a",
        "x86_64",
    ]);
    for want in [
        "since 5.16",
        "since 6.5",
        "since after 7.2, by 7.3",
        "since <= 5.10 (generic 3.17)",
    ] {
        assert!(x86_64.contains(want), "{want} in {x86_64}");
    }
}

#[test]
fn a_number_query_says_since_when_too() {
    let text = stdout(&["0x1c1", "--abi", "x86_64,aarch64"]);
    for (line, abi) in rows(&text)
        .iter()
        .zip([abi::x86_64::ABI, abi::aarch64::ABI])
    {
        let name = abi.syscall_name(0x1c1).unwrap();
        assert!(line.1.starts_with(name), "{text}");
        let since = abi.introduced(name).unwrap();
        assert!(line.1.ends_with(&format!("since {since}")), "{text}");
    }
}

#[test]
fn abis_say_how_far_each_history_goes() {
    let v = json(&["abis"]);
    for (a, abi) in v.as_array().unwrap().iter().zip(ABIS) {
        assert_eq!(
            a["history"]["until"].as_str(),
            abi.history_until().map(|v| v.to_string()).as_deref(),
            "{}",
            abi.name()
        );
        let ends = abi
            .ends()
            .map(|(x, y)| serde_json::json!({"after": x.to_string(), "by": y.to_string()}))
            .unwrap_or(Value::Null);
        assert_eq!(a["history"]["ends"], ends, "{}", abi.name());
    }
    // s390's 31-bit ABI is gone from recent kernels; x86_64 goes on.
    assert!(abi::s390::ABI.ends().is_some());
    assert!(abi::x86_64::ABI.ends().is_none());
    let text = stdout(&["abis"]);
    let s390 = text.lines().find(|l| l.starts_with("s390 ")).unwrap();
    let (_, gone) = abi::s390::ABI.ends().unwrap();
    assert!(s390.contains(&format!("gone by {gone}")), "{s390}");
}

#[test]
fn a_removed_syscall_says_when_it_went() {
    // Every (ABI, syscall) the history says was removed; csky and hexagon lost
    // sync_file_range (they have sync_file_range2), per the sampled kernels.
    let names: BTreeSet<&str> = ABIS
        .iter()
        .flat_map(|abi| abi.syscalls().map(|(name, _)| name))
        .collect();
    let mut seen = 0;
    for abi in ABIS {
        for name in &names {
            let Some((last, gone)) = abi.removed(name) else {
                continue;
            };
            assert_eq!(abi.syscall_number(name), None, "{name} on {}", abi.name());
            let text = stdout(&[name, "--abi", "x86_64", "--abi", abi.name()]);
            let want = format!("(none on this ABI: last seen in {last}, gone by {gone})");
            assert!(text.contains(&want), "{want} in {text}");
            seen += 1;
        }
    }
    assert!(seen > 0, "the history records some removals");
    assert!(abi::csky::ABI.removed("sync_file_range").is_some());
}
