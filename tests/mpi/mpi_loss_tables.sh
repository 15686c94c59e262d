#!/usr/bin/env bash
# /loss_tables of `minrisk run --events` over ranks: the exceedance curves'
# bootstrap resamples are shared by the ranks and gathered in resample
# order (sim/studies/exceedance.h), so /loss_tables of 2 and 3 ranks must
# equal one process's bit for bit: checked for a plain run (1,000
# resamples: 333, 333, 334 a rank on 3) and an importance-sampled one
# (--importance '*=2', the weighted bootstrap of out/stats/wstats.h, 400
# resamples), against `mpiexec -n 1` and, when SERIAL_BIN is given, the
# serial build. The intervals compared must be finite (a share not
# gathered would then show as a difference, not hide behind NaN).
# usage: mpi_loss_tables.sh MPIEXEC MINRISK H5DIFF SCENARIO TRIALS [SERIAL_BIN]
set -uo pipefail
mpiexec=$1 bin=$2 h5diff=$3 scen=$4 trials=$5 serial=${6:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The sandbox runs as root and has fewer cores than ranks.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
for kind in plain weighted; do
  extra=(--events)
  [ "$kind" = weighted ] && extra+=(--importance '*=2')
  for r in 1 2 3; do
    "$mpiexec" --oversubscribe -n "$r" "$bin" run "$scen" -o "$tmp/${kind}_$r.h5" \
      --trials "$trials" --quiet "${extra[@]}" || { echo "FAIL: $kind on $r ranks" >&2; exit 1; }
  done
  if [ -n "$serial" ]; then
    "$serial" run "$scen" -o "$tmp/${kind}_s.h5" --trials "$trials" --quiet "${extra[@]}" ||
      { echo "FAIL: $kind, serial build" >&2; exit 1; }
  fi
  # every interval of every series finite on one process (values only: -A 0)
  for d in aep_lo aep_hi oep_lo oep_hi; do
    if h5dump -d "/loss_tables/$d" -A 0 -y -w 0 "$tmp/${kind}_1.h5" | grep -i nan >/dev/null; then
      echo "FAIL: $kind: /loss_tables/$d has NaN at $trials trials: nothing to compare" >&2
      exit 1
    fi
  done
  for other in 2 3 s; do
    f="$tmp/${kind}_$other.h5"
    [ -f "$f" ] || continue
    if ! "$h5diff" "$tmp/${kind}_1.h5" "$f" /loss_tables /loss_tables; then
      echo "FAIL: $kind: /loss_tables of $other differs from one process's" >&2
      exit 1
    fi
  done
done
echo "/loss_tables of 2 and 3 ranks identical to one process's (plain and importance-sampled)"
