#!/bin/sh
# uncertainty_memory.sh MINRISK_BIN SRC
#
# The memory check of `minrisk uncertainty` counts the study's own arrays
# beside its rows: the design [R x k], the rows' statistics, and the A and B
# rows' total losses [2N x L] gathered, this rank's share of them and one
# more copy (sim/studies/uncertainty.c). They were allocated outside the
# check: at the documented limits (--rows 4096 --block-trials 1000000) they
# are 197 GB, and a study whose rows fitted ran until the kernel's OOM
# killer, or stopped at once with a bare "out of memory".
#
# two_keys.yaml (k = 2) with --rows 4096 --block-trials 1000 on one rank:
# R = N (k + 2) = 16384 rows, and 8 (R k + 2 R 3 + 6 N L) + 16 L =
# 197,672,576 bytes beside the rows (3 statistics a row; 16 L: a row's
# sort, below). A row (1,000 trials) needs about 4 MB, so under
# MINRISK_MEMORY_LIMIT=150M the rows fit and the arrays do not: refused at
# once, exit 1, one line naming the arrays' 198 MB (189 MiB) and the advice, nothing
# written. (Before, the study started its 16,384 rows: killed by timeout.)
set -u
bin=$1
src=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

want=$(awk 'BEGIN { N = 4096; k = 2; L = 1000; R = N * (k + 2)
                    printf "%.0f MiB", (8 * (R * k + 2 * R * 3 + 6 * N * L) + 16 * L) / 2^20 }')
[ "$want" = "189 MiB" ] || fail "the worked-out figure is $want, expected 189 MiB (198 MB)"
MINRISK_MEMORY_LIMIT=150M OMP_NUM_THREADS=1 timeout 60 "$bin" uncertainty \
    "$src/tests/studies/uncertainty/two_keys.yaml" -o "$tmp/u.h5" --rows 4096 --block-trials 1000 \
    -q 2>"$tmp/err" >/dev/null
rc=$?
[ "$rc" -eq 1 ] || { cat "$tmp/err"; fail "exit status $rc, expected 1 (124: still running after 60 s)"; }
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { cat "$tmp/err"; fail "not one line"; }
grep -qF "the study's design, row statistics, A and B losses and a row's sort $want + held now " "$tmp/err" ||
    { cat "$tmp/err"; fail "the study's arrays are not counted as $want"; }
grep -qF "use fewer --block-trials" "$tmp/err" || { cat "$tmp/err"; fail "no advice"; }
[ ! -e "$tmp/u.h5" ] || fail "a file was left at the output path"

# Each row running sorts its L total losses (the sorted copy and the radix
# sort's buffer, 16 L bytes) beside its results: not counted until
# 2026-12-06. A one-sector, one-mineral, one-year scenario with one key
# (N = 2, k = 1: R = 6 rows) at --block-trials 1000000: the study's arrays
# 8 (R k + 2 R 3 + 6 N L) = 96,000,336 bytes and the sort 16,000,000: 112
# MB (96 MB before, when the run's peak resident size, 348 MB, was 16 MB
# above the estimate of 332 MB).
cat >"$tmp/tiny.yaml" <<'EOF'
name: tiny
simulation: {horizon_years: 1, steps_per_year: 1}
countries:
  CN: {name: China, outage: {rate_per_year: 0.5, severity: 0.5, duration_months: 6}}
minerals:
  gallium:
    demand_t: 10
    refining: [{country: CN, share: 1.0}]
    price: {ref: 400000}
sectors:
  electronics:
    output_gbp: 20e9
    needs: [{mineral: gallium, dependent_share: 0.3, demand_share: 0.5}]
uncertain:
  rows: 2
  keys:
    countries.CN.outage.rate_per_year: {uniform: [0.1, 0.9]}
EOF
tiny=$(awk 'BEGIN { N = 2; k = 1; L = 1000000; R = N * (k + 2)
                    printf "%.0f MiB", (8 * (R * k + 2 * R * 3 + 6 * N * L) + 16 * L) / 2^20 }')
[ "$tiny" = "107 MiB" ] || fail "the worked-out figure is $tiny, expected 107 MiB (112 MB)"
MINRISK_MEMORY_LIMIT=1M OMP_NUM_THREADS=1 timeout 60 "$bin" uncertainty "$tmp/tiny.yaml" \
    -o "$tmp/u.h5" --block-trials 1000000 -q 2>"$tmp/err" >/dev/null
rc=$?
[ "$rc" -eq 1 ] || { cat "$tmp/err"; fail "tiny: exit status $rc, expected 1"; }
grep -qF "the study's design, row statistics, A and B losses and a row's sort $tiny + held now " \
    "$tmp/err" || { cat "$tmp/err"; fail "tiny: a row's sort is not counted ($tiny)"; }
[ ! -e "$tmp/u.h5" ] || fail "tiny: a file was left at the output path"
echo "ok: refused with the study's arrays at $want; a row's sort counted ($tiny)"
