#!/usr/bin/env bash
# Strong and weak scaling of the MPI build: 1, 2 and 4 ranks x 1 and 2
# OpenMP threads on bench/synthetic.yaml (layouts 1x1, 1x2, 2x1, 2x2, 4x1).
# Prints, per layout, the median over REPS runs of the engine time
# (/run_info/wall_seconds, slowest rank), the analysis after it (the tail
# attribution and the summary's bootstrap intervals, analysis_seconds),
# the collective write and the statistics reductions (write_seconds,
# stats_seconds), the largest peak
# resident memory of a rank (/usr/bin/time), and the parallel efficiency
# t(1x1) / (workers t) (strong) or t(1x1) / t (weak). A layout with more
# workers than cores is marked "oversubscribed": its efficiency is the
# cores', not a cluster's.
# usage: bench/scaling.sh [STRONG_TRIALS] [WEAK_TRIALS_PER_WORKER] [REPS]
set -euo pipefail
strong=${1:-40000}
weak=${2:-10000}
reps=${3:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-mpi}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMINRISK_MPI=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target minrisk >/dev/null
"$build/minrisk" --version
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scen="$root/bench/synthetic.yaml"
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
attr() { h5dump -a "/run_info/$2" "$1" | awk '/\(0\)/ {print $2}'; }
measure() { # measure RANKS THREADS TRIALS -> "engine analysis write stats rss_mb"
  local e=() a=() w=() s=() m=()
  for ((k = 0; k < reps; k++)); do
    # Each rank gets THREADS cores (Open MPI binds a rank to one core by
    # default, which would stack its threads); no binding when oversubscribed.
    local bind=(--map-by "slot:PE=$2" --bind-to core)
    (($1 * $2 > $(nproc))) && bind=(--bind-to none)
    rm -f "$tmp/rss.$k"
    OMP_NUM_THREADS=$2 mpiexec --allow-run-as-root --oversubscribe "${bind[@]}" -n "$1" \
      /usr/bin/time -a -o "$tmp/rss.$k" -f '%M' "$build/minrisk" run "$scen" -o "$tmp/s.h5" \
      --trials "$3" --quiet
    m+=("$(sort -g "$tmp/rss.$k" | tail -1)")
    e+=("$(attr "$tmp/s.h5" wall_seconds_max)")
    a+=("$(attr "$tmp/s.h5" analysis_seconds)")
    w+=("$(attr "$tmp/s.h5" write_seconds)")
    s+=("$(attr "$tmp/s.h5" stats_seconds)")
  done
  echo "$(printf '%s\n' "${e[@]}" | median) $(printf '%s\n' "${a[@]}" | median)" \
    "$(printf '%s\n' "${w[@]}" | median)" \
    "$(printf '%s\n' "${s[@]}" | median) $(printf '%s\n' "${m[@]}" | median | awk '{printf "%.0f", $1 / 1024}')"
}
for mode in strong weak; do
  echo
  if [ "$mode" = strong ]; then
    echo "strong scaling: $strong trials in every layout (medians of $reps runs)"
  else
    echo "weak scaling: $weak trials per worker (medians of $reps runs)"
  fi
  printf '%-6s %-7s %8s %11s %13s %10s %10s %14s %11s\n' ranks threads trials "engine (s)" \
    "analysis (s)" "write (s)" "stats (s)" "RSS/rank (MiB)" efficiency
  t11=""
  for layout in "1 1" "1 2" "2 1" "2 2" "4 1"; do
    set -- $layout
    workers=$(($1 * $2))
    n=$strong
    [ "$mode" = weak ] && n=$((weak * workers))
    read -r e a w s r < <(measure "$1" "$2" "$n")
    [ -z "$t11" ] && t11=$e
    if [ "$mode" = strong ]; then
      eff=$(awk -v a="$t11" -v b="$e" -v p="$workers" 'BEGIN {printf "%.2f", a / (p * b)}')
    else
      eff=$(awk -v a="$t11" -v b="$e" 'BEGIN {printf "%.2f", a / b}')
    fi
    over=""
    ((workers > $(nproc))) && over="  oversubscribed ($workers workers on $(nproc) cores)"
    printf '%-6s %-7s %8s %11.3f %13.3f %10.3f %10.3f %14s %11s%s\n' "$1" "$2" "$n" "$e" "$a" "$w" "$s" \
      "$r" "$eff" "$over"
  done
done
echo
echo "(this machine has $(nproc) cores: layouts of more workers than cores are oversubscribed)"
