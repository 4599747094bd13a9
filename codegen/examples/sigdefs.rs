//! Scans a kernel source tree with `codegen::sigdefs` and prints what table symbols resolve to.
//!
//! ```text
//! cargo run --release -p codegen --example sigdefs -- <kernel-src> [--rounds N] [ARCH BITS SYMBOL]...
//! ```
//!
//! Prints the median wall time of `Definitions::scan` over the rounds, the same for loading the
//! scan back from its JSON (what a caller that caches the scan pays), and, for each
//! `ARCH BITS SYMBOL` triple (`BITS` 32, 64 or 0 for either), the definition, where it is and
//! how it was reached, or why nothing is.

use codegen::sigdefs::Definitions;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args[0] == "--help" {
        eprintln!("usage: sigdefs <kernel-src> [--rounds N] [ARCH BITS SYMBOL]...");
        std::process::exit(2);
    }
    let src = std::path::PathBuf::from(args.remove(0));
    let mut rounds = 1usize;
    if args.first().map(String::as_str) == Some("--rounds") {
        rounds = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
        args.drain(..2.min(args.len()));
    }
    let mut scans = Vec::new();
    let mut defs = None;
    for _ in 0..rounds {
        let start = Instant::now();
        match Definitions::scan(&src) {
            Ok(d) => defs = Some(d),
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
        scans.push(start.elapsed());
    }
    let defs = defs.expect("at least one round");
    let json = defs.to_json().expect("serialisable");
    let mut loads = Vec::new();
    for _ in 0..rounds.max(5) {
        let start = Instant::now();
        let back = Definitions::from_json(&json).expect("round trip");
        loads.push(start.elapsed());
        assert_eq!(back.len(), defs.len());
    }
    println!(
        "scan: median {:.3?} over {} rounds ({:?}); {} definitions; JSON {} bytes, load median {:.3?}",
        median(scans.clone()),
        rounds,
        scans,
        defs.len(),
        json.len(),
        median(loads)
    );
    for triple in args.chunks(3) {
        let [arch, bits, symbol] = triple else {
            eprintln!("error: give ARCH BITS SYMBOL triples");
            std::process::exit(2);
        };
        let bits: u32 = bits.parse().unwrap_or(0);
        match defs.explain_on(arch, bits, symbol) {
            Some(r) => {
                let d = r.definition;
                let params: Vec<String> = d
                    .params
                    .iter()
                    .map(|p| format!("{} {}", p.ty, p.name))
                    .collect();
                println!(
                    "{arch}/{bits} {symbol} = {}({})  [{}:{}{}]",
                    d.symbol,
                    params.join(", "),
                    d.file,
                    d.line,
                    if d.takes_pt_regs() {
                        ", takes pt_regs"
                    } else {
                        ""
                    }
                );
                for step in r.via {
                    println!("    via {step:?}");
                }
            }
            None => println!(
                "{arch}/{bits} {symbol}: {}",
                defs.why_unresolved_on(arch, bits, symbol)
                    .unwrap_or_default()
            ),
        }
    }
}
