#!/usr/bin/python3
"""export_extent_overflow.py - `minrisk export` of a crafted file whose
extents multiply past 2^63.

Every dataset of a file can have up to 2^40 values (out/h5/read.c), so the
product of three extents that export checks a dataset against can be 2^64
or more. It was formed in 64 bits: undefined in a long long, wrapping to 0
in practice, and a crafted dataset of 0 values matched it.

- /trials (annual_loss.csv): 2^24 trials and 2^40 years (chunked, never
  written: the file stays small) against an annual_loss of [0, 2^40].
  N x H x 1 = 2^64 matched 0 values; export then read the 2^40 years and
  ended "out of memory" (exit 1) after writing trials.csv.
- /summary (inoperability_bands.csv): 2^32 steps, 4 sectors and 2^30 bands
  against an inoperability_band of [0, 4, 2^30]. T x S x nb = 2^64
  wrapped to 0 in a size_t and the band dataset was read as 0 values; on
  this machine the 2^32 steps (32 GB) could not be allocated: "out of
  memory" after 36 s and 8.4 GB resident; with the memory, the loop over
  the steps read past the end of the 0-value buffer.

- /loss_tables (exceedance.csv, a run with --events): 2^24 series and
  2^40 return periods against aep ... oep_hi of [0, 2^40]. K x R = 2^64
  wrapped to 0 in a size_t, the six tables of 0 values matched, and the
  read of the 2^40 periods ended "out of memory" (exit 1; until
  2026-12-06, after the others were fixed).

Now each is refused as a damaged file: exit status 2, one line naming the
dataset, its values and the three extents, and no output folder left.

usage: export_extent_overflow.py --minrisk BIN --src SOURCE_ROOT
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import FAILS, check, finish  # noqa: E402 (tests/python/checks.py)


def redo(group, name, shape, dtype, maxshape, chunks):
    """Replace group/name by an empty chunked dataset of this shape (no chunk
    written), with the old one's plain attributes."""
    attrs = {k: v for k, v in group[name].attrs.items()
             if k not in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME")}
    del group[name]
    d = group.create_dataset(name, shape=shape, dtype=dtype, maxshape=maxshape, chunks=chunks)
    for k, v in attrs.items():
        d.attrs[k] = v


def crafted(base, name, group, datasets):
    """A copy of base, tmp/name, with datasets (name, shape, dtype,
    maxshape, chunks) of group replaced (redo)."""
    path = os.path.join(os.path.dirname(base), name)
    shutil.copy(base, path)
    with h5py.File(path, "r+") as f:
        for d in datasets:
            redo(f[group], *d)
    return path


def refused(minrisk, what, path, trials, why):
    """`minrisk export path` (--trials when trials) ends with status 2, the
    one line "path: damaged or incomplete minrisk file: why", and leaves no
    output folder."""
    out = path + ".csv"
    args = [minrisk, "export", path, "--csv", out] + (["--trials"] if trials else [])
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    want = "%s: damaged or incomplete minrisk file: %s\n" % (path, why)
    check(r.returncode == 2, "%s: exit status %d, expected 2 (%s)"
          % (what, r.returncode, r.stderr.strip()))
    check(r.stderr == want, "%s: stderr %r, expected %r" % (what, r.stderr, want))
    check(not os.path.exists(out), "%s: %s left behind" % (what, out))


def run(minrisk, scen, out, *extra):
    """`minrisk run scen -o out` at 64 trials (and extra); exits on failure."""
    args = [minrisk, "run", scen, "-o", out, "--trials", "64", "--quiet"] + list(extra)
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s: exit %d: %s" % (" ".join(args[1:]), r.returncode, r.stderr))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    try:
        scen = os.path.join(tmp, "t.yaml")
        with open(scen, "w") as f:
            f.write("extends: %s\noutput: {trials: totals}\n"
                    % os.path.join(a.src, "scenarios", "demo.yaml"))
        base = run(a.minrisk, scen, os.path.join(tmp, "base.h5"))
        with h5py.File(base, "r") as f:
            S = f["summary/sector"].shape[0]
        check(S == 4, "demo.yaml has %d sectors, expected 4" % S)

        # /trials: 2^24 x 2^40 = 2^64
        N, H = 1 << 24, 1 << 40
        path = crafted(base, "trials.h5", "trials",
                       [("trial", (N,), "u8", (N,), (1 << 16,))]
                       + [(v, (N,), "f8", (N,), (1 << 16,)) for v in ("total_loss", "total_gva_loss")]
                       + [("year", (H,), "i8", (H,), (1 << 16,)),
                          ("annual_loss", (0, H), "f8", (None, H), (1, 1 << 16))])
        refused(a.minrisk, "trials", path, True, "/trials/annual_loss has 0 values, "
                "expected 16777216 x 1099511627776 x 1 (above 2^63)")

        # /summary: 2^32 x 4 x 2^30 = 2^64
        T, nb = 1 << 32, 1 << 30
        path = crafted(base, "bands.h5", "summary",
                       [("step", (T,), "i8", (T,), (1 << 16,)),
                        ("band", (nb,), "f8", (nb,), (1 << 16,)),
                        ("inoperability_band", (0, S, nb), "f8", (None, S, nb), (1, 1, 1 << 16))])
        refused(a.minrisk, "bands", path, False, "/summary/inoperability_band has 0 values, "
                "expected 4294967296 x 4 x 1073741824 (above 2^63)")

        # /loss_tables: 2^24 x 2^40 x 1 = 2^64
        events = run(a.minrisk, scen, os.path.join(tmp, "events.h5"), "--events")
        K, R = 1 << 24, 1 << 40
        path = crafted(events, "tables.h5", "loss_tables",
                       [("series", (K,), h5py.string_dtype(), (K,), (1 << 16,)),
                        ("return_period", (R,), "f8", (R,), (1 << 16,))]
                       + [(t, (0, R), "f8", (None, R), (1, 1 << 16))
                          for t in ("aep", "aep_lo", "aep_hi", "oep", "oep_lo", "oep_hi")])
        refused(a.minrisk, "loss tables", path, False, "/loss_tables/aep has 0 values, "
                "expected 16777216 x 1099511627776 x 1 (above 2^63)")

        # a band dataset one step short (no overflow) is named with the
        # product too
        with h5py.File(base, "r") as f:
            T0, E0, nb0 = f["summary/inoperability_band"].shape
        path = crafted(base, "short.h5", "summary",
                       [("inoperability_band", (T0 - 1, E0, nb0), "f8", (None, E0, nb0),
                         (1, E0, nb0))])
        refused(a.minrisk, "short", path, False, "/summary/inoperability_band has %d values, "
                "expected %d x %d x %d" % ((T0 - 1) * E0 * nb0, T0, E0, nb0))
    finally:
        shutil.rmtree(tmp)
    if not FAILS:
        print("ok: extents whose product passes 2^63 refused as damaged (trials, bands, loss tables)")
    return finish("export_extent_overflow")


sys.exit(main())
