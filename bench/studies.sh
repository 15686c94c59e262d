#!/usr/bin/env bash
# Benchmark of the scenario-study tools on the UK scenarios, medians of REPS:
# - run: the simulation (wall_seconds) against the analysis after it
#   (analysis_seconds: the tail attribution of every run), statistics and write;
# - compare uk-2024 vs uk-2035-vision: the two runs against the paired
#   statistics and the bootstrap (from the command's own timing line);
# usage: bench/studies.sh [TRIALS] [REPS]   (from the project root)
set -euo pipefail
trials=${1:-100000}
reps=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target minrisk >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
attr() { h5dump -a "/run_info/$2" "$1" | awk '/\(0\)/ {print $2}'; }
echo "scenarios/uk-2024.yaml, $trials trials, median of $reps runs, $(nproc) threads"
w=() a=() s=() x=()
for ((r = 0; r < reps; r++)); do
  "$build/minrisk" run "$root/scenarios/uk-2024.yaml" -o "$tmp/u.h5" --trials "$trials" --quiet
  w+=("$(attr "$tmp/u.h5" wall_seconds)") a+=("$(attr "$tmp/u.h5" analysis_seconds)")
  s+=("$(attr "$tmp/u.h5" stats_seconds)") x+=("$(attr "$tmp/u.h5" write_seconds)")
done
W=$(printf '%s\n' "${w[@]}" | median) A=$(printf '%s\n' "${a[@]}" | median)
S=$(printf '%s\n' "${s[@]}" | median) X=$(printf '%s\n' "${x[@]}" | median)
awk -v w="$W" -v a="$A" -v s="$S" -v x="$X" 'BEGIN {
  printf "run: simulation %.3f s, tail attribution %.3f s (%.1f%% of the simulation), statistics %.3f s, write %.3f s\n",
         w, a, 100 * a / w, s, x }'
b=() p=()
for ((r = 0; r < reps; r++)); do
  line=$("$build/minrisk" compare "$root/scenarios/uk-2024.yaml" "$root/scenarios/uk-2035-vision.yaml" \
         --trials "$trials" -o "$tmp/c.h5" 2>&1 >/dev/null | grep 'minrisk compare:' | tail -1)
  b+=("$(sed -n 's/.*in \([0-9.]*\) s (runs.*/\1/p' <<<"$line")")
  p+=("$(sed -n 's/.*bootstrap resamples \([0-9.]*\) s).*/\1/p' <<<"$line")")
done
awk -v t="$(printf '%s\n' "${b[@]}" | median)" -v p="$(printf '%s\n' "${p[@]}" | median)" 'BEGIN {
  printf "compare uk-2024 vs uk-2035-vision: %.3f s in all, of which paired statistics and 1,000 bootstrap resamples of 5 series %.3f s\n", t, p }'
