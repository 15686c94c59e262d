#!/usr/bin/env bash
# Out of memory while reading a result file is a failure (exit status 1),
# not a damaged file (2): docs/minrisk.1 "EXIT STATUS". Each allocation
# minrisk's own code makes in `summary` and `explain` of a 200-trial run of
# demo.yaml is made to fail in turn (failmalloc.c, LD_PRELOAD); whenever
# the one line says "out of memory", the status must be 1.
# usage: readers_out_of_memory.sh MINRISK SRC FAILMALLOC.so
. "$(dirname "$0")/common.sh" "$@"
shim=$3

"$bin" run "$demo" -o demo.h5 --trials 200 --quiet || fail "the run of demo.yaml failed"

# each ARGS...: every allocation of `minrisk ARGS` failing in turn
each() {
  local k n got said=0
  FAILMALLOC_AT=0 FAILMALLOC_COUNT_FILE=count.txt LD_PRELOAD=$shim "$bin" "$@" >/dev/null 2>&1 ||
    fail "minrisk $* without a failed allocation: status $?"
  k=$(cat count.txt 2>/dev/null || echo 0)
  rm -f count.txt
  # the library's allocations are counted: the test cannot pass for want of any
  [ "$k" -ge 100 ] || fail "minrisk $*: $k allocations counted, expected at least 100"
  for n in $(seq 1 "$k"); do
    FAILMALLOC_AT=$n LD_PRELOAD=$shim timeout 20 "$bin" "$@" >/dev/null 2>err.txt
    got=$?
    if grep -q "out of memory" err.txt; then
      said=$((said + 1))
      [ $got -eq 1 ] || fail "minrisk $*, allocation $n failing: status $got, expected 1 ($(head -c 300 err.txt))"
    fi
    [ $got -le 2 ] || fail "minrisk $*, allocation $n failing: status $got ($(head -c 300 err.txt))"
  done
  [ $said -gt 0 ] || fail "minrisk $*: no allocation failure said out of memory"
  rm -f err.txt
}

each summary demo.h5
each explain demo.h5 --trial 5
finish
