"""policy_cost_file.py FILE.h5 compare|reversed|sweep - the policy costs and
the loss avoided per pound of a comparison or sweep file (docs/STUDIES.md
"Compare", "Sweeps"), checked against figures computed here:

compare: A = crn_base (no cost), B = crn_stockpile (7.5e5 over the
  horizon, worked by hand in crn_stockpile.yaml); the per pound figure is
  (mean A - mean B) / (cost B - cost A) with each mean summed in trial
  order from /runs/*/trials/total_loss (as the comparison's estimators
  are), exactly; its interval the paired mean's (numpy) over the cost
  difference.
reversed: the same two, B first: B - A costs less, so n/a (NaN).
sweep: cost_grid.yaml, 4 variants; each variant's cost (5 years x 1e6 or
  2e6 a year) and its per pound figure from /sweep/mean_difference over
  the cost difference; NaN for the first variant and for equal costs.
horizon: cost_horizon.yaml, a sweep of the horizon (5 and 10 years at 1e6
  a year): the costs 5e6 and 1e7, but the 10-year variant's per pound
  figure NaN, since its loss and cost are not over the first's horizon.
"""
import math
import sys

import h5py
import numpy as np

Z95 = 1.959963984540054


def seq_mean(x):
    """The mean summed in index order (stats.h mr_stats_mean)."""
    return float(np.cumsum(x)[-1]) / len(x)


def check(ok, what):
    if not ok:
        print("FAIL:", what)
        sys.exit(1)


def compare(f, reverse):
    d = f["difference"]
    a = f["runs/a/trials/total_loss"][:]
    b = f["runs/b/trials/total_loss"][:]
    cost = d["policy_cost"][:]
    want = [7.5e5, 0.0] if reverse else [0.0, 7.5e5]
    check(all(abs(c - w) <= 1e-6 for c, w in zip(cost, want)), "policy_cost %s, expected %s" % (cost, want))
    side = "runs/a" if reverse else "runs/b"
    check(abs(f[side + "/policies/total_cost_gbp"][()] - 7.5e5) <= 1e-6, "total_cost_gbp")
    check(list(f[side + "/policies/lever"].asstr()[:]) == ["stockpile"], "lever")
    check(("runs/b" if reverse else "runs/a") + "/policies" not in f, "a /policies without costs")
    check(d["policy_cost_difference"][()] == cost[1] - cost[0], "policy_cost_difference")
    check(list(d["bound"].asstr()[:]) == ["estimate", "ci_lo", "ci_hi"], "bound")
    check(list(d["uncosted_levers"].asstr()[:]) == ["", ""], "uncosted_levers")
    pp = d["loss_avoided_per_pound"][:]
    check(d["loss_avoided_per_pound"].attrs["units"] == "1", "units")
    # the long name is the description up to its first ':' without its
    # parentheses (h5w_long_name): a formula in parentheses left ", /,"
    name = d["loss_avoided_per_pound"].attrs["long_name"]
    name = name.decode() if isinstance(name, bytes) else name
    check(name == "Loss avoided per pound of policy cost", "long_name %r" % name)
    if reverse:
        check(all(math.isnan(x) for x in pp), "per pound %s, expected NaN (B costs less)" % pp)
        return
    dc = cost[1] - cost[0]
    est = (seq_mean(a) - seq_mean(b)) / dc
    check(pp[0] == est, "per pound %r, expected exactly %r" % (pp[0], est))
    diff = b - a
    half = Z95 * np.std(diff, ddof=1) / math.sqrt(len(diff))
    lo, hi = (-(diff.mean() + half)) / dc, (-(diff.mean() - half)) / dc
    check(abs(pp[1] - lo) <= 1e-9 * abs(lo) and abs(pp[2] - hi) <= 1e-9 * abs(hi),
          "interval [%r, %r], expected [%r, %r]" % (pp[1], pp[2], lo, hi))
    check(pp[1] < pp[0] < pp[2], "the estimate is not inside its interval")


def sweep(f):
    s = f["sweep"]
    cost = s["policy_cost"][:]
    check(list(cost) == [5e6, 10e6, 5e6, 10e6], "sweep policy_cost %s" % cost)
    md = s["mean_difference"][:]
    pp = s["loss_avoided_per_pound"][:]
    check(all(math.isnan(x) for x in pp[0]), "the first variant's per pound is not NaN")
    check(all(math.isnan(x) for x in pp[2]), "equal cost: per pound is not NaN")
    for v in (1, 3):
        dc = cost[v] - cost[0]
        want = [(0.0 - md[v][0]) / dc, (0.0 - md[v][2]) / dc, (0.0 - md[v][1]) / dc]
        check(list(pp[v]) == want, "variant %d: per pound %s, expected %s" % (v, pp[v], want))
    check(pp[1][0] == 0.0 and math.copysign(1, pp[1][0]) > 0, "no loss avoided is not +0")
    check(pp[3][0] > 0, "the stockpile avoids no loss")


def horizon(f):
    s = f["sweep"]
    cost = s["policy_cost"][:]
    check(list(cost) == [5e6, 10e6], "horizon sweep policy_cost %s" % cost)
    check(s["mean_difference"][1][0] > 0, "the longer horizon loses no more")
    pp = s["loss_avoided_per_pound"][:]
    check(all(math.isnan(x) for x in pp[0]), "the first variant's per pound is not NaN")
    check(all(math.isnan(x) for x in pp[1]),
          "another horizon: per pound %s, expected NaN (not over the same horizon)" % pp[1])


def main():
    path, what = sys.argv[1], sys.argv[2]
    with h5py.File(path, "r") as f:
        if what == "sweep":
            sweep(f)
        elif what == "horizon":
            horizon(f)
        else:
            compare(f, what == "reversed")
    print("policy costs (%s): OK" % what)


main()
