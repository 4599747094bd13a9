#!/usr/bin/env bash
# User-space instructions per syscall for each way of issuing one (exact, with callgrind),
# and wall-clock ns/call medians from a separate timing run, on x86_64 Linux.
#
# Variants and methodology: syscalls-sys/benches/syscall_cost.rs. Every case runs in its own
# process under `valgrind --tool=callgrind --toggle-collect='*w::*'`, which counts only the
# instructions executed inside the measured function (and what it calls, e.g. libc's
# `syscall`), never the kernel's. Each case runs twice, N1 and N2 calls; the per-call count
# is (Ir(N2) - Ir(N1)) / (N2 - N1), exact and free of one-time costs.
#
# Usage: scripts/bench-instructions.sh [--no-time]
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "x86_64 only (the baseline is hand-written x86_64 asm)" >&2; exit 1; }

echo "building the bench (release)..." >&2
bin=$(cargo bench -p syscalls-sys --bench syscall_cost --no-run --message-format=json 2>/dev/null \
    | grep -o '"executable":"[^"]*syscall_cost[^"]*"' | tail -1 | cut -d'"' -f4)
[ -x "$bin" ] || { echo "could not find the bench executable" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

N1=1000
N2=3000
calls=(getppid lseek write)
mapfile -t variants < <("$bin" cases)

# Instructions collected by callgrind for one case run n times.
collected() { # variant call n
    valgrind --tool=callgrind --toggle-collect='*w::*' --callgrind-out-file="$tmp/out" \
        "$bin" count "$1" "$2" "$3" 2>"$tmp/log" >/dev/null \
        || { cat "$tmp/log" >&2; exit 1; }
    sed -n 's/^==[0-9]*== Collected : *\([0-9]*\).*/\1/p' "$tmp/log"
}

declare -A per_call
for v in "${variants[@]}"; do
    for c in "${calls[@]}"; do
        a=$(collected "$v" "$c" $N1)
        b=$(collected "$v" "$c" $N2)
        per_call[$v,$c]=$(awk -v a="$a" -v b="$b" -v n1=$N1 -v n2=$N2 'BEGIN { printf "%g", (b - a) / (n2 - n1) }')
    done
done

echo
echo "user-space instructions per call (callgrind, exact); in brackets: difference to asm"
printf '%-16s' variant
for c in "${calls[@]}"; do printf ' %14s' "$c"; done
echo
for v in "${variants[@]}"; do
    printf '%-16s' "$v"
    for c in "${calls[@]}"; do
        n=${per_call[$v,$c]}
        d=$(awk -v n="$n" -v b="${per_call[asm,$c]}" 'BEGIN { d = n - b; printf "%s%g", (d >= 0 ? "+" : ""), d }')
        printf ' %14s' "$n ($d)"
    done
    echo
done

if [ "${1:-}" != "--no-time" ]; then
    echo
    "$bin" time 21 20000
fi
