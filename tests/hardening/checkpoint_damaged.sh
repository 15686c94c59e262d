#!/usr/bin/env bash
# Issue 11, case 3: a damaged checkpoint is refused, naming what failed.
# Three bytes flipped inside a per-trial array, one byte of a header
# attribute's value, a block marked done that was not, a band count: each
# makes the next run with the same arguments and --resume exit 2 with one
# line naming the array (or the header) and its checksums, before any
# simulation, and leaves the checkpoint and nothing else. A checkpoint of
# another build is refused, naming both builds, and so is one written
# where exp, log and pow take another code path (a forged fingerprint, and,
# on a CPU with FMA, a real one: glibc's other path under GLIBC_TUNABLES).
# The intact copy still resumes.
# usage: checkpoint_damaged.sh MINRISK SRC PYTHON
. "$(dirname "$0")/common.sh" "$@"

trials=200000
make_checkpoint out.h5 $trials
cp out.h5.ckpt intact.ckpt

# flip WHAT: damage out.h5.ckpt (a fresh copy of the intact one) in one way
flip() {
  cp intact.ckpt out.h5.ckpt
  "$py" - "$1" <<'PY' || exit 1
import sys
import h5py
what = sys.argv[1]
path = "out.h5.ckpt"
with h5py.File(path, "r") as f:
    done = f["block_done"][:]
    first = int(done.argmax())       # a block that is done
    undone = int((done == 0).argmax())  # one that is not
    assert done[first] == 1 and done[undone] == 0
    if what == "rows":
        d = f["sector_output_loss"]
        cols = d.shape[1]
        at = [d.id.get_offset() + ((first * 1024 + 7) * cols + k) * 8 + 2 for k in range(3)]
    elif what == "block_done":
        at = [f["block_done"].id.get_offset() + undone]
    elif what == "band_q":
        at = [f["band_q"].id.get_offset() + 8 * 1000 + 1]
    elif what == "header":
        value = int(f.attrs["random_words"]).to_bytes(8, "little")
        data = open(path, "rb").read()
        name = data.index(b"random_words\0")
        at = [data.index(value, name) + 1]
    assert all(a is not None for a in at)
with open(path, "r+b") as g:
    for a in at:
        g.seek(a)
        b = g.read(1)[0]
        g.seek(a)
        g.write(bytes([b ^ 0xFF]))
PY
}

hex='0x[0-9a-f]{16}'
tail_msg='; delete it and run without --resume to start again'
for what in rows header block_done band_q; do
  flip $what
  case $what in
  rows) name='/sector_output_loss, trials [0-9]+-[0-9]+,' ;;
  header) name='the header \(the attributes of /\)' ;;
  *) name="/$what" ;;
  esac
  "$bin" run "$demo" -o out.h5 --trials $trials --threads 2 --quiet --resume 2>err.txt
  status=$?
  [ $status -eq 2 ] || fail "$what: --resume: exit status $status, expected 2"
  one_line err.txt "out\.h5\.ckpt: damaged checkpoint: checksum of $name does not match \(stored $hex, computed $hex\)$tail_msg"
  [ -f out.h5.ckpt ] && [ ! -e out.h5 ] || fail "$what: expected only the checkpoint: $(ls)"
  cmp -s out.h5.ckpt intact.ckpt && fail "$what: the checkpoint was not damaged"
done

# the rows of the exact block the message names
flip rows
"$bin" run "$demo" -o out.h5 --trials $trials --threads 2 --quiet --resume 2>err.txt
first=$("$py" -c 'import h5py; print(int(h5py.File("intact.ckpt")["block_done"][:].argmax()))')
grep -q "trials $((first * 1024))-$((first * 1024 + 1023))," err.txt ||
  fail "rows: the message does not name block $first: $(cat err.txt)"

# a checkpoint of another build (another minrisk version or commit: its
# rows could be of another model), its header intact: the build and the
# header's CRC-64/XZ rewritten here (the CRC recomputed independently, and
# first checked against the one minrisk stored)
cat >header_crc.py <<'PY'
"""The checkpoint header's CRC-64/XZ, bit by bit (sim/crc64.h)."""


def crc64(data, crc=0):  # CRC-64/XZ, bit by bit (sim/crc64.h)
    crc ^= 0xFFFFFFFFFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0xC96C5795D7870F42 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFFFFFFFFFF

names = ["version", "run_id", "trials", "block_trials", "random_words", "crc_block_done",
         "crc_band_q", "crc_band_y", "crc_checksums", "build", "libm"]

def header_crc(a):
    c = 0
    data = a["format"] + b"\0"
    for k in names:
        data += k.encode() + b"\0" + int(a[k]).to_bytes(8, "little")
    return crc64(data, c)
PY
cp intact.ckpt out.h5.ckpt
"$py" - <<'PY' || exit 1
import h5py
import numpy as np
from header_crc import crc64, header_crc

with h5py.File("out.h5.ckpt", "r+") as f:
    a = dict(f.attrs)
    assert int(a["version"]) == 4, a["version"]
    assert header_crc(a) == int(a["crc_header"]), "the stored header CRC is not CRC-64/XZ"
    other = b"minrisk 0.0.9 (0123456789ab)"
    a["build"] = crc64(other) ^ 1  # any other value
    f.attrs.modify("build", np.uint64(a["build"]))
    f.attrs.modify("crc_header", np.uint64(header_crc(a)))
    del f.attrs["written_by"]
    f.attrs.create("written_by", np.bytes_(other))
PY
"$bin" run "$demo" -o out.h5 --trials $trials --threads 2 --quiet --resume 2>err.txt
status=$?
[ $status -eq 2 ] || fail "another build: --resume: exit status $status, expected 2"
one_line err.txt "out\.h5\.ckpt: the checkpoint was written by minrisk 0\.0\.9 \(0123456789ab\), this is minrisk [^ ]+ \([^)]+\): resume with that build, or delete it and run without --resume to start again"
[ -f out.h5.ckpt ] && [ ! -e out.h5 ] || fail "another build: expected only the checkpoint: $(ls)"

# a checkpoint written where exp, log and pow take another code path (the
# same binary on another kind of CPU, models/libm_path.h): its fingerprint
# and the header's CRC rewritten as above
cp intact.ckpt out.h5.ckpt
"$py" - <<'PY' || exit 1
import h5py
import numpy as np
from header_crc import header_crc
with h5py.File("out.h5.ckpt", "r+") as f:
    a = dict(f.attrs)
    assert header_crc(a) == int(a["crc_header"]), "the stored header CRC is not CRC-64/XZ"
    a["libm"] = 0x0123456789abcdef
    f.attrs.modify("libm", np.uint64(a["libm"]))
    f.attrs.modify("crc_header", np.uint64(header_crc(a)))
    del f.attrs["libm_cpu"]
    f.attrs.create("libm_cpu", np.bytes_(b"a CPU of another kind"))
PY
"$bin" run "$demo" -o out.h5 --trials $trials --threads 2 --quiet --resume 2>err.txt
status=$?
[ $status -eq 2 ] || fail "another libm path: --resume: exit status $status, expected 2"
here=$("$bin" --version | sed -n 's/.*libm path \([0-9a-f]\{16\}\).*/\1/p')
one_line err.txt "out\.h5\.ckpt: the checkpoint was written where exp, log and pow take another code path \(libm fingerprint 0123456789abcdef, a CPU of another kind; here $here, [^)]+\): resume on the kind of CPU that wrote it, or delete it and run without --resume to start again"
[ -f out.h5.ckpt ] && [ ! -e out.h5 ] || fail "another libm path: expected only the checkpoint: $(ls)"

# the intact checkpoint resumes (no false alarm); stop it again at once
cp intact.ckpt out.h5.ckpt
"$bin" run "$demo" -o out.h5 --trials $trials --threads 2 --quiet --resume 2>err.txt &
pid=$!
sleep 1
kill -TERM $pid 2>/dev/null
wait $pid
status=$?
[ $status -eq 75 ] || [ $status -eq 0 ] || fail "intact: --resume: exit status $status ($(cat err.txt))"
grep -q damaged err.txt && fail "intact: $(cat err.txt)"

# a real checkpoint of libm's other code path, on a CPU with FMA: written
# with FMA turned off for the process (what a CPU without FMA does), then
# resumed with it on
nofma=glibc.cpu.hwcaps=-FMA
if [ "$(GLIBC_TUNABLES=$nofma "$bin" --version)" != "$("$bin" --version)" ]; then
  rm -f out.h5.ckpt
  GLIBC_TUNABLES=$nofma make_checkpoint out.h5 $trials
  "$bin" run "$demo" -o out.h5 --trials $trials --threads 2 --quiet --resume 2>err.txt
  status=$?
  [ $status -eq 2 ] || fail "written without FMA: --resume: exit status $status, expected 2"
  one_line err.txt "out\.h5\.ckpt: the checkpoint was written where exp, log and pow take another code path \(libm fingerprint [0-9a-f]{16}, x86-64 [^;]+; here $here, [^)]+\): .*"
  [ -f out.h5.ckpt ] && [ ! -e out.h5 ] || fail "written without FMA: expected only the checkpoint: $(ls)"
else
  echo "this CPU has one libm code path: no checkpoint of the other"
fi

finish "checkpoint_damaged: every damage refused with its name"
