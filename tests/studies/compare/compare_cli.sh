#!/usr/bin/env bash
# `minrisk compare` through the command line (docs/STUDIES.md "Compare"):
# a scenario against itself gives zeros; a changed supplier agrees with an
# independent computation over the stored trials (compare_file.py), prints
# the file's figures (compare_table.py), and leaves the sector that does
# not use its mineral unchanged; bad input exits 2 with one line and
# nothing at the output path; the --help example runs; Ctrl-C leaves
# nothing; a closed standard output (`| head`) still gets the file written.
# usage: compare_cli.sh MINRISK SRC PYTHON [H5DIFF]
set -uo pipefail
bin=$1 src=$2 py=$3 h5diff=${4:-h5diff}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# 1. A scenario against itself: every change 0 with a zero-width interval.
"$bin" compare "$src/scenarios/demo.yaml" "$src/scenarios/demo.yaml" --trials 1000 \
  --bootstrap 200 -o "$tmp/same.h5" --quiet >"$tmp/out" || fail "demo vs demo: status $?"
"$py" "$src/tests/studies/compare/compare_file.py" "$tmp/same.h5" same || fail "demo vs demo: file"
grep -q '^Total  *mean ' "$tmp/out" || fail "demo vs demo: no table on stdout"

# 2. One supplier's outage rate doubled: the file against numpy; sector s2
#    (mineral y only) does not change at all.
"$bin" compare "$src/tests/studies/compare/crn_base.yaml" "$src/tests/studies/compare/crn_doubled.yaml" \
  --trials 1000 --seed 7 --bootstrap 100 -o "$tmp/crn.h5" --quiet >"$tmp/crn.out" ||
  fail "crn: status $?"
"$py" "$src/tests/studies/compare/compare_file.py" "$tmp/crn.h5" changed s2 || fail "crn: file"
#    the printed table is the file's figures in GBP m (compare_table.py;
#    its largest loss, 574 GBP m, prints with 1 decimal)
"$py" "$src/tests/studies/compare/compare_table.py" "$tmp/crn.h5" "$tmp/crn.out" || fail "crn: table"
# a change of a fraction of a GBP m beside losses of thousands (the demo's
# gallium stockpile at 24 months): printed with 2 significant digits, not
# as 0 [0, 0] (until 2026-12-07), and as the file holds it
"$bin" compare "$src/scenarios/demo.yaml" "$src/tests/studies/compare/demo_gallium24.yaml" \
  --trials 2000 --threads 2 -o "$tmp/small.h5" --quiet >"$tmp/small.out" || fail "small: status $?"
"$py" "$src/tests/studies/compare/compare_table.py" "$tmp/small.h5" "$tmp/small.out" ||
  fail "small: table"
grep -Eq '^Total  *mean  *[0-9]+  *[0-9]+  *-0\.[0-9]{2}  *\[-0\.[0-9]{2}, -0\.[0-9]{2}\]$' "$tmp/small.out" ||
  fail "small: the total mean's change not at 2 significant digits: $(grep '^Total' "$tmp/small.out")"
# the same with other thread counts: identical outside /run_info
for t in 1 3; do
  "$bin" compare "$src/tests/studies/compare/crn_base.yaml" "$src/tests/studies/compare/crn_doubled.yaml" \
    --trials 1000 --seed 7 --bootstrap 100 -o "$tmp/crn$t.h5" --quiet --threads $t >/dev/null ||
    fail "crn --threads $t: status $?"
  "$h5diff" --exclude-path /run_info "$tmp/crn.h5" "$tmp/crn$t.h5" >/dev/null ||
    fail "crn: --threads $t gives another file"
done

# 3. Bad input: exit 2, one line on stderr naming the file, nothing written.
expect2() { # expect2 WHAT PATTERN -- ARGS...
  local what=$1 pat=$2
  shift 3
  rm -f "$tmp/bad.h5"
  "$bin" compare "$@" >/dev/null 2>"$tmp/err"
  local st=$?
  [ "$st" -eq 2 ] || fail "$what: status $st, expected 2"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$what: stderr is not one line: $(cat "$tmp/err")"
  grep -q -- "$pat" "$tmp/err" || fail "$what: stderr '$(cat "$tmp/err")' lacks '$pat'"
  ls "$tmp" | grep -q '^bad\.h5' && fail "$what: something left at the output path"
}
demo=$src/scenarios/demo.yaml
expect2 "missing file" "no/such.yaml: cannot read" -- "$demo" no/such.yaml -o "$tmp/bad.h5"
expect2 "bad scenario" "duplicate_key.yaml:" -- "$src/tests/bad/duplicate_key.yaml" "$demo" -o "$tmp/bad.h5"
cp "$src/tests/studies/compare/crn_base.yaml" "$tmp/crn_base.yaml"
printf 'extends: crn_base.yaml\nsectors:\n  s3:\n    output_gbp: 1.0e9\n    needs: [{mineral: x, dependent_share: 0.1, demand_share: 0.1}]\n' >"$tmp/more.yaml"
"$bin" validate "$tmp/more.yaml" >/dev/null || fail "more.yaml does not load"
expect2 "other sectors" "more.yaml: sector 's3' is not in" -- "$tmp/crn_base.yaml" "$tmp/more.yaml" --trials 10 -o "$tmp/bad.h5"
expect2 "other sectors" "crn_base.yaml: no sector 's3' (it is in" -- "$tmp/more.yaml" "$tmp/crn_base.yaml" --trials 10 -o "$tmp/bad.h5"
expect2 "other horizon" "compare needs the same horizon" -- "$demo" "$src/tests/studies/compare/cov_a.yaml" --trials 10 -o "$tmp/bad.h5"
# an uncertain block is not sampled by compare (nor by run): run as written,
# its spread read as "no change" (until 2026-12-05 it was)
printf 'extends: crn_base.yaml\nuncertain:\n  rows: 4\n  keys:\n    minerals.x.price.elasticity: {uniform: [0.2, 0.4]}\n' >"$tmp/unc.yaml"
"$bin" validate "$tmp/unc.yaml" >/dev/null || fail "unc.yaml does not load"
expect2 "uncertain block" "unc.yaml: has an uncertain block, which compare does not sample" -- "$tmp/crn_base.yaml" "$tmp/unc.yaml" --trials 10 -o "$tmp/bad.h5"
expect2 "one scenario" "needs two or more scenarios" -- "$demo"
expect2 "27 scenarios" "at most 26 scenarios (runs a .. z), got more: '$demo'" -- \
  $(for i in $(seq 27); do printf '%s ' "$demo"; done)
expect2 "other sectors, third" "more.yaml: sector 's3' is not in" -- "$tmp/crn_base.yaml" "$tmp/crn_base.yaml" "$tmp/more.yaml" --trials 10 -o "$tmp/bad.h5"
expect2 "bad --bootstrap" "--bootstrap: must be 0 or an integer in .100, 100000., got '-5'" -- "$demo" "$demo" --bootstrap -5
expect2 "too few resamples" "--bootstrap: must be 0 or an integer in .100, 100000., got '10'" -- "$demo" "$demo" --bootstrap 10
expect2 "bad --trials" "--trials: must be an integer" -- "$demo" "$demo" --trials 0
expect2 "unknown option" "unknown option '--bogus'" -- "$demo" "$demo" --bogus
expect2 "no directory" "cannot write to directory" -- "$demo" "$demo" --trials 10 -o "$tmp/no/such/bad.h5"

# 3b. Notes (stderr, the comparison goes on): another time grid, whose
#     effect the differences hold (MODEL §1); a precision target, which
#     compare does not stop on.
printf 'extends: crn_base.yaml\nsimulation: {steps_per_year: 4}\n' >"$tmp/grid.yaml"
"$bin" compare "$tmp/crn_base.yaml" "$tmp/grid.yaml" --trials 100 --bootstrap 0 -o "$tmp/grid.h5" \
  >/dev/null 2>"$tmp/err" || fail "other grid: status $?"
grep -q "^minrisk compare: note: $tmp/grid.yaml has 4 steps a year, $tmp/crn_base.yaml 12: the time grid changes results by itself" \
  "$tmp/err" || fail "other grid: no note: $(cat "$tmp/err")"
printf 'extends: crn_base.yaml\nsimulation: {target_precision: "mean_total=0.5"}\n' >"$tmp/prec.yaml"
"$bin" compare "$tmp/crn_base.yaml" "$tmp/prec.yaml" --trials 100 --bootstrap 0 -o "$tmp/prec.h5" \
  >/dev/null 2>"$tmp/err" || fail "precision target: status $?"
grep -q "^minrisk compare: note: $tmp/prec.yaml has simulation.target_precision; compare runs a fixed 100 trials (--trials)" \
  "$tmp/err" || fail "precision target: no note: $(cat "$tmp/err")"

# 4. --help: usage and an example that runs as written (from a directory
#    where scenarios/ is the project's; it writes there).
"$bin" compare --help >"$tmp/help" || fail "--help: status $?"
grep -q '^usage: minrisk compare' "$tmp/help" || fail "--help: no usage line"
example=$(grep -A1 '^examples:' "$tmp/help" | tail -1 | sed 's/^ *minrisk //')
mkdir "$tmp/ex" && ln -s "$src/scenarios" "$tmp/ex/scenarios"
(cd "$tmp/ex" && eval "\"$bin\" $example --quiet" >/dev/null) || fail "--help example: status $?"
[ -n "$(ls "$tmp/ex"/*.h5 2>/dev/null)" ] || fail "--help example: no file written"
# default output name: A-vs-B.h5 in the current directory
(cd "$tmp/ex" && "$bin" compare scenarios/demo.yaml scenarios/demo.yaml --trials 20 --quiet >/dev/null) ||
  fail "default output: status $?"
[ -f "$tmp/ex/demo-vs-demo.h5" ] || fail "default output demo-vs-demo.h5 missing"

# 5. Ctrl-C during the runs: exit 130, nothing at the output path.
mkdir "$tmp/int"
"$bin" compare "$demo" "$demo" --trials 1000000 -o "$tmp/int/x.h5" --quiet >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
st=$?
[ "$st" -eq 130 ] || fail "SIGINT: status $st, expected 130"
[ -z "$(ls -A "$tmp/int")" ] || fail "SIGINT left $(ls -A "$tmp/int")"

# 6. Standard output a pipe closed before the table is flushed (`| head`):
#    the file is written all the same, identical to crn.h5 of step 2, and
#    no lock is left; then the process ends by SIGPIPE, as a filter does.
#    It was killed at the table's flush, before the attribution and the
#    write: no file and x.h5.lock left.
mkdir "$tmp/pipe"
st=$("$py" - "$bin" "$src/tests/studies/compare" "$tmp/pipe/x.h5" <<'EOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)  # no reader: the first write to it fails
d = sys.argv[2]
p = subprocess.run([sys.argv[1], "compare", d + "/crn_base.yaml", d + "/crn_doubled.yaml",
                    "--trials", "1000", "--seed", "7", "--bootstrap", "100", "-o", sys.argv[3],
                    "--quiet"], stdout=w, stderr=subprocess.DEVNULL)
print(p.returncode)
EOF
)
[ "$st" = -13 ] || fail "closed stdout: status $st, expected -13 (SIGPIPE after the write)"
[ "$(ls -A "$tmp/pipe")" = x.h5 ] || fail "closed stdout left '$(ls -A "$tmp/pipe" | tr '\n' ' ')', expected x.h5"
[ -f "$tmp/pipe/x.h5" ] && { "$h5diff" --exclude-path /run_info "$tmp/crn.h5" "$tmp/pipe/x.h5" ||
  fail "closed stdout: the file differs from crn.h5"; }

echo "$fails failed"
[ "$fails" -eq 0 ]
