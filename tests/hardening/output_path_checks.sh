#!/usr/bin/env bash
# Issue 11, case 9: an output path that is empty or a directory is refused
# before the simulation (exit status 2), and so is a file larger than the
# free space of its folder (exit status 1, with both numbers): 2^32-1
# trials of a 12-variant sweep need about 55 TB, more than a scratch folder has, and are
# refused at once, before the memory check or any trial; a file above
# 2^64 bytes with its true size.
# usage: output_path_checks.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
sweep=$src/scenarios/uk-sweep-stockpile-cap.yaml
mkdir sub
expect 2 "minrisk run: the output path is empty (-o '')" -- run "$demo" -o "" --trials 64 --quiet
expect 2 "sub: is a directory; give a file name, e.g. -o sub/result.h5" -- run "$demo" -o sub --trials 64 --quiet
# as -o sub says "is a directory; give a file name" (until 2026-12-08 "sub/:
# cannot write: not a file name")
expect 2 "sub/: is a directory's name; give a file name, e.g. -o sub/result.h5" -- run "$demo" -o sub/ --trials 64 --quiet
expect 2 "minrisk compare: the output path is empty (-o '')" -- compare "$demo" "$demo" -o "" --trials 64 --quiet
only sub

start=$(date +%s)
"$bin" run "$sweep" -o sub/big.h5 --trials 4294967295 --quiet 2>err.txt
status=$?
[ "$status" -eq 1 ] || fail "--trials 4294967295: status $status, expected 1 ($(cat err.txt))"
grep -Eqx "sub/big.h5: not enough free space: the file needs about [0-9.]+ (TiB|PiB), 'sub' has [0-9.]+ (bytes|KiB|MiB|GiB|TiB) free" err.txt ||
  fail "--trials 4294967295: stderr '$(cat err.txt)'"
[ "$(wc -l <err.txt)" -eq 1 ] || fail "more than one line: $(cat err.txt)"
[ $(($(date +%s) - start)) -le 5 ] || fail "the free-space refusal took more than 5 s"
rm -f err.txt
# Above 2^64 bytes the figure is the true one (a double): a sweep of 576
# variants of 2^32-1 trials of 1,000 sectors over 1,000 years. Per variant
# (out/h5/writer.h; chunks of 1 MiB / 8 c rows, above 1,024 rounded down
# to a multiple of 1,024): 19 datasets of 1 column, 6 of 1,000, 1 of
# 1,000,000, 26 x 4,096 of metadata, 160,000 + 2 x the text + 64 x 1,000
# steps x 1,001: 19.9 EB in all, shown as 17.3 EiB. Until 2026-12-06 the estimate saturated
# at 2^64-1 bytes: "the file needs about 18.4 EB".
awk 'BEGIN {
  print "name: above 2^64 bytes"
  print "simulation: {horizon_years: 1000, steps_per_year: 1, trials: 4294967295}"
  print "countries: {C0: {name: C0}}"
  print "minerals:"
  print "  m0:"
  print "    demand_t: 100"
  print "    mining: [{country: C0, share: 1.0, outage: {rate_per_year: 0.1, severity: 0.5, duration_months: 3}}]"
  print "    price: {ref: 1000}"
  print "sectors:"
  for (s = 0; s < 1000; s++)
    print "  s" s ": {output_gbp: 20.0e9, needs: [{mineral: m0, dependent_share: 0.2, demand_share: 0.001}]}"
  printf "sweep:\n  minerals.m0.demand_t: ["
  for (i = 0; i < 24; i++) printf "%s%d", i ? ", " : "", 100 + i
  printf "]\n  minerals.m0.price.ref: ["
  for (i = 0; i < 24; i++) printf "%s%d", i ? ", " : "", 1000 + i
  print "]"
}' >sub/huge.yaml
want=$(awk -v text="$(wc -c <sub/huge.yaml)" 'function ds(c,  r) {
    r = int(1048576 / (8 * c)); if (r > 1024) r -= r % 1024; if (r < 1) r = 1
    return int((N + r - 1) / r) * r * c * 8 }
  BEGIN { N = 4294967295
    run = 19 * ds(1) + 6 * ds(1000) + ds(1000000) + 26 * 4096 + 160000 + 2 * text + 64 * 1000 * 1001
    printf "%.1f EiB", 576 * run / 2^60 }')
[ "$want" = "17.3 EiB" ] || fail "the worked-out figure is $want, expected 17.3 EiB (19.9 EB)"
"$bin" run sub/huge.yaml -o sub/huge.h5 --quiet 2>err.txt
status=$?
[ "$status" -eq 1 ] || fail "576 variants: status $status, expected 1 ($(cat err.txt))"
grep -Eqx "sub/huge.h5: not enough free space: the file needs about $want, 'sub' has [0-9.]+ (bytes|KiB|MiB|GiB|TiB) free" err.txt ||
  fail "576 variants: stderr '$(cat err.txt)', expected the file's $want"
rm -f err.txt sub/huge.yaml
only sub
[ -z "$(ls -A sub)" ] || fail "sub holds $(ls -A sub)"
finish "'', a directory, a trailing slash and a file larger than the free space refused (17.3 EiB named)"
