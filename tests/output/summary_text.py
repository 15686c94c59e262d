#!/usr/bin/env python3
"""summary_text.py - the numbers `minrisk summary` prints, read back from
the text and compared with the file's figures (label `output`).

A run of scenarios/demo.yaml at 1024 trials with --target-precision
mean_total=0.5 (met at the first check point, 1024 trials):

- the loss table: each sector's and the total's mean, se, VaR 95/99/99.5,
  ES 99, AAL and the 1-in-100 and 1-in-200 annual losses from /summary,
  in GBP m (/ 10^6), printed with the decimals of the table's largest
  magnitude M (0 from 1000, 1 from 100, 2 from 1, else 3);
- the headline's parts: value added lost, extra cost, headline = value
  added lost + extra cost (docs/OUTPUT.md: gross output lost is not added)
  and gross output lost, from /summary/sector_gva_loss_mean,
  sector_extra_cost_mean and sector_output_loss_mean, the total row their
  sums, each column at the loss table's decimals or more, at most 3, until
  its largest |figure| reaches 10^(1 - decimals) (2 significant digits);
  demo.yaml has value added and gross output lost as well as extra cost, so
  each part is told from the others;
- the minerals table: P(short) % at 1 decimal, mean short % at 2, months
  short at 1, P(stock empty) % at 1, peak price at 2 with an x;
- the precision section: the estimate of the target in GBP m, %.2f of
  /precision/estimate / 10^6 at the last check point.
"""
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402

M = 1e6


def decimals(maxabs):
    return 0 if maxabs >= 1000 else 1 if maxabs >= 100 else 2 if maxabs >= 1 else 3


def cell(v, d, suffix=""):
    return "n/a" if math.isnan(v) else "%.*f%s" % (d, v, suffix)


def table(lines, head):
    """The rows (first word, the rest split on blanks) of the table whose
    heading line starts with head, up to the blank line after it."""
    at = [i for i, l in enumerate(lines) if l.startswith(head)]
    check(len(at) == 1, "one table headed %r" % head)
    rows = {}
    for l in lines[at[0] + 1:] if at else []:
        if not l.strip():
            break
        w = l.split()
        rows[w[0]] = w[1:]
    return rows


def main():
    minrisk, src = sys.argv[1], sys.argv[2]
    demo = os.path.join(src, "scenarios", "demo.yaml")
    env = dict(os.environ, OMP_NUM_THREADS="2")
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "demo.h5")
        r = subprocess.run([minrisk, "run", demo, "--trials", "4096", "--target-precision",
                            "mean_total=0.5", "-q", "-o", out], capture_output=True, text=True,
                           env=env)
        if r.returncode != 0:
            print("FAIL: minrisk run: %s" % r.stderr)
            return 1
        t = subprocess.run([minrisk, "summary", out], capture_output=True, text=True, env=env)
        if t.returncode != 0:
            print("FAIL: minrisk summary: %s" % t.stderr)
            return 1
        lines = t.stdout.splitlines()
        with h5py.File(out, "r") as f:
            s = f["summary"]
            sectors = [x.decode() if isinstance(x, bytes) else str(x) for x in f["sector"][()]]
            minerals = [x.decode() if isinstance(x, bytes) else str(x) for x in f["mineral"][()]]
            q = list(s["quantile"][()])
            e = list(s["es_level"][()])
            rp = list(s["return_period"][()])
            iq = [q.index(0.95), q.index(0.99), q.index(0.995)]
            cols = []  # per row: the nine loss columns
            for j in range(len(sectors) + 1):
                if j < len(sectors):
                    g = lambda k, *i: float(s["sector_" + k][(j,) + i])  # noqa: E731
                    row = [g("loss_mean"), g("loss_se")] + [g("loss_quantile", i) for i in iq]
                    row += [g("loss_es", e.index(0.99)), g("aal")]
                    row += [g("return_period_loss", rp.index(r)) for r in (100.0, 200.0)]
                else:
                    row = [float(s["total_loss_mean"][()]), float(s["total_loss_se"][()])]
                    row += [float(s["total_loss_quantile"][i]) for i in iq]
                    row += [float(s["total_loss_es"][e.index(0.99)]), float(s["aal"][()])]
                    row += [float(s["return_period_loss"][rp.index(r)]) for r in (100.0, 200.0)]
                cols.append([v / M for v in row])
            parts = np.array([s["sector_gva_loss_mean"][()], s["sector_extra_cost_mean"][()],
                              s["sector_output_loss_mean"][()]], dtype=np.float64)
            mfig = [s[k][()] for k in ("mineral_shortage_prob", "mineral_shortfall_mean_avg",
                                       "mineral_shortfall_months_avg",
                                       "mineral_stockpile_empty_prob", "mineral_price_peak_avg")]
            est = f["precision/estimate"][()]
        dec = decimals(max(abs(v) for row in cols for v in row if math.isfinite(v)))
        names = sectors + ["Total"]
        losses = table(lines, "sector        mean")
        for j, n in enumerate(names):
            want = [cell(v, dec) for v in cols[j]]
            check(losses.get(n) == want, "loss row %s: %r, want %r" % (n, losses.get(n), want))
        # the parts: per sector, and the total row their sums over the sectors
        pt = table(lines, "sector        value added lost")
        check(parts[0].sum() > 0 and parts[1].sum() > 0 and parts[2].sum() > 0,
              "demo.yaml has every part: %r" % parts.sum(axis=1))
        rows = []
        for j, n in enumerate(names):
            p = parts[:, j] if j < len(sectors) else np.array(
                [sum(float(v) for v in parts[k]) for k in range(3)])
            rows.append([p[0] / M, p[1] / M, (p[0] + p[1]) / M, p[2] / M])
        cdec = []
        for c in range(4):
            big, d = max(abs(r[c]) for r in rows), dec
            while d < 3 and big > 0.0 and big < 10.0 ** (1 - d):
                d += 1
            cdec.append(d)
        for j, n in enumerate(names):
            want = [cell(rows[j][c], cdec[c]) for c in range(4)]
            check(pt.get(n) == want, "parts row %s: %r, want %r" % (n, pt.get(n), want))
        mt = table(lines, "mineral      P(short)")
        for k, n in enumerate(minerals):
            v = [float(a[k]) for a in mfig]
            want = [cell(100 * v[0], 1, "%"), cell(100 * v[1], 2, "%"), cell(v[2], 1),
                    cell(100 * v[3], 1, "%"), cell(v[4], 2, "x")]
            check(mt.get(n) == want, "mineral row %s: %r, want %r" % (n, mt.get(n), want))
        pr = [l.split() for l in lines if l.strip().startswith("mean_total ")]
        want = "%.2f" % (est[-1][0] / M)
        check(len(pr) == 1 and pr[0][3] == want,
              "precision row %r: estimate %s GBP m" % (pr, want))
    return finish("summary_text")


if __name__ == "__main__":
    sys.exit(main())
