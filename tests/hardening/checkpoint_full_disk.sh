#!/usr/bin/env bash
# Issue 11, case 15 (the checkpoint half): a checkpoint that cannot be
# written (a full disk) is one line naming the checkpoint and the system's
# reason, no HDF5 diagnostics, exit status 1, and no temporary file left.
# A full disk without root: `ulimit -f` makes every write beyond that size
# fail with EFBIG ("File too large"), SIGXFSZ ignored so that the write
# fails instead of killing the process. The run is stopped by SIGTERM
# (--checkpoint-every 0: only then), so its checkpoint is written at once.
# usage: checkpoint_full_disk.sh MINRISK SRC PYTHON
. "$(dirname "$0")/common.sh" "$@"

(
  ulimit -f 65536 # KiB: MPI_Init and the first rows fit, the whole file does not
  trap '' XFSZ
  exec "$bin" run "$demo" -o out.h5 --trials 200000 --threads 2 --quiet --checkpoint-every 0
) 2>err.txt &
pid=$!
sleep 1
# the minrisk process itself (the subshell exec'd it)
kill -TERM $pid
wait $pid
status=$?
[ $status -eq 1 ] || fail "exit status $status, expected 1"
one_line err.txt 'out\.h5\.ckpt: cannot write the checkpoint: File too large'
left=$(ls -A | grep -v '^err\.txt$' | tr '\n' ' ')
[ -z "$left" ] || fail "left behind: $left"

finish "checkpoint_full_disk: one line, nothing left"
