#!/usr/bin/python3
"""The 2-thread speed-up on a machine whose two cores do not run at the same
speed (a virtual machine whose cores share their physical cores with other
tenants: bench/RESULTS.md, "Two cores of different speeds").

`minrisk bench --threads 1,2` divides the 1-thread time by the 2-thread
time. When one core is slower than the other, that ratio depends on where
the 1-thread run lands: on the slow core it overstates the speed-up (above
2 is possible), on the fast core it understates it. This script measures,
in each repetition, a 1-thread run pinned to core 0, one pinned to core 1
and a 2-thread run on both (in a rotating order: balanced when the
repetitions are a multiple of 3), and reports per repetition:

  r0, r1    the 1-thread rates (trials/s) on core 0 and on core 1
  r2        the 2-thread rate
  eff       r2 / (r0 + r1): the share of the two cores' own speeds the
            2-thread run reaches (1 is perfect scaling)
  2 eff     the speed-up the same run would show on two cores of equal
            speed
  raw       the plain ratios t0 / t2 and t1 / t2

and the medians over the repetitions. `--scenario FILE` times whole
`minrisk run`s of a scenario file instead (the engine's wall time,
/run_info wall_seconds, as bench/run.sh does). Standard library and
h5dump only.

usage: bench/speedup_pinned.py [--dense | --scenario FILE] [--trials N] [--reps R]
                               [--minrisk build/minrisk] [--json FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def attr(h5, name):
    """One attribute of /run_info, read with h5dump (hdf5-tools)."""
    r = subprocess.run(["h5dump", "-a", "/run_info/" + name, h5], capture_output=True,
                       text=True, check=True)
    for line in r.stdout.splitlines():
        if "(0):" in line:
            return line.split("(0):")[1].strip().strip('"')
    sys.exit("speedup_pinned: no /run_info/%s in %s" % (name, h5))


def one_scenario(minrisk, cpus, threads, trials, scenario, tmp):
    """A whole `minrisk run` of a scenario file: the engine's wall time
    (/run_info wall_seconds, as bench/run.sh reads it)."""
    out = os.path.join(tmp, "r.h5")
    cmd = ["taskset", "-c", cpus, minrisk, "run", scenario, "-o", out, "--trials", str(trials),
           "--threads", str(threads), "--quiet"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("speedup_pinned: %s failed: %s" % (" ".join(cmd), r.stderr.strip()))
    return float(attr(out, "wall_seconds")), attr(out, "verification"), None


def one(minrisk, cpus, threads, trials, dense, tmp, scenario=None):
    if scenario:
        return one_scenario(minrisk, cpus, threads, trials, scenario, tmp)
    out = os.path.join(tmp, "b.json")
    cmd = ["taskset", "-c", cpus, minrisk, "bench", "--threads", str(threads), "--reps", "1",
           "--trials", str(trials), "--json", out]
    if dense:
        cmd.insert(5, "--dense")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("speedup_pinned: %s failed: %s" % (" ".join(cmd), r.stderr.strip()))
    with open(out) as f:
        d = json.load(f)
    run = d["points"][0]["runs"][0]
    return run["run_seconds"], run["verification"], d


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minrisk", default="build/minrisk")
    ap.add_argument("--dense", action="store_true", help="the dense synthetic scenario")
    ap.add_argument("--scenario", help="a scenario file, run whole (minrisk run) instead")
    ap.add_argument("--trials", type=int, default=20000)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--json", help="write the repetitions and medians here")
    a = ap.parse_args()
    if not {0, 1} <= os.sched_getaffinity(0):
        sys.exit("speedup_pinned: needs cores 0 and 1 (this process may use %s)" %
                 sorted(os.sched_getaffinity(0)))
    if a.reps < 1 or a.trials < 1:
        sys.exit("speedup_pinned: --reps and --trials must be at least 1")
    mr = os.path.abspath(a.minrisk)
    order = [("0", 1), ("1", 1), ("0,1", 2)]
    reps, verif = [], set()
    meta = None
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(a.reps):
            t = {}
            for j in range(3):  # rotate the order: no run always first
                cpus, threads = order[(j + k) % 3]
                secs, v, m = one(mr, cpus, threads, a.trials, a.dense, tmp, a.scenario)
                meta = m or meta
                t[cpus] = secs
                verif.add(v)
            r0, r1, r2 = (a.trials / t[c] for c in ("0", "1", "0,1"))
            eff = r2 / (r0 + r1)
            rep = {"t0": t["0"], "t1": t["1"], "t2": t["0,1"], "r0": r0, "r1": r1, "r2": r2,
                   "eff": eff, "speedup_equal_cores": 2 * eff,
                   "raw0": t["0"] / t["0,1"], "raw1": t["1"] / t["0,1"]}
            reps.append(rep)
            print("rep %d: core 0 %6.0f/s, core 1 %6.0f/s (x%.3f), 2 threads %6.0f/s: "
                  "eff %.3f, 2 eff %.3f, raw %.3f / %.3f" %
                  (k + 1, r0, r1, r1 / r0, r2, eff, 2 * eff, rep["raw0"], rep["raw1"]),
                  flush=True)
    if len(verif) != 1:
        sys.exit("speedup_pinned: verification numbers differ: %s" % sorted(verif))
    med = {key: statistics.median(r[key] for r in reps)
           for key in ("r0", "r1", "r2", "eff", "speedup_equal_cores", "raw0", "raw1")}
    name = a.scenario or ("dense" if a.dense else "synthetic")
    print("%s, %d trials, median of %d repetitions (verification %s):" %
          (name, a.trials, a.reps, verif.pop()))
    print("  core 1 / core 0 speed %.3f; efficiency %.3f; speed-up on equal cores %.3f; "
          "raw speed-up %.3f (1 thread on core 0), %.3f (on core 1)" %
          (med["r1"] / med["r0"], med["eff"], med["speedup_equal_cores"], med["raw0"],
           med["raw1"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"scenario": name, "trials": a.trials,
                       "machine": meta.get("machine") if meta else None,
                       "minrisk": meta.get("minrisk") if meta else None,
                       "reps": reps, "median": med}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
