#!/usr/bin/python3
"""export_csv.py - `minrisk export` against docs/EXPORT.md and h5py.

Runs scenarios/demo.yaml with a few hundred trials (and checks what
`run --verbose` prints against /run_info), exports it with
--trials, opens every CSV with Python's csv module, checks its header
against the column tables of docs/EXPORT.md (placeholders expanded from the
file's ids and levels), and every cell against an h5py read of the same
dataset: floats exactly (float() of the %.17g text equals the stored
double; NaN is an empty cell), integers and strings exactly. Then the
failure paths (exit status 2, one line on stderr, nothing left behind), a
file with output.trials: totals, and a comparison file made with h5py
(runs/a, runs/b, /difference with coordinate variables) for --run and the
generic rule of the study tables; a real comparison (the header of
difference_series.csv against the columns docs/EXPORT.md lists, the
variance-reduction factor as `_ratio` and `inf`); NaN attributes in
info.csv; uk-2035-stockpile.yaml, whose minerals without a stockpile have
an empty P(stockpile empty) and the others the fraction counted from
/trials; and the pandas one-liners of docs/OUTPUT.md.

usage: export_csv.py --minrisk BIN --src SOURCE_ROOT
"""
import argparse
import csv
import math
import os
import re
import shutil
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish, run, stockpiled_minerals, strs  # noqa: E402 (tests/python/checks.py)


# ---- docs/EXPORT.md: the documented columns ---------------------------------

def documented_columns(doc_path):
    """{file name: [column pattern, ...]} from the '### `NAME.csv`' sections."""
    cols, current = {}, None
    for line in open(doc_path, encoding="utf-8"):
        m = re.match(r"^###\s+`([^`]+\.csv)`", line)
        if m:
            current = m.group(1)
            cols[current] = []
            continue
        if line.startswith("#"):
            current = None
            continue
        if current is None:
            continue
        m = re.match(r"^\|\s*`([^`]+)`\s*\|", line)
        if m:
            cols[current].append(m.group(1))
    return cols


def label(p):
    """0.5 -> '50', 0.995 -> '995', 0.05 -> '05' (as docs/EXPORT.md says)."""
    t = ("%.10g" % (p * 100)).replace(".", "")
    return "0" + t if len(t) == 1 else t


def expand(patterns, subst):
    out = []
    for p in patterns:
        keys = [k for k in subst if "<%s>" % k in p]
        if not keys:
            out.append(p)
            continue
        (k,) = keys
        out.extend(p.replace("<%s>" % k, v) for v in subst[k])
    return out


# ---- reading -------------------------------------------------------------

def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def same(cell, want, where):
    """One cell against the stored value, exactly."""
    if isinstance(want, str):
        return check(cell == want, "%s: %r != %r" % (where, cell, want))
    if isinstance(want, (int, np.integer)):
        return check(cell == str(int(want)), "%s: %r != %d" % (where, cell, want))
    w = float(want)
    if math.isnan(w):
        return check(cell == "", "%s: %r, expected an empty cell (NaN)" % (where, cell))
    try:
        got = float(cell)
    except ValueError:
        return check(False, "%s: %r is not a number (expected %r)" % (where, cell, w))
    return check(got == w and math.copysign(1, got) == math.copysign(1, w),
                 "%s: %r != %r" % (where, cell, w))


def compare_rows(name, rows, expected):
    if not check(len(rows) == len(expected),
                 "%s: %d rows, expected %d" % (name, len(rows), len(expected))):
        return
    for i, (got, want) in enumerate(zip(rows, expected)):
        if not check(len(got) == len(want),
                     "%s row %d: %d cells, expected %d" % (name, i + 1, len(got), len(want))):
            continue
        for j, (c, w) in enumerate(zip(got, want)):
            if not same(c, w, "%s row %d col %d" % (name, i + 1, j + 1)):
                return  # one message a file is enough


# ---- the expected tables, from h5py -------------------------------------------

def gbp_m(v):
    """A money value stored in GBP as the CSVs write it: GBP m (v / 1e6)."""
    return np.float64(v) / 1e6


def expected_tables(g, root, trials):
    """{file: rows} computed from the HDF5 group g of one run."""
    S = strs(g["summary/sector"])
    M = strs(g["summary/mineral"])
    sm = g["summary"]
    t = {}

    # info.csv: every attribute of the run group and of /run_info
    def attr_rows(obj, prefix):
        out = []
        for k, v in obj.attrs.items():
            if isinstance(v, (bytes, str)):
                out.append([prefix + k, v.decode() if isinstance(v, bytes) else v])
            else:
                a = np.atleast_1d(v)
                if a.dtype.kind == "f":  # NaN: an empty value, "nan" inside an array
                    txt = " ".join(("nan" if a.size > 1 else "") if math.isnan(x) else "%.17g" % x
                                   for x in a)
                else:
                    txt = " ".join(str(int(x)) for x in a)
                out.append([prefix + k, txt])
        return out
    t["info.csv"] = attr_rows(g, "") + (attr_rows(root["run_info"], "run_info.")
                                         if "run_info" in root else [])
    if g.name != "/":  # a comparison's or sweep's run: its group
        t["info.csv"].append(["group", g.name])
    if "run_info" in root and "verification" in root["run_info"].attrs:  # as `run` prints it
        t["info.csv"].append(["run_info.verification_hex", "%016x" % int(root["run_info"].attrs["verification"])])

    rows = []
    for j, s in enumerate(S):
        comps = ("loss", "gva_loss", "output_loss", "extra_cost") \
            if "sector_gva_loss_mean" in sm else ("loss", "output_loss", "extra_cost")
        for comp in comps:
            v = "sector_" + comp
            row = [s, comp, gbp_m(sm[v + "_mean"][j]), gbp_m(sm[v + "_sd"][j]),
                   gbp_m(sm[v + "_se"][j])]
            for part in ("quantile", "quantile_ci_low", "quantile_ci_high"):
                row += [gbp_m(x) for x in sm["%s_%s" % (v, part)][j, :]]
            row += [gbp_m(x) for x in sm[v + "_es"][j, :]]
            row += [gbp_m(sm["sector_aal"][j]), gbp_m(sm["sector_aal_se"][j])] \
                if comp == "loss" else ["", ""]
            rows.append(row)
    row = ["total", "loss", gbp_m(sm["total_loss_mean"][()]), gbp_m(sm["total_loss_sd"][()]),
           gbp_m(sm["total_loss_se"][()])]
    for part in ("quantile", "quantile_ci_low", "quantile_ci_high"):
        row += [gbp_m(x) for x in sm["total_loss_" + part][:]]
    row += [gbp_m(x) for x in sm["total_loss_es"][:]] + [gbp_m(sm["aal"][()]),
                                                         gbp_m(sm["aal_se"][()])]
    rows.append(row)
    t["summary_loss.csv"] = rows

    rp = sm["return_period"][:]
    t["return_periods.csv"] = [[rp[k], gbp_m(sm["return_period_loss"][k])] +
                               [gbp_m(x) for x in sm["sector_return_period_loss"][:, k]]
                               for k in range(len(rp))]
    cnt, edge = sm["total_loss_hist_count"][:], sm["total_loss_hist_edges"][:]
    t["histogram.csv"] = [[b, gbp_m(edge[b]), gbp_m(edge[b + 1]), int(cnt[b])]
                          for b in range(len(cnt))]
    names, units = strs(g["mineral_name"]), strs(g["mineral_unit"])
    t["minerals.csv"] = [[m, names[i], units[i], sm["mineral_shortage_prob"][i],
                          sm["mineral_shortfall_mean_avg"][i], sm["mineral_shortfall_months_avg"][i],
                          sm["mineral_stockpile_empty_prob"][i], sm["mineral_price_peak_avg"][i]]
                         for i, m in enumerate(M)]
    snames = strs(g["sector_name"])
    t["sectors.csv"] = [[s, snames[j], sm["sector_inoperability_peak_avg"][j],
                         sm["sector_inoperability_months_avg"][j]] for j, s in enumerate(S)]
    step, mps = sm["step"][:], sm["step"].attrs["months_per_step"]
    for fname, ds, ids in (("inoperability_bands.csv", "inoperability_band", S),
                           ("price_bands.csv", "price_ratio_band", M)):
        b = sm[ds][:]
        t[fname] = [[int(step[k]), float(step[k]) * mps, e] + list(b[k, i, :])
                    for k in range(len(step)) for i, e in enumerate(ids)]
    if "indicators" in g:
        ind = g["indicators"]
        mi, st, top = strs(ind["mineral_id"]), strs(ind["stage"]), strs(ind["top_country"])
        cap = ind.attrs["cap"]
        t["indicators.csv"] = [[mi[k], st[k], top[k], ind["hhi"][k], ind["hhi_wgi"][k],
                                ind["top_share"][k], int(ind["above_cap"][k]),
                                int(ind["wgi_assumed"][k]), cap] for k in range(len(mi))]
        if "uk" in ind:  # format 1.4: UK sourcing beside the world's product stage
            uk = ind["uk"]
            um, ust, utop = strs(uk["mineral"]), strs(uk["stage"]), strs(uk["top_country"])
            basis, source = strs(uk["basis"]), strs(uk["source"])
            world = {(mi[k], st[k]): k for k in range(len(mi))}
            rows = []
            for k in range(len(um)):
                w = world[(um[k], ust[k])]
                rows.append([um[k], ust[k], top[w], ind["top_share"][w], ind["hhi"][w],
                             int(ind["above_cap"][w]), utop[k], uk["top_share"][k],
                             uk["hhi"][k], uk["hhi_wgi"][k], int(uk["above_cap"][k]),
                             int(uk["wgi_assumed"][k]), basis[k], source[k],
                             int(uk["capped"][k]), cap])
            t["indicators_uk.csv"] = rows
    if trials and "trials" in g:
        tr = g["trials"]
        trial = tr["trial"][:]
        cols = [gbp_m(tr["total_loss"][:]), gbp_m(tr["total_gva_loss"][:])]
        if "weight" in tr:  # an importance-sampled run: the likelihood ratio after `trial`
            cols.insert(0, tr["weight"][:])
        for v in ("sector_gva_loss", "sector_output_loss", "sector_extra_cost",
                  "sector_inoperability_peak", "sector_inoperability_months"):
            if v in tr:
                money = tr[v].attrs["units"] in (b"GBP", "GBP")
                cols += [gbp_m(tr[v][:, j]) if money else tr[v][:, j] for j in range(len(S))]
        t["trials.csv"] = [[int(trial[i])] + [c[i] for c in cols] for i in range(len(trial))]
        year, al = tr["year"][:], tr["annual_loss"][:]
        # the sector columns: /trials/sector_annual_loss [trial, year, sector], when stored
        sal = tr["sector_annual_loss"][:] if "sector_annual_loss" in tr else None
        if sal is not None:
            check(sal.shape == (len(trial), len(year), len(S)),
                  "sector_annual_loss has shape %s" % (sal.shape,))
        t["annual_loss.csv"] = [[int(trial[i]), int(year[y]), gbp_m(al[i, y])] +
                                ([] if sal is None else [gbp_m(x) for x in sal[i, y, :]])
                                for i in range(len(trial)) for y in range(len(year))]
        # the long year loss table: one row per trial, year and sector
        if sal is not None:
            t["year_loss.csv"] = [[int(trial[i]), int(year[y]), S[j], gbp_m(sal[i, y, j])]
                                  for i in range(len(trial)) for y in range(len(year))
                                  for j in range(len(S))]
        mv = ("mineral_shortfall_mean", "mineral_shortfall_peak", "mineral_shortfall_months",
              "mineral_price_peak", "mineral_stockpile_empty_month", "mineral_price_peak_market",
              "mineral_home_price_peak", "mineral_market_loss_peak", "mineral_stock_drawn_peak",
              "mineral_demand_destroyed", "mineral_consumption_fall_peak",
              "mineral_price_mean", "mineral_market_short_months", "mineral_scarce_months",
              "mineral_control_actions", "mineral_guard_months")
        if all(v in tr for v in mv):
            arr = [tr[v][:] for v in mv]
            t["mineral_trials.csv"] = [[int(trial[i]), m] + [a[i, k] for a in arr]
                                       for i in range(len(trial)) for k, m in enumerate(M)]
    if trials and "events" in g and "loss" in g["events"]:
        ev = g["events"]
        eid, etr, el = ev["event"][:], ev["trial"][:], ev["loss"][:]
        t["event_loss.csv"] = [[int(eid[e]), int(etr[e]), S[j], gbp_m(el[e, j])]
                               for e in range(len(eid)) for j in range(len(S))]
    if "loss_tables" in g:
        lt = g["loss_tables"]
        ser, rpl = strs(lt["series"]), lt["return_period"][:]
        cur = [lt[n][:] for n in ("aep", "aep_lo", "aep_hi", "oep", "oep_lo", "oep_hi")]
        t["exceedance.csv"] = [[ser[k], rpl[p]] + [gbp_m(c[k, p]) for c in cur]
                               for k in range(len(ser)) for p in range(len(rpl))]
    return t


def substitutions(g):
    sm = g["summary"]
    return {"sector": strs(sm["sector"]),
            "q": [label(p) for p in sm["quantile"][:]],
            "es": [label(p) for p in sm["es_level"][:]],
            "band": [label(p) for p in sm["band"][:]]}


def check_run_export(outdir, g, root, doc, trials, name):
    """Every CSV of one run's export: header and values."""
    want = expected_tables(g, root, trials)
    subst = substitutions(g)
    got_files = sorted(f for f in os.listdir(outdir) if f.endswith(".csv"))
    study = [f for f in got_files if f not in doc]
    check(not [f for f in os.listdir(outdir) if f.startswith(".")],
          "%s: temporary files left: %s" % (name, os.listdir(outdir)))
    for f in sorted(want):
        path = os.path.join(outdir, f)
        if not check(os.path.exists(path), "%s: %s was not written" % (name, f)):
            continue
        header, rows = read_csv(path)
        if f == "trials.csv":
            # the documented columns that the file keeps (output.trials)
            cols = expand(doc[f], subst)
            keep = {"total_loss_gbp_m", "gva_loss_gbp_m", "trial"}
            tr = g["trials"]
            if "weight" in tr:  # an importance-sampled run
                keep.add("weight_ratio")
            for suffix, ds in (("_gva_loss_gbp_m", "sector_gva_loss"),
                               ("_output_loss_gbp_m", "sector_output_loss"),
                               ("_extra_cost_gbp_m", "sector_extra_cost"),
                               ("_inoperability_peak_fraction", "sector_inoperability_peak"),
                               ("_inoperability_months", "sector_inoperability_months")):
                if ds in tr:
                    keep |= {s + suffix for s in subst["sector"]}
            cols = [c for c in cols if c in keep]
        elif f == "annual_loss.csv" and "sector_annual_loss" not in g["trials"]:
            # output.trials: totals keeps no per-sector annual losses
            cols = ["trial", "year", "loss_gbp_m"]
        elif f == "exceedance.csv":
            cols = doc[f]  # one row per series and return period
        else:
            cols = expand(doc[f], subst)
        check(header == cols, "%s/%s: header %s, documented %s" % (name, f, header, cols))
        if f == "info.csv":  # attributes in creation order, or by name when not tracked
            rows, want[f] = sorted(rows), sorted(want[f])
        compare_rows("%s/%s" % (name, f), rows, want[f])
    extra = [f for f in got_files if f not in want and f in doc]
    check(not extra, "%s: unexpected files %s" % (name, extra))
    return study


# ---- the generic rule of the study tables, independently -------------------

RATIO_WORDS = ("ratio", "price", "factor", "variance_reduction", "per_pound")  # docs/EXPORT.md, the suffix rule


def documented_study_columns(doc_path, group, fname):
    """The columns docs/EXPORT.md's "Study tables" example lists for fname
    of group (`/difference`): the backquoted list after "`fname`, ...:"."""
    for line in open(doc_path, encoding="utf-8"):
        if line.startswith("| `%s`" % group):
            m = re.search(r"`%s`[^:]*:\s*`([^`]+)`" % re.escape(fname), line)
            if m:
                return [c.strip() for c in m.group(1).split(",")]
    return None


def generic_expected(grp):
    """{leading dim: (header, rows)} for a group by docs/EXPORT.md's rule."""
    def dims(ds):
        out = []
        for k, d in enumerate(ds.dims):
            out.append(d[0].name.split("/")[-1] if len(d) else "#%d" % ds.shape[k])
        return out

    def is_scale(ds):
        return ds.attrs.get("CLASS", b"") in (b"DIMENSION_SCALE", "DIMENSION_SCALE")

    def suffix(name, ds):
        u = ds.attrs.get("units")
        if u is None or ds.dtype.kind in "OSU":
            return ""
        u = u.decode() if isinstance(u, bytes) else u
        if u == "1":  # a ratio (may exceed 1) by its name, else a fraction
            s = "" if ds.dtype.kind != "f" else (
                "ratio" if any(w in name for w in RATIO_WORDS) else "fraction")
        elif u in ("year", "years"):
            s = "years"
        elif u == "GBP":  # money: GBP m, the values divided by 1e6
            s = "gbp_m"
        else:
            s = "".join(c.lower() if c.isascii() and c.isalnum() else "_" for c in u)
        return "" if not s or name.endswith("_" + s) or name.endswith("_" + s + "s") else "_" + s

    def values(ds):
        if ds.dtype.kind in "OS":
            return strs(ds)
        v = list(ds[()].reshape(-1)) if ds.ndim else [ds[()]]
        if ds.attrs.get("units") in (b"GBP", "GBP") and ds.dtype.kind == "f":
            v = [gbp_m(x) for x in v]
        return v

    def lab(ds, k, grp):
        d = dims(ds)[k]
        if d.startswith("#") or d not in grp:
            return [str(i) for i in range(ds.shape[k])]
        v = values(grp[d])
        return [x if isinstance(x, str) else ("%.10g" % x if np.asarray(x).dtype.kind == "f"
                                              else str(int(x))) for x in v]

    leads = []
    items = [(n, grp[n]) for n in grp if isinstance(grp[n], h5py.Dataset)]
    for n, ds in items:
        if is_scale(ds) or ds.ndim < 1:
            continue
        if dims(ds)[0] not in leads:
            leads.append(dims(ds)[0])
    out = {}
    for lead in leads:
        cols = [(n, ds) for n, ds in items
                if not is_scale(ds) and ds.ndim >= 1 and dims(ds)[0] == lead]
        nrows = cols[0][1].shape[0]
        if lead in grp and grp[lead].ndim == 1 and grp[lead].shape[0] == nrows:
            header = [lead + suffix(lead, grp[lead])]
            first = values(grp[lead])
        else:
            header, first = ["index"], list(range(nrows))
        data = []
        for n, ds in cols:
            suf = suffix(n, ds)
            if ds.ndim == 1:
                header.append(n + suf)
            elif ds.ndim == 2:
                header += ["%s_%s%s" % (n, a, suf) for a in lab(ds, 1, grp)]
            else:
                header += ["%s_%s_%s%s" % (n, a, b, suf) for a in lab(ds, 1, grp)
                           for b in lab(ds, 2, grp)]
            v = values(ds)
            per = len(v) // nrows
            data.append([v[r * per:(r + 1) * per] for r in range(nrows)])
        rows = [[first[r]] + [x for col in data for x in col[r]] for r in range(nrows)]
        out[lead] = (header, rows)
    return out


def check_generic(outdir, grp, base, name):
    exp = generic_expected(grp)
    for lead, (header, rows) in exp.items():
        f = base + ".csv" if len(exp) == 1 else "%s_%s.csv" % (base, lead.lstrip("#"))
        path = os.path.join(outdir, f)
        if not check(os.path.exists(path), "%s: %s was not written" % (name, f)):
            continue
        h, r = read_csv(path)
        check(h == header, "%s/%s: header %s, expected %s" % (name, f, h, header))
        compare_rows("%s/%s" % (name, f), r, rows)


# ---- a comparison file from a run file --------------------------------------

SCALE_ATTRS = ("CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST")


def deep_copy(src, dst, skip=()):
    """src's attributes, datasets and groups into dst, dimension scales made
    and attached again (h5py's Group.copy of scales crashes HDF5 1.10)."""
    for k, v in src.attrs.items():
        if k not in SCALE_ATTRS:
            dst.attrs[k] = v
    made = []
    for n in src:
        if n in skip:
            continue
        o = src[n]
        if isinstance(o, h5py.Group):
            deep_copy(o, dst.create_group(n))
            continue
        d = dst.create_dataset(n, data=o[()], dtype=o.dtype)
        for k, v in o.attrs.items():
            if k not in SCALE_ATTRS:
                d.attrs[k] = v
        if o.attrs.get("CLASS") in (b"DIMENSION_SCALE", "DIMENSION_SCALE"):
            d.make_scale(n)
        made.append((o, d))
    for o, d in made:
        for k, dim in enumerate(o.dims):
            if len(dim) and o.attrs.get("CLASS") not in (b"DIMENSION_SCALE", "DIMENSION_SCALE"):
                d.dims[k].attach_scale(dst[dim[0].name.split("/")[-1]])


# ---- minerals without a stockpile -------------------------------------------------

def check_stockpile_export(a, tmp):
    scen = os.path.join(a.src, "scenarios", "uk-2035-stockpile.yaml")
    h5 = os.path.join(tmp, "stockpile.h5")
    r = run([a.minrisk, "run", scen, "-o", h5, "--trials", "200", "--quiet"])
    if not check(r.returncode == 0, "minrisk run %s: %s" % (scen, r.stderr)):
        return
    out = os.path.join(tmp, "csv-stockpile")
    r = run([a.minrisk, "export", h5, "--csv", out, "-q"])
    if not check(r.returncode == 0, "export of the stockpile run: %s" % r.stderr):
        return
    have = stockpiled_minerals(scen)
    header, rows = read_csv(os.path.join(out, "minerals.csv"))
    col = header.index("stockpile_empty_prob_fraction")
    with h5py.File(h5, "r") as f:
        ids = strs(f["mineral"])
        ran_empty = ~np.isnan(f["trials/mineral_stockpile_empty_month"][()])  # [trial, mineral]
    check(len(have) == 8 and have <= set(ids) and len(ids) > len(have),
          "uk-2035-stockpile: stockpiles %s of minerals %s (expected 8 of more)" % (sorted(have), ids))
    check([r[0] for r in rows] == ids, "stockpile minerals.csv: minerals %s" % [r[0] for r in rows])
    for row, m in zip(rows, ids):
        if m in have:
            k = ids.index(m)
            want = int(ran_empty[:, k].sum()) / ran_empty.shape[0]
            check(row[col] != "" and float(row[col]) == want,
                  "minerals.csv: %s has a stockpile: P(empty) %r, %d of %d trials ran empty = %r"
                  % (m, row[col], int(ran_empty[:, k].sum()), ran_empty.shape[0], want))
        else:
            check(row[col] == "", "minerals.csv: %s has no stockpile: P(empty) %r, expected an empty cell"
                  % (m, row[col]))


def run_and_export(a, scen, h5, out, run_args, what):
    """minrisk run SCEN -o H5 RUN_ARGS, then export H5 --csv OUT --trials; True when
    both succeeded (a failure is recorded)."""
    r = run([a.minrisk, "run", scen, "-o", h5, "--quiet"] + run_args)
    if not check(r.returncode == 0, "minrisk run (%s): %s" % (what, r.stderr)):
        return False
    r = run([a.minrisk, "export", h5, "--csv", out, "--trials", "-q"])
    return check(r.returncode == 0 and (r.stderr == "" or "trials: none" in what),
                 "export (%s): status %d, %r" % (what, r.returncode, r.stderr))


# ---- an importance-sampled run: the likelihood ratios ---------------------------

def check_importance_export(a, tmp):
    """trials.csv of an importance-sampled run carries each trial's likelihood
    ratio (/trials/weight) as weight_ratio, right after `trial`: without it the
    rows are a sample of the tilted law, and their plain mean or quantile is
    not the scenario's (docs/MODEL.md §12i)."""
    scen = os.path.join(a.src, "scenarios", "demo.yaml")
    h5 = os.path.join(tmp, "importance.h5")
    out = os.path.join(tmp, "csv-importance")
    if not run_and_export(a, scen, h5, out, ["--trials", "200", "--importance", "event/*=4"],
                          "--importance"):
        return
    header, rows = read_csv(os.path.join(out, "trials.csv"))
    if not check(header[:3] == ["trial", "weight_ratio", "total_loss_gbp_m"],
                 "importance trials.csv: header starts %s, expected trial, weight_ratio, "
                 "total_loss_gbp_m" % header[:3]):
        return
    with h5py.File(h5, "r") as f:
        w = f["trials/weight"][()]
        mean = f["summary/total_loss_mean"][()]
    check(len(rows) == 200 and any(x != 1.0 for x in w) and
          [r[1] for r in rows] == ["%.17g" % x for x in w],
          "importance trials.csv: weight_ratio cells are not /trials/weight")
    # the weighted mean of the CSV's own columns is the file's mean (sum w x / N)
    est = sum(float(r[1]) * float(r[2]) for r in rows) / len(rows)
    check(abs(est - mean / 1e6) <= 1e-9 * abs(mean / 1e6),
          "importance trials.csv: sum(w x)/N = %r GBP m, /summary/total_loss_mean %r GBP m"
          % (est, mean / 1e6))
    # every table of the run, weight_ratio among trials.csv's documented columns
    doc = documented_columns(os.path.join(a.src, "docs", "EXPORT.md"))
    with h5py.File(h5, "r") as f:
        check_run_export(out, f, f, doc, True, "importance")
    # the other per-trial tables take the weight of their trial
    header, _ = read_csv(os.path.join(out, "mineral_trials.csv"))
    check("weight_ratio" not in header, "mineral_trials.csv has weight_ratio")


# ---- output.trials: none with --events: the event table still goes out --------------

def check_events_without_trials(a, tmp):
    """A run with --events and output.trials: none has /events but no /trials;
    export --trials writes the event tables (events_event.csv, events_process.csv,
    event_loss.csv), as docs/EXPORT.md says ("when the file has /events")."""
    src = os.path.join(a.src, "scenarios", "demo.yaml")
    scen = os.path.join(tmp, "demo-none.yaml")
    with open(src, encoding="utf-8") as f:
        text = f.read()
    with open(scen, "w", encoding="utf-8") as f:
        f.write(text + "\noutput:\n  trials: none\n")
    h5 = os.path.join(tmp, "none-events.h5")
    out = os.path.join(tmp, "csv-none-events")
    if not run_and_export(a, scen, h5, out, ["--trials", "100", "--events"],
                          "trials: none, --events"):
        return
    got = set(os.listdir(out))
    check({"events_event.csv", "events_process.csv", "event_loss.csv"} <= got and
          "trials.csv" not in got,
          "output.trials: none with --events: files %s, expected the event tables and no "
          "trials.csv" % sorted(got))
    with h5py.File(h5, "r") as f:
        check("trials" not in f and "events" in f, "none-events.h5: /trials or no /events")
        if "events_event.csv" in got:
            check_generic(out, f["events"], "events", "trials: none")
    # --trials on a file without /trials says so (until 2026-12-07 nothing),
    # even with -q, and still ends 0
    r = run([a.minrisk, "export", h5, "--csv", out + "-again", "--trials", "-q"])
    check(r.returncode == 0 and r.stderr ==
          "minrisk export: warning: %s holds no per-trial results (output.trials: none): "
          "--trials writes no trials.csv, annual_loss.csv or mineral_trials.csv for it\n" % h5,
          "export --trials of a file without /trials: status %d, %r" % (r.returncode, r.stderr))


# ---- an export into a directory that holds an earlier export's tables ------------

def check_stale_warning(a, tmp, with_trials):
    """Exporting a run without --trials into the directory of an earlier export
    with --trials leaves that export's trials.csv (and the rest) beside the new
    summary tables: the export says so on stderr, naming them, also with -q,
    and still succeeds; an export into a fresh directory says nothing."""
    d = os.path.join(tmp, "csv-stale")
    r = run([a.minrisk, "export", with_trials, "--csv", d, "--trials", "-q"])
    check(r.returncode == 0 and r.stderr == "", "export into a new directory: %d %r"
          % (r.returncode, r.stderr))
    before = sorted(f for f in os.listdir(d) if f.endswith(".csv"))
    r = run([a.minrisk, "export", with_trials, "--csv", d, "-q"])
    left = [f for f in before if f in ("annual_loss.csv", "event_loss.csv", "events_event.csv",
                                       "events_process.csv", "mineral_trials.csv", "trials.csv",
                                       "year_loss.csv")]
    want = ("minrisk export: warning: %d CSV files in %s were not written by this export (an "
            "earlier export's?), so they may not be of this file: %s\n"
            % (len(left), d, ", ".join(left)))
    check(len(left) >= 5 and r.returncode == 0 and r.stderr == want,
          "export beside an earlier export's tables: %d %r, expected %r"
          % (r.returncode, r.stderr, want))


# ---- the scenarios -------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    a = ap.parse_args()
    doc = documented_columns(os.path.join(a.src, "docs", "EXPORT.md"))
    check(len(doc) >= 12, "docs/EXPORT.md documents %d files" % len(doc))
    tmp = tempfile.mkdtemp(prefix="minrisk-export-")
    try:
        h5 = os.path.join(tmp, "demo.h5")
        scen = os.path.join(a.src, "scenarios", "demo.yaml")
        r = run([a.minrisk, "run", scen, "-o", h5, "--trials", "300", "--quiet", "--verbose",
                 "--events"])
        if not check(r.returncode == 0, "minrisk run: %s" % r.stderr):
            return 1
        # run --verbose: the settings, then the timings of /run_info
        with h5py.File(h5, "r") as f:
            ri = f["run_info"].attrs
            want = [
                'minrisk run: scenario %s ("%s")' % (scen, f.attrs["scenario_name"]),
                "minrisk run: 300 trials (--trials), seed %d; horizon %d years, %d steps a year"
                % (f.attrs["seed"], f.attrs["horizon_years"], f.attrs["steps_per_year"]),
                "minrisk run: %d rank%s x %d thread%s (OMP_NUM_THREADS, else all cores)"
                % (ri["ranks"], "" if ri["ranks"] == 1 else "s", ri["threads"],
                   "" if ri["threads"] == 1 else "s"),
                "minrisk run: output %s" % h5,
                "minrisk: timings: simulation %.3f s wall (%.6g trials per second, %d rank%s x "
                "%d thread%s), analysis (attribution, events, counterfactuals) %.3f s, "
                "statistics %.3f s, write %.3f s"
                % (ri["wall_seconds"], ri["trials_per_second"], ri["ranks"],
                   "" if ri["ranks"] == 1 else "s", ri["threads"],
                   "" if ri["threads"] == 1 else "s", ri["analysis_seconds"],
                   ri["stats_seconds"], ri["write_seconds"])]
        check(r.stderr.splitlines() == want,
              "run --verbose --quiet: stderr\n%s\nexpected\n%s" % (r.stderr, "\n".join(want)))

        # 1. the run, with --trials, into a directory that does not exist yet
        out = os.path.join(tmp, "csv", "demo")
        r = run([a.minrisk, "export", h5, "--csv", out, "--trials"])
        check(r.returncode == 0, "export: status %d: %s" % (r.returncode, r.stderr))
        ncsv = len([n for n in os.listdir(out) if n.endswith(".csv")]) if r.returncode == 0 else 0
        check(ncsv >= 12 and r.stderr == "minrisk export: wrote %d CSV files to %s\n" % (ncsv, out),
              "export: stderr %r" % r.stderr)
        with h5py.File(h5, "r") as f:
            study = check_run_export(out, f, f, doc, True, "demo")
            for grp in ("attribution", "events"):
                if grp in f and isinstance(f[grp], h5py.Group):
                    check_generic(out, f[grp], grp, "demo")
                    study = [s for s in study if not s.startswith(grp)]
            check(not study, "demo: undocumented files %s" % study)
            # annual_loss.csv: the column <sector>_loss_gbp_m, row (trial, year), is
            # /trials/sector_annual_loss[trial, year, sector] / 1e6 bit for bit
            head, rows = read_csv(os.path.join(out, "annual_loss.csv"))
            sal = f["trials/sector_annual_loss"][()]
            for j, sid in enumerate(strs(f["sector"])):
                col = head.index(sid + "_loss_gbp_m") if sid + "_loss_gbp_m" in head else None
                got = np.array([float(r[col]) for r in rows]) if col is not None else None
                check(got is not None and np.array_equal(got, sal[:, :, j].ravel() / 1e6),
                      "annual_loss.csv: %s_loss_gbp_m is not /trials/sector_annual_loss[:, :, %d]"
                      % (sid, j))
            # the quoted description (commas) reads back exactly
            info = dict(read_csv(os.path.join(out, "info.csv"))[1])
            check(info.get("scenario_description") == f.attrs["scenario_description"],
                  "info.csv: scenario_description does not read back")
        # without --trials: no per-trial tables; -q: nothing on stderr
        out2 = os.path.join(tmp, "csv2")
        r = run([a.minrisk, "export", h5, "--csv", out2, "-q"])
        check(r.returncode == 0 and r.stderr == "", "export -q: %d %r" % (r.returncode, r.stderr))
        check(not os.path.exists(os.path.join(out2, "trials.csv")), "trials.csv without --trials")
        check(os.path.exists(os.path.join(out2, "summary_loss.csv")), "no summary_loss.csv")

        # 2. failures: status 2, one line naming the file, nothing left behind
        bad = os.path.join(tmp, "bad.h5")
        with open(bad, "w") as fh:
            fh.write("not hdf5\n")
        for args, line in (
                ([bad, "--csv", os.path.join(tmp, "x1")], bad + ": not a minrisk file (not HDF5)"),
                ([os.path.join(tmp, "none.h5"), "--csv", os.path.join(tmp, "x2")],
                 os.path.join(tmp, "none.h5") + ": cannot open: No such file or directory"),
                ([h5, "--csv", os.path.join(tmp, "x3"), "--run", "runs/a"],
                 h5 + ": --run runs/a: the file holds one run (no comparison or sweep)"),
                ([h5, "--csv", os.path.join(bad, "sub")],
                 os.path.join(bad, "sub") + ": cannot create the directory: " + bad +
                 " is not a directory"),
                ([h5], "minrisk export: missing --csv DIR (see 'minrisk export --help')"),
                ([h5, "--csv", os.path.join(tmp, "x4"), "--run", ""],
                 "minrisk export: --run: the group name is empty (see 'minrisk export --help')"),
                ([h5, "--csv", os.path.join(tmp, "x4"), "--trails"],
                 "minrisk export: unknown option '--trails'; did you mean --trials? "
                 "(see 'minrisk export --help')")):
            r = run([a.minrisk, "export"] + args)
            check(r.returncode == 2, "export %s: status %d" % (args, r.returncode))
            check(r.stderr.rstrip("\n") == line, "export %s: stderr %r, expected %r"
                  % (args, r.stderr, line))
        for d in ("x1", "x2", "x3", "x4"):
            check(not os.path.exists(os.path.join(tmp, d)), "%s was made by a failed export" % d)
        # a directory that cannot take the lock file (procfs refuses to create
        # one, even for root, whom access() lets through: "No such file or
        # directory (its lock file /proc/x.lock)"; another user is refused by
        # access()): the path's problem, 2 (until 2026-12-07 root got 1,
        # "cannot use the lock file")
        if os.path.isdir("/proc/self"):
            r = run([a.minrisk, "export", h5, "--csv", "/proc/x"])
            check(r.returncode == 2 and len(r.stderr.splitlines()) == 1 and
                  r.stderr.startswith("/proc/x: cannot write to directory '/proc': "),
                  "export --csv /proc/x: status %d, %r" % (r.returncode, r.stderr))
        # a damaged file (a summary dataset missing): status 2, every file removed again
        dmg = os.path.join(tmp, "damaged.h5")
        shutil.copy(h5, dmg)
        with h5py.File(dmg, "r+") as f:
            del f["summary/sector_inoperability_peak_avg"]
        r = run([a.minrisk, "export", dmg, "--csv", os.path.join(tmp, "x5", "deep")])
        check(r.returncode == 2 and r.stderr == dmg + ": damaged or incomplete minrisk file: "
              "cannot read /summary/sector_inoperability_peak_avg\n",
              "damaged: %d %r" % (r.returncode, r.stderr))
        check(not os.path.exists(os.path.join(tmp, "x5")), "x5 left by a failed export")

        # 3. output.trials: totals (made by removing the tables from a copy)
        tot = os.path.join(tmp, "totals.h5")
        shutil.copy(h5, tot)
        with h5py.File(tot, "r+") as f:
            for n in list(f["trials"]):
                if n.startswith("sector_") or n.startswith("mineral_"):
                    del f["trials"][n]
        out3 = os.path.join(tmp, "csv3")
        r = run([a.minrisk, "export", tot, "--csv", out3, "--trials", "-q"])
        check(r.returncode == 0, "export totals: %s" % r.stderr)
        with h5py.File(tot, "r") as f:
            check_run_export(out3, f, f, doc, True, "totals")
        check(not os.path.exists(os.path.join(out3, "mineral_trials.csv")),
              "mineral_trials.csv from a totals file")
        check(read_csv(os.path.join(out3, "trials.csv"))[0] ==
              ["trial", "total_loss_gbp_m", "gva_loss_gbp_m"], "totals: trials.csv header")
        check(read_csv(os.path.join(out3, "annual_loss.csv"))[0] ==
              ["trial", "year", "loss_gbp_m"],
              "totals: annual_loss.csv header")

        # 4. a comparison file: the run twice (runs/a, runs/b) and a /difference
        cmp_ = os.path.join(tmp, "compare.h5")
        with h5py.File(h5, "r") as src, h5py.File(cmp_, "w") as f:
            for k, v in src.attrs.items():
                f.attrs[k] = v
            f.attrs["kind"] = "compare"
            f.attrs["runs"] = np.int32(2)
            for grp in ("runs/a", "runs/b"):
                g = f.create_group(grp)
                deep_copy(src, g, skip=("run_info",))
            deep_copy(src["run_info"], f.create_group("run_info"))
            d = f.create_group("difference", track_order=True)
            stat = d.create_dataset("statistic", data=np.array(["mean", "q99, tail"], dtype=object),
                                    dtype=h5py.string_dtype())
            stat.make_scale("statistic")
            sec = d.create_dataset("sector", data=np.array(strs(src["sector"]), dtype=object),
                                   dtype=h5py.string_dtype())
            sec.make_scale("sector")
            est = d.create_dataset("estimate", data=np.array([1.5, -2.25e9]))
            est.attrs["units"] = "GBP"
            est.dims[0].attach_scale(stat)
            ci = d.create_dataset("sector_share", data=np.arange(8.0).reshape(2, 4) / 7)
            ci.attrs["units"] = "1"
            ci.dims[0].attach_scale(stat)
            ci.dims[1].attach_scale(sec)
            n = d.create_dataset("count", data=np.array([3, 4], dtype=np.uint64))
            n.attrs["units"] = "1"
            n.dims[0].attach_scale(stat)
            d.create_dataset("trials_used", data=np.int32(300)).attrs["units"] = "1"
            d.create_dataset("cost_gap", data=np.float64(2.5e6)).attrs["units"] = "GBP"
        out4 = os.path.join(tmp, "csv4")
        r = run([a.minrisk, "export", cmp_, "--csv", out4, "-q"])
        check(r.returncode == 0, "export compare: %s" % r.stderr)
        with h5py.File(cmp_, "r") as f:
            for grp in ("runs/a", "runs/b"):
                check_run_export(os.path.join(out4, grp), f[grp], f, doc, False, grp)
            check_generic(out4, f["difference"], "difference", "compare")
            h, rows = read_csv(os.path.join(out4, "difference.csv"))
            check(h == ["statistic", "estimate_gbp_m"] +
                  ["sector_share_%s_fraction" % s for s in strs(f["runs/a/sector"])] + ["count"],
                  "difference.csv header %s" % h)
            check(rows[1][0] == "q99, tail", "difference.csv: quoted label %r" % rows[1][0])
            check(read_csv(os.path.join(out4, "difference_scalars.csv")) ==
                  (["name", "value", "units"], [["trials_used", "300", "1"],
                                                ["cost_gap", "2.5", "GBP m"]]),
                  "difference_scalars.csv")
        out5 = os.path.join(tmp, "csv5")
        r = run([a.minrisk, "export", cmp_, "--csv", out5, "--run", "runs/b", "--trials", "-q"])
        check(r.returncode == 0, "export --run runs/b: %s" % r.stderr)
        with h5py.File(cmp_, "r") as f:
            check_run_export(out5, f["runs/b"], f, doc, True, "--run runs/b")
        check(not os.path.exists(os.path.join(out5, "difference.csv")), "--run: difference.csv")
        # the group as a path, with slashes to spare (as explain --run takes it)
        for spelling in ("runs/b/", "/runs//b"):
            o = os.path.join(tmp, "csv5-" + spelling.replace("/", "_"))
            r = run([a.minrisk, "export", cmp_, "--csv", o, "--run", spelling, "--trials", "-q"])
            check(r.returncode == 0 and sorted(os.listdir(o)) == sorted(os.listdir(out5)),
                  "--run %s: %d %r" % (spelling, r.returncode, r.stderr))
        r = run([a.minrisk, "export", cmp_, "--csv", os.path.join(tmp, "x6"), "--run", "runs/c"])
        check(r.returncode == 2 and r.stderr == cmp_ + ": --run runs/c: no such run (the file "
              "has runs/a, runs/b)\n", "--run runs/c: %d %r" % (r.returncode, r.stderr))

        # 4b. a real comparison, when `minrisk compare` exists
        real = os.path.join(tmp, "real-compare.h5")
        r = run([a.minrisk, "compare", scen, scen, "--trials", "300", "--bootstrap", "100",
                 "-o", real, "-q"])
        if r.returncode == 0:
            out6 = os.path.join(tmp, "csv6")
            r = run([a.minrisk, "export", real, "--csv", out6, "--trials", "-q"])
            check(r.returncode == 0, "export of a compare file: %s" % r.stderr)
            with h5py.File(real, "r") as f:
                for grp in ("runs/a", "runs/b"):
                    check_run_export(os.path.join(out6, grp), f[grp], f, doc, True, grp)
                check_generic(out6, f["difference"], "difference", "real compare")
                # the variance-reduction factor (2-3, or inf) is a ratio, not a fraction, and
                # the header is the one docs/EXPORT.md lists (placeholders expanded)
                h, rows = read_csv(os.path.join(out6, "difference_series.csv"))
                check(h[-1] == "variance_reduction_ratio" and
                      not [c for c in h if c.startswith("variance_reduction_fraction")],
                      "difference_series.csv: the VRF column is %r, expected variance_reduction_ratio"
                      % h[-1])
                vrf = f["difference/variance_reduction"][()]
                check([r[-1] for r in rows] == ["inf" if math.isinf(v) else "%.17g" % v for v in vrf]
                      and any(math.isinf(v) for v in vrf),
                      "difference_series.csv: VRF cells %s (A = B: B - A is 0 in every trial, "
                      "so the factor is inf)" % [r[-1] for r in rows])
                cols = documented_study_columns(os.path.join(a.src, "docs", "EXPORT.md"), "/difference",
                                                "difference_series.csv")
                stats = strs(f["difference/statistic"])
                want = ["series"]
                for c in cols or []:
                    c = c.rstrip(".")
                    want += [c.replace("<statistic>", st) for st in stats] if "<statistic>" in c else [c]
                check(cols is not None and h == want, "difference_series.csv: header %s, docs/EXPORT.md "
                      "lists %s" % (h, want))
        elif "not implemented" not in r.stderr:
            check(False, "minrisk compare: %s" % r.stderr)

        # 4c. NaN: an empty cell in a table and an empty value in info.csv ("nan" only
        # inside an array attribute), as docs/EXPORT.md says
        nanf = os.path.join(tmp, "nan-attrs.h5")
        shutil.copy(h5, nanf)
        with h5py.File(nanf, "r+") as f:
            f["run_info"].attrs["analysis_seconds"] = np.float64("nan")
            f["run_info"].attrs["pair_seconds"] = np.array([1.5, np.nan])
        out7 = os.path.join(tmp, "csv7")
        r = run([a.minrisk, "export", nanf, "--csv", out7, "-q"])
        if check(r.returncode == 0, "export of NaN attributes: %s" % r.stderr):
            info = dict(read_csv(os.path.join(out7, "info.csv"))[1])
            check(info.get("run_info.analysis_seconds") == "" and info.get("run_info.pair_seconds") == "1.5 nan",
                  "info.csv: NaN attributes %r %r, expected '' and '1.5 nan'"
                  % (info.get("run_info.analysis_seconds"), info.get("run_info.pair_seconds")))

        # 4d. minerals without a stockpile (uk-2035-stockpile: 8 minerals have one): an empty
        # stockpile_empty_prob_fraction; the others the fraction of trials whose stockpile ran
        # empty, counted here from /trials/mineral_stockpile_empty_month
        check_stockpile_export(a, tmp)
        check_importance_export(a, tmp)
        check_events_without_trials(a, tmp)
        check_stale_warning(a, tmp, h5)

        # 5. the pandas one-liners of docs/OUTPUT.md and docs/EXPORT.md
        try:
            import pandas as pd
            import xarray as xr
            df = xr.open_dataset(h5, engine="h5netcdf", group="trials")[
                ["sector_output_loss", "sector_extra_cost"]].to_dataframe()
            with h5py.File(h5, "r") as f:
                check(df.shape == (300 * 4, 2) and
                      df.loc[(7, "defence"), "sector_output_loss"] ==
                      f["trials/sector_output_loss"][7, 1], "OUTPUT.md pandas one-liner")
                # as docs/EXPORT.md reads it: pandas' default parser may be
                # one ulp off, float_precision="round_trip" is exact
                loss = pd.read_csv(os.path.join(out, "summary_loss.csv"),
                                   index_col=["series", "component"],
                                   float_precision="round_trip",
                                   keep_default_na=False, na_values=[""])
                check(loss.loc[("total", "loss"), "q99_gbp_m"] ==
                      f["summary/total_loss_quantile"][3] / 1e6, "EXPORT.md pandas line")
                # its NA arguments: an id NA (Namibia) stays text, an empty cell is NaN
                import io
                t = pd.read_csv(io.StringIO("series,x\nNA,\nnan,1\n"), index_col="series",
                                keep_default_na=False, na_values=[""])
                check(list(t.index) == ["NA", "nan"] and math.isnan(t.loc["NA", "x"]),
                      "EXPORT.md pandas NA arguments: %r" % t)
                df2 = pd.DataFrame(h5py.File(h5)["trials/sector_output_loss"][:],
                                   columns=h5py.File(h5)["sector"].asstr()[:])
                check(df2.loc[7, "defence"] == f["trials/sector_output_loss"][7, 1],
                      "OUTPUT.md h5py/pandas line")
        except ImportError as e:
            print("note: pandas/xarray not available (%s): one-liners not checked" % e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish("export")


if __name__ == "__main__":
    sys.exit(main())
