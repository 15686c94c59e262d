#!/bin/sh
# sweep_memory_estimate.sh MINRISK_BIN
#
# The memory a sweep's later variants hold can be above 2^64 bytes within
# the documented limits: 1,024 variants (the most) of 4294967295 trials of
# 600 sectors over 1,000 years hold 1,023 x 20.75 PB = 21,231 PB (18.4 EiB) after the
# first (docs/HPC.md "Memory"). The estimate was converted to size_t for
# the engine's memory check, which is undefined beyond 2^64 (x86-64 gave 0:
# "results of the 1023 later variants ... 0 bytes"). The refusal must name
# the figure worked out here: per variant N (cols + 3) 8 + T (1001 S + 801 M) 8
# bytes, cols = 2 + 5 S + H + H S + 16 M (out/results.h, sim/engine.c).
# About 20-40 s: 1,024 variants are parsed (and their resolved texts hashed)
# before the check.
set -u
bin=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

S=600
H=1000
awk -v S=$S -v H=$H 'BEGIN {
  print "name: \"sweep above 2^64 bytes\""
  print "simulation:"
  print "  horizon_years: " H
  print "  steps_per_year: 1"
  print "  trials: 4294967295"
  print "  seed: 1"
  print "output:"
  print "  trials: none"
  print "countries:"
  print "  C0: {name: C0}"
  print "  C1: {name: C1}"
  print "minerals:"
  print "  m0:"
  print "    demand_t: 100"
  print "    mining:"
  print "      - {country: C0, share: 1.0, outage: {rate_per_year: 0.1, severity: {uniform: [0.2, 0.6]}, duration_months: {exponential: 3}}}"
  print "    refining:"
  print "      - {country: C1, share: 1.0}"
  print "    price: {ref: 1000, theta: 0.5, sigma: 0.3, elasticity: 0.3, max_multiple: 10}"
  print "sectors:"
  for (s = 0; s < S; s++) {
    print "  s" s ":"
    print "    output_gbp: 20.0e9"
    print "    needs:"
    print "      - {mineral: m0, dependent_share: 0.2, demand_share: 0.001, spend_gbp: 5.0e7}"
  }
  printf "sweep:\n  minerals.m0.demand_t: ["
  for (i = 0; i < 64; i++) printf "%s%d", i ? ", " : "", 100 + i
  printf "]\n  minerals.m0.price.ref: ["
  for (i = 0; i < 16; i++) printf "%s%d", i ? ", " : "", 1000 + i
  print "]"
}' >"$tmp/big.yaml"

want=$(awk -v S=$S -v H=$H 'BEGIN {
  N = 4294967295; M = 1; T = H
  cols = 2 + 5 * S + H + H * S + 16 * M
  per = N * (cols + 3) * 8 + T * (1001 * S + 801 * M) * 8
  printf "%.1f EiB", 1023 * per / 2^60
}')
[ "$want" = "18.4 EiB" ] || fail "the worked-out figure is $want, expected 18.4 EiB (21,231 PB)"
OMP_NUM_THREADS=1 "$bin" run "$tmp/big.yaml" -o "$tmp/big.h5" -q 2>"$tmp/err" >/dev/null
rc=$?
[ "$rc" -eq 1 ] || { cat "$tmp/err"; fail "exit status $rc, expected 1"; }
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { cat "$tmp/err"; fail "not one line"; }
grep -qF "results of the 1023 later variants (a sweep holds them until its one write) $want + held now " "$tmp/err" ||
    { cat "$tmp/err"; fail "the later variants are not counted as $want"; }
[ ! -e "$tmp/big.h5" ] || fail "a file was left at the output path"
echo "ok: 1023 later variants of $want"
