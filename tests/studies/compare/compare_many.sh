#!/usr/bin/env bash
# `minrisk compare A B C` (docs/STUDIES.md "Compare", three or more
# scenarios): one file whose runs are each a plain `minrisk run` of that
# scenario with the same seed and trials (h5diff of /summary, /trials and
# /attribution: identical), whose /difference is checked against those runs
# and against the two-scenario comparisons A B and A C (compare_many.py);
# identical for 1 and 2 threads; `minrisk summary` and `minrisk report` of
# the file (the report's tables against the file, compare_many.py report).
# usage: compare_many.sh MINRISK SRC PYTHON [H5DIFF]
set -uo pipefail
bin=$1 src=$2 py=$3 h5diff=${4:-h5diff}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
d=$src/tests/studies/compare
a=$d/crn_base.yaml b=$d/crn_doubled.yaml c=$d/crn_stockpile.yaml
opts=(--trials 1500 --seed 99 --bootstrap 200 --quiet)

# 1. The three-scenario file, on 1 and 2 threads: identical outside /run_info.
for t in 1 2; do
  "$bin" compare "$a" "$b" "$c" "${opts[@]}" --threads $t -o "$tmp/abc$t.h5" >"$tmp/out$t" ||
    fail "compare A B C --threads $t: status $?"
done
"$h5diff" --exclude-path /run_info "$tmp/abc1.h5" "$tmp/abc2.h5" >/dev/null ||
  fail "compare A B C: 1 and 2 threads give other files"
cmp -s "$tmp/out1" "$tmp/out2" || fail "compare A B C: 1 and 2 threads print other tables"
head -3 "$tmp/out1" | grep -q '^Scenario C  crn with a stockpile of x' || fail "no 'Scenario C' line"
grep -q '^series  *statistic  *A  *B  *C  *B - A  *95% interval  *C - A  *95% interval$' "$tmp/out1" ||
  fail "the table's header is not 'series statistic A B C B - A 95% interval C - A 95% interval'"
grep -q '^series  *VRF B  *VRF C$' "$tmp/out1" || fail "no VRF table with a column per run"
grep -q '^C  .*0\.750  *0\.750  ' "$tmp/out1" || fail "no policy cost row of C"

# 2. Each run equals a plain run of its scenario with the same seed and trials.
for r in a b c; do
  eval "sc=\$$r"
  "$bin" run "$sc" --trials 1500 --seed 99 --quiet --threads 2 -o "$tmp/run_$r.h5" >/dev/null ||
    fail "run $r: status $?"
  for g in summary trials attribution indicators scenario; do
    "$h5diff" "$tmp/abc1.h5" "$tmp/run_$r.h5" "/runs/$r/$g" "/$g" >/dev/null ||
      fail "/runs/$r/$g differs from /$g of a plain run of $(basename "$sc")"
  done
done

# 3. The two-scenario comparisons A B and A C: their /difference is the
#    three-scenario file's pair (the same resamples for every pair).
"$bin" compare "$a" "$b" "${opts[@]}" -o "$tmp/ab.h5" >/dev/null || fail "compare A B: status $?"
"$bin" compare "$a" "$c" "${opts[@]}" -o "$tmp/ac.h5" >"$tmp/out_ac" || fail "compare A C: status $?"
"$py" "$d/compare_many.py" file "$tmp/abc1.h5" "$tmp/ab.h5" "$tmp/ac.h5" || fail "the file"

# 4. minrisk summary of the file: the same table as compare printed.
"$bin" summary "$tmp/abc1.h5" >"$tmp/summary" || fail "summary: status $?"
grep -q '^Scenario C  crn with a stockpile of x' "$tmp/summary" || fail "summary: no 'Scenario C' line"
grep -Eq '^Total +mean +[0-9.]+ +[0-9.]+ +[0-9.]+ +[-0-9.]+ +\[[-0-9., ]+\] +[-0-9.]+ +\[' "$tmp/summary" ||
  fail "summary: no total mean row with A, B, C and two changes"
grep -q '^C  .*0\.750  *0\.750  ' "$tmp/summary" || fail "summary: no policy cost row of C"

# 5. The report: overlays, headline and per-mineral tables side by side.
"$bin" report "$tmp/abc1.h5" -o "$tmp/rep" --quiet >/dev/null 2>"$tmp/rep.err" ||
  fail "report: status $? $(cat "$tmp/rep.err")"
"$py" "$d/compare_many.py" report "$tmp/abc1.h5" "$tmp/rep/report.html" || fail "the report"

# 6. Four scenarios: runs a .. d, versus b .. d; the default name.
(cd "$tmp" && "$bin" compare "$a" "$b" "$c" "$a" --trials 200 --bootstrap 0 --quiet >/dev/null) ||
  fail "four scenarios: status $?"
[ -f "$tmp/crn_base-vs-crn_doubled-vs-crn_stockpile-vs-crn_base.h5" ] || fail "four: default name"
"$py" "$d/compare_many.py" four "$tmp/crn_base-vs-crn_doubled-vs-crn_stockpile-vs-crn_base.h5" ||
  fail "four scenarios: the file"

# 7. The UK sourcing grid of three UK scenarios (no sampling: 20 trials do):
# one column per scenario, A B C, worded for scenarios, not sweep variants;
# Vision 2035 caps every mineral (none above the cap).
uk=$src/scenarios
"$bin" compare "$uk/uk-2024.yaml" "$uk/uk-2035-baseline.yaml" "$uk/uk-2035-vision.yaml" --trials 20 \
  --bootstrap 0 --quiet -o "$tmp/uk3.h5" >/dev/null || fail "three UK scenarios: status $?"
"$bin" summary "$tmp/uk3.h5" >"$tmp/uk3" || fail "summary of three UK scenarios: status $?"
grep -q '^UK sourcing top share per scenario ' "$tmp/uk3" || fail "uk grid: not worded per scenario"
grep -Eq '^mineral +stage +world top +UK top +A +B +C$' "$tmp/uk3" || fail "uk grid: no A B C header"
grep -Eq '^  C +\(cap 60%: 0 of [0-9]+ above\)$' "$tmp/uk3" || fail "uk grid: no legend line of C"
! grep -q 'variant' "$tmp/uk3" || fail "uk grid: says variant"

# 8. Six scenarios: `minrisk summary` prints compare's own table (one
# printer, out/tables/compare_print.c), 3 x 6 = 18 columns: summary's text
# begins with compare's stdout, every value column ends under its header's
# letter (A ... F and each "X - A") and no line ends in a blank. (Until
# 2026-12-07 summary printed its own table through mr_tab_print, which once
# read widths past its array beyond 16 columns: tests/unit/out/table_cells.c
# checks that now.)
"$bin" compare "$a" "$b" "$c" "$a" "$b" "$c" --trials 100 --bootstrap 0 --quiet -o "$tmp/six.h5" \
  >"$tmp/six.cmp" || fail "six scenarios: status $?"
# (at most 200 kB read: the old code printed 12.4 GB of blanks here)
"$bin" summary "$tmp/six.h5" | head -c 200000 >"$tmp/six" || fail "summary of six scenarios: status $?"
head -n "$(wc -l <"$tmp/six.cmp")" "$tmp/six" | cmp -s - "$tmp/six.cmp" ||
  fail "six scenarios: summary does not begin with compare's output"
grep -q '^bootstrap (none: --bootstrap 0, the same for every pair); n/a where$' "$tmp/six.cmp" ||
  fail "six scenarios: --bootstrap 0 is not said (it read '0 resamples of the trials')"
awk '/^series  *statistic/ { on = 1
       for (c = 2; c <= length($0); c++)
         if (substr($0, c, 1) ~ /[A-F]/ && substr($0, c - 1, 1) == " " &&
             (c == length($0) || substr($0, c + 1, 2) == "  ")) end[++n] = c
       next }
     on && NF == 0 { exit }
     on { rows++; if ($0 ~ / $/) bad++
          for (i = 1; i <= n; i++)
            if (substr($0, end[i], 1) == " " || substr($0, end[i] + 1, 1) !~ /^ ?$/) bad++ }
     END { exit !(on && rows == 15 && n == 11 && bad == 0) }' "$tmp/six" ||
  fail "six scenarios: the 18-column table is not aligned: $(head -c 3000 "$tmp/six")"


# 9. A file whose /difference/statistic is not the five statistics in their
# order is refused as damaged, the name shown escaped (the printer takes
# them by position since 2026-12-07), status 2 and one line.
cp "$tmp/six.h5" "$tmp/odd.h5"
"$py" -c 'import sys, h5py
with h5py.File(sys.argv[1], "a") as f:
    d = f["difference/statistic"]
    v = [s.decode() if isinstance(s, bytes) else s for s in d[()]]
    v[2] = "var\x1b98"
    d[...] = v' "$tmp/odd.h5" || fail "odd statistic: h5py"
"$bin" summary "$tmp/odd.h5" >"$tmp/odd.out" 2>"$tmp/odd.err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/odd.out" ] && [ "$(wc -l <"$tmp/odd.err")" -eq 1 ] &&
  grep -qF "difference/statistic holds 'var\x1b98' where 'var99' belongs" "$tmp/odd.err" ||
  fail "odd statistic: status $rc, $(cat "$tmp/odd.err")"

echo "$fails failed"
[ "$fails" -eq 0 ]
