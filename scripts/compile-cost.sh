#!/usr/bin/env bash
# Compile cost: wall time of a clean debug `cargo build` of syscalls-sys (this tree, as a path
# dependency, default features) against `syscall-numbers` and `libc` from crates.io, measured
# in the same run, interleaved, R times each (cargo clean in between); prints medians and
# ratios.
#
# Each crate is built alone (`cargo build -p <crate>` inside a throwaway project that depends
# on it), so the figure is the crate's own build plus cargo's fixed start-up, the same for all.
# Downloads happen before any timing. CARGO_INCREMENTAL=0: cargo builds a path dependency
# incrementally but a crates.io one never, and the users of syscalls-sys get it from
# crates.io; without this, syscalls-sys alone would pay for writing incremental caches.
#
# Wall time on this 2-core machine moves by ±10% from run to run; when valgrind is installed,
# the script also counts the instructions of each crate's own rustc invocation (cachegrind,
# exact and repeatable), the same command line cargo ran, as a second, noise-free figure.
#
# FEATURES=a,b adds a fourth build, syscalls-sys with those features (`syscalls-sys+a,b`),
# compared with libc and with the default build in the same run.
#
# Usage: [FEATURES=signatures] scripts/compile-cost.sh [R]   (default R = 7)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
R=${1:-7}
export CARGO_INCREMENTAL=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# label | package | dependency line
crates=(
    "syscalls-sys|syscalls-sys|syscalls-sys = { path = \"$repo/syscalls-sys\" }"
    "syscall-numbers|syscall-numbers|syscall-numbers = \"4\""
    "libc|libc|libc = \"0.2\""
)
if [ -n "${FEATURES:-}" ]; then
    list=$(echo "$FEATURES" | sed 's/[^,][^,]*/"&"/g')
    crates+=("syscalls-sys+$FEATURES|syscalls-sys|syscalls-sys = { path = \"$repo/syscalls-sys\", features = [$list] }")
fi
label() { echo "${1%%|*}"; }
package() { local rest=${1#*|}; echo "${rest%%|*}"; }

for entry in "${crates[@]}"; do
    name=$(package "$entry")
    dep=${entry#*|*|}
    dir="$tmp/$(label "$entry")"
    mkdir -p "$dir/src"
    : >"$dir/src/lib.rs"
    cat >"$dir/Cargo.toml" <<TOML
[package]
name = "compile-cost-$(label "$entry" | tr -c 'a-z0-9\n' -)"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$dep

[workspace]
TOML
    (cd "$dir" && cargo fetch --quiet)
    # One untimed build, so that the first timed one does not pay for cold caches alone.
    (cd "$dir" && cargo build --quiet -p "$name" && cargo clean --quiet)
done

declare -A times
for ((i = 1; i <= R; i++)); do
    for entry in "${crates[@]}"; do
        name=$(package "$entry")
        lab=$(label "$entry")
        dir="$tmp/$lab"
        (cd "$dir" && cargo clean --quiet)
        start=$(date +%s%N)
        (cd "$dir" && cargo build --quiet --offline -p "$name")
        end=$(date +%s%N)
        times[$lab]+="$(((end - start) / 1000000)) "
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "clean debug build, wall time, $R runs each, interleaved (rustc $(rustc --version | cut -d' ' -f2))"
printf '%-16s %10s   %s\n' crate median_ms "all runs (ms)"
declare -A med
for entry in "${crates[@]}"; do
    lab=$(label "$entry")
    med[$lab]=$(echo "${times[$lab]}" | median)
    printf '%-16s %10s   %s\n' "$lab" "${med[$lab]}" "${times[$lab]}"
done
echo
awk -v s="${med[syscalls-sys]}" -v n="${med[syscall-numbers]}" -v l="${med[libc]}" 'BEGIN {
    printf "syscalls-sys / syscall-numbers = %.2f   (goal: <= 1.00)\n", s / n
    printf "syscalls-sys / libc            = %.2f   (goal: <= 0.50)\n", s / l
}'
if [ -n "${FEATURES:-}" ]; then
    f="syscalls-sys+$FEATURES"
    awk -v f="${med[$f]}" -v s="${med[syscalls-sys]}" -v l="${med[libc]}" -v n="$f" 'BEGIN {
        printf "%s / libc = %.2f   (goal: <= 0.50)\n", n, f / l
        printf "%s / syscalls-sys = %.2f\n", n, f / s
    }'
fi

# The crate's own rustc command, as cargo runs it, counted by cachegrind.
if command -v valgrind >/dev/null; then
    echo
    echo "instructions of the crate's own rustc invocation (cachegrind, exact)"
    declare -A ir
    for entry in "${crates[@]}"; do
        name=$(package "$entry")
        lab=$(label "$entry")
        dir="$tmp/$lab"
        crate=${name//-/_}
        (cd "$dir" && cargo clean --quiet)
        line=$(cd "$dir" && cargo build --offline -v -p "$name" 2>&1 |
            sed -n "s/^ *Running \`\(.*--crate-name $crate .*\)\`$/\1/p" | head -n 1)
        [ -n "$line" ] || { echo "cannot find the rustc command of $name" >&2; exit 1; }
        ir[$lab]=$(cd "$dir" && eval "valgrind --tool=cachegrind --cache-sim=no \
            --cachegrind-out-file=/dev/null --trace-children=yes $line" 2>&1 |
            sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d , | sort -n | tail -n 1)
        printf '%-16s %14s\n' "$lab" "${ir[$lab]}"
    done
    awk -v s="${ir[syscalls-sys]}" -v n="${ir[syscall-numbers]}" -v l="${ir[libc]}" 'BEGIN {
        printf "syscalls-sys / syscall-numbers = %.2f\n", s / n
        printf "syscalls-sys / libc            = %.2f\n", s / l
    }'
    if [ -n "${FEATURES:-}" ]; then
        f="syscalls-sys+$FEATURES"
        awk -v f="${ir[$f]}" -v l="${ir[libc]}" -v n="$f" 'BEGIN { printf "%s / libc = %.2f\n", n, f / l }'
    fi
fi
