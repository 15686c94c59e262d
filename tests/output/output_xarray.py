#!/usr/bin/python3
"""The result file as downstream tools see it (INTERFACE.md "Output file").

Opens a minrisk result file with xarray (engine h5netcdf) for the root and the
groups trials, summary, indicators, scenario and run_info, and checks named dimensions,
labelled coordinates, units and descriptions; h5py reads the root string
attributes as str; h5dump -A shows them; h5diff --exclude-path /run_info of
two runs finds no difference; the summary prints.

Two ways to get the files:
  output_xarray.py --writer UNIT_OUTPUT [--h5diff H5DIFF] [--h5dump H5DUMP]
      `UNIT_OUTPUT --write-sample F` writes the hand-made sample of
      tests/unit/out/h5/result_file.c, whose values are known and checked here too.
  output_xarray.py --minrisk MINRISK --scenario FILE.yaml [--h5diff ...] [--h5dump ...]
      `minrisk run FILE.yaml --trials 200` with 1 and with 3 threads.
Run with Debian's /usr/bin/python3 (h5py, xarray, h5netcdf, numpy).
"""
import argparse
import os
import sys
import tempfile
import warnings

import h5py
import numpy as np
import xarray as xr
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish, run  # noqa: E402 (tests/python/checks.py)

warnings.simplefilter("ignore", DeprecationWarning)

QUANTILES = [0.5, 0.9, 0.95, 0.99, 0.995, 0.999]
ES_LEVELS = [0.95, 0.99, 0.995]
RETURN_PERIODS = [2, 5, 10, 20, 50, 100, 200, 500, 1000]
BANDS = [0.05, 0.5, 0.95]
HIST_BINS = 50

TRIALS_VARS = {  # every data variable of /trials (output.trials: all), no more
    "total_loss": ("trial",),
    "total_gva_loss": ("trial",),
    "sector_gva_loss": ("trial", "sector"),
    "sector_output_loss": ("trial", "sector"),
    "sector_extra_cost": ("trial", "sector"),
    "annual_loss": ("trial", "year"),
    "sector_annual_loss": ("trial", "year", "sector"),
    "mineral_shortfall_mean": ("trial", "mineral"),
    "mineral_shortfall_peak": ("trial", "mineral"),
    "mineral_shortfall_months": ("trial", "mineral"),
    "mineral_price_peak": ("trial", "mineral"),
    "mineral_stockpile_empty_month": ("trial", "mineral"),
    "mineral_price_peak_market": ("trial", "mineral"),
    "mineral_home_price_peak": ("trial", "mineral"),
    "mineral_market_loss_peak": ("trial", "mineral"),
    "mineral_stock_drawn_peak": ("trial", "mineral"),
    "mineral_demand_destroyed": ("trial", "mineral"),
    "mineral_consumption_fall_peak": ("trial", "mineral"),
    "mineral_price_mean": ("trial", "mineral"),
    "mineral_market_short_months": ("trial", "mineral"),
    "mineral_scarce_months": ("trial", "mineral"),
    "mineral_control_actions": ("trial", "mineral"),
    "mineral_guard_months": ("trial", "mineral"),
    "sector_inoperability_peak": ("trial", "sector"),
    "sector_inoperability_months": ("trial", "sector"),
}


INDICATOR_VARS = {  # numeric variables of /indicators, over stage_row
    "hhi": ("stage_row",),
    "hhi_wgi": ("stage_row",),
    "top_share": ("stage_row",),
    "above_cap": ("stage_row",),
    "wgi_assumed": ("stage_row",),
}
UK_INDICATOR_VARS = {  # numeric variables of /indicators/uk, over mineral
    "hhi": ("mineral",),
    "hhi_wgi": ("mineral",),
    "top_share": ("mineral",),
    "above_cap": ("mineral",),
    "wgi_assumed": ("mineral",),
    "capped": ("mineral",),
}
DEFAULT_CAP = 0.60  # UK Vision 2035, when the scenario sets no diversification_cap


def summary_vars():
    v = {}
    for prefix, lead in [("total_loss", ()), ("sector_loss", ("sector",)),
                         ("sector_output_loss", ("sector",)),
                         ("sector_extra_cost", ("sector",))]:
        for s in ("mean", "sd", "se"):
            v[f"{prefix}_{s}"] = lead
        for s in ("quantile", "quantile_ci_low", "quantile_ci_high"):
            v[f"{prefix}_{s}"] = lead + ("quantile",)
        v[f"{prefix}_es"] = lead + ("es_level",)
    v.update({
        "total_loss_hist_count": ("bin",),
        "total_loss_hist_edges": ("bin_edge",),
        "aal": (), "aal_se": (),
        "return_period_loss": ("return_period",),
        "sector_aal": ("sector",), "sector_aal_se": ("sector",),
        "sector_return_period_loss": ("sector", "return_period"),
        "mineral_shortage_prob": ("mineral",),
        "mineral_shortfall_mean_avg": ("mineral",),
        "mineral_shortfall_months_avg": ("mineral",),
        "mineral_stockpile_empty_prob": ("mineral",),
        "mineral_price_peak_avg": ("mineral",),
        "sector_inoperability_peak_avg": ("sector",),
        "sector_inoperability_months_avg": ("sector",),
        "inoperability_band": ("step", "sector", "band"),
        "price_ratio_band": ("step", "mineral", "band"),
    })
    return v


def open_group(path, group):
    return xr.open_dataset(path, engine="h5netcdf", group=group)


def check_vars(ds, group, expected):
    for name, dims in expected.items():
        check(name in ds.data_vars, f"/{group}/{name} missing")
        var = ds[name]
        check(var.dims == dims, f"/{group}/{name} has dims {var.dims}, want {dims}")
        check("units" in var.attrs, f"/{group}/{name} has no units attribute")
        check(var.attrs.get("description"), f"/{group}/{name} has no description")
        if var.dtype.kind == "f":
            check(var.dtype == np.float64, f"/{group}/{name} is {var.dtype}, want float64")
    for dim in ds.dims:  # every dimension is labelled by a coordinate
        check(dim in ds.coords, f"/{group}: dimension {dim} has no coordinate")
        check(not dim.startswith("phony_dim"), f"/{group}: unnamed dimension {dim}")
        check(ds[dim].attrs.get("description"), f"/{group}/{dim} has no description")


def check_labels(ds, group, name, want):
    got = list(ds[name].values)
    check(all(isinstance(x, str) for x in got), f"/{group}/{name} labels are not str: {got}")
    check(got == list(want), f"/{group}/{name} is {got}, want {list(want)}")


def check_file(path, sample):
    """Checks for any result file; sample=True adds the known sample values."""
    with h5py.File(path, "r") as f:
        a = f.attrs
        for key in ("format", "software_version", "scenario_name", "rng"):
            check(isinstance(a[key], str), f"root attribute {key} is {type(a[key])}, not str")
        check(a["format"] == "minrisk", "format is not minrisk")
        check(list(a["format_version"]) == [1, 9], "format_version is not [1, 9]")
        check(a["rng"] == "philox4x32-10", "rng attribute")
        check(a["seed"].dtype == np.uint64 and a["trials"].dtype == np.uint64,
              "seed and trials are not uint64")
        N, H, n = int(a["trials"]), int(a["horizon_years"]), int(a["steps_per_year"])
        check(isinstance(f["scenario/source"].asstr()[()], str), "/scenario/source")
        resolved = f["scenario/resolved"].asstr()[()]
        check(len(resolved) > 0, "/scenario/resolved is empty")

    root = open_group(path, None)
    for c in ("mineral", "sector", "country"):
        check(c in root.coords, f"root coordinate {c} missing")
    minerals, sectors = list(root["mineral"].values), list(root["sector"].values)
    check(root.attrs["format"] == "minrisk", "xarray sees no format attribute")

    trials = open_group(path, "trials")
    check_vars(trials, "trials", TRIALS_VARS)
    extra = sorted(set(trials.data_vars) - set(TRIALS_VARS))
    check(not extra, f"/trials has data variables not expected here: {extra}")
    check(list(trials["trial"].values) == list(range(N)), "trial coordinate is not 0..N-1")
    check(trials["trial"].dtype == np.uint64, "trial coordinate is not uint64")
    check(list(trials["year"].values) == list(range(1, H + 1)), "year coordinate is not 1..H")
    check_labels(trials, "trials", "mineral", minerals)
    check_labels(trials, "trials", "sector", sectors)
    check(trials["total_loss"].attrs["units"] == "GBP", "total_loss units")
    for name in ("total_gva_loss", "sector_gva_loss", "sector_annual_loss"):
        check(trials[name].attrs["units"] == "GBP", f"{name} units")
    for name in ("mineral_stock_drawn_peak", "mineral_demand_destroyed",
                 "mineral_market_short_months", "mineral_scarce_months",
                 "mineral_guard_months"):
        check(trials[name].attrs["units"] == "months", f"{name} units")
    for name in ("mineral_price_peak_market", "mineral_home_price_peak",
                 "mineral_market_loss_peak", "mineral_consumption_fall_peak",
                 "mineral_price_mean", "mineral_control_actions"):
        check(trials[name].attrs["units"] == "1", f"{name} units")
    # the headline: total loss is the sum of the sectors' value added lost
    # (GL, = OL for a sector without gva_gbp) and extra cost
    gl, ol, xc = (trials[v] for v in ("sector_gva_loss", "sector_output_loss",
                                      "sector_extra_cost"))
    check(np.allclose((gl + xc).sum("sector"), trials["total_loss"], rtol=1e-9, atol=1e-6),
          "total_loss != sum over sectors of GL + XC")
    check(np.allclose(gl.sum("sector"), trials["total_gva_loss"], rtol=1e-9, atol=1e-6),
          "total_gva_loss != sum over sectors of GL")
    check(bool((gl <= ol * (1 + 1e-12) + 1e-6).all()), "value added lost above output lost")
    check(np.allclose(trials["annual_loss"].sum("year"), trials["total_loss"],
                      rtol=1e-9, atol=1e-6), "annual losses do not add up to total_loss")
    sal = trials["sector_annual_loss"]
    check(np.allclose(sal.sum("sector"), trials["annual_loss"], rtol=1e-9, atol=1e-6),
          "sector annual losses do not add up to annual_loss")
    check(np.allclose(sal.sum("year"), gl + xc, rtol=1e-9, atol=1e-6),
          "sector annual losses do not add up to the sector's GL + XC")

    summ = open_group(path, "summary")
    check_vars(summ, "summary", summary_vars())
    check_labels(summ, "summary", "mineral", minerals)
    check_labels(summ, "summary", "sector", sectors)
    check(np.allclose(summ["quantile"], QUANTILES), "quantile coordinate")
    check(np.allclose(summ["es_level"], ES_LEVELS), "es_level coordinate")
    check(np.allclose(summ["return_period"], RETURN_PERIODS), "return_period coordinate")
    check(summ["return_period"].attrs["units"] == "year", "return_period units")
    check(np.allclose(summ["band"], BANDS), "band coordinate")
    check(summ.sizes["bin"] == HIST_BINS and summ.sizes["bin_edge"] == HIST_BINS + 1, "bins")
    check(list(summ["step"].values) == list(range(H * n)), "step coordinate is not 0..T-1")
    check(int(summ["total_loss_hist_count"].sum()) == N, "histogram does not count N trials")
    # the statistics agree with the trials they summarise
    tl = np.sort(trials["total_loss"].values)
    for p in QUANTILES:
        k = int(np.ceil(round(N * p, 9)))
        k = min(max(k, 1), N)
        got = float(summ["total_loss_quantile"].sel(quantile=p))
        check(got == tl[k - 1], f"total_loss_quantile at {p} is {got}, want X_({k}) = {tl[k-1]}")
    check(np.isclose(float(summ["total_loss_mean"]), tl.mean(), rtol=1e-12), "total_loss_mean")
    check(np.isclose(float(summ["aal"]), trials["annual_loss"].values.mean(), rtol=1e-12),
          "aal is not the mean annual loss")
    lo, q, hi = (summ[f"total_loss_quantile{s}"] for s in ("_ci_low", "", "_ci_high"))
    check(bool(((lo <= q) | lo.isnull()).all() and ((q <= hi) | hi.isnull()).all()),
          "quantile outside its confidence interval")

    ind = open_group(path, "indicators")
    check_indicators(ind, resolved)
    uk = open_group(path, "indicators/uk")
    check_uk_indicators(uk, ind, resolved)

    for g in ("scenario", "run_info"):
        open_group(path, g)  # opens

    if sample:
        check(minerals == ["gallium", "germanium"], f"sample minerals {minerals}")
        check(sectors == ["automotive", "defence"], f"sample sectors {sectors}")
        check(list(root["country"].values) == ["CN"], "sample countries")
        check(np.array_equal(trials["total_loss"].values, 300.0 * np.arange(1, N + 1)),
              "sample total_loss")
        check(np.array_equal(trials["total_gva_loss"].values, 300.0 * np.arange(1, N + 1)),
              "sample total_gva_loss")
        check(float(trials["sector_annual_loss"].sel(trial=3, year=2, sector="defence")) == 560.0,
              "sample sector_annual_loss")
        check(np.array_equal(trials["mineral_guard_months"].sel(mineral="germanium").values,
                             2.0 * np.arange(N)), "sample mineral_guard_months")
        check(np.array_equal(trials["mineral_stock_drawn_peak"].sel(mineral="gallium").values,
                             0.25 * np.arange(N)), "sample mineral_stock_drawn_peak")
        check(np.array_equal(trials["mineral_market_short_months"].sel(mineral="gallium").values,
                             2.0 + np.arange(N)), "sample mineral_market_short_months")
        check(np.array_equal(trials["mineral_scarce_months"].sel(mineral="germanium").values,
                             1.0 + np.arange(N)), "sample mineral_scarce_months")
        check(np.array_equal(trials["mineral_control_actions"].sel(mineral="germanium").values,
                             6.0 + 2.0 * np.arange(N)), "sample mineral_control_actions")
        check(float(summ["total_loss_quantile"].sel(quantile=0.95)) == 3000.0, "sample VaR 95")
        check(float(summ["sector_aal"].sel(sector="defence")) == 522.5, "sample sector AAL")
        check(float(summ["mineral_shortage_prob"].sel(mineral="gallium")) == 0.7,
              "sample shortage probability")
        check(ind.sizes["stage_row"] == 0, "the sample has no stages, but /indicators has rows")
    for ds in (root, trials, summ, ind, uk):
        ds.close()
    return N


def indicator_row(countries, sup):
    """MODEL §11 of one list of {country, share}: hhi, hhi_wgi, top country,
    top share, wgi_assumed ("" and zeros for an empty list)."""
    if not sup:
        return 0.0, 0.0, "", 0.0, 0
    # an aggregate (rest of the world) counts as share 0: out of HHI, never top
    agg = [countries[x["country"]].get("aggregate") == "true" for x in sup]
    share = np.array([0.0 if a else float(x["share"]) for x, a in zip(sup, agg)])
    g = np.array([10 - 2 * (float(countries[x["country"]]["wgi_pv"]) + 2.5)
                  if "wgi_pv" in countries[x["country"]] else 5.0 for x in sup])
    top = int(np.argmax(share))  # the first on a tie
    return (float((share ** 2).sum()), float((share ** 2 * g).sum()), sup[top]["country"],
            float(share[top]),
            int(any("wgi_pv" not in countries[x["country"]] and not a
                    for x, a in zip(sup, agg))))


def expected_indicators(resolved):
    """The rows of MODEL §11 recomputed from the resolved scenario text."""
    # BaseLoader: every scalar a str (no YAML 1.1 surprises such as NO -> False)
    sc = yaml.load(resolved, Loader=yaml.BaseLoader)
    countries = sc.get("countries") or {}
    rows = []
    for mid, m in (sc.get("minerals") or {}).items():
        for stage in ("mining", "refining"):
            sup = m.get(stage) or []
            if sup:
                rows.append((mid, stage) + indicator_row(countries, sup))
    return rows, "policies" in sc


def expected_uk_indicators(resolved):
    """The UK rows of MODEL §11 (docs/MODEL.md §3u) recomputed from the
    resolved scenario text: uk_sourcing where it is written out (data, or a
    fallback fixed by a cap), else the open market's shares of the product
    stage, e_c / D with e_c = s_c - min(d_c, s_c), D = 1 - sum_c min(d_c, s_c)
    (s_c without home uses), countries of share 0 left out."""
    sc = yaml.load(resolved, Loader=yaml.BaseLoader)
    countries = sc.get("countries") or {}
    rows = []
    for mid, m in (sc.get("minerals") or {}).items():
        stage = "refining" if m.get("refining") else "mining"
        us = m.get("uk_sourcing")
        if us:
            sup = [{"country": c, "share": v} for c, v in us["shares"].items() if v != "null"]
            basis = "fallback" if us.get("fallback") == "true" else "data"
            source = us.get("source", "") if basis == "data" else ""
        else:
            prod = m.get(stage) or []
            home = (m.get("market") or {}).get("domestic_use") or {}
            held = [min(float(home.get(x["country"], 0.0)), float(x["share"])) for x in prod]
            D = 1.0 - sum(held)
            sup = [{"country": x["country"], "share": (float(x["share"]) - h) / D}
                   for x, h in zip(prod, held) if float(x["share"]) - h > 0.0]
            basis, source = "fallback", ""
        rows.append((mid, stage) + indicator_row(countries, sup) + (basis, source))
    return rows


def check_indicators(ind, resolved):
    """/indicators: labelled stage_row, units and descriptions, and the
    values recomputed from /scenario/resolved."""
    check_vars(ind, "indicators", INDICATOR_VARS)
    for name in ("mineral_id", "stage"):  # CF coordinates along stage_row
        check(name in ind.coords and ind[name].dims == ("stage_row",),
              f"/indicators/{name} is not a coordinate along stage_row")
    check(ind["top_country"].dims == ("stage_row",), "/indicators/top_country dims")
    for name in ("mineral_id", "stage", "top_country"):
        check(ind[name].attrs.get("description"), f"/indicators/{name} has no description")
        check(all(isinstance(x, str) for x in ind[name].values),
              f"/indicators/{name} labels are not str")
    check(list(ind["stage_row"].values) == list(range(ind.sizes["stage_row"])),
          "stage_row is not 0..R-1")
    cap = float(ind.attrs["cap"])
    check(0 < cap <= 1, f"/indicators cap attribute {cap}")
    check(ind.attrs.get("description"), "/indicators has no description")
    for name in ("above_cap", "wgi_assumed"):
        check(ind[name].dtype == np.uint8, f"/indicators/{name} is {ind[name].dtype}, not uint8")
    rows, has_policies = expected_indicators(resolved)
    if not has_policies:
        check(cap == DEFAULT_CAP, f"cap {cap} without policies, want {DEFAULT_CAP}")
    check(ind.sizes["stage_row"] == len(rows),
          f"/indicators has {ind.sizes['stage_row']} rows, want {len(rows)}")
    for r, (mid, stage, hhi, hhi_wgi, top, share, assumed) in enumerate(rows):
        got = ind.isel(stage_row=r)
        what = f"/indicators row {r} ({mid} {stage})"
        check(str(got["mineral_id"].values) == mid and str(got["stage"].values) == stage,
              f"{what}: labelled {got['mineral_id'].values} {got['stage'].values}")
        check(np.isclose(float(got["hhi"]), hhi, rtol=1e-12, atol=0), f"{what}: hhi")
        check(np.isclose(float(got["hhi_wgi"]), hhi_wgi, rtol=1e-12, atol=1e-15),
              f"{what}: hhi_wgi {float(got['hhi_wgi'])}, want {hhi_wgi}")
        check(str(got["top_country"].values) == top, f"{what}: top_country")
        check(float(got["top_share"]) == share, f"{what}: top_share")
        check(int(got["above_cap"]) == int(share > cap + 1e-9), f"{what}: above_cap")
        check(int(got["wgi_assumed"]) == assumed, f"{what}: wgi_assumed")
    # selection by mineral and stage, as docs/OUTPUT.md shows
    if rows:
        mid, stage = rows[-1][0], rows[-1][1]
        by = ind.set_index(stage_row=["mineral_id", "stage"])
        check(float(by["hhi"].sel(mineral_id=mid, stage=stage)) == float(ind["hhi"][-1]),
              "/indicators: .sel(mineral_id=, stage=) after set_index")


def check_uk_indicators(uk, ind, resolved):
    """/indicators/uk: one row per mineral over the mineral coordinate, units
    and descriptions, the values recomputed from /scenario/resolved, and the
    stage naming the world's row of /indicators beside it."""
    check_vars(uk, "indicators/uk", UK_INDICATOR_VARS)
    for name in ("stage", "top_country", "basis", "source"):
        check(uk[name].dims == ("mineral",), f"/indicators/uk/{name} dims")
        check(uk[name].attrs.get("description"), f"/indicators/uk/{name} has no description")
        check(all(isinstance(x, str) for x in uk[name].values),
              f"/indicators/uk/{name} labels are not str")
    for name in ("above_cap", "wgi_assumed", "capped"):
        check(uk[name].dtype == np.uint8, f"/indicators/uk/{name} is {uk[name].dtype}, not uint8")
    check(uk.attrs.get("description"), "/indicators/uk has no description")
    cap = float(uk.attrs["cap"])
    check(cap == float(ind.attrs["cap"]), "/indicators/uk cap is not /indicators' cap")
    rows = expected_uk_indicators(resolved)
    check(list(uk["mineral"].values) == [r[0] for r in rows],
          f"/indicators/uk minerals {list(uk['mineral'].values)}")
    world = {(str(a), str(b)) for a, b in zip(ind["mineral_id"].values, ind["stage"].values)}
    for r, (mid, stage, hhi, hhi_wgi, top, share, assumed, basis, source) in enumerate(rows):
        got = uk.sel(mineral=mid)
        what = f"/indicators/uk {mid}"
        check(str(got["stage"].values) == stage, f"{what}: stage {got['stage'].values}")
        check(top == "" or (mid, stage) in world, f"{what}: no world row of {stage}")
        check(np.isclose(float(got["hhi"]), hhi, rtol=1e-12, atol=1e-15), f"{what}: hhi")
        check(np.isclose(float(got["hhi_wgi"]), hhi_wgi, rtol=1e-12, atol=1e-15),
              f"{what}: hhi_wgi {float(got['hhi_wgi'])}, want {hhi_wgi}")
        check(str(got["top_country"].values) == top, f"{what}: top_country")
        check(np.isclose(float(got["top_share"]), share, rtol=1e-12, atol=1e-15),
              f"{what}: top_share {float(got['top_share'])}, want {share}")
        check(int(got["above_cap"]) == int(float(got["top_share"]) > cap + 1e-9),
              f"{what}: above_cap")
        check(int(got["wgi_assumed"]) == assumed, f"{what}: wgi_assumed")
        check(str(got["basis"].values) == basis, f"{what}: basis {got['basis'].values}")
        check(str(got["source"].values) == source, f"{what}: source")


def check_h5dump(h5dump, path):
    if not h5dump:
        return
    r = run([h5dump, "-A", path])
    check(r.returncode == 0, f"h5dump -A failed: {r.stderr}")
    for s in ('"minrisk"', '"philox4x32-10"', "format_version", "software_version"):
        check(s in r.stdout, f"h5dump -A does not show {s}")


def check_h5diff(h5diff, a, b):
    if not h5diff:
        return
    r = run([h5diff, "--exclude-path", "/run_info", a, b])
    check(r.returncode == 0, f"h5diff --exclude-path /run_info finds differences:\n"
                             f"{r.stdout[-2000:]}{r.stderr[-2000:]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writer", help="unit_out_h5_result_file executable (sample mode)")
    ap.add_argument("--minrisk", help="minrisk executable (CLI mode)")
    ap.add_argument("--scenario", help="scenario for CLI mode")
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--h5diff")
    ap.add_argument("--h5dump")
    args = ap.parse_args()
    if bool(args.writer) == bool(args.minrisk) or (args.minrisk and not args.scenario):
        ap.error("give --writer, or --minrisk with --scenario")

    with tempfile.TemporaryDirectory(prefix="output_xarray.") as tmp:
        a, b = os.path.join(tmp, "a.h5"), os.path.join(tmp, "b.h5")
        if args.writer:
            for out in (a, b):
                r = run([args.writer, "--write-sample", out])
                check(r.returncode == 0, f"writer failed: {r.stderr}")
            summary_cmd = [args.writer, "--print-summary", a]
        else:
            for out, threads in ((a, "1"), (b, "3")):
                r = run([args.minrisk, "run", args.scenario, "--trials", str(args.trials),
                         "--threads", threads, "--quiet", "-o", out])
                check(r.returncode == 0, f"minrisk run failed ({r.returncode}): {r.stderr}")
            summary_cmd = [args.minrisk, "summary", a]
        check(sorted(os.listdir(tmp)) == ["a.h5", "b.h5"],
              f"files left beside the output: {sorted(os.listdir(tmp))}")
        N = check_file(a, sample=bool(args.writer))
        if args.minrisk:
            check(N == args.trials, f"file has {N} trials, want {args.trials}")
        check_h5diff(args.h5diff, a, b)
        check_h5dump(args.h5dump, a)

        r = run(summary_cmd)
        check(r.returncode == 0, f"{' '.join(summary_cmd)} failed: {r.stderr}")
        check("\nTotal " in r.stdout and "GBP m" in r.stdout, "summary has no Total row")
        if args.minrisk:  # --brief: the full output up to the end of the loss table
            full = r.stdout
            r = run([args.minrisk, "summary", "--brief", a])
            check(r.returncode == 0 and r.stdout.rstrip("\n").splitlines()[-1].startswith("Total ")
                  and full.startswith(r.stdout) and "Minerals:" in full and "Minerals:" not in r.stdout,
                  "summary --brief is not the header and the loss table: %r" % r.stdout[-300:])

        bad = os.path.join(tmp, "not-a-result.h5")
        with open(bad, "w") as f:
            f.write("just text\n")
        r = run(summary_cmd[:-1] + [bad])
        check(r.returncode != 0, "summary of a text file succeeded")
        if args.minrisk:
            check(r.returncode == 2, f"summary of a bad file exits {r.returncode}, want 2")
        err = r.stderr.strip().splitlines()
        check(len(err) == 1 and err[0].startswith(bad + ": "),
              f"summary of a bad file: stderr is not one line naming the file: {r.stderr!r}")
    return finish("output_xarray")


if __name__ == "__main__":
    sys.exit(main())
