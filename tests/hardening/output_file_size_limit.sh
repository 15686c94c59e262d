#!/usr/bin/env bash
# A file-size limit (`ulimit -f`, as a shared cluster may set it for every
# job) met part way through a write. The kernel then sends SIGXFSZ, whose
# default action kills the process: a run lost its simulated trials (no
# checkpoint, no message, status 153, its temporary file and lock left), an
# export left a directory of complete-looking CSVs beside its half-written
# temporary. minrisk ignores SIGXFSZ, so the write fails with EFBIG and the
# ordinary failure path runs. Unlike output_full_disk_keeps_trials, this
# test does NOT ignore SIGXFSZ itself: it checks what a user meets.
# Checked: `run` exits 1 with its one line, keeps the trials in the
# checkpoint and leaves nothing else; --resume then writes the file of an
# uninterrupted run (h5diff outside /run_info);
# `export` exits 1 with one line and leaves no directory.
# The scenario is common.sh's padded_demo, as in output_full_disk_keeps_trials:
# the file exceeds 2400 kB, the checkpoint does not.
# usage: output_file_size_limit.sh MINRISK SRC [H5DIFF]
. "$(dirname "$0")/common.sh" "$@"
h5diff=${3:-}
padded_demo
args=(run s.yaml -o out.h5 --trials 1024 --seed 7 --quiet)
"$bin" "${args[@]/out.h5/ref.h5}" || fail "the reference run"

limited 2400 - "${args[@]}" 2>err.txt
status=$?
[ "$status" -eq 1 ] || fail "run under ulimit -f: status $status, expected 1 ($(cat err.txt))"
one_line err.txt "out\.h5: cannot write [^;]*: File too large; the simulated trials are kept in checkpoint out\.h5\.ckpt: continue with 'minrisk run --resume' and the same arguments"
rm -f err.txt
only s.yaml ref.h5 out.h5.ckpt
"$bin" "${args[@]}" --resume || fail "--resume after the file-size limit"
only s.yaml ref.h5 out.h5
is_hdf5 out.h5 || fail "out.h5 after --resume is not an HDF5 file"
if [ -n "$h5diff" ]; then
  "$h5diff" --exclude-path /run_info out.h5 ref.h5 >/dev/null || fail "the resumed file differs from the reference"
fi

# export: trials.csv (1024 rows of every per-trial variable) exceeds 40 kB,
# the first tables do not: the limit is met after some CSVs are complete.
limited 40 - export ref.h5 --csv csv --trials 2>err.txt
status=$?
[ "$status" -eq 1 ] || fail "export under ulimit -f: status $status, expected 1 ($(cat err.txt))"
one_line err.txt "csv/[a-z_]+\.csv: cannot write: File too large"
rm -f err.txt
only s.yaml ref.h5 out.h5
finish "a file-size limit failed the write cleanly: checkpoint kept, no partial CSVs"
