#!/usr/bin/python3
"""report_studies.py - `minrisk report` (out/report.py, sim/cmd/report.c) of
the study files.

usage: report_studies.py --minrisk BIN --src SOURCE_ROOT [--keep DIR]

Comparison, sweep and attribution files made here with h5py in the layouts
of docs/OUTPUT.md: their figures, tables and captions; a real sweep's
header and heat-map caption, and its heat map of each variant's tail
attribution against /variants/*/attribution (a format 1.8 copy without: no
figure, a line saying so). The driver and the helpers it shares:
report_common.py.
"""
import html
import os
import re
import shutil
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check  # noqa: E402 (tests/python/checks.py)
from report_common import (  # noqa: E402
    check_figures, demo_run, figure_caption, load_report_module, main, meta_row, parse_page, real_sweep, report, run_figures, wilson95)


SCALE_ATTRS = {"DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid", "_Netcdf4Coordinates"}


def clone(src, dst):
    """A group's datasets, subgroups and attributes (not the dimension scales)."""
    for k, v in src.attrs.items():
        if k not in SCALE_ATTRS:
            dst.attrs[k] = v
    for name, obj in src.items():
        if isinstance(obj, h5py.Group):
            clone(obj, dst.create_group(name))
            continue
        if h5py.check_string_dtype(obj.dtype):
            data = obj.asstr()[()]
            ds = dst.create_dataset(name, data=data if obj.shape == () else np.array(data, dtype=object),
                                    dtype=h5py.string_dtype())
        else:
            ds = dst.create_dataset(name, data=obj[()])
        for k, v in obj.attrs.items():
            if k not in SCALE_ATTRS:
                ds.attrs[k] = v


def strings(g, name, values):
    g.create_dataset(name, data=np.array(values, dtype=object), dtype=h5py.string_dtype())


def make_compare(a, b, path):
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb, h5py.File(path, "w") as f:
        for k in ("format", "format_version", "software_version", "scenario_name", "seed", "trials",
                  "horizon_years", "steps_per_year", "rng"):
            f.attrs[k] = fa.attrs[k]
        f.attrs["kind"] = "compare"
        clone(fa, f.create_group("runs/a"))
        clone(fb, f["runs"].create_group("b"))
        clone(fa["run_info"], f.create_group("run_info"))
        del f["runs/a/run_info"], f["runs/b/run_info"]
        sectors = list(fa["sector"].asstr()[()])
        series = sectors + ["total"]
        stats = ["mean", "var95", "var99", "es99", "annual_1in100"]
        d = f.create_group("difference")
        strings(d, "series", series)
        strings(d, "statistic", stats)
        rng = np.random.default_rng(3)
        est = rng.normal(0, 1e9, (len(series), len(stats)))
        d["estimate"] = est
        d["ci_lo"] = est - 2e8
        d["ci_hi"] = est + 3e8
        d["variance_reduction"] = np.linspace(1.5, 4.0, len(series))
        d["estimate"].attrs["description"] = "change B - A (synthetic)"
        return series, stats, est


def make_sweep(files, path):
    with h5py.File(files[0], "r") as f0, h5py.File(path, "w") as f:
        for k in ("format", "format_version", "software_version", "scenario_name", "seed", "trials",
                  "horizon_years", "steps_per_year", "rng"):
            f.attrs[k] = f0.attrs[k]
        f.attrs["kind"] = "sweep"
        clone(f0["run_info"], f.create_group("run_info"))
        names = ["seed_%d" % i for i in range(len(files))]
        headline = []
        for name, src in zip(names, files):
            with h5py.File(src, "r") as fs:
                g = f.create_group("variants/" + name)
                clone(fs, g)
                del g["run_info"]
                s = fs["summary"]
                headline.append([s["total_loss_mean"][()], s["total_loss_quantile"][3], s["total_loss_es"][1]])
        sw = f.create_group("sweep")
        strings(sw, "variant", names)
        strings(sw, "metric", ["mean", "var99", "es99"])
        strings(sw, "parameter", ["simulation.seed"])
        strings(sw, "setting", [[str(10 + i)] for i in range(len(files))])
        sw["headline"] = np.array(headline)
        return names, np.array(headline)


def add_attribution(src, path):
    shutil.copy(src, path)
    with h5py.File(path, "a") as f:
        sectors = list(f["sector"].asstr()[()])
        if "attribution" in f:
            del f["attribution"]
        sources = (["mineral/%s" % m for m in ("cobalt", "gallium", "lithium", "nickel", "tungsten", "ree_heavy")]
                   + ["country/%s" % c for c in ("CN", "CD", "AU", "CL", "ID", "ZA", "RU", "BR")]
                   + ["event/cn-export-controls", "event/drc-strike", "event/port-closure", "none/price-noise"])
        kinds = [s.split("/")[0] for s in sources]
        a = f.create_group("attribution")
        strings(a, "source", sources)
        strings(a, "series", sectors + ["total"])
        strings(a, "source_kind", kinds)
        rng = np.random.default_rng(5)
        share = rng.uniform(0, 1, (len(sectors) + 1, len(sources)))
        a["tail_share"] = share
        a["tail_share_lo"] = share - 0.05
        a["tail_share_hi"] = share + 0.05
        a["mean_removed"] = share * 1e9
        a["es99_removed"] = share * 5e9
        a["es99_removed_lo"] = share * 4e9
        a["es99_removed_hi"] = share * 6e9
        return sources, share[-1]


def check_real_sweep(args, tmp):
    """The header of a real sweep's report (the scenario once, the variants'
    settings) and the heat map's caption (the Wilson intervals it omits)."""
    path = real_sweep(args, tmp)
    out = os.path.join(tmp, "real-sweep-report")
    r = report(args, path, out)
    if not check(r.returncode == 0, "real sweep report failed: %s" % r.stderr):
        return
    page, text = parse_page(os.path.join(out, "report.html"))
    with h5py.File(path, "r") as f:
        name = f.attrs["scenario_name"]
        sw = f["sweep"]
        params = [p.split(".")[-1] for p in sw["parameter"].asstr()[()]]
        setting = sw["setting"].asstr()[()]
        variants = list(sw["variant"].asstr()[()])
        probs = [(f["variants"][v]["summary/mineral_shortage_prob"][()], int(f["variants"][v].attrs["trials"]))
                 for v in variants]
    header = text[text.index("<header>"):text.index("</header>")]
    check("<h1>Sweep: %s</h1>" % name in header, "real sweep: h1 is not 'Sweep: %s': %s" % (name, header[:300]))
    check(header.count(name) == 2, "real sweep: the header names the scenario %d times, expected 2 (h1, "
          "Scenario)" % header.count(name))
    variants_row = meta_row(text, "Variants") or ""
    for i in range(len(variants)):
        lab = ", ".join("%s=%s" % (p, setting[i][j]) for j, p in enumerate(params))
        check(lab in variants_row, "real sweep: the Variants row lacks %r" % lab)
    check(len(variants) == 12 and "sweep of 12 variants" in (meta_row(text, "Kind") or ""),
          "real sweep: Kind row %r" % meta_row(text, "Kind"))
    # the heat map (12 variants) shows no intervals: the caption gives their largest reach
    reach = max(max(p - lo, hi - p) for ps, n in probs for p in ps for lo, hi in [wilson95(float(p), n)])
    cap = figure_caption(text, "sweep-shortage") or ""
    check("Wilson intervals (whiskers)" not in cap and
          "reaches more than %.1f percentage points from its value" % (100 * reach) in cap,
          "real sweep: heat map caption %r; the largest reach of a Wilson interval is %.3f points"
          % (cap, 100 * reach))
    # the sweep table: the headline figures of every variant, short headers
    for i, v in enumerate(variants):
        check(("sweep-table-%s-mean_loss" % v) in page.cells, "real sweep: no table cell of %s" % v)
    check("stages above cap" not in text and "<th>above<br>cap</th>" in text,
          "real sweep: the table's last header is not the short 'above cap'")
    # the headline chart is the grid of /sweep/grid: a heat map per figure
    # (2 keys), each cell the file's value; the overlays highlight the
    # reference and the variants of the lowest and highest 1-in-100 loss
    check("Headline figures on the grid of the swept keys" in text and
          "sweep-headline" in page.figures, "real sweep: no grid chart of the headline figures")
    rp = load_report_module(args)
    import matplotlib.pyplot as plt
    with h5py.File(path, "r") as f:
        sweep = rp.read_sweep(f)
        runs = [rp.Run(f, f["variants"][v], v) for v in variants]
        g = f["sweep/grid"]
        head = g["headline"][()]
        metrics = list(g["metric"].asstr()[()])
        shown = [k for k, m in enumerate(sweep["metric"]) if not m.endswith("_se")]
        errs = [[rp.metric_error(runs[i], sweep["metric"][k], sweep, i) for k in shown] for i in range(len(runs))]
        fig = rp.fig_sweep_grid(sweep, shown, errs, runs)
        panels = [ax for ax in fig.axes if ax.images]
        check(len(panels) == len(shown), "real sweep: %d heat maps for %d figures" % (len(panels), len(shown)))
        for ax, k in zip(panels, shown):
            img = np.asarray(ax.images[0].get_array())
            want = head[:, :, metrics.index(sweep["metric"][k])] / 1e6
            check(img.shape == want.shape and np.allclose(img, want, rtol=1e-15, atol=0),
                  "real sweep: heat map of %s is not /sweep/grid/headline" % sweep["metric"][k])
        plt.close(fig)
        rp100 = [float(r.total().rp[r.irp]) for r in runs]
        styles = rp.overlay_styles(runs)
        lo = min(range(1, len(runs)), key=lambda i: (rp100[i], i))
        hi = max(range(1, len(runs)), key=lambda i: (rp100[i], -i))
        coloured = [i for i, st in enumerate(styles) if st[1] is not None and "the other" not in st[1]]
        check(coloured == sorted({0, lo, hi}) and "reference" in styles[0][1],
              "real sweep: overlays highlight %s, expected the reference, %d (lowest) and %d (highest)"
              % (coloured, lo, hi))
        check_sweep_attribution(args, tmp, path, out, page, text, rp, runs)


def check_sweep_attribution(args, tmp, path, out, page, text, rp, runs):
    """The real sweep's heat map of each variant's tail attribution
    (sweep-attribution, format 1.9): listed with its files; its table's
    shares are /variants/<v>/attribution/tail_share of the total, exactly,
    for every mineral and the price noise (a column sums to 1); the map's
    cells are those shares in percent; the caption gives the largest reach
    of an interval. A copy made format 1.8, without the variants'
    attribution, still reports: no figure, a line saying why."""
    import matplotlib.pyplot as plt
    check("sweep-attribution" in page.figures, "real sweep: no figure sweep-attribution (%s)" % page.figures)
    for ext in ("png", "svg"):
        fn = os.path.join(out, "fig-sweep-attribution." + ext)
        check(os.path.isfile(fn) and os.path.getsize(fn) > 0, "real sweep: %s missing or empty" % fn)
    cap = figure_caption(text, "sweep-attribution") or ""
    check("share of the variant's tail loss" in cap and "ES 99 of the total, GBP" in cap and "in percent" in cap,
          "real sweep: the attribution caption does not say what the share is of: %r" % cap)
    want, reach, n_cells = {}, 0.0, 0
    with h5py.File(path, "r") as f:
        variants = list(f["sweep/variant"].asstr()[()])
        for v in variants:
            a = f["variants"][v]["attribution"]
            t = list(a["series"].asstr()[()]).index("total")
            for k, (src, kind) in enumerate(zip(a["source"].asstr()[()], a["source_kind"].asstr()[()])):
                if kind in ("mineral", "none"):
                    share, lo, hi = (float(a[n][t, k]) for n in ("tail_share", "tail_share_lo", "tail_share_hi"))
                    want[(src, v)] = share
                    reach = max(reach, abs(share - lo), abs(hi - share))
    sources = list(dict.fromkeys(s for s, _ in want))
    for (src, v), share in want.items():
        c = page.cells.get("sweep-attribution-table-%s-%s" % (src.replace("/", "-"), v))
        n_cells += c is not None
        check(c is not None and float(c["data-fraction"]) == share,
              "real sweep: attribution share of %s in %s is %s, the file has %r"
              % (src, v, c and c["data-fraction"], share))
    got = sorted(k for k in page.cells if k.startswith("sweep-attribution-table-"))
    check(n_cells == len(got) == 22 * 12, "real sweep: %d attribution cells, %d of the file's, expected 22 x 12"
          % (len(got), n_cells))
    for v in variants:
        col = sum(float(page.cells["sweep-attribution-table-%s-%s" % (s.replace("/", "-"), v)]["data-fraction"])
                  for s in sources)
        check(abs(col - 1.0) < 1e-9, "real sweep: the shares of %s sum to %r, not 1" % (v, col))
    check("reaches more than %.1f percentage points from it" % (100 * reach) in cap,
          "real sweep: attribution caption %r; the largest reach of an interval is %.3f points" % (cap, 100 * reach))
    va = rp.variant_attribution(runs)
    fig = rp.fig_sweep_attribution(va, runs)
    img = np.asarray(fig.axes[0].images[0].get_array())
    expect = np.array([[100 * want[(s, v)] for v in variants] for s in sources])
    check(img.shape == expect.shape and np.array_equal(img, expect),
          "real sweep: the attribution heat map is not 100 x tail_share (shape %s, expected %s)"
          % (img.shape, expect.shape))
    plt.close(fig)
    old = os.path.join(tmp, "sweep-1.8.h5")
    shutil.copy(path, old)
    with h5py.File(old, "a") as f:
        for v in variants:
            del f["variants"][v]["attribution"]
        f.attrs["format_version"] = np.array([1, 8], dtype=np.int32)
    out18 = os.path.join(tmp, "sweep-1.8-report")
    r = report(args, old, out18)
    if check(r.returncode == 0, "sweep of format 1.8 (no variant attribution): report failed: %s" % r.stderr):
        page18, text18 = parse_page(os.path.join(out18, "report.html"))
        check("sweep-attribution" not in page18.figures and
              not os.path.exists(os.path.join(out18, "fig-sweep-attribution.png")),
              "sweep of format 1.8: an attribution figure without an attribution")
        check("No tail attribution per variant: this file (format 1.8) has no" in text18,
              "sweep of format 1.8: the page does not say the attribution figure is left out")
    # a 1.9 file whose attributions name no mineral (each mineral source's
    # kind made "event"): no map, and the page says why, not "format 1.8"
    nomin = os.path.join(tmp, "sweep-no-mineral.h5")
    shutil.copy(path, nomin)
    with h5py.File(nomin, "a") as f:
        for v in variants:
            a = f["variants"][v]["attribution"]
            kinds = [k.decode() if isinstance(k, bytes) else k for k in a["source_kind"][()]]
            a["source_kind"][...] = np.array(["event" if k == "mineral" else k for k in kinds],
                                             dtype=h5py.string_dtype())
    out_nm = os.path.join(tmp, "sweep-no-mineral-report")
    r = report(args, nomin, out_nm)
    if check(r.returncode == 0, "sweep without mineral sources: report failed: %s" % r.stderr):
        page_nm, text_nm = parse_page(os.path.join(out_nm, "report.html"))
        check("sweep-attribution" not in page_nm.figures,
              "sweep without mineral sources: an attribution figure with no mineral")
        check("no variant's tail loss is attributed to a mineral" in text_nm and "this file (format" not in text_nm,
              "sweep without mineral sources: the page does not say why the map is left out, or blames the format")


def mode_studies(args, tmp):
    runs = []
    for i, seed in enumerate((11, 12, 13)):
        p = os.path.join(tmp, "r%d.h5" % i)
        demo_run(args, p, trials=300, seed=seed)
        runs.append(p)

    cmp_path = os.path.join(tmp, "cmp.h5")
    series, stats, est = make_compare(runs[0], runs[1], cmp_path)
    with h5py.File(cmp_path, "a") as f:  # no analysis (0 s): the Run row gives the simulation only
        f["run_info"].attrs["wall_seconds"] = 1.25
        f["run_info"].attrs["analysis_seconds"] = 0.0
        # stated policy costs (format 1.5): GBP 0 for A, 45,000 for B
        f["difference/policy_cost"] = np.array([0.0, 45000.0])
        f["difference/loss_avoided_per_pound"] = np.array([3.25, 2.5, 4.0])
    out = os.path.join(tmp, "cmp-report")
    r = report(args, cmp_path, out)
    if check(r.returncode == 0, "compare report failed: %s" % r.stderr):
        page, text = parse_page(os.path.join(out, "report.html"))
        check_figures(page, out, ["compare-exceedance", "compare-exceedance-horizon", "compare-difference",
                                  "compare-shortage"], "compare")
        for i, s in enumerate(series):
            for k, st in enumerate(stats):
                c = page.cells.get("difference-table-%s-%s" % (s, st))
                check(c is not None and float(c["data-gbp"]) == est[i, k],
                      "compare: difference %s/%s is %s, the file has %r" % (s, st, c and c["data-gbp"], est[i, k]))
        # the policy costs in GBP m as the command line prints them
        # (mr_policy_cost_fmt: one decimal from 1 and for 0, three below 1):
        # GBP 45,000 is 0.045, not 0.05 (or 0.04) as it was, GBP 0 is 0.0
        for run_, gbp, shown in (("a", 0.0, "0.0"), ("b", 45000.0, "0.045")):
            m = re.search(r'<td id="policy-cost-%s" data-gbp="([^"]*)">([^<(]*)' % run_, text)
            check(m is not None and float(m.group(1)) == gbp and m.group(2).strip() == shown,
                  "compare: policy cost of %s: %s, expected %r (GBP %r)"
                  % (run_, m and m.groups(), shown, gbp))
        row = meta_row(text, "Run")
        check(row is not None and "1.25 s of simulation" in row and "analysis" not in row,
              "compare: analysis_seconds 0: Run row %r, expected 1.25 s of simulation only" % row)
        with h5py.File(cmp_path, "r") as f:
            names = [f["runs/%s" % w].attrs["scenario_name"] for w in "ab"]
            names = [v.decode() if isinstance(v, bytes) else str(v) for v in names]
        for w, g, name in (("a", "runs-a", names[0]), ("b", "runs-b", names[1])):
            check("headline-%s" % g in page.tables, "compare: no headline table of %s" % g)
            check("indicators-%s" % g in page.tables, "compare: no indicator table of %s" % g)
            # each indicator table headed by its run's letter and scenario name (was the letter alone)
            check('<h3>%s: %s</h3><table id="indicators-%s"' % (w, html.escape(name), g) in text,
                  "compare: the indicator table of %s is not headed '%s: %s'" % (g, w, name))

    sw_path = os.path.join(tmp, "sweep.h5")
    names, headline = make_sweep(runs, sw_path)
    out = os.path.join(tmp, "sweep-report")
    r = report(args, sw_path, out)
    if check(r.returncode == 0, "sweep report failed: %s" % r.stderr):
        page, text = parse_page(os.path.join(out, "report.html"))
        check_figures(page, out, ["sweep-headline", "sweep-exceedance", "sweep-exceedance-horizon",
                                  "sweep-paired-mean", "sweep-shortage", "sweep-attribution"], "sweep")
        check("Headline figures across the sweep" in text, "sweep without /sweep/grid: not the line chart")
        for i, v in enumerate(names):
            for k, m in enumerate(["mean", "var99", "es99"]):
                c = page.cells.get("sweep-table-%s-%s" % (v, m))
                check(c is not None and float(c["data-gbp"]) == headline[i, k],
                      "sweep: %s/%s is %s, the file has %r" % (v, m, c and c["data-gbp"], headline[i, k]))

    att_path = os.path.join(tmp, "att.h5")
    sources, total_share = add_attribution(runs[0], att_path)
    with h5py.File(att_path, "a") as f:  # no analysis time (NaN): the Run row gives the simulation only
        f["run_info"].attrs["wall_seconds"] = 0.62
        f["run_info"].attrs["analysis_seconds"] = np.nan
    out = os.path.join(tmp, "att-report")
    r = report(args, att_path, out)
    if check(r.returncode == 0, "attribution report failed: %s" % r.stderr):
        page, text = parse_page(os.path.join(out, "report.html"))
        check_figures(page, out, run_figures(att_path), "attribution")
        check("attribution-es99-removed" in page.figures and "attribution-mean-removed" in page.figures,
              "attribution: no counterfactual figures")
        # three ranking tables of the total, one per breakdown: the sources of
        # the kind by tail share, largest first, then the remainder rows, the
        # sum (the kind's shares + none; events: + the outages' part = 100%)
        kinds = [x.split("/")[0] for x in sources]
        none = total_share[kinds.index("none")]
        for kind in ("mineral", "country", "event"):
            tid = "attribution-table-" + kind
            m = re.search(r'<table id="%s">(.*?)</table>' % tid, text, re.S)
            if not check(m is not None, "attribution: no table %s" % tid):
                continue
            ranked = re.findall(r'<tr id="%s-([^"]+)">' % tid, m.group(1))
            idx = [i for i, k in enumerate(kinds) if k == kind]
            want = [sources[i] for i in sorted(idx, key=lambda i: (-total_share[i], sources[i]))]
            check(ranked == want, "attribution: %s ranks %s, the tail shares of the total give %s"
                  % (tid, ranked, want))
            c = page.cells.get(tid + "-sum")
            kind_sum = sum(total_share[i] for i in idx)
            want_sum = 1.0 if kind == "event" else kind_sum + none
            check(c is not None and abs(float(c["data-fraction"]) - want_sum) < 1e-12,
                  "attribution: %s sums to %s, expected %r" % (tid, c and c["data-fraction"], want_sum))
            check("mineral/" not in re.sub(r'(id|title)="[^"]*"', "", m.group(1)),
                  "attribution: %s shows raw ids" % tid)
        m = re.search(r'<table id="attribution-table-mineral">(.*?)</table>', text, re.S)
        check(m is not None and ">Ree heavy<" in m.group(1) and ">Cobalt<" in m.group(1),
              "attribution: a mineral without a name in the file is not prettified (ree_heavy -> Ree heavy)")
        # the counterfactual captions name the statistic (not "es 99% removed falls")
        for fid, what in (("attribution-mean-removed", "mean loss"), ("attribution-es99-removed", "ES 99%")):
            cap = figure_caption(text, fid)
            check(cap is not None and cap.startswith("How much each series' %s over the horizon falls "
                                                     "when the source never disrupts" % what)
                  and "removed falls" not in cap, "attribution: caption of %s: %r" % (fid, cap))
        row = meta_row(text, "Run")
        check(row is not None and "0.62 s of simulation" in row and "analysis" not in row,
              "attribution: analysis_seconds NaN: Run row %r, expected 0.62 s of simulation only" % row)

    check_real_sweep(args, tmp)

    # A file of an unknown kind: bad input.
    odd = os.path.join(tmp, "odd.h5")
    shutil.copy(runs[0], odd)
    with h5py.File(odd, "a") as f:
        f.attrs["kind"] = "mystery"
    r = report(args, odd, os.path.join(tmp, "odd-report"))
    check(r.returncode == 2 and "mystery" in r.stderr and len(r.stderr.splitlines()) == 1
          and not os.path.exists(os.path.join(tmp, "odd-report")),
          "a file of unknown kind: exit %d, %r" % (r.returncode, r.stderr))


if __name__ == "__main__":
    sys.exit(main(mode_studies, "studies"))
