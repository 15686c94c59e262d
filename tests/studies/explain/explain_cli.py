#!/usr/bin/env python3
"""explain_cli.py - `minrisk explain` and `minrisk run --events` from the
command line (tests/studies/explain/tests.cmake, label `explain`).

Every expected value is computed here from the stored per-trial data with
numpy or worked out by hand, never copied from the program's output:
- explain on every trial of small runs (the demo; priority rationing with
  stockpiles that run empty, through `extends`; certain events) exits 0 and
  reports a bit-for-bit match of as many values as the file holds for the
  trial (2 + 5 S + H + H S + 12 M per-trial values plus 6 per /events row), lists
  as many disruptions as /events holds for the trial, and tells that a
  stockpile ran empty in the month /trials says;
- the default trial is the argmax of /trials/total_loss (first on ties) and
  the rank printed is 1 + the number of trials that lost more;
- the /events table of tests/studies/explain/certain.yaml by hand; /events of 1 and
  2 threads (and, with --mpiexec, 1 and 2 ranks) identical;
- the story's wording by hand (certain.yaml, certain_more.yaml and
  certain.yaml at quarterly steps): durations as the whole steps the model
  ran (MODEL §3) with the sampled duration beside them, a one-month fold
  without a per-month figure, whole months printed as integers;
- the open markets' lines (clearing price, commercial stock, supply loss) of
  a deterministic market episode against the trial's peaks in /trials;
- a rush before an export control (tests/validation/graphite-2023.yaml:
  rush_months 2.4 on its one occurrence) said on the occurrence's line, and
  on no line of an occurrence without one (the REE 2010 episode);
- output.trials totals and none (with and without /events: one consistent
  account of what was checked), a comparison file (--run), the --help
  example as written, and the error cases (exit status 2, one line on
  stderr naming the file, nothing on stdout).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from checks import check, finish, run, run_minrisk  # noqa: E402 (tests/python/checks.py)


def minrisk_run(a, scenario, out, trials, *extra, env=None):
    """minrisk run of scenario with env added to the environment: a
    failure ends the test (run_minrisk)."""
    run_minrisk([a.minrisk, "run", scenario, "-o", out, "--trials", str(trials), "--quiet"] + list(extra),
                env=dict(os.environ, **(env or {})))


def expected_values(f, nrows):
    """Values explain must check for one trial: those of /trials it holds, and
    6 per /events row of the trial."""
    S = f["sector"].shape[0]
    M = f["mineral"].shape[0]
    H = f.attrs["horizon_years"]
    per = {"total_loss": 1, "total_gva_loss": 1, "sector_gva_loss": S,
           "sector_output_loss": S, "sector_extra_cost": S, "annual_loss": H,
           "sector_annual_loss": H * S,
           "mineral_shortfall_mean": M, "mineral_shortfall_peak": M,
           "mineral_shortfall_months": M, "mineral_price_peak": M,
           "mineral_stockpile_empty_month": M, "mineral_price_peak_market": M,
           "mineral_home_price_peak": M, "mineral_market_loss_peak": M,
           "mineral_stock_drawn_peak": M, "mineral_demand_destroyed": M,
           "mineral_consumption_fall_peak": M, "mineral_price_mean": M,
           "mineral_market_short_months": M, "mineral_scarce_months": M,
           "mineral_control_actions": M,
           "mineral_guard_months": M,
           "sector_inoperability_peak": S, "sector_inoperability_months": S}
    if "trials" in f:  # every per-trial dataset of the file is one explain checks
        unknown = sorted(set(f["trials"]) - set(per) - {"trial", "year", "mineral", "sector"})
        check(not unknown, "datasets of /trials not counted here: %s" % unknown)
    n = sum(v for k, v in per.items() if "trials" in f and k in f["trials"])
    return n + 6 * nrows


def explain_every_trial(a, path, label):
    """explain --trial K for every K: exit 0, the match, the counts."""
    with h5py.File(path, "r") as f:
        N = int(f.attrs["trials"])
        counts = np.bincount(f["events/trial"][()].astype(np.int64), minlength=N)
        empty = f["trials/mineral_stockpile_empty_month"][()]
        minerals = [m.decode() for m in f["mineral"][()]]
        want = [expected_values(f, int(counts[k])) for k in range(N)]
    told_empty = 0
    for k in range(N):
        p = run([a.minrisk, "explain", path, "--trial", str(k)])
        check(p.returncode == 0, "%s trial %d: exit %d: %s" % (label, k, p.returncode, p.stderr))
        m = re.search(r"the replay matches the stored results bit for bit: (\d+) values", p.stdout)
        check(m is not None and int(m.group(1)) == want[k],
              "%s trial %d: no match of %d values reported" % (label, k, want[k]))
        rows = "the trial's %d row%s of /events" % (counts[k], "" if counts[k] == 1 else "s")
        check(rows in p.stdout,
              "%s trial %d: %d rows of /events not checked" % (label, k, counts[k]))
        check("Not checked" not in p.stdout,
              "%s trial %d: datasets of /trials left unchecked" % (label, k))
        if counts[k] == 0:
            check("Disruptions: none in this trial." in p.stdout,
                  "%s trial %d: no disruption, not said" % (label, k))
        else:
            m = re.search(r"Disruptions \((\d+) in this trial\)", p.stdout)
            check(m is not None and int(m.group(1)) == counts[k],
                  "%s trial %d: %d disruptions in /events, not in the story" % (label, k, counts[k]))
        for j, month in enumerate(empty[k]):
            if np.isnan(month):
                continue
            # the block of that month tells that the stockpile ran empty
            block = re.search(r"^month %d \(.*?(?=^month|^Sectors)" % int(month), p.stdout,
                              re.S | re.M)
            check(block is not None and
                  re.search(r"stock:  %s .*EMPTY" % re.escape(minerals[j]), block.group(0)),
                  "%s trial %d: stockpile of %s empty in month %d, not told"
                  % (label, k, minerals[j], month))
            told_empty += 1
    return told_empty


def test_every_trial(a, tmp):
    demo = os.path.join(tmp, "demo.h5")
    minrisk_run(a, os.path.join(a.src, "scenarios/demo.yaml"), demo, 300, "--events")
    explain_every_trial(a, demo, "demo")
    prio = os.path.join(tmp, "priority.h5")
    minrisk_run(a, os.path.join(a.src, "tests/studies/explain/priority.yaml"), prio, 150, "--events")
    n = explain_every_trial(a, prio, "priority")
    check(n > 0, "priority: no stockpile ran empty in 150 trials: the test covers nothing")
    return demo


def test_worst_and_rank(a, demo):
    with h5py.File(demo, "r") as f:
        loss = f["trials/total_loss"][()]
    worst = int(np.argmax(loss))
    p = run([a.minrisk, "explain", demo])
    m = re.match(r"Trial (\d+) of (\d+), the worst", p.stdout)
    check(p.returncode == 0 and m is not None and int(m.group(1)) == worst,
          "default trial: expected the argmax of total_loss, %d" % worst)
    check("rank 1 of 300" in p.stdout, "the worst trial is not rank 1")
    for k in (0, 17, 150):
        p = run([a.minrisk, "explain", demo, "--trial", str(k)])
        rank = 1 + int(np.sum(loss > loss[k]))
        check("rank %d of 300" % rank in p.stdout, "trial %d: rank %d not printed" % (k, rank))
    # one sector's story, every step
    p = run([a.minrisk, "explain", demo, "--sector", "defence", "--all-steps"])
    check(p.returncode == 0 and "the story of sector defence" in p.stdout, "--sector defence")
    steps = re.findall(r"^month \d+ \(year", p.stdout, re.M)
    check(len(steps) == 120, "--all-steps: %d month lines, expected 120" % len(steps))


def test_negative_loss(a, demo):
    """A trial whose total loss is negative (input prices below their reference:
    a saving) gives no shares of it: a driver's saving or a sector's loss as a
    percentage of a negative total ("-7%", a saving "of" a gain) means nothing.
    A trial with a positive loss keeps them."""
    with h5py.File(demo, "r") as f:
        loss = f["trials/total_loss"][()]
    k = int(np.argmin(loss))
    check(loss[k] < 0, "demo: no trial with a negative total loss (min %g)" % loss[k])
    p = run([a.minrisk, "explain", demo, "--trial", str(k)])
    brief = p.stdout.split("In brief:", 1)[-1].split("Disruptions", 1)[0]
    sectors = re.search(r"^  loss by sector:.*$", brief, re.M)
    check(p.returncode == 0 and "what drove the loss" in brief and sectors is not None and
          "%" not in sectors.group(0) and
          not re.search(r"^ +-?[\d,.]+ +-?\d+%  ", brief, re.M),
          "trial %d (loss %g GBP): shares of a negative loss printed: %r" % (k, loss[k], brief))
    p = run([a.minrisk, "explain", demo])
    check(re.search(r"^  loss by sector: \S+ GBP [\d,.]+ m \(\d+%\)", p.stdout, re.M) is not None
          and re.search(r"^ +[\d,.]+ +\d+%  ", p.stdout, re.M) is not None,
          "the worst trial: no sector shares: %r" % p.stdout[:1500])


def test_certain(a, tmp):
    """tests/studies/explain/certain.yaml: the table and the story by hand."""
    path = os.path.join(tmp, "certain.h5")
    minrisk_run(a, os.path.join(a.src, "tests/studies/explain/certain.yaml"), path, 20, "--events")
    with h5py.File(path, "r") as f:
        ev = f["events"]
        names = [s.decode() for s in ev["process"][()]]
        check(names == ["event/a", "event/b"], "certain: processes %s" % names)
        check([s.decode() for s in ev["process_kind"][()]] == ["event", "event"], "process_kind")
        check(ev["event"].shape == (60,) and list(ev["event"][()]) == list(range(60)), "event")
        # per trial: a's two certain occurrences in file order, then b's
        rows = [(0, 3, 4, 0.25, 4.0, 0.5), (0, 12, 12, 1.0, 30.0, 1.0), (1, 6, 2, 0.5, 2.4, 0.8)]
        want = {
            "trial": [i for i in range(20) for _ in rows],
            "process_index": [r[0] for _ in range(20) for r in rows],
            "start_step": [r[1] for _ in range(20) for r in rows],
            "active_steps": [r[2] for _ in range(20) for r in rows],
            "start_years": [r[3] for _ in range(20) for r in rows],
            "duration_months": [r[4] for _ in range(20) for r in rows],
            "severity": [r[5] for _ in range(20) for r in rows],
        }
        for k, v in want.items():
            check(list(ev[k][()]) == v, "certain: /events/%s by hand" % k)
        check(ev["start_step"].attrs["units"] == "step", "start_step units")
        check(ev["duration_months"].attrs["units"] == "months", "duration_months units")
    p = run([a.minrisk, "explain", path, "--trial", "5"])
    check(p.returncode == 0, "certain: explain")
    check("total loss GBP 11,350 m" in p.stdout, "certain: total loss by hand (11,350 m)")
    check(re.search(r"^month 16 \(year 2, month 5\).*\n(    .*\n)*    stock:  x gap 100.0% of "
                    r"demand, stockpile releases 25.0%, 0.00 months of demand left - now EMPTY",
                    p.stdout, re.M) is not None, "certain: x's stockpile empty in month 16")
    check("9,750   86%  Export ban on X" in p.stdout, "certain: event a drives 9,750 m")
    # durations: the steps the model ran, max(1, round(d)) months cut at the
    # horizon (month 23), then the sampled d when it differs
    for line in ("  month 3 (year 1, month 4): 50% for 4 months (months 3-6)\n",
                 "  month 6 (year 1, month 7): 80% for 2 months (months 6-7; sampled 2.4 months)\n",
                 "  month 12 (year 2, month 1): 100% for 12 months (months 12-23; sampled 30 "
                 "months, cut at the end of the horizon)\n",
                 "    starts: Export ban on X, 50% withheld for 4 months (to month 6)\n",
                 "    starts: Export cut on Y, 80% withheld for 2 months (to month 7; sampled 2.4 "
                 "months)\n",
                 "months 13-15: much as month 12 (all within 2 points); loss GBP 1,500 m, GBP "
                 "500.0 m a month\n"):
        check(line in p.stdout, "certain: line %r not in the story" % line)
    # whole months as integers: s1 12 months above 5% (12-23), s2 2 (6-7);
    # x 12 months short above 1%, y 2
    for pat in (r"^  s1 +9,750 +0\.000 +9,750 +100\.0% +12$", r"^  s2 +1,600 +0\.000 +1,600 +40\.0% +2$",
                r"^  x +100\.0% +40\.6% +12 +x10\.00 +16$", r"^  y +80\.0% +6\.7% +2 +x10\.00 +-$"):
        check(re.search(pat, p.stdout, re.M), "certain: totals row %r" % pat)
    check(not re.search(r"\d\.\d+ months \(|\(to month", p.stdout.split("Month by month")[0]),
          "certain: a sampled duration printed as the active one")


def test_certain_more(a, tmp):
    """tests/studies/explain/certain_more.yaml: an occurrence shorter than a month
    (active one step) and a one-month fold, by hand in the file; certain.yaml
    at quarterly steps (3 months a step)."""
    path = os.path.join(tmp, "more.h5")
    minrisk_run(a, os.path.join(a.src, "tests/studies/explain/certain_more.yaml"), path, 5, "--events")
    p = run([a.minrisk, "explain", path, "--trial", "2"])
    check(p.returncode == 0 and "total loss GBP 12,650 m" in p.stdout,
          "certain_more: total loss by hand (12,650 m)")
    for line in ("  month 15 (year 2, month 4): 30% for 1 month (month 15; sampled 0.2 months)\n",
                 "  month 18 (year 2, month 7): 50% for 2 months (months 18-19)\n",
                 "    starts: Second cut on Y, 30% withheld for 1 month (month 15 only; sampled "
                 "0.2 months)\n",
                 "    ends:   Second cut on Y (from month 15)\n",
                 "month 15 (year 2, month 4): loss GBP 800.0 m (value added 800.0 m, extra input cost "
                 "0.000 m)\n",
                 "month 19: much as month 18 (all within 2 points); loss GBP 1,500 m\n",
                 "months 21-23: much as month 20 (all within 2 points); loss GBP 3,000 m, GBP "
                 "1,000 m a month\n"):
        check(line in p.stdout, "certain_more: line %r not in the story" % line)
    for pat in (r"^  s2 +2,900 +0\.000 +2,900 +40\.0% +5$", r"^  y +80\.0% +\S+ +5 +x10\.00 +-$"):
        check(re.search(pat, p.stdout, re.M), "certain_more: totals row %r" % pat)

    # quarterly steps: round(4 / 3) = 1 step for a's 4 months from step 1,
    # round(2.4 / 3) = 1 step for b's from step 2, a's 30 months from step 4
    # cut at the horizon after 4 steps (steps 4-7)
    y = os.path.join(tmp, "quarterly.yaml")
    with open(y, "w") as f:
        f.write("extends: %s\nname: explain test quarterly\nsimulation:\n  steps_per_year: 4\n"
                % os.path.join(a.src, "tests/studies/explain/certain.yaml"))
    path = os.path.join(tmp, "quarterly.h5")
    minrisk_run(a, y, path, 3, "--events")
    p = run([a.minrisk, "explain", path, "--trial", "1"])
    check(p.returncode == 0, "quarterly: explain")
    for line in ("  step 1 (year 1, step 2 of 4; month 3): 50% for 1 step = 3 months (step 1; "
                 "sampled 4 months)\n",
                 "  step 2 (year 1, step 3 of 4; month 6): 80% for 1 step = 3 months (step 2; "
                 "sampled 2.4 months)\n",
                 "  step 4 (year 2, step 1 of 4; month 12): 100% for 4 steps = 12 months (steps "
                 "4-7; sampled 30 months, cut at the end of the horizon)\n",
                 "    starts: Export cut on Y, 80% withheld for 1 step = 3 months (step 2 only; "
                 "sampled 2.4 months)\n"):
        check(line in p.stdout, "quarterly: line %r not in the story" % line)
    # the header names the steps (not "in steps"), and the brief the worst step (not month)
    check(", horizon 2 years in quarterly steps (4 a year, 3 months each); months counted" in
          p.stdout and re.search(r"^  worst step: step \d+ \(year", p.stdout, re.M) and
          "worst month" not in p.stdout,
          "quarterly: header or brief %r" % p.stdout[:700])
    # the step block's legend: each line is a quarter, not a month (it said
    # "Month by month" and "loss ... in the month" on any grid)
    p = run([a.minrisk, "explain", path, "--trial", "1", "--all-steps"])
    check(p.returncode == 0 and "\nStep by step (a step is 3 months) (every step):\n" in p.stdout
          and "extra input cost of all sectors in the step, GBP m" in p.stdout
          and "Month by month" not in p.stdout and "in the month" not in p.stdout,
          "quarterly --all-steps: the legend %r" % p.stdout[p.stdout.find("by step"):][:400])


def test_market_trace(a, tmp):
    """The open markets of explain --all-steps on a deterministic market
    episode (tests/validation/ree-quotas-2010.yaml: one trial, no noise, both
    minerals with a market block, stock_months 3): a market line at month 0,
    and over the steps the largest clearing price, the lowest stock and the
    largest supply loss printed are /trials mineral_price_peak_market,
    rest - mineral_stock_drawn_peak and mineral_market_loss_peak, as printed
    (4 significant digits, 3, and 0.1%)."""
    path = os.path.join(tmp, "ree.h5")
    minrisk_run(a, os.path.join(a.src, "tests/validation/ree-quotas-2010.yaml"), path, 1)
    with h5py.File(path, "r") as f:
        minerals = [m.decode() for m in f["mineral"][()]]
        peak = f["trials/mineral_price_peak_market"][0]
        drawn = f["trials/mineral_stock_drawn_peak"][0]
        loss = f["trials/mineral_market_loss_peak"][0]
    rest = 3.0
    p = run([a.minrisk, "explain", path, "--all-steps"])
    check(p.returncode == 0, "ree-quotas explain: exit %d: %s" % (p.returncode, p.stderr))
    pat = (r"^    market: (\S+) price x(\S+) \(market only\), stock (\S+) months \(rest (\S+)\), "
           r"supply loss (\S+)%$")
    lines = re.findall(pat, p.stdout, re.M)
    first = re.search(r"^month 0 \(.*?(?=^month 1 )", p.stdout, re.S | re.M)
    for j, m in enumerate(minerals):
        mine = [x for x in lines if x[0] == m]
        check(first is not None and ("    market: %s price x" % m) in first.group(0),
              "ree-quotas: no market line for %s in month 0" % m)
        if not check(mine, "ree-quotas: no market line for %s" % m):
            continue
        check(all(float(x[3]) == rest for x in mine), "ree-quotas %s: rest level not %g" % (m, rest))
        got = max(float(x[1]) for x in mine)
        check(got == float("%.4g" % peak[j]),
              "ree-quotas %s: largest price x%r, /trials says x%r" % (m, got, peak[j]))
        got = min(float(x[2]) for x in mine)
        check(got == float("%.3g" % (rest - drawn[j])),
              "ree-quotas %s: lowest stock %r months, /trials says %r drawn" % (m, got, drawn[j]))
        got = max(float(x[4]) for x in mine)
        check(got == float("%.1f" % (100 * loss[j])),
              "ree-quotas %s: largest supply loss %r%%, /trials says %r" % (m, got, loss[j]))


def test_threads(a, tmp):
    one, two = os.path.join(tmp, "t1.h5"), os.path.join(tmp, "t2.h5")
    scen = os.path.join(a.src, "scenarios/demo.yaml")
    minrisk_run(a, scen, one, 2500, "--events", "--threads", "1")
    minrisk_run(a, scen, two, 2500, "--events", "--threads", "2")
    p = run([a.h5diff, "--exclude-path", "/run_info", one, two])
    check(p.returncode == 0, "1 vs 2 threads: files differ: %s" % p.stdout[:500])
    with h5py.File(one, "r") as f:
        check(f["events/trial"].shape[0] > 2500, "the demo's table is too small")


def test_mpi(a, tmp):
    scen = os.path.join(a.src, "scenarios/demo.yaml")
    files = []
    for r in (1, 2):
        out = os.path.join(tmp, "r%d.h5" % r)
        p = run([a.mpiexec, "--oversubscribe", "--allow-run-as-root", "-n", str(r), a.minrisk,
                 "run", scen, "-o", out, "--trials", "2500", "--events", "--quiet"],
                env=dict(os.environ, OMP_NUM_THREADS="1"))
        check(p.returncode == 0, "mpiexec -n %d: %s" % (r, p.stderr))
        files.append(out)
    p = run([a.h5diff, "--exclude-path", "/run_info", files[0], files[1]])
    check(p.returncode == 0, "1 vs 2 ranks: files differ: %s" % p.stdout[:500])
    p = run([a.h5diff, files[0], files[1], "/events", "/events"])
    check(p.returncode == 0, "1 vs 2 ranks: /events differs")
    p = run([a.minrisk, "explain", files[1], "--trial", "2000"])
    check(p.returncode == 0 and "the replay matches" in p.stdout, "explain of the 2-rank file")


def test_output_trials(a, tmp):
    demo = os.path.join(a.src, "scenarios/demo.yaml")
    for mode in ("totals", "none"):
        y = os.path.join(tmp, mode + ".yaml")
        with open(y, "w") as f:
            f.write("extends: %s\nname: explain test %s\noutput:\n  trials: %s\n" % (demo, mode, mode))
        h = os.path.join(tmp, mode + ".h5")
        minrisk_run(a, y, h, 100)
    with h5py.File(os.path.join(tmp, "totals.h5"), "r") as f:
        H = int(f.attrs["horizon_years"])
    p = run([a.minrisk, "explain", os.path.join(tmp, "totals.h5")])
    # total_loss, total_gva_loss and annual_loss (MR_VAR_TOTALS)
    check(p.returncode == 0 and ("bit for bit: %d values (3 datasets of /trials)" % (2 + H))
          in p.stdout and "output.trials: totals" in p.stdout
          and "keeps only total_loss, total_gva_loss and annual_loss" in p.stdout,
          "totals: partial check not said")
    p = run([a.minrisk, "explain", os.path.join(tmp, "none.h5")])
    check(p.returncode == 2 and "give --trial K" in p.stderr and not p.stdout,
          "none: no default trial: %s" % p.stderr)
    p = run([a.minrisk, "explain", os.path.join(tmp, "none.h5"), "--trial", "7"])
    check(p.returncode == 0 and "could not be checked" in p.stdout, "none: unchecked not said")
    check("only /events" not in p.stdout and "matches" not in p.stdout,
          "none without /events: a check claimed: %s" % p.stdout[-300:])
    # none with --events: only the trial's /events rows, 6 values each
    h = os.path.join(tmp, "none-events.h5")
    minrisk_run(a, os.path.join(tmp, "none.yaml"), h, 100, "--events")
    with h5py.File(h, "r") as f:
        check("trials" not in f, "none: /trials written")
        n = int(np.sum(f["events/trial"][()] == 7))
    p = run([a.minrisk, "explain", h, "--trial", "7"])
    want = ("Check: the replay matches the stored results bit for bit: %d values (the trial's %d "
            "row%s of /events).\n  The file keeps no per-trial results (output.trials: none): "
            "only /events could be checked.\n" % (6 * n, n, "" if n == 1 else "s"))
    check(p.returncode == 0 and p.stdout.endswith(want) and "could not be checked" not in p.stdout,
          "none with /events: expected %r, got %r" % (want, p.stdout[-300:]))


def test_compare_file(a, tmp):
    out = os.path.join(tmp, "cmp.h5")
    p = run([a.minrisk, "compare", os.path.join(a.src, "scenarios/demo.yaml"),
             os.path.join(a.src, "tests/studies/explain/priority.yaml"), "--trials", "200",
             "--bootstrap", "0", "--quiet", "-o", out])
    if p.returncode != 0:
        print("note: minrisk compare not available (%s): comparison files not tested"
              % p.stderr.strip())
        return
    p = run([a.minrisk, "explain", out])
    check(p.returncode == 2 and "--run GROUP (runs/a, runs/b)" in p.stderr, "compare without --run")
    for g in ("runs/a", "runs/b"):
        p = run([a.minrisk, "explain", out, "--run", g, "--trial", "11"])
        check(p.returncode == 0 and "the replay matches" in p.stdout, "compare --run %s" % g)
    p = run([a.minrisk, "explain", out, "--run", "runs/c"])
    check(p.returncode == 2 and "no such run" in p.stderr, "compare --run runs/c")


def test_help_example(a, tmp):
    p = run([a.minrisk, "explain", "--help"])
    check(p.returncode == 0 and p.stdout.startswith("usage: minrisk explain"), "--help")
    ex = p.stdout.split("example:\n", 1)[1].strip()
    d = os.path.join(tmp, "example")
    os.mkdir(d)
    os.symlink(os.path.join(a.src, "scenarios"), os.path.join(d, "scenarios"))
    q = subprocess.run(ex.replace("minrisk", a.minrisk), shell=True, cwd=d, capture_output=True,
                       text=True)
    check(q.returncode == 0 and "the replay matches" in q.stdout,
          "the --help example does not run as written: %s" % q.stderr)


def test_errors(a, tmp, demo):
    def bad(args, want_in_stderr):
        p = run([a.minrisk, "explain"] + args)
        lines = p.stderr.splitlines()
        check(p.returncode == 2, "explain %s: exit %d, expected 2" % (args, p.returncode))
        check(len(lines) == 1 and want_in_stderr in p.stderr,
              "explain %s: stderr %r, expected one line with %r" % (args, p.stderr, want_in_stderr))
        check(p.stdout == "", "explain %s: printed on stdout" % args)

    missing = os.path.join(tmp, "no-such.h5")
    bad([missing], missing + ": cannot open: No such file or directory")
    text = os.path.join(tmp, "text.h5")
    with open(text, "w") as f:
        f.write("not hdf5\n")
    bad([text], text + ": not a minrisk result file (not HDF5)")
    other = os.path.join(tmp, "other.h5")
    with h5py.File(other, "w") as f:
        f["x"] = 1
    bad([other], other + ": not a minrisk result file")
    bad([demo, "--trial", "300"], demo + ": --trial 300: out of range, the file has 300 trials")
    bad([demo, "--trial", "-1"], "--trial: must be a trial index")
    bad([demo, "--sector", "shipbuilding"], "--sector shipbuilding: no such sector")
    bad([demo, "--run", "runs/a"], "a file of a single run has no run groups")
    bad([demo, "--trails", "3"], "unknown option '--trails'; did you mean --trial?")
    bad([], "missing FILE.h5")
    bad([demo, "--trial"], "option '--trial' needs a value")


def test_other_libm_path(a, tmp, demo):
    """A replay that differs says why when the file was made on another libm
    code path (/run_info/libm_fingerprint, docs/HPC.md): (a) a copy of the
    demo file with one stored value moved by 1 ulp and a forged fingerprint;
    (b) on a CPU with FMA, a real file made with FMA turned off for the
    process (GLIBC_TUNABLES), of whose first 50 trials at least one replays
    differently in the last bits. Before 2026-12-06 the line gave no
    reason."""
    here = re.search(r"libm path ([0-9a-f]{16})\)",
                     run([a.minrisk, "--version"]).stdout).group(1)
    forged = os.path.join(tmp, "forged.h5")
    shutil.copy(demo, forged)
    with h5py.File(forged, "r+") as f:
        x = f["trials/total_loss"]
        x[0] = np.nextafter(x[0], np.inf)
        f["run_info"].attrs["libm_fingerprint"] = "0123456789abcdef"
    p = run([a.minrisk, "explain", forged, "--trial", "0"])
    want = ("; the file was made where exp, log and pow take another code path (libm "
            "fingerprint 0123456789abcdef, here %s: docs/HPC.md)" % here)
    check(p.returncode == 1 and p.stderr.strip().endswith(want),
          "forged libm path: exit %d, stderr %r" % (p.returncode, p.stderr))
    nofma = {"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-FMA"}
    other = re.search(r"libm path ([0-9a-f]{16})\)",
                      run([a.minrisk, "--version"], env=dict(os.environ, **nofma)).stdout).group(1)
    if other == here:
        print("this CPU has one libm code path: no real file of the other")
        return
    path = os.path.join(tmp, "nofma.h5")
    minrisk_run(a, os.path.join(a.src, "scenarios/demo.yaml"), path, 50, env=nofma)
    differ = [p for p in (run([a.minrisk, "explain", path, "--trial", str(k)])
                          for k in range(50)) if p.returncode != 0]
    check(len(differ) > 0, "no FMA: all 50 trials replayed bit for bit on the other path")
    for p in differ:
        check(p.returncode == 1 and p.stderr.strip().endswith(
            "(libm fingerprint %s, here %s: docs/HPC.md)" % (other, here)),
            "no FMA: exit %d, stderr %r" % (p.returncode, p.stderr))


def test_rush(a, tmp):
    """The occurrence line names the rush bought ahead (docs/MODEL.md §3s):
    graphite-2023's one occurrence, 65% for 3 months with rush_months 2.4,
    as written in the episode file; the REE 2010 episode has none."""
    path = os.path.join(tmp, "graphite.h5")
    minrisk_run(a, os.path.join(a.src, "tests/validation/graphite-2023.yaml"), path, 1)
    p = run([a.minrisk, "explain", path])
    check(p.returncode == 0, "graphite explain: exit %d: %s" % (p.returncode, p.stderr))
    lines = [x for x in p.stdout.splitlines() if "bought ahead" in x]
    check(len(lines) == 1 and re.search(r": 65% for 3 months.*; 2\.4 months of its exports "
                                        r"bought ahead$", lines[0]) is not None,
          "graphite: rush line %r" % lines)
    path = os.path.join(tmp, "ree-rush.h5")
    minrisk_run(a, os.path.join(a.src, "tests/validation/ree-quotas-2010.yaml"), path, 1)
    p = run([a.minrisk, "explain", path])
    check(p.returncode == 0 and "bought ahead" not in p.stdout, "ree-quotas: a rush printed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--h5diff", default="h5diff")
    ap.add_argument("--mpiexec")
    ap.add_argument("--only-mpi", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="explain-")
    try:
        if a.only_mpi:
            test_mpi(a, tmp)
        else:
            demo = test_every_trial(a, tmp)
            test_worst_and_rank(a, demo)
            test_negative_loss(a, demo)
            test_certain(a, tmp)
            test_certain_more(a, tmp)
            test_market_trace(a, tmp)
            test_rush(a, tmp)
            test_threads(a, tmp)
            test_output_trials(a, tmp)
            test_compare_file(a, tmp)
            test_help_example(a, tmp)
            test_errors(a, tmp, demo)
            test_other_libm_path(a, tmp, demo)
            if a.mpiexec:
                test_mpi(a, tmp)
    finally:
        shutil.rmtree(tmp)
    return finish("explain")


if __name__ == "__main__":
    sys.exit(main())
