"""report/uncertainty.py - the sections of an uncertainty study (kind
"uncertainty": /uncertainty and /base)."""

import math

from .base import FIG_WIDTH_IN, GBP_M, InputError, attr, np, plt, read, req, strings
from .figures import COLORS, esc, fmt, panel_grid, thousands, whiskers
from .page import MC_NOTE, headline_table, run_meta_rows, uk_sourcing_table
from .sweep import breakable

# ---- an uncertainty study (kind "uncertainty": /uncertainty and /base) -------------

UNC_STAT_LABEL = {"mean_loss": "mean total loss", "es99_loss": "ES 99% of the total loss",
                  "mean_gva_loss": "mean value added lost"}
UNC_MEASURE_LABEL = {"mean": "mean", "q50": "VaR 50%", "q90": "VaR 90%", "q95": "VaR 95%",
                     "q99": "VaR 99%", "es99": "ES 99%"}


def read_uncertainty(f):
    """/uncertainty (docs/STUDIES.md "Uncertainty"), shapes checked."""
    g = req(f, "uncertainty")
    u = {n: strings(g, n) for n in ("key", "statistic", "bound", "measure", "distribution", "setting",
                                    "row", "sample_row", "distribution_of_key")}
    for n in ("first_order", "total_order", "design", "row_statistic", "variance", "predictive",
              "settings", "sample_total_loss"):
        u[n] = read(g, n)
    k, ns, nb = len(u["key"]), len(u["statistic"]), len(u["bound"])
    # each key's unit (format 1.9; none before)
    u["key_unit"] = strings(g, "key_unit") if g.get("key_unit") is not None else [""] * k
    if len(u["key_unit"]) != k:
        raise InputError("damaged or incomplete minrisk file: /uncertainty/key_unit has %d values, expected %d"
                         % (len(u["key_unit"]), k))
    want = {"first_order": (k, ns, nb), "total_order": (k, ns, nb), "design": (len(u["row"]), k),
            "row_statistic": (len(u["row"]), ns), "variance": (ns,),
            "predictive": (len(u["distribution"]), len(u["measure"])), "settings": (len(u["setting"]),),
            "distribution_of_key": (k,)}
    for n, shape in want.items():
        if np.shape(u[n]) != shape:
            raise InputError("damaged or incomplete minrisk file: /uncertainty/%s has shape %s, expected %s"
                             % (n, np.shape(u[n]), shape))
    for n, names in (("bound", ("estimate", "ci_lo", "ci_hi")),
                     ("distribution", ("with_parameter_uncertainty", "base"))):
        for v in names:
            if v not in u[n]:
                raise InputError("damaged or incomplete minrisk file: /uncertainty/%s has no %s" % (n, v))
    u["ib"] = [u["bound"].index(b) for b in ("estimate", "ci_lo", "ci_hi")]
    u["setting_value"] = {name: int(v) for name, v in zip(u["setting"], u["settings"])}
    return u


def unc_ranked(u, s):
    """Key indices ranked by ST of statistic s, largest first, NaN last, ties
    in key order (as `minrisk uncertainty` and `minrisk summary` rank them)."""
    st = u["total_order"][:, s, u["ib"][0]]
    return sorted(range(len(u["key"])), key=lambda i: (math.isnan(st[i]), -st[i] if not math.isnan(st[i]) else 0, i))


def unc_sd(u, s):
    """sqrt(V) of statistic s over the A and B rows, GBP; None when V is not
    known. Where V passed DBL_MAX (stored as inf) it is formed from the rows
    scaled by their largest value, finite as in minrisk's tables
    (out/stats/sobol.c mr_sobol_sd; it printed "inf" here)."""
    v = float(u["variance"][s])
    if not v >= 0:
        return None
    if not math.isinf(v):
        return math.sqrt(v)
    n = len(u["row"]) // (2 + len(u["key"]))
    ab = np.asarray(u["row_statistic"][:2 * n, s], dtype=np.float64)
    m = float(np.max(np.abs(ab)))
    x = ab / m
    return m * math.sqrt(float(np.mean((x - x.mean()) ** 2)))


def unc_index_table(u, s, tid):
    """The ranked indices of statistic s: S1 and ST with their 95% intervals,
    printed as `minrisk uncertainty` prints them (3 decimals)."""
    ie, il, ih = u["ib"]
    h = ['<table id="%s"><caption>Sobol indices of the %s (sd over the A and B rows GBP %s m), ranked by '
         'the total index; 95%% percentile bootstrap intervals over the design rows.</caption><tr>'
         '<th class="l">rank</th><th class="l">key</th><th class="l">distribution</th>'
         '<th>first order S<sub>i</sub><br><span class="sub">95%% CI</span></th>'
         '<th>total S<sub>Ti</sub><br><span class="sub">95%% CI</span></th></tr>'
         % (esc(tid), esc(UNC_STAT_LABEL.get(u["statistic"][s], u["statistic"][s])),
            "%.4g" % (unc_sd(u, s) / GBP_M) if unc_sd(u, s) is not None else "n/a")]

    def idx(a, i):
        v, lo, hi = (float(a[i, s, j]) for j in (ie, il, ih))
        t3 = ["n/a" if math.isnan(x) else "%.3f" % x for x in (v, lo, hi)]
        return ('<td data-value="%r" data-ci-low="%r" data-ci-high="%r"><span class="v">%s</span>'
                '<span class="e">[%s, %s]</span></td>' % (v, lo, hi, t3[0], t3[1], t3[2]))

    for r, i in enumerate(unc_ranked(u, s)):
        h.append('<tr id="%s-%d"><td class="l">%d</td><td class="l">%s</td><td class="l small">%s</td>%s%s</tr>'
                 % (esc(tid), i, r + 1, breakable(u["key"][i], "."),
                    esc(u["distribution_of_key"][i] + (" " + u["key_unit"][i] if u["key_unit"][i] else "")),
                    idx(u["first_order"], i), idx(u["total_order"], i)))
    h.append("</table>")
    return "".join(h)


def fig_unc_indices(u, shown):
    """Per statistic a panel: S1 and ST per key (ranked by ST) as bars with
    their 95% intervals as whiskers."""
    ie, il, ih = u["ib"]
    fig, axes = panel_grid(len(shown), ncols=min(len(shown), 2), row_in=max(2.2, 0.45 * len(u["key"]) + 1.2))
    for s, ax in zip(shown, axes):
        order = unc_ranked(u, s)[::-1]  # largest at the top
        y = np.arange(len(order))
        for off, arr, label, color in ((0.2, u["first_order"], "first order S$_i$", COLORS[0]),
                                       (-0.2, u["total_order"], "total S$_{Ti}$", COLORS[1])):
            v = np.array([arr[i, s, ie] for i in order], dtype=float)
            ax.barh(y + off, np.nan_to_num(v), height=0.38, color=color, label=label, alpha=0.85)
            whiskers(ax, y + off, [arr[i, s, il] for i in order], [arr[i, s, ih] for i in order], along="x")
        ax.set_yticks(y)
        ax.set_yticklabels([u["key"][i] for i in order], fontsize=6.5)
        ax.axvline(0, color="0.4", lw=0.6)
        ax.set_title(UNC_STAT_LABEL.get(u["statistic"][s], u["statistic"][s]), fontsize=9)
        ax.set_xlabel("Sobol index (share of the variance over the rows)", fontsize=7)
        ax.tick_params(labelsize=6.5)
        ax.grid(True, axis="x", color="0.92")
        ax.legend(fontsize=7, loc="lower right")
    return fig


def unc_predictive_table(u, tid):
    """The predictive distribution of the total loss with parameter
    uncertainty beside the base scenario's, GBP m (the file's values)."""
    h = ['<table id="%s"><caption>Total loss over the horizon, GBP m. With parameter uncertainty: the %s '
         'trials of the A and B rows pooled; base: the scenario as written on the same %s trials. VaR: '
         'empirical quantile; ES: expected shortfall.</caption><tr><th class="l">distribution</th>'
         % (esc(tid), "{:,}".format(len(u["sample_row"]) * u["setting_value"].get("block_trials", 0)),
            "{:,}".format(u["setting_value"].get("block_trials", 0)))]
    h += ["<th>%s</th>" % esc(UNC_MEASURE_LABEL.get(m, m)) for m in u["measure"]]
    h.append("</tr>")
    label = {"with_parameter_uncertainty": "with parameter uncertainty", "base": "base (values as written)"}
    for d in ("with_parameter_uncertainty", "base"):
        i = u["distribution"].index(d)
        h.append('<tr id="%s-%s"><td class="l">%s</td>' % (esc(tid), esc(d), esc(label[d])))
        for m, name in enumerate(u["measure"]):
            v = float(u["predictive"][i, m])
            h.append('<td id="%s-%s-%s" data-gbp="%r">%s</td>' % (esc(tid), esc(d), esc(name), v, fmt(v)))
        h.append("</tr>")
    h.append("</table>")
    return "".join(h)


def fig_unc_predictive(u, base):
    """Exceedance curves of the total loss: the pooled A and B rows' trials
    and the base scenario's."""
    fig, ax = plt.subplots(figsize=(FIG_WIDTH_IN * 0.6, 3.4), layout="constrained")
    pooled = np.sort(np.ravel(u["sample_total_loss"]))[::-1] / GBP_M
    ax.plot(pooled, np.arange(1, pooled.size + 1) / pooled.size, color=COLORS[1],
            label="with parameter uncertainty (%d trials)" % pooled.size)
    x = base.total().horizon
    if x is not None:
        b = np.sort(x)[::-1] / GBP_M
        ax.plot(b, np.arange(1, b.size + 1) / b.size, color=COLORS[0], label="base (%d trials)" % b.size)
    ax.set_yscale("log")
    ax.set_xlabel("total loss over the horizon (GBP m)", fontsize=8)
    ax.set_ylabel("probability of exceeding", fontsize=8)
    thousands(ax, "x")
    ax.tick_params(labelsize=7)
    ax.grid(True, color="0.92")
    ax.legend(fontsize=7)
    return fig


def uncertainty_meta_rows(u, run, f, path, version):
    rows = run_meta_rows(run, f, path, version)
    sv = u["setting_value"]
    n, L = sv.get("rows", 0), sv.get("block_trials", 0)
    k = len(u["key"])
    rows[0] = ("Scenario", esc(attr(f, "scenario_name", "") or run.name))
    rows.insert(1, ("Kind", "uncertainty study of %d key%s: %d rows each of A and B, %d rows in all, each "
                    "run on trials 0..%d (common random numbers); %s bootstrap resamples"
                    % (k, "" if k == 1 else "s", n, n * (k + 2), L - 1,
                       "{:,}".format(sv.get("bootstrap_resamples", 0)))))
    rows = [r for r in rows if r[0] != "Trials"]
    return rows


def uncertainty_sections(page, u, base):
    """The page of an uncertainty file: the ranked indices (figure and
    tables), the predictive distribution against the base, the keys, and
    the base run's UK sourcing and headline losses."""
    page.section("sobol", "Sobol indices")
    shown = [s for s in range(len(u["statistic"])) if u["variance"][s] > 0]
    flat = [u["statistic"][s] for s in range(len(u["statistic"])) if s not in shown]
    if shown:
        page.figure("uncertainty-indices", "Sobol indices per key",
                    "First-order (S<sub>i</sub>) and total (S<sub>Ti</sub>) Sobol indices of each statistic "
                    "of a design row's trials, per uncertain key, ranked by the total index, with their 95% "
                    "percentile bootstrap intervals (whiskers). Estimates may fall outside [0, 1] and an "
                    "interval need not contain its estimate; with few rows only the total indices say much "
                    "(docs/STUDIES.md, Uncertainty).", fig_unc_indices(u, shown), "Sobol indices per key")
    for s in shown:
        page.add(unc_index_table(u, s, "uncertainty-indices-" + u["statistic"][s]))
    if flat:
        page.add('<p class="note">No indices for %s: the statistic does not vary over the design rows.</p>'
                 % ", ".join(esc(UNC_STAT_LABEL.get(v, v)) for v in flat))
    page.section("predictive", "Predictive distribution vs base")
    page.add(unc_predictive_table(u, "uncertainty-predictive"))
    page.figure("uncertainty-predictive", "Exceedance of the total loss",
                "Probability that the total loss over the horizon exceeds a value (log scale): the trials of "
                "the A and B rows pooled (parameter uncertainty included) and the base scenario on the same "
                "trials.", fig_unc_predictive(u, base), "predictive exceedance curves")
    if base.indicators is not None and base.indicators["uk"] is not None:
        page.section("uk-sourcing", "UK sourcing and world top share (base)")
        page.add(uk_sourcing_table(base, "uk-sourcing"))
    page.section("headline", "Headline losses of the base")
    page.add(headline_table(base, "headline"))
    page.add(MC_NOTE)
