#!/usr/bin/python3
"""report_weighted.py - importance-sampled runs in `minrisk report` and
`minrisk summary` (out/report.py, out/tables/summary.c, attr_print.c).

usage: report_weighted.py --minrisk BIN --src SOURCE_ROOT

- report.py's weighted empirical exceedance curve against a hand-worked
  sample: values 1, 3, 5, 7 with weights 2, 1, 0.5, 0.5 (n = 4): from the
  top, (w_1 + ... + w_j - w_j / 2) / n = 0.0625, 0.1875, 0.375 (0.75 is
  beyond the curve's p <= 0.5), so return periods 16, 16/3, 8/3 at 7, 5, 3;
  with unit weights it is the unweighted curve.
- a demo run with --importance 'event/*=3' --events: the Run read by
  report.py is weighted; its bands are /loss_tables' aep_lo, aep_hi (format
  1.8: weighted), the total's equal to /summary's weighted bootstrap
  interval (return_period_loss_ci_low, _high), every sector with one; the
  same file marked format 1.7 (whose /loss_tables were unweighted) gets
  /summary's band for the total and none for the sectors; a plain run
  keeps /loss_tables' band. The report of the weighted run is written.
- `minrisk summary` of the weighted run names the weights with the effective
  sample size of /importance, and says the tail attribution is weighted;
  the plain run's says neither.
"""
import argparse
import importlib.util
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile

import h5py
import numpy as np

# check(ok, what) and finish(name): tests/python/checks.py
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("minrisk_report", os.path.join(a.src, "out", "report.py"))
    rep = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rep)

    # the weighted empirical curve, by hand
    R, v = rep.empirical_curve([1.0, 3.0, 5.0, 7.0], 1.0, weights=[2.0, 1.0, 0.5, 0.5])
    check(list(v) == [7.0, 5.0, 3.0], "weighted curve values %s" % list(v))
    check(np.allclose(R, [16.0, 16.0 / 3.0, 8.0 / 3.0], rtol=0, atol=1e-12), "weighted curve periods %s" % R)
    x = np.arange(1.0, 101.0)
    R1, v1 = rep.empirical_curve(x, 1.0)
    R2, v2 = rep.empirical_curve(x, 1.0, weights=np.ones_like(x))
    common = np.intersect1d(v1, v2)
    check(common.size > 10, "unit weights: the curves share points")
    for c in common:
        check(np.isclose(R1[v1 == c][0], R2[v2 == c][0], rtol=1e-12), "unit weights at %g" % c)

    # series_of_trials with weights (the value-added parts of the report's
    # gva-headline table): docs/OUTPUT.md "Weighted estimators"' sample
    # 1 (w 2), 3 (w 1), 3 (w 1.5), 3 (w 0.75), 5 (w 0.5), 7 (w 0.25), n = 6:
    # mean = 16/6; Q(0.5) = 3, Q(0.9) = 5; ES 0.9 = 35/6, ES 0.875 = 17/3;
    # se the sample sd of w x (2, 3, 4.5, 2.25, 2.5, 1.75) over sqrt 6; no
    # order-statistic interval (it is for unweighted samples): NaN
    xw, ww = np.array([1.0, 3, 3, 3, 5, 7]), np.array([2.0, 1, 1.5, 0.75, 0.5, 0.25])
    try:
        se_w = rep.series_of_trials("t", "t", xw, np.array([0.5, 0.9]), np.array([0.875, 0.9]), weights=ww)
    except TypeError as e:  # no weights argument
        se_w = None
        check(False, "series_of_trials takes no weights: %s" % e)
    if se_w is not None:
        check(abs(se_w.mean - 16.0 / 6.0) < 1e-15, "weighted mean %r, expected 16/6" % se_w.mean)
        want_se = statistics.stdev([2.0, 3.0, 4.5, 2.25, 2.5, 1.75]) / 6 ** 0.5
        check(abs(se_w.se - want_se) < 1e-15, "weighted se %r, expected %r" % (se_w.se, want_se))
        check(list(se_w.q) == [3.0, 5.0], "weighted Q(0.5), Q(0.9) %s, expected [3, 5]" % list(se_w.q))
        check(np.allclose(se_w.es, [17.0 / 3.0, 35.0 / 6.0], rtol=1e-14, atol=0),
              "weighted ES 0.875, 0.9 %s, expected [17/3, 35/6]" % list(se_w.es))
        check(np.isnan(se_w.q_lo).all() and np.isnan(se_w.q_hi).all(), "weighted: no order-statistic CI")
        se_1 = rep.series_of_trials("t", "t", xw, np.array([0.5, 0.9]), np.array([0.9]), weights=np.ones(6))
        se_0 = rep.series_of_trials("t", "t", xw, np.array([0.5, 0.9]), np.array([0.9]))
        check(list(se_1.q) == list(se_0.q) and np.allclose(se_1.es, se_0.es, rtol=1e-15, atol=0),
              "unit weights: the unweighted quantiles and ES")

    # prob_ci by hand: weights 2, 1, 0.5, 0.5 with the event in trials 1 and
    # 3: p = (2 + 0.5) / 4 = 0.625; w 1{A} = 2, 0, 0.5, 0, sample sd
    # sqrt(2.6875 / 3) = 0.94648, SE 0.47324, so 0.625 -+ 0.92754 = [0
    # (floored), 1.55254]; the same trials unweighted: the Wilson interval
    class Fake:
        pass
    fk = Fake()
    fk.weighted, fk.trials, fk.weights = True, 4, np.array([2.0, 1.0, 0.5, 0.5])
    fk.prob_trials = {"short": np.array([[True], [False], [True], [False]])}
    half = rep.CI_Z * math.sqrt(2.6875 / 3.0) / 2.0
    got = rep.prob_ci(fk, "short", 0, 0.625)
    check(got[0] == 0.0 and abs(got[1] - (0.625 + half)) < 1e-15 and abs(got[1] - 1.55254) < 1e-5,
          "weighted prob_ci %r, expected [0, %r]" % (got, 0.625 + half))
    fk.prob_trials = {"short": np.zeros((4, 1), bool)}
    check(all(math.isnan(v) for v in rep.prob_ci(fk, "short", 0, 0.0)), "weighted prob_ci with no event: n/a")
    fk.weighted = False
    check(rep.prob_ci(fk, "short", 0, 0.5) == rep.wilson(0.5, 4), "plain prob_ci: Wilson")

    demo = os.path.join(a.src, "scenarios", "demo.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        wf, pf = os.path.join(tmp, "w.h5"), os.path.join(tmp, "p.h5")
        for out, extra in ((wf, ["--importance", "event/*=3"]), (pf, [])):
            subprocess.run([a.minrisk, "run", demo, "-o", out, "--trials", "1200", "--events", "--quiet"] + extra,
                           check=True)
        with h5py.File(wf) as f:
            run = rep.Run(f, f, "w")
            s = f["summary"]
            check(run.weighted and run.weights is not None, "weighted run read as weighted")
            tot = run.total()
            check(tot.rp_band is not None and np.array_equal(tot.rp_band[0], s["return_period_loss_ci_low"][()],
                                                             equal_nan=True)
                  and np.array_equal(tot.rp_band[1], s["return_period_loss_ci_high"][()], equal_nan=True),
                  "weighted: the total's band is /summary's weighted interval")
            lo, hi = f["loss_tables/aep_lo"][()], f["loss_tables/aep_hi"][()]
            check(all(se.rp_band is not None and np.array_equal(se.rp_band[0], lo[k], equal_nan=True)
                      and np.array_equal(se.rp_band[1], hi[k], equal_nan=True)
                      for k, se in enumerate(run.series)), "weighted: every band is /loss_tables' (1.8)")
            ess = float(f["importance/ess"][()])
            # the histograms: each trial counts with its weight, so the bars of
            # a series add up to the sum of the weights of its finite trials
            fig = rep.fig_histograms(run)
            wsum = math.fsum(f["trials/weight"][()])
            for ax in fig.axes[:len(run.series)]:
                bars = [p_ for p_ in ax.patches if hasattr(p_, "get_data")]
                tot_ = math.fsum(bars[0].get_data().values) if bars else math.nan
                check(abs(tot_ - wsum) <= 1e-9 * wsum and "weighted" in ax.get_ylabel(),
                      "weighted histogram %s: bars sum to %r, the weights to %r" % (ax.get_title(), tot_, wsum))
            rep.plt.close(fig)
            # the value-added parts are weighted as /summary is: they add up
            # to the headline's mean (which they did not: the parts were the
            # tilted sample's plain means, 1.2 times the headline here), and
            # the estimators applied to /trials/total_loss give /summary's
            # weighted VaR and ES of the total
            gv, xc = run.gva_parts
            tm = float(s["total_loss_mean"][()])
            check(abs(gv.mean + xc.mean - tm) <= 1e-9 * abs(tm),
                  "weighted: value added lost %r + extra cost %r, expected the headline mean %r"
                  % (gv.mean, xc.mean, tm))
            check(np.isnan(gv.q_lo).all() and np.isnan(xc.q_hi).all(), "weighted parts: no order-statistic CI")
            tl = rep.series_of_trials("total_loss", "t", f["trials/total_loss"][()], run.quantile, run.es_level,
                                      weights=f["trials/weight"][()])
            check(np.array_equal(tl.q, s["total_loss_quantile"][()]),
                  "weighted VaR of /trials/total_loss %s, /summary has %s" % (tl.q, s["total_loss_quantile"][()]))
            check(np.allclose(tl.es, s["total_loss_es"][()], rtol=1e-12, atol=0),
                  "weighted ES of /trials/total_loss %s, /summary has %s" % (tl.es, s["total_loss_es"][()]))
        old = os.path.join(tmp, "w17.h5")
        with open(wf, "rb") as src, open(old, "wb") as dst:
            dst.write(src.read())
        with h5py.File(old, "r+") as f:
            f.attrs["format_version"] = np.array([1, 7], dtype=np.int32)
        with h5py.File(old) as f:
            run = rep.Run(f, f, "w17")
            s = f["summary"]
            check(np.array_equal(run.total().rp_band[0], s["return_period_loss_ci_low"][()], equal_nan=True),
                  "weighted 1.7: the total's band is /summary's")
            check(all(se.rp_band is None for se in run.series[:-1]), "weighted 1.7: no sector bands")
        with h5py.File(pf) as f:
            run = rep.Run(f, f, "p")
            check(not run.weighted and run.weights is None, "plain run read as plain")
            check(run.total().rp_band is not None and
                  np.array_equal(run.total().rp_band[0], f["loss_tables/aep_lo"][-1], equal_nan=True),
                  "plain: the total's band is /loss_tables'")
        rdir = os.path.join(tmp, "w-report")
        r = subprocess.run([a.minrisk, "report", wf, "-o", rdir, "--quiet"], capture_output=True, text=True)
        html = os.path.join(rdir, "report.html")
        check(r.returncode == 0 and os.path.isfile(html), "report of the weighted run: %s" % r.stderr)
        if os.path.isfile(html):
            with open(html, encoding="utf-8") as fh:
                html_text = fh.read()
                check("Importance-sampled run: the tail, its shares and the counterfactual removals are "
                      "weighted" in html_text, "the report's attribution section names the weights")
                check("Importance-sampled run: the points, the empirical curve and the bands are weighted"
                      in html_text,
                      "the report's caption names the weights")
                # the sectors' and the parts' VaR have no interval in a weighted
                # run because none is computed, not for too few (1,200) trials
                check("CI n/a (not computed for a weighted run)" in html_text
                      and "CI n/a (too few trials)" not in html_text,
                      "weighted report: a missing VaR interval said 'too few trials'")
                with h5py.File(wf) as f:
                    tm = float(f["summary/total_loss_mean"][()])
                cells = {}
                for part in ("total_gva_loss", "total_extra_cost"):
                    m = re.search(r'id="gva-headline-%s-mean" data-gbp="([^"]+)"' % part, html_text)
                    cells[part] = float(m.group(1)) if m else math.nan
                check(abs(cells["total_gva_loss"] + cells["total_extra_cost"] - tm) <= 1e-9 * abs(tm),
                      "weighted report: the parts' means %s do not add up to the headline %r" % (cells, tm))
                # the total's ES 99 and 1-in-100 intervals that a weighted run
                # stores (total_loss_es_ci_*, return_period_loss_ci_*: the
                # weighted bootstrap) are shown, where the page said "CI not
                # stored" (it looked only for the plain run's *_es99_ci_*)
                with h5py.File(wf) as f:
                    s = f["summary"]
                    k = list(s["es_level"][()]).index(0.99)
                    r = list(s["return_period"][()]).index(100.0)
                    for cid, lo, hi in (("headline-total-es99", s["total_loss_es_ci_low"][k],
                                         s["total_loss_es_ci_high"][k]),
                                        ("headline-total-rp100", s["return_period_loss_ci_low"][r],
                                         s["return_period_loss_ci_high"][r])):
                        mm = re.search(r'<td id="%s"[^>]*data-ci-low="([^"]+)" data-ci-high="([^"]+)"' % cid,
                                       html_text)
                        got = (float(mm.group(1)), float(mm.group(2))) if mm else None
                        check(got == (float(lo), float(hi)),
                              "weighted report: %s interval %s, the file's %r" % (cid, got, (lo, hi)))
                # the market table: each mean is sum w x / N and the guard share
                # sum over trials on the guard of w / N (they were the tilted
                # sample's plain means: the market price peak of a mineral 48.7
                # against 35.0 on a 1,200-trial run)
                with h5py.File(wf) as f:
                    w = f["trials/weight"][()]
                    minerals = list(f["mineral"].asstr()[()])
                    for col, ds in (("price-peak-market", "mineral_price_peak_market"),
                                    ("stock-drawn-peak", "mineral_stock_drawn_peak")):
                        x = f["trials/" + ds][()]
                        for j, m in enumerate(minerals):
                            want = math.fsum(w * x[:, j]) / w.size
                            mm = re.search(r'id="market-table-%s-%s" data-value="([^"]+)"' % (m, col), html_text)
                            got = float(mm.group(1)) if mm else math.nan
                            check(abs(got - want) <= 1e-12 * max(1.0, abs(want)),
                                  "weighted market table %s of %s: %r, expected sum w x / N = %r" % (col, m, got, want))
                    # P(short) and P(stockpile empty) of the minerals table: the
                    # weighted estimate sum w 1{A} / N, and its interval p -+ 1.96
                    # SE of w 1{A} (the lower end floored at 0; n/a when no trial
                    # has the event), not a Wilson interval over N trials, which
                    # holds only for unweighted counts
                    peak = f["trials/mineral_shortfall_peak"][()]
                    emp = f["trials/mineral_stockpile_empty_month"][()]
                    for j, m in enumerate(minerals):
                        for cell, ev in (("short", peak[:, j] > 0.01), ("stock-empty", np.isfinite(emp[:, j]))):
                            if re.search(r'id="minerals-table-%s-%s" class="na"' % (m, cell), html_text):
                                check(cell == "stock-empty" and not ev.any(), "%s of %s: n/a" % (cell, m))
                                continue  # no stockpile
                            mm = re.search(r'id="minerals-table-%s-%s" data-fraction="([^"]+)" data-ci-low="([^"]+)" '
                                           r'data-ci-high="([^"]+)"' % (m, cell), html_text)
                            if not check(mm is not None, "weighted minerals table: no %s cell of %s" % (cell, m)):
                                continue
                            got = [float(g_) for g_ in mm.groups()]
                            want = math.fsum(w[ev]) / w.size
                            if ev.any():
                                half = rep.CI_Z * statistics.stdev((w * ev).tolist()) / math.sqrt(w.size)
                                wlo, whi = max(0.0, want - half), want + half
                            else:
                                wlo = whi = math.nan
                            check(abs(got[0] - want) <= 1e-12 and np.allclose(got[1:], [wlo, whi], rtol=1e-12,
                                                                               atol=1e-15, equal_nan=True),
                                  "weighted %s of %s: %r, expected %r [%r, %r]" % (cell, m, got, want, wlo, whi))
                    g = f["trials/mineral_guard_months"][()] > 0
                    for j, m in enumerate(minerals):
                        want = math.fsum(w[g[:, j]]) / w.size
                        mm = re.search(r'id="market-table-%s-guard" data-fraction="([^"]+)"' % m, html_text)
                        got = float(mm.group(1)) if mm else math.nan
                        check(abs(got - want) <= 1e-12, "weighted guard share of %s: %r, expected %r" % (m, got, want))
        sw = subprocess.run([a.minrisk, "summary", wf], capture_output=True, text=True, check=True).stdout
        check("Weights    importance-sampled (/importance): the statistics are weighted; effective sample\n"
              "           size %.0f of 1200 trials" % ess in sw, "summary names the weights and the ESS")
        check("Importance-sampled run: the tail and its shares are weighted" in sw,
              "summary says the attribution is weighted")
        # a weighted probability sum w 1{A} / N is unbiased but can pass 100%
        # (the binomial scenario with supplier/*=1.2 shows "103.1%"): said
        check("Weighted: a probability is the unbiased sum w 1{event} / N, which sampling error can carry "
              "past 100%." in sw.replace("\n", " "), "summary: the weighted probabilities explained")
        sp = subprocess.run([a.minrisk, "summary", pf], capture_output=True, text=True, check=True).stdout
        check("Weights" not in sp and "Importance-sampled" not in sp and "Weighted:" not in sp,
              "plain summary: no weights line")
        # a tilt so strong that every likelihood ratio underflows (event/*=1000
        # on demo: about 3000 occurrences a trial where 3 are expected, a
        # weight near e^-17000): /importance/ess is NaN, and the summary and
        # the report say that every weighted figure is meaningless (the
        # summary printed "effective sample size -nan" and a mean of 0)
        vf = os.path.join(tmp, "void.h5")
        subprocess.run([a.minrisk, "run", demo, "-o", vf, "--trials", "64", "--quiet",
                        "--importance", "event/*=1000"], check=True)
        with h5py.File(vf) as f:
            check(math.isnan(f["importance/ess"][()]) and not f["trials/weight"][()].any(),
                  "event/*=1000: every weight 0, ESS NaN (the case under test)")
        sv = subprocess.run([a.minrisk, "summary", vf], capture_output=True, text=True, check=True).stdout
        check("Weights    importance-sampled (/importance), but the weights sum to 0 or to no finite "
              "number:\n           every likelihood ratio under- or overflowed, so EVERY WEIGHTED FIGURE "
              "BELOW IS MEANINGLESS;" in sv and "nan" not in sv.split("Horizon")[0],
              "summary of void weights: said, no -nan")
        vdir = os.path.join(tmp, "void-report")
        subprocess.run([a.minrisk, "report", vf, "-o", vdir, "--quiet"], check=True)
        with open(os.path.join(vdir, "report.html")) as h:
            check("the weights sum to 0 or to no finite number" in h.read(), "report of void weights: said")
        with open(os.path.join(tmp, "w-report", "report.html")) as h:
            check("weights sum to 0" not in h.read(), "report of good weights: no such line")
        check("weights sum to 0" not in sw, "summary of good weights: no such line")
    return finish("report_weighted")


if __name__ == "__main__":
    sys.exit(main())
