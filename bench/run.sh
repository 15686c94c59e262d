#!/usr/bin/env bash
# Benchmark: trials per second of a scenario (default bench/synthetic.yaml:
# 20 minerals, 12 countries, 6 sectors, 10 years monthly; bench/dense.yaml
# has an outage process per supplier) on 1 and 2 threads, and the ratio of
# the run's time to the RNG floor (the time the same generator takes to draw
# the run's random numbers alone, on as many threads). REPS reps, each a run
# on 1 thread then one on 2: medians of the runs, and the 2-thread speed-up
# as the median of the reps' pairs.
# usage: bench/run.sh [TRIALS] [REPS] [SCENARIO]   (from the project root)
set -euo pipefail
trials=${1:-100000}
reps=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
scen=${3:-$root/bench/synthetic.yaml}
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target minrisk rng_floor >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
attr() { h5dump -a "/run_info/$2" "$1" | awk '/\(0\)/ {print $2}'; }
echo "scenario: $(basename "$scen"), $trials trials, median of $reps reps (1 thread then 2 in each)"
declare -A runs floors
pairs=()
for ((r = 0; r < reps; r++)); do
  for th in 1 2; do
    "$build/minrisk" run "$scen" -o "$tmp/b.h5" --trials "$trials" --threads "$th" --quiet
    t=$(attr "$tmp/b.h5" wall_seconds)
    runs[$th]+="$t "
    words=$(attr "$tmp/b.h5" random_words)
    floors[$th]+="$("$build/bench/rng_floor" "$words" "$th" 2>/dev/null) "
    [ "$th" = 1 ] && t1=$t || pairs+=("$(awk -v a="$t1" -v b="$t" 'BEGIN {print a / b}')")
  done
done
printf '%-8s %12s %14s %14s %10s\n' threads "run (s)" "trials/s" "rng floor (s)" "ratio"
for th in 1 2; do
  t=$(printf '%s\n' ${runs[$th]} | median)
  f=$(printf '%s\n' ${floors[$th]} | median)
  awk -v th="$th" -v t="$t" -v f="$f" -v n="$trials" \
    'BEGIN {printf "%-8s %12.3f %14.0f %14.3f %10.2f\n", th, t, n / t, f, t / f}'
done
echo "speed-up 2 threads / 1 thread, median of $reps pairs: $(printf '%s\n' "${pairs[@]}" | median) (pairs: ${pairs[*]})"
echo "random words per run: $words"
