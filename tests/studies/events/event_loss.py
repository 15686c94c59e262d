#!/usr/bin/env python3
"""event_loss.py - the event loss table and /loss_tables of
`minrisk run --events` (tests/studies/events/tests.cmake).

Expected values are worked out by hand (in the scenario files) or computed
here with numpy from other datasets, never copied from the program:
- two_apart.yaml: two certain occurrences that do not overlap, 2.0e9 and
  3.0e9 GBP, nothing unallocated, the largest occurrence loss 2.0e9 in
  year 1 and 3.0e9 in year 2;
- overlap.yaml: two overlapping occurrences split in proportion to what
  they withhold (0.6 and 0.2 of the mineral): 3.6e9 and 1.2e9 GBP;
- two_in_a_year.yaml: two occurrences in year 1, 2.0e9 then 3.0e9 GBP: the
  year's largest occurrence loss 3.0e9 (the later one), 0 in year 2;
- unrelated.yaml: an occurrence that withholds only the mineral of another
  sector: that sector's 2.0e9 GBP; the first sector, never inoperable, keeps
  its whole loss (price noise) unallocated, none of it the occurrence's;
- market_aftermath.yaml: one occurrence on a mineral with a market; the
  extra cost while its price is above 1 after the occurrence goes to it: the
  occurrence's loss is the sector's whole loss, nothing unallocated;
- aftermath.yaml: one occurrence and the sector's recovery after it
  (k = 0.5), all carried to it, in the year each loss falls in:
  1.999267578125e9 GBP in year 1, 732243.06 GBP in year 2;
- scenarios/demo.yaml with --events: per trial and sector, the trial's
  rows of /events/loss plus /loss_tables/sector_unallocated_loss equal
  /trials/sector_gva_loss + sector_extra_cost to a relative 1e-9 (absolute
  1e-3 GBP); total_loss the row sums; aep equal to /summary's
  return-period losses bit for bit; oep equal to the return-period
  quantile of annual_occurrence_max computed here; OEP <= AEP at every
  return period per series; the intervals' NaN pattern (N H / R < 10) and
  lo <= hi; /summary and /trials the same with and without --events; 1
  and 2 threads (and, with --mpiexec, 1 and 2 ranks) identical;
- the CSVs: event_loss.csv, year_loss.csv and exceedance.csv headers and
  every value (GBP m = stored GBP / 1e6), return_periods.csv in GBP m.
"""
import argparse
import csv
import math
import os
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from checks import check, finish, k_rank, run, run_minrisk  # noqa: E402 (tests/python/checks.py)


def minrisk_run(a, scenario, out, trials, *extra, env=None, mpi=0):
    """minrisk run of scenario with env added to the environment, on mpi
    ranks when mpi > 0: a failure ends the test (run_minrisk)."""
    cmd = [a.minrisk, "run", scenario, "-o", out, "--trials", str(trials), "--quiet"] + list(extra)
    if mpi:
        cmd = [a.mpiexec, "--oversubscribe", "--allow-run-as-root", "-n", str(mpi)] + cmd
    run_minrisk(cmd, env=dict(os.environ, **(env or {})))


def near(x, want, rel=1e-9):
    return abs(x - want) <= rel * abs(want)


def return_period_values(v, periods):
    """X_(k_rank(m, 1 - 1/R)) of the values v; NaN when m < R."""
    s = np.sort(v.ravel())
    return [s[k_rank(len(s), 1 - 1 / R) - 1] if len(s) >= R else np.nan for R in periods]


def first_sector_case(a, tmp, here, name):
    """Run tests/studies/events/NAME.yaml (4 trials, --events): its
    /events/loss, /loss_tables/sector_unallocated_loss and the first
    sector's loss from /trials (sector_gva_loss + sector_extra_cost)."""
    out = os.path.join(tmp, name + ".h5")
    minrisk_run(a, os.path.join(here, name + ".yaml"), out, 4, "--events")
    with h5py.File(out, "r") as f:
        t = f["trials"]
        return (f["events/loss"][:], f["loss_tables/sector_unallocated_loss"][:],
                t["sector_gva_loss"][:, 0] + t["sector_extra_cost"][:, 0])


def hand_cases(a, tmp):
    here = os.path.join(a.src, "tests", "studies", "events")
    cases = {
        "two_apart": ([2.0e9, 3.0e9], [[2.0e9], [3.0e9]]),
        "overlap": ([3.6e9, 1.2e9], [[3.6e9], [0.0]]),
        "two_in_a_year": ([2.0e9, 3.0e9], [[3.0e9], [0.0]]),
    }
    for name, (occ, ymax) in cases.items():
        out = os.path.join(tmp, name + ".h5")
        minrisk_run(a, os.path.join(here, name + ".yaml"), out, 4, "--events")
        with h5py.File(out, "r") as f:
            ev, lt = f["events"], f["loss_tables"]
            trial, loss = ev["trial"][:], ev["loss"][:]
            check(list(trial) == [0, 0, 1, 1, 2, 2, 3, 3], "%s: trials of the rows %s" % (name, trial))
            check(loss.shape == (8, 1), "%s: /events/loss shape %s" % (name, loss.shape))
            for e in range(len(trial)):
                check(near(loss[e, 0], occ[e % 2]),
                      "%s: row %d loss %r, by hand %r" % (name, e, loss[e, 0], occ[e % 2]))
                check(ev["total_loss"][e] == loss[e].sum(), "%s: total_loss row %d" % (name, e))
            check(np.all(lt["sector_unallocated_loss"][:] == 0.0) and
                  np.all(lt["unallocated_loss"][:] == 0.0), "%s: something unallocated" % name)
            om = lt["annual_occurrence_max"][:]  # [N, H, S + 1]
            for i in range(4):
                for y in range(2):
                    for k in range(2):  # the sector and the total
                        check(near(om[i, y, k], ymax[y][0]) if ymax[y][0] else om[i, y, k] == 0.0,
                              "%s: trial %d year %d series %d: largest occurrence loss %r, by "
                              "hand %r" % (name, i, y + 1, k, om[i, y, k], ymax[y][0]))
            check(list(lt["series"].asstr()[:]) == ["s1", "total"], "%s: series" % name)
    # the aftermath: one occurrence, its losses while the sector recovers carried to it
    out = os.path.join(tmp, "aftermath.h5")
    minrisk_run(a, os.path.join(here, "aftermath.yaml"), out, 4, "--events")
    y1, y2 = 1.999267578125e9, 732243.0610656738
    with h5py.File(out, "r") as f:
        loss, om = f["events/loss"][:], f["loss_tables/annual_occurrence_max"][:]
        check(loss.shape == (4, 1) and all(near(v, y1 + y2) for v in loss[:, 0]),
              "aftermath: occurrence losses %s, by hand %r" % (loss.ravel(), y1 + y2))
        check(np.all(f["loss_tables/sector_unallocated_loss"][:] == 0.0), "aftermath: unallocated")
        check(all(near(om[i, 0, k], y1) and near(om[i, 1, k], y2) for i in range(4) for k in range(2)),
              "aftermath: largest occurrence loss by year %s, by hand %r %r" % (om[0], y1, y2))
    # an occurrence that withholds only a mineral s1 does not need: s1 (never
    # inoperable) keeps all its loss, the noise's extra cost, unallocated
    loss, un, own = first_sector_case(a, tmp, here, "unrelated")
    check(np.all(own != 0.0), "unrelated: s1 has no loss %s, the check would be empty" % own)
    check(loss.shape == (4, 2) and np.all(loss[:, 0] == 0.0) and
          all(near(v, 2.0e9) for v in loss[:, 1]),
          "unrelated: occurrence losses %s, by hand [0, 2.0e9] a trial" % loss.tolist())
    check(all(near(un[i, 0], own[i]) for i in range(4)) and np.all(un[:, 1] == 0.0),
          "unrelated: unallocated %s, s1's own losses %s" % (un.tolist(), own.tolist()))
    # a market's aftermath: the extra cost while the price is above 1 after
    # the occurrence, however little, is the occurrence's; nothing unallocated
    loss, un, own = first_sector_case(a, tmp, here, "market_aftermath")
    check(np.all(own > 0.0), "market aftermath: no loss %s, the check would be empty" % own)
    check(loss.shape == (4, 1) and all(near(loss[i, 0], own[i]) for i in range(4)) and
          np.all(un == 0.0),
          "market aftermath: occurrence losses %s, unallocated %s, the sector's losses %s"
          % (loss.ravel().tolist(), un.ravel().tolist(), own.tolist()))
    print("hand cases: two occurrences apart, two overlapping, two in one year, the aftermath, "
          "an unrelated occurrence and a market's aftermath as worked by hand")


def demo_checks(a, tmp):
    demo = os.path.join(a.src, "scenarios", "demo.yaml")
    N = 1500
    plain, ev1, ev2 = (os.path.join(tmp, n) for n in ("plain.h5", "ev1.h5", "ev2.h5"))
    minrisk_run(a, demo, plain, N)
    minrisk_run(a, demo, ev1, N, "--events", env={"OMP_NUM_THREADS": "1"})
    minrisk_run(a, demo, ev2, N, "--events", env={"OMP_NUM_THREADS": "2"})
    with h5py.File(plain, "r") as p, h5py.File(ev1, "r") as f, h5py.File(ev2, "r") as g:
        for grp in ("summary", "trials"):  # --events changes nothing of the run
            for n in p[grp]:
                check(np.array_equal(p[grp][n][()], f[grp][n][()], equal_nan=True)
                      if p[grp][n].dtype.kind == "f" else np.array_equal(p[grp][n][()], f[grp][n][()]),
                      "--events changed /%s/%s" % (grp, n))
        for grp in ("events", "loss_tables"):  # threads
            for n in f[grp]:
                x, y = f[grp][n][()], g[grp][n][()]
                same = np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y)
                check(same, "/%s/%s differs between 1 and 2 threads" % (grp, n))
        tr, ev, lt, sm = f["trials"], f["events"], f["loss_tables"], f["summary"]
        S = tr["sector"].shape[0]
        ref = tr["sector_gva_loss"][:] + tr["sector_extra_cost"][:]
        alloc = np.zeros_like(ref)
        np.add.at(alloc, ev["trial"][:].astype(np.int64), ev["loss"][:])
        got = alloc + lt["sector_unallocated_loss"][:]
        err = np.abs(got - ref)
        bad = err > 1e-9 * np.abs(ref) + 1e-3
        check(not bad.any(), "additivity: %d (trial, sector) off; worst %r GBP"
              % (bad.sum(), err.max()))
        check(np.array_equal(ev["total_loss"][:], ev["loss"][:].sum(axis=1))
              or np.allclose(ev["total_loss"][:], ev["loss"][:].sum(axis=1), rtol=1e-12, atol=0),
              "total_loss is not the row sums")
        check(np.allclose(lt["unallocated_loss"][:], lt["sector_unallocated_loss"][:].sum(axis=1),
                          rtol=1e-12, atol=1e-6), "unallocated_loss is not the sum over sectors")
        share = alloc.sum() / ref.sum()
        check(0.5 < share < 1.5, "demo: occurrences carry %.3f of the loss" % share)
        rp = lt["return_period"][:]
        check(np.array_equal(rp, sm["return_period"][:]), "return periods differ from /summary")
        aep, oep = lt["aep"][:], lt["oep"][:]
        check(np.array_equal(aep[:S], sm["sector_return_period_loss"][:], equal_nan=True) and
              np.array_equal(aep[S], sm["return_period_loss"][:], equal_nan=True),
              "aep is not /summary's return-period losses")
        om = lt["annual_occurrence_max"][:]
        H = om.shape[1]
        for k in range(S + 1):
            want = return_period_values(om[:, :, k], rp)
            check(np.array_equal(oep[k], want, equal_nan=True),
                  "oep series %d: %s, from annual_occurrence_max %s" % (k, oep[k], want))
            ok = np.isnan(aep[k]) | (oep[k] <= aep[k])
            check(ok.all(), "OEP > AEP for series %d: %s > %s" % (k, oep[k], aep[k]))
        for c in ("aep", "oep"):
            lo, hi = lt[c + "_lo"][:], lt[c + "_hi"][:]
            weak = (N * H / rp) < 10
            check(np.all(np.isnan(lo[:, weak])) and np.all(np.isnan(hi[:, weak])),
                  "%s: an interval where N H / R < 10" % c)
            check(not np.isnan(lo[:, ~weak]).any() and np.all(lo[:, ~weak] <= hi[:, ~weak]),
                  "%s: intervals missing or lo > hi" % c)
            width = (hi - lo)[:, ~weak]
            check(np.all(width >= 0) and np.all(width[:, -1] > 0), "%s: zero-width intervals" % c)
        # total series: the largest occurrence loss over all sectors is that of some occurrence
        check(np.all(om[:, :, S] >= 0) and np.all(om[:, :, :S] >= 0), "negative largest occurrence loss")
    # a streamed run (output.trials: none) has no /trials but the same loss tables
    none_yaml = os.path.join(tmp, "none.yaml")
    with open(none_yaml, "w") as fh:
        fh.write("extends: %s\noutput:\n  trials: none\n" % demo)
    none = os.path.join(tmp, "none.h5")
    minrisk_run(a, none_yaml, none, N, "--events", env={"OMP_NUM_THREADS": "2"})
    with h5py.File(none, "r") as f, h5py.File(ev2, "r") as g:
        check("trials" not in f, "output.trials none wrote /trials")
        for grp in ("events", "loss_tables"):
            for n in g[grp]:
                x, y = f[grp][n][()], g[grp][n][()]
                same = np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y)
                check(same, "/%s/%s differs with output.trials: none" % (grp, n))
    print("demo: additivity (worst %.3g GBP), aep == /summary, oep from its table, OEP <= AEP, "
          "1 vs 2 threads and output.trials none identical" % err.max())
    return ev1


def csv_checks(a, tmp, h5):
    out = os.path.join(tmp, "csv")
    p = run([a.minrisk, "export", h5, "--csv", out, "--trials", "-q"])
    check(p.returncode == 0, "export: %s" % p.stderr)

    def read(name):
        with open(os.path.join(out, name), newline="") as fh:
            rows = list(csv.reader(fh))
        return rows[0], rows[1:]

    with h5py.File(h5, "r") as f:
        sec = list(f["sector"].asstr()[:])
        S = len(sec)
        head, rows = read("event_loss.csv")
        check(head == ["event", "trial", "sector", "loss_gbp_m"], "event_loss.csv header %s" % head)
        ev, loss = f["events"], f["events/loss"][:]
        want = [[str(int(e)), str(int(t)), sec[j], loss[i, j] / 1e6]
                for i, (e, t) in enumerate(zip(ev["event"][:], ev["trial"][:])) for j in range(S)]
        check(len(rows) == len(want), "event_loss.csv: %d rows, expected %d" % (len(rows), len(want)))
        check(all(r[:3] == w[:3] and float(r[3]) == w[3] for r, w in zip(rows, want)),
              "event_loss.csv values are not /events/loss / 1e6")
        head, rows = read("year_loss.csv")
        check(head == ["trial", "year", "sector", "loss_gbp_m"], "year_loss.csv header %s" % head)
        sal = f["trials/sector_annual_loss"][:]
        N, H = sal.shape[:2]
        check(len(rows) == N * H * S, "year_loss.csv: %d rows" % len(rows))
        ok = all(r[0] == str(i) and r[1] == str(y + 1) and r[2] == sec[j] and
                 float(r[3]) == sal[i, y, j] / 1e6
                 for r, (i, y, j) in zip(rows, ((i, y, j) for i in range(N) for y in range(H)
                                                for j in range(S))))
        check(ok, "year_loss.csv values are not /trials/sector_annual_loss / 1e6")
        head, rows = read("exceedance.csv")
        cols = ["aep", "aep_lo", "aep_hi", "oep", "oep_lo", "oep_hi"]
        check(head == ["series", "return_period_years"] + [c + "_gbp_m" for c in cols],
              "exceedance.csv header %s" % head)
        lt = f["loss_tables"]
        ser, rp = list(lt["series"].asstr()[:]), lt["return_period"][:]
        k = 0
        for s in range(len(ser)):
            for q in range(len(rp)):
                r = rows[k]
                k += 1
                vals = [lt[c][s, q] / 1e6 for c in cols]
                check(r[0] == ser[s] and float(r[1]) == rp[q] and
                      all((c == "" and math.isnan(v)) or (c != "" and float(c) == v)
                          for c, v in zip(r[2:], vals)),
                      "exceedance.csv row %d: %s, expected %s" % (k, r, vals))
        head, rows = read("return_periods.csv")
        check(head == ["return_period_years", "total_loss_gbp_m"] + [s + "_loss_gbp_m" for s in sec],
              "return_periods.csv header %s" % head)
        check(float(rows[5][1]) == f["summary/return_period_loss"][5] / 1e6,
              "return_periods.csv: total at 100 years is not GBP m")
    print("csv: event_loss.csv, year_loss.csv, exceedance.csv and return_periods.csv in GBP m")


def mpi_checks(a, tmp):
    demo = os.path.join(a.src, "scenarios", "demo.yaml")
    one, two = os.path.join(tmp, "r1.h5"), os.path.join(tmp, "r2.h5")
    env = {"OMP_NUM_THREADS": "1"}
    minrisk_run(a, demo, one, 2500, "--events", env=env, mpi=1)
    minrisk_run(a, demo, two, 2500, "--events", env=env, mpi=2)
    with h5py.File(one, "r") as f, h5py.File(two, "r") as g:
        for grp in ("events", "loss_tables"):
            for n in f[grp]:
                x, y = f[grp][n][()], g[grp][n][()]
                same = np.array_equal(x, y, equal_nan=True) if x.dtype.kind == "f" else np.array_equal(x, y)
                check(same, "/%s/%s differs between 1 and 2 ranks" % (grp, n))
    print("mpi: /events and /loss_tables of 1 and 2 ranks identical")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--mpiexec")
    ap.add_argument("--only-mpi", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if a.only_mpi:
            mpi_checks(a, tmp)
        else:
            hand_cases(a, tmp)
            h5 = demo_checks(a, tmp)
            csv_checks(a, tmp, h5)
    return finish("events_loss_tables")


if __name__ == "__main__":
    sys.exit(main())
