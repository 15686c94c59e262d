#!/usr/bin/env bash
# The market step's share of a run (issue 12: "the market step must not
# cost more than about 30% of the run"), from a profile.
#
# Builds minrisk with MINRISK_PROFILE_MARKET=ON (the market step's
# functions out of line: the clearing's start and bookkeeping
# `market_begin`, the solve `market_solve` with `mr_market_clear`,
# `mr_market_refill` and the stock update, the scarcity factor
# `scarcity_ratio` and the UK buyers' costs `buyer_cost`; the same results,
# bit for bit, as the default build), runs SCENARIO for TRIALS trials on
# 1 thread under `perf record --call-graph=fp`, and prints each
# function's share of the minrisk process's samples, children included
# (the whole run: reading, trials, statistics, writing), and their sum.
#
# usage: bench/market_share.sh [TRIALS] [SCENARIO]   (from the project root)
# default: 10000 trials of scenarios/uk-2024.yaml; needs perf (linux-perf)
# env: BUILD_DIR (default build-profile-market), FREQ (samples/s, 4000)
set -euo pipefail
trials=${1:-10000}
root=$(cd "$(dirname "$0")/.." && pwd)
scen=${2:-$root/scenarios/uk-2024.yaml}
build=${BUILD_DIR:-$root/build-profile-market}
freq=${FREQ:-4000}
command -v perf >/dev/null || { echo "market_share.sh: needs perf (apt-get install linux-perf)" >&2; exit 2; }
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DMINRISK_PROFILE_MARKET=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target minrisk >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
perf record -q -o "$tmp/perf.data" --call-graph=fp -F "$freq" \
  "$build/minrisk" run "$scen" -o "$tmp/r.h5" --trials "$trials" --threads 1 --quiet 2>/dev/null
perf report -i "$tmp/perf.data" --children --stdio --comm minrisk --percentage relative \
  2>/dev/null >"$tmp/report.txt"
echo "$(basename "$scen"), $trials trials, 1 thread: share of minrisk's samples, children included"
awk '
  /^ +[0-9.]+% +[0-9.]+% / {
    fn = $NF
    if (fn ~ /^(market_begin|market_solve|scarcity_ratio|buyer_cost)(\.|$)/ || fn == "mr_trial_run") {
      sub(/%/, "", $1); share[fn] += $1
    }
  }
  END {
    printf "  %-26s %7.2f%%\n", "mr_trial_run (all steps)", share["mr_trial_run"]
    n = split("market_begin market_solve scarcity_ratio buyer_cost", f, " ")
    for (i = 1; i <= n; i++) {
      s = 0; for (k in share) if (index(k, f[i]) == 1) s += share[k]
      printf "  %-26s %7.2f%%\n", f[i], s; clearing += (i <= 2) * s; total += s
    }
    printf "  %-26s %7.2f%%\n", "the clearing (first two)", clearing
    printf "  %-26s %7.2f%%\n", "the market step (all four)", total
  }' "$tmp/report.txt"
