#!/usr/bin/python3
"""python_plot.py SRC [BIN] - minrisk.plot (tests/python/tests.cmake).

Runs scenarios/demo.yaml (500 trials) and a comparison with
stress-drc-cobalt (300 trials) through the package, then draws every
figure of minrisk.plot from the Datasets of minrisk.open and checks:
- each returns a matplotlib Figure with one visible panel per series
  (sectors + total) where the report draws one per series, per mineral
  for the price fan, per statistic for the difference;
- the exceedance figure's markers of the total are /summary's
  return_period_loss in GBP m (read with h5py) at its return periods;
- the difference figure's bars are /difference/estimate in GBP m;
- the panels carry the sectors' display names (sector_name), not ids;
- the figures from a plain dict of Datasets equal those from the Run;
- importing minrisk.plot leaves the matplotlib backend as it was.
Exit status 0 when every check passes, 1 otherwise.
"""

import os
import sys
import tempfile

import h5py
import matplotlib
import numpy as np

from checks import check, finish, setup


def visible(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.axison and ax.get_label() != "twin"]


def main():
    src = setup()
    import minrisk
    matplotlib.use("svg")  # any backend but the report's Agg: the import must not switch it
    import minrisk.plot as P
    check(matplotlib.get_backend().lower() == "svg", "backend switched to %s" % matplotlib.get_backend())
    from matplotlib.figure import Figure

    with tempfile.TemporaryDirectory(prefix="python_plot-") as tmp:
        demo = os.path.join(src, "scenarios", "demo.yaml")
        r = minrisk.run(demo, os.path.join(tmp, "run.h5"), trials=500, threads=1, progress=False)
        c = minrisk.compare(demo, os.path.join(src, "scenarios", "stress-drc-cobalt.yaml"),
                            os.path.join(tmp, "cmp.h5"), trials=300, threads=1, progress=False)
        with h5py.File(r.path, "r") as f:
            S = f["sector"].shape[0]
            M = f["mineral"].shape[0]
            names = list(f["sector_name"].asstr()[()])
            rp = f["summary/return_period"][()]
            rpl = f["summary/return_period_loss"][()]
        figs = {
            "exceedance_annual": (P.exceedance_annual(r, errors=False), S + 1),
            "exceedance_horizon": (P.exceedance_horizon(r), S + 1),
            "histograms": (P.histograms(r), S + 1),
            "fan": (P.fan(r), S),
            "fan_price": (P.fan(r, "price"), M),
            "shortage": (P.shortage(r), 1),
            "indicators": (P.indicators(r["indicators"]), 1),
            "attribution": (P.attribution(r["attribution"]), S + 1),
            "difference": (P.difference(c.difference), 5),
            "overlay": (P.exceedance_annual(c, errors=False), S + 1),
        }
        for k, (fig, n) in figs.items():
            check(isinstance(fig, Figure), "%s: a Figure" % k)
            check(len(visible(fig)) == n, "%s: %d panels, expected %d" % (k, len(visible(fig)), n))
        # the shortage bars' axis ends at the first of 0.01, 0.02, 0.05, ...,
        # 1 above 1.1 x the longest bar and whisker (it was always 0..1, where
        # a probability of a few per cent is a bar too thin to see)
        ax = visible(figs["shortage"][0])[0]
        longest = max([p.get_width() for p in ax.patches] +
                      [x for ln in ax.lines for x in ln.get_xdata() if np.isfinite(x)])
        want = next((x for x in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5) if 1.1 * longest <= x), 1.0)
        check(ax.get_xlim() == (0.0, want) and longest > 0,
              "shortage: x axis %s for bars up to %.4f, expected (0, %s)" % (ax.get_xlim(), longest, want))
        fig = figs["exceedance_annual"][0]
        titles = [ax.get_title() for ax in visible(fig)]
        check(titles == names + ["Total"], "exceedance: titles %s" % titles)
        total = visible(fig)[S]
        line = total.get_lines()[0]  # the file's points, drawn first
        ok = np.isfinite(rpl)
        check(np.array_equal(line.get_xdata(), rp[ok]) and np.array_equal(line.get_ydata(), rpl[ok] / 1e6),
              "exceedance: the total's points are /summary/return_period_loss in GBP m")
        with h5py.File(c.path, "r") as f:
            est = f["difference/estimate"][()]
        dfig = figs["difference"][0]
        for k, ax in enumerate(visible(dfig)):
            widths = np.array([p.get_width() for p in ax.patches])
            check(np.array_equal(widths, est[:, k] / 1e6), "difference panel %d: bars are estimate / 1e6" % k)
        # the bars are named as in the report: the sectors' names, and
        # Total (until 2026-12-08 the ids, "clean_energy")
        with h5py.File(c.path, "r") as f:
            names = dict(zip(f["runs/a/sector"].asstr()[()], f["runs/a/sector_name"].asstr()[()]))
            want = [names.get(s, "Total") for s in f["difference/series"].asstr()[()]]
        got = [t.get_text() for t in visible(dfig)[0].get_yticklabels()]
        check(got == want, "difference: bars named %r, expected %r" % (got, want))
        plain = {k: r[k] for k in ("root", "summary", "trials")}
        f2 = P.exceedance_annual(plain, errors=False)
        l2 = visible(f2)[S].get_lines()[0]
        check(np.array_equal(l2.get_ydata(), line.get_ydata()), "a dict of Datasets draws the same")
        rb = P.report_run(r)  # the intervals the run stored, read (the report computes none)
        with h5py.File(r.path, "r") as f:
            want = (f["summary/return_period_loss_1in100_ci_low"][()], f["summary/return_period_loss_1in100_ci_high"][()])
        check(rb.total().rp_ci == want and all(np.isfinite(want)),
              "report_run: 1-in-100 interval %r, the file's %r" % (rb.total().rp_ci, want))
        check(P.report_run(r, errors=False).total().rp_ci != want, "report_run(errors=False) keeps the intervals")
        for kind in ("mineral", "country", "event"):
            fig = P.attribution(r["attribution"], kind=kind)
            for ax in visible(fig):
                tot = sum(p.get_width() for p in ax.patches)
                check(abs(tot - 100.0) < 1e-9, "attribution %s, %s: bars add up to %r%%" % (kind, ax.get_title(), tot))
        # a run without the group a figure needs: ValueError naming it (was
        # AttributeError "'dict' object has no attribute 'variables'", or "/
        # has no group or attribute 'variables'" from a Run)
        for fn, obj, what, want in (
                (P.attribution, plain, "dict", "the run has no 'attribution' group (it has root, summary, trials)"),
                (P.indicators, plain, "dict", "the run has no 'indicators' group (it has root, summary, trials)"),
                (P.difference, r, "Run", "the run has no 'difference' group (it has %s)" % ", ".join(r))):
            try:
                fn(obj)
                check(False, "%s of a %s without the group: no error" % (fn.__name__, what))
            except ValueError as e:
                check(str(e) == want, "%s of a %s: %r, expected %r" % (fn.__name__, what, str(e), want))
            except Exception as e:  # noqa: BLE001 (the defect: AttributeError)
                check(False, "%s of a %s: %s %s, expected ValueError" % (fn.__name__, what, type(e).__name__, e))
        # the counterfactual keys of a run without --counterfactual: the
        # message says how to get them
        try:
            P.attribution(r, key="mean_removed")
            check(False, "attribution mean_removed without --counterfactual: no error")
        except ValueError as e:
            check(str(e).endswith("needs a run with --counterfactual (minrisk.run(..., counterfactual=True))"),
                  "attribution mean_removed without --counterfactual: %r" % str(e))
        try:
            P.fan(r, "prices")
            check(False, "fan: a bad 'what' accepted")
        except ValueError:
            pass
        # a one-run figure of a comparison: ValueError saying how to pick a
        # run (until 2026-12-08 run A was drawn, nothing said so); one of
        # its runs draws
        for fn in (P.histograms, P.fan):
            try:
                fn(c)
                check(False, "%s of a comparison of two: no error" % fn.__name__)
            except ValueError as e:
                want = ("%s draws one run; this comparison has 2 (a, b): pass one, e.g. comparison.runs['a']"
                        % fn.__name__)
                check(str(e) == want, "%s of a comparison: %r, expected %r" % (fn.__name__, str(e), want))
            check(isinstance(fn(c.runs["b"]), Figure), "%s of comparison.runs['b']: no figure" % fn.__name__)
        r.close()
        c.close()
    return finish("python_plot")


if __name__ == "__main__":
    sys.exit(main())
