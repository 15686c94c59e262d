#!/usr/bin/env bash
# progress_lines.sh - `--progress SECONDS` (docs/HPC.md): with stderr a
# file, as in a batch job's log, `minrisk run` and `minrisk compare` print
# whole progress lines only when asked, ending with the engine's
# "minrisk: N trials simulated in" line (one a run: compare's two), and
# `minrisk uncertainty` ends with "minrisk: N rows in T s"; the
# file is the same as without the option; --quiet with --progress, and a
# value outside 1..86400, are usage errors (exit 2, nothing written).
# With --target-precision, each check the run goes on from has its line;
# with --importance auto, each pilot stage.
# usage: progress_lines.sh MINRISK SRC H5DIFF
set -u
bin=$1
demo=$2/scenarios/demo.yaml
h5diff=$3
h5dump=h5dump # hdf5-tools, beside h5diff
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$bin" run "$demo" -o plain.h5 --trials 2000 --threads 1 2>plain.err || fail "run: status $?"
grep -q 'trials simulated in' plain.err && fail "run without --progress, stderr a file: $(cat plain.err)"
"$bin" run "$demo" -o p.h5 --trials 2000 --threads 1 --progress 1 2>p.err || fail "run --progress: status $?"
[ "$(grep -c '^minrisk: 2000 trials simulated in [0-9.]* s ([0-9]* trials/s)$' p.err)" -eq 1 ] ||
  fail "run --progress 1: no one closing progress line: $(cat p.err)"
grep -q $'\r' p.err && fail "run --progress: a carriage return in a log"
"$h5diff" --exclude-path /run_info plain.h5 p.h5 >/dev/null || fail "run: --progress changed the file"

"$bin" compare "$demo" "$demo" -o c.h5 --trials 2000 --threads 1 --progress 1 >/dev/null 2>c.err ||
  fail "compare --progress: status $?"
[ "$(grep -c '^minrisk: 2000 trials simulated in' c.err)" -eq 2 ] ||
  fail "compare --progress 1: not two closing progress lines: $(cat c.err)"

# --target-precision: a line for each check the run goes on from, with the
# relative half-width the file records for it (4 decimals), then the stop
"$bin" run "$demo" -o t.h5 --target-precision var99_total=0.02 --max-trials 4096 --threads 1 \
  --progress 1 2>t.err || fail "run --target-precision --progress: status $?"
[ "$(grep -c '^minrisk: [0-9]* trials simulated in' t.err)" -eq 3 ] ||
  fail "run --target-precision --progress 1: not three closing lines: $(cat t.err)"
rel=$("$h5dump" -d /precision/relative_half_width -y -w 0 -m %.4f t.h5 | tr -d ' ,' |
  grep -E '^[0-9.]+$' | head -2 | tr '\n' ' ')
for k in 1 2; do
  r=$(echo "$rel" | cut -d' ' -f$k)
  grep -q "^minrisk: check $k at $((k * 1024)) trials: var99_total relative $r (target 0.0200); on to $((k * 2048))$" t.err ||
    fail "run --target-precision --progress 1: no line for check $k (relative $r): $(cat t.err)"
done
[ "$(grep -c '^minrisk: check' t.err)" -eq 2 ] || fail "a check line for the stopping check: $(cat t.err)"
grep -q '^minrisk: stopped at 4096 trials (check 3): --max-trials reached' t.err ||
  fail "run --target-precision: no stop line: $(cat t.err)"

# --importance auto: a line a pilot stage (none without a progress line),
# with the trials, the level and the elite count /importance/stage_figures
# records for it
"$bin" run "$demo" -o i0.h5 --trials 2000 --threads 1 --importance auto --target var99 2>i0.err ||
  fail "run --importance auto: status $?"
grep -q 'pilot stage' i0.err && fail "pilot stage lines without a progress line: $(cat i0.err)"
"$bin" run "$demo" -o i.h5 --trials 2000 --threads 1 --importance auto --target var99 \
  --progress 1 2>i.err || fail "run --importance auto --progress: status $?"
want=$("$h5dump" -d /importance/stage_figures -y -m %.17g i.h5 | tr -d ',' |
  awk '!seen && /DATA {/ {on = seen = 1; next} on && /}/ {on = 0} on {for (i = 1; i <= NF; i++) v[n++] = $i}
       END {for (k = 0; 5 * k + 4 < n; k++)
              printf "minrisk: importance: pilot stage %d of 3: %.0f trials in T s, level %.6g GBP m (%.0f elite)\n",
                k + 1, v[5 * k], v[5 * k + 1] / 1e6, v[5 * k + 2]}')
got=$(grep '^minrisk: importance: pilot stage' i.err | sed 's/ in [0-9.]* s,/ in T s,/')
[ -n "$want" ] && [ "$got" = "$want" ] ||
  fail "run --importance auto --progress 1: pilot lines $(cat i.err), want $want"

# the lines a batch log gets from a run's analyses and a sweep's variants
# start "minrisk: " as the progress lines do (before 2026-12-07 the
# attribution, counterfactual and variant lines did not); warnings aside
"$bin" run "$demo" -o cf.h5 --trials 1000 --threads 1 --counterfactual --progress 1 2>cf.err ||
  fail "run --counterfactual --progress: status $?"
grep -q '^minrisk: counterfactual 1/[0-9]*: without ' cf.err ||
  fail "run --counterfactual --progress 1: no counterfactual line: $(cat cf.err)"
grid=$(dirname "$demo")/../tests/studies/sweep/grid.yaml
"$bin" run "$grid" -o sw.h5 --threads 1 --progress 1 2>sw.err || fail "sweep --progress: status $?"
grep -q '^minrisk: variant 6/6: ' sw.err || fail "sweep --progress 1: no variant line: $(cat sw.err)"
for f in p t i cf sw; do
  grep -Ev '^(minrisk: |warning: |minrisk [a-z]+: warning: )' $f.err >other.txt &&
    fail "$f.err: a line without 'minrisk: ' in a batch log: $(cat other.txt)"
done

unc=$(dirname "$demo")/uk-2024-uncertain.yaml
"$bin" uncertainty "$unc" -o u.h5 --rows 2 --block-trials 20 --threads 1 --progress 1 >/dev/null \
  2>u.err || fail "uncertainty --progress: status $?"
[ "$(grep -c '^minrisk: [0-9]* rows in [0-9.]* s$' u.err)" -eq 1 ] ||
  fail "uncertainty --progress 1: no one closing progress line: $(cat u.err)"

for cmd in run compare uncertainty; do
  extra=()
  [ $cmd = compare ] && extra=("$demo")
  "$bin" $cmd "$demo" "${extra[@]}" -o q.h5 --progress 1 --quiet 2>q.err
  st=$?
  [ $st -eq 2 ] && grep -q -- '--quiet and --progress contradict' q.err ||
    fail "$cmd --quiet --progress: status $st: $(cat q.err)"
  for bad in 0 86401 1.5 x; do
    "$bin" $cmd "$demo" "${extra[@]}" -o q.h5 --progress $bad 2>q.err
    st=$?
    [ $st -eq 2 ] && grep -q -- "--progress: must be seconds in \[1, 86400\], got '$bad'" q.err ||
      fail "$cmd --progress $bad: status $st: $(cat q.err)"
  done
  [ ! -e q.h5 ] || fail "$cmd: a refusal wrote q.h5"
done
[ $fails -eq 0 ] || exit 1
echo "ok: run, compare and uncertainty --progress"
