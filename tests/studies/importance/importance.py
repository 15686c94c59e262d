#!/usr/bin/env python3
"""importance.py - importance sampling through the command line
(docs/MODEL.md §12i, docs/OUTPUT.md "Weighted estimators"); label `engine`.

On tests/studies/importance/binomial.yaml (two supplier processes):
- identity: `--importance 'supplier/*=1'` writes the plain run's file but
  for /trials/weight (all exactly 1), /importance and /run_info;
- the likelihood ratio: with supplier A tilted by fA = 2.5 and B by
  fB = 0.5, every /trials/weight equals the closed form
  fA^-NA exp((fA - 1) 1.5 H) fB^-NB exp((fB - 1) 0.8 H), H = 5, with NA, NB
  the trial's occurrences counted here from /events (relative 1e-12);
- common random numbers: with A alone tilted, B's occurrences (/events
  rows of supplier/x/mining/B: trial, start, duration, severity) are the
  plain run's exactly;
- the weighted /summary: total_loss_mean = sum w x / N, its se =
  sd(w x) / sqrt(N), the quantiles = the weighted quantile of the
  definition (smallest v with sum_{x > v} w <= N - N p) computed here,
  and ES by its formula, from /trials; the weighted 1-in-1000 annual
  loss defined at exactly 1000 trial-years (200 trials) and equal to the
  weighted quantile at 0.999, NaN at 995;
- the scenario's importance block: the same /trials, /summary and
  /importance as --importance; compare refuses it;
- the year focus (docs/MODEL.md §12i): an identity tilt with focus=year
  writes the plain run's file too (but for the same groups); with A x2.5,
  B x0.5, focus_years=2, defensive=0.2 every weight equals the mixture
  1 / (alpha + (1 - alpha)/H sum_y prod_p f_p^N_pW(y) e^-(f_p-1) lambda_p |W(y)|),
  W(y) = [y-1, y+1) from 0, N_pW(y) counted here from /events by start
  year (relative 1e-12), is at most 1 / alpha, and /importance says
  focus year, defensive 0.2, focus_years 2; an annual auto target takes
  the year focus by default (defensive 0.1);
- 1 and 2 threads, and (--mpiexec) 1, 2 and 3 ranks: identical files
  outside /run_info, for a fixed tilt (with --events and --counterfactual:
  the weighted /loss_tables, tail attribution and removals too), for
  --importance auto, for a fixed
  year-focused tilt and for auto with an annual target;
- weights that all underflow to 0 (both suppliers x1000): the warning fires
  (the ESS is 0/0, which no comparison caught);
- a sweep with an importance block: refused at the block's line and
  column (--importance: named as the option);
- the target attribute as given (es99.99999_annual, not es100_annual);
- bad options: exit 2 with one line (a --target P in hex or with an
  exponent among them).
"""
import argparse
import math
import os
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import checks  # noqa: E402 (tests/python/checks.py)
from checks import check, finish  # noqa: E402


def run(args, cwd, mpiexec=None, ranks=1, must=False):
    """checks.run of args in cwd with OMP_NUM_THREADS=1, on ranks MPI ranks
    when mpiexec is given; must: checks.run_minrisk (a failure ends the
    test)."""
    cmd = list(args)
    if mpiexec:
        cmd = [mpiexec, "--oversubscribe", "--allow-run-as-root", "-n", str(ranks)] + cmd
    return (checks.run_minrisk if must else checks.run)(cmd, cwd=cwd, env=dict(os.environ, OMP_NUM_THREADS="1"))


def contents(path, skip=("/run_info",)):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, o):
            n = "/" + name
            if any(n == s or n.startswith(s + "/") for s in skip):
                return
            if isinstance(o, h5py.Dataset):
                out[n] = o[()]
            out[n + "@"] = sorted((k, str(o.attrs[k])) for k in o.attrs
                                  if k not in ("DIMENSION_LIST", "REFERENCE_LIST"))
        f.visititems(visit)
        out["/@"] = sorted((k, str(f.attrs[k])) for k in f.attrs)
    return out


def same(a, b):
    A, B = contents(a), contents(b)
    if set(A) != set(B):
        return sorted(set(A) ^ set(B))
    bad = []
    for k in A:
        x, y = A[k], B[k]
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            if x.shape != y.shape or not np.array_equal(x, y, equal_nan=True):
                bad.append(k)
        elif isinstance(x, np.ndarray):
            if x.shape != y.shape or not np.array_equal(x, y):
                bad.append(k)
        elif not (x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y))):
            bad.append(k)
    return bad


def tilt_differs(A, B):
    """The keys of /trials, /summary and /importance where contents A and B
    differ (floats compared as arrays, NaN equal to NaN)."""
    def differ(k):
        if k not in A or k not in B:
            return True
        if isinstance(A[k], np.ndarray) and A[k].dtype.kind == "f":
            return not np.array_equal(A[k], B[k], equal_nan=True)
        return str(A[k]) != str(B[k])
    return [k for k in sorted(set(A) | set(B))
            if k.startswith(("/trials", "/summary", "/importance")) and differ(k)]


def counts(path, nproc, N):
    with h5py.File(path, "r") as f:
        c = np.zeros((N, nproc))
        np.add.at(c, (f["events/trial"][()], f["events/process_index"][()]), 1)
        names = [s.decode() for s in f["events/process"][()]]
    return c, names


def weighted_quantile(x, w, p):
    o = np.lexsort((np.arange(len(x)), x))
    xs, ws = x[o], w[o]
    n = len(x)
    limit = n - n * p
    if abs(n * p - round(n * p)) <= 1e-12 * max(1.0, n * p):
        limit = n - round(n * p)
    above, v, k = 0.0, xs[-1], n
    while k > 0:
        j = k - 1
        while j > 0 and xs[j - 1] == xs[k - 1]:
            j -= 1
        if not above <= limit:
            break
        v = xs[k - 1]
        above += ws[j:k].sum()
        k = j
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--mpiexec")
    a = ap.parse_args()
    mr = os.path.abspath(a.minrisk)
    yaml = os.path.join(a.src, "tests/studies/importance/binomial.yaml")
    N, H = 4000, 5
    with tempfile.TemporaryDirectory() as d:
        base = [mr, "run", yaml, "--trials", str(N), "-q"]

        # identity
        r1 = run(base + ["-o", "plain.h5"], d)
        r2 = run(base + ["-o", "one.h5", "--importance", "supplier/*=1"], d)
        check(r1.returncode == 0 and r2.returncode == 0, "identity runs: " + r1.stderr + r2.stderr)
        diff = same(os.path.join(d, "plain.h5"), os.path.join(d, "one.h5"))
        check(diff == ["/importance/ess", "/importance/ess@", "/importance/factor",
                       "/importance/factor@", "/importance/process", "/importance/process@",
                       "/importance/weight_max_share", "/importance/weight_max_share@",
                       "/importance/weight_mean", "/importance/weight_mean@",
                       "/importance@", "/trials/weight", "/trials/weight@"],
              "identity tilt: files differ at %s" % diff)
        with h5py.File(os.path.join(d, "one.h5"), "r") as f:
            check(np.all(f["trials/weight"][()] == 1.0), "identity weights are not all 1")
            check(f["importance/ess"][()] == N, "identity ESS is not N")
        r3 = run(base + ["-o", "onefocus.h5", "--importance", "supplier/*=1,focus=year"], d)
        check(r3.returncode == 0, "identity year focus: " + r3.stderr)
        diff3 = same(os.path.join(d, "plain.h5"), os.path.join(d, "onefocus.h5"))
        check(diff3 == diff, "identity year focus: files differ at %s" % diff3)
        with h5py.File(os.path.join(d, "onefocus.h5"), "r") as f:
            check(np.all(f["trials/weight"][()] == 1.0), "identity focus weights are not all 1")
            check(f["importance"].attrs["focus"] == "year", "identity focus attribute")

        # the likelihood ratio, from /events
        fa, fb = 2.5, 0.5
        spec = "supplier/x/mining/A=%g,supplier/x/mining/B=%g" % (fa, fb)
        r = run(base + ["-o", "tilt.h5", "--events", "--importance", spec], d)
        check(r.returncode == 0, "tilted run: " + r.stderr)
        c, names = counts(os.path.join(d, "tilt.h5"), 2, N)
        check(names == ["supplier/x/mining/A", "supplier/x/mining/B"], "process names %s" % names)
        want = (fa ** -c[:, 0] * math.exp((fa - 1) * 1.5 * H) *
                fb ** -c[:, 1] * math.exp((fb - 1) * 0.8 * H))
        with h5py.File(os.path.join(d, "tilt.h5"), "r") as f:
            w = f["trials/weight"][()]
            x = f["trials/total_loss"][()]
            s = f["summary"]
            check(np.max(np.abs(w / want - 1)) < 1e-12,
                  "weights differ from the closed form by %g" % np.max(np.abs(w / want - 1)))
            check(c[:, 0].mean() > 1.5 * H * fa * 0.9, "A is not drawn at the tilted rate")
            m = np.sum(w * x) / N
            check(abs(s["total_loss_mean"][()] - m) <= 1e-12 * abs(m), "weighted mean")
            se = np.std(w * x, ddof=1) / math.sqrt(N)
            check(abs(s["total_loss_se"][()] - se) <= 1e-9 * se, "weighted se")
            qs = s["quantile"][()]
            for k, p in enumerate(qs):
                v = weighted_quantile(x, w, p)
                check(s["total_loss_quantile"][k] == v,
                      "weighted quantile %g: %r, want %r" % (p, s["total_loss_quantile"][k], v))
            for k, p in enumerate(s["es_level"][()]):
                v = weighted_quantile(x, w, p)
                mass = N - N * p
                sw, swx = w[x > v].sum(), (w * x)[x > v].sum()
                es = (swx + (mass - sw) * v) / mass
                check(abs(s["total_loss_es"][k] - es) <= 1e-9 * es, "weighted ES %g" % p)
                check(s["total_loss_es_ci_low"][k] <= s["total_loss_es"][k] <=
                      s["total_loss_es_ci_high"][k], "ES %g outside its interval" % p)
            check(f["importance"].attrs["weighted"] == 1, "weighted attribute")

        # the weighted 1-in-R annual loss needs N H >= R values: 200 trials
        # of 5 years give 1000 = R for the 1-in-1000 (defined, the weighted
        # quantile at 0.999 of the annual losses, each with its trial's
        # weight), 199 give 995 (NaN)
        for n200 in (200, 199):
            r = run([mr, "run", yaml, "--trials", str(n200), "-q", "-o", "rp.h5", "--importance",
                     spec], d)
            check(r.returncode == 0, "rp run: " + r.stderr)
            with h5py.File(os.path.join(d, "rp.h5"), "r") as f:
                rp = list(f["summary/return_period"][()])
                got = f["summary/return_period_loss"][rp.index(1000.0)]
                ann = f["trials/annual_loss"][()].ravel()
                wa = np.repeat(f["trials/weight"][()], H)
            want = weighted_quantile(ann, wa, 1.0 - 1.0 / 1000.0) if n200 * H >= 1000 else math.nan
            check(got == want or (math.isnan(got) and math.isnan(want)),
                  "weighted 1-in-1000 at %d trial-years: %r, want %r" % (n200 * H, got, want))

        # the year focus: the mixture's weight, from /events
        al, K = 0.2, 2
        fspec = spec + ",focus=year,focus_years=%d,defensive=%g" % (K, al)
        r = run(base + ["-o", "focus.h5", "--events", "--importance", fspec], d)
        check(r.returncode == 0, "year-focused run: " + r.stderr)
        with h5py.File(os.path.join(d, "focus.h5"), "r") as f:
            w = f["trials/weight"][()]
            c = np.zeros((N, 2, H))
            np.add.at(c, (f["events/trial"][()], f["events/process_index"][()],
                          np.minimum(np.floor(f["events/start_years"][()]).astype(int), H - 1)), 1)
            g = f["importance"]
            check(g.attrs["focus"] == "year" and g.attrs["defensive"] == al and
                  g.attrs["focus_years"] == K, "focus attributes %r" % dict(g.attrs))
        d1 = c[:, 0, :] * math.log(fa) - (fa - 1) * 1.5 + c[:, 1, :] * math.log(fb) - (fb - 1) * 0.8
        ly = np.stack([d1[:, max(0, y - K + 1):y + 1].sum(1) for y in range(H)], 1)
        want = 1.0 / (al + (1 - al) / H * np.exp(ly).sum(1))
        check(np.max(np.abs(w / want - 1)) < 1e-12,
              "focus weights differ from the mixture by %g" % np.max(np.abs(w / want - 1)))
        check(np.all(w <= 1 / al) and np.all(w > 0), "a focus weight above 1 / alpha")

        # explain replays a tilted trial as it ran (the file's /importance:
        # --importance on the command line is not in the stored scenario)
        for fn in ("tilt.h5", "focus.h5"):
            for t in (0, 1, N - 1):
                r = run([mr, "explain", fn, "--trial", str(t)], d)
                check(r.returncode == 0 and "matches the stored results bit for bit" in r.stdout,
                      "explain %s --trial %d: status %d, %r" % (fn, t, r.returncode,
                                                              r.stdout[-300:] + r.stderr))
        # ... and says that the run is tilted: the trial's weight, and the probability under
        # the scenario's law of a loss as large (sum of the weights of the trials that lost
        # at least as much, over N, summed in trial order), as the rank counts tilted trials
        with h5py.File(os.path.join(d, "tilt.h5"), "r") as f:
            w, x = f["trials/weight"][()], f["trials/total_loss"][()]
        for t in (0, int(np.argmax(x))):
            p = 0.0
            for i in range(N):
                if x[i] >= x[t]:
                    p += float(w[i])
            want = ("  importance-sampled run: this trial's likelihood ratio is %.6g; the rank "
                    "counts the sampled trials of the tilted law; under the scenario's law a "
                    "loss at least this large has probability %.6g (the weights of the trials "
                    "that lost as much or more, summed, over N); the mean and VaR are weighted\n"
                    % (w[t], p / N))
            r = run([mr, "explain", "tilt.h5", "--trial", str(t)], d)
            check(r.returncode == 0 and want in r.stdout,
                  "explain tilt.h5 --trial %d: wanted %r in %r" % (t, want, r.stdout[:900]))
        # ... and checks the trial's weight: one weight changed in its last bit is found
        with h5py.File(os.path.join(d, "focus.h5"), "r+") as f:
            w1 = f["trials/weight"][1]
            f["trials/weight"][1] = np.nextafter(w1, 2 * w1)
        r = run([mr, "explain", "focus.h5", "--trial", "1"], d)
        check(r.returncode == 1 and "/trials/weight[1]: stored" in r.stderr,
              "explain of a changed weight: status %d, %r" % (r.returncode, r.stderr))
        r = run([mr, "explain", "focus.h5", "--trial", "0"], d)
        check(r.returncode == 0, "explain of an unchanged trial: %r" % r.stderr)
        # ... and refuses weights without the tilt that made them (no /importance)
        with h5py.File(os.path.join(d, "focus.h5"), "r+") as f:
            del f["importance"]
        r = run([mr, "explain", "focus.h5", "--trial", "0"], d)
        check(r.returncode == 2 and "cannot read /importance (the file has /trials/weight)"
              in r.stderr and len(r.stderr.strip().splitlines()) == 1,
              "explain of weights without /importance: status %d, %r" % (r.returncode, r.stderr))

        # the scenario's importance block: the same trials and statistics as --importance
        blk = os.path.join(d, "block.yaml")
        with open(yaml) as src, open(blk, "w") as dst:
            dst.write(src.read() + "importance:\n  rates:\n    supplier/x/mining/A: %g\n"
                      "    supplier/x/mining/B: %g\n" % (fa, fb))
        r = run([mr, "run", blk, "--trials", str(N), "-q", "-o", "block.h5"], d)
        check(r.returncode == 0, "block run: " + r.stderr)
        A = contents(os.path.join(d, "tilt.h5"), skip=("/run_info", "/scenario", "/events",
                                                          "/loss_tables", "/attribution"))
        B = contents(os.path.join(d, "block.h5"), skip=("/run_info", "/scenario", "/attribution"))
        diff = tilt_differs(A, B)
        check(not diff, "the block and --importance differ at %s" % diff)
        # fixed rates on the command line over a block with a target: a fixed
        # tilt, the block's file (until 2026-12-07 the block's target ran the
        # cross-entropy from them)
        blt = os.path.join(d, "block_target.yaml")
        with open(yaml) as src, open(blt, "w") as dst:
            dst.write(src.read() + "importance:\n  target: var99\n  pilot_trials: 100\n")
        r = run([mr, "run", blt, "--trials", str(N), "-q", "-o", "cli_fixed.h5", "--importance",
                 "supplier/x/mining/A=%g,supplier/x/mining/B=%g" % (fa, fb)], d)
        check(r.returncode == 0, "fixed rates over a block's target: " + r.stderr)
        C = contents(os.path.join(d, "cli_fixed.h5"), skip=("/run_info", "/scenario",
                                                            "/attribution"))
        diff = tilt_differs(B, C)
        check(not diff, "--importance RATES over a block with a target differs from the "
              "fixed block at %s" % diff)
        r = run([mr, "compare", blk, yaml, "--trials", "100", "-o", "cmp.h5"], d)
        check(r.returncode == 2 and "an importance block" in r.stderr,
              "compare with an importance block: %d %r" % (r.returncode, r.stderr))

        # common random numbers: B untilted draws what it draws in a plain run
        run(base + ["-o", "pev.h5", "--events"], d, must=True)
        run(base + ["-o", "aev.h5", "--events", "--importance", "supplier/x/mining/A=3"], d, must=True)

        def rows_of(path, p):
            with h5py.File(path, "r") as f:
                sel = f["events/process_index"][()] == p
                return np.stack([f["events/" + k][()][sel] for k in
                                 ("trial", "start_years", "duration_months", "severity")])
        pb, ab = rows_of(os.path.join(d, "pev.h5"), 1), rows_of(os.path.join(d, "aev.h5"), 1)
        check(pb.shape == ab.shape and np.array_equal(pb, ab),
              "supplier B's occurrences change when A alone is tilted")
        pa, aa = rows_of(os.path.join(d, "pev.h5"), 0), rows_of(os.path.join(d, "aev.h5"), 0)
        check(pa.shape != aa.shape, "supplier A is not drawn anew when tilted")

        # threads and ranks
        for tag, extra in (("fixed", ["--importance", spec, "--events", "--counterfactual"]),
                           ("auto", ["--importance", "auto", "--target", "var99.9"]),
                           ("focus", ["--importance", fspec]),
                           ("autoyear", ["--importance", "auto", "--target", "var99_annual"])):
            ref = None
            for threads in (1, 2):
                out = "%s_t%d.h5" % (tag, threads)
                r = run(base + ["-o", out, "--threads", str(threads)] + extra, d)
                check(r.returncode == 0, "%s threads %d: %s" % (tag, threads, r.stderr))
                if ref is None:
                    ref = out
                else:
                    diff = same(os.path.join(d, ref), os.path.join(d, out))
                    check(not diff, "%s: 1 and %d threads differ at %s" % (tag, threads, diff))
            if a.mpiexec:
                for ranks in (1, 2, 3):
                    out = "%s_r%d.h5" % (tag, ranks)
                    r = run(base + ["-o", out, "--threads", "1"] + extra, d, a.mpiexec, ranks)
                    check(r.returncode == 0, "%s ranks %d: %s" % (tag, ranks, r.stderr))
                    diff = same(os.path.join(d, ref), os.path.join(d, out))
                    check(not diff, "%s: 1 thread and %d ranks differ at %s" % (tag, ranks, diff))
        # the resolved scenario runs the tilt that ran: after the stages, their
        # chosen rates (not the target again), so the same trials and summary
        for tag in ("auto", "focus", "autoyear"):
            res = os.path.join(d, tag + "_resolved.yaml")
            with h5py.File(os.path.join(d, tag + "_t1.h5"), "r") as f, open(res, "w") as dst:
                dst.write(f["scenario/resolved"][()].decode())
            r = run([mr, "run", res, "-q", "-o", tag + "_again.h5"], d)
            check(r.returncode == 0, "%s: the resolved scenario: %s" % (tag, r.stderr))
            A = contents(os.path.join(d, tag + "_t1.h5"))
            B = contents(os.path.join(d, tag + "_again.h5"))
            diff = [k for k in sorted(set(A) | set(B)) if k.startswith(("/trials", "/summary"))
                    and not (k in A and k in B and (np.array_equal(A[k], B[k], equal_nan=True)
                                                    if isinstance(A[k], np.ndarray)
                                                    and A[k].dtype.kind == "f"
                                                    else str(A[k]) == str(B[k])))]
            check(not diff and "/trials/weight" in B,
                  "%s: its resolved scenario runs other trials: %s" % (tag, diff))
        with h5py.File(os.path.join(d, "auto_t1.h5"), "r") as f:
            g = f["importance"]
            check(g.attrs["target"] == "var99.9_total", "auto target %r" % g.attrs["target"])
            check(g["stage_figures"].shape == (3, 5), "three stages of five figures")
            # (until 2026-12-07 "1", though figures 2 and 5 are GBP)
            u = g["stage_figures"].attrs["units"]
            check((u.decode() if isinstance(u, bytes) else u) ==
                  "per figure: GBP for 2 and 5, else 1", "stage_figures' units %r" % u)
            check(all(v > 1.0 for v in g["factor"][()]), "auto does not raise the rates")
            check(g.attrs["focus"] == "horizon", "a total target's focus %r" % g.attrs["focus"])
        with h5py.File(os.path.join(d, "autoyear_t1.h5"), "r") as f:
            g = f["importance"]
            check(g.attrs["target"] == "var99_annual" and g.attrs["focus"] == "year" and
                  g.attrs["defensive"] == 0.1 and g.attrs["focus_years"] == 1,
                  "annual auto: %r" % dict(g.attrs))

        # weights that all underflow to 0: both suppliers x1000 (lambda H = 7.5
        # and 4, about 11,500 occurrences a trial against 11.5: log w about
        # -44,000 - 23,600) give an ESS of 0/0; the warning still fires
        r = run([mr, "run", yaml, "--trials", "200", "-o", "zero.h5",
                 "--importance", "supplier/*=1000"], d)
        with h5py.File(os.path.join(d, "zero.h5"), "r") as f:
            check(np.all(f["trials/weight"][()] == 0.0), "x1000: some weight is not 0")
        check(r.returncode == 0 and
              "warning: the importance weights are all 0 or not finite" in r.stderr,
              "weights all 0 without a warning: status %d, %r" % (r.returncode, r.stderr))
        # and the ESS line says n/a, not -nan
        check("effective sample size n/a of 200 trials (the weights sum to 0)" in r.stderr and
              "nan" not in r.stderr, "weights all 0: the ESS line %r" % r.stderr)

        # weights all 1 (a tilt of 1) on a small run: ESS = N, no warning (the
        # threshold was max(100, N/100), so every run under 100 trials was
        # called degenerate); the threshold is max(N/100, min(100, N/2))
        for n in ("50", "150"):
            r = run([mr, "run", yaml, "--trials", n, "-o", "one%s.h5" % n,
                     "--importance", "supplier/*=1"], d)
            check(r.returncode == 0 and "warning" not in r.stderr and
                  "effective sample size %s.0 of %s trials" % (n, n) in r.stderr,
                  "tilt 1 on %s trials: status %d, %r" % (n, r.returncode, r.stderr))

        # the target as given in /importance (it was written with %g: 6
        # digits, so var99.99999 read "var100_total", a target refused as input)
        r = run([mr, "run", yaml, "--trials", "1000", "-q", "-o", "fine.h5",
                 "--importance", "auto", "--target", "es99.99999_annual"], d)
        check(r.returncode == 0, "es99.99999_annual: " + r.stderr)
        if r.returncode == 0:
            with h5py.File(os.path.join(d, "fine.h5"), "r") as f:
                t = f["importance"].attrs["target"]
                check(t == "es99.99999_annual", "target attribute %r" % t)

        # bad options: one line, exit 2
        for extra, msg in ((["--importance", "auto"], "--importance auto: give --target"),
                           (["--importance", "auto,supplier/*=2"],
                            "--importance auto: give --target"),
                           (["--importance", "supplier/y=2"], "matches no disruption process"),
                           (["--importance", "supplier/*=0"], "factor in (0,1000]"),
                           # an empty item (as --target-precision refuses one)
                           (["--importance", "supplier/*=2,"], "an empty item"),
                           (["--importance", "supplier/*=2,,auto"], "an empty item"),
                           # numbers as the scenario's: decimal, no hex, no blanks
                           (["--importance", "supplier/*=0x2"], "factor in (0,1000]"),
                           (["--importance", "supplier/*= 2"], "factor in (0,1000]"),
                           (["--importance", "supplier/*=2,focus=year,defensive=0x0.1"],
                            "in [0,1)"),
                           (["--target", "var99.9"], "--target: only with"),
                           (["--importance", "auto", "--target", "var100"], "--target: expected"),
                           # a decimal P only (strtod also read hex and exponents)
                           (["--importance", "auto", "--target", "var0x63"], "--target: expected"),
                           (["--importance", "auto", "--target", "var9.9e1"], "--target: expected"),
                           (["--importance", "auto", "--target", "var99."], "--target: expected"),
                           # a leading zero, refused as 010 is in a scenario file:
                           # var099.9 was var99.9, supplier/*=02 a factor of 2
                           (["--importance", "auto", "--target", "var099.9"], "--target: expected"),
                           (["--importance", "auto", "--target", "es050"], "--target: expected"),
                           (["--importance", "supplier/*=02"],
                            "'supplier/*=02': a leading zero is refused"),
                           (["--importance", "supplier/*=2,focus=year,defensive=00"],
                            "'defensive=00': a leading zero is refused"),
                           (["--importance", "supplier/*=2,focus=year,focus_years=02"],
                            "'focus_years=02': a leading zero is refused"),
                           (["--importance", "supplier/*=2", "--resume"], "--resume: not available"),
                           (["--importance", "supplier/*=2,focus=month"], "expected focus=year or"),
                           (["--importance", "supplier/*=2,focus=year,defensive=1"], "in [0,1)"),
                           (["--importance", "supplier/*=2,focus=year,focus_years=6"], "in [1,5]"),
                           (["--importance", "supplier/*=2,defensive=0.1"],
                            "a defensive share goes with a year focus"),
                           (["--importance", "auto,focus=year", "--target", "var99.9"],
                            "its target is an annual one"),
                           (["--importance", "focus=year"], "expected PROCESS=FACTOR"),
                           # 858993459 x 5 years = 2^32 - 1 trial-years, one too many
                           (["--importance", "supplier/*=2", "--trials", "858993459"],
                            "take at most 4294967294 trial-years")):
            r = run(base + ["-o", "bad.h5"] + extra, d)
            check(r.returncode == 2 and msg in r.stderr and r.stderr.count("\n") == 1,
                  "%s: status %d, %r" % (extra, r.returncode, r.stderr))
        # the tilted load (MR_TILT_EXPECTED_MAX): regime.yaml over 1000 years,
        # event/a-shock's tense rate 1.2 x 4 / E[m] = 2.4 a year (E[m] = 2/3 +
        # 4/3 = 2): 50 x 2.4 x 1000 = 120,000 expected occurrences a trial,
        # refused; 40 gives 96,000, and 50 without the regime 60,000; supplier
        # A at 1.5 a year: 100 x 1.5 x 1000 = 150,000, refused. The last
        # matching factor counts, as in the run.
        with open(os.path.join(a.src, "tests/studies/importance/regime.yaml")) as f:
            long_yaml = f.read().replace("horizon_years: 5,", "horizon_years: 1000,")
        lp = os.path.join(d, "long.yaml")
        with open(lp, "w") as f:
            f.write(long_yaml)
        for spec, ok in (("event/a-shock=50", False), ("event/a-shock=40", True),
                         ("event/*=50,event/a-shock=40", True), ("event/a-shock=40,event/*=50", False),
                         ("supplier/*=100", False), ("supplier/*=66", True)):
            r = run([mr, "run", lp, "--trials", "1", "-q", "-o", "long.h5", "--importance", spec], d)
            want = ("about 1.2e+05 occurrences a trial" if spec.endswith("50")
                    else "about 1.5e+05 occurrences a trial")
            check((r.returncode == 0) if ok else
                  (r.returncode == 2 and want in r.stderr and "above the limit of 100000" in r.stderr
                   and r.stderr.count("\n") == 1 and not os.path.exists(os.path.join(d, "long.h5"))),
                  "tilted load %s: status %d, %r" % (spec, r.returncode, r.stderr))
            if os.path.exists(os.path.join(d, "long.h5")):
                os.remove(os.path.join(d, "long.h5"))
        # a sweep with an importance block: refused where the block is
        sw = os.path.join(d, "sweep.yaml")
        with open(sw, "w") as f:
            f.write("extends: %s\nsweep:\n  minerals.x.mining[0].outage.rate_per_year: [1.0, 1.5]\n"
                    "importance:\n  rates: {supplier/x/mining/A: 3}\n" % yaml)
        r = run([mr, "run", sw, "--trials", "100", "-q", "-o", "bad.h5"], d)
        check(r.returncode == 2 and r.stderr == sw + ":5:3: importance: not available for a "
              "scenario with a sweep\n" and not os.path.exists(os.path.join(d, "bad.h5")),
              "sweep with a block: status %d, %r" % (r.returncode, r.stderr))
        # (the loader refuses the block with a sweep, so validate does too)
        r = run([mr, "validate", sw], d)
        check(r.returncode == 2 and r.stderr == sw + ":5:3: importance: not available for a "
              "scenario with a sweep\n", "validate, sweep with a block: status %d, %r"
              % (r.returncode, r.stderr))
        # --importance on a sweep with no block
        sw = os.path.join(d, "sweep_only.yaml")
        with open(sw, "w") as f:
            f.write("extends: %s\nsweep:\n  minerals.x.mining[0].outage.rate_per_year: [1.0, 1.5]\n"
                    % yaml)
        r = run([mr, "run", sw, "--trials", "100", "-q", "-o", "bad.h5", "--importance",
                 "supplier/*=2"], d)
        check(r.returncode == 2 and r.stderr == "minrisk run: --importance: not available for a "
              "scenario with a sweep (%s)\n" % sw and not os.path.exists(os.path.join(d, "bad.h5")),
              "sweep with --importance: status %d, %r" % (r.returncode, r.stderr))

        # a pilot stage too large for the 32-bit sort, from the block
        big = os.path.join(d, "big_pilot.yaml")
        with open(big, "w") as f:
            f.write("extends: %s\nimportance: {target: var99, pilot_trials: 858993459}\n" % yaml)
        r = run([mr, "run", big, "--trials", str(N), "-q", "-o", "bad.h5"], d)
        check(r.returncode == 2 and "858993459 pilot trials of 5 years" in r.stderr and
              not os.path.exists(os.path.join(d, "bad.h5")),
              "big pilot: status %d, %r" % (r.returncode, r.stderr))
    return finish("importance")


if __name__ == "__main__":
    sys.exit(main())
