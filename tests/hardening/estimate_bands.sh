#!/usr/bin/env bash
# The estimates minrisk makes before a run against what the run then takes
# (docs/HPC.md "Memory", "The file's size"): the file-size estimate (the
# free-space check's "the file needs about X", read from its refusal with
# no space free, faked by the LD_PRELOAD shim fakestatvfs.c) must be at
# least the written file's size (stat) and at most 20% above it, for a
# plain run (output.trials all, totals, none), --events and a comparison
# of 2 and of 3 runs; the memory estimate (the refusal's "need about X"
# under MINRISK_MEMORY_LIMIT=1) within -10%/+25% of the peak resident size
# (ru_maxrss) of a run of demo.yaml (plain, output.trials: none; --events
# within +35%) and of a comparison (not under
# AddressSanitizer, whose shadow memory and quarantine add to the peak).
# Until 2026-12-06: the file of demo.yaml at 1,000 trials was estimated at
# 4.1 times its size (a whole chunk more a dataset and 4 MiB), of 3
# runs compared 2.9 times, with --events at 10,000 trials 0.72 times (the
# event table was not counted); the memory of demo.yaml at 10,000 trials on
# 2 threads at 0.49 of its peak (the replayers of the attribution held a
# copy of the time bands each, which they did not use, and neither those,
# the slice of the bands the statistics sum when the file is written, nor
# what the process held at the check were counted), of a comparison at
# 0.54 (its runs' attribution was not counted either), of output.trials:
# none at 1.6 times (the counts of the streamed statistics' first pass and
# of its later passes were added, though the first are freed before the
# others are made); and once those were counted, with --events at 1.53
# (the table's building and its loss tables were added, though the second
# comes after the first).
# usage: estimate_bands.sh MINRISK SRC PYTHON SHIM
. "$(dirname "$0")/common.sh" "$@"
shim=$4
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
asan=0
case "$(ldd "$bin" 2>/dev/null)" in *libasan*) asan=1 ;; esac

for keep in totals none; do
  printf 'extends: %s\noutput: {trials: %s}\n' "$demo" "$keep" >$keep.yaml
done
printf 'extends: %s\n' "$demo" >b.yaml
printf 'extends: %s\n' "$demo" >c.yaml

# estimate SED: the bytes of the figure ("3.1 MiB") the sed expression SED
# takes from the refusal in err.txt (nothing if none: the refusal goes to
# standard error)
estimate() {
  local e
  e=$(sed -n "$1" err.txt | awk '{m = 1; if ($2 == "KiB") m = 2^10; if ($2 == "MiB") m = 2^20;
                                  if ($2 == "GiB") m = 2^30; printf "%.0f\n", $1 * m}')
  [ -n "$e" ] || cat err.txt >&2
  rm -f err.txt
  echo "$e"
}

# size_band NAME ARGS...: minrisk ARGS -o a.h5 with no space free is
# refused with the estimate; with the space it writes a.h5, whose size must
# lie in [estimate / 1.2, estimate] (the estimate printed to 3 figures: a
# 1% tolerance below)
size_band() {
  local name=$1
  shift
  MR_FAKE_FREE_BYTES=0 LD_PRELOAD=$shim timeout 60 "$bin" "$@" -o a.h5 --quiet >/dev/null 2>err.txt
  local est
  est=$(estimate 's/.*the file needs about \([0-9.]* [a-zA-Z]*\),.*/\1/p')
  [ -n "$est" ] || {
    fail "$name: no size estimate"
    return
  }
  timeout 120 "$bin" "$@" -o a.h5 --quiet >/dev/null 2>err.txt || fail "$name: status $? ($(cat err.txt))"
  local real
  real=$(stat -c %s a.h5)
  awk -v e="$est" -v r="$real" 'BEGIN { exit !(e >= 0.99 * r && e <= 1.2 * r) }' ||
    fail "$name: file of $real bytes, estimated $est"
  rm -f a.h5 err.txt
}

size_band "all, 1000 trials" run "$demo" --trials 1000 --threads 2
size_band "all, 3000 trials" run "$demo" --trials 3000 --threads 2
size_band "totals" run totals.yaml --trials 3000 --threads 2
size_band "none" run none.yaml --trials 3000 --threads 2
size_band "--events" run "$demo" --trials 3000 --threads 2 --events
size_band "compare of 2" compare "$demo" b.yaml --trials 2000 --threads 2 --bootstrap 100
size_band "compare of 3" compare "$demo" b.yaml c.yaml --trials 2000 --threads 2 --bootstrap 100

# mem_band NAME HI ARGS...: the estimate under a limit of 1 byte, the peak
# resident size of the run (kB), within -10%/+HI%
mem_band() {
  local name=$1 hi=$2
  shift 2
  MINRISK_MEMORY_LIMIT=1 timeout 60 "$bin" "$@" -o a.h5 --quiet >/dev/null 2>err.txt
  local est
  est=$(estimate 's/.*need about \([0-9.]* [a-zA-Z]*\) on this rank.*/\1/p')
  [ -n "$est" ] || {
    fail "$name: no memory estimate"
    return
  }
  local peak
  peak=$("$py" - "$bin" "$@" <<'PY'
import resource, subprocess, sys
r = subprocess.run(sys.argv[1:] + ["-o", "a.h5", "--quiet"], stdout=subprocess.DEVNULL)
if r.returncode != 0:
    sys.exit("exit status %d" % r.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
PY
  ) || {
    fail "$name: the run failed"
    return
  }
  awk -v e="$est" -v p="$peak" -v h="$hi" 'BEGIN { exit !(e >= 0.9 * p && e <= (1 + h / 100) * p) }' ||
    fail "$name: peak resident size $peak bytes, estimated $est"
  rm -f a.h5 err.txt
}

if [ $asan -eq 0 ]; then
  mem_band "run, 2 threads" 25 run "$demo" --trials 20000 --threads 2
  mem_band "run, 1 thread" 25 run "$demo" --trials 20000 --threads 1
  mem_band "compare of 2" 25 compare "$demo" b.yaml --trials 10000 --threads 2 --bootstrap 100
  mem_band "output.trials: none" 25 run none.yaml --trials 20000 --threads 2
  # the event table's terms are upper bounds: 1.20 measured
  mem_band "--events" 35 run "$demo" --trials 10000 --threads 2 --events
fi
rm -f totals.yaml none.yaml b.yaml c.yaml
[ -z "$(ls -A)" ] || fail "left behind: $(ls -A)"
finish "estimate_bands: file sizes and memory within the bands of their estimates"
