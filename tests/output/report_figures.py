#!/usr/bin/python3
"""report_figures.py - `minrisk report` (out/report.py, sim/cmd/report.c) of
a run file.

usage: report_figures.py --minrisk BIN --src SOURCE_ROOT [--keep DIR]

A demo run (1000 trials) reported: every figure in the page as a PNG data
URI equal to its PNG file, every PNG and SVG file present, non-empty and
well formed; the headline numbers equal the file's /summary (read here
with h5py); the bootstrap errors of ES 99 and of the 1-in-100 annual loss
agree with a plain bootstrap written here; the estimators of report.py
against hand-worked values; the same file gives byte-identical reports.
Model v2 (format 1.3): the headline on value added (value added lost, extra
input cost, the headline: mean, SE, VaR with its order-statistic interval,
ES) against numpy computations from /trials, the per-sector table against
/summary, the market table against means and counts of /trials; the same
file cut down to format 1.2 has none of them, one cut to output.trials:
totals no market table. A uk-2035-stockpile run: "no stockpile" where the
file holds NaN, the others counted from /trials; the Run row with the
analysis time. The driver and the helpers it shares: report_common.py.
"""
import glob
import html.parser
import math
import os
import re
import shutil
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, k_rank, run, stockpiled_minerals  # noqa: E402 (tests/python/checks.py)
from report_common import (  # noqa: E402
    check_figures, demo_run, load_report_module, main, meta_row, parse_page, report, run_figures, wilson95)


# ---- independent computations ------------------------------------------------------

def es_sorted(x, p):
    """ES_p from an ascending sort, written out from the definition."""
    n = len(x)
    np_ = n * p
    if abs(np_ - round(np_)) <= 1e-12 * max(1.0, np_):
        np_ = round(np_)
    k = k_rank(n, p)
    return ((k - np_) * x[k - 1] + x[k:].sum()) / (n - np_)


def plain_bootstrap_ci(stat, n_trials, reps, seed):
    """95% percentile interval of stat(indices) over plain bootstrap
    resamples of the trials (numpy's generator, not the run's)."""
    rng = np.random.default_rng(seed)
    vals = np.sort([stat(rng.integers(0, n_trials, n_trials)) for _ in range(reps)])
    return float(vals[k_rank(reps, 0.025) - 1]), float(vals[k_rank(reps, 0.975) - 1])


def check_estimators(args):
    """report.py's estimators against values worked out by hand."""
    rp = load_report_module(args)
    ones = lambda n: np.ones(n)
    # the few-tail-trials caveat (summary's rule: under 50, 0 not known)
    check(rp.few_tail_caveat(np.array([50, 50])) == "" and rp.few_tail_caveat(None) == "" and
          rp.few_tail_caveat(np.array([0, 0])) == "", "few_tail_caveat: 50, None or 0 give a caveat")
    check(rp.few_tail_caveat(np.array([49, 60, 1])).startswith(
          "Caveat: only 1 to 49 tail trials (under 50) in 2 of the series:"),
          "few_tail_caveat([49, 60, 1]): %r" % rp.few_tail_caveat(np.array([49, 60, 1])))

    def ms(x):
        v = np.sort(np.asarray(x, float))[::-1]
        c = ones(v.size)
        return v, c, np.cumsum(c)

    v, c, cu = ms(np.arange(1, 101))
    check(rp.rank(100, 0.95) == 95, "rank(100, 0.95) = %d, expected 95" % rp.rank(100, 0.95))
    check(rp.rank(100, 0.07) == 7, "rank(100, 0.07) = %d, expected 7 (100*0.07 snaps)" % rp.rank(100, 0.07))
    check(rp.ms_es(v, c, cu, 100, 0.95) == 98.0, "ES95 of 1..100 = %r, expected 98" % rp.ms_es(v, c, cu, 100, 0.95))
    v, c, cu = ms(np.arange(1, 11))
    check(abs(rp.ms_es(v, c, cu, 10, 0.75) - 9.2) < 1e-12,
          "ES75 of 1..10 = %r, expected (0.5*8 + 9 + 10)/2.5 = 9.2" % rp.ms_es(v, c, cu, 10, 0.75))
    v, c, cu = ms(np.arange(1, 1001))
    check(rp.ms_kth_largest(v, cu, 1000 - rp.rank(1000, 0.9) + 1) == 900.0,
          "Q(0.9) of 1..1000 (the 1-in-10 annual loss) is not 900")
    # A multiset with repeats: {5 x3, 2 x1, 1 x2}: the two largest sum to 10, the 4th largest is 2.
    v, c = np.array([5.0, 2.0, 1.0]), np.array([3.0, 1.0, 2.0])
    cu = np.cumsum(c)
    check(rp.ms_top_sum(v, c, cu, 2) == 10.0 and rp.ms_kth_largest(v, cu, 4) == 2.0,
          "multiset top sum / k-th largest wrong")
    # Wilson interval of 0.5 of 100: 0.5 -+ 1.96 sqrt(0.25/100 + 1.96^2/40000) / (1 + 1.96^2/100).
    lo, hi = rp.wilson(0.5, 100)
    z = 1.959963984540054
    half = z * np.sqrt(0.0025 + z * z / 40000) / (1 + z * z / 100)
    check(abs(lo - (0.5 - half)) < 1e-12 and abs(hi - (0.5 + half)) < 1e-12, "Wilson interval wrong")

    # Policy costs in GBP m with the digits of the command line's tables
    # (out/tables/policy_cost.c mr_policy_cost_fmt): one decimal from GBP 1 m
    # and for 0, three below, an exponent below GBP 1,000; thousands
    # separated as everywhere on the page.
    fmt_cost = getattr(rp, "policy_cost_text", None)
    for gbp, want in ((45000.0, "0.045"), (0.0, "0.0"), (2.5e6, "2.5"), (-45000.0, "-0.045"),
                      (1234.5e6, "1,234.5"), (500.0, "5.0e-04"), (1e6, "1.0"), (np.nan, "n/a")):
        got = fmt_cost(gbp) if fmt_cost else None
        check(got == want, "policy_cost_text(%r) = %r, expected %r" % (gbp, got, want))

    # Every error bar is read from the file: the report resamples nothing.
    pkg = os.path.join(args.src, "out", "report")
    files = [os.path.join(args.src, "out", "report.py")] + [os.path.join(pkg, n) for n in sorted(os.listdir(pkg))
                                                           if n.endswith(".py")]
    check(len(files) >= 8, "out/report/ holds %d modules, expected 7 and __init__.py" % (len(files) - 1))
    for path in files:
        with open(path, encoding="utf-8") as f:
            src = f.read()
        for needle in ("multinomial", "Philox", "default_rng", "np.random", "resample(", "TailResampler"):
            check(needle not in src, "%s still resamples (%r)" % (os.path.relpath(path, args.src), needle))
    check(display_name_cases(rp), "display_names: a given name not kept or an id not prettified")
    attr_name = rp.pretty_id("ree_light")
    check(attr_name == "Ree light", "pretty_id('ree_light') = %r, expected 'Ree light'" % attr_name)
    check(rp.pretty_id("CN") == "CN" and rp.pretty_id("cn-ree-licensing") == "Cn ree licensing",
          "pretty_id of a country code or an event id wrong")


def display_name_cases(rp):
    """display_names: a name given is kept, the loader's default (the id) prettified."""
    got = rp.display_names(["ree_light", "lithium", "clean_energy"], ["Light rare earths", "lithium", "clean_energy"])
    return got == ["Light rare earths", "Lithium", "Clean energy"]


def check_headline(page, h5path, what="run"):
    """The headline cells against /summary; the bootstrap intervals of ES 99
    and the 1-in-100 annual loss are the file's, and near a plain bootstrap."""
    with h5py.File(h5path, "r") as f:
        s = f["summary"]
        sectors = [x for x in f["sector"].asstr()[()]]
        iq = {p: int(np.argmin(abs(s["quantile"][()] - p))) for p in (0.95, 0.99)}
        ies = int(np.argmin(abs(s["es_level"][()] - 0.99)))
        irp = int(np.argmin(abs(s["return_period"][()] - 100)))
        want = {}
        for j, sid in enumerate(sectors):
            want[sid] = {"mean": (s["sector_loss_mean"][j], s["sector_loss_se"][j]),
                         "var95": (s["sector_loss_quantile"][j, iq[0.95]], None),
                         "var99": (s["sector_loss_quantile"][j, iq[0.99]], None),
                         "es99": (s["sector_loss_es"][j, ies], "boot"),
                         "aal": (s["sector_aal"][j], s["sector_aal_se"][j]),
                         "rp100": (s["sector_return_period_loss"][j, irp], "boot")}
        want["total"] = {"mean": (s["total_loss_mean"][()], s["total_loss_se"][()]),
                         "var95": (s["total_loss_quantile"][iq[0.95]], None),
                         "var99": (s["total_loss_quantile"][iq[0.99]], None),
                         "es99": (s["total_loss_es"][ies], "boot"),
                         "aal": (s["aal"][()], s["aal_se"][()]),
                         "rp100": (s["return_period_loss"][irp], "boot")}
        t = f["trials"]
        total = t["total_loss"][()]
        annual = t["annual_loss"][()]
        # the sector's headline loss: value added lost (format 1.3 on) or
        # output lost (before), plus extra cost, as /summary/sector_loss
        base = "sector_gva_loss" if "loss_basis" in f.attrs else "sector_output_loss"
        sector_loss = t[base][()] + t["sector_extra_cost"][()]
        stored = {}
        for j, sid in enumerate(sectors):
            stored[(sid, "es99")] = (s["sector_loss_es99_ci_low"][j], s["sector_loss_es99_ci_high"][j])
            stored[(sid, "rp100")] = (s["sector_return_period_loss_1in100_ci_low"][j],
                                      s["sector_return_period_loss_1in100_ci_high"][j])
        stored[("total", "es99")] = (s["total_loss_es99_ci_low"][()], s["total_loss_es99_ci_high"][()])
        stored[("total", "rp100")] = (s["return_period_loss_1in100_ci_low"][()],
                                      s["return_period_loss_1in100_ci_high"][()])
        lt = f.get("loss_tables")
        if lt is not None:  # run --events: the same resamples as /loss_tables' AEP intervals
            ser = list(lt["series"].asstr()[()])
            r100 = int(np.argmin(abs(lt["return_period"][()] - 100)))
            for sid in sectors + ["total"]:
                k = ser.index(sid)
                got = stored[(sid, "rp100")]
                check(got[0] == lt["aep_lo"][k, r100] and got[1] == lt["aep_hi"][k, r100],
                      "%s: /summary 1-in-100 interval of %s %r is not /loss_tables aep_lo/hi %r"
                      % (what, sid, got, (lt["aep_lo"][k, r100], lt["aep_hi"][k, r100])))
    for sid, stats in want.items():
        for stat, (value, se) in stats.items():
            cid = "headline-%s-%s" % (sid, stat)
            c = page.cells.get(cid)
            if not check(c is not None, "%s: no headline cell %s" % (what, cid)):
                continue
            check(float(c["data-gbp"]) == float(value),
                  "%s: %s = %s, the file has %r" % (what, cid, c["data-gbp"], float(value)))
            if se is not None and se != "boot":
                check(float(c.get("data-se", "nan")) == float(se),
                      "%s: SE of %s = %s, the file has %r" % (what, cid, c.get("data-se"), float(se)))
    # The bootstrap intervals: the page's are the file's, bit for bit ...
    for (sid, stat), (lo, hi) in stored.items():
        c = page.cells.get("headline-%s-%s" % (sid, stat), {})
        check(np.isfinite(lo) and np.isfinite(hi) and lo <= hi, "%s: stored interval of %s/%s is %r"
              % (what, sid, stat, (lo, hi)))
        check(float(c.get("data-ci-low", "nan")) == float(lo) and float(c.get("data-ci-high", "nan")) == float(hi),
              "%s: interval of %s/%s on the page %r, the file has %r"
              % (what, sid, stat, (c.get("data-ci-low"), c.get("data-ci-high")), (lo, hi)))
    # ... and what the run stored is a bootstrap interval: near a plain one
    # (numpy's resamples, 400 of them; ends within 30% of its width).
    N = total.size
    k = k_rank(annual.size, 0.99)
    for key, stat in ((("total", "es99"), lambda idx: es_sorted(np.sort(total[idx]), 0.99)),
                      ((sectors[0], "es99"), lambda idx: es_sorted(np.sort(sector_loss[idx, 0]), 0.99)),
                      (("total", "rp100"), lambda idx: np.partition(annual[idx].ravel(), k - 1)[k - 1])):
        lo, hi = plain_bootstrap_ci(stat, N, 400, 11)
        got = stored[key]
        tol = 0.3 * (hi - lo)
        check(abs(got[0] - lo) <= tol and abs(got[1] - hi) <= tol,
              "%s: stored interval of %s %r, a plain bootstrap gives %r" % (what, key, got, (lo, hi)))


def check_figure_data(args, h5path):
    """What the figures draw, against the file: the three attribution
    breakdowns (labels the file's source_name, bar widths its tail_share, in
    %, adding up to 100 in every panel), the inoperability chart (lines the
    stored bands given a disruption and the 99% quantile), the price fans'
    99% line."""
    rp = load_report_module(args)
    import matplotlib.pyplot as plt
    with h5py.File(h5path, "r") as f:
        run = rp.Run(f, f, "run")
        att = rp.read_attribution(f)
        rp.name_attribution(att, run)
        a = f["attribution"]
        src = list(a["source"].asstr()[()])
        kinds = list(a["source_kind"].asstr()[()])
        names = list(a["source_name"].asstr()[()])
        share = a["tail_share"][()]
        series = list(a["series"].asstr()[()])
        for kind in ("mineral", "country", "event"):
            if kind not in kinds:
                continue
            fig = rp.fig_breakdown(att, kind)
            axes = [ax for ax in fig.axes if ax.get_visible()]
            check(len(axes) == len(series), "attribution-%s: %d panels for %d series" % (kind, len(axes), len(series)))
            order = [len(series) - 1] + list(range(len(series) - 1))  # the total first
            for ax, si in zip(axes, order):
                widths = [p.get_width() for p in ax.patches]
                labels = [t.get_text() for t in ax.get_yticklabels()]
                check(abs(sum(widths) - 100.0) < 1e-9, "attribution-%s, %s: bars add up to %r%%, not 100%%"
                      % (kind, series[si], sum(widths)))
                idx = sorted((i for i, k in enumerate(kinds) if k == kind), key=lambda i: (-share[si, i], src[i]))
                want = [rp.short(names[i], rp.ATTR_LABEL) for i in idx[:rp.ATTR_BARS]]
                check(labels[:len(want)] == want, "attribution-%s, %s: labels %r, the file's names %r"
                      % (kind, series[si], labels[:len(want)], want))
                check(all(abs(w - 100 * share[si, i]) < 1e-9 for w, i in zip(widths, idx[:rp.ATTR_BARS])),
                      "attribution-%s, %s: bar widths are not the file's tail shares" % (kind, series[si]))
                check(not any(l.startswith(kind + "/") for l in labels), "attribution-%s: raw ids %r" % (kind, labels))
            plt.close(fig)
        s = f["summary"]
        hit = s["inoperability_disrupted_prob"][()]
        band = s["inoperability_disrupted_band"][()]
        tail = s["inoperability_tail_band"][()]
        check(np.all((hit >= 0) & (hit <= 1)), "inoperability_disrupted_prob outside [0, 1]")
        # the disrupted bands lie in [0.01 (to half a bin), 1] and are NaN exactly where no trial is disrupted
        check(np.array_equal(np.isnan(band[:, :, 1]), hit == 0), "disrupted band NaN where a trial is disrupted")
        ok = band[np.isfinite(band)]
        check(ok.size == 0 or (ok.min() >= 0.0095 and ok.max() <= 1.0), "disrupted band outside [0.01, 1]")
        # the inoperability peak of /trials: a sector disrupted at some step in some trial has a peak >= 0.0095
        peak = f["trials/sector_inoperability_peak"][()]
        check(np.array_equal(np.any(hit > 0, axis=0), np.any(peak >= 0.0095, axis=0)),
              "disrupted somewhere per sector %r, /trials peaks say %r"
              % (np.any(hit > 0, axis=0), np.any(peak >= 0.0095, axis=0)))
        if np.any(hit > 0):
            fig = rp.fig_inoperability(run)
            ax = fig.axes[int(np.argmax(np.any(hit > 0, axis=0)))]
            j = int(np.argmax(np.any(hit > 0, axis=0)))
            ys = {l.get_label(): l.get_ydata() for l in ax.get_lines()}
            med = ys.get("given a disruption: median")
            check(med is not None and np.array_equal(np.asarray(med), band[:, j, 1], equal_nan=True),
                  "fan-inoperability: the median line is not /summary/inoperability_disrupted_band")
            check(np.array_equal(np.asarray(ys.get("all trials: 99%")), tail[:, j, 1]),
                  "fan-inoperability: the 99% line is not /summary/inoperability_tail_band")
            plt.close(fig)


def order_ranks(n, p, a=0.025):
    """The ranks (l, u) of the distribution-free 95% interval of Q(p)
    (docs/OUTPUT.md "Estimators"), the binomial terms from math.lgamma;
    None where no rank qualifies."""
    def pmf(k):
        return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                        + k * math.log(p) + (n - k) * math.log(1 - p))
    terms = [pmf(k) for k in range(n + 1)]
    cdf, acc = [], 0.0
    for t in terms:
        acc += t
        cdf.append(acc)
    low = max((r for r in range(1, n + 1) if cdf[r - 1] <= a), default=None)
    up = min((r for r in range(1, n + 1) if math.fsum(terms[r:]) <= a), default=None)
    return low, up


def near(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(abs(a), abs(b))


def check_value_added(args, page, text, h5path):
    """Format 1.3: the headline on value added, per sector and the market
    table, each against an independent computation from the file."""
    rp = load_report_module(args)
    with h5py.File(h5path, "r") as f:
        t, s = f["trials"], f["summary"]
        gva, tot = t["total_gva_loss"][()], t["total_loss"][()]
        minerals = list(f["mineral"].asstr()[()])
        sectors = list(f["sector"].asstr()[()])
        basis = f.attrs["loss_basis"]
        summ = {k: s[k][()] for k in s if k.startswith(("sector_gva_loss", "sector_extra_cost",
                                                         "sector_loss", "sector_output_loss", "total_loss",
                                                         "total_gva_loss", "total_extra_cost"))}
        qlev, elev = s["quantile"][()], s["es_level"][()]
        market = {k: t[k][()] for k in t if k.startswith("mineral_")}
    N = gva.size
    check("Loss basis of this file: <b>%s</b>" % basis in text, "value added: the basis is not stated")
    # report.py's interval of a quantile is the file's own (GSL) for the total
    xs = np.sort(tot)
    for i, p in enumerate(qlev):
        got = rp.quantile_ci(xs, p)
        want = (summ["total_loss_quantile_ci_low"][i], summ["total_loss_quantile_ci_high"][i])
        check(all((math.isnan(g) and math.isnan(w)) or g == w for g, w in zip(got, want)),
              "quantile_ci(total_loss, %g) = %r, /summary has %r" % (p, got, want))
    # the parts: value added lost and extra cost per trial
    for sid, x in (("total_gva_loss", gva), ("total_extra_cost", tot - gva)):
        xs = np.sort(x)
        c = page.cells.get("gva-headline-%s-mean" % sid)
        if not check(c is not None, "value added: no cell %s" % sid):
            continue
        mean = math.fsum(x) / N
        sd = math.sqrt(math.fsum((v - mean) ** 2 for v in x) / (N - 1))
        check(near(float(c["data-gbp"]), mean) and near(float(c["data-se"]), sd / math.sqrt(N), 1e-9),
              "value added: %s mean %s +- %s, numpy gives %r +- %r"
              % (sid, c["data-gbp"], c.get("data-se"), mean, sd / math.sqrt(N)))
        for stat, p in (("var95", 0.95), ("var99", 0.99)):
            c = page.cells["gva-headline-%s-%s" % (sid, stat)]
            lo, up = order_ranks(N, p)
            want = (xs[k_rank(N, p) - 1], xs[lo - 1] if lo else math.nan, xs[up - 1] if up else math.nan)
            got = (float(c["data-gbp"]), float(c["data-ci-low"]), float(c["data-ci-high"]))
            check(all((math.isnan(g) and math.isnan(w)) or g == w for g, w in zip(got, want)),
                  "value added: %s %s and its interval %r, from the sorted trials %r" % (sid, stat, got, want))
        c = page.cells["gva-headline-%s-es99" % sid]
        ci = (float(summ["%s_es99_ci_low" % sid]), float(summ["%s_es99_ci_high" % sid]))
        check(near(float(c["data-gbp"]), es_sorted(xs, 0.99), 1e-12)
              and (float(c.get("data-ci-low", "nan")), float(c.get("data-ci-high", "nan"))) == ci,
              "value added: %s ES 99 %s [%s, %s], from the sorted trials %r, the file's interval %r"
              % (sid, c["data-gbp"], c.get("data-ci-low"), c.get("data-ci-high"), es_sorted(xs, 0.99), ci))
    # the headline row is the file's total
    iq99 = int(np.argmin(abs(qlev - 0.99)))
    for stat, want in (("mean", summ["total_loss_mean"]), ("var99", summ["total_loss_quantile"][iq99]),
                       ("es99", summ["total_loss_es"][int(np.argmin(abs(elev - 0.99)))])):
        c = page.cells.get("gva-headline-total-%s" % stat)
        check(c is not None and float(c["data-gbp"]) == float(want),
              "value added: headline %s is %s, /summary has %r" % (stat, c and c["data-gbp"], float(want)))
    # per sector: /summary as stored
    for j, sid in enumerate(sectors):
        for cid, want in (("gva-mean", summ["sector_gva_loss_mean"][j]),
                          ("gva-var99", summ["sector_gva_loss_quantile"][j, iq99]),
                          ("extra-cost-mean", summ["sector_extra_cost_mean"][j]),
                          ("headline-mean", summ["sector_loss_mean"][j]),
                          ("output-mean", summ["sector_output_loss_mean"][j])):
            c = page.cells.get("gva-sectors-%s-%s" % (sid, cid))
            check(c is not None and float(c["data-gbp"]) == float(want),
                  "value added: %s %s is %s, /summary has %r" % (sid, cid, c and c["data-gbp"], float(want)))
    # the market table: means over the trials, and the share of trials on the guard
    for i, m in enumerate(minerals):
        for key in ("price_peak_market", "home_price_peak", "market_loss_peak", "stock_drawn_peak",
                    "demand_destroyed"):
            x = market["mineral_" + key][:, i]
            c = page.cells.get("market-table-%s-%s" % (m, key.replace("_", "-")))
            check(c is not None and near(float(c["data-value"]), math.fsum(x) / N),
                  "market: %s %s is %s, the mean of /trials is %r" % (m, key, c and c["data-value"],
                                                                    math.fsum(x) / N))
        share = sum(1 for v in market["mineral_guard_months"][:, i] if v > 0) / N
        c = page.cells.get("market-table-%s-guard" % m)
        check(c is not None and float(c["data-fraction"]) == share,
              "market: %s on the guard in %s of trials, /trials says %r" % (m, c and c["data-fraction"], share))
    for head in ("(x reference)", "(% of its demand)", "(months of demand)", "(%, 95% CI)"):
        check(head in html.unescape(text), "market: no unit %r in the table's head" % head)


def check_older_formats(args, tmp, h5):
    """The demo file cut down to format 1.2 (no loss_basis, no v2 datasets):
    no value-added or market section, the headline as /summary; cut down to
    output.trials: totals: the parts, no market table."""
    old = os.path.join(tmp, "format12.h5")
    shutil.copy(h5, old)
    with h5py.File(old, "r+") as f:
        del f.attrs["loss_basis"]
        f.attrs["format_version"] = np.array([1, 2], dtype=np.int32)
        for n in list(f["trials"]):
            if n in ("total_gva_loss", "sector_gva_loss", "sector_annual_loss") or (
                    n.startswith("mineral_") and n not in ("mineral_shortfall_mean", "mineral_shortfall_peak",
                                                          "mineral_shortfall_months", "mineral_price_peak",
                                                          "mineral_stockpile_empty_month")):
                del f["trials"][n]
        for n in [n for n in f["summary"] if n.startswith("sector_gva_loss")]:
            del f["summary"][n]
    out = os.path.join(tmp, "format12-report")
    r = report(args, old, out)
    if check(r.returncode == 0, "report of a format 1.2 file failed: %s" % r.stderr):
        page, text = parse_page(os.path.join(out, "report.html"))
        check(not any(x in text for x in ('id="value-added"', 'id="markets"', "gva-headline", "market-table")),
              "format 1.2: the page has a value-added or market section")
        check_headline(page, old, "format 1.2")
    tot = os.path.join(tmp, "totals.h5")
    shutil.copy(h5, tot)
    with h5py.File(tot, "r+") as f:
        for n in list(f["trials"]):
            if n.startswith(("sector_", "mineral_")):
                del f["trials"][n]
    out = os.path.join(tmp, "totals-report")
    r = report(args, tot, out)
    if check(r.returncode == 0, "report of a totals file failed: %s" % r.stderr):
        page, text = parse_page(os.path.join(out, "report.html"))
        check("gva-headline-total_gva_loss-mean" in page.cells and "market-table" not in text
              and "No per-mineral trial figures in this file" in text,
              "totals: the value-added parts without the market table expected")


def pct1(x):
    return "%.1f%%" % (100 * x)


def check_stockpile_report(args, tmp):
    """uk-2035-stockpile (a stockpile for 8 of its minerals): the minerals
    table says "no stockpile" for the others (the file holds NaN there) and
    for the 8 gives the fraction of trials whose stockpile ran empty,
    counted here from /trials, with its Wilson interval; and the Run row
    adds the analysis time when /run_info has one."""
    scen = os.path.join(args.src, "scenarios", "uk-2035-stockpile.yaml")
    h5 = os.path.join(tmp, "stockpile.h5")
    r = run([args.minrisk, "run", scen, "-o", h5, "--trials", "200", "--quiet", "--threads", "2"])
    if not check(r.returncode == 0, "minrisk run %s: %s" % (scen, r.stderr)):
        return
    with h5py.File(h5, "a") as f:
        f["run_info"].attrs["wall_seconds"] = 0.62
        f["run_info"].attrs["analysis_seconds"] = 29.9
        ids = list(f["mineral"].asstr()[()])
        ran_empty = ~np.isnan(f["trials/mineral_stockpile_empty_month"][()])
    out = os.path.join(tmp, "stockpile-report")
    r = report(args, h5, out)
    if not check(r.returncode == 0, "report of the stockpile run failed: %s" % r.stderr):
        return
    with open(os.path.join(out, "report.html"), encoding="utf-8") as f:
        text = f.read()
    have = stockpiled_minerals(scen)
    check(len(have) == 8 and have < set(ids), "uk-2035-stockpile: stockpiles %s" % sorted(have))
    for k, m in enumerate(ids):
        c = re.search(r'<td id="minerals-table-%s-stock-empty"([^>]*)><span class="v">([^<]*)</span>'
                      r'<span class="e">([^<]*)</span>' % re.escape(m), text)
        if not check(c is not None, "stockpile report: no P(stockpile empty) cell of %s" % m):
            continue
        if m not in have:
            check(c.group(2) == "no stockpile" and c.group(3) == "n/a",
                  "stockpile report: %s has no stockpile, the cell says %r / %r" % (m, c.group(2), c.group(3)))
            continue
        n = ran_empty.shape[0]
        p = int(ran_empty[:, k].sum()) / n
        lo, hi = wilson95(p, n)
        check(c.group(2) == pct1(p) and html.unescape(c.group(3)) == "%s \u2013 %s" % (pct1(lo), pct1(hi)),
              "stockpile report: %s: %r (%r), counted from /trials %s (%s - %s)"
              % (m, c.group(2), c.group(3), pct1(p), pct1(lo), pct1(hi)))
    row = meta_row(text, "Run")
    check(row is not None and "0.62 s of simulation + 29.9 s of analysis" in row,
          "stockpile report: Run row %r, expected '0.62 s of simulation + 29.9 s of analysis'" % row)


def mode_figures(args, tmp):
    check_estimators(args)
    check_stockpile_report(args, tmp)
    h5 = os.path.join(tmp, "demo.h5")
    demo_run(args, h5, events=True)
    check_figure_data(args, h5)
    out = os.path.join(tmp, "demo-report")
    t0 = time.time()
    r = report(args, h5, out)
    print("minrisk report (1000 trials): %.1f s" % (time.time() - t0))
    if not check(r.returncode == 0, "report failed (%d): %s" % (r.returncode, r.stderr)):
        return
    check(r.stdout == "" and r.stderr == "", "--quiet: printed %r %r" % (r.stdout, r.stderr))
    page, text = parse_page(os.path.join(out, "report.html"))
    check_figures(page, out, run_figures(h5), "run")
    check_headline(page, h5)
    check_value_added(args, page, text, h5)
    check_older_formats(args, tmp, h5)
    with h5py.File(h5, "r") as f:
        for needle in (f.attrs["scenario_name"], "20261126", "1,000", f.attrs["software_version"],
                       f["run_info"].attrs["date"]):
            check(str(needle) in text, "the header does not state %r" % needle)
        # summary's caveat under each series of few tail trials (under 50:
        # 10 in each of 1,000 trials), in the report too (until 2026-12-08
        # the page showed the intervals without it)
        tt = f["attribution/tail_trials"][()]
        want = "Caveat: only %d tail trials (under 50) in every series" % tt[0]
        check(bool(np.all(tt == tt[0])) and tt[0] == 10 and want in text,
              "no %r in the page (tail_trials %s)" % (want, tt))
        ind = f["indicators"]
        n_above = int(np.sum(ind["above_cap"][()] != 0))
        flagged = len(re.findall(r'<td class="l flag">ABOVE CAP</td>', text))
        check(flagged == n_above, "%d stages flagged ABOVE CAP in the page, the file has %d" % (flagged, n_above))
        if "uk" in ind:  # format 1.4: UK sourcing beside the world, the first table
            uk = ind["uk"]
            check(page.tables[:1] == ["uk-sourcing"],
                  "the first table is %s, not uk-sourcing" % page.tables[:1])
            world = {(m, st): k for k, (m, st) in enumerate(
                zip(ind["mineral_id"].asstr()[()], ind["stage"].asstr()[()]))}
            want = sum(int(uk["above_cap"][k] != 0) + int(ind["above_cap"][world[(m, st)]] != 0)
                       for k, (m, st) in enumerate(zip(uk["mineral"].asstr()[()],
                                                       uk["stage"].asstr()[()])))
            got = len(re.findall(r'<td class="l flag side">ABOVE CAP</td>', text))
            check(got == want, "%d UK sourcing/world flags in the page, the file has %d" % (got, want))
            n_fallback = int(np.sum(uk["basis"].asstr()[()] == "fallback"))
            check(len(re.findall(r"open-market fallback \(no UK import data\)", text)) == n_fallback,
                  "the UK sourcing table does not flag the %d fallback rows" % n_fallback)
    check("<script" not in text and "http://" not in text and "https://" not in text,
          "the page has a script or a network address")
    # Same file, same report, byte for byte; written over the first one
    # (an earlier report in the directory is replaced).
    first = {}
    for name in os.listdir(out):
        with open(os.path.join(out, name), "rb") as f:
            first[name] = f.read()
    r = report(args, h5, out)
    if check(r.returncode == 0, "a report over an earlier one failed: %s" % r.stderr):
        check(sorted(os.listdir(out)) == sorted(first), "the second report has other files")
        for name, data in sorted(first.items()):
            if name != ".minrisk-report" and os.path.isfile(os.path.join(out, name)):
                with open(os.path.join(out, name), "rb") as f:
                    check(f.read() == data, "%s differs between two reports of the same file" % name)
    check(not glob.glob(out + ".*"), "temporary directories left: %s" % glob.glob(out + ".*"))


if __name__ == "__main__":
    sys.exit(main(mode_figures, "figures"))
