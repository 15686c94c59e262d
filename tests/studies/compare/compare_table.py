#!/usr/bin/python3
"""compare_table.py - the table `minrisk compare` prints against its file.

usage: compare_table.py FILE.h5 STDOUT.txt

Each row of the table (series, statistic, A, B, B - A, 95% interval) holds
/difference/a, b, estimate, ci_lo and ci_hi of the file in GBP m (/ 10^6),
at the decimals of the largest |A| or |B| of the table, M: 0 from 1000, 1
from 10, 2 from 0.1, else 4 (docs/STUDIES.md "Compare"); the change and its
interval with more, up to 4, until the largest of their finite |values|
reaches 10^(1 - decimals) (2 significant digits); a value that rounds to
zero is printed unsigned; the interval "n/a" when both ends are NaN. Exits
1 with a line per failure.
"""
import math
import sys

import h5py
import numpy as np

LABELS = ["mean", "VaR 95%", "VaR 99%", "ES 99%", "1-in-100"]


def cell(v, dec):
    m = v / 1e6
    if math.isnan(m):
        return "n/a"
    return "%.*f" % (dec, 0.0 if abs(m) < 0.5 * 10.0 ** -dec else m)


def main():
    path, text = sys.argv[1], sys.argv[2]
    with h5py.File(path, "r") as f:
        d = f["difference"]
        series = [s.decode() for s in d["series"][()]]
        a, b, e, lo, hi = (d[k][()] for k in ("a", "b", "estimate", "ci_lo", "ci_hi"))
    big = max(np.nanmax(np.abs(a)), np.nanmax(np.abs(b))) / 1e6
    dec = 0 if big >= 1000 else 1 if big >= 10 else 2 if big >= 0.1 else 4
    lines = open(text).read().splitlines()
    head = [i for i, l in enumerate(lines) if l.split()[:2] == ["series", "statistic"]]
    if len(head) != 1:
        print("FAIL: no single table heading in %s" % text)
        return 1
    rows = lines[head[0] + 1:head[0] + 1 + len(series) * len(LABELS)]
    fails = 0
    for s, name in enumerate(series):
        for k, label in enumerate(LABELS):
            row = rows[s * len(LABELS) + k]
            big = max([abs(x) for x in (e[s, k], lo[s, k], hi[s, k]) if math.isfinite(x)] +
                      [0.0]) / 1e6
            dc = dec
            while dc < 4 and big > 0.0 and big < 10.0 ** (1 - dc):
                dc += 1
            want_iv = ("n/a" if math.isnan(lo[s, k]) and math.isnan(hi[s, k]) else
                       "[%s, %s]" % (cell(lo[s, k], dc), cell(hi[s, k], dc)))
            want = " ".join([name.capitalize() if name == "total" else name] * (k == 0) +
                            label.split() + [cell(a[s, k], dec), cell(b[s, k], dec),
                                             cell(e[s, k], dc)] + want_iv.split())
            if " ".join(row.split()) != want:
                print("FAIL: row %r, want %r" % (row, want))
                fails += 1
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
