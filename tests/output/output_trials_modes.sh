#!/usr/bin/env bash
# output.trials: all keeps every /trials table, totals only total_loss and
# annual_loss, none no /trials group; /summary is identical in all three.
# usage: output_trials_modes.sh MINRISK SCENARIO
set -uo pipefail
# h5diff that also fails on objects it cannot compare (tests/h5same.sh)
h5same=$(cd "$(dirname "$0")/.." && pwd)/h5same.sh
bin=$1 scen=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for mode in all totals none; do
  sed "s/^simulation:/output: {trials: $mode}\nsimulation:/" "$scen" >"$tmp/$mode.yaml"
  "$bin" run "$tmp/$mode.yaml" -o "$tmp/$mode.h5" --trials 2000 --quiet || exit 1
done
has() { h5ls "$1/$2" >/dev/null 2>&1; }
for d in total_loss annual_loss sector_output_loss mineral_shortfall_peak; do
  has "$tmp/all.h5" "trials/$d" || { echo "FAIL: all: no /trials/$d" >&2; exit 1; }
done
has "$tmp/totals.h5" trials/total_loss && has "$tmp/totals.h5" trials/annual_loss ||
  { echo "FAIL: totals: total_loss or annual_loss missing" >&2; exit 1; }
! has "$tmp/totals.h5" trials/sector_output_loss || { echo "FAIL: totals kept sector_output_loss" >&2; exit 1; }
! has "$tmp/none.h5" trials || { echo "FAIL: none kept /trials" >&2; exit 1; }
# /summary is identical, the bootstrap intervals included: a streamed run
# computes them from the top tails it keeps (out/stats/btails.h; the list of
# tests/output/stream_summary.py). They must be in all three.
boot="sector_loss_es99 sector_return_period_loss_1in100 total_loss_es99 return_period_loss_1in100
total_gva_loss_es99 total_extra_cost_es99"
for mode in totals none; do
  for a in $boot; do
    for b in low high; do
      for f in all $mode; do
        has "$tmp/$f.h5" "summary/${a}_ci_$b" || { echo "FAIL: $f: no /summary/${a}_ci_$b" >&2; exit 1; }
      done
    done
  done
  n=0
  for d in $(h5ls "$tmp/all.h5/summary" | awk '{print $1}'); do
    "$h5same" -q "$tmp/all.h5" "$tmp/$mode.h5" "/summary/$d" "/summary/$d" ||
      { echo "FAIL: /summary/$d differs for $mode" >&2; exit 1; }
    n=$((n + 1))
  done
  [ "$(h5ls "$tmp/$mode.h5/summary" | wc -l)" -eq "$n" ] || { echo "FAIL: $mode: /summary has other datasets" >&2; exit 1; }
done
echo "output.trials all/totals/none: tables as documented, identical /summary, the bootstrap intervals included"
