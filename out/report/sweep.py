"""report/sweep.py - the sweep's own table and figures (/sweep, /sweep/grid)."""

import math

from .base import CI_Z, GBP_M, InputError, name_attribution, np, read, read_attribution, req, strings
from .figures import (ATTR_LABEL, COLORS, STAT_LABEL, cell, err_ci, esc, fmt, panel_grid, pct, put_legend,
                      run_color, short, thousands, whiskers)

def metric_base(metric):
    """The statistic a sweep metric names ("mean_loss" is "mean")."""
    return {"mean_loss": "mean"}.get(metric, metric)



def stored_mean_differences(sweep, runs):
    """The sweep's own /sweep/mean_difference [variant, bound], if stored."""
    if sweep is None or sweep.get("mean_difference") is None:
        return None
    md, bound = sweep["mean_difference"], sweep["bound"]
    try:
        ie, il, ih = (bound.index(b) for b in ("estimate", "ci_lo", "ci_hi"))
    except ValueError:
        return None
    names = [r.label for r in runs[1:]]
    return (names, md[1:, ie], md[1:, il], md[1:, ih], "stored in /sweep/mean_difference")


def paired_mean_differences(runs):
    base = runs[0].total().horizon
    if base is None or len(runs) < 2:
        return None
    names, est, lo, hi = [], [], [], []
    for run in runs[1:]:
        x = run.total().horizon
        if x is None or x.shape != base.shape:
            continue
        d = x - base
        m = float(np.mean(d))
        se = float(np.std(d, ddof=1) / math.sqrt(d.size)) if d.size > 1 else math.nan
        names.append(run.label)
        est.append(m)
        lo.append(m - CI_Z * se)
        hi.append(m + CI_Z * se)
    if not names:
        return None
    return (names, np.array(est), np.array(lo), np.array(hi),
            "&plusmn;1.96 sd(d)/&radic;N of the paired differences d, computed by this report from /trials")


def read_sweep(f):
    s = f.get("sweep")
    if s is None:
        return None
    out = {"variant": strings(s, "variant"), "metric": strings(s, "metric")}
    out["headline"] = read(s, "headline")
    if out["headline"].shape != (len(out["variant"]), len(out["metric"])):
        raise InputError("%s/headline: shape %s, expected [variant, metric]" % (s.name, out["headline"].shape))
    out["parameter"] = strings(s, "parameter") if "parameter" in s else []
    out["setting"] = strings2(s, "setting") if "setting" in s else None
    if out["setting"] is not None and out["setting"].shape != (len(out["variant"]), len(out["parameter"])):
        raise InputError("%s/setting: shape %s, expected [variant, parameter]" % (s.name, out["setting"].shape))
    out["label"] = None
    if "label" in s and s["label"].shape == (len(out["variant"]),):
        out["label"] = strings(s, "label")
    out["bound"] = strings(s, "bound") if "bound" in s else []
    out["mean_difference"] = None
    if "mean_difference" in s and s["mean_difference"].shape == (len(out["variant"]), len(out["bound"])):
        out["mean_difference"] = read(s, "mean_difference")
    out["grid"] = read_grid(s.get("grid"), out["variant"])
    return out


def read_grid(g, variants):
    """/sweep/grid (format 1.6): {"dims": the swept keys' dimension names,
    "keys": their full paths, "values": each key's settings as labels,
    "numbers": each key's settings as floats when its coordinate is numeric
    (else None), "axes": each key's axis label (its name and the unit the
    file gives it: "months (months of demand)"),
    "index": [k1, ..., kP] array of the variants' positions in /sweep/variant}, or None."""
    if g is None or "dimension" not in g or "variant" not in g:
        return None
    dims = strings(g, "dimension")
    keys = strings(g, "parameter") if "parameter" in g else dims
    values, numbers, axes = [], [], []
    for d in dims:
        if d not in g:
            raise InputError("%s has no coordinate %s (listed in %s/dimension)" % (g.name, d, g.name))
        v = g[d][()]
        values.append([x.decode("utf-8") if isinstance(x, bytes) else ("%g" % x if isinstance(x, float) else str(x))
                       for x in v.tolist()])
        num = np.asarray(v, dtype=float) if v.dtype.kind in "iuf" else None
        numbers.append(num if num is not None and np.all(np.isfinite(num)) else None)
        unit = g[d].attrs.get("units")
        unit = unit.decode("utf-8") if isinstance(unit, bytes) else unit
        axes.append("%s (%s)" % (d, unit) if unit and unit != "1" else d)
    names = strings2(g, "variant")
    if names.shape != tuple(len(v) for v in values):
        raise InputError("%s/variant: shape %s, expected %s" % (g.name, names.shape, tuple(len(v) for v in values)))
    pos = {v: i for i, v in enumerate(variants)}
    try:
        index = np.vectorize(lambda n: pos[n], otypes=[int])(names)
    except KeyError as e:
        raise InputError("%s/variant names %s, not in /sweep/variant" % (g.name, e)) from None
    return {"dims": dims, "keys": keys, "values": values, "numbers": numbers, "axes": axes, "index": index}


def variant_label(sweep, i):
    """A variant's settings, short: "months=3, diversification_cap=0.60"."""
    if sweep is None or sweep["setting"] is None or not sweep["parameter"]:
        return None
    return ", ".join("%s=%s" % (p.rsplit(".", 1)[-1], sweep["setting"][i][j])
                     for j, p in enumerate(sweep["parameter"]))


def sweep_variant_list(sweep, names, runs):
    """The variants of the header: their settings with the parameters' last
    path component ("months=6, diversification_cap=0.60"; the full paths
    are in the Kind row), else /sweep/label, else the group names under
    /variants."""
    if sweep is not None and sweep["setting"] is not None and sweep["parameter"]:
        labels = [variant_label(sweep, i) for i in range(len(names))]
    elif sweep is not None and sweep.get("label") is not None:
        labels = sweep["label"]
    else:
        labels = names
    return '<span class="small">%s</span>' % "; ".join(esc(v) for v in labels)


def strings2(group, name):
    ds = req(group, name)
    try:
        return np.array(ds.asstr()[()], dtype=object)
    except (TypeError, ValueError):
        raise InputError("%s: not a string dataset" % ds.name) from None


SHORT_LABEL = {"mean": "mean", "var95": "VaR 95%", "var99": "VaR 99%", "es99": "ES 99%",
               "annual_1in100": "1-in-100 annual", "aal": "AAL"}


def breakable(text, sep="_"):
    """Escaped text that may wrap after each sep (a long id in a narrow column)."""
    return (sep + "<wbr>").join(esc(p) for p in str(text).split(sep))


# Variants (or runs) per table of a mineral x variant grid: a grid of more is
# split into tables of this many columns each, as `minrisk summary` splits its
# grid. 12 columns of shares ("62.0%+", at most "100.0%") and settings such as
# "12 / 0.60" fit 1280 px beside the grid's own columns (1,094 px of 1,140 at
# their narrowest for the UK sourcing; 13 columns did not fit).
GRID_BLOCK = 12


def grid_blocks(runs, tid, block=GRID_BLOCK):
    """[(table id, first index, runs)] of a mineral x variant grid in tables
    of `block` columns: the first keeps tid, the others tid-2, tid-3, ...
    (ids start with a letter, so tid-2-<id> is no row of the first)."""
    return [(tid if i == 0 else "%s-%d" % (tid, i // block + 1), i, runs[i:i + block])
            for i in range(0, len(runs), block)]


def grid_part(i, part, runs, who="variant", block=GRID_BLOCK):
    """Caption words of one table of a split grid ("" when not split)."""
    if len(runs) <= block:
        return ""
    return " Table %d of %d: %ss %d-%d of %d." % (i // block + 1, (len(runs) + block - 1) // block,
                                                who, i + 1, i + len(part), len(runs))


def sweep_table(sweep, shown, errs, runs, tid):
    """One row per variant; short headers, the interval under each figure on
    one line in small type, so 7 figures and 2 settings fit 1280 px (the
    container scrolls sideways if a sweep has more)."""
    rows = ['<div class="wide"><table id="%s" class="sweep"><caption>Headline figures of the total loss, '
            'GBP m, over the horizon (1-in-100: the annual loss at a return period of 100 years); under '
            'each its 95%% interval (Monte Carlo error). Above cap: stages whose largest supplier exceeds '
            'the diversification cap.</caption><tr><th class="l">variant</th>' % esc(tid)]
    rows += ['<th class="l" title="%s">%s</th>' % (esc(p), breakable(p.rsplit(".", 1)[-1]))
             for p in sweep["parameter"]]
    rows += ['<th>%s<br><span class="sub">95%% CI</span></th>'
             % esc(SHORT_LABEL.get(metric_base(sweep["metric"][k]), sweep["metric"][k])) for k in shown]
    rows.append("<th>above<br>cap</th></tr>")
    for i, v in enumerate(sweep["variant"]):
        r = '<tr><td class="l small">%s</td>' % breakable(v, "__")
        if sweep["setting"] is not None:
            r += "".join('<td class="l">%s</td>' % esc(sweep["setting"][i][j]) for j in range(len(sweep["parameter"])))
        for c, k in enumerate(shown):
            lo, hi = errs[i][c]
            r += cell(sweep["headline"][i, k], err_ci(lo, hi) if np.isfinite(lo) or np.isfinite(hi)
                      else "not estimated", "%s-%s-%s" % (tid, v, sweep["metric"][k]))
        ind = runs[i].indicators
        r += '<td class="nw">%s</td>' % ("%d of %d" % (int(np.sum(np.asarray(ind["above_cap"]) != 0)),
                                                       len(ind["mineral"]))
                                         if ind is not None else "n/a")
        rows.append(r + "</tr>")
    rows.append("</table></div>")
    return "".join(rows)


def fig_sweep_grid(sweep, shown, errs, runs):
    """The headline figures on the grid of the swept keys (/sweep/grid): a
    line along the key for one key, a heat map per figure for two (cell:
    the value over its 95% interval), small multiples (a line per setting
    of the other keys along the first) for more."""
    grid = sweep["grid"]
    dims, values, index = grid["dims"], grid["values"], grid["index"]
    axis = grid.get("axes", dims)
    P = len(dims)
    fig, axes = panel_grid(len(shown), ncols=2 if P == 2 else 3, row_in=(0.42 * len(values[0]) + 1.6) if P == 2
                           else 3.0)
    for c, (k, ax) in enumerate(zip(shown, axes)):
        v = sweep["headline"][:, k] / GBP_M
        lo = np.array([errs[i][c][0] for i in range(len(runs))]) / GBP_M
        hi = np.array([errs[i][c][1] for i in range(len(runs))]) / GBP_M
        title = STAT_LABEL.get(metric_base(sweep["metric"][k]), sweep["metric"][k]) + " (GBP m)"
        if P == 2:
            m = v[index]
            im = ax.imshow(m, cmap="YlOrRd", aspect="auto")
            fin = m[np.isfinite(m)]
            vmin, vmax = (float(fin.min()), float(fin.max())) if fin.size else (0.0, 0.0)
            for a in range(m.shape[0]):
                for b in range(m.shape[1]):
                    i = index[a, b]
                    ci = ("\n%s\u2013%s" % (fmt(lo[i] * GBP_M), fmt(hi[i] * GBP_M))
                          if np.isfinite(lo[i]) and np.isfinite(hi[i]) else "")
                    ax.text(b, a, fmt(v[i] * GBP_M) + ci, ha="center", va="center", fontsize=6.5,
                            color="w" if vmax > vmin and np.isfinite(m[a, b])
                            and (m[a, b] - vmin) / (vmax - vmin) > 0.6 else "k")
            ax.set_xticks(np.arange(len(values[1])))
            ax.set_xticklabels(values[1], fontsize=7)
            ax.set_yticks(np.arange(len(values[0])))
            ax.set_yticklabels(values[0], fontsize=7)
            ax.set_xlabel(axis[1], fontsize=7.5)
            ax.set_ylabel(axis[0], fontsize=7.5)
            fig.colorbar(im, ax=ax, shrink=0.85).ax.tick_params(labelsize=6)
        else:
            # a numeric key at its settings (the slope between two points is per unit of
            # the key, however unevenly they are spaced), else at its ranks
            num = grid.get("numbers", [None])[0]
            x = num if num is not None else np.arange(len(values[0]))
            gaps = np.diff(np.sort(x))
            step = float(gaps[gaps > 0].min()) if np.any(gaps > 0) else 1.0
            flat = index.reshape(len(values[0]), -1)[np.argsort(x, kind="stable")]  # drawn left to right
            x = np.sort(x, kind="stable")
            rest = [()] if P == 1 else list(np.ndindex(*[len(vv) for vv in values[1:]]))
            for j, combo in enumerate(rest):
                ii = flat[:, j]
                col = COLORS[0] if P == 1 else run_color(j, len(rest))
                lab = None if P == 1 else ", ".join("%s=%s" % (dims[1 + q], values[1 + q][t])
                                                    for q, t in enumerate(combo))
                off = 0 if P == 1 else (j - (len(rest) - 1) / 2) * 0.06 * step
                ax.plot(x + off, v[ii], "o-", color=col, ms=4, lw=1.2, label=lab)
                whiskers(ax, x + off, lo[ii], hi[ii], along="y", color=col)
            ax.set_xticks(x)
            ax.set_xticklabels([values[0][t] for t in np.argsort(num if num is not None else x, kind="stable")],
                               fontsize=7)
            ax.set_xlabel(axis[0], fontsize=7.5)
            ax.set_ylabel("GBP m", fontsize=7)
            thousands(ax)
            ax.grid(True, color="0.92")
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=6.5)
    if P > 2:
        put_legend(fig, axes[0], many=True)
    return fig


def fig_sweep(sweep, shown, errs, runs):
    fig, axes = panel_grid(len(shown), ncols=3, row_in=3.0)
    x = np.arange(len(runs))
    for c, (k, ax) in enumerate(zip(shown, axes)):
        v = sweep["headline"][:, k] / GBP_M
        lo = np.array([errs[i][c][0] for i in range(len(runs))]) / GBP_M
        hi = np.array([errs[i][c][1] for i in range(len(runs))]) / GBP_M
        ax.plot(x, v, "o-", color=COLORS[0], ms=4)
        whiskers(ax, x, lo, hi, along="y")
        ax.set_xticks(x)
        ax.set_xticklabels([r.legend for r in runs], fontsize=6.5, rotation=35, ha="right")
        if runs[0].legend_title:
            ax.set_xlabel(runs[0].legend_title, fontsize=7)
        ax.set_title(STAT_LABEL.get(metric_base(sweep["metric"][k]), sweep["metric"][k]), fontsize=9)
        ax.set_ylabel("GBP m", fontsize=7)
        thousands(ax)
        ax.tick_params(labelsize=6.5)
        ax.grid(True, color="0.92")
    return fig


# ---- each variant's tail attribution (/variants/<name>/attribution, format 1.9) ---------

def variant_attribution(runs):
    """Each variant's tail attribution of the total by mineral: {"id": [source
    ids], "name": [display names], "share", "lo", "hi": [source, variant]
    (NaN where a variant lacks the source or an interval)}, the minerals in
    the order first seen, then the price noise (none/price-noise), not
    attributed: a column of minerals plus it sums to 1. None when no variant
    has an attribution (files before 1.9) or no mineral is attributed."""
    atts = []
    for r in runs:
        a = read_attribution(r.group)
        if a is not None and "total" in a["series"]:
            name_attribution(a, r)
        else:
            a = None
        atts.append(a)
    ids, names = [], {}
    for a in atts:
        if a is None:
            continue
        for src, kind, name in zip(a["source"], a["kind"], a["name"]):
            if kind in ("mineral", "none") and src not in names:
                ids.append(src)
                names[src] = name
    if not any(i.startswith("mineral/") for i in ids):
        return None
    ids = [i for i in ids if not i.startswith("none/")] + [i for i in ids if i.startswith("none/")]
    out = {"id": ids, "name": [names[i] for i in ids]}
    for key in ("tail_share", "tail_share_lo", "tail_share_hi"):
        m = np.full((len(ids), len(runs)), np.nan)
        for v, a in enumerate(atts):
            if a is None or key not in a:
                continue
            t = a["series"].index("total")
            for k, src in enumerate(a["source"]):
                if src in names:
                    m[ids.index(src), v] = a[key][t, k]
        out[{"tail_share": "share", "tail_share_lo": "lo", "tail_share_hi": "hi"}[key]] = m
    return out


def attribution_max_reach(va):
    """The largest distance from a share to an end of its 95% interval
    (fraction; 0 when no interval is stored)."""
    reach = np.concatenate([np.abs(va["share"] - va["lo"]).ravel(), np.abs(va["hi"] - va["share"]).ravel()])
    reach = reach[np.isfinite(reach)]
    return float(reach.max()) if reach.size else 0.0


def fig_sweep_attribution(va, runs):
    """Share of the total's ES 99 per mineral (rows) and variant (columns), percent."""
    p = 100 * va["share"]
    fig, axes = panel_grid(1, ncols=1, row_in=0.26 * len(va["id"]) + 1.8)
    ax = axes[0]
    top = float(np.nanmax(p)) if np.isfinite(p).any() else 0.0
    im = ax.imshow(np.ma.masked_invalid(p), vmin=0, vmax=max(top, 1e-9), cmap="Purples", aspect="auto")
    for i in range(p.shape[0]):
        for j in range(p.shape[1]):
            ax.text(j, i, "%.1f" % p[i, j] if np.isfinite(p[i, j]) else "n/a", ha="center", va="center",
                    fontsize=6, color="w" if np.isfinite(p[i, j]) and p[i, j] > 0.6 * top else "k")
    ax.set_yticks(np.arange(len(va["id"])))
    ax.set_yticklabels([short(n, ATTR_LABEL) for n in va["name"]], fontsize=6.5)
    ax.set_xticks(np.arange(len(runs)))
    ax.set_xticklabels([r.legend for r in runs], fontsize=6.5, rotation=40, ha="right")
    ax.set_xlabel(runs[0].legend_title or "variant", fontsize=7)
    fig.colorbar(im, ax=ax, shrink=0.8).set_label("share of the total's ES 99 (%)", fontsize=7)
    return fig


def sweep_attribution_table(va, runs, tid):
    """The heat map's numbers: each share (data-fraction, as stored) with
    its 95% interval as the cell's tooltip; in tables of GRID_BLOCK
    variants (grid_blocks)."""
    h = []
    for bid, i0, part in grid_blocks(runs, tid):
        h.append('<div class="wide"><table id="%s" class="sweep"><caption>Share of the total loss\'s ES 99 '
                 '(percent) per mineral and variant, as in the heat map; hover a share for its 95%% interval.%s'
                 '</caption><tr><th class="l">source</th>' % (esc(bid), grid_part(i0, part, runs)))
        for r in part:
            h.append('<th title="%s">%s</th>' % (esc(r.label), breakable(r.legend, "/")))
        h.append("</tr>")
        for k, src in enumerate(va["id"]):
            row = ['<tr id="%s-%s"><td class="l">%s</td>' % (esc(bid), esc(src.replace("/", "-")),
                                                              esc(va["name"][k]))]
            for v, r in enumerate(part, i0):
                s, lo, hi = va["share"][k, v], va["lo"][k, v], va["hi"][k, v]
                cid = "%s-%s-%s" % (tid, src.replace("/", "-"), r.path.rsplit("/", 1)[-1])
                if not np.isfinite(s):
                    row.append('<td id="%s" class="na">n/a</td>' % esc(cid))
                    continue
                row.append('<td id="%s" data-fraction="%r" title="95%% interval %s &ndash; %s">%s</td>'
                           % (esc(cid), float(s), pct(lo), pct(hi), pct(s)))
            h.append("".join(row) + "</tr>")
        h.append("</table></div>")
    return "".join(h)


def sweep_attribution_section(page, f, runs):
    """The minerals' shares of each variant's tail loss, or a line saying
    the file has none (before format 1.9)."""
    page.section("sweep-attribution", "Tail attribution per variant")
    va = variant_attribution(runs)
    if va is None and any(read_attribution(r.group) is not None for r in runs):
        page.add('<p class="note">No tail attribution per variant: no variant\'s tail loss is '
                 'attributed to a mineral (the attribution of /variants/&lt;name&gt;/attribution '
                 'holds no mineral source of the total), so there is no map to draw.</p>')
        return
    if va is None:
        fv = ".".join(str(int(v)) for v in np.ravel(f.attrs["format_version"]))
        page.add('<p class="note">No tail attribution per variant: this file (format %s) has no '
                 '/variants/&lt;name&gt;/attribution (written from format 1.9 on), so the minerals\' '
                 'shares of each variant\'s tail loss are not drawn.</p>' % esc(fv))
        return
    page.figure("sweep-attribution", "Minerals' shares of the tail loss per variant",
                "Each mineral's share of the variant's tail loss: its part (co-ES 99) of the expected total "
                "loss over the horizon beyond the variant's VaR 99 (ES 99 of the total, GBP), in percent "
                "(cell text), from /variants/&lt;name&gt;/attribution (tail_share, series total). Each "
                "column is one variant and sums, with the last row (price noise, not attributed to a "
                "mineral), to 100%%; each variant has its own ES 99, so equal shares in two columns are "
                "not equal losses. The map shows no intervals: no share's 95%% interval reaches more than "
                "%.1f percentage points from it (the table below gives each)."
                % (100 * attribution_max_reach(va)), fig_sweep_attribution(va, runs),
                "share of the tail loss per mineral and variant")
    page.table(sweep_attribution_table(va, runs, "sweep-attribution-table"),
               "The heat map's shares (%d sources x %d variants)" % (len(va["id"]), len(runs)), len(va["id"]))
