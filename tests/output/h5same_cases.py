#!/usr/bin/env python3
"""h5same_cases.py H5SAME - tests/h5same.sh on hand-made files, each pair with
the exit status worked out from what it holds. h5diff 1.10 itself exits 0 on
the three pairs marked *, which the tests compared with it would have passed.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402

h5same = sys.argv[1]
tmp = tempfile.mkdtemp()


def make(name, **datasets):
    """A file whose datasets are (shape, data or None for never written)."""
    path = os.path.join(tmp, name)
    with h5py.File(path, "w") as f:
        for key, (shape, data) in datasets.items():
            if data is None:
                f.create_dataset(key, shape=shape, dtype="f8")
            else:
                f.create_dataset(key, data=np.asarray(data, dtype="f8").reshape(shape))
        f.create_group("run_info").attrs["threads"] = len(name)
    return path


a = make("a.h5", x=((3,), [1, 2, 3]), z=((0,), []))
same = make("same.h5", x=((3,), [1, 2, 3]), z=((0,), []))
value = make("value.h5", x=((3,), [1, 2, 4]), z=((0,), []))
short = make("short.h5", x=((2,), [1, 2]), z=((0,), []))                # *
unwritten = make("unwritten.h5", x=((3,), None), z=((0,), []))         # *
filled = make("filled.h5", x=((3,), [1, 2, 3]), z=((2,), [5, 6]))     # *
empty2d = make("e2d.h5", x=((3,), [1, 2, 3]), z=((0,), []), w=((4, 0), []))
empty2d_b = make("e2d_b.h5", x=((3,), [1, 2, 3]), z=((0,), []), w=((4, 0), []))

def with_scales(name, n):
    """An empty dataset with an empty dimension scale attached (the
    DIMENSION_LIST and REFERENCE_LIST attributes minrisk's files carry), and
    a group attribute of zero size; n values in /x."""
    path = os.path.join(tmp, name)
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=np.arange(n, dtype="f8"))
        f.create_dataset("e", shape=(0,), dtype="f8")
        f.create_dataset("e_id", shape=(0,), dtype="i4")
        f["e_id"].make_scale("e_id")
        f["e"].dims[0].attach_scale(f["e_id"])
        f.create_group("g").attrs["none"] = np.zeros((0,), dtype="f8")
    return path


scaled, scaled_b, scaled_short = with_scales("s.h5", 3), with_scales("s_b.h5", 3), with_scales("s_s.h5", 2)

cases = [
    ("empty datasets with dimension scales, an empty attribute", [scaled, scaled_b], 0),
    ("the same, a row short elsewhere", [scaled, scaled_short], 1),
    ("identical outside /run_info", ["--exclude-path", "/run_info", a, same], 0),
    ("/run_info differs", [a, same], 1),
    ("-q: /run_info differs", ["-q", a, same], 1),
    ("a value differs", ["--exclude-path", "/run_info", a, value], 1),
    ("a dataset one row short", ["--exclude-path", "/run_info", a, short], 1),
    ("a dataset never written", ["--exclude-path", "/run_info", a, unwritten], 1),
    ("an empty dataset against two values", ["--exclude-path", "/run_info", a, filled], 1),
    ("empty [4, 0] datasets in both", ["--exclude-path", "/run_info", empty2d, empty2d_b], 0),
    ("one object against another", [a, short, "/z", "/z"], 0),
    ("one object, a row short", [a, short, "/x", "/x"], 1),
    ("an option it does not know", ["-d", "1e-3", a, same], 2),
    ("one file only", [a], 2),
]
for what, args, want in cases:
    got = subprocess.run([h5same] + args, capture_output=True, text=True).returncode
    check(got == want, "%s: exit status %d, expected %d" % (what, got, want))
# what h5diff says of the pairs marked *: exit status 0 (if a later h5diff
# says otherwise, the script is still right; this records why it exists)
for other in (short, unwritten, filled):
    r = subprocess.run(["h5diff", "--exclude-path", "/run_info", a, other], capture_output=True)
    print("h5diff a.h5 %s: exit status %d" % (os.path.basename(other), r.returncode))
sys.exit(finish("h5same_cases"))
