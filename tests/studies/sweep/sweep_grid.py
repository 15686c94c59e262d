"""/sweep/grid, a sweep's table with the swept keys as dimensions
(docs/STUDIES.md "Sweeps", format 1.6), against the flat table /sweep and
the variants' own /summary.

  sweep_grid.py MINRISK SRC

Three sweeps of tests/studies/sweep/base.yaml:
- grid.yaml, 2 x 3 (months: integers, diversification_cap: null and
  numbers, so strings as written);
- cost_grid.yaml, 2 x 2 with a stated cost (gbp_per_year: numbers written
  1e6, 2e6, so float64), the policy cost and the loss avoided per pound;
- three keys, two of them ending in demand_t (so every dimension is named
  by its whole key path), 2 x 2 x 2: arrays of rank 4.
Checks: /sweep/grid/dimension and parameter; each key's coordinate (type and values);
every array of the grid at the cell of each variant (found from its
/sweep/setting, not from the grid order) equals the flat table's row bit
for bit; /sweep/mean_difference (grid and cost_grid) recomputed from the
variants' own /trials (paired differences, normal interval); xarray's .sel
at a variant's settings gives the variant's own /summary/total_loss_mean;
minrisk.open's Sweep returns the stored grid and to_grid of the flat table
agrees with it; minrisk export writes the flat table alone (sweep.csv).
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from checks import check, finish, strs  # noqa: E402 (tests/python/checks.py)


def coord_index(coord, setting):
    """Index of the setting (as written) among a key's coordinate values."""
    vals = coord[()]
    if coord.dtype.kind in "OS":
        return strs(coord).index(setting)
    hits = [i for i, v in enumerate(vals.tolist()) if v == float(setting)]
    return hits[0] if len(hits) == 1 else None


def check_sweep(path, dims, kinds, values, units):
    with h5py.File(path, "r") as f:
        s, g = f["sweep"], f["sweep/grid"]
        check(strs(g["dimension"]) == dims, "%s: dimension %s, expected %s" % (path, strs(g["dimension"]), dims))
        check(strs(g["parameter"]) == strs(s["parameter"]), "%s: grid/parameter is not /sweep/parameter" % path)
        check("dimension" not in s, "%s: /sweep/dimension: the flat table has no parameter table" % path)
        for d, k, v in zip(dims, kinds, values):
            c = g[d]
            check(c.dtype.kind == k[0] and c.dtype.itemsize == k[1] if k[0] != "O" else c.dtype.kind == "O",
                  "%s: %s has type %s, expected %s" % (path, d, c.dtype, k))
            got = strs(c) if k[0] == "O" else c[()].tolist()
            check(got == v, "%s: %s values %s, expected %s" % (path, d, got, v))
        for d, u in zip(dims, units):  # the unit docs/SCENARIOS.md gives the key; strings have none
            got = g[d].attrs.get("units")
            check(got == u, "%s: %s has units %r, expected %r" % (path, d, got, u))
        names = strs(s["variant"])
        setting = s["setting"].asstr()[()]
        shape = tuple(len(v) for v in values)
        check(len(names) == int(np.prod(shape)), "%s: %d variants for the grid %s" % (path, len(names), shape))
        seen = set()
        for i, name in enumerate(names):
            cell = tuple(coord_index(g[d], str(setting[i][j])) for j, d in enumerate(dims))
            if not check(None not in cell, "%s: variant %s has no cell" % (path, name)):
                continue
            seen.add(cell)
            check(str(g["variant"].asstr()[cell]) == name, "%s: grid variant at %s is %s, expected %s"
                  % (path, cell, g["variant"].asstr()[cell], name))
            for t in ("headline", "sector_mean_loss", "sector_es99", "mean_difference", "policy_cost",
                      "loss_avoided_per_pound"):
                if t not in s:
                    check(t not in g, "%s: grid/%s without /sweep/%s" % (path, t, t))
                    continue
                check(np.array_equal(g[t][cell], s[t][i], equal_nan=True),
                      "%s: grid/%s at %s is not /sweep/%s of %s" % (path, t, cell, t, name))
            check(g["headline"].shape == shape + (7,), "%s: grid/headline shape %s" % (path, g["headline"].shape))
        check(len(seen) == len(names), "%s: two variants in one cell" % path)
    return names


def check_mean_difference(path):
    """/sweep/mean_difference (docs/STUDIES.md) from the variants' own
    /trials/total_loss: the paired differences d from the first variant,
    their mean and mean -+ 1.959963984540054 sd(d) / sqrt(N), sd with
    divisor N - 1 (relative 1e-12: the code sums block-ordered)."""
    with h5py.File(path, "r") as f:
        names = strs(f["sweep/variant"])
        md = f["sweep/mean_difference"][()]
        first = f["variants/%s/trials/total_loss" % names[0]][()]
        for v, name in enumerate(names):
            d = f["variants/%s/trials/total_loss" % name][()] - first
            m, half = d.mean(), 1.959963984540054 * d.std(ddof=1) / np.sqrt(d.size)
            want = np.array([m, m - half, m + half])
            ok = np.allclose(md[v], want, rtol=1e-12, atol=1e-12 * np.abs(first).mean())
            check(ok and (v > 0 or np.all(md[v] == 0.0)),
                  "%s: mean_difference of %s %r, recomputed %r" % (path, name, md[v], want))
        check(np.any(md[1:, 2] > md[1:, 1]), "%s: some variant's interval has a width" % path)


def main():
    minrisk, src = sys.argv[1], sys.argv[2]
    d = os.path.join(src, "tests", "studies", "sweep")
    sys.path.insert(0, os.path.join(src, "python"))
    with tempfile.TemporaryDirectory() as tmp:
        three = os.path.join(tmp, "three.yaml")
        with open(three, "w") as fh:
            fh.write("extends: %s\nsweep:\n  minerals.gallium.demand_t: [10, 12]\n"
                     "  minerals.lithium.demand_t: [5000, 6000]\n  policies.stockpile.months: [0, 3]\n"
                     % os.path.join(d, "base.yaml"))
        files = {}
        for name, yaml in (("grid", os.path.join(d, "grid.yaml")), ("cost", os.path.join(d, "cost_grid.yaml")),
                           ("three", three)):
            files[name] = os.path.join(tmp, name + ".h5")
            subprocess.run([minrisk, "run", yaml, "-o", files[name], "--trials", "200", "--threads", "1", "-q"],
                           check=True, stdout=subprocess.DEVNULL)
        check_sweep(files["grid"], ["months", "diversification_cap"], [("i", 4), ("O",)],
                    [[0, 6], ["none", "0.70", "0.5"]], ["months of demand", None])
        check_sweep(files["cost"], ["months", "gbp_per_year"], [("i", 4), ("f", 8)], [[0, 6], [1e6, 2e6]],
                    ["months of demand", "GBP per year"])
        check_sweep(files["three"], ["minerals.gallium.demand_t", "minerals.lithium.demand_t",
                                     "policies.stockpile.months"], [("i", 4)] * 3,
                    [[10, 12], [5000, 6000], [0, 3]], ["t per year", "t per year", "months of demand"])  # the minerals' own unit
        for name in ("grid", "cost"):
            check_mean_difference(files[name])
        # minrisk export writes the flat table once (sweep.csv), not the grid
        ex = os.path.join(tmp, "csv")
        subprocess.run([minrisk, "export", files["grid"], "--csv", ex], check=True, stdout=subprocess.DEVNULL)
        top = sorted(n for n in os.listdir(ex) if n.endswith(".csv"))
        check(top == ["sweep.csv"], "export: CSV files beside the variants %s, expected sweep.csv" % top)
        import xarray as xr
        g = xr.open_dataset(files["grid"], engine="h5netcdf", group="sweep/grid")
        with h5py.File(files["grid"], "r") as f:
            want = f["variants/months_6__diversification_cap_0.70/summary/total_loss_mean"][()]
            want_es = f["variants/months_0__diversification_cap_none/summary/total_loss_es"][1]
        got = g.headline.sel(months=6, diversification_cap="0.70", metric="mean_loss").item()
        check(got == want, "xarray: headline at months=6, cap 0.70 is %r, the variant's mean %r" % (got, want))
        got = g.headline.sel(months=0, diversification_cap="none", metric="es99").item()
        check(got == want_es, "xarray: es99 at months=0, no cap is %r, the variant's %r" % (got, want_es))
        g3 = xr.open_dataset(files["three"], engine="h5netcdf", group="sweep/grid")
        check(g3.headline.dims == ("minerals.gallium.demand_t", "minerals.lithium.demand_t",
                                   "policies.stockpile.months", "metric"), "xarray: three-key dims %s"
              % (g3.headline.dims,))
        import minrisk
        sw = minrisk.open(files["grid"])
        sg = sw.sweep_grid()
        check("variant" in sg.coords and sg.headline.dims == ("months", "diversification_cap", "metric"),
              "minrisk.open: sweep_grid() is not the stored grid: %s" % (sg.headline.dims,))
        tg = sw.to_grid(sw.table)
        check(np.array_equal(tg.headline.transpose("months", "diversification_cap", "metric").values,
                             sg.headline.values), "minrisk.open: to_grid(table) differs from /sweep/grid")
        check(sw.grid == {"months": [0, 6], "diversification_cap": ["none", "0.70", "0.5"]},
              "minrisk.open: grid %r" % (sw.grid,))
        # the package's coordinates: the file's types and units wherever it shows a key
        # (sweep_grid() is the file's /sweep/grid; table, to_grid and combine build theirs)
        cg = sw.combine("summary")
        for name, ds in (("table", sw.table), ("to_grid", tg), ("combine", cg), ("sweep_grid", sg)):
            check(ds["months"].dtype == np.int32, "minrisk.open: %s months dtype %s, the file's int32"
                  % (name, ds["months"].dtype))
            check(ds["months"].attrs.get("units") == "months of demand",
                  "minrisk.open: %s months units %r" % (name, ds["months"].attrs.get("units")))
            check("units" not in ds["diversification_cap"].attrs,
                  "minrisk.open: %s diversification_cap (strings) has units" % name)
        check(cg.total_loss_mean.sel(months=np.int32(6), diversification_cap="0.70").item() == want,
              "minrisk.open: combine at months=6, cap 0.70")
        sc = minrisk.open(files["cost"])
        for name, ds in (("table", sc.table), ("combine", sc.combine("summary")), ("sweep_grid", sc.sweep_grid())):
            check(ds["gbp_per_year"].dtype == np.float64 and ds["gbp_per_year"].attrs.get("units") == "GBP per year",
                  "minrisk.open: %s gbp_per_year %s %r" % (name, ds["gbp_per_year"].dtype,
                                                           ds["gbp_per_year"].attrs.get("units")))
        s3 = minrisk.open(files["three"])
        check(list(s3.grid) == ["minerals.gallium.demand_t", "minerals.lithium.demand_t",
                                "policies.stockpile.months"], "minrisk.open: three-key grid %s" % list(s3.grid))
    return finish("sweep_grid")


if __name__ == "__main__":
    sys.exit(main())
