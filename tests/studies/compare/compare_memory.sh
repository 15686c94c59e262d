#!/usr/bin/env bash
# compare holds every run's results until its one write, and then the
# losses of every run for the paired statistics. Each run's up-front memory
# check used to count only its own run (sim/cmd/compare.c run_all), so a
# comparison too large for the limit ran A in full and was refused only at
# B. Now A's check counts the results of the runs still to come and the
# analyses after the runs (the paired statistics' losses, each run's
# attribution), as a sweep's does (docs/HPC.md "Memory"): the
# refusal names A, comes before any trial, exit status 1, nothing written.
# usage: compare_memory.sh MINRISK SRC PYTHON H5DIFF
set -uo pipefail
bin=$1 src=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
fail() {
  echo "FAIL: $*" >&2
  fails=$((fails + 1))
}
mb='[0-9.]+ (KiB|MiB|GiB)'

printf 'extends: %s\n' "$src/scenarios/demo.yaml" >b.yaml

# demo.yaml alone at 100,000 trials needs about 159 MB (results 145 MB):
# one run fits in 250 MiB, A and B together do not
start=$(date +%s)
MINRISK_MEMORY_LIMIT=250M "$bin" compare "$src/scenarios/demo.yaml" b.yaml --trials 100000 \
  --threads 2 -o c.h5 --quiet 2>err.txt
status=$?
took=$(($(date +%s) - start))
[ $status -eq 1 ] || fail "exit status $status, expected 1 ($(cat err.txt))"
[ "$(wc -l <err.txt)" -eq 1 ] || fail "not one line: $(cat err.txt)"
grep -Eq "^$src/scenarios/demo\.yaml: 100000 trials need about $mb on this rank \(results $mb \+ thread workspaces $mb \+ results of the 1 later run and the analyses after the runs $mb \+ held now $mb\); $mb of the 250 MiB limit is free \(MINRISK_MEMORY_LIMIT\); use fewer trials or more ranks$" err.txt ||
  fail "not refused at A with the later run counted: $(cat err.txt)"
[ "$took" -lt 5 ] || fail "the refusal took $took s (A was run?)"
[ -z "$(ls -A | grep -v -e '^err\.txt$' -e '^b\.yaml$')" ] || fail "left behind: $(ls -A)"

# the same comparison fits in 1 GiB
MINRISK_MEMORY_LIMIT=1G "$bin" compare "$src/scenarios/demo.yaml" b.yaml --trials 20000 \
  --threads 2 --bootstrap 100 -o c.h5 --quiet >/dev/null 2>err.txt || fail "under 1G: exit status $? ($(cat err.txt))"
[ -f c.h5 ] || fail "under 1G: no c.h5"

[ $fails -eq 0 ] || exit 1
echo "compare_memory: refused at A, the later runs counted"
