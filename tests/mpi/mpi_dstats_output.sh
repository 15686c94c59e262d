#!/usr/bin/env bash
# The collective write and the distributed statistics under MPI: runs
# mpi_dstats (tests/mpi/mpi_dstats.c) on 1, 2 and 3 ranks, then checks with
# h5diff that each file written collectively equals the file written by one
# process holding every trial, and that the 1-, 2- and 3-rank files are
# identical, outside /run_info; and that /run_info records the rank count.
# Case huge: losses past 1e154, whose sums of squares are rescaled.
# usage: mpi_dstats_output.sh MPIEXEC MPI_DSTATS H5DIFF SCENARIO
set -euo pipefail
mpiexec=$1 prog=$2 h5diff=$3 scen=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The sandbox runs as root and has fewer cores than ranks.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
for r in 1 2 3; do
  mkdir "$tmp/$r"
  "$mpiexec" --oversubscribe -n "$r" "$prog" "$scen" "$tmp/$r"
done
for case in blocks small huge; do
  for r in 1 2 3; do
    if ! "$h5diff" --exclude-path /run_info "$tmp/$r/solo_$case.h5" "$tmp/$r/ranks_$case.h5"; then
      echo "FAIL: $case: the $r-rank file differs from the one-process file" >&2
      exit 1
    fi
  done
  for r in 2 3; do
    if ! "$h5diff" --exclude-path /run_info "$tmp/1/ranks_$case.h5" "$tmp/$r/ranks_$case.h5"; then
      echo "FAIL: $case: the 1-rank and $r-rank files differ" >&2
      exit 1
    fi
  done
  # ... and they do differ in /run_info (ranks), which h5diff would see
  if "$h5diff" -q "$tmp/1/ranks_$case.h5" "$tmp/3/ranks_$case.h5" >/dev/null 2>&1; then
    echo "FAIL: $case: /run_info does not record the ranks" >&2
    exit 1
  fi
done
echo "collective files identical to one-process files for 1, 2 and 3 ranks"
