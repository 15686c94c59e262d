#!/usr/bin/env bash
# A write that fails on one rank of two only ends, with exit status 1, one
# error line and nothing at the output path (INTERFACE.md), instead of
# leaving the other rank waiting in a collective call the failing one no
# longer makes. FAILH5 (failh5.c, an LD_PRELOAD shim) makes rank 1's
# H5Dwrite or H5Dcreate2 of one dataset fail after HDF5's collective part,
# as a local I/O error or a rank out of memory in its buffers would.
#  1. a periodic checkpoint (--checkpoint-every 1, sim/checkpoint.c): the
#     rows of a per-trial variable, a dataset not made, block_done, the
#     checksum table. Until 2026-12-06 rank 1 left its loop over the
#     datasets (its own failure flag) while rank 0 went on, and the run
#     hung.
#  2. the final write (out/h5/h5w.c): the rows of /trials/total_loss, a
#     dataset not made, the coordinate /trials/trial; the trials are kept
#     in the checkpoint, and --resume then writes the file. Until
#     2026-12-06 rank 1 skipped the rest of the dataset (the dimension
#     scales, the piece count's reduction) while rank 0 made those calls:
#     the run hung, or MPI aborted it (MPI_ERR_TRUNCATE, a mismatched
#     reduction) leaving the temporary file.
#  3. both: the final write and then the checkpoint of its trials.
#  4. the final write: the property lists before H5Fcreate (a rank-local
#     call), an attribute not made.
#  5. --resume: the checkpoint not found, its header or a dataset not read
#     as it is checked before the run, or as the rows are loaded.
#  6. a sweep's file: a group of a path not made.
#  7. a property list rank 1 cannot make (H5Pcreate, out of memory): the
#     final write's, a checkpoint's, and --resume's two.
# FAILH5 also makes access(2) fail, and can let the first MR_FAILH5_SKIP
# matching calls through.
# Each run is under `timeout`: a hang (status 124) fails the test.
# usage: mpi_write_failures.sh MPIEXEC MINRISK SCENARIO FAILH5_SO
set -uo pipefail
mpiexec=$1 bin=$2 scen=$3 shim=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# minrisk's own lines (not mpiexec's notes) in FILE
lines() { grep -c -e '^minrisk' -e "^$tmp" "$1"; }
left() { (cd "$tmp/out" && ls -A | tr '\n' ' ' | sed 's/ $//'); }

# expect WHAT CALL NAMES LINE LEFT ARGS...: rank 1's CALL of the datasets
# NAMES fails in `minrisk run SCENARIO -o OUT ARGS`: exit status 1 (STATUS
# if set), one line, LINE (a fixed string) in it, LEFT (the files, "" for
# none) left. SKIP=n: the first n such calls of rank 1 succeed. CKPT=FILE:
# the output folder holds only FILE, as o.h5.ckpt, before the run.
expect() {
  local what=$1 call=$2 names=$3 line=$4 want=$5 st=${STATUS:-1}
  shift 5
  rm -rf "$tmp/out" && mkdir -p "$tmp/out"
  [ -z "${CKPT:-}" ] || cp "$CKPT" "$tmp/out/o.h5.ckpt"
  OMP_NUM_THREADS=1 timeout -k 10 120 "$mpiexec" --oversubscribe --allow-run-as-root -n 2 \
    -x LD_PRELOAD="$shim" -x MR_FAILH5_RANK=1 -x MR_FAILH5_CALL="$call" -x MR_FAILH5_NAME="$names" \
    -x MR_FAILH5_SKIP="${SKIP:-0}" "$bin" run "$scen" -o "$tmp/out/o.h5" --quiet "$@" 2> "$tmp/err"
  local status=$?
  cat "$tmp/err" >&2
  [ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "$what: hung (timeout)"
  [ "$status" -eq "$st" ] || fail "$what: exit status $status, expected $st"
  [ "$(lines "$tmp/err")" -eq 1 ] || fail "$what: $(lines "$tmp/err") error lines, expected 1"
  grep -qF "$line" "$tmp/err" || fail "$what: no line '$line'"
  [ "$(left)" = "$want" ] || fail "$what: left '$(left)', expected '$want'"
  echo "$what: exit $st, one line, left '$want'"
}

# 1. a periodic checkpoint (a run of about 5 s on 2 ranks: the first
# checkpoint after 1 s)
ck=(--trials 30000 --checkpoint-every 1)
ckline="$tmp/out/o.h5.ckpt: cannot write the checkpoint: HDF5 error"
expect "checkpoint, rank 1's rows of /total_loss" H5Dwrite /total_loss "$ckline" "" "${ck[@]}"
expect "checkpoint, rank 1's /sector_gva_loss not made" H5Dcreate2 /sector_gva_loss "$ckline" "" \
  "${ck[@]}"
expect "checkpoint, rank 1's /block_done" H5Dwrite /block_done "$ckline" "" "${ck[@]}"
expect "checkpoint, rank 1's /checksums not made" H5Dcreate2 /checksums "$ckline" "" "${ck[@]}"

# 2. the final write of 3001 trials: the trials kept in the checkpoint
kept="the simulated trials are kept in checkpoint $tmp/out/o.h5.ckpt"
for c in "H5Dwrite total_loss" "H5Dcreate2 sector_gva_loss" "H5Dwrite trial"; do
  set -- $c
  expect "final write, rank 1's $1 of /trials/$2" "$1" "/trials/$2" \
    "$tmp/out/o.h5: cannot write $2 (HDF5 error); $kept" o.h5.ckpt --trials 3001
done
# resumed WHAT: the 3001 trials kept in the checkpoint make the file with
# --resume (no failure now): exit status 0, the file alone left
resumed() {
  OMP_NUM_THREADS=1 timeout -k 10 120 "$mpiexec" --oversubscribe --allow-run-as-root -n 2 \
    "$bin" run "$scen" -o "$tmp/out/o.h5" --trials 3001 --quiet --resume 2> "$tmp/err"
  local status=$?
  cat "$tmp/err" >&2
  [ "$status" -eq 0 ] && [ "$(left)" = o.h5 ] || fail "$1: status $status, left '$(left)'"
  echo "$1: exit 0, the file"
}
resumed "--resume after it"

# 3. the final write and the checkpoint of its trials
expect "final write and checkpoint, rank 1's /trials/total_loss and /total_loss" H5Dwrite \
  "/trials/total_loss /total_loss" "the checkpoint could not be written either ($ckline)" "" \
  --trials 3001

# 4. the final write: rank 1's property lists (h5w_setup, out/h5/h5w.c; a
# rank-local call) before H5Fcreate, and the first attribute (a string:
# HDF5 makes the file's global heap for it). Until 2026-12-07 rank 0 waited
# in H5Fcreate for rank 1, which had skipped it; and rank 0 wrote the
# attribute rank 1 had not made, and then waited in H5Fclose (its file had
# grown, rank 1's had not): both runs hung.
expect "final write, rank 1's property lists" H5Pset_coll_metadata_write "*" \
  "$tmp/out/o.h5: cannot set up HDF5 property lists; $kept" o.h5.ckpt --trials 3001
cp "$tmp/out/o.h5.ckpt" "$tmp/kept.ckpt" # 3001 trials, for section 5
expect "final write, rank 1's attribute Conventions not made" H5Acreate2 Conventions \
  "$tmp/out/o.h5: cannot write attribute Conventions (HDF5 error); $kept" o.h5.ckpt --trials 3001

# 5. --resume of those 3001 trials (sim/checkpoint.c): rank 1 cannot see
# the checkpoint (a path on one node's disk: access fails), cannot read the
# header's first attribute when it loads the rows (the second read of it:
# the first is mr_checkpoint_read_done's), cannot open /sector_gva_loss
# when it loads the rows (the second open: the first checks its rows).
# Until 2026-12-07 rank 0 waited in H5Fopen for rank 1; rank 1 closed the
# file (collective) at once while rank 0 went on to the next reduction;
# rank 1 left the loop over the datasets while rank 0 went on to the
# collective reads: the three runs hung. A checkpoint that cannot be used
# before the run starts is exit status 2, one that fails as the rows are
# loaded 1 (sim/cmd/run.c); the checkpoint is kept.
nockpt="$tmp/out/o.h5.ckpt: cannot open the checkpoint (no checkpoint to resume)"
CKPT="$tmp/kept.ckpt" STATUS=2 expect "--resume, rank 1 sees no checkpoint" access o.h5.ckpt \
  "$nockpt" o.h5.ckpt --trials 3001 --resume
# Each on its first read too (SKIP=0), as the checkpoint is checked before
# the run (mr_checkpoint_read_done: rank 1's own check fails while rank 0
# checks its rows): exit status 2 there, 1 as the rows are loaded (SKIP=1).
for skip in 0 1; do
  when=("as the checkpoint is checked" "as the rows are loaded")
  CKPT="$tmp/kept.ckpt" STATUS=$((2 - skip)) SKIP=$skip expect \
    "--resume, rank 1's header ${when[$skip]}" H5Aread format \
    "$tmp/out/o.h5.ckpt: damaged checkpoint: not a minrisk checkpoint" o.h5.ckpt --trials 3001 --resume
  CKPT="$tmp/kept.ckpt" STATUS=$((2 - skip)) SKIP=$skip expect \
    "--resume, rank 1's /sector_gva_loss ${when[$skip]}" H5Dopen2 /sector_gva_loss \
    "$tmp/out/o.h5.ckpt: damaged checkpoint: no dataset /sector_gva_loss" o.h5.ckpt --trials 3001 --resume
done
# the same checkpoint, no failure: the file
rm -rf "$tmp/out" && mkdir -p "$tmp/out" && cp "$tmp/kept.ckpt" "$tmp/out/o.h5.ckpt"
resumed "--resume of it"

# 6. a sweep's file (out/h5/h5w.c, h5w_make_path): rank 1 cannot make the
# group /variants, the first part of its first variant's path
# variants/diversification_cap_none. Until 2026-12-07 rank 0 made the second
# group, and then waited in H5Fclose (its file had grown): the run hung.
printf 'extends: %s\nname: "sweep"\nsweep:\n  policies.diversification_cap: [null, 0.5]\n' \
  "$scen" > "$tmp/sweep.yaml"
scen="$tmp/sweep.yaml" expect "a sweep's file, rank 1's group /variants not made" H5Gcreate2 \
  /variants "$tmp/out/o.h5: cannot write variants (HDF5 error)" "" --trials 1000
# 7. rank 1 cannot make a property list (H5Pcreate; failh5.c names it by
# its class): the final write's file-creation list (out/h5/h5w.c
# h5w_setup), a periodic checkpoint's file-access list, and --resume's
# file-access list (the checkpoint's header) and transfer list (its rows;
# sim/checkpoint.c file_access, transfer). Until 2026-12-07 rank 1 made no
# H5Pset_fapl_mpio, whose duplication of the communicator is collective,
# or used a list it did not have, while rank 0 went on: the four runs hung.
expect "final write, rank 1's file-creation list" H5Pcreate file_create \
  "$tmp/out/o.h5: cannot set up HDF5 property lists; $kept" o.h5.ckpt --trials 3001
expect "checkpoint, rank 1's file-access list" H5Pcreate file_access \
  "$tmp/out/o.h5.ckpt: cannot write the checkpoint: Cannot allocate memory" "" "${ck[@]}"
oom="$tmp/out/o.h5.ckpt: out of memory to read the checkpoint"
CKPT="$tmp/kept.ckpt" STATUS=2 expect "--resume, rank 1's file-access list" H5Pcreate \
  file_access "$oom" o.h5.ckpt --trials 3001 --resume
CKPT="$tmp/kept.ckpt" expect "--resume, rank 1's transfer list" H5Pcreate data_transfer "$oom" \
  o.h5.ckpt --trials 3001 --resume
