"""minrisk.plot: the figures of `minrisk report`, drawn from Datasets.

Each function takes what minrisk.open returns (a Run: a mapping of group
name to xarray Dataset, with "root", "summary" and, when stored, "trials";
a plain dict of Datasets with those keys does as well; or the one Dataset
it needs) and returns a matplotlib Figure. The drawing is the report's own
(out/report/, shipped in this package as minrisk/_report/): the same
input gives the same figure as in the report, in GBP m. Runs to overlay are
given as a list, or as a Comparison or Sweep (all its runs, with the
report's legends).

    exceedance_annual(runs, errors=True)   annual loss vs return period, per series
    exceedance_horizon(runs)               loss over the horizon vs 1-in-R horizons
    histograms(run)                        loss over the horizon, per series
    fan(run, "inoperability" | "price")    bands over time (inoperability: given a disruption)
    shortage(runs)                         shortage probability per mineral
    indicators(run_or_dataset)             largest supplier's share per stage vs the cap
    attribution(run_or_dataset, key, kind) tail attribution per series (one breakdown: 100%)
    difference(comparison_or_dataset)      change B - A (C - A, ...) per statistic and series
"""

import numpy as np
import xarray as xr

from . import _report as _r
from .files import Comparison, Sweep, Uncertainty

if _r._MISSING:
    raise ImportError("minrisk.plot needs %s (Debian: python3-%s)" % (_r._MISSING, _r._MISSING))

__all__ = ["exceedance_annual", "exceedance_horizon", "histograms", "fan", "shortage",
           "indicators", "attribution", "difference", "report_run"]


# ---- Datasets seen as the h5py groups out/report.py reads ------------------------

class _Strings:
    def __init__(self, var):
        self._var = var

    def __getitem__(self, key):
        v = np.asarray(self._var._da.values)
        out = np.array([x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x) for x in v.ravel()],
                       dtype=object).reshape(v.shape)
        return out[key]


class _Var:
    """A DataArray as an h5py dataset: ds[()] values, .asstr(), .shape,
    .dtype, .attrs, .name."""

    def __init__(self, da, name):
        self._da = da
        self.name = name
        self.attrs = dict(da.attrs)
        self.shape = tuple(da.shape)
        self.dtype = da.dtype

    def __getitem__(self, key):
        return np.asarray(self._da.values)[key]

    def asstr(self):
        return _Strings(self)


class _Group:
    """Datasets as an h5py group: members by name, .get, in, .attrs, .name."""

    def __init__(self, name, attrs):
        self.name = name
        self.attrs = dict(attrs)
        self._m = {}

    def add_dataset(self, ds):
        for v in ds.variables:
            self._m[v] = _Var(ds[v], "%s/%s" % (self.name.rstrip("/"), v))
        return self

    def child(self, key, attrs=None):
        if key not in self._m:
            self._m[key] = _Group("%s/%s" % (self.name.rstrip("/"), key), attrs or {})
        return self._m[key]

    def __getitem__(self, key):
        cur = self
        for part in key.split("/"):
            cur = cur._m[part]
        return cur

    def get(self, key, default=None):
        try:
            return self[key]
        except (KeyError, AttributeError):
            return default

    def __contains__(self, key):
        return self.get(key) is not None

    def keys(self):
        return self._m.keys()

    def __iter__(self):
        return iter(self._m)


def _clean(attrs):
    return {k: v for k, v in attrs.items() if k != "minrisk_group"}


def _view(run, name=None):
    """A run (mapping of group name to Dataset, "root" for the ids) as the
    h5py group of that run."""
    root = run["root"] if "root" in run else None
    attrs = dict(getattr(run, "attrs", None) or (_clean(root.attrs) if root is not None else {}))
    attrs.setdefault("format", "minrisk")  # a sweep's variants carry it at the file's root
    g = _Group(name or getattr(run, "group", "/"), attrs)
    if root is not None:
        g.add_dataset(root)
    for key in sorted((k for k in run if k != "root"), key=lambda k: k.count("/")):
        ds = run[key]
        parts = key.split("/")
        parent = g
        for p in parts[:-1]:
            parent = parent.child(p)
        parent.child(parts[-1], _clean(ds.attrs)).add_dataset(ds)
    return g


def _group(obj, key):
    """The Dataset `key` of a run (or comparison), or obj itself when it is
    a Dataset; ValueError naming the group when the run has none."""
    if isinstance(obj, xr.Dataset):
        return obj
    if key in obj:
        return obj[key]
    raise ValueError("the run has no %r group (it has %s)" % (key, ", ".join(str(k) for k in obj)))


def _single(ds, key):
    """One Dataset as the group `key` under an otherwise empty run."""
    g = _Group("/", {"format": "minrisk"})
    g.child(key, _clean(ds.attrs)).add_dataset(ds)
    return g


def _report_run(run, label="run"):
    g = _view(run)
    return _r.Run(g, g, label)


def report_run(run, label="run", errors=True):
    """The report's own Run object (out/report.py) of a run: its series and
    statistics with the bootstrap intervals the run stored (/summary, and
    /loss_tables' bands when present: the report's values, read, not
    recomputed). errors=False drops the intervals."""
    rr = _report_run(run, label)
    if not errors:
        _drop_errors(rr)
    return rr


def _drop_errors(rr):
    for se in rr.series + (rr.gva_parts or []):
        se.es_ci = se.rp_ci = None
        se.rp_band = None


def _runs(runs):
    """[report Run] with the report's labels and legends."""
    if isinstance(runs, Comparison):
        out = []
        for k, r in runs.runs.items():
            rr = _report_run(r, k)
            rr.legend = "%s: %s" % (k, rr.name if len(rr.name) <= 40 else rr.name[:38] + "...")
            out.append(rr)
        return out
    if isinstance(runs, Sweep):
        out = []
        title = " / ".join(runs.grid)
        for i, (name, r) in enumerate(runs.variants.items()):
            rr = _report_run(r, name)
            if runs.grid:
                rr.legend = " / ".join(str(runs.table[d].values[i]) for d in runs.grid)
                rr.label = ", ".join("%s=%s" % (d, runs.table[d].values[i]) for d in runs.grid)
                rr.legend_title = title
            out.append(rr)
        return out
    if isinstance(runs, Uncertainty):
        return [_report_run(runs.runs["base"], "base")]
    if isinstance(runs, (list, tuple)):
        out = []
        for i, r in enumerate(runs):
            rr = _report_run(r, getattr(r, "name", None) or "run %d" % (i + 1))
            rr.legend = rr.label
            out.append(rr)
        return out
    return [_report_run(runs)]


# ---- the figures -------------------------------------------------------------------

def exceedance_annual(runs, errors=True):
    """Annual loss (GBP m) against its return period (years), one panel per
    sector and the total: the file's return-period losses (/summary), the
    empirical curve of the annual losses (/trials) and, with errors=True,
    the 95% bootstrap band of every series' return-period losses stored in
    /loss_tables (run --events; none without it). Several runs: overlaid, a
    band per run."""
    rs = _runs(runs)
    if not errors:
        for rr in rs:
            _drop_errors(rr)
    return _r.fig_exceedance_annual(rs, "exceedance", len(rs) > 1)


def exceedance_horizon(runs):
    """Loss over the horizon (GBP m) against 1-in-R horizons, one panel per
    series: VaR with its distribution-free 95% interval (/summary) and the
    empirical curve (/trials)."""
    rs = _runs(runs)
    return _r.fig_exceedance_horizon(rs, "exceedance-horizon", len(rs) > 1)


def _one_run(run, what):
    """The report Run of a one-run figure; ValueError for a comparison,
    sweep or list of several (until 2026-12-08 the first was drawn, with
    nothing to say so), naming how to pick one."""
    if isinstance(run, Comparison) and len(run.runs) > 1:
        raise ValueError("%s draws one run; this comparison has %d (%s): pass one, e.g. "
                         "comparison.runs[%r]" % (what, len(run.runs), ", ".join(run.runs), next(iter(run.runs))))
    if isinstance(run, Sweep) and len(run.variants) > 1:
        raise ValueError("%s draws one run; this sweep has %d variants: pass one, e.g. "
                         "sweep.variants[%r]" % (what, len(run.variants), next(iter(run.variants))))
    if isinstance(run, (list, tuple)) and len(run) != 1:
        raise ValueError("%s draws one run, got a list of %d" % (what, len(run)))
    return _runs(run)[0]


def histograms(run):
    """Histogram of the loss over the horizon per series (log counts), mean
    and VaR 99% marked; the stored histogram of the total without /trials.
    One run (a comparison's or sweep's: pick it from .runs or .variants)."""
    return _r.fig_histograms(_one_run(run, "histograms"))


def fan(run, what="inoperability"):
    """Charts over time: what="inoperability" per sector, the bands of the
    inoperability given a disruption at the step, the share of trials
    disrupted and the 90% and 99% quantiles (format 1.6; the 5-50-95% fan
    over all trials for older files); "price" per mineral, the 5-50-95% fan
    of the price ratio P/P0 (log axis) with its 90% and 99% quantiles.
    One run, as histograms."""
    rr = _one_run(run, "fan")
    if what == "inoperability":
        if rr.inop_hit_band is not None and rr.inop_tail is not None and rr.tail_band is not None:
            return _r.fig_inoperability(rr)
        return _r.fig_fan(rr, rr.inop_band, rr.sector_names, "inoperability (fraction)", False)
    if what == "price":
        return _r.fig_fan(rr, rr.price_band, rr.mineral_names, "price ratio P/P0", True, rr.price_tail)
    raise ValueError("what is 'inoperability' or 'price', got %r" % (what,))


def shortage(runs):
    """Probability that a mineral's peak shortfall exceeds 1% of demand,
    with 95% intervals (Wilson; an importance-sampled run: +- 1.96 SE of the
    weighted indicator); several runs side by side (a heat map beyond
    four)."""
    rs = _runs(runs)
    return _r.fig_shortage(rs, len(rs) > 1)


def indicators(run_or_dataset):
    """Largest supplier's share of each mineral's stage, red above the
    diversification cap (a Run, or its "indicators" Dataset)."""
    ds = _group(run_or_dataset, "indicators")
    ind = _r.Run._read_indicators(_single(ds, "indicators")["indicators"])
    if "mineral_name" in ds.coords and ds["mineral_name"].shape == (len(ind["mineral"]),):
        ind["mineral_name"] = _r.display_names(ind["mineral"], [str(n) for n in ds["mineral_name"].values])
    holder = type("IndicatorRun", (), {"indicators": ind})()
    return _r.fig_indicators(holder)


def attribution(run_or_dataset, key="tail_share", kind="mineral"):
    """Tail attribution per series, with the file's 95% intervals. key
    "tail_share": one breakdown of the tail loss, kind "mineral", "country"
    or "event", its bars adding up to 100% (as the report's three charts);
    with --counterfactual, key "mean_removed" or "es99_removed" (GBP m):
    the top sources of each kind."""
    ds = _group(run_or_dataset, "attribution")
    att = _r.read_attribution(_single(ds, "attribution"))
    if att is None:
        raise ValueError("no tail attribution in this Dataset")
    if key not in att:
        why = (": the counterfactual attribution needs a run with --counterfactual "
               "(minrisk.run(..., counterfactual=True))" if key in ("mean_removed", "es99_removed") else "")
        raise ValueError("the attribution holds no %r (it has %s)%s"
                         % (key, ", ".join(k for k in att if k.endswith(("share", "removed"))), why))
    names = {}
    if "series_name" in ds.coords:
        names = dict(zip((str(s) for s in ds["series"].values), (str(n) for n in ds["series_name"].values)))
    _r.name_attribution(att, None, names)
    if key == "tail_share":
        if kind not in _r.PLURAL:
            raise ValueError("kind is 'mineral', 'country' or 'event', got %r" % (kind,))
        return _r.fig_breakdown(att, kind)
    label = {"mean_removed": "mean loss removed (GBP m)", "es99_removed": "ES 99% removed (GBP m)"}.get(key, key)
    return _r.fig_attribution(att, key, label, _r.GBP_M, names)


def difference(comparison_or_dataset):
    """The change B - A of each statistic (mean, VaR 95/99, ES 99, 1-in-100)
    per series with its 95% interval (GBP m), from a Comparison or its
    "difference" Dataset; for three or more runs (a `versus` dimension) one
    bar per run compared with A, as in the report."""
    ds = _group(comparison_or_dataset, "difference")
    diff = _r.read_difference(_single(ds, "difference"))
    if "series_name" in ds.coords:  # display names, as the report's (multi_sections)
        names = [str(n) for n in ds["series_name"].values]
        for d in [diff] + [d for _, d in diff["pairs"]]:
            d["series_name"] = names
    if diff.get("versus") is None:
        return _r.fig_difference(diff)
    names = {}
    if "scenario_name" in ds and "run" in ds.coords:
        names = dict(zip((str(r) for r in ds["run"].values), (str(n) for n in ds["scenario_name"].values)))
    legends = ["%s - A: %s" % (v.upper(), names.get(v, v)) for v in diff["versus"]]
    return _r.fig_difference_many(diff, legends)
