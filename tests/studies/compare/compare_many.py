"""Checks of a comparison of three or more scenarios, for compare_many.sh.

  compare_many.py file ABC.h5 AB.h5 AC.h5
      /difference of `compare A B C` (crn_base, crn_doubled, crn_stockpile):
      its coordinates; each pair bit for bit the two-scenario comparison's
      (estimate, ci_lo, ci_hi, variance_reduction, a and b as `value`);
      estimate = value[x] - value[a] exactly; each run's mean (summed in
      trial order) and VaR 95 of the total from /runs/<r>/trials; the mean
      change's interval and the VRF against numpy; the policy costs and the
      loss avoided per pound worked out from them; xarray and minrisk.open.
  compare_many.py report ABC.h5 report.html
      the report's side-by-side tables against the file.
  compare_many.py four FILE.h5
      `compare A B C A --bootstrap 0`: runs a .. d; d against a is 0.
"""
import html.parser
import math
import os
import re
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "python"))

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from checks import check, finish, strs  # noqa: E402 (tests/python/checks.py)


def same(x, y):
    """Equal bit for bit, NaN equal to NaN."""
    x, y = np.asarray(x), np.asarray(y)
    return x.shape == y.shape and np.array_equal(x, y, equal_nan=True)


def check_file(abc, ab, ac):
    with h5py.File(abc, "r") as f, h5py.File(ab, "r") as fb, h5py.File(ac, "r") as fc:
        check(f.attrs["kind"] == "compare" and int(f.attrs["runs"]) == 3, "root: kind compare, runs 3")
        check(list(f.attrs["format_version"]) == [1, 9], "format_version %s" % list(f.attrs["format_version"]))
        check(sorted(f["runs"]) == ["a", "b", "c"], "runs %s" % sorted(f["runs"]))
        d = f["difference"]
        check(strs(d["run"]) == ["a", "b", "c"], "run %s" % strs(d["run"]))
        check(strs(d["versus"]) == ["b", "c"], "versus %s" % strs(d["versus"]))
        check(strs(d["run_group"]) == ["runs/a", "runs/b", "runs/c"], "run_group")
        check(strs(d["scenario_name"]) == ["crn base", "crn doubled", "crn with a stockpile of x"],
              "scenario_name %s" % strs(d["scenario_name"]))
        series, stats = strs(d["series"]), strs(d["statistic"])
        check(series == ["s1", "s2", "total"], "series %s" % series)
        check(stats == ["mean", "var95", "var99", "es99", "annual_1in100"], "statistic %s" % stats)
        P, K = len(series), len(stats)
        check(d["estimate"].shape == (2, P, K) and d["value"].shape == (3, P, K) and
              d["variance_reduction"].shape == (2, P), "shapes")
        val = d["value"][()]
        for v, pair in ((0, fb), (1, fc)):
            p = pair["difference"]
            for name in ("estimate", "ci_lo", "ci_hi", "variance_reduction"):
                check(same(d[name][v], p[name][()]), "versus %s: %s is not the two-scenario file's"
                      % ("bc"[v], name))
            check(same(val[0], p["a"][()]), "value of a is not the pair's a")
            check(same(val[v + 1], p["b"][()]), "value of %s is not the pair's b" % "bc"[v])
            check(same(d["estimate"][v], val[v + 1] - val[0]), "estimate is not value[x] - value[a]")
            # each two-scenario file's runs are the three-scenario file's
            for g in ("summary/total_loss_mean", "trials/total_loss"):
                check(same(pair["runs/b/" + g][()], f["runs/%s/%s" % ("bc"[v], g)][()]),
                      "runs/%s/%s differs from the pair's runs/b" % ("bc"[v], g))
        # the statistics of each run against its trials
        tot = {r: f["runs/%s/trials/total_loss" % r][()] for r in "abc"}
        N = tot["a"].size
        check(N == 1500, "N = %d" % N)
        it = series.index("total")
        for w, r in enumerate("abc"):
            s = 0.0
            for x in tot[r]:  # in trial order, as the paired statistics sum
                s += float(x)
            check(val[w, it, 0] == s / N, "run %s: mean %r, trial-order sum / N %r" % (r, val[w, it, 0], s / N))
            k = math.ceil(N * 0.95 - 1e-12)
            check(val[w, it, 1] == np.sort(tot[r])[k - 1], "run %s: VaR 95 is not X_(ceil(0.95 N))" % r)
        for v, r in enumerate("bc"):
            diff = tot[r] - tot["a"]
            half = 1.959963984540054 * np.std(diff, ddof=1) / math.sqrt(N)
            est = d["estimate"][v, it, 0]
            check(abs(d["ci_lo"][v, it, 0] - (est - half)) <= 1e-9 * abs(half) and
                  abs(d["ci_hi"][v, it, 0] - (est + half)) <= 1e-9 * abs(half),
                  "%s - a: the mean's interval is not est -+ z sd/sqrt(N)" % r)
            vrf = (np.var(tot["a"], ddof=1) + np.var(tot[r], ddof=1)) / np.var(diff, ddof=1)
            check(abs(d["variance_reduction"][v, it] / vrf - 1) < 1e-9,
                  "%s - a: VRF %r, numpy %r" % (r, d["variance_reduction"][v, it], vrf))
            # s2 uses mineral y only, which no scenario changes: no change at all
            i2 = series.index("s2")
            check(np.all(d["estimate"][v, i2] == 0) and np.isinf(d["variance_reduction"][v, i2]),
                  "%s - a: s2 changed" % r)
        # costs: A and B state none, C its stockpile (7.5e5 over the horizon, crn_stockpile.yaml)
        check(same(d["policy_cost"][()], [0.0, 0.0, 7.5e5]), "policy_cost %s" % d["policy_cost"][()])
        check(same(d["policy_cost_difference"][()], [0.0, 7.5e5]), "policy_cost_difference")
        check(strs(d["uncosted_levers"]) == ["", "", ""], "uncosted_levers %s" % strs(d["uncosted_levers"]))
        pp = d["loss_avoided_per_pound"][()]
        check(pp.shape == (2, 3) and np.all(np.isnan(pp[0])), "B costs the same as A: per pound NaN")
        m = d["estimate"][1, it, 0]
        check(pp[1, 0] == (0.0 - m) / 7.5e5 and pp[1, 1] == (0.0 - d["ci_hi"][1, it, 0]) / 7.5e5 and
              pp[1, 2] == (0.0 - d["ci_lo"][1, it, 0]) / 7.5e5, "C: per pound %s" % pp[1])
    # xarray opens it with labelled dimensions
    try:
        import xarray as xr
    except ImportError:
        print("xarray not installed: its checks skipped")
        return
    x = xr.open_dataset(abc, engine="h5netcdf", group="difference")
    check(x.estimate.dims == ("versus", "series", "statistic") and x.value.dims == ("run", "series", "statistic"),
          "xarray dims %s %s" % (x.estimate.dims, x.value.dims))
    with h5py.File(abc, "r") as f:
        check(float(x.estimate.sel(versus="c", series="total", statistic="es99")) ==
              f["difference/estimate"][1, 2, 3], "xarray sel versus=c")
    import minrisk
    c = minrisk.open(abc)
    check(list(c.runs) == ["a", "b", "c"], "minrisk.open: runs %s" % list(c.runs))
    check(c.changes() is c.difference, "changes() of a three-run file is its difference")
    two = minrisk.open(ab).changes()
    check(list(two.versus.values) == ["b"] and same(two.estimate.sel(versus="b").values,
                                                   c.difference.estimate.sel(versus="b").values),
          "changes() of the two-run file: versus b, the estimate of the three-run file's b")
    check(same(two.value.sel(run="a").values, c.difference.value.sel(run="a").values), "changes(): value of a")


class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.tables, self.figures = {}, [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "id" in a:
            self.cells[a["id"]] = a
        if tag == "table" and "id" in a:
            self.tables.append(a["id"])
        if tag == "figure" and "id" in a:
            self.figures.append(a["id"])


def check_report(abc, page):
    p = Cells()
    with open(page, encoding="utf-8") as fh:
        text = fh.read()
        p.feed(text)
    # no format string left unformatted: the difference figure's caption of
    # three or more runs said "its stored 95%% interval"
    check("%%" not in text, "report: a literal %%%% on the page: %s" % text[max(0, text.find("%%") - 60):
                                                                         text.find("%%") + 20])
    for t in ("headline-compare", "minerals-compare", "difference-table-b", "difference-table-c"):
        check(t in p.tables, "report: no table %s (%s)" % (t, p.tables))
    # s2 changes in no trial: its variance reduction is inf, as compare
    # prints it (until 2026-12-07 the report said n/a), in both tables
    rows = re.findall(r'<tr><td class="l">[^<]*</td>(<td id="difference-table-[bc]-s2-mean"'
                      r'(?:(?!</tr>).)*)</tr>', text)
    check(len(rows) == 2 and all(r.endswith("<td>inf</td>") for r in rows),
          "report: the variance reduction of s2 is not inf: %s" % rows)
    check(p.figures == ["fig-compare-exceedance", "fig-compare-exceedance-horizon", "fig-compare-difference",
                        "fig-compare-shortage"], "report: figures %s" % p.figures)
    with h5py.File(abc, "r") as f:
        d = f["difference"]
        series, stats = strs(d["series"]), strs(d["statistic"])
        for v, r in enumerate("bc"):
            for i, s in enumerate(series):
                for k, st in enumerate(stats):
                    c = p.cells.get("difference-table-%s-%s-%s" % (r, s, st))
                    check(c is not None and float(c["data-gbp"]) == d["estimate"][v, i, k],
                          "report: %s - a %s/%s is %s, the file %r" % (r, s, st, c and c.get("data-gbp"),
                                                                       d["estimate"][v, i, k]))
        for r in "abc":
            s = f["runs/%s/summary" % r]
            for key, want in (("mean", s["total_loss_mean"][()]), ("var95", s["total_loss_quantile"][2]),
                              ("es99", s["total_loss_es"][1]), ("aal", s["aal"][()])):
                c = p.cells.get("headline-compare-total-%s-%s" % (key, r))
                check(c is not None and float(c["data-gbp"]) == float(np.ravel(want)[0]),
                      "report: headline %s of %s is %s, the file %r" % (key, r, c and c.get("data-gbp"), want))
            minerals = strs(f["runs/%s/mineral" % r])
            att = f["runs/%s/attribution" % r]
            src, ser = strs(att["source"]), strs(att["series"])
            for j, m in enumerate(minerals):
                c = p.cells.get("minerals-compare-%s-%s-short" % (m, r))
                check(c is not None and float(c["data-fraction"]) == s["mineral_shortage_prob"][j],
                      "report: P(short) of %s in %s" % (m, r))
                c = p.cells.get("minerals-compare-%s-%s-tail" % (m, r))
                want = att["tail_co_es"][ser.index("total"), src.index("mineral/" + m)]
                check(c is not None and float(c["data-gbp"]) == want,
                      "report: tail loss of %s in %s is %s, the file %r" % (m, r, c and c.get("data-gbp"), want))


def check_four(path):
    with h5py.File(path, "r") as f:
        d = f["difference"]
        check(strs(d["run"]) == ["a", "b", "c", "d"] and strs(d["versus"]) == ["b", "c", "d"],
              "four: run %s, versus %s" % (strs(d["run"]), strs(d["versus"])))
        check(int(d["bootstrap_resamples"][()]) == 0, "four: bootstrap_resamples 0")
        est, lo = d["estimate"][()], d["ci_lo"][()]
        check(np.all(est[2] == 0), "four: d (A again) minus a is not 0")
        check(np.all(np.isnan(lo[:, :, 1:])), "four: --bootstrap 0 leaves the tail intervals NaN")
        check(np.all(np.isfinite(lo[:, :, 0])), "four: the mean's interval is there without a bootstrap")
        check(same(f["runs/d/trials/total_loss"][()], f["runs/a/trials/total_loss"][()]), "four: d is a")


def main():
    mode = sys.argv[1]
    if mode == "file":
        check_file(*sys.argv[2:5])
    elif mode == "report":
        check_report(*sys.argv[2:4])
    elif mode == "four":
        check_four(sys.argv[2])
    return finish("compare_many")


if __name__ == "__main__":
    sys.exit(main())
