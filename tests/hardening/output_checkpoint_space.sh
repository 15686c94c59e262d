#!/usr/bin/env bash
# A run whose folder has room for its file but not for a checkpoint beside
# it is warned before it starts (one line; the run goes on): a checkpoint
# that cannot be written ends a run (docs/HPC.md), and on a long time grid
# the checkpoint, which keeps the time bands' counts, is far larger than the
# file. Runs that write no checkpoint (output.trials: none streams) are not
# warned, nor is a run with room for both. The free space is faked by the
# LD_PRELOAD shim fakestatvfs.c (MR_FAKE_FREE_BYTES).
# The checkpoint of demo.yaml at 2,048 trials, worked by hand: the bands
# 120 steps x (4 sectors x 1001 + 6 minerals x 801) = 1,057,200 counts, the
# per-trial results 2,048 x 168 columns = 344,064, the block tables 2 x 26,
# so 1,401,316 x 8 bytes + 128 KiB of metadata = 11,341,600 bytes: 11.3 MB,
# shown as 10.8 MiB (10,000,000 bytes free: 9.54 MiB).
# usage: output_checkpoint_space.sh MINRISK SRC SHIM
. "$(dirname "$0")/common.sh" "$@"
shim=$3
# an ASan build would insist on being first in the link order
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
cat >none.yaml <<YAML
extends: $demo
output: {trials: none}
YAML

# faked FREE ARGS...: minrisk ARGS with FREE bytes free.
faked() {
  local free=$1
  shift
  MR_FAKE_FREE_BYTES=$free LD_PRELOAD=$shim timeout 60 "$bin" "$@" >out.txt 2>err.txt
}

faked 10000000 run "$demo" -o a.h5 --trials 2048 --quiet
status=$?
[ "$status" -eq 0 ] || fail "10 MB free: status $status, expected 0 ($(cat err.txt))"
one_line err.txt "minrisk run: warning: a\.h5: a checkpoint of this run \(periodic, or on SIGTERM\) needs up to about 10\.8 MiB beside the file's [0-9.]+ MiB, and '\.' has 9\.54 MiB free: a checkpoint that cannot be written ends the run"
is_hdf5 a.h5 || fail "10 MB free: no file written"
rm -f a.h5

faked 100000000 run "$demo" -o a.h5 --trials 2048 --quiet
status=$?
[ "$status" -eq 0 ] || fail "100 MB free: status $status ($(cat err.txt))"
[ ! -s err.txt ] || fail "100 MB free: expected no warning, got '$(cat err.txt)'"
rm -f a.h5

faked 10000000 run none.yaml -o a.h5 --trials 2048 --quiet
status=$?
[ "$status" -eq 0 ] || fail "output.trials none: status $status ($(cat err.txt))"
[ ! -s err.txt ] || fail "output.trials none writes no checkpoint: expected no warning, got '$(cat err.txt)'"
rm -f a.h5 out.txt err.txt
only none.yaml
finish
