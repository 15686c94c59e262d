#!/usr/bin/env bash
# The HDF5 transfers in pieces (out/h5/pieces.h): with MINRISK_H5_PIECE_BYTES
# at 8 bytes (a row a piece) and 803 (pieces that end inside a block of
# trials and run over into the next), a run's file, /events included, is
# identical outside /run_info to the one written in one piece; with MPIEXEC
# on 1, 2 (pieces of 64 and 803 bytes) and 3 ranks (803), whose rows are
# unequal (2,500 trials: 2,048 + 452 on 2 ranks, 1,024 + 1,024 + 452 on 3),
# so that ranks with fewer pieces make empty collective calls. A value that
# is not a size is refused: exit 2, one line, no file.
# usage: h5_pieces.sh MINRISK SCENARIO TRIALS [MPIEXEC]
set -uo pipefail
# h5diff that also fails on objects it cannot compare (tests/h5same.sh)
h5same=$(cd "$(dirname "$0")/.." && pwd)/h5same.sh
bin=$1 scen=$2 trials=$3 mpiexec=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
run_on() { # run_on RANKS OUT: the run, on RANKS ranks with MPIEXEC
  local cmd=("$bin")
  [ -n "$mpiexec" ] &&
    cmd=(env OMP_NUM_THREADS=1 "$mpiexec" --oversubscribe --allow-run-as-root -n "$1" "$bin")
  "${cmd[@]}" run "$scen" -o "$2" --trials "$trials" --events --quiet
}
unset MINRISK_H5_PIECE_BYTES
run_on 1 "$tmp/ref.h5" || fail "reference run"
ranks=1
[ -n "$mpiexec" ] && ranks="1 2 3"
for r in $ranks; do
  # a row a piece costs a collective call a row on several ranks (57 s on 3
  # oversubscribed ranks here): 8 bytes on one rank, 64 on two, 803 on all
  case $r in
  1) pieces="8 803" ;;
  2) pieces="64 803" ;;
  *) pieces="803" ;;
  esac
  for piece in $pieces; do
    rm -f "$tmp/p.h5"
    MINRISK_H5_PIECE_BYTES=$piece run_on "$r" "$tmp/p.h5" ||
      fail "$r ranks, pieces of $piece bytes: the run failed"
    out=$("$h5same" --exclude-path /run_info "$tmp/ref.h5" "$tmp/p.h5" 2>&1) ||
      fail "$r ranks, pieces of $piece bytes: the file differs from the one written whole: $out"
  done
  echo "$r rank(s), pieces of ${pieces// / and } bytes: identical to the file written whole"
done

for v in 0 01 -5 " 5" 5x 1073741825; do
  MINRISK_H5_PIECE_BYTES=$v "$bin" run "$scen" -o "$tmp/bad.h5" --trials 10 --quiet \
    >"$tmp/out" 2>"$tmp/err"
  status=$?
  want="minrisk run: MINRISK_H5_PIECE_BYTES must be a number of bytes from 1 to 1073741824 (digits, no leading zero), got '$v'"
  [ "$status" = 2 ] || fail "MINRISK_H5_PIECE_BYTES='$v': exit status $status, expected 2"
  [ "$(cat "$tmp/err")" = "$want" ] || fail "MINRISK_H5_PIECE_BYTES='$v': stderr $(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] && [ ! -e "$tmp/bad.h5" ] || fail "MINRISK_H5_PIECE_BYTES='$v': output"
done
echo "MINRISK_H5_PIECE_BYTES that is not a size: refused, exit 2, one line, no file"
