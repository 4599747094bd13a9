//! Test helpers: fixture header trees written on the fly, and libclang for test threads.

use crate::libclang::{load, Libclang, Search};
use std::path::Path;
use std::sync::OnceLock;

/// A temporary folder holding `files` (`(relative path, contents)`).
pub fn fixture_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The workspace root (tests run in `codegen/`).
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// libclang, loaded once per test process as the generator loads it.
pub fn libclang() -> &'static Libclang {
    static LIB: OnceLock<Libclang> = OnceLock::new();
    LIB.get_or_init(|| {
        let root = workspace_root();
        let lock =
            crate::lock::Lock::read(&root.join(crate::lock::LOCK_PATH), crate::abi::ABIS).ok();
        let cache = crate::sources::Cache::for_workspace(root);
        let pinned = lock.as_ref().and_then(|l| l.libclang.clone());
        let pinned: &'static Option<crate::lock::Artifact> = Box::leak(Box::new(pinned));
        let search = Search::from_env(pinned.as_ref(), &cache.root);
        load(&search, crate::fsutil::Progress { quiet: true })
            .unwrap_or_else(|e| panic!("these tests need libclang: {e}"))
    })
}

/// Runs `f` with libclang active on this thread.
pub fn with_libclang<T>(f: impl FnOnce() -> T) -> T {
    libclang().activate();
    f()
}
