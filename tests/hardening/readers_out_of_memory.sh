#!/usr/bin/env bash
# Out of memory while reading a result file is a failure (exit status 1),
# not a damaged file (2), and never a success with output missing (0):
# docs/minrisk.1 "EXIT STATUS". Each allocation minrisk's own code makes in
# `summary`, `explain`, `export` (with and without --trials) and the C side
# of `report` of a 200-trial run of demo.yaml is made to fail in turn
# (failmalloc.c, LD_PRELOAD). The file is sound, so every one must end
# either with status 1 and one line that begins "demo.h5: out of memory" (export:
# nothing left in the directory it made), or with status 0, nothing on
# standard error and exactly the output of the run where none fails.
# usage: readers_out_of_memory.sh MINRISK SRC FAILMALLOC.so
. "$(dirname "$0")/common.sh" "$@"
shim=$3

"$bin" run "$demo" -o demo.h5 --trials 200 --quiet || fail "the run of demo.yaml failed"

# what `minrisk ARGS` wrote: its standard output and the CSV files in ex/
output() {
  cat out.txt
  [ -d ex ] && (cd ex && find . -type f | LC_ALL=C sort | xargs -r md5sum)
}

# each ARGS...: every allocation of `minrisk ARGS` failing in turn
each() {
  local k n got want lines bad=0
  rm -rf ex
  FAILMALLOC_AT=0 FAILMALLOC_COUNT_FILE=count.txt LD_PRELOAD=$shim "$bin" "$@" >out.txt 2>&1 ||
    fail "minrisk $* without a failed allocation: status $?"
  want=$(output | md5sum)
  k=$(cat count.txt 2>/dev/null || echo 0)
  rm -f count.txt
  # minrisk's allocations are counted: the test cannot pass for want of any
  [ "$k" -ge 100 ] || fail "minrisk $*: $k allocations counted, expected at least 100"
  # thousands of runs: each check is a shell builtin, not a process (the
  # test took 63 s alone, 285 s beside the suite's others, with five)
  for n in $(seq 1 "$k"); do
    [ -e ex ] && rm -rf ex
    FAILMALLOC_AT=$n LD_PRELOAD=$shim timeout 20 "$bin" "$@" >out.txt 2>err.txt
    got=$?
    if [ $got -eq 1 ]; then
      mapfile lines <err.txt # each line with its newline
      [ ${#lines[@]} -eq 1 ] && [[ ${lines[0]} == "demo.h5: out of memory"*$'\n' ]] &&
        ! compgen -G 'ex/*' >/dev/null && ! compgen -G 'ex/.[!.]*' >/dev/null ||
        { bad=$((bad + 1)) && echo "allocation $n: status 1, $(head -c 300 err.txt)" >&2; }
    elif [ $got -ne 0 ] || [ -s err.txt ] || [ "$(output | md5sum)" != "$want" ]; then
      bad=$((bad + 1))
      echo "allocation $n: status $got, $(head -c 300 err.txt)$([ $got -eq 0 ] && echo "output differs")" >&2
    fi
  done
  [ $bad -eq 0 ] || fail "minrisk $*: $bad of $k failed allocations not reported as out of memory"
  rm -rf ex out.txt err.txt
}

each summary demo.h5
each explain demo.h5 --trial 5
each export demo.h5 --csv ex --quiet
each export demo.h5 --csv ex --quiet --trials
# report's C side: the checks of the file before report.py runs (no
# interpreter: the run where none fails ends with status 1 too, later)
k=$(FAILMALLOC_AT=0 FAILMALLOC_COUNT_FILE=count.txt LD_PRELOAD=$shim MINRISK_PYTHON=/nonexistent \
  "$bin" report demo.h5 -o rep --quiet >/dev/null 2>&1; cat count.txt)
rm -f count.txt
[ "${k:-0}" -ge 10 ] || fail "minrisk report: ${k:-0} allocations counted, expected at least 10"
for n in $(seq 1 "${k:-0}"); do
  FAILMALLOC_AT=$n LD_PRELOAD=$shim MINRISK_PYTHON=/nonexistent timeout 20 "$bin" report demo.h5 \
    -o rep --quiet >/dev/null 2>err.txt
  got=$?
  # each of them is in those checks (a run of report.py would say more)
  [ $got -eq 1 ] && [ "$(<err.txt)" = "demo.h5: out of memory" ] ||
    fail "minrisk report, allocation $n failing: status $got ($(head -c 300 err.txt))"
done
rm -rf rep err.txt
finish
