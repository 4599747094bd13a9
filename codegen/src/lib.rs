//! The generator behind `cargo xtask gen`: Linux syscall numbers and errno values for every
//! kernel ABI, read from the kernel's installed UAPI headers with a real C front end.
//!
//! The pipeline has typed stages, each a plain function tested on its own:
//!
//! 1. [`lock`] and [`sources`]: the pinned header sources, fetched ([`fetch`]) into a cache and
//!    turned into one include path per ABI ([`sources::HeaderTree`]).
//! 2. [`libclang`] and [`evaluate`]: clang evaluates `asm/unistd.h`, `asm/errno.h`,
//!    `linux/audit.h` and `linux/version.h` per ABI (and the full kernel source's
//!    `include/linux/errno.h`, for the kernel-internal codes), selected by the `-D`/`-U` of
//!    the ABI table ([`abi`]).
//! 3. [`tables`]: the evaluation becomes validated [`tables::AbiTables`] (the expected
//!    `unistd_*.h` was included, numbers in range, no helper macro, `#undef`s honoured,
//!    aliases present, no duplicate number).
//! 4. [`render`]: syn/quote and prettyplease turn the tables into whole `@generated` files.
//! 5. [`generate`]: writes them atomically, or compares them with the disk; [`committed`] reads
//!    the generated files back for summaries, diffs, [`export`] and comparisons.

pub mod abi;
pub mod apt;
pub mod committed;
pub mod entries;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod fetch;
pub mod fsutil;
pub mod generate;
pub mod history;
pub mod libclang;
pub mod lock;
pub mod registers;
pub mod render;
pub mod sigdata;
pub mod sigdefs;
pub mod signatures;
pub mod sources;
pub mod tables;
pub mod update;

#[cfg(test)]
mod testutil;

pub use error::{Error, Result};
