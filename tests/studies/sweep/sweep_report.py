"""The report's chart of a sweep's headline figures on its grid
(out/report.py fig_sweep_grid, docs/REPORT.md "Sweep files") against the
settings of the keys.

  sweep_report.py MINRISK SRC

A one-key sweep of tests/studies/sweep/base.yaml over unevenly spaced
numbers, policies.stockpile.months: [0, 3, 12]: the line along the key
must put each variant at its setting (x = 0, 3, 12, so that the slope
between two points is per month), not at its rank (0, 1, 2, which draws
the step from 3 to 12 months as if it were as long as the one from 0 to
3), and its y values are the variants' headline figures in GBP m; the
same settings written [12, 0, 3] give the same line, drawn left to right
(not a zig-zag in sweep order), the tick labels under their points. A
two-key sweep (grid.yaml: months [0, 6] x diversification_cap with null)
keeps the heat map's cells (a string key). Both axes name the key with
the unit /sweep/grid gives it: "months (months of demand)"; a string key
its name alone. A sweep of simulation.horizon_years: the caption of the
paired differences says the horizons differ (and no other sweep's).
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py, found above)


def chart(rep, path):
    with h5py.File(path, "r") as f:
        sweep = rep.read_sweep(f)
    n = len(sweep["variant"])
    shown = [0]  # mean_loss
    errs = [[(np.nan, np.nan)] for _ in range(n)]
    return sweep, rep.fig_sweep_grid(sweep, shown, errs, [None] * n)


def main():
    minrisk, src = sys.argv[1], sys.argv[2]
    d = os.path.join(src, "tests", "studies", "sweep")
    spec = importlib.util.spec_from_file_location("mr_report", os.path.join(src, "out", "report.py"))
    rep = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rep)
    with tempfile.TemporaryDirectory() as tmp:
        one = os.path.join(tmp, "one.yaml")
        with open(one, "w") as fh:
            fh.write("extends: %s\nsweep:\n  policies.stockpile.months: [0, 3, 12]\n" % os.path.join(d, "base.yaml"))
        files = {}
        back = os.path.join(tmp, "back.yaml")  # the same settings out of order
        with open(back, "w") as fh:
            fh.write("extends: %s\nsweep:\n  policies.stockpile.months: [12, 0, 3]\n" % os.path.join(d, "base.yaml"))
        for name, yaml in (("one", one), ("back", back), ("two", os.path.join(d, "grid.yaml"))):
            files[name] = os.path.join(tmp, name + ".h5")
            subprocess.run([minrisk, "run", yaml, "-o", files[name], "--trials", "200", "--threads", "1", "-q"],
                           check=True, stdout=subprocess.DEVNULL)
        sweep, fig = chart(rep, files["one"])
        ax = fig.axes[0]
        line = ax.lines[0]
        x = np.asarray(line.get_xdata(), dtype=float).tolist()
        check(x == [0.0, 3.0, 12.0], "one key: the line is at x = %s, expected the settings [0, 3, 12]" % x)
        with h5py.File(files["one"], "r") as f:
            want = (f["sweep/headline"][:, 0] / 1e6).tolist()
        y = np.asarray(line.get_ydata(), dtype=float).tolist()
        check(y == want, "one key: the line's y %s, expected the variants' mean losses in GBP m %s" % (y, want))
        ticks = [float(t) for t in ax.get_xticks()]
        check(ticks == [0.0, 3.0, 12.0], "one key: x ticks %s, expected at the settings" % ticks)
        check(ax.get_xlabel() == "months (months of demand)",
              "one key: x label %r, expected 'months (months of demand)'" % ax.get_xlabel())
        sweep, fig = chart(rep, files["back"])  # drawn left to right: the same line as in sweep order
        ax = fig.axes[0]
        xb = np.asarray(ax.lines[0].get_xdata(), dtype=float).tolist()
        yb = np.asarray(ax.lines[0].get_ydata(), dtype=float).tolist()
        check(xb == [0.0, 3.0, 12.0] and yb == y, "settings out of order: the line is %s, %s; expected %s, %s"
              % (xb, yb, x, y))
        check([t.get_text() for t in ax.get_xticklabels()] == ["0", "3", "12"],
              "settings out of order: x tick labels %s" % [t.get_text() for t in ax.get_xticklabels()])
        sweep, fig = chart(rep, files["two"])
        ax = fig.axes[0]
        check(ax.get_ylabel() == "months (months of demand)",
              "two keys: y label %r, expected 'months (months of demand)'" % ax.get_ylabel())
        check(ax.get_xlabel() == "diversification_cap",
              "two keys: x label %r, expected 'diversification_cap' (strings: no unit)" % ax.get_xlabel())
        check([t.get_text() for t in ax.get_xticklabels()] == ["none", "0.70", "0.5"],
              "two keys: x tick labels %s" % [t.get_text() for t in ax.get_xticklabels()])
        # a sweep of the horizon: the paired-difference caption says the spans differ
        hz = os.path.join(tmp, "hz.yaml")
        with open(hz, "w") as fh:
            fh.write("extends: %s\nsweep:\n  simulation.horizon_years: [2, 3]\n" % os.path.join(d, "base.yaml"))
        for name, yaml in (("hz", hz), ("one", one)):
            h5 = os.path.join(tmp, name + "-r.h5")
            subprocess.run([minrisk, "run", yaml, "-o", h5, "--trials", "50", "--threads", "1", "-q"],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run([minrisk, "report", h5, "-o", os.path.join(tmp, name + "-rep"), "--quiet"],
                           check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(tmp, name + "-rep", "report.html")) as fh:
                said = "The horizons differ (2, 3 years): each difference compares losses over" in fh.read()
            check(said == (name == "hz"), "%s sweep: the caption %s the horizons differ"
                  % (name, "says" if said else "does not say"))
    return finish("sweep_report")


if __name__ == "__main__":
    sys.exit(main())
