#!/usr/bin/env bash
# Policy costs and loss avoided per pound (docs/STUDIES.md "Compare",
# "Sweeps"; MODEL §10) through the command line:
# - crn_base against crn_stockpile (a stockpile with a stated cost): the
#   file's costs and per pound figure against policy_cost_file.py's own
#   computation; compare prints them, and `minrisk summary` of the file
#   prints the same lines;
# - the two the other way round: B costs less, so n/a with the reason;
# - a sweep with a stated cost (tests/studies/sweep/cost_grid.yaml): each
#   variant's cost and per pound figure against the first variant;
# - a sweep of the horizon with a stated cost (cost_horizon.yaml): n/a for
#   the variant whose horizon is not the first's;
# - a run's /policies printed by `minrisk summary`;
# - a sweep variant's levers with no stated cost: /sweep/uncosted_levers,
#   summary's column and note, the report's note;
# - the HTML report's table of them (compare and sweep pages).
# usage: policy_cost.sh MINRISK SRC PYTHON
set -uo pipefail
bin=$1 src=$2 py=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
c=$src/tests/studies/compare

"$bin" compare "$c/crn_base.yaml" "$c/crn_stockpile.yaml" --trials 2000 --bootstrap 100 \
  -o "$tmp/ab.h5" --quiet >"$tmp/ab.out" || fail "compare: status $?"
"$py" "$c/policy_cost_file.py" "$tmp/ab.h5" compare || fail "compare: file"
grep -q '^(A states no policy cost: counted as 0)$' "$tmp/ab.out" || fail "compare: no note on A"
grep -qE '^ +0\.0 +0\.750 +0\.750$' "$tmp/ab.out" || fail "compare: costs line: $(cat "$tmp/ab.out")"
grep -qE '^Loss avoided per pound  [0-9.]+ \[[0-9.]+, [0-9.]+\]$' "$tmp/ab.out" ||
  fail "compare: no per pound line"
"$bin" summary "$tmp/ab.h5" >"$tmp/ab.sum" || fail "summary of the comparison: status $?"
sed -n '/^Policy cost over/,/^Loss avoided per pound/p' "$tmp/ab.out" >"$tmp/ab.tail"
sed -n '/^Policy cost over/,/^Loss avoided per pound/p' "$tmp/ab.sum" >"$tmp/sum.tail"
[ -s "$tmp/ab.tail" ] && cmp -s "$tmp/ab.tail" "$tmp/sum.tail" ||
  fail "summary prints other policy-cost lines than compare: $(diff "$tmp/ab.tail" "$tmp/sum.tail")"

"$bin" compare "$c/crn_stockpile.yaml" "$c/crn_base.yaml" --trials 500 --bootstrap 100 \
  -o "$tmp/ba.h5" --quiet >"$tmp/ba.out" || fail "reversed: status $?"
"$py" "$c/policy_cost_file.py" "$tmp/ba.h5" reversed || fail "reversed: file"
grep -q '^Loss avoided per pound  n/a (B costs less than A: no extra cost to divide by)$' \
  "$tmp/ba.out" || fail "reversed: no n/a line: $(tail -3 "$tmp/ba.out")"

# a lever used without a stated cost is named: it counts as free; when A
# does not use it so, the per pound figure credits its effect to B's cost
cp "$c/crn_base.yaml" "$c/crn_stockpile.yaml" "$tmp/"
printf 'extends: crn_stockpile.yaml\npolicies: {recycled_share: 0.1}\n' >"$tmp/more.yaml"
"$bin" compare "$tmp/crn_base.yaml" "$tmp/more.yaml" --trials 200 --bootstrap 0 \
  -o "$tmp/more.h5" --quiet >"$tmp/more.out" || fail "uncosted: status $?"
note1='^(B uses levers with no stated cost, counted as 0: recycled_share)$'
note2="^(recycled_share: not used without a cost in A, so B's loss avoided per pound credits their effect to B's stated cost)$"
grep -q "$note1" "$tmp/more.out" || fail "uncosted: no note: $(tail -5 "$tmp/more.out")"
grep -q "$note2" "$tmp/more.out" || fail "uncosted: no caveat: $(tail -5 "$tmp/more.out")"
"$bin" summary "$tmp/more.h5" >"$tmp/more.sum" || fail "uncosted: summary status $?"
grep -q "$note1" "$tmp/more.sum" && grep -q "$note2" "$tmp/more.sum" ||
  fail "uncosted: summary has no note"
# the same uncosted lever in A: the figure holds if it is set alike
printf 'extends: crn_base.yaml\npolicies: {recycled_share: 0.1}\n' >"$tmp/base-rec.yaml"
"$bin" compare "$tmp/base-rec.yaml" "$tmp/more.yaml" --trials 200 --bootstrap 0 \
  -o "$tmp/both.h5" --quiet >"$tmp/both.out" || fail "uncosted in both: status $?"
grep -q "^(A uses them without a cost too: B's loss avoided per pound is sound only if they are set alike in both)$" \
  "$tmp/both.out" || fail "uncosted in both: no note: $(tail -5 "$tmp/both.out")"
grep -q "not used without a cost in A" "$tmp/both.out" && fail "uncosted in both: a caveat"

# a comparison without costs has no policy-cost lines nor datasets
"$bin" compare "$c/crn_base.yaml" "$c/crn_doubled.yaml" --trials 200 --bootstrap 0 \
  -o "$tmp/none.h5" --quiet >"$tmp/none.out" || fail "no costs: status $?"
grep -q 'Policy cost' "$tmp/none.out" && fail "no costs: policy-cost lines printed"
"$py" -c 'import h5py, sys; f = h5py.File(sys.argv[1], "r"); sys.exit("difference/policy_cost" in f or "runs/a/policies" in f)' \
  "$tmp/none.h5" || fail "no costs: policy-cost datasets written"

"$bin" run "$src/tests/studies/sweep/cost_grid.yaml" -o "$tmp/sw.h5" -q || fail "sweep: status $?"
"$py" "$c/policy_cost_file.py" "$tmp/sw.h5" sweep || fail "sweep: file"
"$bin" summary "$tmp/sw.h5" >"$tmp/sw.sum" || fail "sweep summary: status $?"
grep -qE '^6 +2e6 +10\.0 +[0-9.]+ \[[0-9.]+, [0-9.]+\]$' "$tmp/sw.sum" || fail "sweep summary: $(cat "$tmp/sw.sum")"
grep -qE '^6 +1e6 +5\.0 +n/a$' "$tmp/sw.sum" || fail "sweep summary: no n/a row for an equal cost"

# a variant with a lever of no stated cost: /sweep/uncosted_levers, a column
# and a note (its per pound figure credits that lever's effect to the cost)
"$bin" run "$src/tests/studies/sweep/cost_uncosted.yaml" -o "$tmp/su.h5" -q || fail "uncosted sweep: status $?"
"$py" -c 'import h5py, sys; f = h5py.File(sys.argv[1], "r"); sys.exit(list(f["sweep/uncosted_levers"].asstr()[:]) != ["", "recycled_share"])' \
  "$tmp/su.h5" || fail "uncosted sweep: /sweep/uncosted_levers"
"$py" -c 'import h5py, sys; f = h5py.File(sys.argv[1], "r"); sys.exit(list(f["sweep/uncosted_levers"].asstr()[:]) != ["", "", "", ""])' \
  "$tmp/sw.h5" || fail "sweep: /sweep/uncosted_levers is not empty"
"$bin" summary "$tmp/su.h5" >"$tmp/su.sum" || fail "uncosted sweep summary: status $?"
grep -qE '^value1 +5\.0 +\(reference\) +-$' "$tmp/su.sum" || fail "uncosted sweep summary: $(cat "$tmp/su.sum")"
grep -qE '^value2 +10\.0 +[0-9.]+ \[[0-9.]+, [0-9.]+\] +recycled_share$' "$tmp/su.sum" ||
  fail "uncosted sweep summary: no uncosted column"
grep -q '^(levers with no stated cost count as 0: ' "$tmp/su.sum" || fail "uncosted sweep summary: no note"
grep -q 'levers with no stated cost' "$tmp/sw.sum" && fail "sweep summary: an uncosted column with none"
"$bin" report "$tmp/su.h5" -o "$tmp/rep3" --quiet || fail "uncosted sweep report: status $?"
grep -q "recycled_share: not used without a cost in the first variant" "$tmp/rep3/report.html" ||
  fail "uncosted sweep report: no note"

# a sweep of the horizon: the variants' losses and costs are over different
# horizons, so no per pound figure (compare refuses two horizons)
"$bin" run "$src/tests/studies/sweep/cost_horizon.yaml" -o "$tmp/hz.h5" -q || fail "horizon sweep: status $?"
"$py" "$c/policy_cost_file.py" "$tmp/hz.h5" horizon || fail "horizon sweep: file"
"$bin" summary "$tmp/hz.h5" >"$tmp/hz.sum" || fail "horizon sweep summary: status $?"
grep -qE '^10 +10\.0 +n/a \(another horizon than the first\)$' "$tmp/hz.sum" ||
  fail "horizon sweep summary: $(sed -n '/^Policy cost/,/^Each/p' "$tmp/hz.sum")"

"$bin" run "$c/crn_stockpile.yaml" --trials 100 -o "$tmp/run.h5" -q || fail "run: status $?"
"$bin" summary "$tmp/run.h5" >"$tmp/run.sum" || fail "run summary: status $?"
grep -qE '^stockpile +0\.750  assumption: a test figure$' "$tmp/run.sum" || fail "run summary: $(cat "$tmp/run.sum")"
grep -qE '^Total +0\.750$' "$tmp/run.sum" || fail "run summary: no total cost"

# the HTML report shows the stored figures (the same text as compare's)
pp=$(sed -n 's/^Loss avoided per pound  //p' "$tmp/ab.out")
"$bin" report "$tmp/ab.h5" -o "$tmp/rep" --quiet || fail "report: status $?"
grep -q 'id="policy-cost-table"' "$tmp/rep/report.html" || fail "report: no policy-cost table"
grep -qF "<td>$pp</td>" "$tmp/rep/report.html" || fail "report: no per pound figure '$pp'"
"$bin" report "$tmp/sw.h5" -o "$tmp/rep2" --quiet || fail "sweep report: status $?"
grep -q 'id="policy-cost-table"' "$tmp/rep2/report.html" || fail "sweep report: no policy-cost table"
"$bin" report "$tmp/more.h5" -o "$tmp/rep3" --quiet || fail "uncosted report: status $?"
grep -q 'counted as 0: recycled_share; recycled_share: not used without a cost in A' \
  "$tmp/rep3/report.html" || fail "uncosted report: no caveat"

[ "$fails" -eq 0 ] && echo "policy costs: OK"
exit "$fails"
