#!/usr/bin/env bash
# --target-precision (issue 16, deliverable 3): a run that stops at the first
# check point where every target is met stops at the same trial count and
# writes identical files (outside /run_info) on 1 and 2 threads, and with
# MPIEXEC on 1, 2 and 3 ranks; the file is a plain run's of that many trials
# plus /precision; the reached precision, recomputed here from /trials with
# numpy, meets the target; a run stopped by SIGTERM and resumed gives the
# same file; a target that cannot be met stops at --max-trials and says so;
# bad arguments get one line and exit status 2.
# usage: precision_stop.sh MINRISK SCENARIO PYTHON [MPIEXEC]
set -uo pipefail
# h5diff that also fails on objects it cannot compare (tests/h5same.sh)
h5same=$(cd "$(dirname "$0")/.." && pwd)/h5same.sh
bin=$1 scen=$2 py=$3 mpiexec=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
T=(--target-precision var99_total=0.05,mean_total=0.02 --max-trials 100000 --quiet)

OMP_NUM_THREADS=1 "$bin" run "$scen" -o "$tmp/t1.h5" "${T[@]}" || fail "1 thread"
OMP_NUM_THREADS=2 "$bin" run "$scen" -o "$tmp/t2.h5" "${T[@]}" || fail "2 threads"
"$h5same" --exclude-path /run_info "$tmp/t1.h5" "$tmp/t2.h5" || fail "1 and 2 threads differ"
if [ -n "$mpiexec" ]; then
  for r in 1 2 3; do
    OMP_NUM_THREADS=1 "$mpiexec" --oversubscribe --allow-run-as-root -n "$r" \
      "$bin" run "$scen" -o "$tmp/r$r.h5" "${T[@]}" || fail "$r ranks"
    "$h5same" --exclude-path /run_info "$tmp/t1.h5" "$tmp/r$r.h5" || fail "$r ranks differ from 1 thread"
  done
  echo "1, 2, 3 ranks: identical to the one-process run"
fi
echo "1, 2 threads: identical"

# the figures, recomputed from /trials/total_loss: the stop at 32768 trials
# (worked out below for every check point), the history, the reached
# precision; order-statistic ranks from the binomial distribution
"$py" - "$tmp/t1.h5" <<'PY' || fail "the recorded figures"
import sys, math, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
P = f["precision"]
names = [s.decode() if isinstance(s, bytes) else s for s in P["target"][:]]
assert names == ["var99_total", "mean_total"], names
ct = P["check_trials"][:]
x_all = f["trials/total_loss"][:]
assert list(ct) == [1024 * 2**k for k in range(len(ct))], ct
assert len(x_all) == ct[-1]
want = P["target_relative_half_width"][:]
assert list(want) == [0.05, 0.02]
def ci_ranks(n, p, level=0.95):
    # the binomial CDF by its pmf, in log space, summed in order
    i = np.arange(n + 1)
    lg = np.array([math.lgamma(k + 1) for k in range(n + 1)])
    cdf = np.cumsum(np.exp(lg[n] - lg - lg[::-1] + i * math.log(p) + (n - i) * math.log1p(-p)))
    a = (1 - level) / 2
    # largest l with P(B <= l - 1) <= a; smallest u with P(B >= u) <= a
    l = int(np.searchsorted(cdf, a, side="right"))
    u = int(np.searchsorted(1 - cdf <= a, True)) + 1
    return l, u
met_at = None
for c, n in enumerate(ct):
    x = np.sort(x_all[:n])
    k = math.ceil(n * 0.99 - 1e-9)
    l, u = ci_ranks(int(n), 0.99)
    var = x[k-1]; half = (x[u-1] - x[l-1]) / 2
    m = x_all[:n].mean(); se = x_all[:n].std(ddof=1) / math.sqrt(n)
    rel = [half / abs(var), 1.959963984540054 * se / abs(m)]
    est = P["estimate"][c]; got = P["relative_half_width"][c]
    assert est[0] == var, (n, est[0], var)
    assert abs(est[1] - m) <= 1e-9 * abs(m), (n, est[1], m)
    assert abs(got[0] - rel[0]) <= 1e-12 and abs(got[1] - rel[1]) <= 1e-9 * rel[1], (n, got, rel)
    met = rel[0] <= 0.05 and rel[1] <= 0.02
    assert met == (c == len(ct) - 1), (n, rel)  # met at the last check point only
last = P["relative_half_width"][-1]
assert (last <= want).all() and list(P["met"][:]) == [1, 1]
s = P["stopped_by"][()]
s = s.decode() if isinstance(s, bytes) else s
assert s == names[int(np.argmax(last / want))], s
print("stopped at", ct[-1], "by", s, "reached", list(last))
PY

# the same file as a plain run of the trials it stopped at, outside /precision
n=$("$py" -c 'import h5py,sys; print(h5py.File(sys.argv[1])["precision/check_trials"][-1])' "$tmp/t1.h5")
"$bin" run "$scen" -o "$tmp/plain.h5" --trials "$n" --quiet || fail "plain run"
"$h5same" --exclude-path /run_info --exclude-path /precision "$tmp/t1.h5" "$tmp/plain.h5" ||
  fail "differs from a plain run of $n trials"
echo "the file of a plain run of $n trials, plus /precision"

# the same targets as scenario keys (simulation.target_precision, max_trials):
# the same stop, trials and /precision
printf 'extends: %s\nsimulation:\n  target_precision: "var99_total=0.05,mean_total=0.02"\n  max_trials: 100000\n' \
  "$(cd "$(dirname "$scen")" && pwd)/$(basename "$scen")" >"$tmp/keys.yaml"
"$bin" run "$tmp/keys.yaml" -o "$tmp/keys.h5" --quiet || fail "scenario keys run"
for g in /precision /trials /summary; do
  "$h5same" "$tmp/t1.h5" "$tmp/keys.h5" "$g" "$g" || fail "scenario keys: $g differs from --target-precision"
done
echo "simulation.target_precision: the same stop as --target-precision"

# SIGTERM during the stages, then --resume: the same file
OMP_NUM_THREADS=1 "$bin" run "$scen" -o "$tmp/s.h5" "${T[@]}" &
pid=$!
sleep "${STOP_AFTER:-1.5}"
kill -TERM "$pid"
wait "$pid"
st=$?
[ "$st" -eq 75 ] || fail "stopped run: exit status $st, expected 75"
[ -f "$tmp/s.h5.ckpt" ] && [ ! -e "$tmp/s.h5" ] || fail "expected only the checkpoint"
OMP_NUM_THREADS=2 "$bin" run "$scen" -o "$tmp/s.h5" "${T[@]}" --resume || fail "resumed run"
"$h5same" --exclude-path /run_info "$tmp/t1.h5" "$tmp/s.h5" || fail "resumed run differs"
echo "stopped by SIGTERM and resumed: identical"
if [ -n "$mpiexec" ]; then # stopped on 2 ranks, resumed on 3
  rm -f "$tmp/s.h5" "$tmp/s.h5.ckpt"
  OMP_NUM_THREADS=1 "$mpiexec" --oversubscribe --allow-run-as-root -n 2 \
    "$bin" run "$scen" -o "$tmp/s.h5" "${T[@]}" &
  pid=$!
  sleep "${STOP_AFTER:-1.5}"
  for p in $(pgrep -f -- "$tmp/s.h5"); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = minrisk ] && kill -TERM "$p"
  done
  wait "$pid"
  st=$?
  [ "$st" -eq 75 ] || fail "stopped 2-rank run: exit status $st, expected 75"
  OMP_NUM_THREADS=1 "$mpiexec" --oversubscribe --allow-run-as-root -n 3 \
    "$bin" run "$scen" -o "$tmp/s.h5" "${T[@]}" --resume || fail "resumed on 3 ranks"
  "$h5same" --exclude-path /run_info "$tmp/t1.h5" "$tmp/s.h5" || fail "resumed on 3 ranks differs"
  echo "stopped on 2 ranks, resumed on 3: identical"
fi

# output.trials: none (held in memory, not streamed): the same /summary and /precision
printf 'extends: %s\noutput:\n  trials: none\n' \
  "$(cd "$(dirname "$scen")" && pwd)/$(basename "$scen")" >"$tmp/none.yaml"
"$bin" run "$tmp/none.yaml" -o "$tmp/none.h5" "${T[@]}" || fail "output.trials: none"
for g in /precision /summary; do
  "$h5same" "$tmp/t1.h5" "$tmp/none.h5" "$g" "$g" || fail "output.trials: none: $g differs"
done
echo "output.trials: none: the same /summary and /precision"
# and with the targets as scenario keys (until 2026-12-05 such a run was
# streamed: 1024 trials, no /precision, exit 0)
printf 'extends: %s\noutput:\n  trials: none\n' "$tmp/keys.yaml" >"$tmp/keys-none.yaml"
"$bin" run "$tmp/keys-none.yaml" -o "$tmp/keys-none.h5" --quiet || fail "keys, output.trials: none"
for g in /precision /summary; do
  "$h5same" "$tmp/t1.h5" "$tmp/keys-none.h5" "$g" "$g" ||
    fail "simulation.target_precision with output.trials: none: $g differs"
done
echo "simulation.target_precision with output.trials: none: the same /summary and /precision"

# a target that cannot be met: stops at --max-trials (3000: checks 1024,
# 2048, 3000) and says so
"$bin" run "$scen" -o "$tmp/u.h5" --target-precision var999_total=0.001 --max-trials 3000 \
  2>"$tmp/u.err" || fail "unmet target run"
grep -q "stopped at 3000 trials (check 3): --max-trials reached, a target unmet" "$tmp/u.err" ||
  fail "no 'max-trials reached' line: $(cat "$tmp/u.err")"
# the cap named where it came from (until 2026-12-07 always --max-trials)
"$bin" run "$scen" -o "$tmp/u2.h5" --target-precision var999_total=0.001 --trials 3000 \
  2>"$tmp/u2.err" || fail "unmet target run, --trials"
grep -q "stopped at 3000 trials (check 3): --trials reached, a target unmet" "$tmp/u2.err" ||
  fail "no '--trials reached' line: $(cat "$tmp/u2.err")"
# summary's heading names no option (until 2026-12-07 "Precision
# (--target-precision)", whatever set the target)
# (into a file: grep -q stopping early would end summary by SIGPIPE, which
# pipefail counts)
"$bin" summary "$tmp/u2.h5" >"$tmp/u2.sum" || fail "summary of the unmet run"
grep -qx "Precision target: stopped at 3000 trials by max_trials" "$tmp/u2.sum" ||
  fail "summary: no 'Precision target' heading"
"$py" - "$tmp/u.h5" <<'PY' || fail "unmet target figures"
import sys, h5py
P = h5py.File(sys.argv[1], "r")["precision"]
s = P["stopped_by"][()]
assert (s.decode() if isinstance(s, bytes) else s) == "max_trials", s
assert list(P["check_trials"][:]) == [1024, 2048, 3000]
assert list(P["met"][:]) == [0] and P["max_trials"][()] == 3000
PY
"$bin" summary "$tmp/u.h5" >"$tmp/u.txt" || fail "summary"
grep -q "stopped at 3000 trials by max_trials" "$tmp/u.txt" || fail "summary: no precision line"
echo "unmet target: stopped at --max-trials 3000, said so"

# bad arguments: one line, exit status 2
bad() { # bad EXPECTED ARGS...
  local want=$1
  shift
  "$bin" run "$scen" -o "$tmp/bad.h5" "$@" 2>"$tmp/bad.err"
  local st=$?
  [ "$st" -eq 2 ] || fail "$*: exit status $st, expected 2"
  [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] || fail "$*: not one line: $(cat "$tmp/bad.err")"
  grep -qF -- "$want" "$tmp/bad.err" || fail "$*: got '$(cat "$tmp/bad.err")'"
}
bad "minrisk run: --target-precision: expected STAT=REL, got 'var99_total'" --target-precision var99_total
bad "unknown statistic 'var99'" --target-precision var99=0.1
bad "var99_total: REL must be a number in (0, 1], got '0'" --target-precision var99_total=0
bad "var99_total: REL must be a number in (0, 1], got '1.5'" --target-precision var99_total=1.5
bad "var99_total: REL must be a number in (0, 1], got 'x'" --target-precision var99_total=x
bad "var99_mars: 'mars' is neither 'total' nor a sector" --target-precision var99_mars=0.1
bad "varx_total: the level after var must be 1 to 4 digits" --target-precision varx_total=0.1
bad "rp1: a return period rpR needs an integer R in [2, 1000000]" --target-precision rp1=0.1
bad "var100_total: the level 0.100 is below 0.5" --target-precision var100_total=0.9
bad "var99_total: given twice" --target-precision var99_total=0.1,var99_total=0.2
bad "--max-trials: only with a precision target (--target-precision or simulation.target_precision)" --max-trials 5000
bad "--max-trials: must be an integer in [1, 4294967295], got '0'" --target-precision aal=0.1 --max-trials 0
bad "--trials and --max-trials: give one" --target-precision aal=0.1 --max-trials 5000 --trials 100
bad "minrisk run: --target-precision: not available with importance sampling" --target-precision aal=0.1 --importance 'event/*=2'
# the target from the scenario's simulation.target_precision is named as such
sed 's/^simulation:$/simulation:\n  target_precision: "aal=0.1"/' "$scen" >"$tmp/withtarget.yaml"
grep -q '^  target_precision: "aal=0.1"$' "$tmp/withtarget.yaml" || fail "no simulation: line in $scen"
scen_saved=$scen scen=$tmp/withtarget.yaml
bad "minrisk run: simulation.target_precision: not available with importance sampling ($tmp/withtarget.yaml)" --importance 'event/*=2'
scen=$scen_saved
[ ! -e "$tmp/bad.h5" ] || fail "a bad argument left a file"
echo "bad arguments: one line each, exit status 2"
