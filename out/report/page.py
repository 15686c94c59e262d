"""report/page.py - the HTML page and the sections of a run file."""

import base64
import math

from .base import (ATTR_BARS, CI_Z, COLLAPSE_ROWS, GBP_M, HEADLINE_RP, MARKET_COLS, RP_MARKS, TABLE_TOP,
                   TOP_PER_KIND, attr, mean_se, name_attribution, np, prob_ci, prob_ci_name, wilson)
from .figures import (ATTR_BREAKDOWNS, Figure, PLURAL, breakdown_rows, cell, err_ci, err_se, esc,
                      fig_attribution, fig_breakdown, fig_exceedance_annual, fig_exceedance_horizon, fig_fan,
                      fig_histograms, fig_indicators, fig_inoperability, fig_shortage, pct)

# ---- HTML ------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#222;
 margin:0 auto;max-width:1140px;padding:0 20px 40px;line-height:1.4;font-size:14px}
nav.toc{position:sticky;top:0;z-index:10;background:#fff;border-bottom:1px solid #ccc;padding:6px 0;
 font-size:12.5px;display:flex;flex-wrap:wrap;gap:2px 14px}
nav.toc b{font-weight:600}nav.toc a{color:#1a4f8b;text-decoration:none;white-space:nowrap}
nav.toc a:hover{text-decoration:underline}
main{min-width:0;padding-top:8px}h2,figure,table{scroll-margin-top:64px}
@media (min-width:1560px){body{max-width:1420px;display:grid;grid-template-columns:200px minmax(0,1140px);
 column-gap:32px}nav.toc{display:block;align-self:start;max-height:100vh;overflow-y:auto;border-bottom:none;
 border-right:1px solid #ddd;padding:16px 8px 16px 0;font-size:13px}nav.toc b,nav.toc a{display:block;padding:2px 0}
 h2,figure,table{scroll-margin-top:8px}}
details{margin:6px 0 12px}details>summary{cursor:pointer;color:#1a4f8b;font-size:13.5px}
tr.sum td,tr.sum th{border-top:2px solid #999}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #ccc;
 padding-bottom:3px}h3{font-size:15px;margin:16px 0 6px}
p.desc{color:#444;margin:2px 0 10px}
table{border-collapse:collapse;margin:6px 0 10px}
caption{caption-side:top;text-align:left;font-size:12.5px;color:#555;padding-bottom:3px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:right;vertical-align:top}
th{background:#f3f3f3;font-weight:600}td.l,th.l{text-align:left}
table.meta td,table.meta th{text-align:left;border:none;padding:1px 10px 1px 0}
span.v{display:block;font-variant-numeric:tabular-nums}
span.e{display:block;font-size:11px;color:#666;font-variant-numeric:tabular-nums}
td.na{color:#777}
tr.flag td{background:#fdecea}td.flag{color:#b3261e;font-weight:600}
figure{margin:10px 0 22px}figure img{max-width:100%;height:auto;display:block}
figcaption{font-size:12.5px;color:#444;margin-top:4px}
.note{font-size:12.5px;color:#555}
.cols{display:flex;gap:24px;flex-wrap:wrap}
.small,td.small{font-size:12px}span.sub{font-size:11px;font-weight:400;color:#555}
div.wide{overflow-x:auto;max-width:100%}div.wide th{overflow-wrap:anywhere}
table.sweep{font-size:13px}table.sweep th{font-size:12.5px}
table.sweep span.e,table.diff span.e,td.nw{white-space:nowrap}td.top{min-width:7em}
"""

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


class Page:
    def __init__(self, title):
        self.title = title
        self.parts = []
        self.figures = []
        self.toc = []

    def add(self, s):
        self.parts.append(s)

    def table(self, html_text, summary, rows, fold=None):
        """A table, folded in a <details> (closed) when it has more than
        COLLAPSE_ROWS rows (fold: force either way)."""
        if fold is None:
            fold = rows > COLLAPSE_ROWS
        if fold:
            self.add("<details><summary>%s</summary>%s</details>" % (esc(summary), html_text))
        else:
            self.add(html_text)

    def section(self, sid, title):
        self.toc.append((sid, title))
        self.add('<h2 id="%s">%s</h2>' % (esc(sid), esc(title)))

    def figure(self, fid, title, caption, fig, alt, fold=False):
        """A figure; fold: inside a <details>, closed (a secondary figure)."""
        f = Figure(fid, title, caption, fig, alt)
        f.fold = fold
        self.figures.append(f)
        self.add(("\x00FIG%d\x00" % (len(self.figures) - 1)))
        return f

    def render(self, header):
        body = []
        for p in self.parts:
            if p.startswith("\x00FIG"):
                f = self.figures[int(p[4:-1])]
                uri = "data:image/png;base64," + base64.b64encode(f.png).decode("ascii")
                html_fig = (
                    '<figure id="fig-%s"><h3>%s</h3><img id="img-%s" src="%s" width="%d" height="%d" '
                    'alt="%s"><figcaption>%s Files: <a href="fig-%s.svg">SVG</a>, '
                    '<a href="fig-%s.png">PNG</a>.</figcaption></figure>'
                    % (esc(f.id), esc(f.title), esc(f.id), uri, f.size[0], f.size[1], esc(f.alt),
                       f.caption, esc(f.id), esc(f.id)))
                if getattr(f, "fold", False):
                    html_fig = "<details><summary>Figure: %s</summary>%s</details>" % (esc(f.title), html_fig)
                body.append(html_fig)
            else:
                body.append(p)
        nav = '<nav class="toc" id="toc"><b>Contents</b><a href="#top">Top</a>%s</nav>' % "".join(
            '<a href="#%s">%s</a>' % (esc(i), esc(t)) for i, t in self.toc)
        return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
                '<meta http-equiv="Content-Security-Policy" content="%s">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                '<title>%s</title>\n<style>%s</style></head>\n<body>\n%s\n<main id="top">\n%s\n%s\n</main>\n'
                '</body></html>\n' % (CSP, esc(self.title), CSS, nav, header, "\n".join(body)))


def meta_table(rows):
    return '<table class="meta">%s</table>' % "".join(
        "<tr><th>%s</th><td>%s</td></tr>" % (esc(k), v) for k, v in rows)


def seconds(obj, name):
    """A finite, non-negative time attribute in seconds, else None (absent, NaN, not a number)."""
    try:
        v = float(np.ravel(obj.attrs[name])[0])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return v if math.isfinite(v) and v >= 0 else None


def run_meta_rows(run, f, path, version):
    ri = f.get("run_info")
    rows = [("Scenario", esc(run.name)), ("File", esc(path))]
    rows.append(("Seed", esc(run.seed)))
    rows.append(("Trials", "{:,}".format(run.trials)))
    if getattr(run, "weights_void", False):
        rows.append(("Weights", "<b>importance-sampled, but the weights sum to 0 or to no finite number "
                     "(every likelihood ratio under- or overflowed): every weighted figure of this "
                     "report (losses, probabilities, attribution) is meaningless; weaken the tilt (docs/STUDIES.md, Importance sampling)</b>"))
    rows.append(("Horizon", "%d years, %d steps a year" % (run.horizon_years, run.steps_per_year)))
    rows.append(("Software", "minrisk %s wrote the file (format %s); report by minrisk %s"
                 % (esc(run.software), esc(".".join(str(int(v)) for v in attr(f, "format_version", [0, 0]))),
                    esc(version))))
    if ri is not None:
        bits = []
        if "date" in ri.attrs:
            bits.append("run %s" % esc(attr(ri, "date")))
        wall = seconds(ri, "wall_seconds")
        analysis = seconds(ri, "analysis_seconds")
        if wall is not None and analysis:  # the whole command: simulation + analysis (none: 0)
            bits.append("%.3g s of simulation + %.3g s of analysis" % (wall, analysis))
        elif wall is not None:
            bits.append("%.3g s of simulation" % wall)
        if "threads" in ri.attrs:
            bits.append("%d rank(s) x %d thread(s)" % (int(attr(ri, "ranks", 1)), int(attr(ri, "threads"))))
        if "host" in ri.attrs:
            bits.append("on %s" % esc(attr(ri, "host")))
        rows.append(("Run", ", ".join(bits)))
    return rows


def loss_cells(run, se, p, ci_data=False):
    """The cells mean, VaR 95%, VaR 99% and ES 99% of a Series, ids p-<stat>."""
    q95, q99 = run.iq[0.95], run.iq[0.99]
    # an importance-sampled run bootstraps the total's VaR interval only
    # (docs/OUTPUT.md "Weighted estimators"): the others are not too few
    why = "not computed for a weighted run" if run.weighted else "too few trials"
    return "".join((
        cell(se.mean, err_se(se.se), p + "-mean", se.se),
        cell(se.q[q95], err_ci(se.q_lo[q95], se.q_hi[q95], why), p + "-var95",
             ci=(se.q_lo[q95], se.q_hi[q95]) if ci_data else None),
        cell(se.q[q99], err_ci(se.q_lo[q99], se.q_hi[q99], why), p + "-var99",
             ci=(se.q_lo[q99], se.q_hi[q99]) if ci_data else None),
        stored_ci_cell(se.es[run.ies], se.es_ci, p + "-es99")))


def ci_text(ci):
    """A stored bootstrap interval, or why there is none: not in the file
    (None), or too few trials (NaN as stored)."""
    if ci is None:
        return "CI not stored"
    return err_ci(ci[0], ci[1])


def stored_ci_cell(value, ci, cid):
    """A cell with a stored bootstrap interval (data-ci-low/-high: the file's values)."""
    return cell(value, ci_text(ci), cid,
                ci=ci if ci is not None and (np.isfinite(ci[0]) or np.isfinite(ci[1])) else None)


def headline_table(run, tid):
    h = ['<table id="%s"><caption>GBP m; over the %d-year horizon, except AAL and the 1-in-%d '
         'loss (annual). Under each figure its Monte Carlo error.</caption>'
         '<tr><th class="l">series</th><th>mean loss<br>&plusmn; SE</th>'
         '<th>VaR 95%%<br>95%% CI</th><th>VaR 99%%<br>95%% CI</th><th>ES 99%%<br>95%% CI (bootstrap)</th>'
         '<th>AAL<br>&plusmn; SE</th><th>1-in-%d annual loss<br>95%% CI (bootstrap)</th></tr>'
         % (esc(tid), run.horizon_years, HEADLINE_RP, HEADLINE_RP)]
    for se in run.series:
        p = "%s-%s" % (tid, se.id)
        h.append('<tr><td class="l">%s</td>%s%s%s</tr>' % (
            esc(se.label), loss_cells(run, se, p),
            cell(se.aal, err_se(se.aal_se), p + "-aal", se.aal_se),
            stored_ci_cell(se.rp[run.irp], se.rp_ci, p + "-rp%d" % HEADLINE_RP)))
    h.append("</table>")
    return "".join(h)


def mineral_table(run, tid):
    t = run.mineral_trials
    rows = ['<table id="%s"><tr><th class="l">mineral</th><th>P(short)<br>95%% CI</th>'
            '<th>mean shortfall<br>(%% of demand) &plusmn; SE</th><th>months short<br>&plusmn; SE</th>'
            '<th>P(stockpile empty)<br>95%% CI</th><th>mean peak price<br>(P/P0) &plusmn; SE</th></tr>' % esc(tid)]

    def se_of(key, i, scale):
        if key not in t:
            return "SE not estimated"
        se = mean_se(t[key][:, i], run.weights)[1]
        return "&plusmn; %.3g" % (scale * se) if np.isfinite(se) else "n/a"

    def stock_empty(i):
        """P(stockpile empty) and its interval (prob_ci); NaN means the mineral
        has no stockpile (files written before that convention hold 0)."""
        pe = float(run.mineral_table["stock_empty"][i])
        cid = ' id="%s-%s-stock-empty"' % (esc(tid), esc(run.minerals[i]))
        if not np.isfinite(pe):
            return '<td%s class="na"><span class="v">no stockpile</span><span class="e">n/a</span></td>' % cid
        elo, ehi = prob_ci(run, "stock_empty", i, pe)
        return ('<td%s data-fraction="%r" data-ci-low="%r" data-ci-high="%r"><span class="v">%s</span>'
                '<span class="e">%s &ndash; %s</span></td>' % (cid, pe, elo, ehi, pct(pe), pct(elo), pct(ehi)))

    for i, m in enumerate(run.minerals):
        p = float(run.shortage_prob[i])
        lo, hi = prob_ci(run, "short", i, p)
        rows.append(
            '<tr><td class="l">%s</td><td id="%s-%s-short" data-fraction="%r" data-ci-low="%r" data-ci-high="%r">'
            '<span class="v">%s</span><span class="e">%s &ndash; %s</span></td>'
            '<td><span class="v">%.3g%%</span><span class="e">%s</span></td>'
            '<td><span class="v">%.3g</span><span class="e">%s</span></td>'
            '%s<td><span class="v">%.3gx</span><span class="e">%s</span></td></tr>' % (
                esc(run.mineral_names[i]), esc(tid), esc(m), p, lo, hi, pct(p), pct(lo), pct(hi),
                100 * run.mineral_table["shortfall_mean"][i], se_of("shortfall_mean", i, 100),
                run.mineral_table["shortfall_months"][i], se_of("shortfall_months", i, 1),
                stock_empty(i),
                run.mineral_table["price_peak"][i], se_of("price_peak", i, 1)))
    rows.append("</table>")
    return "".join(rows)


def gva_headline_table(run, tid):
    """The headline on the value-added basis (format 1.3 on): value added
    lost, extra input cost and their sum, the headline loss, over the
    horizon, with the statistics and errors of the headline table."""
    h = ['<table id="%s"><caption>GBP m; over the %d-year horizon. Value added lost: '
         '/trials/total_gva_loss; extra input cost: total_loss - total_gva_loss of each trial; '
         'headline: /summary/total_loss. Under each figure its Monte Carlo error.</caption>'
         '<tr><th class="l">part</th><th>mean loss<br>&plusmn; SE</th><th>VaR 95%%<br>95%% CI</th>'
         '<th>VaR 99%%<br>95%% CI</th><th>ES 99%%<br>95%% CI (bootstrap)</th></tr>'
         % (esc(tid), run.horizon_years)]
    for se in run.gva_parts + [run.total()]:
        label = se.label if se.id != "total" else "Headline (value added lost + extra input cost)"
        h.append('<tr><td class="l">%s</td>%s</tr>'
                 % (esc(label), loss_cells(run, se, "%s-%s" % (tid, se.id), ci_data=True)))
    h.append("</table>")
    return "".join(h)


def gva_sector_table(run, tid):
    """Per sector (format 1.3 on, /summary): value added lost with its VaR
    99% and ES 99%, extra input cost, the headline and gross output lost."""
    sp = run.sector_parts
    q99, ies = run.iq[0.99], run.ies
    h = ['<table id="%s"><caption>GBP m; over the %d-year horizon; from /summary. The headline '
         'is value added lost + extra input cost; gross output (turnover) lost is a secondary figure, '
         'not added. ES 99%% of a sector has no error estimate here.</caption>'
         '<tr><th class="l">sector</th><th>value added lost<br>mean &plusmn; SE</th>'
         '<th>value added lost<br>VaR 99%%, 95%% CI</th><th>value added lost<br>ES 99%%</th>'
         '<th>extra input cost<br>mean &plusmn; SE</th><th>headline<br>mean &plusmn; SE</th>'
         '<th>gross output lost<br>mean &plusmn; SE</th></tr>' % (esc(tid), run.horizon_years)]
    for j, sid in enumerate(run.sectors):
        p = "%s-%s" % (tid, sid)
        g = sp["sector_gva_loss"]
        cells = [cell(g["mean"][j], err_se(g["se"][j]), p + "-gva-mean", g["se"][j]),
                 cell(g["quantile"][j, q99], err_ci(g["quantile_ci_low"][j, q99], g["quantile_ci_high"][j, q99],
                                                    "not computed for a weighted run" if run.weighted
                                                    else "too few trials"),
                      p + "-gva-var99"),
                 cell(g["es"][j, ies], "no interval in the file", p + "-gva-es99")]
        for v, key in (("sector_extra_cost", "extra-cost"), ("sector_loss", "headline"),
                       ("sector_output_loss", "output")):
            d = sp[v]
            cells.append(cell(d["mean"][j], err_se(d["se"][j]), "%s-%s-mean" % (p, key), d["se"][j]))
        h.append('<tr><td class="l">%s</td>%s</tr>' % (esc(run.sector_names[j]), "".join(cells)))
    h.append("</table>")
    return "".join(h)


def market_table(run, tid):
    """Per mineral (format 1.3 on, /trials): the means over trials of the
    open market's figures, each with its SE, and the share of trials in
    which the price sat on the guard (max_multiple), with its Wilson
    interval. data-value holds the exact mean (data-fraction the share)."""
    mk, N = run.market, run.trials
    h = ['<table id="%s"><caption>Means over the trials of each trial\'s figure, &plusmn; SE. Prices '
         'are multiples of the reference price P0 (x reference): the market price is the clearing price '
         'without the noise term, the home price that of a country restricting its exports. Minerals '
         'without a market block show the scarcity premium and no stock or demand figures (0).%s</caption>'
         '<tr><th class="l">mineral</th>'
         % (esc(tid), "" if run.weights is None else
            " Importance-sampled run: each trial counts with its weight (/trials/weight: sum w x / N, SE the "
            "sd of w x over &radic;N; docs/OUTPUT.md, Weighted estimators); the share on the guard's interval "
            "is &plusmn; 1.96 SE.")]
    for _, _, head, unit, _ in MARKET_COLS:
        h.append("<th>%s<br>(%s)</th>" % (esc(head), esc(unit)))
    h.append("<th>trials on the guard<br>(%, 95% CI)</th></tr>")
    for i, m in enumerate(run.minerals):
        p = "%s-%s" % (tid, m)
        row = ['<tr><td class="l">%s</td>' % esc(run.mineral_names[i])]
        for key, _, _, unit, scale in MARKET_COLS:
            mean, se = mean_se(mk[key][:, i], run.weights)
            sign = "x" if unit == "x reference" else "%" if unit.startswith("%") else ""
            shown = "%.3g%s" % (scale * mean, sign)
            err = "&plusmn; %.3g%s" % (scale * se, sign) if np.isfinite(se) else "n/a"
            row.append('<td id="%s-%s" data-value="%r"><span class="v">%s</span><span class="e">%s</span></td>'
                       % (esc(p), key.replace("_", "-"), mean, shown, err))
        on = mk["guard_months"][:, i] > 0
        if run.weights is None:
            share = float(np.count_nonzero(on)) / N
            lo, hi = wilson(share, N)
        else:  # weighted: sum of the weights on the guard / N, +- 1.96 SE of w [on]
            share, se = mean_se(on.astype(float), run.weights)
            lo, hi = max(0.0, share - CI_Z * se), min(1.0, share + CI_Z * se)
        row.append('<td id="%s-guard" data-fraction="%r"><span class="v">%s</span><span class="e">%s &ndash; '
                   '%s</span></td></tr>' % (esc(p), share, pct(share), pct(lo), pct(hi)))
        h.append("".join(row))
    h.append("</table>")
    return "".join(h)


def gva_sections(page, run):
    """The headline on the value-added basis and per sector (format 1.3 on)."""
    page.section("value-added", "Headline on value added")
    page.add('<p class="note">Loss basis of this file: <b>%s</b> (value added: every sector has '
             '<code>gva_gbp</code>; output: none has; mixed: some). Headline loss = value added lost + '
             'extra input cost (docs/MODEL.md &sect;8).%s</p>' % (
                 esc(run.loss_basis), "" if run.loss_basis == "value added" else
                 " A sector without <code>gva_gbp</code> counts its gross output lost (turnover) as "
                 "value added lost, an upper bound of it."))
    if run.gva_parts is not None:
        page.add(gva_headline_table(run, "gva-headline"))
    else:
        page.add('<p class="note">The parts have no per-trial figures in this file (no '
                 '/trials/total_gva_loss: <code>output.trials: none</code>).</p>')
    page.add("<h3>Per sector</h3>")
    page.table(gva_sector_table(run, "gva-sectors"), "Per sector: value added lost, extra input cost, headline "
               "and gross output lost (%d sectors)" % len(run.sectors), len(run.sectors))


def indicator_table(run, tid):
    ind = run.indicators
    rows = ['<table id="%s"><tr><th class="l">mineral</th><th class="l">stage</th><th>HHI (x10<sup>4</sup>)</th>'
            '<th>HHI<sub>WGI</sub> (0&ndash;10)</th><th class="l">top country</th><th>top share</th>'
            '<th class="l">flag</th></tr>' % esc(tid)]
    for i in range(len(ind["mineral"])):
        flag = bool(ind["above_cap"][i])
        assumed = ind["wgi_assumed"] is not None and bool(ind["wgi_assumed"][i])
        rows.append('<tr%s><td class="l">%s</td><td class="l">%s</td><td>%.0f</td><td>%.2f%s</td>'
                    '<td class="l">%s</td><td>%s</td><td class="l%s">%s</td></tr>' % (
                        ' class="flag"' if flag else "", esc(ind["mineral_name"][i]), esc(ind["stage"][i]),
                        1e4 * ind["hhi"][i], ind["hhi_wgi"][i], "*" if assumed else "",
                        esc(ind["top_country_name"][i]), pct(ind["top_share"][i]),
                        " flag" if flag else "", "ABOVE CAP" if flag else ""))
    rows.append("</table>")
    n_above = int(np.sum(np.asarray(ind["above_cap"]) != 0))
    rows.append('<p class="note">%d of %d stages above the cap of %s (%s). HHI = sum of supplier shares '
                'squared; HHI<sub>WGI</sub> weights each share squared by 10 - 2 (WGI + 2.5), the EU '
                'method; * a supplier without a WGI score, 5 assumed. No sampling: these have no Monte '
                'Carlo error.</p>' % (n_above, len(ind["mineral"]), pct(ind["cap"], 0),
                                      esc(ind["cap_description"] or "cap")))
    return "".join(rows)


def uk_sourcing_table(run, tid):
    """UK sourcing top share (after any policy cap) beside the world's top
    share of the same mineral's product stage (/indicators/uk, /indicators)."""
    ind = run.indicators
    uk = ind["uk"]
    world = {(ind["mineral"][i], ind["stage"][i]): i for i in range(len(ind["mineral"]))}

    def flag(on):
        return '<td class="l flag side">ABOVE CAP</td>' if on else '<td class="l"></td>'

    before = uk.get("top_share_before") is not None
    rows = [('<table id="%s"><tr><th class="l">mineral</th><th class="l">stage</th>' % esc(tid))
            + ('<th class="l">UK top before policy</th>' if before else "") +
            '<th class="l">UK top country</th><th>UK top share<br>after policy</th><th>UK HHI (x10<sup>4</sup>)</th>'
            '<th class="l">UK flag</th><th class="l">world top country</th><th>world top share</th>'
            '<th>world HHI (x10<sup>4</sup>)</th><th class="l">world flag</th><th class="l">UK basis</th></tr>']
    n_fallback = 0
    for k in range(len(uk["mineral"])):
        w = world.get((uk["mineral"][k], uk["stage"][k]))
        if uk["basis"][k] == "data":
            basis = "UK data: " + esc(uk["source"][k])
        else:
            basis = "open-market fallback (no UK import data)"
            n_fallback += 1
        if uk["capped"][k]:
            basis += ", capped"
        rows.append('<tr%s><td class="l">%s</td><td class="l">%s</td>' % (
            ' class="flag"' if uk["above_cap"][k] else "", esc(uk["mineral_name"][k]),
            esc(uk["stage"][k])))
        if before:
            rows.append('<td class="l">%s %s</td>' % (esc(uk["top_country_before_name"][k]),
                                                     pct(uk["top_share_before"][k])))
        rows.append('<td class="l">%s</td><td>%s</td><td>%.0f</td>%s' % (
            esc(uk["top_country_name"][k]), pct(uk["top_share"][k]), 1e4 * uk["hhi"][k],
            flag(bool(uk["above_cap"][k]))))
        if w is None:
            rows.append('<td class="l">&ndash;</td><td></td><td></td><td class="l"></td>')
        else:
            rows.append('<td class="l">%s</td><td>%s</td><td>%.0f</td>%s' % (
                esc(ind["top_country_name"][w]), pct(ind["top_share"][w]), 1e4 * ind["hhi"][w],
                flag(bool(ind["above_cap"][w]))))
        rows.append('<td class="l">%s</td></tr>' % basis)
    rows.append("</table>")
    n_above = int(np.sum(np.asarray(uk["above_cap"]) != 0))
    rows.append('<p class="note">%d of %d minerals\' UK sourcing above the cap of %s; %d of %d on the '
                'open-market fallback: without UK import data the open market\'s shares of the product '
                'stage (refining if present, else mining) stand in for the UK\'s, so those rows say '
                'nothing about where the UK actually buys. UK shares are after any diversification cap '
                '("capped": the cap changed them; "before policy" gives the top country and share '
                'before it). No sampling.</p>' % (n_above, len(uk["mineral"]), pct(ind["cap"], 0), n_fallback,
                                   len(uk["mineral"])))
    return "".join(rows)


def attribution_table(att, tid, kind):
    """The total's breakdown by one kind of source: every source of the kind
    by tail share (the TABLE_TOP largest; the rest summed in one row), the
    remainder rows and the sum (100%), with the counterfactual columns."""
    s = len(att["series"]) - 1  # the total
    rows_all = breakdown_rows(dict(att), s, kind)
    v = att["tail_share"][s]
    idx = [i for i, k in enumerate(att["kind"]) if k == kind and np.isfinite(v[i])]
    idx.sort(key=lambda i: (-v[i], att["source"][i]))
    shown = idx[:TABLE_TOP]
    extra = [k for k in ("mean_removed", "es99_removed") if k in att]
    head = ('<table id="%s"><caption>%s Share of the total\'s tail loss (the expected loss beyond its VaR '
            '99) by %s: %s; the rows add up to 100%%.%s</caption><tr><th class="l">rank</th>'
            '<th class="l">%s</th><th>tail share<br>95%% CI</th>'
            % (esc(tid), esc(dict((k, q) for k, _, q in ATTR_BREAKDOWNS)[kind]), esc(kind),
               "all %d" % len(idx) if len(shown) == len(idx) else "the %d largest of %d, the rest in one row"
               % (len(shown), len(idx)),
               " Counterfactual columns: how much the mean loss and the ES 99 fall when the source never "
               "disrupts (GBP m; they do not add up: sources interact)." if extra else "", esc(kind)))
    for k in extra:
        head += "<th>%s (GBP m)<br>95%% CI</th>" % ("mean loss removed" if k == "mean_removed" else "ES 99% removed")
    out = [head + "</tr>"]

    def share_cells(share, lo, hi):
        return '<td data-fraction="%r"><span class="v">%s</span><span class="e">%s</span></td>' % (
            share, pct(share), ("%s &ndash; %s" % (pct(lo), pct(hi))) if np.isfinite(lo) or np.isfinite(hi)
            else "&nbsp;")

    lo, hi = att.get("tail_share_lo"), att.get("tail_share_hi")
    for r, i in enumerate(shown):
        row = '<tr id="%s-%s"><td class="l">%d</td><td class="l" title="%s">%s</td>%s' % (
            esc(tid), esc(att["source"][i]), r + 1, esc(att["source"][i]), esc(att["name"][i]),
            share_cells(float(v[i]), float(lo[s][i]) if lo is not None else math.nan,
                        float(hi[s][i]) if hi is not None else math.nan))
        for k in extra:
            klo, khi = att.get(k + "_lo"), att.get(k + "_hi")
            e = err_ci(klo[s][i], khi[s][i]) if klo is not None and khi is not None else "CI not stored"
            row += cell(att[k][s][i], e)
        out.append(row + "</tr>")
    blank = "<td></td>" * len(extra)
    rest = idx[TABLE_TOP:]
    if rest:
        out.append('<tr><td class="l"></td><td class="l">%d other %s</td>%s%s</tr>'
                   % (len(rest), PLURAL[kind], share_cells(float(np.sum(v[rest])), math.nan, math.nan), blank))
    total = float(np.sum(v[idx]))
    for label, share, slo, shi, role in rows_all:
        if role in ("outages", "none"):
            out.append('<tr><td class="l"></td><td class="l">%s</td>%s%s</tr>'
                       % (esc(label), share_cells(share, slo, shi), blank))
            total += share
    out.append('<tr class="sum"><td class="l"></td><th class="l">sum</th><td id="%s-sum" data-fraction="%r">'
               '<b>%s</b></td>%s</tr></table>' % (esc(tid), total, pct(total), blank))
    return "".join(out)


MC_NOTE = (
    '<p class="note"><b>Monte Carlo error</b>, every one read from the file. Mean and AAL: &plusmn; the '
    'standard error (sd/&radic;N; for the AAL over the per-trial mean annual losses, as the years of one '
    'trial are not independent). VaR: the distribution-free 95%% confidence interval from order '
    'statistics (n/a with too few trials; in an importance-sampled run the total\'s is a weighted '
    'bootstrap interval and the others are not computed). ES 99%% and the 1-in-%d annual loss: the 95%% percentile '
    'interval of a bootstrap over the trials (1,000 resamples, each trial with all its years) that the '
    'run computed and stored in /summary (<code>*_es99_ci_low/high</code>, '
    '<code>*_return_period_loss_1in100_ci_low/high</code>; n/a with fewer than 1,000 trials, "CI not '
    'stored" in files without them: before format 1.6, the sectors of a weighted run (whose total has its '
    'weighted bootstrap, total_loss_es_ci_*, return_period_loss_ci_*), or the base run of an uncertainty '
    'file). All losses in '
    'GBP m (10<sup>6</sup> GBP); over the horizon unless "annual".</p>'
    % HEADLINE_RP)


def run_sections(page, run, f, att):
    if run.indicators is not None and run.indicators["uk"] is not None:
        page.section("uk-sourcing", "UK sourcing and world top share")
        n = len(run.indicators["uk"]["mineral"])
        page.table(uk_sourcing_table(run, "uk-sourcing"), "UK sourcing beside the world's top share "
                   "(%d minerals)" % n, n)
    page.section("headline", "Headline losses")
    page.add(headline_table(run, "headline"))
    page.add(MC_NOTE)
    if run.loss_basis is not None:
        gva_sections(page, run)
    page.section("exceedance", "Loss exceedance")
    page.figure("exceedance", "Annual loss exceedance curves",
                "Annual loss (all of a sector's losses in a calendar year of the horizon, GBP m) against the "
                "return period in years (log scale): the loss exceeded on average once in R years. Points: "
                "the file's return-period losses (/summary); the thin line for the total is the empirical "
                "curve of all N x H annual losses. %s Dotted lines mark %s years; the labels give the loss "
                "there." % ("Importance-sampled run: the points, the empirical curve and the bands are "
                            "weighted (docs/OUTPUT.md, \"Weighted estimators\"): the bands are the weighted "
                            "bootstrap intervals of /loss_tables (aep_lo, aep_hi; the total's is /summary's; "
                            "n/a where fewer than 10 sampled values lie above)." if run.weighted_tables else
                            "Importance-sampled run: the points and the empirical curve are weighted "
                            "(docs/OUTPUT.md, \"Weighted estimators\"); the total's band is its weighted "
                            "bootstrap interval (/summary return_period_loss_ci_low, _high), and the "
                            "sectors have none." if run.weighted else
                            "The shaded bands are the 95% bootstrap intervals stored in /loss_tables "
                            "(aep_lo, aep_hi; n/a where N H / R &lt; 10)." if run.total().rp_band is not None
                            else "No bands: the file has no /loss_tables (<code>minrisk run --events</code> "
                            "stores the intervals at every return period).",
                            ", ".join(str(r) for r in RP_MARKS)),
                fig_exceedance_annual([run], "exceedance", False),
                "annual loss exceedance curves per sector and in total")
    page.figure("exceedance-horizon", "Horizon loss exceedance curves",
                "Loss over the whole %d-year horizon (GBP m) exceeded in 1 of R simulated horizons (log "
                "scale): R = 1/(1-p) for the VaR at level p. Line: empirical curve from /trials; points "
                "with whiskers: VaR at p = 0.5 ... 0.999 with its distribution-free 95%% confidence "
                "interval; band: the same intervals joined. The line puts the j-th largest of N losses at "
                "R = N/(j - 1/2), the point of level p is the ceil(pN)-th smallest (the VaR's estimator), "
                "so a point can sit just below the line at its R. Dotted lines at R = %s."
                % (run.horizon_years, ", ".join(str(r) for r in RP_MARKS)),
                fig_exceedance_horizon([run], "exceedance-horizon", False),
                "horizon loss exceedance curves per sector and in total with confidence bands", fold=True)
    page.section("histograms", "Loss distributions")
    page.figure("histograms", "Loss histograms",
                "Distribution of the loss over the horizon over the trials (GBP m; 50 equal bins, "
                "counts on a log scale, so single extreme trials are visible). Solid line: mean; "
                "dashed: VaR 99%%. Losses below zero are trials where input prices fell.%s"
                % ("" if not run.weighted else
                   " Importance-sampled run: each trial counts with its weight w (/trials/weight), so a bar "
                   "is N times the estimated probability of its bin, like the weighted mean and VaR; "
                   "without /trials the stored histogram counts the tilted trials unweighted."),
                fig_histograms(run), "histograms of the loss over the horizon", fold=True)
    page.section("fans", "Over time")
    if run.inop_hit is not None and not np.any(np.asarray(run.inop_hit) > 0):
        page.add('<p class="note" id="fan-inoperability-none">No sector is disrupted (inoperability q at least '
                 '1%) at any step of any trial (/summary/inoperability_disrupted_prob is 0 throughout): no '
                 'output is lost, and the losses are extra input costs, the price rises shown below.</p>')
    elif run.inop_hit_band is not None and run.inop_tail is not None and run.tail_band is not None:
        page.figure("fan-inoperability", "Sector inoperability when disrupted",
                    "Inoperability q (fraction of the sector's output lost) at each step of the horizon. "
                    "Blue: the path given a disruption, the median and 5-95% band over the trials in which "
                    "the sector is disrupted at that step (q at least 1%), so how deep a disruption is when "
                    "there is one (/summary/inoperability_disrupted_band; gaps where no trial is). Grey "
                    "area, right axis: the share of trials disrupted at the step "
                    "(inoperability_disrupted_prob). Red: the 90% (dotted) and 99% (dashed) quantiles over "
                    "all trials (inoperability_tail_band). All computed by the run from its histograms, "
                    "exact to 0.0005 in q.",
                    fig_inoperability(run), "sector inoperability given a disruption, over time")
    else:  # files before format 1.6
        page.figure("fan-inoperability", "Sector inoperability",
                    "Inoperability q (fraction of the sector's output lost) at each step of the horizon: "
                    "median and 5-95% band over the trials (quantiles exact to 0.0005). A median of zero "
                    "with a wide band means most trials have no disruption at that time (this file has no "
                    "bands given a disruption: format 1.6 adds them).",
                    fig_fan(run, run.inop_band, run.sector_names, "inoperability (fraction)", False),
                    "fan charts of sector inoperability over time")
    page.figure("fan-price", "Price ratios",
                "Price relative to the reference price, P/P0 (log scale), at each step: median and "
                "5-95%% band over the trials%s (quantiles of ln P/P0 exact to 0.005)."
                % (", and the 90% (dotted) and 99% (dashed) quantiles" if run.price_tail is not None else ""),
                fig_fan(run, run.price_band, run.mineral_names, "price ratio P/P0", True, run.price_tail),
                "fan charts of the price ratio per mineral over time")
    page.section("minerals", "Shortages per mineral")
    page.figure("shortage", "Shortage probability",
                "Probability that the national shortfall of a mineral exceeds 1%% of demand at some "
                "step of the horizon, with its 95%% %s." % prob_ci_name([run]),
                fig_shortage([run], False), "shortage probability per mineral")
    page.table(mineral_table(run, "minerals-table"), "Shortages, shortfall, stockpile and price per mineral "
               "(%d minerals)" % len(run.minerals), len(run.minerals))
    if run.loss_basis is not None:
        page.section("markets", "Open markets per mineral")
        if run.market is not None:
            page.table(market_table(run, "market-table"), "Open-market figures per mineral (%d minerals)"
                       % len(run.minerals), len(run.minerals))
        else:
            page.add('<p class="note">No per-mineral trial figures in this file (<code>output.trials: '
                     'totals</code> or <code>none</code>).</p>')
    if att is not None:
        attribution_sections(page, att, run)
    if run.indicators is not None:
        page.section("indicators", "Static indicators")
        page.figure("indicators", "Supplier concentration",
                    "Share of the largest supplier of each mineral and stage (fraction), red above the "
                    "diversification cap (dashed line); the label is the top country. From the resolved "
                    "scenario: no sampling.", fig_indicators(run),
                    "largest supplier share per mineral and stage against the cap", fold=True)
        n = len(run.indicators["mineral"])
        page.table(indicator_table(run, "indicators-table"), "Concentration per mineral and stage (%d rows)" % n, n)


FEW_TAIL_TRIALS = 50  # as `minrisk summary` (out/tables/attr_print.c)


def few_tail_caveat(tail_trials):
    """The caveat `minrisk summary` prints under a series whose ES 99 tail
    set has under FEW_TAIL_TRIALS trials (0: not known), for the report:
    one line for the series; "" when none has so few."""
    few = [int(n) for n in (tail_trials if tail_trials is not None else []) if 0 < n < FEW_TAIL_TRIALS]
    if not few:
        return ""
    lo, hi = min(few), max(few)
    count = "%d" % lo if lo == hi else "%d to %d" % (lo, hi)
    return ("Caveat: only %s tail trial%s (under %d) in %s: the shares, removals and their intervals "
            "rest on few trials and are unreliable."
            % (count, "" if hi == 1 else "s", FEW_TAIL_TRIALS,
               "every series" if len(few) == len(tail_trials) else "%d of the series" % len(few)))


def attribution_sections(page, att, run):
    name_attribution(att, run)
    page.section("attribution", "Attribution")
    desc = (" The file: <i>%s</i>." % esc(att["description"].rstrip("."))) if att["description"] else ""
    page.add('<p class="note">The tail loss of a series is its expected loss beyond its VaR 99 (ES 99). '
             'It is broken down three ways, each adding up to 100%%: by mineral, by supplying country and '
             'by named event; a source appears in one breakdown only, so compare bars within a chart, '
             'not across them. Whiskers: the 95%% intervals stored in /attribution.%s%s</p>'
             % (desc, "" if not run.weighted else
                " Importance-sampled run: the tail, its shares and the counterfactual removals are "
                "weighted by each trial's likelihood ratio (docs/STUDIES.md, Attribution)."
                if run.format_version >= (1, 8) else
                " Importance-sampled run, format 1.7: these are of the sampled trials, unweighted "
                "(the tilted law); format 1.8 weights them."))
    few = few_tail_caveat(att["tail_trials"])
    if few:
        page.add('<p class="note">%s</p>' % esc(few))
    for kind, title, question in ATTR_BREAKDOWNS:
        if not any(k == kind for k in att["kind"]):
            continue
        extra = {"mineral": "Each mineral's share plus the part not attributed (no disruption exposure: "
                            "price noise) makes 100%.",
                 "country": "Each country's share (its country and supplier outages and the events it "
                            "imposes) plus the part not attributed makes 100%.",
                 "event": "The named events' shares, the part owed to country and supplier outages "
                          "(1 - events - not attributed) and the part not attributed make 100%."}[kind]
        page.figure("attribution-" + kind, "Tail loss %s" % title.lower(),
                    "%s %s Per series (the total first), the largest %d sources of the kind, the others summed "
                    "(light blue)." % (esc(question), extra, ATTR_BARS),
                    fig_breakdown(att, kind), "tail loss by %s, per series" % kind)
    for key, title, what, label in (
            ("mean_removed", "Mean loss removed", "mean loss", "mean loss removed (GBP m)"),
            ("es99_removed", "ES 99% removed", "ES 99%", "ES 99% removed (GBP m)")):
        if key in att:
            page.figure("attribution-" + key.replace("_", "-"), "Counterfactual: " + title,
                        "How much each series' %s over the horizon falls when the source never "
                        "disrupts (the same random numbers), GBP m: the top %d sources of each kind, "
                        "with 95%% intervals where the file stores them. Amounts, not shares: they do "
                        "not add up (sources interact)." % (what, TOP_PER_KIND),
                        fig_attribution(att, key, label, GBP_M, None), title.lower() + " per source")
    for kind, title, _ in ATTR_BREAKDOWNS:
        if any(k == kind for k in att["kind"]):
            n = sum(1 for k in att["kind"] if k == kind)
            page.table(attribution_table(att, "attribution-table-" + kind, kind),
                       "Ranking of the total's tail loss %s (%d sources)" % (title.lower(), n), n + 3)
