#!/usr/bin/python3
"""Every group of the study files opens in xarray with named dimensions.

output_xarray_studies.py MINRISK SRC

Writes, in a scratch directory, a run with --events --counterfactual
(demo.yaml), a comparison (demo.yaml against itself) and a sweep
(tests/studies/sweep/grid.yaml), then opens every HDF5 group that holds datasets
with xarray (engine h5netcdf) and checks that no dimension is anonymous
(h5netcdf names a dimension without a scale "phony_dim_N"), that every
dimension with a coordinate variable is labelled by it, and that every
numeric variable has a `units` attribute. The expected dimensions of the
study tables are those documented in docs/STUDIES.md and docs/OUTPUT.md.
"""
import os
import sys
import tempfile
import warnings

import h5py
import xarray as xr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish, run_minrisk  # noqa: E402 (tests/python/checks.py)

warnings.simplefilter("ignore", DeprecationWarning)

EXPECTED = {  # group -> {variable: dims}
    "attribution": {
        "tail_share": ("series", "source"),
        "tail_co_es": ("series", "source"),
        "es99": ("series",),
        "mean_removed": ("series", "source"),
        "es99_removed": ("series", "source"),
    },
    "events": {
        "trial": ("event",),
        "process_index": ("event",),
        "severity": ("event",),
    },
    "difference": {
        "estimate": ("series", "statistic"),
        "ci_lo": ("series", "statistic"),
        "variance_reduction": ("series",),
    },
    "sweep": {
        "headline": ("variant", "metric"),
        "setting": ("variant", "parameter"),
        "mean_difference": ("variant", "bound"),
        "sector_es99": ("variant", "sector"),
    },
    "grid": {  # /sweep/grid of grid.yaml (format 1.6)
        "headline": ("months", "diversification_cap", "metric"),
        "mean_difference": ("months", "diversification_cap", "bound"),
        "sector_es99": ("months", "diversification_cap", "sector"),
        "variant": ("months", "diversification_cap"),
        "dimension": ("parameter",),
    },
}
# A comparison's runs and a sweep's variants have the tail attribution, not
# the counterfactuals (compare and sweeps have no --counterfactual).
COMPARE = dict(EXPECTED, attribution={k: v for k, v in EXPECTED["attribution"].items()
                                      if not k.endswith("_removed")})
# Three or more scenarios: the changes against A along `versus` (format 1.6).
COMPARE_MANY = dict(COMPARE, difference={
    "estimate": ("versus", "series", "statistic"),
    "ci_lo": ("versus", "series", "statistic"),
    "value": ("run", "series", "statistic"),
    "variance_reduction": ("versus", "series"),
    "scenario_name": ("run",),
})

def groups_with_data(path):
    out = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Group) and any(
                    isinstance(v, h5py.Dataset) for v in obj.values()):
                out.append(name)
        f.visititems(visit)
    return out


def check_file(path, expected=EXPECTED):
    for g in groups_with_data(path):
        ds = xr.open_dataset(path, engine="h5netcdf", group=g)
        for d in ds.dims:
            check(not str(d).startswith("phony_dim"), f"{path}:{g}: anonymous dimension {d}")
        for name, var in ds.data_vars.items():
            if var.dtype.kind in "fiu":
                check("units" in var.attrs, f"{path}:{g}/{name}: no units attribute")
        leaf = g.split("/")[-1]
        for name, dims in expected.get(leaf, {}).items():
            if name in ds.variables:
                check(ds[name].dims == dims,
                      f"{path}:{g}/{name}: dims {ds[name].dims}, expected {dims}")
            else:
                check(False, f"{path}:{g}: no variable {name}")
        for d in ds.dims:
            if d in ds.variables:
                check(d in ds.coords, f"{path}:{g}: dimension {d} not labelled")
        ds.close()


def main():
    minrisk, src = sys.argv[1], sys.argv[2]
    demo = os.path.join(src, "scenarios", "demo.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run.h5")
        cmp_ = os.path.join(tmp, "cmp.h5")
        sweep = os.path.join(tmp, "sweep.h5")
        cmp3 = os.path.join(tmp, "cmp3.h5")
        run_minrisk([minrisk, "run", demo, "-o", run, "--trials", "300", "--events", "--counterfactual", "-q"])
        run_minrisk([minrisk, "compare", demo, demo, "-o", cmp_, "--trials", "300", "--bootstrap", "100", "-q"])
        run_minrisk([minrisk, "compare", demo, demo, demo, "-o", cmp3, "--trials", "300", "--bootstrap", "100",
                     "-q"])
        run_minrisk([minrisk, "run", os.path.join(src, "tests", "studies", "sweep", "grid.yaml"),
                     "-o", sweep, "--trials", "100", "-q"])
        check_file(run)
        check_file(cmp_, COMPARE)
        check_file(cmp3, COMPARE_MANY)
        check_file(sweep, COMPARE)  # each variant's tail attribution, no counterfactuals
        for f, groups in ((cmp3, ("runs/a/attribution", "runs/c/attribution", "difference")),
                          (sweep, ("sweep/grid", "variants/months_6__diversification_cap_0.5/attribution"))):
            have = groups_with_data(f)
            for g in groups:
                check(g in have, f"{f}: no /{g}")
        with h5py.File(run, "r") as f:
            for g in ("attribution", "events"):
                check(g in f, f"{run}: no /{g}")
        with h5py.File(cmp_, "r") as f:
            check(f.attrs.get("kind") == "compare", "comparison file: kind is not compare")
        with h5py.File(sweep, "r") as f:
            check(f.attrs.get("kind") == "sweep", "sweep file: kind is not sweep")
            check(len(f["variants"]) == 6, "sweep file: not 6 variants")
    return finish("output_xarray_studies")


if __name__ == "__main__":
    sys.exit(main())
