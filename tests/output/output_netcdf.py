#!/usr/bin/python3
"""The result file as netCDF tools see it (docs/OUTPUT.md "Conventions").

    output_netcdf.py MINRISK SRC_DIR

Writes, with MINRISK: a run of the demo scenario (no start year, monthly)
with --events; the same with simulation.start_year 2028 and monthly steps,
quarterly steps and 52 steps a year; a comparison; a sweep. Then checks:

- `ncdump -h` (Debian netcdf-bin) reads every file, and shows the root
  attribute Conventions = "CF-1.8" and the variable `time(step)`;
- netCDF4.Dataset (Debian python3-netcdf4, the netCDF-C library) sees in
  every group exactly the variables xarray (engine h5netcdf) sees, with the
  same dimensions, units, description and long_name;
- every variable with a description has a long_name, and it equals
  long_name(description) of the Python package (python/minrisk,
  an independent implementation of the rule), plus hand-worked examples;
- the time coordinate, by hand: days since 1 January of the start year on
  the standard calendar at the start of each step (2028 is a leap year:
  1 March 2028 is day 60; 1 January 2029 day 366); quarterly steps start on
  the first of January, April, July, October; with 52 steps a year, step
  k of year y starts k/52 of the way through that calendar year; without a
  start year the time is months from the start (step x 12 / n) and xarray
  leaves it as numbers; the step-indexed datasets name `time` in their
  `coordinates` attribute, so xarray and netCDF4 attach it.
"""
import os
import sys
import tempfile
import warnings

import netCDF4
import numpy as np
import xarray as xr
import yaml

warnings.simplefilter("ignore", DeprecationWarning)

BIN, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SRC, "python"))
from minrisk.files import long_name  # noqa: E402  (the package in the source tree)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish, run, run_minrisk  # noqa: E402 (tests/python/checks.py)

def groups(nc, path=""):
    yield path or "/", nc
    for name, g in nc.groups.items():
        yield from groups(g, path + "/" + name)


def compare_with_xarray(path):
    """Every group: netCDF4's variables, dims and attributes = xarray's."""
    nc = netCDF4.Dataset(path)
    ngroups = 0
    for gpath, g in groups(nc):
        ngroups += 1
        x = xr.open_dataset(path, engine="h5netcdf", group=gpath, decode_cf=False)
        check(set(g.variables) == set(x.variables),
              "%s %s: netCDF4 %s, xarray %s" % (path, gpath, sorted(set(g.variables) - set(x.variables)),
                                                sorted(set(x.variables) - set(g.variables))))
        for name in set(g.variables) & set(x.variables):
            v = g.variables[name]
            check(tuple(v.dimensions) == tuple(x[name].dims),
                  "%s %s/%s dims %s vs %s" % (path, gpath, name, v.dimensions, x[name].dims))
            for a in ("units", "description", "long_name", "coordinates"):
                na = v.getncattr(a) if a in v.ncattrs() else None
                xa = x[name].attrs.get(a)
                check(na == xa, "%s %s/%s %s: netCDF4 %r, xarray %r" % (path, gpath, name, a, na, xa))
            if "description" in v.ncattrs():
                want = long_name(v.getncattr("description"))
                check(v.getncattr("long_name") == want if "long_name" in v.ncattrs() else False,
                      "%s %s/%s long_name %r, want %r" % (path, gpath, name,
                                                          v.getncattr("long_name") if "long_name" in v.ncattrs()
                                                          else None, want))
        x.close()
    check(nc.getncattr("Conventions") == "CF-1.8", "%s Conventions" % path)
    nc.close()
    return ngroups


def ncdump(path):
    r = run(["ncdump", "-h", path])
    check(r.returncode == 0, "ncdump -h %s: %d %s" % (path, r.returncode, r.stderr[:200]))
    check(':Conventions = "CF-1.8"' in r.stdout, "ncdump -h %s: no Conventions" % path)
    check("double time(step)" in r.stdout, "ncdump -h %s: no time(step)" % path)
    return r.stdout


def scenario(tmp, name, **sim):
    with open(os.path.join(SRC, "scenarios", "demo.yaml")) as f:
        doc = yaml.safe_load(f)
    doc["simulation"].update(sim)
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False)
    return path


def time_of(path):
    nc = netCDF4.Dataset(path)
    t = nc["summary"].variables["time"]
    out = (np.array(t[:]), {a: t.getncattr(a) for a in t.ncattrs()},
           nc["summary"].variables["price_ratio_band"].getncattr("coordinates"))
    nc.close()
    return out


with tempfile.TemporaryDirectory() as tmp:
    demo = os.path.join(SRC, "scenarios", "demo.yaml")
    files = {}
    files["run"] = os.path.join(tmp, "run.h5")
    run_minrisk([BIN, "run", demo, "--trials", "60", "--events", "-o", files["run"], "-q"])
    for name, sim in (("monthly", {"start_year": 2028}),
                      ("quarterly", {"start_year": 2028, "steps_per_year": 4}),
                      ("weekly", {"start_year": 2027, "steps_per_year": 52, "horizon_years": 2})):
        files[name] = os.path.join(tmp, name + ".h5")
        run_minrisk([BIN, "run", scenario(tmp, name, **sim), "--trials", "20", "-o", files[name], "-q"])
    files["compare"] = os.path.join(tmp, "compare.h5")
    run_minrisk([BIN, "compare", demo, scenario(tmp, "b", start_year=2028), "--trials", "20",
                 "-o", files["compare"], "-q"])
    files["sweep"] = os.path.join(tmp, "sweep.h5")
    run_minrisk([BIN, "run", os.path.join(SRC, "scenarios", "uk-sweep-stockpile-cap.yaml"), "--trials", "10",
                 "-o", files["sweep"], "-q"])

    for kind, path in files.items():
        ncdump(path)
        n = compare_with_xarray(path)
        print("%-9s %2d groups: netCDF4 = xarray" % (kind, n))

    # long_name, hand-worked: the description up to ':' or ';', no parentheses
    x = xr.open_dataset(files["run"], engine="h5netcdf", group="summary")
    check(x["aal"].attrs["long_name"] == "Average annual loss", x["aal"].attrs["long_name"])
    check(x["price_ratio_band"].attrs["long_name"] ==
          "Quantile over trials of the price ratio P_m/P0_m at each step, at probability `band`",
          x["price_ratio_band"].attrs["long_name"])
    check(long_name("a (b; c) d , e. ; f") == "A d, e", "long_name rule")
    # no start year: months, left as numbers by xarray
    check(np.array_equal(x["time"].values, np.arange(120.0)), "demo time = months")
    check(x["time"].attrs["units"] == "months", "demo time units")
    check("time" in x["price_ratio_band"].coords and "time" in x["inoperability_band"].coords,
          "time attached to the bands")
    x.close()

    # start year 2028 (leap), monthly
    t, attrs, coords = time_of(files["monthly"])
    check(attrs["units"] == "days since 2028-01-01 00:00:00" and attrs["calendar"] == "standard" and
          attrs["standard_name"] == "time" and attrs["axis"] == "T", "monthly attrs %r" % attrs)
    check(coords == "time", "coordinates attribute %r" % coords)
    check(list(t[:4]) == [0, 31, 60, 91] and t[12] == 366 and t[13] == 397 and t[24] == 731,
          "monthly days %s" % t[:14])
    d = netCDF4.num2date(t, attrs["units"], attrs["calendar"])
    check((d[14].year, d[14].month, d[14].day) == (2029, 3, 1), "num2date %s" % d[14])
    xt = xr.open_dataset(files["monthly"], engine="h5netcdf", group="summary")["time"].values
    check(str(xt[1])[:10] == "2028-02-01" and str(xt[119])[:10] == "2037-12-01", "xarray %s" % xt[:2])
    # quarterly: first of January, April, July, October
    t, attrs, _ = time_of(files["quarterly"])
    check(list(t[:5]) == [0, 91, 182, 274, 366], "quarterly days %s" % t[:5])
    # 52 steps a year from 2027 (365 days) into 2028 (366 days)
    t, attrs, _ = time_of(files["weekly"])
    check(len(t) == 104 and t[0] == 0 and t[1] == 365 / 52 and t[51] == 51 * 365 / 52 and
          t[52] == 365 and t[53] == 365 + 366 / 52, "weekly days %s" % t[50:54])

sys.exit(finish("output_netcdf"))
