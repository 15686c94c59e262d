"""report/figures.py - formatting of numbers and the figures (matplotlib) of
every kind of file."""

import html
import math

from .base import (ATTR_BARS, ATTR_KINDS, FIG_WIDTH_IN, GBP_M, HEADLINE_RP, HIGHLIGHT_OVER, RP_MARKS,
                   SHORTAGE_BARS_MAX, TOP_PER_KIND, index_of, matplotlib, np, plt, pretty_id, prob_ci)

# ---- formatting ----------------------------------------------------------------

def esc(s):
    return html.escape(str(s), quote=True)


def fmt(x, unit_scale=GBP_M):
    """A GBP amount in GBP m, with thousands separators."""
    if x is None or not np.isfinite(x):
        return "n/a"
    v = x / unit_scale
    a = abs(v)
    if a >= 100:
        return "{:,.0f}".format(v)
    if a >= 1:
        return "{:,.1f}".format(v)
    return "{:,.2f}".format(v)


def pct(x, digits=1):
    if x is None or not np.isfinite(x):
        return "n/a"
    v = 100 * x
    if abs(v) < 0.5 * 10 ** -digits:  # no "-0.0%"
        v = 0.0
    return "{:.{}f}%".format(v, digits)


def cell(value_gbp, err_html, cid=None, se=None, ci=None):
    """A table cell: value in GBP m over its Monte Carlo error; data-gbp holds
    the exact value in GBP, data-se its standard error in GBP when there is
    one, data-ci-low/-high the bounds of a confidence interval when given
    (what the tests compare with independent computations)."""
    idattr = ' id="%s"' % esc(cid) if cid else ""
    data = ' data-gbp="%r"' % float(value_gbp) if value_gbp is not None else ""
    if se is not None and np.isfinite(se):
        data += ' data-se="%r"' % float(se)
    if ci is not None:
        data += ' data-ci-low="%r" data-ci-high="%r"' % (float(ci[0]), float(ci[1]))
    return ('<td%s%s><span class="v">%s</span><span class="e">%s</span></td>'
            % (idattr, data, fmt(value_gbp), err_html))


def err_se(se):
    return "&plusmn; %s" % fmt(se) if np.isfinite(se) else "SE not estimated"


def err_ci(lo, hi, why="too few trials"):
    if not (np.isfinite(lo) or np.isfinite(hi)):
        return "CI n/a (%s)" % why
    return "%s &ndash; %s" % (fmt(lo), fmt(hi))


# ---- figures -------------------------------------------------------------------

class Figure:
    def __init__(self, fid, title, caption, fig, alt):
        self.id, self.title, self.caption, self.fig, self.alt = fid, title, caption, fig, alt
        self.png = None
        self.size = (0, 0)


def panel_grid(n, ncols=3, row_in=2.7, extra_in=0.4):
    ncols = max(1, min(n, ncols))
    nrows = int(math.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(FIG_WIDTH_IN, row_in * nrows + extra_in),
                             squeeze=False, layout="constrained")
    flat = axes.ravel()
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def put_legend(fig, ax, title=None, many=False):
    """The legend of ax's lines: in an unused panel of the grid if there is
    one (it then hides no data), else in ax."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    spare = [a for a in fig.axes if not a.get_visible()]
    if spare:
        box = spare[0]
        box.set_visible(True)
        box.axis("off")
        box.legend(handles, labels, loc="center", fontsize=7 if not many else 6.5, title=title,
                   title_fontsize=7, ncol=2 if many and len(handles) > 8 else 1, frameon=False)
    else:
        ax.legend(fontsize=6.5 if many else 7, loc="upper left", title=title, title_fontsize=7,
                  ncol=2 if many and len(handles) > 8 else 1)


def mark_return_periods(ax, lo, hi):
    for r in RP_MARKS:
        if lo <= r <= hi:
            ax.axvline(r, color="#ff7f0e", alpha=0.7, lw=0.9, ls=":", zorder=1)


def whiskers(ax, pos, lo, hi, along="x", color="k"):
    """Interval lines lo..hi at positions pos (an interval need not contain
    its estimate: a bootstrap percentile interval may not); NaN skipped."""
    pos, lo, hi = (np.asarray(a, dtype=float) for a in (pos, lo, hi))
    ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(pos)
    if not ok.any():
        return
    if along == "x":
        ax.hlines(pos[ok], lo[ok], hi[ok], color=color, lw=0.8, zorder=3)
        ax.plot(np.r_[lo[ok], hi[ok]], np.r_[pos[ok], pos[ok]], "|", color=color, ms=5, mew=0.8, zorder=3)
    else:
        ax.vlines(pos[ok], lo[ok], hi[ok], color=color, lw=0.8, zorder=3)
        ax.plot(np.r_[pos[ok], pos[ok]], np.r_[lo[ok], hi[ok]], "_", color=color, ms=5, mew=0.8, zorder=3)


def thousands(ax, axis="y"):
    f = matplotlib.ticker.FuncFormatter(lambda v, _: "{:,.0f}".format(v) if abs(v) >= 10 else "{:g}".format(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(f)


def ratio_axis(ax):
    """A log axis of ratios labelled 0.5x, 1x, 2x ..."""
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: "{:g}x".format(v)))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def rp_ticks(ax):
    ax.set_xscale("log")
    ticks = [2, 5, 10, 20, 50, 100, 200, 500, 1000]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.minorticks_off()


def empirical_curve(x, period_scale, max_points=1500, weights=None):
    """(R, value) of an empirical exceedance curve: the j-th largest of n
    values is exceeded with probability about (j - 1/2) / n, so it is drawn
    at return period n / (j - 1/2) (in period_scale units). With weights
    (an importance-sampled run, docs/OUTPUT.md "Weighted estimators") the
    j-th largest counts w_j times: its exceedance probability is about
    (w_1 + ... + w_j - w_j / 2) / n, still over n (not over sum w)."""
    x = np.asarray(x, dtype=float).ravel()  # [N, H] annual losses: trial by trial
    ok = np.isfinite(x)
    if weights is None:
        x = np.sort(x[ok])[::-1]
        n = x.size
        if n < 2:
            return np.array([]), np.array([])
        j = np.unique(np.geomspace(1, max(1, n // 2), max_points).astype(np.int64))
        return period_scale * n / (j - 0.5), x[j - 1]
    w = np.asarray(weights, dtype=float).ravel()[ok]
    x = x[ok]
    n = x.size
    if n < 2:
        return np.array([]), np.array([])
    order = np.argsort(-x, kind="stable")
    x, w = x[order], w[order]
    p = (np.cumsum(w) - 0.5 * w) / n
    j = np.unique(np.geomspace(1, n, max_points).astype(np.int64))
    j = j[(p[j - 1] > 0) & (p[j - 1] <= 0.5)]
    return period_scale / p[j - 1], x[j - 1]


def run_color(i, n):
    """The colour of run i of n: the ten distinct ones, or a sequential map for a long sweep."""
    if n <= len(COLORS):
        return COLORS[i]
    return matplotlib.colormaps["viridis"](i / max(1, n - 1))


HIGHLIGHT_NOTE = (" With more than %d %%ss only three are drawn in colour: the first (the reference, "
                  "black), the one with the lowest 1-in-%d annual loss of the total (green) and the one with "
                  "the highest (red); the others are the thin grey lines." % (HIGHLIGHT_OVER, HEADLINE_RP))


def overlay_styles(runs):
    """(colour, legend label or None, line width, z-order) per run: every run
    in its colour, or, beyond HIGHLIGHT_OVER runs, the reference and the
    extremes of the total's 1-in-100 annual loss in colour and the rest grey."""
    n = len(runs)
    if n <= HIGHLIGHT_OVER:
        return [(run_color(i, n), r.legend, 1.4, 3) for i, r in enumerate(runs)]
    rp = [float(r.total().rp[r.irp]) for r in runs]
    order = [i for i in range(1, n) if np.isfinite(rp[i])]
    lo = min(order, key=lambda i: (rp[i], i)) if order else None
    hi = max(order, key=lambda i: (rp[i], -i)) if order else None
    out = []
    grey_named = False
    for i, r in enumerate(runs):
        if i == 0:
            out.append(("k", "%s (reference)" % r.legend, 1.8, 5))
        elif i == hi:
            out.append((COLORS[1], "%s (highest 1-in-%d)" % (r.legend, HEADLINE_RP), 1.6, 4))
        elif i == lo:
            out.append((COLORS[2], "%s (lowest 1-in-%d)" % (r.legend, HEADLINE_RP), 1.6, 4))
        else:
            out.append(("0.72", None if grey_named else "the other %d" % (n - 1 - (lo is not None) - (hi is not None)),
                        0.8, 2))
            grey_named = True
    return out


COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
          "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def exceedance_panels(runs, overlay, solo_style, xlabel, ylabel):
    """The exceedance figures' grid, a panel per series of runs[0]: returns
    (fig, many, draws), many when the overlay greys runs (more than
    HIGHLIGHT_OVER), and draws a generator of (ax, run, series, style) for
    each panel and each run that has its series, style being overlay_styles'
    (colour, legend label, line width, z-order), or solo_style for one run
    not overlaid. Each panel gets its axes, title and labels after its last
    run, and the figure its legend after the last panel: exhaust draws."""
    labels = [s.label for s in runs[0].series]
    fig, axes = panel_grid(len(labels))
    styles = overlay_styles(runs) if overlay else [solo_style]
    many = overlay and len(runs) > HIGHLIGHT_OVER

    def draws():
        for k, ax in enumerate(axes):
            for r_i, run in enumerate(runs):
                if k < len(run.series):
                    yield ax, run, run.series[k], styles[r_i]
            rp_ticks(ax)
            ax.set_xlim(1.5, 1500)
            thousands(ax)
            mark_return_periods(ax, 1, 1000)
            ax.set_title(labels[k], fontsize=10)
            ax.set_xlabel(xlabel, fontsize=8)
            ax.set_ylabel(ylabel, fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(True, axis="y", color="0.92")
        put_legend(fig, axes[-1] if not overlay else axes[0], title=runs[0].legend_title if overlay else None,
                   many=len(runs) > 4 and not many)

    return fig, many, draws()


def fig_exceedance_annual(runs, fid, overlay):
    """Annual loss vs return period (years), per series."""
    fig, many, draws = exceedance_panels(runs, overlay, (COLORS[0], "file (/summary)", 1.4, 3),
                                         "return period (years)", "annual loss (GBP m)")
    for ax, run, se, (col, name, lw, z) in draws:
        rp = np.asarray(run.return_period, float)
        ok = np.isfinite(se.rp)
        ax.plot(rp[ok], se.rp[ok] / GBP_M, "o-" if lw > 1 else "-", color=col, ms=3.5, lw=lw, label=name,
                zorder=z)
        if many and lw <= 1:
            continue
        if se.annual is not None:
            xr, yr = empirical_curve(se.annual, 1.0, weights=None if run.weights is None
                                     else np.repeat(run.weights, se.annual.shape[1]))
            keep = xr >= 1.5
            ax.plot(xr[keep], yr[keep] / GBP_M, "-", color=col, lw=0.7, alpha=0.6)
        if se.rp_band is not None:  # /loss_tables aep_lo, aep_hi (run --events), or weighted /summary
            okb = np.isfinite(se.rp_band[0]) & np.isfinite(se.rp_band[1])
            ax.fill_between(rp[okb], se.rp_band[0][okb] / GBP_M, se.rp_band[1][okb] / GBP_M, color=col,
                            alpha=0.18, lw=0, label=None if overlay else
                            "95% CI (weighted bootstrap, /loss_tables)" if run.weighted_tables else
                            "95% CI (weighted bootstrap, /summary)" if run.weighted else
                            "95% CI (bootstrap, /loss_tables)")
        if not overlay:
            for r in RP_MARKS:
                i = np.nonzero(np.isclose(rp, r))[0]
                if i.size and np.isfinite(se.rp[i[0]]):
                    ax.annotate(fmt(se.rp[i[0]]), (r, se.rp[i[0]] / GBP_M), fontsize=6.5,
                                xytext=(2, -9), textcoords="offset points", color="0.25")
    return fig


def fig_exceedance_horizon(runs, fid, overlay):
    """Horizon loss vs 1-in-R horizons, per series, with the quantile CIs."""
    fig, many, draws = exceedance_panels(runs, overlay, (COLORS[0], None, 1.0, 3),
                                         "1 in R horizons of %d years" % runs[0].horizon_years,
                                         "loss over the horizon (GBP m)")
    for ax, run, se, (col, name, lw, z) in draws:
        if many and lw <= 1:  # a grey one: its curve only
            if se.horizon is not None:
                xr, yr = empirical_curve(se.horizon, 1.0, weights=run.weights)
                ax.plot(xr, yr / GBP_M, "-", color=col, lw=lw, label=name, zorder=z)
            continue
        q = np.asarray(run.quantile, float)
        R = 1.0 / (1.0 - q)
        lo, hi = np.asarray(se.q_lo, float), np.asarray(se.q_hi, float)
        okb = np.isfinite(lo) & np.isfinite(hi)
        ax.fill_between(R[okb], lo[okb] / GBP_M, hi[okb] / GBP_M, color=col, alpha=0.18, lw=0,
                        label=None if overlay else "95% CI of VaR")
        if se.horizon is not None:
            xr, yr = empirical_curve(se.horizon, 1.0, weights=run.weights)
            ax.plot(xr, yr / GBP_M, "-", color=col, lw=1.0 if not overlay else lw, zorder=z,
                    label=name if overlay else "empirical (/trials)")
        ok = np.isfinite(se.q)
        ax.plot(R[ok], se.q[ok] / GBP_M, "o", color=col, ms=3.5,
                label=None if overlay else "VaR and its 95% CI (/summary)")
        whiskers(ax, R, lo / GBP_M, hi / GBP_M, along="y", color=col)
    return fig


def histogram50(x, w=None):
    """np.histogram(x, bins=50, weights=w), but where the values' span is too
    narrow for numpy's bin arithmetic (50 / span overflows: a sector whose
    losses are all below about 1e-306 GBP m, as a sector of output_gbp
    1e-300 gives), one bar from the least value to the largest: numpy
    stopped the report there with an IndexError."""
    span = x.max() - x.min() if x.size else 0.0
    if 0.0 < span < 50.0 / np.finfo(float).max:
        return np.histogram(x, bins=np.array([x.min(), x.max()]), weights=w)
    return np.histogram(x, bins=50, weights=w)


def fig_histograms(run):
    series = [s for s in run.series if s.horizon is not None]
    if not series:  # no /trials: the stored histogram of the total
        fig, axes = panel_grid(1, ncols=1, row_in=3.0)
        ax = axes[0]
        e = run.hist_edges / GBP_M
        ax.stairs(run.hist_count, e, fill=True, color=COLORS[0], alpha=0.7)
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(6))
        thousands(ax, "x")
        ax.set_title("Total (stored histogram)" if not run.weighted else
                     "Total (stored histogram: the tilted trials, unweighted)", fontsize=10)
        ax.set_xlabel("loss over the horizon (GBP m)", fontsize=8)
        ax.set_ylabel("trials", fontsize=8)
        return fig
    fig, axes = panel_grid(len(series))
    for ax, se in zip(axes, series):
        x = se.horizon / GBP_M
        ok = np.isfinite(x)
        # an importance-sampled run: each trial counts with its likelihood
        # ratio, so the bars estimate N x the probability of each bin (as the
        # weighted mean and VaR beside them), not the tilted trials' counts
        w = None if run.weights is None else np.asarray(run.weights, float)[ok]
        counts, edges = histogram50(x[ok], w)
        ax.stairs(counts, edges, fill=True, color=COLORS[0], alpha=0.65)
        ax.set_yscale("log")
        pos = counts[counts > 0]
        low = 0.7 if w is None or not pos.size else min(0.7, 0.5 * pos.min())
        ax.set_ylim(low, max(counts.max(), 1) * 2)
        ax.axvline(se.mean / GBP_M, color="k", lw=1.0, label="mean %s" % fmt(se.mean))
        v99 = se.q[run.iq[0.99]]
        if np.isfinite(v99):
            ax.axvline(v99 / GBP_M, color=COLORS[1], lw=1.0, ls="--", label="VaR 99%% %s" % fmt(v99))
        ax.set_title(se.label, fontsize=10)
        ax.set_xlabel("loss over the horizon (GBP m)", fontsize=8)
        ax.set_ylabel("trials (log scale)" if w is None else "trials, weighted (sum of w; log scale)",
                      fontsize=8)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        thousands(ax, "x")
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, loc="upper right")
    return fig


def fig_fan(run, band, names, ylabel, logy, tail=None):
    """Median and 5-95% band per panel; tail [T, n, 2]: the 90% and 99%
    quantiles (format 1.6) as dotted and dashed lines."""
    n = len(names)
    T = band.shape[0]
    years = (np.arange(T) + 0.5) * run.months_per_step / 12.0
    ib = [index_of(run.band, p, "/summary/band") for p in (0.05, 0.5, 0.95)]
    it = ([index_of(run.tail_band, p, "/summary/tail_band") for p in (0.9, 0.99)]
          if tail is not None and run.tail_band is not None else None)
    fig, axes = panel_grid(n, ncols=4 if n > 6 else 3, row_in=2.2)
    for i, ax in enumerate(axes):
        lo, med, hi = band[:, i, ib[0]], band[:, i, ib[1]], band[:, i, ib[2]]
        ax.fill_between(years, lo, hi, color=COLORS[0], alpha=0.25, lw=0, label="5-95%")
        ax.plot(years, med, color=COLORS[0], lw=1.3, label="median")
        ax.plot(years, hi, color=COLORS[0], lw=0.6)
        if it is not None:
            ax.plot(years, tail[:, i, it[0]], color=COLORS[1], lw=0.8, ls=":", label="90%")
            ax.plot(years, tail[:, i, it[1]], color=COLORS[1], lw=0.9, ls="--", label="99%")
        if logy:
            ax.set_yscale("log")
            ratio_axis(ax)
            ax.axhline(1.0, color="0.5", lw=0.6)
        else:
            ax.set_ylim(bottom=0)
        ax.set_xlim(0, T * run.months_per_step / 12.0)
        ax.set_title(names[i], fontsize=9)
        ax.set_xlabel("years from start", fontsize=7)
        ax.set_ylabel(ylabel, fontsize=7)
        ax.tick_params(labelsize=6.5)
        ax.grid(True, color="0.93")
        if i == 0:
            ax.legend(fontsize=6.5, loc="upper left")
    return fig


def fig_inoperability(run):
    """Per sector: the bands of q given a disruption at the step (5-95% and
    median over the trials with q >= 1% then), the unconditional 90% and 99%
    quantiles, and the share of trials so disrupted (right axis)."""
    names = run.sector_names
    T = run.inop_band.shape[0]
    years = (np.arange(T) + 0.5) * run.months_per_step / 12.0
    ib = [index_of(run.band, p, "/summary/band") for p in (0.05, 0.5, 0.95)]
    it = [index_of(run.tail_band, p, "/summary/tail_band") for p in (0.9, 0.99)]
    fig, axes = panel_grid(len(names), ncols=2, row_in=2.3)
    for i, ax in enumerate(axes):
        cb = run.inop_hit_band[:, i, :]
        hit = run.inop_hit[:, i]
        if not np.any(hit > 0):
            ax.text(0.5, 0.5, "no trial disrupted (q at least 1%) at any step", ha="center", va="center",
                    fontsize=8, color="0.4", transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(names[i], fontsize=9)
            continue
        ax.fill_between(years, cb[:, ib[0]], cb[:, ib[2]], color=COLORS[0], alpha=0.25, lw=0,
                        label="given a disruption: 5-95%")
        ax.plot(years, cb[:, ib[1]], "o-", color=COLORS[0], lw=1.3, ms=1.8, label="given a disruption: median")
        ax.plot(years, run.inop_tail[:, i, it[1]], color=COLORS[1], lw=0.9, ls="--", label="all trials: 99%")
        ax.plot(years, run.inop_tail[:, i, it[0]], color=COLORS[1], lw=0.8, ls=":", label="all trials: 90%")
        ax.set_ylim(bottom=0)
        ax.set_xlim(0, T * run.months_per_step / 12.0)
        ax2 = ax.twinx()
        ax2.set_label("twin")  # the right axis of a panel, not a panel
        ax2.fill_between(years, 0, 100 * hit, step="mid", color="0.5", alpha=0.18, lw=0,
                         label="trials disrupted (right axis)")
        top = np.nanmax(hit) if np.any(np.isfinite(hit)) else 0.0
        ax2.set_ylim(0, max(1e-9, 100 * top) * 3.0)
        ax2.tick_params(labelsize=6, colors="0.45")
        ax2.set_ylabel("trials disrupted (%)", fontsize=6.5, color="0.45")
        ax.set_zorder(ax2.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.set_title("%s (at most %s of trials disrupted at a step)" % (short(names[i], 34), pct(top, 2)),
                     fontsize=8.5)
        ax.set_xlabel("years from start", fontsize=7)
        ax.set_ylabel("inoperability (fraction)", fontsize=7)
        ax.tick_params(labelsize=6.5)
        ax.grid(True, color="0.93")
        if i == 0:
            h1, l1 = ax.get_legend_handles_labels()
            h2, l2 = ax2.get_legend_handles_labels()
            ax.legend(h1 + h2, l1 + l2, fontsize=6, loc="upper left")
    return fig


def fig_shortage_map(runs):
    """Shortage probability per variant (rows) and mineral (columns)."""
    base = runs[0]
    mins = base.minerals
    p = np.full((len(runs), len(mins)), np.nan)
    for r_i, run in enumerate(runs):
        pos = {m: i for i, m in enumerate(run.minerals)}
        for j, m in enumerate(mins):
            if m in pos:
                p[r_i, j] = run.shortage_prob[pos[m]]
    fig, axes = panel_grid(1, ncols=1, row_in=0.3 * len(runs) + 1.6)
    ax = axes[0]
    im = ax.imshow(p, vmin=0, vmax=1, cmap="Reds", aspect="auto")
    for r_i in range(len(runs)):
        for j in range(len(mins)):
            if np.isfinite(p[r_i, j]):
                ax.text(j, r_i, "%.0f" % (100 * p[r_i, j]), ha="center", va="center", fontsize=5.5,
                        color="w" if p[r_i, j] > 0.6 else "k")
    ax.set_xticks(np.arange(len(mins)))
    ax.set_xticklabels(base.mineral_names, fontsize=6.5, rotation=40, ha="right")
    ax.set_yticks(np.arange(len(runs)))
    ax.set_yticklabels([r.legend for r in runs], fontsize=6.5)
    if runs[0].legend_title:
        ax.set_ylabel(runs[0].legend_title, fontsize=7)
    fig.colorbar(im, ax=ax, shrink=0.8).set_label("P(peak shortfall > 1% of demand), fraction", fontsize=7)
    return fig


def shortage_max_reach(runs):
    """The largest distance from a shortage probability to an end of its
    95% Wilson interval, over every run and mineral (what a heat map omits)."""
    reach = 0.0
    for run in runs:
        for i, p in enumerate(np.asarray(run.shortage_prob, float)):
            if np.isfinite(p):
                lo, hi = prob_ci(run, "short", i, float(p))
                if np.isfinite(lo) and np.isfinite(hi):
                    reach = max(reach, p - lo, hi - p)
    return reach


def fig_shortage(runs, overlay):
    if overlay and len(runs) > SHORTAGE_BARS_MAX:
        return fig_shortage_map(runs)
    base = runs[0]
    mins = base.minerals
    y = np.arange(len(mins))
    h = 0.8 / len(runs) if overlay else 0.6
    fig, axes = panel_grid(1, ncols=1, row_in=0.28 * len(mins) + 0.8)
    ax = axes[0]
    top = 0.0  # the largest probability or upper whisker drawn
    for r_i, run in enumerate(runs):
        pos = {m: i for i, m in enumerate(run.minerals)}
        p = np.array([run.shortage_prob[pos[m]] if m in pos else np.nan for m in mins])
        ci = np.array([prob_ci(run, "short", pos[m], v) if np.isfinite(v) else (np.nan, np.nan)
                       for m, v in zip(mins, p)])
        drawn = np.concatenate([p, ci[:, 1]])
        top = max(top, float(np.nanmax(drawn))) if np.isfinite(drawn).any() else top
        off = (r_i - (len(runs) - 1) / 2) * h if overlay else 0
        ax.barh(y + off, p, height=h, color=run_color(r_i, len(runs)), alpha=0.8,
                label=run.legend if overlay else None)
        whiskers(ax, y + off, ci[:, 0], ci[:, 1])
    ax.set_yticks(y)
    ax.set_yticklabels(base.mineral_names, fontsize=8)
    ax.invert_yaxis()
    # 0..1, or the first of 0.01, 0.02, 0.05, ... above the bars: shortages
    # of a few per cent of trials were bars too thin to see on 0..1
    ax.set_xlim(0, next((x for x in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5) if 1.1 * top <= x), 1.0))
    ax.set_xlabel("probability that the peak shortfall exceeds 1%% of demand within the horizon "
                  "(fraction of trials; whiskers: 95%% %s)"
                  % ("Wilson interval" if not any(r.weighted for r in runs) else "interval"), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, axis="x", color="0.92")
    if overlay:  # a sweep's variants are "0 / none": the title names the keys
        ax.legend(fontsize=7, loc="lower right", title=runs[0].legend_title, title_fontsize=7)
    return fig


def fig_indicators(run):
    ind = run.indicators
    mnames = ind.get("mineral_name") or [pretty_id(m) for m in ind["mineral"]]
    cnames = ind.get("top_country_name") or ind["top_country"]
    rows = ["%s, %s" % (m, s) for m, s in zip(mnames, ind["stage"])]
    y = np.arange(len(rows))
    share = np.asarray(ind["top_share"], float)
    above = np.asarray(ind["above_cap"]).astype(bool)
    fig, axes = panel_grid(1, ncols=1, row_in=0.22 * len(rows) + 0.8)
    ax = axes[0]
    ax.barh(y, share, color=[COLORS[1] if a else COLORS[0] for a in above], alpha=0.8)
    for i in range(len(rows)):
        ax.text(min(share[i], 1.0) + 0.01, y[i], cnames[i], va="center", fontsize=6.5)
    ax.axvline(ind["cap"], color="k", lw=1.0, ls="--")
    ax.text(ind["cap"], -0.9, " cap %s" % pct(ind["cap"], 0), fontsize=7, va="bottom")
    ax.set_yticks(y)
    ax.set_yticklabels(rows, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.08)
    ax.set_xlabel("share of the largest supplier (fraction; red: above the cap)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, axis="x", color="0.92")
    return fig


def attribution_rows(att, s_idx, key):
    """[(kind, source, value, lo, hi)] of the top sources of each kind."""
    v = att[key][s_idx]
    lo = att.get(key + "_lo")
    hi = att.get(key + "_hi")
    rows = []
    for kind in ATTR_KINDS:
        idx = [i for i, k in enumerate(att["kind"]) if k == kind and np.isfinite(v[i])]
        idx.sort(key=lambda i: (-abs(v[i]), att["source"][i]))
        for i in idx[:TOP_PER_KIND]:
            rows.append((kind, att["name"][i], float(v[i]),
                         float(lo[s_idx][i]) if lo is not None else math.nan,
                         float(hi[s_idx][i]) if hi is not None else math.nan))
    return rows


def fig_attribution(att, key, xlabel, scale, names):
    series = att["series"]
    per = [attribution_rows(att, s, key) for s in range(len(series))]
    nmax = max([len(p) for p in per] + [1])
    fig, axes = panel_grid(len(series), ncols=2 if len(series) > 1 else 1, row_in=0.2 * nmax + 1.0)
    kcol = {k: COLORS[i] for i, k in enumerate(ATTR_KINDS)}
    for s, ax in enumerate(axes):
        rows = per[s]
        y = np.arange(len(rows))
        val = np.array([r[2] for r in rows]) / scale
        lo = np.array([r[3] for r in rows]) / scale
        hi = np.array([r[4] for r in rows]) / scale
        ax.barh(y, val, color=[kcol[r[0]] for r in rows], alpha=0.85)
        whiskers(ax, y, lo, hi)
        ax.set_yticks(y)
        ax.set_yticklabels([short("%s (%s)" % (r[1], r[0]) if r[0] != "none" else r[1]) for r in rows],
                           fontsize=6.5)
        ax.invert_yaxis()
        ax.axvline(0, color="0.4", lw=0.6)
        ax.set_title(att["series_name"][s], fontsize=9)
        ax.set_xlabel(xlabel, fontsize=7)
        ax.tick_params(labelsize=6.5)
        ax.grid(True, axis="x", color="0.92")
    return fig


def short(text, n=46):
    """text cut to n characters with an ellipsis (a long event name on an axis)."""
    text = str(text)
    return text if len(text) <= n else text[:n - 1].rstrip() + "\u2026"


# The three breakdowns of the tail share (docs/OUTPUT.md /attribution): kind,
# figure and table id suffix, title, the question it answers.
ATTR_BREAKDOWNS = (
    ("mineral", "By mineral", "Which minerals' disruptions make the tail loss?"),
    ("country", "By country", "Which supplying countries' disruptions make the tail loss?"),
    ("event", "By named event", "How much of the tail loss do the scenario's named events make?"),
)


def breakdown_rows(att, s_idx, kind):
    """One breakdown of series s_idx's tail share, adding up to 1: [(label,
    share, lo, hi, role)] with role "source" (the kind's sources by share,
    the largest ATTR_BARS), "rest" (the others summed), "outages" (events
    only: the part owed to country and supplier outages, 1 - events - none,
    docs/OUTPUT.md) and "none" (not attributed); all from /attribution."""
    v = att["tail_share"][s_idx]
    lo, hi = att.get("tail_share_lo"), att.get("tail_share_hi")
    nan2 = (math.nan, math.nan)

    def ci(i):
        return (float(lo[s_idx][i]), float(hi[s_idx][i])) if lo is not None and hi is not None else nan2

    idx = [i for i, k in enumerate(att["kind"]) if k == kind and np.isfinite(v[i])]
    idx.sort(key=lambda i: (-v[i], att["source"][i]))
    rows = [(att["name"][i], float(v[i])) + ci(i) + ("source",) for i in idx[:ATTR_BARS]]
    rest = idx[ATTR_BARS:]
    if rest:
        rows.append(("%d other %s" % (len(rest), PLURAL[kind]), float(np.sum(v[rest]))) + nan2 + ("rest",))
    none = [i for i, k in enumerate(att["kind"]) if k == "none" and np.isfinite(v[i])]
    none_share = float(np.sum(v[none])) if none else 0.0
    if kind == "event":
        rows.append(("country and supplier outages (no named event)",
                     1.0 - float(np.sum(v[idx])) - none_share) + nan2 + ("outages",))
    for i in none:
        rows.append((att["name"][i], float(v[i])) + ci(i) + ("none",))
    return rows


ATTR_LABEL = 34  # characters of a source's name on the breakdown charts' axes
PLURAL = {"mineral": "minerals", "country": "countries", "event": "events"}
ROLE_COLOR = {"source": COLORS[0], "rest": "#9ecae1", "outages": COLORS[7], "none": "0.75"}


def fig_breakdown(att, kind):
    """The tail share of every series by one kind of source: one panel per
    series (the total first), bars adding up to 100%."""
    order = [len(att["series"]) - 1] + list(range(len(att["series"]) - 1))
    per = [breakdown_rows(att, s, kind) for s in order]
    nmax = max([len(p) for p in per] + [1])
    fig, axes = panel_grid(len(order), ncols=min(3, len(order)), row_in=0.2 * nmax + 1.0)
    for ax, s, rows in zip(axes, order, per):
        y = np.arange(len(rows))
        val = 100 * np.array([r[1] for r in rows])
        ax.barh(y, val, color=[ROLE_COLOR[r[4]] for r in rows], alpha=0.9)
        whiskers(ax, y, 100 * np.array([r[2] for r in rows]), 100 * np.array([r[3] for r in rows]))
        tops = np.fmax(val, 100 * np.array([r[3] for r in rows], dtype=float))
        for yy, vv, tt in zip(y, val, tops):
            ax.text(max(tt if np.isfinite(tt) else vv, 0) + 1.5, yy, "%.0f%%" % vv, va="center", fontsize=6)
        ax.set_yticks(y)
        ax.set_yticklabels([short(r[0], ATTR_LABEL) for r in rows], fontsize=6.5)
        ax.invert_yaxis()
        ax.set_xlim(min(0, float(np.nanmin(val)) * 1.1 if val.size else 0), 118)
        ax.axvline(0, color="0.4", lw=0.6)
        ax.set_title("%s (bars add up to %.0f%%)" % (short(att["series_name"][s], 30), float(np.sum(val))),
                     fontsize=8.5)
        ax.set_xlabel("share of the tail loss beyond VaR 99 (%)", fontsize=7)
        ax.tick_params(labelsize=6.5)
        ax.grid(True, axis="x", color="0.92")
    return fig


def fig_difference(diff):
    stats = diff["statistic"]
    series = diff.get("series_name", diff["series"])
    fig, axes = panel_grid(len(stats), ncols=3, row_in=0.3 * len(series) + 1.2)
    y = np.arange(len(series))
    for k, ax in enumerate(axes):
        est = diff["estimate"][:, k] / GBP_M
        lo = diff["ci_lo"][:, k] / GBP_M
        hi = diff["ci_hi"][:, k] / GBP_M
        cols = [COLORS[1] if e > 0 else COLORS[2] for e in est]
        ax.barh(y, est, color=cols, alpha=0.8)
        whiskers(ax, y, lo, hi)
        difference_axes(ax, y, series, stats[k], "difference (GBP m; 95% CI)")
    return fig


def difference_axes(ax, y, series, stat, xlabel):
    """The axes of one statistic's panel of the differences: series down
    the side, zero marked."""
    ax.axvline(0, color="0.3", lw=0.7)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
    thousands(ax, "x")
    ax.set_yticks(y)
    ax.set_yticklabels(series, fontsize=7)
    ax.invert_yaxis()
    ax.set_title(STAT_LABEL.get(stat, stat), fontsize=9)
    ax.set_xlabel(xlabel, fontsize=7)
    ax.tick_params(labelsize=6.5)
    ax.grid(True, axis="x", color="0.92")


def fig_difference_many(diff, legends):
    """Each statistic's change against A per series, one bar per run compared
    (B - A, C - A, ...), with the stored 95% intervals."""
    stats, series, pairs = diff["statistic"], diff.get("series_name", diff["series"]), diff["pairs"]
    nv = len(pairs)
    fig, axes = panel_grid(len(stats), ncols=3, row_in=0.22 * len(series) * nv + 1.4)
    y = np.arange(len(series))
    h = 0.8 / nv
    for k, ax in enumerate(axes):
        for v, (label, d) in enumerate(pairs):
            pos = y - 0.4 + h * (v + 0.5)
            ax.barh(pos, d["estimate"][:, k] / GBP_M, height=h * 0.9, color=run_color(v + 1, nv + 1),
                    alpha=0.85, label=legends[v] if v < len(legends) else label)
            whiskers(ax, pos, d["ci_lo"][:, k] / GBP_M, d["ci_hi"][:, k] / GBP_M)
        difference_axes(ax, y, series, stats[k], "change against A (GBP m; 95% CI)")
    put_legend(fig, axes[0], "run - A")
    return fig


def fig_paired(names, est, lo, hi, xlabel):
    y = np.arange(len(names))
    fig, axes = panel_grid(1, ncols=1, row_in=0.3 * len(names) + 0.9)
    ax = axes[0]
    ax.barh(y, est / GBP_M, color=[COLORS[1] if e > 0 else COLORS[2] for e in est], alpha=0.8)
    whiskers(ax, y, lo / GBP_M, hi / GBP_M)
    thousands(ax, "x")
    ax.axvline(0, color="0.3", lw=0.7)
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, axis="x", color="0.92")
    return fig


STAT_LABEL = {"mean": "mean loss over the horizon", "var95": "VaR 95%", "var99": "VaR 99%",
              "es99": "ES 99%", "annual_1in100": "1-in-100 annual loss", "aal": "AAL"}
