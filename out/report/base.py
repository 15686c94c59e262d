"""report/base.py - the report's constants, estimators and the readers of a
result file (Run, the attribution)."""

import math
import os
import tempfile

from . import SCRIPT

# matplotlib wants a writable configuration directory and warns on stderr
# without one: give it a private one when the user's home is not writable.
_MPL_TMP = None  # that directory, removed at the end (driver.main; out/report.py on an early signal)
if "MPLCONFIGDIR" not in os.environ and not os.access(os.path.expanduser("~"), os.W_OK):
    _MPL_TMP = tempfile.mkdtemp(prefix="minrisk-mpl-")
    os.environ["MPLCONFIGDIR"] = _MPL_TMP

_MISSING = None
# None while missing (_MISSING): the other modules import them from here by name
np = h5py = matplotlib = plt = None
try:
    import numpy as np
    import h5py
    import matplotlib
    if SCRIPT:  # run as out/report.py, the report draws off screen; imported (minrisk.plot), the caller's backend stays
        matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "minrisk-report"  # reproducible SVG ids
    import matplotlib.pyplot as plt
    _FOR_IMPORTERS = (h5py, plt)  # not used here: imported from here (h5py by driver; plt by figures, uncertainty, driver)
except ImportError as _e:
    _MISSING = _e.name

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_STDOUT_CLOSED = 3  # the report installed, its closing line lost: stdout a pipe whose reader is gone
# bad input when started by `minrisk report` (--from-minrisk), which passes
# it on as 2: python3 itself exits 2 when it cannot open the script, a
# failure of the installation, not of the user's input
EXIT_USAGE_FROM_MINRISK = 4

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
    out["tail_trials"] = None  # [series], trials in each ES 99 tail set
    if "tail_trials" in a:
        v = np.ravel(a["tail_trials"][()])
        if v.shape != (S1,) or v.dtype.kind not in "iu":
            raise InputError("%s: shape %s of %s, expected [series %d] of integers"
                             % (a["tail_trials"].name, v.shape, v.dtype, S1))
        out["tail_trials"] = v
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
