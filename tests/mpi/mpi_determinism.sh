#!/usr/bin/env bash
# mpiexec -n R minrisk run for R = 1, 2, 3 and OMP_NUM_THREADS = 1, 2: every
# file is identical outside /run_info, and identical to the serial build's
# file when SERIAL_BIN is given (issue 3).
# usage: mpi_determinism.sh MPIEXEC MINRISK SCENARIO TRIALS [SERIAL_BIN]
set -uo pipefail
# h5diff that also fails on objects it cannot compare (tests/h5same.sh)
h5same=$(cd "$(dirname "$0")/.." && pwd)/h5same.sh
mpiexec=$1 bin=$2 scen=$3 trials=$4 serial=${5:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ref=""
for r in 1 2 3; do
  for th in 1 2; do
    f="$tmp/r${r}t${th}.h5"
    OMP_NUM_THREADS=$th "$mpiexec" --oversubscribe --allow-run-as-root -n "$r" \
      "$bin" run "$scen" -o "$f" --trials "$trials" --quiet || { echo "FAIL: $r ranks x $th threads" >&2; exit 1; }
    if [ -z "$ref" ]; then
      ref=$f
    elif ! "$h5same" --exclude-path /run_info "$ref" "$f"; then
      echo "FAIL: $r ranks x $th threads differs from 1 rank x 1 thread" >&2
      exit 1
    fi
  done
done
echo "1, 2, 3 ranks x 1, 2 threads: identical outside /run_info"
if [ -n "$serial" ]; then
  OMP_NUM_THREADS=2 "$serial" run "$scen" -o "$tmp/serial.h5" --trials "$trials" --quiet || exit 1
  if ! "$h5same" --exclude-path /run_info "$ref" "$tmp/serial.h5"; then
    echo "FAIL: the MPI build's file differs from the serial build's" >&2
    exit 1
  fi
  echo "identical to the serial build's file"
fi
