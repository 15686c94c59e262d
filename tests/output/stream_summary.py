#!/usr/bin/env python3
"""output.trials: none streams the trials (out/stats/stream.h): its file's
/summary, /attribution and /indicators must be those of output.trials: all
on the same trials, bit for bit, whatever the threads and however many
refining passes the stream takes (MINRISK_STREAM_BUDGET, its test hook, makes
a small run take the passes of a large one).

With --ulimit TRIALS KB: TRIALS trials under ulimit -v KB, which the
in-memory path (output.trials: all) refuses before its first trial ("trials
need about"), while the streamed run fits and gives the summary of the
in-memory run without the limit.

With --mpiexec MPIEXEC TRIALS: the streamed runs on 2 and 3 ranks (1 and 2
threads, default and small budgets) against one process with
output.trials: all.

With --growth SMALL LARGE: streamed runs of SMALL and then LARGE trials on
one thread, whose peak resident sizes (getrusage of the children) must
differ by less than 10% of the first plus 16 bytes a trial of the
difference (issue 14's bound).

usage: stream_summary.py MINRISK SCENARIO.yaml [TRIALS [any-passes]]
       stream_summary.py MINRISK SCENARIO.yaml --ulimit TRIALS KB
       stream_summary.py MINRISK SCENARIO.yaml --mpiexec MPIEXEC TRIALS
       stream_summary.py MINRISK SCENARIO.yaml --growth SMALL LARGE
"""
import os
import resource
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import FAILS, check, finish  # noqa: E402 (tests/python/checks.py)

minrisk, scenario = sys.argv[1], sys.argv[2]
limit_kb = mpiexec = growth = None
if len(sys.argv) > 3 and sys.argv[3] == "--growth":
    growth = (int(sys.argv[4]), int(sys.argv[5]))
    trials = sys.argv[4]
elif len(sys.argv) > 3 and sys.argv[3] == "--ulimit":
    trials, limit_kb = sys.argv[4], int(sys.argv[5])
elif len(sys.argv) > 3 and sys.argv[3] == "--mpiexec":
    mpiexec, trials = sys.argv[4], sys.argv[5]
else:
    trials = sys.argv[3] if len(sys.argv) > 3 else "6000"
# any-passes: a scenario whose few distinct losses need no refining pass at
# budget 3000 (the expected counts of modes_case are demo's)
any_passes = len(sys.argv) > 4 and sys.argv[4] == "any-passes"


def run(mode, out, threads, budget=None, expect_passes=None, limited=False, ranks=0):
    yaml = os.path.join(tmp, f"{mode}.yaml")
    with open(scenario) as f, open(yaml, "w") as g:
        text = f.read()
        if "\noutput:" in text:
            sys.exit("the scenario has an output block already")
        g.write(text + f"\noutput:\n  trials: {mode}\n")
    env = dict(os.environ, MINRISK_STREAM_TRACE="1")
    env.pop("MINRISK_STREAM_BUDGET", None)
    if budget is not None:
        env["MINRISK_STREAM_BUDGET"] = str(budget)
    def limit():
        if limited:
            resource.setrlimit(resource.RLIMIT_AS, (limit_kb * 1024, limit_kb * 1024))
    cmd = [minrisk, "run", yaml, "-o", out, "--trials", trials, "--threads", str(threads),
           "--quiet"]
    if ranks:
        cmd = [mpiexec, "--oversubscribe", "--allow-run-as-root", "-n", str(ranks)] + cmd
        for k in ("MINRISK_STREAM_TRACE", "MINRISK_STREAM_BUDGET"):
            if k in env:
                cmd[1:1] = ["-x", k]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, preexec_fn=limit)
    if limited and mode == "all":
        check(p.returncode != 0 and "trials need about" in p.stderr,
              f"output.trials: all under ulimit -v {limit_kb}: not refused "
              f"(exit {p.returncode}: {p.stderr.strip()})")
        return None
    if p.returncode != 0:
        sys.exit(f"{mode} run failed: {p.stderr}")
    passes = [l for l in p.stderr.splitlines() if l.startswith("pass ")]
    if mode != "all":
        check(expect_passes(len(passes)), f"{out}: {len(passes)} passes")
    else:
        check(not passes, f"output.trials: {mode} was streamed")
    return out


def datasets(f, group):
    out = {}
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[f"/{group}/{name}"] = obj[()]
    if group in f:
        f[group].visititems(visit)
    return out


def identical(x, y):
    """The same shape and values, bit for bit (NaN equal to the same NaN)."""
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype.kind == "f":
        return x.shape == y.shape and np.array_equal(x.view(np.uint64), y.view(np.uint64))
    return np.array_equal(x, y)


# The bootstrap intervals of /summary (sim/studies/summary_errors.h): a
# streamed run computes them from the top tails it keeps
# (out/stats/btails.h), and they must be there and equal bit for bit too.
BOOT = {"/summary/%s_ci_%s" % (s, b) for s in ("total_loss_es99", "return_period_loss_1in100",
                                               "total_gva_loss_es99", "total_extra_cost_es99",
                                               "sector_loss_es99", "sector_return_period_loss_1in100")
        for b in ("low", "high")}


def compare(ref, other, label):
    a, b = h5py.File(ref), h5py.File(other)
    n = 0
    for group in ("summary", "attribution", "indicators"):
        da, db = datasets(a, group), datasets(b, group)
        if group == "summary":
            check(BOOT <= set(da) and BOOT <= set(db),
                  f"{label}: bootstrap intervals missing: {sorted(BOOT - (set(da) & set(db)))}")
            check(not all(np.isnan(da[k]).all() for k in BOOT if k in da),
                  f"{label}: every bootstrap interval is NaN: too few trials to test")
        check(set(da) == set(db), f"{label}: {group} datasets differ: {sorted(set(da) ^ set(db))}")
        for k in da:
            if k not in db:
                continue
            n += 1
            check(identical(da[k], db[k]), f"{label}: {k} differs")
    for attr in ("verification", "random_words"):
        check(a["run_info"].attrs[attr] == b["run_info"].attrs[attr],
              f"{label}: /run_info {attr} differs")
    kept = datasets(b, "trials")
    if label.startswith("none"):
        check(not kept, f"{label}: output.trials: none wrote /trials")
    if label.startswith("totals"):
        check(sorted(kept) == sorted(
            f"/trials/{k}" for k in ("trial", "year", "mineral", "sector", "total_loss",
                                     "total_gva_loss", "annual_loss")),
              f"{label}: /trials holds {sorted(kept)}")
    ref_trials = datasets(a, "trials")
    for k, y in kept.items():
        n += 1
        check(identical(ref_trials[k], y), f"{label}: {k} differs")
    check(n >= 60, f"{label}: only {n} datasets compared")
    return n


tmp = tempfile.mkdtemp()
two = lambda n: n == 2  # the run, then the second moments; every bin kept
more = lambda n: n >= 3  # bins refined before they are kept
any_ = lambda n: n >= 2


def ulimit_case():
    run("all", os.path.join(tmp, "refused.h5"), 2, limited=True)
    out = run("none", os.path.join(tmp, "none.h5"), 2, None, any_, limited=True)
    ref = run("all", os.path.join(tmp, "all.h5"), 2)
    n = compare(ref, out, f"none under ulimit -v {limit_kb}")
    return (f"{trials} trials under ulimit -v {limit_kb} kB: refused in memory, streamed; "
            f"{n} datasets identical to the in-memory run")


def growth_case():
    global trials
    small, large = growth
    peak = []
    for n in (small, large):
        trials = str(n)
        out = run("none", os.path.join(tmp, f"none_{n}.h5"), 1, None, any_)
        os.remove(out)
        # kB; the largest of the children so far: the small run's, then
        # the larger of the two
        peak.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    grow_kb = peak[1] - peak[0]
    allowed_kb = 0.1 * peak[0] + 16.0 * (large - small) / 1024.0
    check(grow_kb <= allowed_kb,
          f"peak resident {peak[0]} kB at {small} trials, {peak[1]} kB at {large}: "
          f"{grow_kb} kB more, above 10% + 16 bytes a trial ({allowed_kb:.0f} kB)")
    return (f"peak resident {peak[0]} kB at {small} trials, {peak[1]} kB at {large} "
            f"(at most {peak[0] + allowed_kb:.0f} kB allowed)")


def mpi_case():
    ref = run("all", os.path.join(tmp, "all.h5"), 2)
    for ranks, threads, budget in ((2, 1, None), (3, 2, None), (2, 2, 3000), (3, 1, 3000)):
        out = run("none", os.path.join(tmp, f"none_r{ranks}.h5"), threads, budget, any_,
                  ranks=ranks)
        n = compare(ref, out, f"none, {ranks} ranks x {threads} threads, budget {budget}")
        print(f"none, {ranks} ranks x {threads} threads, budget {budget}: {n} datasets "
              "identical to all" if not FAILS else FAILS[-1])
    return "output.trials: none on 2 and 3 ranks = all on one, bit for bit"


def modes_case():
    ref = run("all", os.path.join(tmp, "all.h5"), 2)
    cases = [(1, None, two), (2, None, two), (2, 0, more), (1, 3000, more), (2, 3000, more)]
    if any_passes:
        cases = [(t, b, any_) for t, b, _ in cases]
    for threads, budget, passes in cases:
        out = run("none", os.path.join(tmp, f"none_t{threads}_b{budget}.h5"), threads, budget,
                  passes)
        n = compare(ref, out, f"none, {threads} threads, budget {budget}")
        print(f"none, {threads} threads, budget {budget}: {n} datasets identical to all"
              if not FAILS else FAILS[-1])
    # totals: streamed too, its /trials tables written from the kept columns
    for threads, budget in ((2, None), (1, 3000)):
        out = run("totals", os.path.join(tmp, f"totals_t{threads}_b{budget}.h5"), threads,
                  budget, any_)
        n = compare(ref, out, f"totals, {threads} threads, budget {budget}")
        print(f"totals, {threads} threads, budget {budget}: {n} datasets identical to all"
              if not FAILS else FAILS[-1])
    return (f"output.trials: none and totals = all, bit for bit, in {len(cases) + 2} streamed "
            "runs")


try:
    message = (growth_case() if growth is not None else
               ulimit_case() if limit_kb is not None else
               mpi_case() if mpiexec is not None else modes_case())
finally:
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))
    os.rmdir(tmp)
if not FAILS:
    print(message)
sys.exit(finish("stream_summary (output.trials: none and totals give the files of all, bit for "
                "bit; streamed runs fit where all does not, and their memory does not grow)"))
