#!/usr/bin/env bash
# The size a result file is expected to reach, checked before it is written
# (the file is grown to it under a file-size limit, and the disk's free
# space compared with it), must be that of the trials the file holds. An
# uncertainty study's file holds its base run on the block's trials
# (--block-trials), not the scenario's `trials:`; the estimate used the
# latter, so `uncertainty` of uk-2024-uncertain.yaml with --block-trials 64
# (a 0.7 MB file) was refused as "about 92.1 MB": under a 20 MB file-size
# limit here, and on a disk with 20 MB free. Checked: under a 20,000 kB
# limit (SIGXFSZ at its default action) the study exits 0 and writes its
# file, which is below the limit.
# usage: output_size_estimate.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
limited 20000 - uncertainty "$src/scenarios/uk-2024-uncertain.yaml" --rows 8 --block-trials 64 \
  -o unc.h5 --quiet 2>err.txt
status=$?
[ "$status" -eq 0 ] || fail "uncertainty under a 20 MB file-size limit: status $status ($(cat err.txt))"
is_hdf5 unc.h5 || fail "unc.h5 is not an HDF5 file"
rm -f err.txt
only unc.h5
finish "a small uncertainty file was written under a file-size limit it fits in"
