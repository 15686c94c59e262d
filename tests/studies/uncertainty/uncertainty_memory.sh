#!/bin/sh
# uncertainty_memory.sh MINRISK_BIN SRC
#
# The memory check of `minrisk uncertainty` counts the study's own arrays
# beside its rows: the design [R x k], the rows' statistics, and the A and B
# rows' total losses [2N x L] gathered, this rank's share of them and one
# more copy (sim/studies/uncertainty.c). They were allocated outside the
# check: at the documented limits (--rows 4096 --block-trials 1000000) they
# are 197 GB, and a study whose rows fitted ran until the kernel's OOM
# killer, or stopped at once with a bare "out of memory".
#
# two_keys.yaml (k = 2) with --rows 4096 --block-trials 1000 on one rank:
# R = N (k + 2) = 16384 rows, and 8 (R k + 2 R 5 + 6 N L) = 198,180,864
# bytes beside the rows. A row (1,000 trials) needs about 4 MB, so under
# MINRISK_MEMORY_LIMIT=150M the rows fit and the arrays do not: refused at
# once, exit 1, one line naming the arrays' 198 MB and the advice, nothing
# written. (Before, the study started its 16,384 rows: killed by timeout.)
set -u
bin=$1
src=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

want=$(awk 'BEGIN { N = 4096; k = 2; L = 1000; R = N * (k + 2)
                    printf "%.0f MB", 8 * (R * k + 2 * R * 5 + 6 * N * L) / 1e6 }')
[ "$want" = "198 MB" ] || fail "the worked-out figure is $want, expected 198 MB"
MINRISK_MEMORY_LIMIT=150M OMP_NUM_THREADS=1 timeout 60 "$bin" uncertainty \
    "$src/tests/studies/uncertainty/two_keys.yaml" -o "$tmp/u.h5" --rows 4096 --block-trials 1000 \
    -q 2>"$tmp/err" >/dev/null
rc=$?
[ "$rc" -eq 1 ] || { cat "$tmp/err"; fail "exit status $rc, expected 1 (124: still running after 60 s)"; }
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { cat "$tmp/err"; fail "not one line"; }
grep -qF "the study's design, row statistics and A and B losses $want + held now " "$tmp/err" ||
    { cat "$tmp/err"; fail "the study's arrays are not counted as $want"; }
grep -qF "use fewer --block-trials" "$tmp/err" || { cat "$tmp/err"; fail "no advice"; }
[ ! -e "$tmp/u.h5" ] || fail "a file was left at the output path"
echo "ok: refused with the study's arrays at $want"
