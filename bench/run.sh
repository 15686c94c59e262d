#!/usr/bin/env bash
# Benchmark: trials per second of the synthetic scenario (20 minerals,
# 12 countries, 6 sectors, 10 years monthly) on 1 and 2 threads, and the
# ratio of the run's time to the RNG floor (the time the same generator
# takes to draw the run's random numbers alone, on as many threads).
# Medians of REPS runs. usage: bench/run.sh [TRIALS] [REPS]   (from the project root)
set -euo pipefail
trials=${1:-100000}
reps=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target minrisk rng_floor >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scen="$root/bench/synthetic.yaml"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
attr() { h5dump -a "/run_info/$2" "$1" | awk '/\(0\)/ {print $2}'; }
echo "scenario: bench/synthetic.yaml, $trials trials, median of $reps runs"
printf '%-8s %12s %14s %14s %10s\n' threads "run (s)" "trials/s" "rng floor (s)" "ratio"
declare -A T
for th in 1 2; do
  runs=() floors=()
  for ((r = 0; r < reps; r++)); do
    "$build/minrisk" run "$scen" -o "$tmp/b.h5" --trials "$trials" --threads "$th" --quiet
    runs+=("$(attr "$tmp/b.h5" wall_seconds)")
    words=$(attr "$tmp/b.h5" random_words)
    floors+=("$("$build/bench/rng_floor" "$words" "$th" 2>/dev/null)")
  done
  t=$(printf '%s\n' "${runs[@]}" | median)
  f=$(printf '%s\n' "${floors[@]}" | median)
  T[$th]=$t
  awk -v th="$th" -v t="$t" -v f="$f" -v n="$trials" \
    'BEGIN {printf "%-8s %12.3f %14.0f %14.3f %10.1f\n", th, t, n / t, f, t / f}'
done
awk -v a="${T[1]}" -v b="${T[2]}" 'BEGIN {printf "speed-up 2 threads / 1 thread: %.2f\n", a / b}'
echo "random words per run: $words"
