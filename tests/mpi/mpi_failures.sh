#!/usr/bin/env bash
# Failures of a run on several ranks end, with one error line and nothing
# at the output path (INTERFACE.md), instead of leaving ranks waiting in a
# collective that another rank never calls:
#  1. a streamed run (output.trials: none) stopped by SIGUSR1 (what Slurm's
#     --signal=B:USR1 and docs/hpc/minrisk.sbatch send): exit status 130,
#     one "keeps no checkpoint" line, nothing left. Until this test rank 0
#     alone called the collective "was it a checkpoint signal?" and waited
#     for ever.
#  2. one rank out of memory in the summary's bootstrap (FAILMALLOC, an
#     LD_PRELOAD shim, fails that rank's malloc of the resamples' array,
#     which the ranks fill in shares and gather): exit status 1, one line,
#     the trials kept in the checkpoint. Until this test that rank skipped
#     the gather the others were in and the run hung (then of the trials'
#     losses, which the ranks gathered before 2026-12-07).
#  3. bad input on 3 ranks: one line, exit status 2, nothing left.
#  4. one rank out of memory in `minrisk uncertainty` after its rows ran:
#     exit status 1, one line, nothing written (that rank went to its end
#     alone, the others waited in the collective write).
#  5. ranks whose libm takes two code paths (below).
#  6. one rank out of memory in the model build before the collective
#     memory check (below).
# Each run is under `timeout`: a hang fails the test.
# usage: mpi_failures.sh MPIEXEC MINRISK SCENARIO FAILMALLOC_SO
set -uo pipefail
mpiexec=$1 bin=$2 scen=$3 shim=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mpirun() { # mpirun RANKS ARGS...: minrisk under mpiexec, one thread a rank
  local r=$1
  shift
  OMP_NUM_THREADS=1 timeout -k 10 120 "$mpiexec" --oversubscribe --allow-run-as-root -n "$r" "$@"
}
# minrisk's own lines (not mpiexec's notes) in FILE
lines() { grep -c -e '^minrisk' -e "^$scen" -e "^$tmp" "$1"; }
left() { (cd "$tmp/out" && ls -A | tr '\n' ' ' | sed 's/ $//'); }

# 1. a streamed run stopped by SIGUSR1 on 3 ranks
mkdir -p "$tmp/out"
{ cat "$scen"; printf '\noutput:\n  trials: none\n'; } > "$tmp/none.yaml"
OMP_NUM_THREADS=1 "$mpiexec" --oversubscribe --allow-run-as-root -n 3 \
  "$bin" run "$tmp/none.yaml" -o "$tmp/out/s.h5" --trials 2000000 --quiet 2> "$tmp/s.err" &
pid=$!
# signal once the ranks are simulating (the lock is taken before the first
# trial), then a little later
for _ in $(seq 600); do
  [ -e "$tmp/out/s.h5.lock" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
sleep "${STOP_AFTER:-1}"
kill -USR1 "$pid"
# at most 120 s to stop
for _ in $(seq 1200); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  sleep 5
  kill -KILL "$pid" 2>/dev/null
  fail "streamed run stopped by SIGUSR1: still running 120 s later (hung)"
fi
wait "$pid"
status=$?
cat "$tmp/s.err" >&2
[ "$status" -eq 130 ] || fail "streamed run stopped by SIGUSR1: exit status $status, expected 130"
[ "$(grep -c 'keeps no checkpoint' "$tmp/s.err")" -eq 1 ] || fail "expected one 'keeps no checkpoint' line"
[ -z "$(left)" ] || fail "streamed run stopped by SIGUSR1 left '$(left)'"
echo "streamed run on 3 ranks stopped by SIGUSR1: exit 130, one line, nothing left"

# 2. rank 2 of 3 out of memory in the summary's bootstrap: its array of
# the resampled statistics holds B (S + 3) 4 doubles (sim/studies/paired.c
# bootstrap: 1,000 resamples, the S + 3 series of summary_errors.c, four
# statistics each), S = 4 in the demo scenario
N=3001 S=4
rm -rf "$tmp/out" && mkdir -p "$tmp/out"
mpirun 3 -x LD_PRELOAD="$shim" -x MR_FAILMALLOC_RANK=2 -x MR_FAILMALLOC_SIZE=$((1000 * (S + 3) * 4 * 8)) \
  "$bin" run "$scen" -o "$tmp/out/o.h5" --trials "$N" --quiet 2> "$tmp/o.err"
status=$?
cat "$tmp/o.err" >&2
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "one rank out of memory: hung (timeout)"
[ "$status" -eq 1 ] || fail "one rank out of memory: exit status $status, expected 1"
grep -q "out of memory for the summary's bootstrap" "$tmp/o.err" ||
  fail "one rank out of memory: not the summary's bootstrap (has the array another size now?)"
[ "$(lines "$tmp/o.err")" -eq 1 ] || fail "one rank out of memory: expected one error line"
[ "$(left)" = "o.h5.ckpt" ] || fail "one rank out of memory left '$(left)', expected the checkpoint"
echo "one rank of 3 out of memory in the summary's bootstrap: exit 1, one line, the checkpoint"

# 3. bad input on 3 ranks: exit status 2 and one line, not one per rank
# (until this test a bad command line, found before any collective, was
# printed by every rank); nothing left at the output path
rm -rf "$tmp/out" && mkdir -p "$tmp/out" "$tmp/out/dir"
sed 's/share: 0\.367,/share: 1.367,/' "$scen" > "$tmp/bad.yaml"
cmp -s "$scen" "$tmp/bad.yaml" && fail "could not make a bad scenario from $scen"
check_bad() { # check_bad WHAT ARGS...
  local what=$1
  shift
  mpirun 3 "$bin" run "$@" 2> "$tmp/b.err"
  local status=$?
  cat "$tmp/b.err" >&2
  [ "$status" -eq 2 ] || fail "$what: exit status $status, expected 2"
  [ "$(lines "$tmp/b.err")" -eq 1 ] || fail "$what: $(lines "$tmp/b.err") error lines, expected 1"
  [ "$(left)" = dir ] || fail "$what: left '$(left)'"
}
check_bad "an unknown option" "$scen" -o "$tmp/out/x.h5" --bogus
check_bad "a bad --trials" "$scen" -o "$tmp/out/x.h5" --trials abc
check_bad "no scenario" -o "$tmp/out/x.h5"
check_bad "a bad scenario" "$tmp/bad.yaml" -o "$tmp/out/x.h5" --trials 100
check_bad "a missing scenario" "$tmp/missing.yaml" -o "$tmp/out/x.h5" --trials 100
check_bad "an output that is a directory" "$scen" -o "$tmp/out/dir" --trials 100
n=$(OMP_NUM_THREADS=1 timeout 120 "$mpiexec" --oversubscribe --allow-run-as-root -n 3 "$bin" run --help |
  grep -c '^usage:')
[ "$n" -eq 1 ] || fail "run --help on 3 ranks: $n usage texts, expected 1"
# compare runs as one process: refused under mpiexec -n 3, by rank 0 only
cmpdir=$(dirname "$scen")/../tests/studies/compare
mpirun 3 "$bin" compare "$cmpdir/crn_base.yaml" "$cmpdir/crn_stockpile.yaml" -o "$tmp/out/c.h5" \
  2> "$tmp/c.err"
status=$?
cat "$tmp/c.err" >&2
[ "$status" -eq 2 ] || fail "compare on 3 ranks: exit status $status, expected 2"
[ "$(grep -c 'without mpiexec' "$tmp/c.err")" -eq 1 ] || fail "compare on 3 ranks: expected one line"
[ "$(left)" = dir ] || fail "compare on 3 ranks: left '$(left)'"
echo "bad input on 3 ranks: exit 2, one line each, nothing left; --help once; compare refused once"

# 4. rank 2 of 3 out of memory in `minrisk uncertainty` after the rows ran
# (the Sobol indices' arrays: 2 keys x 37 rows, 592 bytes; 37 odd, so that
# no earlier array of the study has that size): exit status 1, one line,
# nothing written. Until this test that rank left for its end while the
# others waited in the collective write.
two=$(dirname "$scen")/../tests/studies/uncertainty/two_keys.yaml
rm -rf "$tmp/out" && mkdir -p "$tmp/out"
mpirun 3 -x LD_PRELOAD="$shim" -x MR_FAILMALLOC_RANK=2 -x MR_FAILMALLOC_SIZE=592 \
  "$bin" uncertainty "$two" -o "$tmp/out/u.h5" --rows 37 --block-trials 50 --quiet 2> "$tmp/u.err"
status=$?
cat "$tmp/u.err" >&2
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "uncertainty, one rank out of memory: hung (timeout)"
[ "$status" -eq 1 ] || fail "uncertainty, one rank out of memory: exit status $status, expected 1"
[ "$(grep -c 'out of memory' "$tmp/u.err")" -eq 1 ] ||
  fail "uncertainty, one rank out of memory: expected one 'out of memory' line"
[ -z "$(left)" ] || fail "uncertainty, one rank out of memory left '$(left)'"
echo "uncertainty, one rank of 3 out of memory in the indices: exit 1, one line, nothing left"

# 6. rank 2 of 3 out of memory in the model build that precedes the run's
# collective memory check: the second calloc of 28,800 bytes on that rank
# (a model time path, 120 steps x 30 supply slots x 8 bytes in demo.yaml;
# found with a logging shim). Exit status 1, one line, nothing left. Until
# 2026-12-06 (a379315) that rank returned while the others waited in the
# memory check, and the run hung.
rm -rf "$tmp/out" && mkdir -p "$tmp/out"
mpirun 3 -x LD_PRELOAD="$shim" -x MR_FAILMALLOC_RANK=2 -x MR_FAILMALLOC_SIZE=28800 \
  -x MR_FAILMALLOC_CALLOC=1 -x MR_FAILMALLOC_NTH=2 \
  "$bin" run "$scen" -o "$tmp/out/b.h5" --trials 3001 --quiet 2> "$tmp/b.err"
status=$?
cat "$tmp/b.err" >&2
[ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "model build, one rank out of memory: hung (timeout)"
[ "$status" -eq 1 ] || fail "model build, one rank out of memory: exit status $status, expected 1 (has the array another size now?)"
[ "$(grep -c 'out of memory' "$tmp/b.err")" -eq 1 ] && [ "$(lines "$tmp/b.err")" -eq 1 ] ||
  fail "model build, one rank out of memory: expected one 'out of memory' line"
[ -z "$(left)" ] || fail "model build, one rank out of memory left '$(left)'"
echo "model build, one rank of 3 out of memory: exit 1, one line, nothing left"

# 5. ranks whose libm takes two code paths (a partition mixing CPUs with
# and without FMA; here rank 0 with FMA, ranks 1 and 2 with it turned off by
# glibc's tunable, on a CPU with FMA): refused before the run by rank 0 in
# one line naming rank 1 (the first that differs) and both fingerprints,
# exit status 1, nothing left (models/libm_path.h). Until this test such a
# run ended 0 with a file that depended on which rank ran which trials.
nofma=glibc.cpu.hwcaps=-FMA
here=$("$bin" --version | sed -n 's/.*libm path \([0-9a-f]\{16\}\).*/\1/p')
other=$(GLIBC_TUNABLES=$nofma "$bin" --version | sed -n 's/.*libm path \([0-9a-f]\{16\}\).*/\1/p')
if [ -n "$here" ] && [ -n "$other" ] && [ "$here" != "$other" ]; then
  for cmd in run uncertainty; do
    rm -rf "$tmp/out" && mkdir -p "$tmp/out"
    if [ $cmd = run ]; then args=("$scen" -o "$tmp/out/m.h5" --trials 2000 --quiet)
    else args=("$two" -o "$tmp/out/m.h5" --rows 8 --block-trials 50 --quiet); fi
    OMP_NUM_THREADS=1 timeout -k 10 120 "$mpiexec" --oversubscribe --allow-run-as-root \
      -n 1 "$bin" $cmd "${args[@]}" : -n 2 env GLIBC_TUNABLES=$nofma "$bin" $cmd "${args[@]}" \
      2> "$tmp/m.err"
    status=$?
    cat "$tmp/m.err" >&2
    [ "$status" -eq 1 ] || fail "$cmd, two libm paths: exit status $status, expected 1"
    [ "$(lines "$tmp/m.err")" -eq 1 ] || fail "$cmd, two libm paths: expected one line"
    grep -Eq "^minrisk $cmd: rank 1 \(host [^,]+, [^)]+\) computes exp, log and pow differently from rank 0 \(host [^,]+, [^)]+\): libm fingerprints $other and $here, so the results would depend on which rank ran which trials; " "$tmp/m.err" ||
      fail "$cmd, two libm paths: not the expected line"
    [ -z "$(left)" ] || fail "$cmd, two libm paths left '$(left)'"
  done
  echo "ranks of two libm code paths: run and uncertainty refused, exit 1, one line, nothing left"
else
  echo "this CPU has one libm code path: the refusal of two is not tested here"
fi
