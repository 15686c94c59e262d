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
import os
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
        sw = subprocess.run([a.minrisk, "summary", wf], capture_output=True, text=True, check=True).stdout
        check("Weights    importance-sampled (/importance): the statistics are weighted; effective sample\n"
              "           size %.0f of 1200 trials" % ess in sw, "summary names the weights and the ESS")
        check("Importance-sampled run: the tail and its shares are weighted" in sw,
              "summary says the attribution is weighted")
        sp = subprocess.run([a.minrisk, "summary", pf], capture_output=True, text=True, check=True).stdout
        check("Weights" not in sp and "Importance-sampled" not in sp, "plain summary: no weights line")
    return finish("report_weighted")


if __name__ == "__main__":
    sys.exit(main())
