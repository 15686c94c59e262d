#!/usr/bin/env bash
# The MPI build started without a launcher (as every test of the MPI build
# that does not call mpiexec starts it) runs as the serial build does, with
# no MPI_Init (sim/cmd/main.c, launched()): as a one-rank MPI "singleton",
# Open MPI 4 forks a daemon (orted) and talks PMIx with it, and that PMIx
# thread once crashed a run in CI (2026-12-07). Checked with strace on
# execve: no orted without a launcher's variable; orted with one of each
# prefix the check reads (OMPI_COMM_WORLD_, PMIX_, PMI_; an unrelated name,
# so MPI_Init makes a singleton), which shows the check can see a daemon;
# every file identical outside /run_info, and /run_info/mpi_version only in
# the MPI runs. Skipped (77) without strace or where ptrace is not allowed.
# usage: mpi_no_launcher.sh MINRISK SCENARIO
set -uo pipefail
bin=$1 scen=$2
h5same=$(cd "$(dirname "$0")/.." && pwd)/h5same.sh
command -v strace >/dev/null || { echo "SKIP: no strace"; exit 77; }
strace -f -o /dev/null true 2>/dev/null || { echo "SKIP: strace cannot trace here"; exit 77; }
command -v h5dump >/dev/null || { echo "SKIP: no h5dump"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# no launcher's variable of the caller's (ctest's) environment
while IFS='=' read -r name _; do
  case $name in OMPI_COMM_WORLD_* | PMIX_* | PMI_*) unset "$name" ;; esac
done < <(env)
fail=0
run() { # run NAME [VAR=VALUE]: the traced run; its execve calls in NAME.txt
  env "${@:2}" strace -f -e trace=execve -o "$tmp/$1.txt" \
    "$bin" run "$scen" -o "$tmp/$1.h5" --trials 300 --quiet ||
    { echo "FAIL: the run ($1)" >&2; fail=1; }
}
daemon() { grep -E 'execve\("[^"]*orted"' "$tmp/$1.txt" >/dev/null; }
has_mpi_version() { h5dump -a /run_info/mpi_version "$tmp/$1.h5" >/dev/null 2>&1; }
run plain
if daemon plain; then
  echo "FAIL: without a launcher a daemon started: $(grep -E 'execve\("[^"]*orted"' "$tmp/plain.txt" | head -1)" >&2
  fail=1
fi
! has_mpi_version plain || { echo "FAIL: without a launcher /run_info/mpi_version is written" >&2; fail=1; }
for var in OMPI_COMM_WORLD_MINRISK_TEST PMIX_MINRISK_TEST PMI_MINRISK_TEST; do
  run "$var" "$var=1"
  daemon "$var" || { echo "FAIL: with $var set no orted was seen (no MPI_Init?)" >&2; fail=1; }
  has_mpi_version "$var" || { echo "FAIL: with $var set no /run_info/mpi_version" >&2; fail=1; }
  "$h5same" --exclude-path /run_info "$tmp/plain.h5" "$tmp/$var.h5" ||
    { echo "FAIL: the file with $var set differs" >&2; fail=1; }
done
[ "$fail" -eq 0 ] && echo "no launcher: no MPI_Init, no daemon; a launcher's variable: MPI_Init; the same file"
exit "$fail"
