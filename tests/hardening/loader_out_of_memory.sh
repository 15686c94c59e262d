#!/usr/bin/env bash
# Out of memory while reading a scenario is a failure (exit status 1, "out
# of memory"), not bad input (2): docs/minrisk.1 "EXIT STATUS". Each
# allocation minrisk's own code makes while it validates a scenario (one
# file; a sweep over an extends chain; an uncertainty study) is made to fail
# in turn (failmalloc.c, LD_PRELOAD), and the command must end with status
# 1 and one line saying so (validate: also when it is its indicator tables
# that fail); `minrisk run` the same, leaving no output file (status 0
# where the allocation was not needed).
# usage: loader_out_of_memory.sh MINRISK SRC FAILMALLOC.so
. "$(dirname "$0")/common.sh" "$@"
shim=$3
oom_line='(out of memory|Cannot allocate memory)$'

# count ARGS...: how many allocations `minrisk ARGS` makes (0 if it fails)
count() {
  if FAILMALLOC_AT=0 FAILMALLOC_COUNT_FILE=count.txt LD_PRELOAD=$shim "$bin" "$@" >/dev/null 2>&1; then
    cat count.txt
  else
    echo 0
  fi
  rm -f count.txt
}

# count_any ARGS...: how many allocations `minrisk ARGS` makes, whatever its status
count_any() {
  FAILMALLOC_AT=0 FAILMALLOC_COUNT_FILE=count.txt LD_PRELOAD=$shim "$bin" "$@" >/dev/null 2>&1
  cat count.txt
  rm -f count.txt
}

# each_fails K ARGS...: with allocation n (1..K) failing, `minrisk ARGS`
# ends with status 1 and one out-of-memory line
each_fails() {
  local k=$1 n got
  shift
  for n in $(seq 1 "$k"); do
    FAILMALLOC_AT=$n LD_PRELOAD=$shim timeout 20 "$bin" "$@" >/dev/null 2>err.txt
    got=$?
    if [ $got -ne 1 ] || [ "$(wc -l <err.txt)" -ne 1 ] || ! grep -Eq "$oom_line" err.txt; then
      fail "minrisk $*, allocation $n failing: status $got, expected 1 ($(head -c 300 err.txt))"
    fi
  done
  rm -f err.txt
}

sweep=$src/tests/studies/sweep/grid.yaml          # extends base.yaml; 6 variants
uncertain=$src/tests/studies/uncertainty/two_keys.yaml
for s in "$demo" "$sweep" "$uncertain"; do
  k=$(count validate "$s")
  # the library's allocations are counted: the test cannot pass for want of any
  [ "${k:-0}" -ge 100 ] || fail "validate $s: $k allocations counted, expected at least 100"
  each_fails "${k:-0}" validate "$s"
done

# in_parallel FUNC K: FUNC n for n = 1..K, four at a time, each in a
# folder of its own that must be empty after it; the failures FUNC reports
# (fail) are counted here. In the MPI build every `minrisk run` waits
# about 0.4 s for the singleton MPI_Init (idle, not CPU): one at a time,
# the two loops below took 260 s of the MPI stage.
in_parallel() {
  local func=$1 k=$2 n
  for n in $(seq 1 "$k"); do
    while [ "$(jobs -rp | wc -l)" -ge 4 ]; do wait -n; done
    (mkdir "p.$n" && cd "p.$n" && fails=0 && "$func" "$n" 2>../fail.$n) &
  done
  wait
  for n in $(seq 1 "$k"); do
    if [ -s "fail.$n" ]; then
      cat "fail.$n" >&2
      fails=$((fails + $(grep -c '^FAIL: ' "fail.$n")))
    fi
    [ -d "p.$n" ] && [ -z "$(ls -A "p.$n")" ] || fail "allocation $n: left behind: $(ls -A "p.$n" 2>&1)"
    rm -rf "p.$n" "fail.$n"
  done
}

# run: the same allocations (the scenario's), then the first of the model's
run_fails() {
  local n=$1 got
  FAILMALLOC_AT=$n LD_PRELOAD=$shim timeout 20 "$bin" run "$demo" -o out.h5 --trials 20 \
    --threads 1 --quiet >/dev/null 2>err.txt
  got=$?
  if [ $got -eq 0 ]; then
    rm -f out.h5
  elif [ $got -ne 1 ] || [ "$(wc -l <err.txt)" -ne 1 ] || ! grep -q "out of memory\|Cannot allocate memory" err.txt; then
    fail "minrisk run, allocation $n failing: status $got, expected 0 or 1 ($(head -c 300 err.txt))"
  elif [ -e out.h5 ]; then
    fail "minrisk run, allocation $n failing: status 1 and out.h5 written"
  fi
  rm -f err.txt out.h5.ckpt
}
in_parallel run_fails "$(count validate "$demo")"

# run: the memory the analyses need is estimated with a model of its own
# (sim/studies/run_extras.c); out of memory there is a failure, not an
# estimate of 0. Under a limit that 2000 trials with --events fit in
# without their analyses (about 18 MB) but not with them (33 MB; about 28
# MB free), the run is refused; it must be with every allocation up to
# the refusal failing in turn too: status 1, one line, no output.
export MINRISK_MEMORY_LIMIT=38M
k=$(count_any run "$demo" -o out.h5 --trials 2000 --threads 1 --quiet --events)
[ "${k:-0}" -ge 100 ] || fail "run under a limit: $k allocations counted, expected at least 100"
limit_fails() {
  local n=$1 got
  FAILMALLOC_AT=$n LD_PRELOAD=$shim timeout 60 "$bin" run "$demo" -o out.h5 --trials 2000 \
    --threads 1 --quiet --events >/dev/null 2>err.txt
  got=$?
  if [ $got -ne 1 ] || [ "$(wc -l <err.txt)" -ne 1 ] || [ -e out.h5 ]; then
    fail "minrisk run under a limit, allocation $n failing: status $got ($(head -c 300 err.txt))"
  fi
  rm -f err.txt out.h5 out.h5.ckpt
}
in_parallel limit_fails "${k:-0}"
unset MINRISK_MEMORY_LIMIT
[ -z "$(ls -A)" ] || fail "left behind: $(ls -A)"
finish
