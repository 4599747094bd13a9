//! The signatures as `syscalls-sys` holds them (its `signatures` feature): one `@generated`
//! file, `sigdata/mod.rs`, of packed literals read by the hand-written `signature.rs`; and the
//! way back, for `export --json`.
//!
//! Layout (all integers little-endian):
//! - `STRINGS`: every distinct string (entry symbols, parameter names and types) back to back;
//!   `STRING_ENDS`: the end offset of string `i` as `u32` (its start is the end of `i - 1`).
//! - `ARGS`: 6 bytes per argument: name id `u16`, type id `u16`, first register `u8`,
//!   register count `u8`. Identical argument lists are stored once.
//! - One `SignatureTable` per ABI: `names`, every syscall name sorted by byte order, each
//!   followed by a space; `starts`, the `u16` offset of each name; `records`, 8 bytes per
//!   name in the same order: entry string id `u16` (`0xffff`: none), first argument `u16`,
//!   argument count `u8`, register count `u8`, flags `u8` (bit 0: implemented, bit 1: has a
//!   signature), and a zero byte; `pair_order`: 0 low half first, 1 high half first, 2 byte
//!   order (64-bit ABIs: 2, unused).

use crate::abi::{AbiSpec, PairOrder};
use crate::error::{Error, Result};
use crate::render::MARKER;
use crate::signatures::AbiSignatures;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::collections::BTreeMap;

/// The generated file, relative to `syscalls-sys/src`.
pub const SIGDATA_PATH: &str = "sigdata/mod.rs";

const NO_ENTRY: u16 = 0xffff;
const IMPLEMENTED: u8 = 1;
const HAS_SIGNATURE: u8 = 2;

/// One syscall as the crate stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSyscall {
    /// Syscall name.
    pub name: String,
    /// Entry symbol, if the table names one.
    pub entry: Option<String>,
    /// Whether the number does something.
    pub implemented: bool,
    /// `(name, type, first register, register count)` per argument, when known.
    pub args: Option<Vec<(String, String, u8, u8)>>,
    /// Argument registers used (0 when unknown).
    pub registers: u8,
}

/// One ABI as the crate stores it, syscalls by name.
pub type StoredAbi = BTreeMap<String, StoredSyscall>;

/// The stored form of the model.
pub fn to_stored(abi: &AbiSignatures) -> StoredAbi {
    abi.syscalls
        .iter()
        .map(|s| {
            let stored = StoredSyscall {
                name: s.name.clone(),
                entry: s.entry.clone(),
                implemented: s.implemented,
                args: s.signature.as_ref().map(|sig| {
                    sig.args
                        .iter()
                        .map(|a| (a.name.clone(), a.ty.clone(), a.first, a.count))
                        .collect()
                }),
                registers: s.signature.as_ref().map_or(0, |sig| sig.registers),
            };
            (s.name.clone(), stored)
        })
        .collect()
}

fn order_code(order: PairOrder, bits: u8) -> u8 {
    match (bits, order) {
        (64, _) | (_, PairOrder::ByteOrder) => 2,
        (_, PairOrder::LowFirst) => 0,
        (_, PairOrder::HighFirst) => 1,
    }
}

#[derive(Default)]
struct Pools {
    strings: Vec<String>,
    string_ids: BTreeMap<String, u16>,
    args: Vec<u8>,
    lists: BTreeMap<Vec<(u16, u16, u8, u8)>, u16>,
}

impl Pools {
    fn string(&mut self, s: &str) -> u16 {
        if let Some(&id) = self.string_ids.get(s) {
            return id;
        }
        let id = u16::try_from(self.strings.len()).expect("fewer than 65535 distinct strings");
        assert!(id != NO_ENTRY);
        self.strings.push(s.to_string());
        self.string_ids.insert(s.to_string(), id);
        id
    }

    /// The index of the first argument of `args`, stored once per distinct list.
    fn list(&mut self, args: &[(String, String, u8, u8)]) -> u16 {
        let key: Vec<(u16, u16, u8, u8)> = args
            .iter()
            .map(|(n, t, f, c)| (self.string(n), self.string(t), *f, *c))
            .collect();
        if let Some(&start) = self.lists.get(&key) {
            return start;
        }
        let start = u16::try_from(self.args.len() / 6).expect("fewer than 65536 arguments");
        for (n, t, f, c) in &key {
            self.args.extend(n.to_le_bytes());
            self.args.extend(t.to_le_bytes());
            self.args.push(*f);
            self.args.push(*c);
        }
        self.lists.insert(key, start);
        start
    }
}

/// Renders `sigdata/mod.rs` for the ABIs of `abis` (in ABI-table order).
pub fn render(specs: &[AbiSpec], abis: &[(String, StoredAbi)], origin: &str) -> String {
    let mut pools = Pools::default();
    let mut tables = Vec::new();
    for spec in specs {
        let Some((_, stored)) = abis.iter().find(|(name, _)| name == spec.name) else {
            continue;
        };
        let mut names = String::new();
        let mut starts = Vec::new();
        let mut records = Vec::new();
        for (name, s) in stored {
            starts.extend(
                u16::try_from(names.len())
                    .expect("short names")
                    .to_le_bytes(),
            );
            names.push_str(name);
            names.push(' ');
            let entry = s.entry.as_deref().map_or(NO_ENTRY, |e| pools.string(e));
            let (first, count) = match &s.args {
                Some(args) => (
                    pools.list(args),
                    u8::try_from(args.len()).expect("few args"),
                ),
                None => (0, 0),
            };
            let flags = (if s.implemented { IMPLEMENTED } else { 0 })
                | (if s.args.is_some() { HAS_SIGNATURE } else { 0 });
            records.extend(entry.to_le_bytes());
            records.extend(first.to_le_bytes());
            records.extend([count, s.registers, flags, 0]);
        }
        let order = order_code(spec.arg_registers.order, spec.arg_registers.bits);
        let abi = spec.name;
        let names = Literal::string(&names);
        let starts = Literal::byte_string(&starts);
        let records = Literal::byte_string(&records);
        tables.push(quote! {
            (#abi, SignatureTable { names: #names, starts: #starts, records: #records, pair_order: #order })
        });
    }
    let mut ends = Vec::new();
    let mut all = String::new();
    for s in &pools.strings {
        all.push_str(s);
        ends.extend(u32::try_from(all.len()).expect("short pool").to_le_bytes());
    }
    let strings = Literal::string(&all);
    let ends = Literal::byte_string(&ends);
    let args = Literal::byte_string(&pools.args);
    let tokens: TokenStream = quote! {
        use crate::signature::SignatureTable;
        /// Every distinct string, back to back.
        pub(crate) const STRINGS: &str = #strings;
        /// End offset of each string of `STRINGS`, `u32` little-endian.
        pub(crate) const STRING_ENDS: &[u8] = #ends;
        /// Every distinct argument list, 6 bytes per argument.
        pub(crate) const ARGS: &[u8] = #args;
        /// One table per ABI, by canonical name.
        pub(crate) const TABLES: &[(&str, SignatureTable)] = &[#(#tables),*];
    };
    let file: syn::File = syn::parse2(tokens).expect("generated tokens parse");
    format!(
        "{MARKER} from {origin}. Do not edit by hand.\n\
         //! Syscall signatures of every ABI, packed (see `sigdata.rs` in codegen); read by\n\
         //! `signature.rs`. Compiled only with the `signatures` feature.\n{}",
        prettyplease::unparse(&file)
    )
}

/// Reads a generated `sigdata/mod.rs` back: every ABI's stored syscalls.
pub fn read(text: &str) -> Result<Vec<(String, StoredAbi)>> {
    if !text.starts_with(MARKER) {
        return Err(Error::new("not a generated file (no @generated marker)"));
    }
    let file = syn::parse_file(text).map_err(|e| Error::new(format!("not valid Rust: {e}")))?;
    let shape = |what: &str| Error::new(format!("`{what}` does not have the generated shape"));
    let mut consts = BTreeMap::new();
    for item in &file.items {
        if let syn::Item::Const(c) = item {
            consts.insert(c.ident.to_string(), (*c.expr).clone());
        }
    }
    let lit_str = |e: &syn::Expr| match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    };
    let lit_bytes = |e: &syn::Expr| match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::ByteStr(s),
            ..
        }) => Some(s.value()),
        _ => None,
    };
    let strings = consts
        .get("STRINGS")
        .and_then(lit_str)
        .ok_or_else(|| shape("STRINGS"))?;
    let ends = consts
        .get("STRING_ENDS")
        .and_then(lit_bytes)
        .ok_or_else(|| shape("STRING_ENDS"))?;
    let args = consts
        .get("ARGS")
        .and_then(lit_bytes)
        .ok_or_else(|| shape("ARGS"))?;
    let mut pool = Vec::new();
    let mut start = 0;
    for end in ends.chunks_exact(4) {
        let end = u32::from_le_bytes(end.try_into().expect("4 bytes")) as usize;
        pool.push(
            strings
                .get(start..end)
                .ok_or_else(|| shape("STRING_ENDS"))?
                .to_string(),
        );
        start = end;
    }
    let string = |id: u16| {
        pool.get(usize::from(id))
            .cloned()
            .ok_or_else(|| shape("STRING_ENDS"))
    };
    let Some(syn::Expr::Reference(r)) = consts.get("TABLES") else {
        return Err(shape("TABLES"));
    };
    let syn::Expr::Array(array) = &*r.expr else {
        return Err(shape("TABLES"));
    };
    let mut out = Vec::new();
    for elem in &array.elems {
        let syn::Expr::Tuple(t) = elem else {
            return Err(shape("TABLES"));
        };
        let (Some(abi), Some(syn::Expr::Struct(s))) =
            (t.elems.first().and_then(lit_str), t.elems.get(1))
        else {
            return Err(shape("TABLES"));
        };
        let field = |name: &str| {
            s.fields
                .iter()
                .find(|f| matches!(&f.member, syn::Member::Named(i) if i == name))
                .map(|f| f.expr.clone())
        };
        let names = field("names")
            .as_ref()
            .and_then(lit_str)
            .ok_or_else(|| shape("names"))?;
        let records = field("records")
            .as_ref()
            .and_then(lit_bytes)
            .ok_or_else(|| shape("records"))?;
        let names: Vec<&str> = names.split_terminator(' ').collect();
        if records.len() != 8 * names.len() {
            return Err(shape("records"));
        }
        let mut stored = StoredAbi::new();
        for (name, r) in names.iter().zip(records.chunks_exact(8)) {
            let entry_id = u16::from_le_bytes([r[0], r[1]]);
            let first = usize::from(u16::from_le_bytes([r[2], r[3]]));
            let (count, registers, flags) = (usize::from(r[4]), r[5], r[6]);
            let entry = if entry_id == NO_ENTRY {
                None
            } else {
                Some(string(entry_id)?)
            };
            let args = if flags & HAS_SIGNATURE != 0 {
                let mut list = Vec::with_capacity(count);
                for i in first..first + count {
                    let a = args.get(6 * i..6 * i + 6).ok_or_else(|| shape("ARGS"))?;
                    list.push((
                        string(u16::from_le_bytes([a[0], a[1]]))?,
                        string(u16::from_le_bytes([a[2], a[3]]))?,
                        a[4],
                        a[5],
                    ));
                }
                Some(list)
            } else {
                None
            };
            stored.insert(
                name.to_string(),
                StoredSyscall {
                    name: name.to_string(),
                    entry,
                    implemented: flags & IMPLEMENTED != 0,
                    args,
                    registers,
                },
            );
        }
        out.push((abi, stored));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::ABIS;

    fn sample() -> StoredAbi {
        let mut abi = StoredAbi::new();
        abi.insert(
            "pread64".into(),
            StoredSyscall {
                name: "pread64".into(),
                entry: Some("sys_pread64".into()),
                implemented: true,
                args: Some(vec![
                    ("fd".into(), "unsigned int".into(), 0, 1),
                    ("buf".into(), "char *".into(), 1, 1),
                    ("count".into(), "size_t".into(), 2, 1),
                    ("pos".into(), "loff_t".into(), 4, 2),
                ]),
                registers: 6,
            },
        );
        abi.insert(
            "uselib".into(),
            StoredSyscall {
                name: "uselib".into(),
                entry: None,
                implemented: false,
                args: None,
                registers: 0,
            },
        );
        abi.insert(
            "getpid".into(),
            StoredSyscall {
                name: "getpid".into(),
                entry: Some("sys_getpid".into()),
                implemented: true,
                args: Some(Vec::new()),
                registers: 0,
            },
        );
        abi
    }

    #[test]
    fn reads_back_what_it_renders() {
        let abis = vec![("x86".to_string(), sample()), ("arm".to_string(), sample())];
        let text = render(ABIS, &abis, "the Linux 7.3 source");
        assert!(text.starts_with(MARKER));
        assert_eq!(
            text.matches("sys_pread64").count(),
            1,
            "strings stored once"
        );
        let back = read(&text).unwrap();
        assert_eq!(back, abis);
    }

    #[test]
    fn refuses_what_it_did_not_write() {
        assert!(read("const X: u8 = 1;").is_err());
        let e = read(&format!("{MARKER} x\nconst STRINGS: u8 = 1;")).unwrap_err();
        assert!(e.message.contains("STRINGS"), "{e}");
    }
}
