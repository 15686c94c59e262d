"""report/multi.py - the sections of a comparison or a sweep: the difference,
the runs side by side, policy costs and the UK sourcing of every run."""

import math

from .base import (CI_Z, GBP_M, HEADLINE_RP, HIGHLIGHT_OVER, InputError, NO_CI, RP_MARKS, SHORTAGE_BARS_MAX,
                   attr, np, pretty_id, prob_ci, prob_ci_name, read, strings)
from .figures import (HIGHLIGHT_NOTE, STAT_LABEL, cell, err_ci, err_se, esc, fig_difference,
                      fig_difference_many, fig_exceedance_annual, fig_exceedance_horizon, fig_paired,
                      fig_shortage, pct, shortage_max_reach)
from .page import MC_NOTE, headline_table, indicator_table, stored_ci_cell
from .sweep import (GRID_BLOCK, breakable, fig_sweep, fig_sweep_grid, grid_blocks, grid_part, metric_base,
                    paired_mean_differences, stored_mean_differences, sweep_attribution_section, sweep_table)

def read_difference(f):
    """/difference: {series, statistic, estimate, ci_lo, ci_hi [series,
    statistic], variance_reduction [series] or None, description}. A
    comparison of three or more runs (a `versus` dimension) gives the same
    for each run compared with A in "pairs" [(label, dict)], and the first
    pair's arrays at the top level."""
    d = f.get("difference")
    if d is None:
        return None
    out = {"series": strings(d, "series"), "statistic": strings(d, "statistic")}
    shape = (len(out["series"]), len(out["statistic"]))
    versus = strings(d, "versus") if "versus" in d else None
    if versus is not None:
        shape = (len(versus),) + shape
    for k in ("estimate", "ci_lo", "ci_hi"):
        v = read(d, k)
        if v.shape != shape:
            raise InputError("%s/%s: shape %s, expected [%sseries, statistic] %s"
                             % (d.name, k, v.shape, "versus, " if versus is not None else "", shape))
        out[k] = v
    vr = read(d, "variance_reduction") if "variance_reduction" in d else None
    if vr is not None and vr.shape != shape[:-1]:
        raise InputError("%s/variance_reduction: shape %s, expected %s" % (d.name, vr.shape, shape[:-1]))
    out["variance_reduction"] = vr
    out["description"] = attr(d["estimate"], "description", "")
    if versus is None:
        out["pairs"] = [("B - A", out)]
        return out
    out["versus"] = versus
    out["pairs"] = []
    for i, v in enumerate(versus):
        one = dict(out, estimate=out["estimate"][i], ci_lo=out["ci_lo"][i], ci_hi=out["ci_hi"][i],
                   variance_reduction=vr[i] if vr is not None else None, versus=None, pairs=None)
        out["pairs"].append(("%s - A" % v.upper(), one))
    return out


def difference_table(diff, tid):
    rows = ['<table id="%s" class="diff"><tr><th class="l">series</th>' % esc(tid)]
    rows += ["<th>%s<br>95%% CI</th>" % esc(STAT_LABEL.get(s, s)) for s in diff["statistic"]]
    if diff["variance_reduction"] is not None:
        rows.append("<th>variance reduction<br>(common random numbers)</th>")
    rows.append("</tr>")
    for i, s in enumerate(diff["series"]):
        r = '<tr><td class="l">%s</td>' % esc(diff.get("series_name", diff["series"])[i])
        for k in range(len(diff["statistic"])):
            r += cell(diff["estimate"][i, k], err_ci(diff["ci_lo"][i, k], diff["ci_hi"][i, k]),
                      "%s-%s-%s" % (tid, s, diff["statistic"][k]))
        if diff["variance_reduction"] is not None:
            v = diff["variance_reduction"][i]
            # inf: B - A the same in every trial, as compare prints it (until
            # 2026-12-07 "n/a" here); NaN: not estimated
            r += "<td>%s</td>" % ("%.3gx" % v if np.isfinite(v) else "inf" if np.isinf(v) else "n/a")
        rows.append(r + "</tr>")
    rows.append("</table>")
    return "".join(rows)


# Runs per table of the comparison page (`minrisk compare` allows 26): the
# headline figures side by side in tables of RUN_BLOCK runs (7 or more put
# intervals on two lines), as the UK sourcing grid of a comparison (its
# column heads are the runs' names: 12 ended at 1,330 px); the per-mineral
# table, three columns a run, in tables of MINERAL_BLOCK (4 ended at 1,317
# px, past the margin at 1,210). As the sweep's grids (grid_blocks).
RUN_BLOCK = 6
MINERAL_BLOCK = 3


def run_tables(runs, tid, block):
    """[(table id, first index, runs, caption words)] of a comparison's
    table side by side in tables of `block` runs (grid_blocks, grid_part)."""
    return [(bid, i0, part, grid_part(i0, part, runs, "run", block))
            for bid, i0, part in grid_blocks(runs, tid, block)]


def runs_head(bid, cls, caption, fixed, part, head):
    """The opening of one table of runs side by side, to its first row's
    end: the table (attributes cls), its caption, the fixed heads and each
    run's, head % (name, label, name cut to 34 characters)."""
    return ('<div class="wide"><table id="%s"%s><caption>%s</caption><tr>%s' % (esc(bid), cls, caption, fixed)
            + "".join(head % (esc(r.name), esc(r.label.upper()), esc(r.name if len(r.name) <= 34 else r.name[:32]
                                                                     + "...")) for r in part))


def compare_headline_table(runs, tid):
    """The headline figures side by side, one column per run: per series
    (A's, by id) the mean loss over the horizon, VaR 95% and 99%, ES 99%,
    AAL and the 1-in-100 annual loss, each over its Monte Carlo error; in
    tables of RUN_BLOCK runs (grid_blocks), cell ids unchanged."""
    rows = (("mean", "mean loss &plusmn; SE"), ("var95", "VaR 95% (95% CI)"), ("var99", "VaR 99% (95% CI)"),
            ("es99", "ES 99% (95% CI)"), ("aal", "AAL &plusmn; SE"),
            ("rp%d" % HEADLINE_RP, "1-in-%d annual (95%% CI)" % HEADLINE_RP))
    caption = ('GBP m; over the %d-year horizon, except AAL and the 1-in-%d loss (annual). One column per '
               'scenario, all on the same trials (common random numbers); under each figure its own Monte Carlo '
               'error (the errors of the changes between scenarios are much smaller: see Differences).'
               % (runs[0].horizon_years, HEADLINE_RP))
    h = []
    for bid, i0, part, words in run_tables(runs, tid, RUN_BLOCK):
        h.append(runs_head(bid, "", caption + words, '<th class="l">series</th><th class="l">statistic</th>', part,
                           '<th title="%s">%s<br><span class="sub">%s</span></th>'))
        h.append("</tr>")
        for se0 in runs[0].series:
            for k, (key, label) in enumerate(rows):
                row = ['<tr><td class="l">%s</td><td class="l">%s</td>' % (esc(se0.label) if k == 0 else "", label)]
                for r in part:
                    row.append(headline_cell(r, se0, key, "%s-%s-%s-%s" % (tid, se0.id, key, r.label)))
                h.append("".join(row) + "</tr>")
        h.append("</table></div>")
    return "".join(h)


def headline_cell(r, se0, key, cid):
    """Run r's figure `key` of A's series se0 over its error (&ndash; when r
    has no such series)."""
    se = next((x for x in r.series if x.id == se0.id), None)
    if se is None:
        return '<td id="%s">&ndash;</td>' % esc(cid)
    if key == "mean":
        return cell(se.mean, err_se(se.se), cid, se.se)
    if key in ("var95", "var99"):
        q = r.iq[0.95 if key == "var95" else 0.99]
        return cell(se.q[q], err_ci(se.q_lo[q], se.q_hi[q]), cid, ci=(se.q_lo[q], se.q_hi[q]))
    if key == "es99":
        return stored_ci_cell(se.es[r.ies], se.es_ci, cid)
    if key == "aal":
        return cell(se.aal, err_se(se.aal_se), cid, se.aal_se)
    return stored_ci_cell(se.rp[r.irp], se.rp_ci, cid)


def tail_loss_by_mineral(run):
    """{mineral id: (co-ES 99 of the total, lo, hi)} from the run's
    /attribution (the mineral's part of the total's ES 99, GBP, with the
    tail share's 95% interval times ES 99), or None without one."""
    a = run.group.get("attribution")
    if a is None or not all(k in a for k in ("source", "series", "tail_co_es", "tail_share_lo",
                                             "tail_share_hi", "es99")):
        return None
    src, ser = strings(a, "source"), strings(a, "series")
    co, lo, hi, es = (read(a, k) for k in ("tail_co_es", "tail_share_lo", "tail_share_hi", "es99"))
    if "total" not in ser or co.shape != (len(ser), len(src)) or es.shape != (len(ser),):
        return None
    t = ser.index("total")
    return {s.split("/", 1)[1]: (float(co[t, k]), float(lo[t, k] * es[t]), float(hi[t, k] * es[t]))
            for k, s in enumerate(src) if s.startswith("mineral/")}


def compare_mineral_table(runs, tid):
    """Per mineral, the scenarios side by side: the UK's top supplier and
    its share after any cap (the world's where a run has no UK rows), the
    shortage probability with its Wilson interval, and the mineral's part of
    the total's ES 99 (co-ES, /runs/*/attribution)."""
    order = []
    for r in runs:
        for m in r.minerals:
            if m not in order:
                order.append(m)
    names = {}
    for r in runs:
        for m, n in zip(r.minerals, r.mineral_names):
            names.setdefault(m, n)
    tails = [tail_loss_by_mineral(r) for r in runs]
    caption = ('Per mineral and scenario: top supplier and its share of the UK\'s purchases after any '
               'diversification cap (world: the world\'s product stage, where the run has no UK sourcing rows; '
               'red: above the run\'s cap; no sampling); P(short): probability that the peak shortfall exceeds 1% '
               'of demand, with its 95% ' + prob_ci_name(runs) + '; tail loss: the mineral\'s part of the total '
               'loss beyond VaR 99 (co-ES 99, GBP m, the tail attribution of docs/STUDIES.md, with the tail '
               'share\'s 95% interval). A mean loss per mineral is not in the file: a trial\'s loss is split by '
               'mineral only for the tail trials the attribution replays (minrisk run --counterfactual gives the '
               'mean loss removed with a mineral, one scenario at a time).')
    h = []
    for bid, i0, part, words in run_tables(runs, tid, MINERAL_BLOCK):
        h.append(runs_head(bid, ' class="sweep"', caption + words, '<th class="l" rowspan="2">mineral</th>', part,
                           '<th colspan="3" title="%s">%s: %s</th>'))
        h.append("</tr><tr>")
        for _ in part:
            h.append("<th>top share</th><th>P(short)</th><th>tail loss</th>")
        h.append("</tr>")
        for m in order:
            row = ['<tr id="%s-%s"><td class="l">%s</td>' % (esc(bid), esc(m), esc(names.get(m, m)))]
            for r, tail in zip(part, tails[i0:]):
                row.append(mineral_cells(r, tail, m, "%s-%s-%s" % (tid, m, r.label)))
            h.append("".join(row) + "</tr>")
        h.append("</table></div>")
    return "".join(h)


def mineral_cells(r, tail, m, cid):
    """Run r's three cells of mineral m in compare_mineral_table: top
    supplier and share, P(short), tail loss."""
    if m not in r.minerals:
        return '<td class="na">&ndash;</td>' * 3
    i = r.minerals.index(m)
    ind = r.indicators
    top = None
    if ind is not None and ind.get("uk") is not None and m in ind["uk"]["mineral"]:
        uk = ind["uk"]
        u = uk["mineral"].index(m)
        top = (uk["top_country_name"][u], float(uk["top_share"][u]), bool(uk["above_cap"][u]),
               "UK" + ("+" if uk["capped"][u] else ""))
    elif ind is not None and m in ind["mineral"]:
        rows_m = [k for k, x in enumerate(ind["mineral"]) if x == m]
        k = max(rows_m, key=lambda j: float(ind["top_share"][j]))
        top = (ind["top_country_name"][k], float(ind["top_share"][k]), bool(ind["above_cap"][k]), "world")
    row = []
    if top is None:
        row.append('<td class="na">&ndash;</td>')
    else:
        row.append('<td id="%s-top" class="top%s" data-share="%r"><span class="v">%s&nbsp;%s</span>'
                   '<span class="e">%s</span></td>' % (esc(cid), " flag" if top[2] else "", top[1],
                                                       esc(top[0]), pct(top[1]), esc(top[3])))
    p = float(r.shortage_prob[i])
    lo, hi = prob_ci(r, "short", i, p)
    row.append('<td id="%s-short" data-fraction="%r"><span class="v">%s</span>'
               '<span class="e">%s &ndash; %s</span></td>' % (esc(cid), p, pct(p), pct(lo), pct(hi)))
    t = tail.get(m) if tail else None
    if t is None:
        row.append('<td id="%s-tail" class="na">n/a</td>' % esc(cid))
    else:
        row.append(cell(t[0], err_ci(t[1], t[2]), cid + "-tail", ci=(t[1], t[2])))
    return "".join(row)


def metric_error(run, metric, sweep, i):
    """(lo, hi) 95% interval of sweep metric `metric` of variant i (the
    total): from a stored `<metric>_se`, else from the run's own errors."""
    se_name = metric + "_se"
    if se_name in sweep["metric"]:
        v = sweep["headline"][i, sweep["metric"].index(metric)]
        se = sweep["headline"][i, sweep["metric"].index(se_name)]
        return (v - CI_Z * se, v + CI_Z * se)
    t = run.total()
    m = metric_base(metric)
    if m == "mean":
        return (t.mean - CI_Z * t.se, t.mean + CI_Z * t.se)
    if m in ("var95", "var99"):
        k = run.iq[0.95 if m == "var95" else 0.99]
        return (t.q_lo[k], t.q_hi[k])
    if m == "es99":
        return t.es_ci or NO_CI
    if m == "aal":
        return (t.aal - CI_Z * t.aal_se, t.aal + CI_Z * t.aal_se)
    if m == "annual_1in100":
        return t.rp_ci or NO_CI
    return (math.nan, math.nan)


def series_names(run, ids):
    """Display names of loss series ids (sector ids and total)."""
    return ["Total" if x == "total" else run.names["sector"].get(x) or pretty_id(x) for x in ids]


def multi_sections(page, f, kind, runs, diff, sweep):
    who = "run" if kind == "compare" else "variant"
    if diff is not None:
        for d in [diff] + [d for _, d in diff["pairs"]]:
            d["series_name"] = series_names(runs[0], d["series"])
    if kind == "compare":
        page.section("runs", "Runs")
        page.add("<h3>Headline figures side by side</h3>")
        page.add(compare_headline_table(runs, "headline-compare"))
        page.add(MC_NOTE)
        page.add("<details><summary>Each run's headline table, with its description</summary>")
        for run in runs:
            page.add("<h3>%s: %s</h3>" % (esc(run.label), esc(run.name)))
            if run.description:
                page.add('<p class="desc">%s</p>' % esc(run.description))
            page.add(headline_table(run, "headline-" + run.path.strip("/").replace("/", "-")))
        page.add("</details>")
    else:
        page.section("sweep", "Sweep")
        if runs[0].description:
            page.add('<p class="desc">%s</p>' % esc(runs[0].description))
        if sweep is not None:
            shown = [k for k, m in enumerate(sweep["metric"]) if not m.endswith("_se")]
            errs = [[metric_error(runs[i], sweep["metric"][k], sweep, i) for k in shown]
                    for i in range(len(runs))]
            grid = sweep.get("grid")
            if grid is not None:
                P = len(grid["dims"])
                how = ("a heat map per figure, %s down the side and %s across; each cell the value over its "
                       "95%% interval; each map has its own colour scale, so read the numbers: a dark cell "
                       "may differ from a light one by less than its interval"
                       % (esc(grid["dims"][0]), esc(grid["dims"][1])) if P == 2 else
                       "one panel per figure along %s, with 95%% intervals" % esc(grid["dims"][0]) if P == 1 else
                       "one panel per figure along %s, a line for each setting of the other keys, with 95%% "
                       "intervals" % esc(grid["dims"][0]))
                page.figure("sweep-headline", "Headline figures on the grid of the swept keys",
                            "Each headline figure of the total (GBP m) on the grid of /sweep/grid: %s (a stored "
                            "standard error as &plusmn;1.96 SE, else the variant's own interval stored in "
                            "its /summary, see the note below)." % how,
                            fig_sweep_grid(sweep, shown, errs, runs), "headline figures on the sweep grid")
            else:
                page.figure("sweep-headline", "Headline figures across the sweep",
                            "Each headline figure of the total (GBP m) per variant, with the 95% interval of "
                            "its Monte Carlo error (a stored standard error, else the variant's own, see "
                            "the note below).", fig_sweep(sweep, shown, errs, runs),
                            "headline figures per variant")
            page.table(sweep_table(sweep, shown, errs, runs, "sweep-table"),
                       "The sweep table: every variant's settings and headline figures (%d variants)"
                       % len(runs), len(runs))
            page.add(MC_NOTE)
    page.section("overlay", "Exceedance curves overlaid")
    page.figure(kind + "-exceedance", "Annual loss exceedance curves",
                "Annual loss (GBP m) against the return period (years, log scale) of each %s, with the "
                "95%% bootstrap bands of /loss_tables where the file has them; dotted lines at %s years.%s"
                % (who, ", ".join(str(r) for r in RP_MARKS), HIGHLIGHT_NOTE % who if len(runs) > HIGHLIGHT_OVER
                   else ""),
                fig_exceedance_annual(runs, kind + "-exceedance", True), "annual loss exceedance overlay")
    page.figure(kind + "-exceedance-horizon", "Horizon loss exceedance curves",
                "Loss over the horizon (GBP m) exceeded in 1 of R horizons, with the 95%% bands of the "
                "VaR confidence intervals, one colour per %s." % who,
                fig_exceedance_horizon(runs, kind + "-exceedance-horizon", True),
                "horizon loss exceedance overlay", fold=True)
    page.section("differences", "Differences")
    if diff is not None and diff.get("versus") is not None:
        page.add('<p class="note">%s</p>' % esc(diff["description"]))
        legends = ["%s - A: %s" % (v.upper(), next((r.name for r in runs if r.label == v), v))
                   for v in diff["versus"]]
        page.figure("compare-difference", "Changes against A with 95% intervals",
                    "Each statistic's change of every run against A per series (GBP m), one bar per run, with "
                    "its stored 95% interval (the mean's from the paired standard error, the others a paired "
                    "bootstrap, the same resamples for every pair).",
                    fig_difference_many(diff, legends), "changes against A per series and statistic")
        for (label, d), v in zip(diff["pairs"], diff["versus"]):
            page.add("<h3>%s</h3>" % esc(label))
            page.add(difference_table(d, "difference-table-%s" % v))
    elif diff is not None:
        page.add('<p class="note">%s</p>' % esc(diff["description"] or "Paired differences stored in /difference "
                                                "(same random numbers in both runs)."))
        page.figure("compare-difference", "Differences with 95% intervals",
                    "Each statistic's difference per series (GBP m) with its stored 95%% interval; "
                    "red: larger, green: smaller. %s" % esc(diff["description"]),
                    fig_difference(diff), "differences per series and statistic")
        page.add(difference_table(diff, "difference-table"))
    else:
        paired = stored_mean_differences(sweep, runs) or paired_mean_differences(runs)
        if paired is not None:
            names, est, lo, hi, how = paired
            spans = sorted(set(r.horizon_years for r in runs))
            unlike = ("" if len(spans) < 2 else
                      " The horizons differ (%s years): each difference compares losses over "
                      "different spans of years." % ", ".join(str(y) for y in spans))
            page.figure(kind + "-paired-mean", "Difference of the mean loss",
                        "Mean total loss over the horizon of each %s minus that of the first, %s (GBP m), "
                        "trial by trial (common random numbers), with its 95%% interval %s.%s"
                        % (who, esc(runs[0].label), how, unlike),
                        fig_paired(names, est, lo, hi, "difference in mean total loss (GBP m; 95% CI)"),
                        "paired difference of the mean loss")
    policy_cost_section(page, f, kind, runs)
    if kind == "sweep":
        sweep_attribution_section(page, f, runs)
    if kind == "compare":
        page.section("minerals-compare", "Per mineral, side by side")
        n = len(set(m for r in runs for m in r.minerals))
        page.table(compare_mineral_table(runs, "minerals-compare"), "Per mineral and scenario: top supplier, "
                   "P(short), tail loss (%d minerals)" % n, n)
    page.section("minerals", "Shortages per mineral")
    if len(runs) > SHORTAGE_BARS_MAX:  # a heat map: no room for intervals, state their size
        cap = ("Probability that the shortfall of a mineral exceeds 1%% of demand within the horizon, "
               "per %s (row) and mineral (column), in percent of trials (cell text). The map shows no "
               "intervals: no cell's 95%% %s reaches more than "
               "%.1f percentage points from its value."
               % (who, prob_ci_name(runs), 100 * shortage_max_reach(runs)))
    else:
        cap = ("Probability that the shortfall of a mineral exceeds 1%% of demand within the horizon, "
               "per %s, with its 95%% %s (whiskers)." % (who, prob_ci_name(runs)))
    page.figure(kind + "-shortage", "Shortage probability", cap,
                fig_shortage(runs, True), "shortage probability per mineral, overlaid")
    withind = [r for r in runs if r.indicators is not None]
    if withind and kind == "compare":
        page.section("indicators", "Static indicators")
        page.add('<details><summary>Each run\'s indicator table</summary><div class="cols">')
        for run in withind:
            page.add("<div><h3>%s: %s</h3>%s</div>" % (esc(run.label), esc(run.name), indicator_table(
                run, "indicators-" + run.path.strip("/").replace("/", "-"))))
        page.add("</div></details>")


def policy_cost_text(x):
    """A stated policy cost (GBP) in GBP m with the digits of the command
    line's tables (out/tables/policy_cost.c, mr_policy_cost_fmt): one
    decimal from GBP 1 m and for 0, three below (GBP 45,000 is 0.045), an
    exponent below GBP 1,000; thousands separated as elsewhere on the page."""
    if x is None or not np.isfinite(x):
        return "n/a"
    m = x / GBP_M
    a = abs(m)
    if a >= 1.0 or a == 0.0:
        return "{:,.1f}".format(m)
    if a >= 0.001:
        return "{:.3f}".format(m)
    return "{:.1e}".format(m)


def per_pound_text(v):
    """Loss avoided per pound [estimate, ci_lo, ci_hi] as stored (NaN: n/a)."""
    if not np.isfinite(v[0]):
        return "n/a"
    d = 0 if abs(v[0]) >= 100 else 1 if abs(v[0]) >= 10 else 2 if abs(v[0]) >= 1 else 3
    if not (np.isfinite(v[1]) and np.isfinite(v[2])):
        return "%.*f" % (d, v[0])
    return "%.*f [%.*f, %.*f]" % (d, v[0], d, v[1], d, v[2])


def uncosted_note(unc, i, who, first="A"):
    """The note on run i's levers without a stated cost, against the first
    run's (A's, as out/tables/policy_cost.c prints it; a sweep's first
    variant)."""
    if not unc[i]:
        return ""
    note = " (uses levers with no stated cost, counted as 0: %s" % unc[i]
    if i == 0:
        return note + ")"
    ref = [x.strip() for x in unc[0].split(",") if x.strip()]
    extra = [x.strip() for x in unc[i].split(",") if x.strip() and x.strip() not in ref]
    if extra:
        return note + "; %s: not used without a cost in %s, so %s's loss avoided per pound " \
            "credits their effect to %s's stated cost)" % (", ".join(extra), first, who, who)
    return note + "; %s uses them without a cost too: the figure is sound only if they are " \
        "set alike in both)" % first


def policy_cost_section(page, f, kind, runs):
    """The stated policy costs and the loss avoided per pound (docs/STUDIES.md
    "Compare", "Sweeps"), as stored in /difference or /sweep: shown only
    where the file has them, never recomputed here."""
    g = f.get("difference" if kind == "compare" else "sweep")
    if g is None or "policy_cost" not in g or "loss_avoided_per_pound" not in g:
        return
    cost, pp = read(g, "policy_cost"), read(g, "loss_avoided_per_pound")
    if pp.ndim == 1:
        pp = pp[np.newaxis, :]
    if kind == "compare":
        labels = [r.label.upper() for r in runs]
        pp = np.vstack([np.full(3, np.nan), pp])  # the per pound figures are against A
        notes = ["" if "runs/%s/policies" % r.label in f else " (none stated: 0)" for r in runs]
        if "uncosted_levers" in g:  # levers used without a stated cost (policy_cost.c's notes)
            unc = strings(g, "uncosted_levers")
            if len(unc) == len(runs):
                notes = [n + uncosted_note(unc, i, labels[i]) for i, n in enumerate(notes)]
    else:
        labels = [r.label for r in runs]
        notes = [""] * len(labels)
        if "uncosted_levers" in g:  # levers used without a stated cost (summary.c's column)
            unc = strings(g, "uncosted_levers")
            if len(unc) == len(runs):
                notes = [uncosted_note(unc, i, "this variant", "the first variant")
                         for i in range(len(runs))]
    if cost.shape[0] != len(labels) or pp.shape != (len(labels), 3):
        raise InputError("%s: policy_cost %s and loss_avoided_per_pound %s do not match the %d runs"
                         % (g.name, cost.shape, pp.shape, len(labels)))
    who = "run" if kind == "compare" else "variant"
    ref = "A" if kind == "compare" else "the first variant"
    page.section("policy-cost", "Policy cost and loss avoided per pound")
    rows = ['<table id="policy-cost-table"><caption>Stated policy cost over the horizon (policies.cost: '
            'an input, not sampled; undiscounted), GBP m, and loss avoided per pound of the extra cost '
            'over %s: (mean loss of %s - mean loss) / (cost - cost of %s), with the 95%% interval of the '
            'change in the mean divided by the cost difference; n/a where the %s costs no more%s. As '
            'stored in %s.</caption>' % (ref, ref, ref, who,
                                         "" if kind == "compare" else " or has another horizon",
                                         g.name)]
    rows.append('<tr><th class="l">%s</th><th>policy cost</th><th>loss avoided per pound<br>95%% CI</th></tr>'
                % who)
    for i, lab in enumerate(labels):
        rows.append('<tr><td class="l">%s</td><td id="policy-cost-%s" data-gbp="%r">%s%s</td><td>%s</td></tr>'
                    % (esc(lab), esc(lab.lower() if kind == "compare" else lab), float(cost[i]),
                       policy_cost_text(cost[i]), esc(notes[i]),
                       "(reference)" if i == 0 else esc(per_pound_text(pp[i]))))
    rows.append("</table>")
    page.add("".join(rows))


# ---- UK sourcing of each run of a comparison or sweep (/runs/*/indicators/uk,
# /variants/*/indicators/uk) ----------------------------------------------------

def uk_world_row(ind, k):
    """Index of the world row of /indicators beside UK row k, or None."""
    uk = ind["uk"]
    for i in range(len(ind["mineral"])):
        if ind["mineral"][i] == uk["mineral"][k] and ind["stage"][i] == uk["stage"][k]:
            return i
    return None


def uk_top_cell(top, share, cls="", capped=False, flag=False):
    """A cell "CN 65.0%" with the share's exact value in data-share."""
    c = "l nw" + (" flag" if flag else "") + (" " + cls if cls else "")
    return '<td class="%s" data-share="%r">%s %s%s</td>' % (
        c, float(share), esc(top), pct(share), "+" if capped else "")


def uk_compare_table(runs, tid):
    """A and B side by side, per mineral (A's order): the world's top share
    of the product stage, the UK's top country and share before and after
    any cap, the flag, and the change B - A of the UK's top share."""
    a = runs[0]
    before = all(r.indicators["uk"]["top_share_before"] is not None for r in runs)
    per = 4 if before else 3
    h = ['<div class="wide"><table id="%s"><caption>Top country and its share: of the world\'s product '
         'stage (refining if present, else mining) and of the UK\'s purchases, %safter any diversification '
         'cap (+: the cap changed them); flag: UK share above the run\'s cap. No sampling.</caption>'
         '<tr><th class="l" rowspan="2">mineral</th><th class="l" rowspan="2">stage</th>'
         % (esc(tid), "before and " if before else "")]
    for r in runs:
        h.append('<th colspan="%d">%s: %s (cap %s)</th>' % (per, esc(r.label), esc(r.name),
                                                            pct(r.indicators["cap"], 0)))
    h.append('<th rowspan="2">UK top share<br>B &minus; A</th></tr><tr>')
    for r in runs:
        h.append('<th class="l">world top</th>' + ('<th class="l">UK before policy</th>' if before else "")
                 + '<th class="l">UK after policy</th><th class="l">UK flag</th>')
    h.append("</tr>")
    ua = a.indicators["uk"]
    for k, mid in enumerate(ua["mineral"]):
        row = ['<tr id="%s-%s"><td class="l">%s</td><td class="l">%s</td>'
               % (esc(tid), esc(mid), esc(ua["mineral_name"][k]), esc(ua["stage"][k]))]
        share = []
        for r in runs:
            ind = r.indicators
            uk = ind["uk"]
            u = uk["mineral"].index(mid) if mid in uk["mineral"] else None
            w = uk_world_row(ind, u) if u is not None else None
            row.append(uk_top_cell(ind["top_country_name"][w], ind["top_share"][w], "world")
                       if w is not None else '<td class="l">&ndash;</td>')
            if u is None:
                row.append('<td class="l">&ndash;</td>' * (per - 1))
                continue
            if before:
                row.append(uk_top_cell(uk["top_country_before_name"][u], uk["top_share_before"][u], "before"))
            above = bool(uk["above_cap"][u])
            row.append(uk_top_cell(uk["top_country_name"][u], uk["top_share"][u], "after", bool(uk["capped"][u])))
            row.append('<td class="l flag">ABOVE CAP</td>' if above else '<td class="l"></td>')
            share.append(float(uk["top_share"][u]))
        if len(share) == 2:
            d = 100 * (share[1] - share[0])
            row.append('<td data-pp="%r">%+.1f pp</td>' % (d, 0.0 if abs(d) < 0.05 else d))
        else:
            row.append("<td>&ndash;</td>")
        h.append("".join(row) + "</tr>")
    h.append("</table></div>")
    n_above = ["%s %d of %d" % (esc(r.label), int(np.sum(np.asarray(r.indicators["uk"]["above_cap"]) != 0)),
                                len(r.indicators["uk"]["mineral"])) for r in runs]
    h.append('<p class="note">Minerals whose UK sourcing is above the cap: %s. The UK rows without UK '
             'import data use the open market\'s shares of the product stage (the run report\'s UK '
             'sourcing table says which). pp: percentage points.</p>' % "; ".join(n_above))
    return "".join(h)


def uk_sweep_grid(runs, tid, who="variant"):
    """Mineral x variant: the UK's top share after any cap in each variant
    (+: capped; red: above the variant's cap), with the world's top share
    (and the UK's before the cap, when no variant changes it) once; in
    tables of GRID_BLOCK variants (RUN_BLOCK runs of a comparison) each
    (grid_blocks), every one with the
    mineral's columns, so that any number of variants fits the page."""
    first = runs[0].indicators
    u0 = first["uk"]

    def same(get):
        return all(get(r) == get(runs[0]) for r in runs[1:])

    caption = ('UK top share after any diversification cap, per mineral and variant (+: the cap changed it; '
               'red: above the variant\'s cap); the world\'s top share of the product stage and the UK\'s '
               'before the cap once (the first variant\'s; * where a variant\'s differs). No sampling.'
               ).replace("variant", who)
    if runs[0].legend_title:  # the variants' settings, as the column heads give them
        caption += " Variants: %s." % esc(runs[0].legend_title)
    before = all(r.indicators["uk"]["top_share_before"] is not None for r in runs)

    def uk_of(r, mid):
        uk = r.indicators["uk"]
        return (uk, uk["mineral"].index(mid)) if mid in uk["mineral"] else (uk, None)

    fixed = []  # per mineral: its row's cells before the variants' (the same in every table)
    for k, mid in enumerate(u0["mineral"]):
        w0 = uk_world_row(first, k)

        def world(r):
            uk, u = uk_of(r, mid)
            w = uk_world_row(r.indicators, u) if u is not None else None
            return None if w is None else (r.indicators["top_country"][w], float(r.indicators["top_share"][w]))

        row = ['<td class="l">%s</td><td class="l">%s</td>' % (esc(u0["mineral_name"][k]), esc(u0["stage"][k]))]
        mark = "" if same(world) else "*"
        if w0 is None:
            row.append('<td class="l">&ndash;</td>')
        else:
            row.append('<td class="l nw world" data-share="%r">%s %s%s</td>' % (
                float(first["top_share"][w0]), esc(first["top_country"][w0]), pct(first["top_share"][w0]), mark))
        if before:
            def bef(r):
                uk, u = uk_of(r, mid)
                return None if u is None else (uk["top_country_before_name"][u], float(uk["top_share_before"][u]))
            row.append('<td class="l nw before" data-share="%r">%s %s%s</td>' % (
                float(u0["top_share_before"][k]), esc(u0["top_country_before"][k]),
                pct(u0["top_share_before"][k]), "" if same(bef) else "*"))
        fixed.append("".join(row))

    h = []
    block = GRID_BLOCK if who == "variant" else RUN_BLOCK  # a run's column head is its name
    for bid, i0, part in grid_blocks(runs, tid, block):
        h.append('<div class="wide"><table id="%s" class="sweep"><caption>%s%s</caption><tr><th class="l">mineral'
                 '</th><th class="l">stage</th><th class="l">world top</th>'
                 % (esc(bid), caption, grid_part(i0, part, runs, who, block)))
        if before:
            h.append('<th class="l">UK before policy</th>')
        for r in part:
            h.append('<th title="%s">%s</th>' % (esc(r.label), breakable(r.legend, "/")))
        h.append("</tr>")
        for k, mid in enumerate(u0["mineral"]):
            row = ['<tr id="%s-%s">%s' % (esc(bid), esc(mid), fixed[k])]
            for r in part:
                uk, u = uk_of(r, mid)
                if u is None:
                    row.append("<td>&ndash;</td>")
                    continue
                above = bool(uk["above_cap"][u])
                row.append('<td class="%s" data-share="%r" title="%s">%s%s</td>' % (
                    "flag" if above else "", float(uk["top_share"][u]), esc(uk["top_country_name"][u]),
                    pct(uk["top_share"][u]), "+" if uk["capped"][u] else ""))
            h.append("".join(row) + "</tr>")
        h.append("</table></div>")
    counts = ", ".join("%s: %d" % (esc(r.legend), int(np.sum(np.asarray(r.indicators["uk"]["above_cap"]) != 0)))
                       for r in runs)
    h.append(('<p class="note">Minerals whose UK sourcing is above the variant\'s cap, of %d: %s. Hover a '
              'share for its top country.</p>' % (len(u0["mineral"]), counts)).replace("variant", who))
    return "".join(h)


def multi_uk_sections(page, kind, runs):
    """The UK sourcing section of a comparison or sweep, first on the page,
    when every run has /indicators/uk (format 1.4)."""
    if not runs or any(r.indicators is None or r.indicators["uk"] is None for r in runs):
        return
    page.section("uk-sourcing", "UK sourcing and world top share")
    n = len(runs[0].indicators["uk"]["mineral"])
    what = "UK sourcing per mineral (%d minerals) and %s" % (n, "run" if kind == "compare" else "variant")
    if kind == "compare" and len(runs) == 2:
        page.table(uk_compare_table(runs, "uk-sourcing-compare"), what, n)
    elif kind == "compare":  # three or more: the grid of the sweep, one column per run
        page.table(uk_sweep_grid(runs, "uk-sourcing-compare", "run"), what, n)
    elif kind == "sweep":
        page.table(uk_sweep_grid(runs, "uk-sourcing-sweep"), what, n)
