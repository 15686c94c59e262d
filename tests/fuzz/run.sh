#!/usr/bin/env bash
# run.sh - build and run minrisk's libFuzzer targets (docs/FUZZING.md).
#
#   tests/fuzz/run.sh --available          exit 0 when clang can link a
#                                          libFuzzer target, else 1
#   tests/fuzz/run.sh [BUILD [SECONDS]]    build and fuzz; defaults: build-fuzz, 60
#   tests/fuzz/run.sh BUILD SECONDS TARGET one target only (loader or reader)
#
# BUILD is configured with clang, -DMINRISK_FUZZ=ON -DMINRISK_MPI=OFF
# (RelWithDebInfo; no tests) and only the targets and minrisk are built.
# Each target then runs SECONDS (-max_total_time): first fuzz_loader on
# tests/fuzz/corpus/loader with tests/fuzz/loader.dict, then fuzz_reader on
# patches of the datasets of result files minrisk makes from
# tests/fuzz/reader_seeds. The loader also replays tests/fuzz/regress/loader.
# What they find stays in BUILD/fuzz:
#   corpus/<target>/     inputs that reached new code (kept between runs)
#   artifacts/<target>/  crash-*, leak-*, timeout-*, oom-*: the failing input
#   <target>.log         libFuzzer's output
# The status is 1 when a target crashes, leaks, times out (-timeout=10 s an
# input) or runs out of memory (-rss_limit_mb=2048); the failing input's path
# and the top of its report are printed. Make it a regression test: see
# docs/FUZZING.md.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)

# clang links a trivial target with -fsanitize=fuzzer: clang and libFuzzer's
# runtime (libclang_rt.fuzzer) are both there.
available() {
    command -v clang >/dev/null 2>&1 || return 1
    local t
    t=$(mktemp -d)
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
        >"$t/t.c"
    local rc=0
    clang -fsanitize=fuzzer "$t/t.c" -o "$t/t" >/dev/null 2>&1 || rc=1
    rm -rf "$t"
    return $rc
}
if [ "${1:-}" = --available ]; then
    available
    exit
fi
available || { echo "fuzz: clang with libFuzzer is not installed" >&2; exit 1; }

mkdir -p "${1:-build-fuzz}"
build=$(cd "${1:-build-fuzz}" && pwd)
seconds=${2:-60}
only=${3:-}
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DMINRISK_FUZZ=ON -DMINRISK_MPI=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_loader fuzz_reader minrisk >/dev/null
work=$build/fuzz
mkdir -p "$work"
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$src/tests/fuzz/lsan.supp

# The reader's seed files: a run with --events, a sweep and a comparison of a
# tiny scenario (150-270 KB each), made by this build's minrisk; the target
# patches their datasets (fuzz_reader.c). Its seed inputs: no patch, on each.
reader_seeds() {
    local d=$work/seeds/reader s=$src/tests/fuzz/reader_seeds m=$build/minrisk
    rm -rf "$d" "$d-inputs" && mkdir -p "$d" "$d-inputs"
    "$m" run "$s/tiny.yaml" -o "$d/run.h5" --trials 64 --events --quiet
    "$m" run "$s/tiny_sweep.yaml" -o "$d/sweep.h5" --trials 64 --quiet
    "$m" compare "$s/tiny.yaml" "$s/tiny_b.yaml" -o "$d/compare.h5" --trials 64 \
        --bootstrap 100 --quiet >/dev/null
    for i in 0 1 2; do printf "\\x0$i" >"$d-inputs/seed$i"; done
    export MINRISK_FUZZ_READER_SEEDS=$d
}

# fuzz TARGET SEED_DIR [libFuzzer options]: run it for $seconds, print its
# final statistics; on a finding, its input and report, and return 1.
fuzz() {
    local t=$1 seeds=$2
    shift 2
    local corpus=$work/corpus/$t art=$work/artifacts/$t log=$work/$t.log
    local dirs=("$corpus" "$seeds")
    [ "$t" = loader ] && [ -d "$src/tests/fuzz/regress/$t" ] && dirs+=("$src/tests/fuzz/regress/$t")
    mkdir -p "$corpus" "$art"
    echo "fuzz_$t: ${seconds}s"
    local rc=0
    "$build/tests/fuzz/fuzz_$t" "${dirs[@]}" -max_total_time="$seconds" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" "$@" \
        >"$log" 2>&1 || rc=$?
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
    echo "  corpus: $(find "$corpus" -type f | wc -l) files, $(du -sk "$corpus" | cut -f1) KB"
    [ "$rc" -eq 0 ] && return 0
    local found
    found=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | cut -d' ' -f5)
    echo "fuzz_$t: FAILED (status $rc); input: ${found:-none written}; log: $log" >&2
    grep -E 'ERROR|SUMMARY|fuzz_(loader|reader):| #[0-9]+ 0x' "$log" | head -30 >&2
    return 1
}

status=0
if [ -z "$only" ] || [ "$only" = loader ]; then
    fuzz loader "$src/tests/fuzz/corpus/loader" -dict="$src/tests/fuzz/loader.dict" || status=1
fi
if [ -z "$only" ] || [ "$only" = reader ]; then
    reader_seeds
    fuzz reader "$work/seeds/reader-inputs" -close_fd_mask=3 -max_len=4096 -len_control=0 || status=1
fi
exit $status
