#!/usr/bin/env bash
# output.trials: all keeps every /trials table, totals only total_loss and
# annual_loss, none no /trials group; /summary is identical in all three.
# usage: output_trials_modes.sh MINRISK SCENARIO
set -uo pipefail
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
for mode in totals none; do
  h5diff "$tmp/all.h5" "$tmp/$mode.h5" /summary /summary || { echo "FAIL: /summary differs for $mode" >&2; exit 1; }
done
echo "output.trials all/totals/none: tables as documented, identical /summary"
