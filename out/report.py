#!/usr/bin/python3
"""report.py - `minrisk report`: a one-page, self-contained HTML report of a
minrisk result file, with its figures also written as PNG and SVG files.

    report.py FILE.h5 -o DIR [--quiet] [--minrisk-version V]

Normally started by `minrisk report` (sim/cmd/report.c), which checks the
arguments first. Reads run files, the comparison ("compare") and sweep
("sweep") files of docs/OUTPUT.md and the uncertainty studies
("uncertainty") of docs/STUDIES.md; what the page shows and how every Monte
Carlo error is computed is docs/REPORT.md. Only the standard library,
numpy, h5py and matplotlib (Agg backend), as Debian packages them.

The page embeds every figure as a PNG data URI and loads nothing else (its
Content-Security-Policy forbids it), so the single report.html works offline.
The same input gives the same files (no time stamp is written). Every
Monte Carlo error shown is read from the file: the C side computes and
stores every bootstrap interval (docs/OUTPUT.md); this script resamples
nothing.

Exit status: 0 done; 2 bad input (not a minrisk file, damaged, bad output
directory); 1 any other failure; 130 interrupted. Every error is one line
on stderr naming the file; nothing is left at the output path on failure
(the report is written to DIR.tmp.<pid> and renamed). `minrisk report`
holds the lock DIR.lock while this script runs (sim/cmd/report.c, as
`minrisk run` holds OUTPUT.lock): a second report into the same DIR is
refused there; under that lock this script removes the temporaries
DIR.tmp.<pid> and DIR.old.<pid> of a report killed outright (SIGKILL)
once their process is gone. Run directly, this script takes no lock.
"""

import os
import signal
import sys


def _early_signal(signum, frame):
    """Ctrl-C, SIGTERM or SIGHUP before main() took over (while numpy, h5py
    and matplotlib load, a second or more): nothing is made yet but
    matplotlib's private configuration directory. One line, 130. (A
    KeyboardInterrupt here printed a traceback of the import, and SIGHUP
    killed the script.)"""
    if _MPL_TMP is not None:
        shutil.rmtree(_MPL_TMP, ignore_errors=True)
    os.write(2, b"minrisk report: interrupted; nothing written\n")
    os._exit(130)


_MPL_TMP = None
if __name__ == "__main__":
    for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(_sig, _early_signal)

# the rest after the handlers: a signal while they load is one line too
import base64
import html
import io
import math
import shutil
import tempfile
import warnings

# matplotlib wants a writable configuration directory and warns on stderr
# without one: give it a private one when the user's home is not writable.
if "MPLCONFIGDIR" not in os.environ and not os.access(os.path.expanduser("~"), os.W_OK):
    _MPL_TMP = tempfile.mkdtemp(prefix="minrisk-mpl-")
    os.environ["MPLCONFIGDIR"] = _MPL_TMP

_MISSING = None
try:
    import numpy as np
    import h5py
    import matplotlib
    if __name__ == "__main__":  # the report draws off screen; imported (minrisk.plot), the caller's backend stays
        matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "minrisk-report"  # reproducible SVG ids
    import matplotlib.pyplot as plt
except ImportError as _e:
    _MISSING = _e.name

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

GBP_M = 1e6                      # GBP per GBP m: every loss is printed in GBP m
RP_MARKS = (10, 50, 100, 200)    # return periods marked on the exceedance curves (years)
HEADLINE_RP = 100                # the "1-in-100" annual loss of the headline table (years)
ES_LEVEL = 0.99                  # the ES of the headline table
CI_Z = 1.959963984540054         # standard normal 97.5% point (95% two-sided intervals)
SHORTFALL_THRESHOLD = 0.01       # "short": peak shortfall above 1% of demand (mineral_shortage_prob)
TOP_PER_KIND = 5                 # attribution (counterfactuals): top sources shown per kind and series
ATTR_BARS = 8                    # attribution: sources shown per breakdown and series (the rest summed)
SHORTAGE_BARS_MAX = 4            # shortage bars side by side for up to this many runs, else a heat map
TABLE_TOP = 15                   # attribution: sources in each ranking table of the total
HIGHLIGHT_OVER = 4               # sweeps of more variants: curves drawn grey but the reference and extremes
COLLAPSE_ROWS = 5                # tables of more rows are folded (<details>) by default
FIG_WIDTH_IN = 11.0              # figure width, inches (1100 px at FIG_DPI)
FIG_DPI = 100
MARKER = ".minrisk-report"       # marks a directory this script wrote (safe to replace)
ATTR_KINDS = ("mineral", "country", "event", "none")


class InputError(Exception):
    """Bad input: the file or the output path (exit status 2)."""


class Interrupted(Exception):
    """SIGTERM (SIGINT arrives as KeyboardInterrupt)."""


# ---- estimators (docs/OUTPUT.md "Estimators") --------------------------------

def rank_position(n, p):
    """n p, snapped to the integer it is within 1e-12 (relative) of."""
    x = n * p
    r = float(round(x))
    return r if abs(x - r) <= 1e-12 * max(1.0, abs(x)) else x


def rank(n, p):
    """k(n, p) = ceil(n p) clamped to [1, n]: Q(p) = X_(k)."""
    return int(min(max(math.ceil(rank_position(n, p)), 1), n))


# A multiset of values is held as vals (descending), counts (int, >= 0) and
# cum = cumsum(counts) (all ones for the sorted values of a sample).

def ms_kth_largest(vals, cum, j):
    """The j-th largest value (j >= 1, j <= cum[-1])."""
    return float(vals[int(np.searchsorted(cum, j, side="left"))])


def ms_top_sum(vals, counts, cum, t):
    """Sum of the t largest values (t <= cum[-1])."""
    if t <= 0:
        return 0.0
    i = int(np.searchsorted(cum, t, side="left"))
    prev = int(cum[i - 1]) if i > 0 else 0
    return float(np.dot(vals[:i], counts[:i])) + (t - prev) * float(vals[i])


def ms_es(vals, counts, cum, n, p):
    """ES_p of a multiset of n values: ((k - n p) X_(k) + sum_{i>k} X_(i)) / (n - n p)."""
    pos = rank_position(n, p)
    k = rank(n, p)
    wk = max(k - pos, 0.0)
    t = n - k
    xk = ms_kth_largest(vals, cum, t + 1)
    w = wk + t
    if not w > 0.0:
        return xk
    return (ms_top_sum(vals, counts, cum, t) + (wk * xk if wk > 0.0 else 0.0)) / w


def quantile_ci(xs, p, level=0.95):
    """The distribution-free confidence interval [X_(l), X_(u)] of the
    quantile Q(p) of the values xs sorted ascending, with the ranks of
    docs/OUTPUT.md "Estimators" (Conover): l the largest rank with
    P(B <= l - 1) <= a, u the smallest with P(B >= u) <= a, B ~ Bin(n, p),
    a = (1 - level) / 2; NaN where no rank qualifies (too few values)."""
    n, a = len(xs), (1.0 - level) / 2
    if n < 1 or not 0.0 < p < 1.0:
        return (math.nan, math.nan)
    i = np.arange(1, n + 1, dtype=float)
    log_comb = np.concatenate(([0.0], np.cumsum(np.log(n - i + 1) - np.log(i))))
    k = np.arange(n + 1, dtype=float)
    pmf = np.exp(log_comb + k * math.log(p) + (n - k) * math.log1p(-p))
    cdf = np.cumsum(pmf)              # P(B <= k)
    sf = np.cumsum(pmf[::-1])[::-1]   # P(B >= k)
    low = int(np.count_nonzero(cdf[:n] <= a))     # ranks 1..low have P(B <= r - 1) <= a
    up = np.nonzero(sf[1:] <= a)[0]                 # ranks u = 1..n with P(B >= u) <= a
    return (float(xs[low - 1]) if low >= 1 else math.nan,
            float(xs[up[0]]) if up.size else math.nan)


def wilson(p, n):
    """Wilson 95% interval of a binomial proportion p of n."""
    if not n:
        return (math.nan, math.nan)
    z2 = CI_Z * CI_Z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = CI_Z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def prob_ci(run, key, i, p):
    """The 95% interval of the probability p of mineral i read from
    /summary (key: "short", peak shortfall above 1% of demand, or
    "stock_empty", the stockpile ran empty). Plain run: Wilson, binomial
    over the N trials. Importance-sampled run: the binomial does not hold
    for the weighted estimate sum w 1{A} / N, which can even pass 1; the
    interval is p -+ 1.96 SE of w 1{A} over the trials (the lower end
    floored at 0), n/a without /trials or when no trial has the event (an
    SE of 0 would claim an exact 0)."""
    if not run.weighted:
        return wilson(p, run.trials)
    ind = getattr(run, "prob_trials", {}).get(key)
    if ind is None or run.weights is None or not np.any(ind[:, i]):
        return (math.nan, math.nan)
    se = mean_se(ind[:, i].astype(float), run.weights)[1]
    if not np.isfinite(se):
        return (math.nan, math.nan)
    return (max(0.0, p - CI_Z * se), p + CI_Z * se)


def prob_ci_name(runs):
    """How the shortage probabilities' intervals of runs are made, for captions."""
    w = [r.weighted for r in runs]
    if not any(w):
        return "Wilson interval (binomial over N trials)"
    if all(w):
        return ("interval of the weighted estimate (&plusmn; 1.96 SE of w 1{short} over the trials; "
                "importance-sampled: n/a without /trials or with no trial short)")
    return ("interval (Wilson, binomial over N trials; in an importance-sampled run &plusmn; 1.96 SE of "
            "w 1{short} over the trials)")


# ---- reading -------------------------------------------------------------------

def req(group, name):
    """A dataset or group that must exist."""
    try:
        return group[name]
    except KeyError:
        raise InputError("missing %s/%s (damaged, or not a result file?)"
                         % (group.name.rstrip("/"), name)) from None


def read(group, name):
    return req(group, name)[()]


def numbers(group, name, shape):
    """A dataset of numbers (floats or integers) of the given shape (None:
    any extent along that axis); a damaged file else (exit status 2, as the
    C readers: not an IndexError or ValueError from deep in the report)."""
    ds = req(group, name)
    if ds.dtype.kind not in "fiu":
        raise InputError("damaged or incomplete minrisk file: %s holds %s, not numbers"
                         % (ds.name, "strings" if ds.dtype.kind in "OSU" else ds.dtype))
    want = tuple(shape)
    if len(ds.shape) != len(want) or any(w is not None and d != w for d, w in zip(ds.shape, want)):
        raise InputError("damaged or incomplete minrisk file: %s has shape %s, expected %s"
                         % (ds.name, list(ds.shape), ["any" if w is None else w for w in want]))
    return ds[()]


def strings(group, name):
    ds = req(group, name)
    try:
        return [str(s) for s in ds.asstr()[()]]
    except (TypeError, ValueError):
        raise InputError("%s: not a string dataset" % ds.name) from None


def attr(obj, name, default=None):
    v = obj.attrs.get(name, default)
    if isinstance(v, bytes):
        v = v.decode("utf-8", "replace")
    return v


def index_of(coord, value, name):
    """Index of a coordinate value (exact float match after the file's own
    values); name: the coordinate's dataset, for the message."""
    values = np.asarray(coord, dtype=float)
    hits = np.nonzero(np.isclose(values, value, rtol=1e-12, atol=0))[0]
    if not hits.size:
        held = ", ".join("%g" % v for v in values.ravel()[:8])
        raise InputError("damaged or incomplete minrisk file: %s has no level %g (it holds %s)"
                         % (name, value, held or "nothing"))
    return int(hits[0])


def require_finite(value, name):
    """A run writes finite losses only (it refuses non-finite results): a NaN
    or infinite mean loss is a damaged file, not a report of n/a."""
    if not math.isfinite(value):
        raise InputError("damaged or incomplete minrisk file: %s is %s, but a run writes finite "
                         "losses only: nothing to report" % (name, value))
    return value


class Series:
    """One loss series of a run: a sector or the total."""

    def __init__(self, sid, label):
        self.id, self.label = sid, label
        self.horizon = None      # [N] GBP, per trial (None: not stored)
        self.annual = None       # [N, H] GBP (total only)
        self.mean = self.se = math.nan
        self.q = self.q_lo = self.q_hi = None  # [6] GBP
        self.es = None           # [3] GBP
        self.aal = self.aal_se = math.nan
        self.rp = None           # [9] GBP
        self.es_ci = None        # 95% bootstrap interval of ES 99, as stored in /summary (None: not stored)
        self.rp_ci = None        # ... of the 1-in-100 annual loss, as stored in /summary
        self.rp_band = None      # (lo [9], hi [9]): /loss_tables aep_lo, aep_hi of the series


NO_CI = (math.nan, math.nan)


def stored_ci(s, name, j=None):
    """(low, high) of /summary/<name>_ci_low/_high (element j of a per-sector
    pair; NaN as stored when too few trials), or None when the file has none
    (before format 1.6, or a streamed run without the per-trial losses the
    bootstrap needs)."""
    if name + "_ci_low" not in s or name + "_ci_high" not in s:
        return None
    lo, hi = s[name + "_ci_low"][()], s[name + "_ci_high"][()]
    if j is not None:
        if np.ndim(lo) != 1 or j >= len(lo) or np.shape(hi) != np.shape(lo):
            raise InputError("%s/%s_ci_low: shape does not match sectors" % (s.name, name))
        return (float(lo[j]), float(hi[j]))
    return (float(lo), float(hi))


def pretty_id(ident):
    """An id as a display name when the scenario gives none: ree_light ->
    "Ree light"; short upper-case codes (country codes) stay as they are."""
    t = str(ident)
    if t.isupper() or not t:
        return t
    t = t.replace("_", " ").replace("-", " ").strip()
    return t[:1].upper() + t[1:]


def display_names(ids, names):
    """Display names: the file's <kind>_name, prettified where it is the id
    (the loader's default when a scenario gives no name:)."""
    return [n if n != i else pretty_id(i) for i, n in zip(ids, names)]


def weighted_quantile_es(x, w, n, p):
    """Q(p) and ES_p of the values x with weights w (importance-sampled
    trials), normalised by n: docs/OUTPUT.md "Weighted estimators". G(v) =
    sum of the weights above v (ties of v not above); Q(p) the smallest
    value v with G(v) <= n - n p; ES_p = (S_wx + (n - np - S_w) v) / (n - np)
    over the values above v, the term of v left out at weight 0."""
    order = np.argsort(x, kind="stable")
    xs, ws = np.asarray(x, float)[order], np.asarray(w, float)[order]
    u, start = np.unique(xs, return_index=True)
    wsum = np.add.reduceat(ws, start)              # weight of each tie group
    above = np.concatenate((np.cumsum(wsum[::-1])[::-1][1:], [0.0]))  # G(u_j): weight above u_j
    tail = n - rank_position(n, p)
    j = int(np.nonzero(above <= tail)[0][0])
    v = float(u[j])
    top = xs > v
    s_w = float(np.sum(ws[top]))
    s_wx = float(np.sum(ws[top] * xs[top]))
    rest = tail - s_w
    if not tail > 0.0:
        return v, v
    return v, (s_wx + (rest * v if rest != 0.0 else 0.0)) / tail


def series_of_trials(sid, label, x, quantile, es_level, weights=None):
    """A Series of the per-trial losses x [N] (GBP) with the statistics that
    /summary stores for the total, by the estimators of docs/OUTPUT.md: for
    a loss the file has per trial but not in /summary (total_gva_loss).
    weights: the trials' likelihood ratios of an importance-sampled run
    (/trials/weight): the weighted estimators ("Weighted estimators"; no
    order-statistic interval of the VaR, which is for plain samples)."""
    se = Series(sid, label)
    se.horizon = x
    n = x.size
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        wx = w * x
        se.mean = float(np.sum(wx) / n)
        se.se = float(np.std(wx, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
        se.q = np.array([weighted_quantile_es(x, w, n, p)[0] for p in quantile])
        se.q_lo = np.full(len(quantile), math.nan)
        se.q_hi = np.full(len(quantile), math.nan)
        se.es = np.array([weighted_quantile_es(x, w, n, p)[1] for p in es_level])
        return se
    xs = np.sort(x)
    se.mean = float(np.mean(x))
    se.se = float(np.std(x, ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    se.q = np.array([xs[rank(n, p) - 1] for p in quantile])
    ci = [quantile_ci(xs, p) for p in quantile]
    se.q_lo = np.array([c[0] for c in ci])
    se.q_hi = np.array([c[1] for c in ci])
    vals = xs[::-1]
    ones = np.ones(n)
    cum = np.cumsum(ones)
    se.es = np.array([ms_es(vals, ones, cum, n, p) for p in es_level])
    return se


def mean_se(x, weights=None):
    """Mean over the finite values of x and its standard error sd/sqrt(n)
    (NaN when fewer than two). weights: the trials' likelihood ratios of an
    importance-sampled run: sum w x / n and the sample sd of w x over
    sqrt(n) (docs/OUTPUT.md "Weighted estimators")."""
    x = np.asarray(x, dtype=float)
    ok = np.isfinite(x)
    x = x[ok]
    if weights is not None:
        x = np.asarray(weights, dtype=float)[ok] * x
    if not x.size:
        return (math.nan, math.nan)
    return (float(np.sum(x) / x.size) if weights is not None else float(np.mean(x)),
            float(np.std(x, ddof=1) / math.sqrt(x.size)) if x.size > 1 else math.nan)


# The per-mineral market figures of the report (format 1.3 on): key, /trials
# dataset, column head, unit, scale of the shown value.
MARKET_COLS = (
    ("price_peak_market", "mineral_price_peak_market", "market price peak", "x reference", 1.0),
    ("home_price_peak", "mineral_home_price_peak", "home price peak of a restricting country",
     "x reference", 1.0),
    ("market_loss_peak", "mineral_market_loss_peak", "peak open-market supply loss",
     "% of its demand", 100.0),
    ("stock_drawn_peak", "mineral_stock_drawn_peak", "peak commercial stock drawn",
     "months of demand", 1.0),
    ("demand_destroyed", "mineral_demand_destroyed", "demand destroyed", "months of demand", 1.0),
)


class Run:
    """The run held in one group: the file root of a run file, /runs/a of a
    comparison, /variants/<name> of a sweep."""

    def __init__(self, f, g, label, legend=None):
        self.label = label
        self.legend = legend or label
        self.legend_title = None
        self.group = g
        self.path = g.name
        a = g.attrs
        if attr(g, "format", attr(f, "format")) != "minrisk":
            raise InputError("not a minrisk file")
        self.name = attr(g, "scenario_name", "")
        self.description = attr(g, "scenario_description", "")
        self.seed = int(attr(g, "seed", 0))
        self.trials = int(attr(g, "trials", 0))
        self.horizon_years = int(attr(g, "horizon_years", 0))
        self.steps_per_year = int(attr(g, "steps_per_year", 0))
        self.software = attr(g, "software_version", attr(f, "software_version", "?"))
        if "trials" not in a or self.trials < 1 or self.horizon_years < 1:
            raise InputError("%s: missing or bad root attributes (trials, horizon_years)" % g.name)
        self.sectors = strings(g, "sector")
        self.sector_names = display_names(self.sectors, strings(g, "sector_name") if "sector_name" in g
                                          else self.sectors)
        self.minerals = strings(g, "mineral")
        self.mineral_names = display_names(self.minerals, strings(g, "mineral_name") if "mineral_name" in g
                                           else self.minerals)
        countries = strings(g, "country") if "country" in g else []
        cnames = strings(g, "country_name") if "country_name" in g and len(countries) else countries
        self.names = {"sector": dict(zip(self.sectors, self.sector_names)),
                      "mineral": dict(zip(self.minerals, self.mineral_names)),
                      "country": dict(zip(countries, display_names(countries, cnames)))}
        s = req(g, "summary")
        self.summary = s
        self.quantile = numbers(s, "quantile", (None,))
        self.es_level = numbers(s, "es_level", (None,))
        self.return_period = numbers(s, "return_period", (None,))
        self.band = numbers(s, "band", (None,))
        S, M = len(self.sectors), len(self.minerals)
        Q, E, R, B = (len(self.quantile), len(self.es_level), len(self.return_period),
                      len(self.band))
        T = numbers(s, "step", (None,)).shape[0]
        self.months_per_step = float(attr(req(s, "step"), "months_per_step", 12.0 / max(1, self.steps_per_year)))
        tr = g.get("trials")
        self.trials_group = tr
        # an importance-sampled run (/importance, attribute weighted = 1):
        # /summary holds the weighted estimators; the empirical curves drawn
        # from /trials take the weights too; /loss_tables' intervals are
        # weighted from format 1.8 (before, of the sampled years unweighted,
        # and not drawn)
        imp = g.get("importance")
        self.weighted = imp is not None and int(attr(imp, "weighted", 0)) == 1
        # the weights sum to 0 or to no finite number (/importance/ess NaN:
        # every likelihood ratio under- or overflowed): every weighted figure
        # is meaningless, and the page says so at its top
        self.weights_void = (self.weighted and "ess" in imp
                             and not float(np.asarray(imp["ess"][()], float)) > 0)
        self.weights = None
        if self.weighted and tr is not None and "weight" in tr:
            self.weights = tr["weight"][()]
            if self.weights.shape != (self.trials,):
                raise InputError("%s: shape does not match trials" % tr["weight"].name)
        self.series = []
        sec = {name: numbers(s, name, shape) for name, shape in (
            ("sector_loss_mean", (S,)), ("sector_loss_se", (S,)),
            ("sector_loss_quantile", (S, Q)), ("sector_loss_quantile_ci_low", (S, Q)),
            ("sector_loss_quantile_ci_high", (S, Q)), ("sector_loss_es", (S, E)),
            ("sector_aal", (S,)), ("sector_aal_se", (S,)),
            ("sector_return_period_loss", (S, R)))}
        for j, sid in enumerate(self.sectors):
            se = Series(sid, self.sector_names[j])
            se.mean = float(sec["sector_loss_mean"][j])
            se.se = float(sec["sector_loss_se"][j])
            se.q = sec["sector_loss_quantile"][j]
            se.q_lo = sec["sector_loss_quantile_ci_low"][j]
            se.q_hi = sec["sector_loss_quantile_ci_high"][j]
            se.es = sec["sector_loss_es"][j]
            se.aal = float(sec["sector_aal"][j])
            se.aal_se = float(sec["sector_aal_se"][j])
            se.rp = sec["sector_return_period_loss"][j]
            se.es_ci = stored_ci(s, "sector_loss_es99", j)
            se.rp_ci = stored_ci(s, "sector_return_period_loss_1in100", j)
            self.series.append(se)
        # format 1.3 on (root attribute loss_basis): the headline is value
        # added lost + extra cost, per sector too (/summary/sector_loss)
        self.loss_basis = attr(g, "loss_basis", attr(f, "loss_basis"))
        base = "sector_gva_loss" if self.loss_basis is not None else "sector_output_loss"
        if tr is not None and base in tr and "sector_extra_cost" in tr:
            ol = tr[base][()]
            xc = tr["sector_extra_cost"][()]
            if ol.shape != (self.trials, S) or xc.shape != (self.trials, S):
                raise InputError("%s: shape does not match trials x sectors" % tr[base].name)
            for j, se in enumerate(self.series):
                se.horizon = ol[:, j] + xc[:, j]
        tot = Series("total", "Total")
        tot.mean = require_finite(float(numbers(s, "total_loss_mean", ())), s.name + "/total_loss_mean")
        tot.se = float(numbers(s, "total_loss_se", ()))
        tot.q = numbers(s, "total_loss_quantile", (Q,))
        tot.q_lo = numbers(s, "total_loss_quantile_ci_low", (Q,))
        tot.q_hi = numbers(s, "total_loss_quantile_ci_high", (Q,))
        tot.es = numbers(s, "total_loss_es", (E,))
        tot.aal = float(numbers(s, "aal", ()))
        tot.aal_se = float(numbers(s, "aal_se", ()))
        tot.rp = numbers(s, "return_period_loss", (R,))
        tot.es_ci = stored_ci(s, "total_loss_es99")
        tot.rp_ci = stored_ci(s, "return_period_loss_1in100")
        if tr is not None and "total_loss" in tr:
            tot.horizon = tr["total_loss"][()]
            if tot.horizon.shape != (self.trials,):
                raise InputError("%s: shape does not match trials" % tr["total_loss"].name)
        if tr is not None and "annual_loss" in tr:
            tot.annual = tr["annual_loss"][()]
            if tot.annual.shape != (self.trials, self.horizon_years):
                raise InputError("%s: shape does not match trials x years" % tr["annual_loss"].name)
        self.series.append(tot)
        fv = [int(v) for v in np.ravel(attr(f, "format_version", [1, 0]))]
        self.format_version = tuple(fv[:2])
        self.weighted_tables = self.weighted and self.format_version >= (1, 8) and g.get("loss_tables") is not None
        if self.weighted and not self.weighted_tables:  # /summary's weighted intervals (total only)
            if "return_period_loss_ci_low" in s and "return_period_loss_ci_high" in s:
                tot.rp_band = (read(s, "return_period_loss_ci_low"), read(s, "return_period_loss_ci_high"))
        else:
            self._read_loss_tables(g.get("loss_tables"))
        self.hist_count = numbers(s, "total_loss_hist_count", (None,))
        self.hist_edges = numbers(s, "total_loss_hist_edges", (len(self.hist_count) + 1,))
        self.inop_band = numbers(s, "inoperability_band", (T, S, B))
        self.price_band = numbers(s, "price_ratio_band", (T, M, B))
        # format 1.6 on: the upper tail (0.9, 0.99) and the bands given a
        # disruption at the step (docs/OUTPUT.md); None before
        self.tail_band = read(s, "tail_band") if "tail_band" in s else None
        self.inop_tail = read(s, "inoperability_tail_band") if "inoperability_tail_band" in s else None
        self.price_tail = read(s, "price_ratio_tail_band") if "price_ratio_tail_band" in s else None
        self.inop_hit = read(s, "inoperability_disrupted_prob") if "inoperability_disrupted_prob" in s else None
        self.inop_hit_band = (read(s, "inoperability_disrupted_band")
                              if "inoperability_disrupted_band" in s else None)
        self.shortage_prob = numbers(s, "mineral_shortage_prob", (M,))
        self.mineral_table = {
            "shortfall_mean": numbers(s, "mineral_shortfall_mean_avg", (M,)),
            "shortfall_months": numbers(s, "mineral_shortfall_months_avg", (M,)),
            "stock_empty": numbers(s, "mineral_stockpile_empty_prob", (M,)),
            "price_peak": numbers(s, "mineral_price_peak_avg", (M,)),
        }
        self.mineral_trials = {}
        if tr is not None:
            for key, name in (("shortfall_mean", "mineral_shortfall_mean"),
                              ("shortfall_months", "mineral_shortfall_months"),
                              ("price_peak", "mineral_price_peak")):
                if name in tr and tr[name].shape == (self.trials, len(self.minerals)):
                    self.mineral_trials[key] = tr[name][()]
        # per trial, the events whose probabilities /summary holds (for the
        # intervals of an importance-sampled run: prob_ci)
        self.prob_trials = {}
        if tr is not None:
            shape = (self.trials, len(self.minerals))
            if "mineral_shortfall_peak" in tr and tr["mineral_shortfall_peak"].shape == shape:
                self.prob_trials["short"] = tr["mineral_shortfall_peak"][()] > SHORTFALL_THRESHOLD
            if "mineral_stockpile_empty_month" in tr and tr["mineral_stockpile_empty_month"].shape == shape:
                self.prob_trials["stock_empty"] = np.isfinite(tr["mineral_stockpile_empty_month"][()])
        self.indicators = self._read_indicators(g.get("indicators"))
        self._name_indicators()
        self.gva_parts = self.market = None
        if self.loss_basis is not None:
            self._read_v2(s, tr)
        self.iq = {p: index_of(self.quantile, p, s.name + "/quantile") for p in (0.95, 0.99)}
        self.ies = index_of(self.es_level, ES_LEVEL, s.name + "/es_level")
        self.irp = index_of(self.return_period, HEADLINE_RP, s.name + "/return_period")
        if self.weighted:  # the weighted bootstrap intervals of the total (docs/OUTPUT.md, /importance)
            tot = self.total()
            for attr_name, base, k in (("es_ci", "total_loss_es_ci", self.ies),
                                       ("rp_ci", "return_period_loss_ci", self.irp)):
                if getattr(tot, attr_name) is None and base + "_low" in s and base + "_high" in s:
                    lo, hi = read(s, base + "_low"), read(s, base + "_high")
                    n = len(self.es_level) if attr_name == "es_ci" else len(self.return_period)
                    if lo.shape == (n,) and hi.shape == (n,):
                        setattr(tot, attr_name, (float(lo[k]), float(hi[k])))

    def mineral_name(self, m):
        return self.names["mineral"].get(m) or pretty_id(m)

    def country_name(self, c):
        return self.names["country"].get(c) or pretty_id(c)

    def _name_indicators(self):
        """Display names beside the ids of /indicators and /indicators/uk:
        mineral_name, top_country_name (and top_country_before_name)."""
        for d in (self.indicators, (self.indicators or {}).get("uk")):
            if d is None:
                continue
            d["mineral_name"] = [self.mineral_name(m) for m in d["mineral"]]
            d["top_country_name"] = [self.country_name(c) for c in d["top_country"]]
            if d.get("top_country_before") is not None:
                d["top_country_before_name"] = [self.country_name(c) for c in d["top_country_before"]]

    @staticmethod
    def _read_indicators(ind):
        if ind is None:
            return None
        return {
            "cap": float(attr(ind, "cap", 0.6)),
            "cap_description": attr(ind, "cap_description", ""),
            "mineral": strings(ind, "mineral_id"),
            "stage": strings(ind, "stage"),
            "top_country": strings(ind, "top_country"),
            "hhi": read(ind, "hhi"),
            "hhi_wgi": read(ind, "hhi_wgi"),
            "top_share": read(ind, "top_share"),
            "above_cap": read(ind, "above_cap"),
            "wgi_assumed": read(ind, "wgi_assumed") if "wgi_assumed" in ind else None,
            "uk": Run._read_uk_indicators(ind.get("uk")),
        }

    @staticmethod
    def _read_uk_indicators(uk):
        """/indicators/uk (format 1.4): UK sourcing per mineral, beside the
        world's row of the same mineral and stage; None before."""
        if uk is None:
            return None
        return {
            "mineral": strings(uk, "mineral"),
            "stage": strings(uk, "stage"),
            "top_country": strings(uk, "top_country"),
            "basis": strings(uk, "basis"),
            "source": strings(uk, "source"),
            "hhi": read(uk, "hhi"),
            "top_share": read(uk, "top_share"),
            "above_cap": read(uk, "above_cap"),
            "capped": read(uk, "capped"),
            # before the cap: files of format 1.4 written before it was kept have none
            "top_country_before": (strings(uk, "top_country_before_policy")
                                   if "top_country_before_policy" in uk else None),
            "top_share_before": (read(uk, "top_share_before_policy")
                                 if "top_share_before_policy" in uk else None),
        }

    def _read_v2(self, s, tr):
        """The headline's parts over the horizon (value added lost, extra
        cost: per trial from /trials, total_loss - total_gva_loss for the
        latter), the per-sector figures of /summary and the per-mineral
        market figures of /trials (format 1.3 on)."""
        N, S, M = self.trials, len(self.sectors), len(self.minerals)
        if tr is not None and "total_gva_loss" in tr and "total_loss" in tr:
            gva, tot = tr["total_gva_loss"][()], tr["total_loss"][()]
            if gva.shape != (N,) or tot.shape != (N,):
                raise InputError("%s: shape does not match trials" % tr["total_gva_loss"].name)
            self.gva_parts = [
                series_of_trials("total_gva_loss", "Value added lost", gva, self.quantile, self.es_level,
                                 self.weights),
                series_of_trials("total_extra_cost", "Extra input cost", tot - gva, self.quantile,
                                 self.es_level, self.weights)]
            for part in self.gva_parts:
                part.es_ci = stored_ci(s, part.id + "_es99")
        self.sector_parts = {}
        for v in ("sector_gva_loss", "sector_extra_cost", "sector_loss", "sector_output_loss"):
            d = {}
            for stat in ("mean", "se", "quantile", "quantile_ci_low", "quantile_ci_high", "es"):
                d[stat] = read(s, "%s_%s" % (v, stat))
                if d[stat].shape[:1] != (S,):
                    raise InputError("%s/%s_%s: shape does not match sectors" % (s.name, v, stat))
            self.sector_parts[v] = d
        if tr is not None and all(ds in tr for _, ds, _, _, _ in MARKET_COLS) and "mineral_guard_months" in tr:
            self.market = {}
            for key, ds, _, _, _ in MARKET_COLS + (("guard_months", "mineral_guard_months", 0, 0, 0),):
                v = tr[ds][()]
                if v.shape != (N, M):
                    raise InputError("%s: shape does not match trials x minerals" % tr[ds].name)
                self.market[key] = v

    def _read_loss_tables(self, lt):
        """The exceedance intervals of /loss_tables (run --events): each
        series' aep_lo, aep_hi over the return periods."""
        if lt is None or not all(k in lt for k in ("series", "aep_lo", "aep_hi")):
            return
        ser = strings(lt, "series")
        lo, hi = read(lt, "aep_lo"), read(lt, "aep_hi")
        if lo.shape != (len(ser), len(self.return_period)) or hi.shape != lo.shape:
            raise InputError("%s/aep_lo: shape %s, expected [series %d, return_period %d]"
                             % (lt.name, lo.shape, len(ser), len(self.return_period)))
        for se in self.series:
            if se.id in ser:
                k = ser.index(se.id)
                se.rp_band = (lo[k], hi[k])

    def total(self):
        return self.series[-1]

def read_attribution(g):
    a = g.get("attribution")
    if a is None or "tail_share" not in a:
        return None
    out = {
        "source": strings(a, "source"),
        "series": strings(a, "series"),
        "kind": strings(a, "source_kind") if "source_kind" in a else None,
        "name": strings(a, "source_name") if "source_name" in a else None,  # format 1.6 on
        "description": attr(a["tail_share"], "description", ""),
    }
    K, S1 = len(out["source"]), len(out["series"])
    for name in ("tail_share", "mean_removed", "es99_removed"):
        for suffix in ("", "_lo", "_hi"):
            key = name + suffix
            if key in a:
                v = a[key][()]
                if v.shape != (S1, K):
                    raise InputError("%s: shape %s, expected [series %d, source %d]"
                                     % (a[key].name, v.shape, S1, K))
                out[key] = v
    if out["kind"] is None or len(out["kind"]) != K:
        out["kind"] = ["none"] * K
    if out["name"] is not None and len(out["name"]) != K:
        raise InputError("%s/source_name: %d names for %d sources" % (a.name, len(out["name"]), K))
    return out


def name_attribution(att, run, series_names=None):
    """att["name"]: each source's display name (the file's source_name, else
    the run's mineral and country names, an event's id prettified);
    att["series_name"]: the series' ("Total" for total). run may be None
    (then ids prettified; series_names: {series id: name} to use)."""
    names_of = run.names if run is not None else {"mineral": {}, "country": {}, "sector": series_names or {}}
    if att["name"] is None:
        names = []
        for src in att["source"]:
            kind, _, ident = src.partition("/")
            if kind in ("mineral", "country"):
                names.append(names_of[kind].get(ident, pretty_id(ident)))
            elif kind == "none":
                names.append("not attributed (price noise)")
            else:
                names.append(pretty_id(ident))
        att["name"] = names
    att["name"] = [n if n != s else pretty_id(s.partition("/")[2] or s)
                   for n, s in zip(att["name"], att["source"])]
    att["series_name"] = ["Total" if x == "total" else names_of["sector"].get(x, pretty_id(x))
                          for x in att["series"]]


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


def fig_exceedance_annual(runs, fid, overlay):
    """Annual loss vs return period (years), per series."""
    base = runs[0]
    labels = [s.label for s in base.series]
    fig, axes = panel_grid(len(labels))
    styles = overlay_styles(runs) if overlay else [(COLORS[0], "file (/summary)", 1.4, 3)]
    many = overlay and len(runs) > HIGHLIGHT_OVER
    for k, ax in enumerate(axes):
        for r_i, run in enumerate(runs):
            if k >= len(run.series):
                continue
            se = run.series[k]
            col, name, lw, z = styles[r_i]
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
        rp_ticks(ax)
        ax.set_xlim(1.5, 1500)
        thousands(ax)
        mark_return_periods(ax, 1, 1000)
        ax.set_title(labels[k], fontsize=10)
        ax.set_xlabel("return period (years)", fontsize=8)
        ax.set_ylabel("annual loss (GBP m)", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, axis="y", color="0.92")
    put_legend(fig, axes[-1] if not overlay else axes[0], title=runs[0].legend_title if overlay else None,
               many=len(runs) > 4 and not many)
    return fig


def fig_exceedance_horizon(runs, fid, overlay):
    """Horizon loss vs 1-in-R horizons, per series, with the quantile CIs."""
    base = runs[0]
    labels = [s.label for s in base.series]
    fig, axes = panel_grid(len(labels))
    styles = overlay_styles(runs) if overlay else [(COLORS[0], None, 1.0, 3)]
    many = overlay and len(runs) > HIGHLIGHT_OVER
    for k, ax in enumerate(axes):
        for r_i, run in enumerate(runs):
            if k >= len(run.series):
                continue
            se = run.series[k]
            col, name, lw, z = styles[r_i]
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
        rp_ticks(ax)
        ax.set_xlim(1.5, 1500)
        thousands(ax)
        mark_return_periods(ax, 1, 1000)
        ax.set_title(labels[k], fontsize=10)
        ax.set_xlabel("1 in R horizons of %d years" % base.horizon_years, fontsize=8)
        ax.set_ylabel("loss over the horizon (GBP m)", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, axis="y", color="0.92")
    put_legend(fig, axes[-1] if not overlay else axes[0], title=runs[0].legend_title if overlay else None,
               many=len(runs) > 4 and not many)
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
    for r_i, run in enumerate(runs):
        pos = {m: i for i, m in enumerate(run.minerals)}
        p = np.array([run.shortage_prob[pos[m]] if m in pos else np.nan for m in mins])
        ci = np.array([prob_ci(run, "short", pos[m], v) if np.isfinite(v) else (np.nan, np.nan)
                       for m, v in zip(mins, p)])
        off = (r_i - (len(runs) - 1) / 2) * h if overlay else 0
        ax.barh(y + off, p, height=h, color=run_color(r_i, len(runs)), alpha=0.8,
                label=run.legend if overlay else None)
        whiskers(ax, y + off, ci[:, 0], ci[:, 1])
    ax.set_yticks(y)
    ax.set_yticklabels(base.mineral_names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability that the peak shortfall exceeds 1%% of demand within the horizon "
                  "(fraction of trials; whiskers: 95%% %s)"
                  % ("Wilson interval" if not any(r.weighted for r in runs) else "interval"), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, axis="x", color="0.92")
    if overlay:
        ax.legend(fontsize=7, loc="lower right")
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
div.wide{overflow-x:auto;max-width:100%}
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
    N = run.trials
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
             'extra input cost (docs/MODEL.md &sect;8).</p>' % esc(run.loss_basis))
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
                "interval; band: the same intervals joined. Dotted lines at R = %s."
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
            r += "<td>%s</td>" % ("%.3gx" % v if np.isfinite(v) else "n/a")
        rows.append(r + "</tr>")
    rows.append("</table>")
    return "".join(rows)


def compare_headline_table(runs, tid):
    """The headline figures side by side, one column per run: per series
    (A's, by id) the mean loss over the horizon, VaR 95% and 99%, ES 99%,
    AAL and the 1-in-100 annual loss, each over its Monte Carlo error."""
    h = ['<div class="wide"><table id="%s"><caption>GBP m; over the %d-year horizon, except AAL and the '
         '1-in-%d loss (annual). One column per scenario, all on the same trials (common random numbers); '
         'under each figure its own Monte Carlo error (the errors of the changes between scenarios are '
         'much smaller: see Differences).</caption><tr><th class="l">series</th><th class="l">statistic</th>'
         % (esc(tid), runs[0].horizon_years, HEADLINE_RP)]
    for r in runs:
        h.append('<th title="%s">%s<br><span class="sub">%s</span></th>'
                 % (esc(r.name), esc(r.label.upper()), esc(r.name if len(r.name) <= 34 else r.name[:32] + "...")))
    h.append("</tr>")
    rows = (("mean", "mean loss &plusmn; SE"), ("var95", "VaR 95% (95% CI)"), ("var99", "VaR 99% (95% CI)"),
            ("es99", "ES 99% (95% CI)"), ("aal", "AAL &plusmn; SE"),
            ("rp%d" % HEADLINE_RP, "1-in-%d annual (95%% CI)" % HEADLINE_RP))
    for se0 in runs[0].series:
        for k, (key, label) in enumerate(rows):
            row = ['<tr><td class="l">%s</td><td class="l">%s</td>' % (esc(se0.label) if k == 0 else "", label)]
            for r in runs:
                se = next((x for x in r.series if x.id == se0.id), None)
                cid = "%s-%s-%s-%s" % (tid, se0.id, key, r.label)
                if se is None:
                    row.append('<td id="%s">&ndash;</td>' % esc(cid))
                elif key == "mean":
                    row.append(cell(se.mean, err_se(se.se), cid, se.se))
                elif key in ("var95", "var99"):
                    q = r.iq[0.95 if key == "var95" else 0.99]
                    row.append(cell(se.q[q], err_ci(se.q_lo[q], se.q_hi[q]), cid, ci=(se.q_lo[q], se.q_hi[q])))
                elif key == "es99":
                    row.append(stored_ci_cell(se.es[r.ies], se.es_ci, cid))
                elif key == "aal":
                    row.append(cell(se.aal, err_se(se.aal_se), cid, se.aal_se))
                else:
                    row.append(stored_ci_cell(se.rp[r.irp], se.rp_ci, cid))
            h.append("".join(row) + "</tr>")
    h.append("</table></div>")
    return "".join(h)


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
    h = ['<div class="wide"><table id="%s" class="sweep"><caption>Per mineral and scenario: top supplier '
         'and its share of the UK\'s purchases after any diversification cap (world: the world\'s product '
         'stage, where the run has no UK sourcing rows; red: above the run\'s cap; no sampling); P(short): '
         'probability that the peak shortfall exceeds 1%% of demand, with its 95%% %s; tail '
         'loss: the mineral\'s part of the total loss beyond VaR 99 (co-ES 99, GBP m, the tail '
         'attribution of docs/STUDIES.md, with the tail share\'s 95%% interval). A mean loss per mineral is '
         'not in the file: a trial\'s loss is split by mineral only for the tail trials the attribution '
         'replays (minrisk run --counterfactual gives the mean loss removed with a mineral, one scenario '
         'at a time).</caption><tr><th class="l" rowspan="2">mineral</th>' % (esc(tid), prob_ci_name(runs))]
    for r in runs:
        h.append('<th colspan="3" title="%s">%s: %s</th>'
                 % (esc(r.name), esc(r.label.upper()), esc(r.name if len(r.name) <= 34 else r.name[:32] + "...")))
    h.append("</tr><tr>")
    for _ in runs:
        h.append("<th>top share</th><th>P(short)</th><th>tail loss</th>")
    h.append("</tr>")
    for m in order:
        row = ['<tr id="%s-%s"><td class="l">%s</td>' % (esc(tid), esc(m), esc(names.get(m, m)))]
        for r, tail in zip(runs, tails):
            cid = "%s-%s-%s" % (tid, m, r.label)
            if m not in r.minerals:
                row.append('<td class="na">&ndash;</td>' * 3)
                continue
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
        h.append("".join(row) + "</tr>")
    h.append("</table></div>")
    return "".join(h)


def metric_base(metric):
    """The statistic a sweep metric names ("mean_loss" is "mean")."""
    return {"mean_loss": "mean"}.get(metric, metric)


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
               "per %s, with 95%% %ss (whiskers)." % (who, prob_ci_name(runs)))
    page.figure(kind + "-shortage", "Shortage probability", cap,
                fig_shortage(runs, True), "shortage probability per mineral, overlaid")
    withind = [r for r in runs if r.indicators is not None]
    if withind and kind == "compare":
        page.section("indicators", "Static indicators")
        page.add('<details><summary>Each run\'s indicator table</summary><div class="cols">')
        for run in withind:
            page.add("<div><h3>%s</h3>%s</div>" % (esc(run.label), indicator_table(
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
    a, b = runs[0], runs[1]
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
    (and the UK's before the cap, when no variant changes it) once."""
    first = runs[0].indicators
    u0 = first["uk"]

    def same(get):
        return all(get(r) == get(runs[0]) for r in runs[1:])

    caption = ('UK top share after any diversification cap, per mineral and variant (+: the cap changed it; '
               'red: above the variant\'s cap); the world\'s top share of the product stage and the UK\'s '
               'before the cap once (the first variant\'s; * where a variant\'s differs). No sampling.'
               ).replace("variant", who)
    h = ['<div class="wide"><table id="%s" class="sweep"><caption>%s</caption><tr><th class="l">mineral</th>'
         '<th class="l">stage</th><th class="l">world top</th>' % (esc(tid), caption)]
    before = all(r.indicators["uk"]["top_share_before"] is not None for r in runs)
    if before:
        h.append('<th class="l">UK before policy</th>')
    if runs[0].legend_title:  # the variants' settings, as the column heads give them
        h[0] = h[0].replace("No sampling.</caption>", "No sampling. Variants: %s.</caption>"
                            % esc(runs[0].legend_title))
    for r in runs:
        h.append('<th title="%s">%s</th>' % (esc(r.label), breakable(r.legend, "/")))
    h.append("</tr>")

    def uk_of(r, mid):
        uk = r.indicators["uk"]
        return (uk, uk["mineral"].index(mid)) if mid in uk["mineral"] else (uk, None)

    for k, mid in enumerate(u0["mineral"]):
        w0 = uk_world_row(first, k)

        def world(r):
            uk, u = uk_of(r, mid)
            w = uk_world_row(r.indicators, u) if u is not None else None
            return None if w is None else (r.indicators["top_country"][w], float(r.indicators["top_share"][w]))

        row = ['<tr id="%s-%s"><td class="l">%s</td><td class="l">%s</td>'
               % (esc(tid), esc(mid), esc(u0["mineral_name"][k]), esc(u0["stage"][k]))]
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
        for r in runs:
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
            "%.4g" % (math.sqrt(u["variance"][s]) / GBP_M) if u["variance"][s] >= 0 else "n/a")]

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


# ---- driver ----------------------------------------------------------------------

def progress(quiet, msg):
    if not quiet and sys.stderr.isatty():
        sys.stderr.write("report: %s\n" % msg)
        sys.stderr.flush()


def check_output(out_dir):
    """The output directory may be made (or replaced, if an earlier report)."""
    parent = os.path.dirname(out_dir) or "."
    if not os.path.isdir(parent):
        raise InputError("%s: cannot write: directory '%s' does not exist" % (out_dir, parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError("%s: cannot write to directory '%s'" % (out_dir, parent))
    if os.path.lexists(out_dir):
        if not os.path.isdir(out_dir) or os.path.islink(out_dir):
            raise InputError("%s: exists and is not a directory" % out_dir)
        if os.listdir(out_dir) and not os.path.exists(os.path.join(out_dir, MARKER)):
            raise InputError("%s: exists and is not a minrisk report directory (no %s): remove it or "
                             "choose another -o" % (out_dir, MARKER))


def remove_stale(out_dir):
    """Under `minrisk report`'s lock: remove DIR.tmp.<pid> and DIR.old.<pid> (this script's
    own names) whose process is gone: a report killed by SIGKILL. A live
    process's, or another user's (EPERM), stay."""
    parent = os.path.dirname(out_dir) or "."
    base = os.path.basename(out_dir)
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for n in sorted(names):
        for kind in (".tmp.", ".old."):
            pid = n[len(base) + len(kind):]
            if not (n.startswith(base + kind) and pid.isdigit() and len(pid) <= 9):
                continue
            full = os.path.join(parent, n)
            if os.path.islink(full) or not os.path.isdir(full):
                continue
            try:
                os.kill(int(pid), 0)
                continue  # alive
            except ProcessLookupError:
                pass
            except OSError:
                continue  # EPERM: another user's process
            shutil.rmtree(full, ignore_errors=True)
            if not os.path.lexists(full):
                sys.stderr.write("minrisk report: removed stale temporary %s (process %s is gone)\n"
                                 % (full, pid))


def build(path, quiet, version, tmp):
    try:
        f = h5py.File(path, "r")
    except OSError:
        raise InputError("not a minrisk file (not HDF5, or damaged)") from None
    with f:
        if attr(f, "format") != "minrisk" or "format_version" not in f.attrs:
            raise InputError("not a minrisk file")
        fv = [int(v) for v in np.ravel(f.attrs["format_version"])]
        if not fv or fv[0] != 1:
            raise InputError("unsupported format_version %s (this report reads 1.x)"
                             % ".".join(str(v) for v in fv))
        kind = attr(f, "kind", "run")
        progress(quiet, "reading %s (%s)" % (path, kind))
        if kind == "run":
            runs = [Run(f, f, "run")]
        elif kind == "compare":
            rg = req(f, "runs")
            names = sorted(rg.keys())
            if not names:
                raise InputError("/runs is empty")
            runs = [Run(f, rg[n], n) for n in names]
            for r in runs:
                r.legend = "%s: %s" % (r.label, r.name if len(r.name) <= 40 else r.name[:38] + "...")
        elif kind == "sweep":
            vg = req(f, "variants")
            sweep = read_sweep(f)
            names = list(sweep["variant"]) if sweep is not None else sorted(vg.keys())
            missing = [n for n in names if n not in vg]
            if missing:
                raise InputError("/variants has no group %s (listed in /sweep/variant)" % missing[0])
            runs = [Run(f, vg[n], variant_label(sweep, i) or n) for i, n in enumerate(names)]
            if sweep is not None and sweep["setting"] is not None and sweep["parameter"]:
                title = " / ".join(p.rsplit(".", 1)[-1] for p in sweep["parameter"])
                for i, r in enumerate(runs):
                    r.legend = " / ".join(str(v) for v in sweep["setting"][i])
                    r.legend_title = title
        elif kind == "uncertainty":
            unc = read_uncertainty(f)
            runs = [Run(f, req(f, "base"), "base")]
        else:
            raise InputError("unknown file kind '%s' (this report reads run, compare, sweep, uncertainty)"
                             % kind)
        att = read_attribution(f)
        if kind == "run":
            title = runs[0].name
        elif kind == "compare":
            title = "Comparison: " + " vs ".join(r.name for r in runs[:4])
        elif kind == "uncertainty":
            title = "Uncertainty: " + (attr(f, "scenario_name", "") or runs[0].name)
        else:  # every variant has the sweep's scenario name: say it once
            title = "Sweep: " + (attr(f, "scenario_name", "") or runs[0].name)
        page = Page("minrisk report: " + title)
        head = ["<header><h1>%s</h1>" % esc(title)]
        if kind == "run" and runs[0].description:
            head.append('<p class="desc">%s</p>' % esc(runs[0].description))
        rows = run_meta_rows(runs[0], f, path, version)
        if kind == "compare":
            rows[0] = ("Runs", "; ".join("%s = %s" % (esc(r.label), esc(r.name)) for r in runs))
            rows.insert(1, ("Kind", esc(kind)))
        elif kind == "sweep":
            rows[0] = ("Scenario", esc(attr(f, "scenario_name", "") or runs[0].name))
            over = (" over " + " x ".join(esc(p) for p in sweep["parameter"])
                    if sweep is not None and sweep["parameter"] else "")
            rows.insert(1, ("Kind", "sweep of %d variants%s" % (len(runs), over)))
            rows.insert(2, ("Variants", sweep_variant_list(sweep, names, runs)))
        if kind == "uncertainty":
            rows = uncertainty_meta_rows(unc, runs[0], f, path, version)
        head.append(meta_table(rows))
        head.append("</header>")
        if kind == "run":
            run_sections(page, runs[0], f, att)
        elif kind == "uncertainty":
            uncertainty_sections(page, unc, runs[0])
        else:
            multi_uk_sections(page, kind, runs)
            multi_sections(page, f, kind, runs, read_difference(f) if kind == "compare" else None,
                           sweep if kind == "sweep" else None)
            if att is not None:
                attribution_sections(page, att, runs[0])
        page.add('<footer class="note"><p>Generated by <code>minrisk report</code> %s from %s. '
                 'docs/REPORT.md explains every figure and error estimate.</p></footer>'
                 % (esc(version), esc(os.path.basename(path))))
        for i, fg in enumerate(page.figures):
            if _SIGNALLED or os.getppid() != _PARENT:  # a swallowed signal; minrisk gone
                raise KeyboardInterrupt()
            progress(quiet, "figure %d/%d: %s" % (i + 1, len(page.figures), fg.id))
            buf = io.BytesIO()
            fg.fig.savefig(buf, format="png", dpi=FIG_DPI, metadata={"Software": None})
            fg.png = buf.getvalue()
            w, h = fg.fig.canvas.get_width_height()
            fg.size = (int(w), int(h))
            with open(os.path.join(tmp, "fig-%s.png" % fg.id), "wb") as out:
                out.write(fg.png)
            fg.fig.set_layout_engine("none")  # keep the layout just computed for the SVG
            fg.fig.savefig(os.path.join(tmp, "fig-%s.svg" % fg.id), format="svg",
                           metadata={"Date": None})
            plt.close(fg.fig)
        text = page.render("\n".join(head))
        with open(os.path.join(tmp, "report.html"), "w", encoding="utf-8") as out:
            out.write(text)
        with open(os.path.join(tmp, MARKER), "w", encoding="utf-8") as out:
            out.write("minrisk report %s of %s\n" % (version, os.path.basename(path)))
        return len(page.figures), len(text)


def install(tmp, out_dir):
    if os.path.isdir(out_dir):
        old = "%s.old.%d" % (out_dir, os.getpid())
        os.rename(out_dir, old)
        try:
            os.rename(tmp, out_dir)
        except OSError:
            os.rename(old, out_dir)  # the earlier report back at its name
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out_dir)


def parse_args(argv):
    path = out_dir = None
    quiet = False
    version = "?"
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-o", "--output", "--minrisk-version"):
            if i + 1 >= len(argv):
                raise InputError("option '%s' needs a value" % a)
            i += 1
            if a == "--minrisk-version":
                version = argv[i]
            else:
                out_dir = argv[i]
        elif a in ("-q", "--quiet"):
            quiet = True
        elif a.startswith("-") and a != "-":
            raise InputError("unknown option '%s'" % a)
        elif path is None:
            path = a
        else:
            raise InputError("unexpected argument '%s'" % a)
        i += 1
    if path is None:
        raise InputError("missing FILE.h5")
    if not out_dir:
        base = os.path.basename(path)
        if base.endswith(".h5"):
            base = base[:-3]
        out_dir = base + "-report"
    out_dir = out_dir.rstrip("/") or "/"
    return path, out_dir, quiet, version


# A signal seen, even where a library swallows the exception it raises (a
# KeyboardInterrupt raised inside h5py's Cython logging callback is printed
# as "Exception ignored" and the report went on; main checks this flag
# before it installs the report).
_SIGNALLED = []


def on_term(signum, frame):
    _SIGNALLED.append(signum)
    raise Interrupted()


def on_int(signum, frame):
    _SIGNALLED.append(signum)
    raise KeyboardInterrupt()


# The process that started this script: `minrisk report`, which holds
# DIR.lock and passes the exit status on. When it is gone (killed outright,
# SIGKILL, or by a signal it does not catch), the report is not installed:
# no one waits for it, and a report appearing after the command ended, under
# a lock that was no longer held, would pass for its output.
_PARENT = os.getppid()


def main(argv):
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)  # a dropped session: as SIGTERM (it killed the script)
    signal.signal(signal.SIGINT, on_int)
    try:
        path, out_dir, quiet, version = parse_args(argv)
    except InputError as e:
        sys.stderr.write("minrisk report: %s (see 'minrisk report --help')\n" % e)
        return EXIT_USAGE
    tmp = None
    if _MISSING:
        sys.stderr.write("minrisk report: Python module %s is missing (Debian: apt install "
                         "python3-numpy python3-h5py python3-matplotlib)\n" % _MISSING)
        return EXIT_FAIL
    warnings.simplefilter("ignore")
    try:
        if not os.path.isfile(path):
            raise InputError("cannot open: %s" % ("not a regular file" if os.path.exists(path)
                                                  else "No such file or directory"))
        try:
            check_output(out_dir)
        except InputError as e:
            sys.stderr.write("%s\n" % e)
            return EXIT_USAGE
        remove_stale(out_dir)
        tmp = "%s.tmp.%d" % (out_dir, os.getpid())
        os.mkdir(tmp)
        nfig, nbytes = build(path, quiet, version, tmp)
        # From here a signal can no longer interrupt: either it came before
        # (the flag) and nothing is installed, or the report is installed
        # whole and a later one is dropped (ignored in `finally`).
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
        if _SIGNALLED or os.getppid() != _PARENT:
            raise KeyboardInterrupt()
        install(tmp, out_dir)
        tmp = None
        if not quiet:
            sys.stdout.write("wrote %s (%d figures, %.1f MB; figures also as PNG and SVG in %s/)\n"
                             % (os.path.join(out_dir, "report.html"), nfig, nbytes / 1e6, out_dir))
        return EXIT_OK
    except InputError as e:
        sys.stderr.write("%s: %s\n" % (path, e))
        return EXIT_USAGE
    except (KeyboardInterrupt, Interrupted):
        _ignore_signals()  # a second signal here would skip the clean-up
        sys.stderr.write("minrisk report: interrupted; nothing written to %s\n" % out_dir)
        return EXIT_INTERRUPTED
    except OSError as e:
        sys.stderr.write("%s: %s\n" % (e.filename or out_dir, e.strerror or e))
        return EXIT_FAIL
    except Exception as e:  # a bug: still one line, the traceback on request
        if os.environ.get("MINRISK_REPORT_DEBUG"):
            import traceback
            traceback.print_exc()
        line, tb = 0, e.__traceback__
        while tb is not None:  # the deepest line of this script
            if tb.tb_frame.f_code.co_filename == __file__:
                line = tb.tb_lineno
            tb = tb.tb_next
        sys.stderr.write("%s: report failed: %s: %s (report.py line %d)\n"
                         % (path, type(e).__name__, e, line))
        return EXIT_FAIL
    finally:
        _ignore_signals()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if _MPL_TMP is not None:
            shutil.rmtree(_MPL_TMP, ignore_errors=True)


def _ignore_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except (KeyboardInterrupt, Interrupted):
        # a signal before main's try (the arguments) or a second one in its
        # except clauses: 130 all the same, not a traceback; main's finally
        # has removed its temporary
        _ignore_signals()
        sys.stderr.write("minrisk report: interrupted; nothing written\n")
        code = EXIT_INTERRUPTED
    sys.exit(code)
