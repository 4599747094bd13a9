#!/usr/bin/env bash
# Runs syscalls-sys's tests on other Linux architectures under qemu-user, so that every asm
# backend in syscalls-sys/src/backend/ is exercised for real.
#
#   scripts/cross-test.sh                        every target in the table below
#   TARGETS="aarch64 mipsel" scripts/cross-test.sh
#   scripts/cross-test.sh --list                 the table
#
# Needs Debian 12's packages (installed here when run as root; otherwise it says which are
# missing): Debian's Rust 1.96 with its std sources and clippy (rustc-web, cargo-web,
# rust-web-src, rust-web-clippy; the project's rustup toolchain has no other targets and no
# std sources), qemu-user-static, and a cross gcc with its C library per target. Each
# target's std is built from source (`-Zbuild-std`, RUSTC_BOOTSTRAP=1), 20-50 s a target on
# 2 cores; the whole run took 12 minutes from scratch (toolchains already installed) and
# ~8 GB under target/cross (CROSS_TARGET_DIR).
#
# Kinds of target:
#   test   `cargo test -p syscalls-sys --tests` twice, asm backend and `--features libc`, the
#          test binaries run by qemu-user against the C library of the cross toolchain;
#   build  the same, built and linked but not run (x32: qemu-user has no x32 mode and the
#          usual kernels, this host's included, are built without CONFIG_X86_X32_ABI);
#   smoke  no C library in Debian for the target: scripts/cross-smoke, a freestanding
#          program over the asm backend, linked without libc and run by qemu-user.
# Before that, every target runs clippy (Debian's) on syscalls-sys for that target: the asm
# backend files are compiled only there, so the host's clippy never sees them.
#
# Traps met on the way (see also /work/shared/CROSS.md):
# - Never `dpkg --add-architecture`: a second glibc build mixed with the cross one hangs
#   thread creation. For the same reason the guest gets LD_LIBRARY_PATH=/usr/<triple>/lib:
#   Debian's libc6-i386 (pulled in by libclang's packages, which CI installs) is in the
#   host's ld.so.cache, and the i386 loader would otherwise take /lib32/libc.so.6 and hang.
# - Every cargo step and every test binary runs under `timeout`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# name         kind   rust target                                 qemu         gnu triple               libc6-dev-*-cross
read -r -d '' TABLE <<'EOF' || true
aarch64        test   aarch64-unknown-linux-gnu                   aarch64      aarch64-linux-gnu        arm64
armv7          test   armv7-unknown-linux-gnueabihf               arm          arm-linux-gnueabihf      armhf
thumbv7        test   thumbv7neon-unknown-linux-gnueabihf         arm          arm-linux-gnueabihf      armhf
i686           test   i686-unknown-linux-gnu                      i386         i686-linux-gnu           i386
riscv64        test   riscv64gc-unknown-linux-gnu                 riscv64      riscv64-linux-gnu        riscv64
powerpc64le    test   powerpc64le-unknown-linux-gnu               ppc64le      powerpc64le-linux-gnu    ppc64el
powerpc64      test   powerpc64-unknown-linux-gnu                 ppc64        powerpc64-linux-gnu      ppc64
powerpc        test   powerpc-unknown-linux-gnu                   ppc          powerpc-linux-gnu        powerpc
s390x          test   s390x-unknown-linux-gnu                     s390x        s390x-linux-gnu          s390x
mips64el       test   mips64el-unknown-linux-gnuabi64             mips64el     mips64el-linux-gnuabi64  mips64el
mips64         test   mips64-unknown-linux-gnuabi64               mips64       mips64-linux-gnuabi64    mips64
mipsel         test   mipsel-unknown-linux-gnu                    mipsel       mipsel-linux-gnu         mipsel
mips           test   mips-unknown-linux-gnu                      mips         mips-linux-gnu           mips
sparc64        test   sparc64-unknown-linux-gnu                   sparc64      sparc64-linux-gnu        sparc64
x32            build  x86_64-unknown-linux-gnux32                 -            x86_64-linux-gnux32      x32
riscv32        smoke  riscv32gc-unknown-linux-gnu                 riscv32      -                        -
loongarch64    smoke  loongarch64-unknown-linux-gnu               loongarch64  -                        -
mipsn32el      smoke  mips64el-unknown-linux-gnuabin32            mipsn32el    mips64el-linux-gnuabi64  -
EOF

if [ "${1:-}" = --list ]; then
    echo "$TABLE"
    exit 0
fi

all=$(awk '{ print $1 }' <<<"$TABLE" | tr '\n' ' ')
TARGETS=${TARGETS:-$all}
rows=()
for name in $TARGETS; do
    row=$(awk -v n="$name" '$1 == n' <<<"$TABLE")
    [ -n "$row" ] || { echo "unknown target '$name'; known: $all" >&2; exit 2; }
    rows+=("$row")
done

# --- toolchains -------------------------------------------------------------------------
packages=(rustc-web cargo-web rust-web-src rust-web-clippy qemu-user-static)
for row in "${rows[@]}"; do
    read -r name kind rust qemu gnu libc <<<"$row"
    # Package names spell x86_64 as x86-64.
    [ "$gnu" = - ] || packages+=("gcc-${gnu//_/-}")
    [ "$libc" = - ] || packages+=("libc6-dev-$libc-cross")
    [ "$kind" != smoke ] || [ "$gnu" != - ] || packages+=(lld-19)
done
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages (run as root to install them): ${missing[*]}" >&2
        exit 1
    fi
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q
    timeout 1200 apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian's compiler and clippy: rustup's come first on PATH and cannot use these sources.
export PATH=/usr/bin:$PATH
unset RUSTFLAGS RUSTDOCFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET \
    RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER LD_LIBRARY_PATH
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CROSS_TARGET_DIR:-$root/target/cross}
cargo=/usr/bin/cargo
logs=$CARGO_TARGET_DIR/logs
mkdir -p "$logs"

# The features that select the asm backend: mips and sparc64 asm is opt-in (`unstable-asm`,
# it needs the nightly `asm_experimental_arch`, which RUSTC_BOOTSTRAP allows here).
asm_features() {
    case $1 in
    mips* | sparc64*) echo unstable-asm ;;
    *) echo "" ;;
    esac
}

# --- one target -------------------------------------------------------------------------
# Output goes to $logs/<name>.log; returns non-zero on any failure (explicitly: `set -e`
# does not apply inside a function called as an `if` condition).
run_target() {
    local name=$1 kind=$2 rust=$3 qemu=$4 gnu=$5
    local var spec=$rust
    var=$(tr 'a-z-' 'A-Z_' <<<"$rust")
    [ ! -f "scripts/cross-smoke/$rust.json" ] || spec=scripts/cross-smoke/$rust.json
    # The asm backend files are compiled only for their own targets: lint them there.
    local asm
    asm=$(asm_features "$rust")
    echo "--- cargo clippy -p syscalls-sys --lib --target $spec${asm:+ --features $asm}"
    timeout 1800 "$cargo" clippy --locked -p syscalls-sys --lib -Zbuild-std=core \
        -Zjson-target-spec --target "$spec" ${asm:+--features "$asm"} -- -D warnings || return 1
    case $kind in
    test | build)
        export "CARGO_TARGET_${var}_LINKER=$gnu-gcc"
        export "CARGO_TARGET_${var}_RUNNER=timeout 300 qemu-$qemu-static -L /usr/$gnu -E LD_LIBRARY_PATH=/usr/$gnu/lib"
        # x32's target aborts on panic: its std needs panic_abort built too.
        local std=std no_run=()
        [ "$rust" != x86_64-unknown-linux-gnux32 ] || std=std,panic_abort
        [ "$kind" = test ] || no_run=(--no-run)
        local features
        for features in "$(asm_features "$rust")" libc; do
            echo "--- cargo test -p syscalls-sys --tests --target $rust${features:+ --features $features}"
            timeout 1800 "$cargo" test --locked --no-fail-fast -p syscalls-sys --tests "-Zbuild-std=$std" \
                --target "$rust" ${features:+--features "$features"} "${no_run[@]}" || return 1
        done
        ;;
    smoke)
        local bin build_target=$rust
        [ "$spec" = "$rust" ] || build_target=$root/$spec
        echo "--- cargo build (scripts/cross-smoke) --target $spec"
        (cd scripts/cross-smoke && timeout 1800 "$cargo" build --locked --target "$build_target") || return 1
        bin=$CARGO_TARGET_DIR/$rust/debug/cross-smoke
        echo "--- qemu-$qemu-static $bin"
        timeout 120 "qemu-$qemu-static" "$bin" | tee "$logs/$name.out" || return 1
        grep -q '^PASS' "$logs/$name.out"
        ;;
    esac
}

# --- all of them ------------------------------------------------------------------------
start=$(date +%s)
summary=()
failed=0
for row in "${rows[@]}"; do
    read -r name kind rust qemu gnu libc <<<"$row"
    echo "=== $name ($rust, $kind)"
    t=$(date +%s)
    if (run_target "$name" "$kind" "$rust" "$qemu" "$gnu") >"$logs/$name.log" 2>&1; then
        verdict=PASS
    else
        verdict=FAIL
        failed=1
        tail -n 40 "$logs/$name.log"
    fi
    line=$(printf '%-4s  %-12s %-6s %-40s %4ss' "$verdict" "$name" "$kind" "$rust" $(($(date +%s) - t)))
    echo "$line"
    summary+=("$line")
done

echo
echo "cross-architecture summary (logs in $logs):"
printf '%s\n' "${summary[@]}"
echo "total $(($(date +%s) - start))s"
exit $failed
