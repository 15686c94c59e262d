#!/usr/bin/env bash
# Issue 11, case 7 (the run's half): when the file cannot be written after
# a complete simulation (here a full disk, made without root by a file-size
# limit: `ulimit -f` with SIGXFSZ ignored makes write(2) fail with EFBIG),
# the run exits with status 1, leaves no output, and keeps the simulated
# trials in the checkpoint, saying so in one line; --resume then writes the
# file of an uninterrupted run without simulating again. When even the
# checkpoint does not fit, one line says that too.
# The scenario: demo.yaml over one year (small time bands, so a small
# checkpoint) with 2 MB of comments (kept in /scenario/source, so a large
# result file): the file exceeds the limit, the checkpoint does not.
# Measured (format 1.3, 24 per-trial variables): the result file is 3.2 MB
# (3154 kB) and its probe asks for its estimate, about 10.3 MB; the
# checkpoint is 1.8 MB and its probe asks for it plus 128 kB of margin
# (1891 kB). 2400 kB lies between the checkpoint's need and the file's
# actual size; re-measure when the per-trial variables grow.
# usage: output_full_disk_keeps_trials.sh MINRISK SRC H5DIFF
. "$(dirname "$0")/common.sh" "$@"
h5diff=${3:-}
padded_demo
args=(run s.yaml -o out.h5 --trials 1024 --seed 7 --quiet)
"$bin" "${args[@]/out.h5/ref.h5}" || fail "the reference run"

limited 2400 '' "${args[@]}" 2>err.txt
status=$?
[ "$status" -eq 1 ] || fail "a full disk: status $status, expected 1"
grep -Eqx "out\.h5: cannot write [^;]*: File too large; the simulated trials are kept in checkpoint out\.h5\.ckpt: continue with 'minrisk run --resume' and the same arguments" err.txt ||
  fail "a full disk: stderr '$(cat err.txt)'"
rm -f err.txt
only s.yaml ref.h5 out.h5.ckpt

"$bin" "${args[@]}" --resume || fail "--resume after the full disk"
only s.yaml ref.h5 out.h5
if [ -n "$h5diff" ]; then
  "$h5diff" --exclude-path /run_info out.h5 ref.h5 >/dev/null || fail "the resumed file differs from the reference"
fi

rm -f out.h5
limited 600 '' "${args[@]}" 2>err.txt
status=$?
[ "$status" -eq 1 ] || fail "a fuller disk: status $status, expected 1"
grep -Eqx "out\.h5: cannot write [^;]*: File too large; the checkpoint could not be written either \(out\.h5\.ckpt: .*\)" err.txt ||
  fail "a fuller disk: stderr '$(tail -n 1 err.txt)'"
[ "$(wc -l <err.txt)" -eq 1 ] || fail "a fuller disk: $(wc -l <err.txt) lines on stderr, expected 1"
rm -f err.txt
only s.yaml ref.h5
finish "a failed write kept the trials in the checkpoint; --resume wrote the same file"
