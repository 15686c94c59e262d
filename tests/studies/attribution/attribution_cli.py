#!/usr/bin/python3
"""attribution_cli.py - /attribution of `minrisk run` against independent
computations over the stored per-trial data (tests/studies/attribution/tests.cmake).

  one_event.yaml   one event causes every loss: tail shares 1 to the event,
                   its country and its mineral, 0 elsewhere; switched off,
                   the loss is 0, so the counterfactual removes the whole
                   mean (with the paired interval of y - 0) and ES 99.
  two_events.yaml  two independent identical events: each event's share
                   is inside its 95% interval around 0.5, and they sum to 1.
  one_event.yaml importance-sampled with --counterfactual: the weighted
                   removals are /summary's weighted mean and ES 99.
  demo.yaml        importance-sampled with --counterfactual: the removals of
                   one event against a run with its rate set to 0, with the
                   run's weights (numpy here).
Both: es99 and tail_trials equal the ES 99 of /trials computed here with
numpy; `minrisk summary` prints the ranking; the file is the same for 1 and
2 threads.
  printing         `minrisk summary` of the demo at 1,000 trials (10 tail
                   trials a series): every cell of the tail tables against
                   the file formatted here (about four significant digits
                   of GBP m, the ES 99 in the header too; no "-0.0%"), the
                   top 5 per family ranked here, and the few-trials caveat
                   under each series' table (under 50 tail trials; none
                   for two_events' 200).
With --mpiexec: the demo scenario with --counterfactual on 2
ranks x 1 thread and 3 ranks x 2 threads gives the one-process file
(outside /run_info).

usage: attribution_cli.py --minrisk BIN --src DIR --h5diff H5DIFF
                            [--mpiexec MPIEXEC --mpi-minrisk BIN]
"""
import argparse
import math
import os
import re
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from checks import check, finish, run, run_minrisk  # noqa: E402 (tests/python/checks.py)

P = 0.99
Z95 = 1.959963984540054


def close(a, b, rel=1e-12, what=""):
    ok = abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)
    check(ok, f"{what}: {a!r} != {b!r} (rel {rel})")


def es_and_tail(x):
    """ES at P and the tail size, from the definition in docs/OUTPUT.md
    (written here again: rank k = ceil(n p) with n p snapped to an integer
    within 1e-12; X_(k) weighs k - n p, the values above it 1)."""
    n = len(x)
    s = np.sort(x)
    npos = n * P
    if abs(npos - round(npos)) <= 1e-12 * max(1.0, npos):
        npos = float(round(npos))
    k = min(max(math.ceil(npos), 1), n)
    wk = k - npos
    es = (wk * s[k - 1] + math.fsum(s[k:])) / (wk + n - k)
    return es, (n - k) + (1 if wk > 0 else 0)


def series(f):
    t = f["trials"]
    L = t["sector_output_loss"][:] + t["sector_extra_cost"][:]
    return np.column_stack([L, t["total_loss"][:]])


def minrisk_run(args, scen, out, *extra):
    """minrisk run of scen: a failure ends the test (run_minrisk)."""
    run_minrisk([args.minrisk, "run", scen, "-o", out, "--quiet", *extra])


def summary(args, path):
    """What minrisk summary prints of path (a failure ends the test)."""
    return run_minrisk([args.minrisk, "summary", path]).stdout


def same_file(args, a, b, what):
    r = run([args.h5diff, "--exclude-path", "/run_info", a, b])
    check(r.returncode == 0, f"{what}: files differ\n{r.stdout[:2000]}")


def common(f, what):
    a = f["attribution"]
    src = list(a["source"].asstr()[:])
    ser = list(a["series"].asstr()[:])
    kind = list(a["source_kind"].asstr()[:])
    X = series(f)
    check(X.shape[1] == len(ser), f"{what}: series count")
    for s in range(len(ser)):
        es, nt = es_and_tail(X[:, s])
        close(a["es99"][s], es, 1e-12, f"{what} es99[{ser[s]}]")
        check(int(a["tail_trials"][s]) == nt, f"{what} tail_trials[{ser[s]}] = "
              f"{a['tail_trials'][s]}, expected {nt}")
        # each family (+ none) sums to ES 99
        sh = a["tail_share"][s]
        none = sh[kind.index("none")]
        for fam in ("mineral", "country"):
            tot = none + sum(sh[k] for k in range(len(src)) if kind[k] == fam)
            close(tot, 1.0, 1e-12, f"{what} {fam} shares of {ser[s]}")
        co = a["tail_co_es"][s]
        close(sum(co[k] for k in range(len(src)) if kind[k] in ("mineral", "none")),
              a["es99"][s], 1e-12, f"{what} co-ES of {ser[s]}")
    return a, src, ser, kind, X


# ---- the printed tables (out/tables/attr_print.c), formatted here again ----------

FEW_TAIL = 50  # tail trials below which a series' table carries a caveat


def unsign(s):
    """'-0.0%' and '-0' (a tiny negative rounded to zero) print unsigned."""
    if s.startswith("-") and set(s[1:].rstrip("%")) <= set("0."):
        return s[1:]
    return s


def decimals(values_gbp):
    """About four significant digits of the largest |value| in GBP m."""
    m = max([abs(v) / 1e6 for v in values_gbp if math.isfinite(v)] + [0.0])
    return 0 if m >= 1000 else 1 if m >= 100 else 2 if m >= 1 else 3


def gbpm(v, dec):
    return "n/a" if math.isnan(v) else unsign("%.*f" % (dec, v / 1e6))


def pct(v):
    return "n/a" if math.isnan(v) else unsign("%.1f%%" % (100.0 * v))


def caveat(ntail, what):
    trials = "trial" if ntail == 1 else "trials"
    return (f"  caveat: only {ntail} tail {trials} (under {FEW_TAIL}): {what} rest on few "
            "trials and are unreliable")


# under a counterfactual table where a shown ES 99 removal has no interval
# (fewer than 10 trials beyond VaR 99: check_few_trials)
CF_NO_CI = ["  caveat: an ES 99 removal without an interval (n/a) has fewer than 10 trials beyond",
            "  VaR 99 (a plain run needs 1,000 trials); the removals rest on few trials and are unreliable"]


def cf_shown(a, s, kind):
    """The sources of series s that `minrisk summary`'s counterfactual table
    shows: per family (mineral, country, event) those with an ES 99 or mean
    removal that is a number other than 0, the top 5 by ES 99 removed."""
    esr, mean = a["es99_removed"][s], a["mean_removed"][s]
    out = []
    for fam in ("mineral", "country", "event"):
        ks = [k for k in range(len(kind)) if kind[k] == fam and
              ((not math.isnan(esr[k]) and esr[k] != 0.0) or (not math.isnan(mean[k]) and mean[k] != 0.0))]
        ks.sort(key=lambda k: (-(esr[k] if not math.isnan(esr[k]) else -math.inf), k))
        out += ks[:5]
    return out


def blocks(out, title, end):
    """The per-series blocks of one part of `minrisk summary`: {first line:
    [the lines under it]}, from the line starting `title` to the one
    starting `end` (or the end)."""
    lines = out.splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith(title))
    res, cur = {}, None
    for l in lines[i + 1:]:
        if end and l.startswith(end):
            break
        if l and not l.startswith(" "):
            cur = res.setdefault(l, [])
        elif l and cur is not None:
            cur.append(l)
    return res


def check_printed(f, out, what):
    """The tail tables of `minrisk summary` against /attribution."""
    a = f["attribution"]
    src = list(a["source"].asstr()[:])
    ser = list(a["series"].asstr()[:])
    kind = list(a["source_kind"].asstr()[:])
    tail = blocks(out, "Tail attribution", "Counterfactual")
    cf = blocks(out, "Counterfactual", None) if "mean_removed" in a else {}
    check(not any(re.fullmatch(r"-0(\.0*)?%?", t) for t in out.split()),
          f"{what}: a negative zero printed")
    for s, name in enumerate(ser):
        es, nt = float(a["es99"][s]), int(a["tail_trials"][s])
        head = (f"{name}: ES 99 = {gbpm(es, decimals([es]))} GBP m over {nt} tail "
                + ("trial" if int(nt) == 1 else "trials"))
        check(head in tail, f"{what}: header {head!r} not printed")
        rows = tail.get(head, [])
        want_caveat = caveat(nt, "the intervals") if 0 < nt < FEW_TAIL else None
        check((rows[-1:] == [want_caveat]) if want_caveat else
              not any("caveat" in r for r in rows), f"{what} {name}: caveat {want_caveat!r}")
        if cf:
            cf_rows = cf.get(name, [])
            no_ci = any(not math.isnan(a["es99_removed"][s, k]) and math.isnan(a["es99_removed_lo"][s, k])
                        for k in cf_shown(a, s, kind))
            want = CF_NO_CI if no_ci else [caveat(nt, "the ES 99 intervals")] if 0 < nt < FEW_TAIL else None
            check((cf_rows[-len(want):] == want) if want else not any("caveat" in r for r in cf_rows),
                  f"{what} {name}: counterfactual caveat {want!r}, printed {cf_rows[-2:]!r}")
        dec = decimals(list(a["tail_co_es"][s]))
        want_rows = []
        for fam in ("mineral", "country", "event", "none"):
            ks = [k for k in range(len(src)) if kind[k] == fam and
                  not math.isnan(a["tail_share"][s, k]) and a["tail_share"][s, k] != 0.0]
            ks.sort(key=lambda k: (-a["tail_share"][s, k], k))
            for k in ks[:5]:
                lo, hi = a["tail_share_lo"][s, k], a["tail_share_hi"][s, k]
                rng = "n/a" if math.isnan(lo) and math.isnan(hi) else f"{pct(lo)} .. {pct(hi)}"
                want_rows.append([src[k], pct(a["tail_share"][s, k]), rng,
                                  gbpm(a["tail_co_es"][s, k], dec)])
            if len(ks) > 5:
                more = {"mineral": "minerals", "country": "countries", "event": "events"}[fam]
                want_rows.append([f"({len(ks) - 5} more {more if len(ks) > 6 else fam})"])
        got = [re.split(r"\s{2,}", r.strip()) for r in rows
               if not r.startswith("  source") and not r.startswith("  caveat")]
        check(got == want_rows, f"{what} {name}: table\n{got}\nexpected\n{want_rows}")


def check_printing(args, tmp):
    """The demo at 1,000 trials: 10 tail trials a series, near-zero interval
    ends (which printed as -0.0%), the caveat under every table."""
    out_h5 = os.path.join(tmp, "demo1000.h5")
    minrisk_run(args, os.path.join(args.src, "scenarios/demo.yaml"), out_h5, "--trials", "1000")
    out = summary(args, out_h5)
    with h5py.File(out_h5) as f:
        a = f["attribution"]
        check(all(int(n) == 10 for n in a["tail_trials"][:]), "demo 1000: 10 tail trials")
        lo = a["tail_share_lo"][:]
        check(((lo < 0) & (lo > -0.0005)).any(),
              "demo 1000: no interval end in (-0.05%, 0): the -0.0% case is not covered")
        check_printed(f, out, "demo 1000")


def check_one_event(args, tmp):
    scen = os.path.join(args.src, "tests/studies/attribution/one_event.yaml")
    f1, f2 = os.path.join(tmp, "one1.h5"), os.path.join(tmp, "one2.h5")
    minrisk_run(args, scen, f1, "--counterfactual", "--threads", "1")
    minrisk_run(args, scen, f2, "--counterfactual", "--threads", "2")
    same_file(args, f1, f2, "one_event, 1 vs 2 threads")
    with h5py.File(f2) as f:
        a, src, ser, kind, X = common(f, "one_event")
        ev, cn = src.index("event/cn-controls"), src.index("country/CN")
        ga, li = src.index("mineral/gallium"), src.index("mineral/lithium")
        no = src.index("none/price-noise")
        check(kind == ["mineral", "mineral", "country", "event", "none"], f"kinds {kind}")
        check(X[:, -1].max() > 0 and (X >= 0).all(), "one_event: losses")
        for s, name in enumerate(ser):
            for k in (ev, cn, ga):
                for d in ("tail_share", "tail_share_lo", "tail_share_hi"):
                    close(a[d][s, k], 1.0, 1e-12, f"one_event {d}[{name}, {src[k]}]")
                close(a["tail_co_es"][s, k], a["es99"][s], 1e-12, f"co-ES {name} {src[k]}")
            for k in (li, no):
                check(a["tail_share"][s, k] == 0.0, f"one_event share of {src[k]} in {name}")
            # counterfactual: without the event (or CN, or gallium) every loss is 0
            y = X[:, s]
            m = math.fsum(y) / len(y)
            half = Z95 * np.std(y, ddof=1) / math.sqrt(len(y))
            es, _ = es_and_tail(y)
            for k in (ev, cn, ga):
                close(a["mean_removed"][s, k], m, 1e-12, f"mean_removed {name} {src[k]}")
                close(a["mean_removed_lo"][s, k], m - half, 1e-9, f"mean_removed_lo {name}")
                close(a["mean_removed_hi"][s, k], m + half, 1e-9, f"mean_removed_hi {name}")
                close(a["es99_removed"][s, k], es, 1e-12, f"es99_removed {name} {src[k]}")
                check(a["es99_removed_lo"][s, k] <= es <= a["es99_removed_hi"][s, k],
                      f"es99_removed interval {name} {src[k]}")
            for d in ("mean_removed", "mean_removed_lo", "mean_removed_hi", "es99_removed",
                      "es99_removed_lo", "es99_removed_hi"):
                check(a[d][s, li] == 0.0, f"{d} of lithium (never disrupted) in {name}")
                check(math.isnan(a[d][s, no]), f"{d} of none in {name} is NaN")
    out = summary(args, f2)
    lines = [l.split() for l in out.splitlines()]
    check(any(l[:2] == ["event/cn-controls", "100.0%"] for l in lines),
          "summary shows event/cn-controls at 100.0%")
    check("Counterfactual" in out and not any(l and l[0] == "mineral/lithium" for l in lines),
          "summary: counterfactual table, lithium (0) left out")
    with h5py.File(f2) as f:
        check(all(int(n) == 20 for n in f["attribution/tail_trials"][:]),
              "one_event: 20 tail trials of 2,000")
        check_printed(f, out, "one_event")


def check_two_events(args, tmp):
    scen = os.path.join(args.src, "tests/studies/attribution/two_events.yaml")
    f1 = os.path.join(tmp, "two.h5")
    minrisk_run(args, scen, f1)
    with h5py.File(f1) as f:
        a, src, ser, kind, X = common(f, "two_events")
        check("mean_removed" not in a, "two_events: no counterfactual without the option")
        ka, kb = src.index("event/controls-a"), src.index("event/controls-b")
        for s, name in enumerate(ser):
            sa, sb = a["tail_share"][s, ka], a["tail_share"][s, kb]
            close(sa + sb, 1.0, 1e-12, f"two_events: the events' shares of {name}")
            close(a["tail_share"][s, src.index("country/CN")], 1.0, 1e-12, "CN share")
            for k in (ka, kb):
                lo, sh, hi = (a[d][s, k] for d in ("tail_share_lo", "tail_share", "tail_share_hi"))
                print(f"two_events {name} {src[k]}: {sh:.4f} [{lo:.4f}, {hi:.4f}]")
                check(lo < 0.5 < hi, f"two_events: 0.5 inside the interval of {src[k]} ({name})")
                check(abs(sh - 0.5) < hi - sh and abs(sh - 0.5) < sh - lo,
                      f"two_events: {src[k]} within its interval of 0.5 ({name})")
                check(hi - lo > 0.0, f"two_events: {src[k]} has an interval ({name})")
        out = summary(args, f1)
        check(all(int(n) >= FEW_TAIL for n in a["tail_trials"][:]), "two_events: tail trials")
        check_printed(f, out, "two_events")


def check_mpi(args, tmp):
    scen = os.path.join(args.src, "scenarios/demo.yaml")
    ref = os.path.join(tmp, "serial.h5")
    # 1100 trials: 2 blocks, so 2 ranks split the tails and 3 leave a rank empty
    minrisk_run(args, scen, ref, "--counterfactual", "--trials", "1100", "--threads", "2")
    for r, th in ((2, 1), (3, 2)):
        out = os.path.join(tmp, f"r{r}t{th}.h5")
        env = dict(os.environ, OMP_NUM_THREADS=str(th))
        run_minrisk([args.mpiexec, "--oversubscribe", "--allow-run-as-root", "-n", str(r),
                     args.mpi_minrisk, "run", scen, "-o", out, "--quiet",
                     "--counterfactual", "--trials", "1100"], env=env)
        same_file(args, ref, out, f"demo --counterfactual, {r} ranks x {th} threads")


def check_one_event_weighted(args, tmp):
    """one_event.yaml importance-sampled (--importance event/cn-controls=1.5):
    without the event every loss is 0, so each series' weighted removals are
    its weighted mean (1/N) sum w y and ES 99 (docs/OUTPUT.md "Weighted
    estimators"), /summary's bit for bit; the mean's interval is the mean
    -+ z sd(w y) / sqrt(N) (numpy here); the ES interval (paired weighted
    bootstrap) holds the removal; the tail shares are still 1; 1 and 2
    threads give the same file."""
    scen = os.path.join(args.src, "tests/studies/attribution/one_event.yaml")
    f1, f2 = os.path.join(tmp, "onew1.h5"), os.path.join(tmp, "onew2.h5")
    imp = ("--importance", "event/cn-controls=1.5", "--counterfactual", "--trials", "3000")
    minrisk_run(args, scen, f1, *imp, "--threads", "1")
    minrisk_run(args, scen, f2, *imp, "--threads", "2")
    same_file(args, f1, f2, "one_event weighted, 1 vs 2 threads")
    with h5py.File(f2) as f:
        a, sm = f["attribution"], f["summary"]
        src = list(a["source"].asstr()[:])
        ser = list(a["series"].asstr()[:])
        X, w = series(f), f["trials/weight"][:]
        check((w != 1.0).any(), "one_event weighted: weights")
        N = len(w)
        i99 = int(np.argmin(abs(sm["es_level"][:] - 0.99)))
        mean = np.r_[sm["sector_loss_mean"][:], sm["total_loss_mean"][()]]
        es = np.r_[sm["sector_loss_es"][:, i99], sm["total_loss_es"][i99]]
        ev, li = src.index("event/cn-controls"), src.index("mineral/lithium")
        for s, name in enumerate(ser):
            wy = w * X[:, s]
            half = Z95 * np.std(wy, ddof=1) / math.sqrt(N)
            check(a["es99"][s] == es[s], f"weighted es99[{name}] is /summary's")
            close(a["tail_share"][s, ev], 1.0, 1e-12, f"weighted tail share of the event, {name}")
            check(a["mean_removed"][s, ev] == mean[s], f"weighted mean_removed {name}: "
                  f"{a['mean_removed'][s, ev]!r} != /summary's {mean[s]!r}")
            close(a["mean_removed"][s, ev], math.fsum(wy) / N, 1e-12, f"weighted mean {name}")
            close(a["mean_removed_lo"][s, ev], mean[s] - half, 1e-9, f"weighted mean_removed_lo {name}")
            close(a["mean_removed_hi"][s, ev], mean[s] + half, 1e-9, f"weighted mean_removed_hi {name}")
            check(a["es99_removed"][s, ev] == es[s], f"weighted es99_removed {name} is /summary's ES 99")
            check(a["es99_removed_lo"][s, ev] <= es[s] <= a["es99_removed_hi"][s, ev],
                  f"weighted es99_removed interval {name}: [{a['es99_removed_lo'][s, ev]}, "
                  f"{a['es99_removed_hi'][s, ev]}] misses {es[s]}")
            check(a["mean_removed"][s, li] == 0.0 and a["es99_removed_hi"][s, li] == 0.0,
                  f"weighted: lithium removes nothing in {name}")
    out = summary(args, f2)
    check("Importance-sampled run: the removals are weighted with the run's likelihood ratios"
          in out.replace("\n", " "), "summary of the weighted counterfactuals says they are weighted")


def wes99(x, w):
    """Weighted ES 99 of docs/OUTPUT.md "Weighted estimators", written here
    again: n = N, VaR the smallest value v with sum_{x > v} w <= N - 0.99 N,
    ES = (sum_{x > v} w x + (N - 0.99 N - sum_{x > v} w) v) / (N - 0.99 N)."""
    n = len(x)
    o = np.argsort(x, kind="stable")
    xs, ws = x[o], w[o]
    mass = n - round(n * P) if abs(n * P - round(n * P)) <= 1e-12 * n * P else n - n * P
    above, j = 0.0, n - 1
    while j >= 0:  # tie groups from the top
        i = j
        while i > 0 and xs[i - 1] == xs[j]:
            i -= 1
        if above + ws[i:j + 1].sum() > mass:
            break
        above += ws[i:j + 1].sum()
        j = i - 1
    v = xs[max(j, 0)]
    gt = x > v
    return (math.fsum(w[gt] * x[gt]) + (mass - math.fsum(w[gt])) * v) / mass


def check_partial_weighted(args, tmp):
    """demo.yaml importance-sampled (--importance event/cn-ree-licensing=3)
    with --counterfactual, against a second run of the demo with the event
    cn-export-controls at rate 0 (the counterfactual's trials: the same
    random numbers, docs/STUDIES.md (b)): that source's removals are
    (1/N) sum w (y - x) and ES99_w(y) - ES99_w(x) with the run's weights,
    computed here, and the ES interval holds the removal."""
    demo = os.path.join(args.src, "scenarios/demo.yaml")
    with open(demo) as fh:
        text = fh.read()
    at = text.index("  cn-export-controls:")
    r = text.index("rate_per_year:", at)
    end = text.index("#", r)
    off_yaml = os.path.join(tmp, "demo_off.yaml")
    with open(off_yaml, "w") as fh:
        fh.write(text[:r] + "rate_per_year: 0.0   " + text[end:])
    imp = ("--importance", "event/cn-ree-licensing=3", "--trials", "1500")
    on, off = os.path.join(tmp, "part_on.h5"), os.path.join(tmp, "part_off.h5")
    minrisk_run(args, demo, on, *imp, "--counterfactual")
    minrisk_run(args, off_yaml, off, *imp)

    def losses(f):
        t = f["trials"]
        return np.column_stack([t["sector_gva_loss"][:] + t["sector_extra_cost"][:], t["total_loss"][:]])

    with h5py.File(on) as f, h5py.File(off) as g:
        a = f["attribution"]
        src, ser = list(a["source"].asstr()[:]), list(a["series"].asstr()[:])
        k = src.index("event/cn-export-controls")
        w, Y, X = f["trials/weight"][:], losses(f), losses(g)
        check((w != 1.0).any() and np.array_equal(w, g["trials/weight"][:]),
              "partial: the two runs' weights are the same and not all 1")
        N = len(w)
        for s, name in enumerate(ser):
            d = w * (Y[:, s] - X[:, s])
            check(np.abs(Y[:, s] - X[:, s]).max() > 0, f"partial: the event moves {name}")
            close(a["mean_removed"][s, k], math.fsum(d) / N, 1e-10, f"partial mean_removed {name}")
            half = Z95 * np.std(d, ddof=1) / math.sqrt(N)
            close(a["mean_removed_lo"][s, k], math.fsum(d) / N - half, 1e-8,
                  f"partial mean_removed_lo {name}")
            es = wes99(Y[:, s], w) - wes99(X[:, s], w)
            close(a["es99_removed"][s, k], es, 1e-9, f"partial es99_removed {name}")
            lo, hi = a["es99_removed_lo"][s, k], a["es99_removed_hi"][s, k]
            check(math.isnan(lo) or lo <= a["es99_removed"][s, k] <= hi,
                  f"partial es99_removed interval {name}: [{lo}, {hi}]")


def check_few_trials(args, tmp):
    """An ES 99 bootstrap interval needs 10 trials beyond VaR 99 (N >= 1000),
    as /summary's, /loss_tables' and `minrisk compare`'s: at 500 trials (5
    tail trials) es99_removed keeps its estimate but its interval is NaN,
    like /summary/total_loss_es99_ci_low; at 1,000 trials it is reported.
    The mean's normal interval does not depend on the tail: reported."""
    scen = os.path.join(args.src, "tests/studies/attribution/one_event.yaml")
    for n, kept in ((500, False), (999, False), (1000, True)):
        out = os.path.join(tmp, f"few{n}.h5")
        minrisk_run(args, scen, out, "--counterfactual", "--trials", str(n))
        with h5py.File(out) as f:
            a, src, ser, kind, X = common(f, f"one_event at {n} trials")
            summ = f["summary"]
            check(math.isnan(summ["total_loss_es99_ci_low"][()]) != kept,
                  f"{n} trials: /summary ES 99 interval {'kept' if kept else 'NaN'}")
            for s, name in enumerate(ser):
                es, _ = es_and_tail(X[:, s])
                for k, sname in enumerate(src):
                    if kind[k] == "none":
                        continue
                    want = 0.0 if sname == "mineral/lithium" else es
                    close(a["es99_removed"][s, k], want, 1e-12,
                          f"{n} trials: es99_removed {name} {sname}")
                    lo, hi = a["es99_removed_lo"][s, k], a["es99_removed_hi"][s, k]
                    if kept:
                        check(lo <= a["es99_removed"][s, k] <= hi,
                              f"{n} trials: es99_removed interval {name} {sname}: [{lo}, {hi}]")
                    else:
                        check(math.isnan(lo) and math.isnan(hi),
                              f"{n} trials ({a['tail_trials'][s]} tail trials): es99_removed "
                              f"interval {name} {sname} should be NaN, is [{lo}, {hi}]")
                    for d in ("mean_removed_lo", "mean_removed_hi"):
                        check(not math.isnan(a[d][s, k]), f"{n} trials: {d} {name} {sname}")
            # `minrisk summary`: below 1,000 trials the counterfactual tables
            # say why the ES 99 intervals are n/a (they said the intervals
            # "rest on few trials", as if there were any)
            printed = summary(args, out)
            check((CF_NO_CI[0] in printed) != kept, f"{n} trials: the n/a caveat {'absent' if kept else 'printed'}")
            check_printed(f, printed, f"one_event at {n} trials")


def check_no_loss_and_one_trial(args, tmp):
    """docs/OUTPUT.md /attribution: with no loss in the tail (one_event.yaml
    with the event's rate 0: every loss is exactly 0) ES 99 is 0, co-ES 0,
    the shares and their intervals NaN, and `minrisk summary` says so, and
    the tail set of 1050 trials is 11 of them, held or streamed; with a
    single trial the paired normal interval of mean_removed is NaN (no sd),
    also for a source that switches nothing off."""
    src_yaml = os.path.join(args.src, "tests/studies/attribution/one_event.yaml")
    with open(src_yaml) as fh:
        text = fh.read()
    assert text.count("rate_per_year: 1.0 ") == 1
    scen = os.path.join(tmp, "no_loss.yaml")
    with open(scen, "w") as fh:
        fh.write(text.replace("rate_per_year: 1.0 ", "rate_per_year: 0.0 "))
    out = os.path.join(tmp, "no_loss.h5")
    minrisk_run(args, scen, out, "--counterfactual", "--trials", "200")
    with h5py.File(out) as f:
        a = f["attribution"]
        check(not f["trials/total_loss"][:].any(), "no_loss: every loss 0")
        check((a["es99"][:] == 0).all(), f"no_loss: es99 {a['es99'][:]}")
        check((a["tail_trials"][:] == 2).all(), "no_loss: 2 tail trials of 200")
        check((a["tail_co_es"][:] == 0).all(), "no_loss: co-ES 0")
        for d in ("tail_share", "tail_share_lo", "tail_share_hi"):
            check(np.isnan(a[d][:]).all(), f"no_loss: {d} NaN")
    txt = summary(args, out)
    check(txt.count("no tail to attribute") == 3, "no_loss: summary says no tail, 3 series")
    # N = 1050, held and streamed (two blocks of MR_BLOCK_TRIALS = 1024):
    # N p = 1039.5 is not an integer, so k = 1040 and the tail set is ranks
    # 1040 .. 1050, 11 trials (X_(k) weighs k - N p = 0.5), every one a tie
    # of X_(k) = 0. A streamed run keeps the latest N - k + 1 = 11 ties of
    # X_(k) (out/stats/stream.c attr_tie_cap); a cap of N - k (10 tail
    # trials) passed every other test.
    for mode in ("all", "none"):
        scen_m = os.path.join(tmp, f"no_loss_{mode}.yaml")
        with open(scen_m, "w") as fh:
            fh.write(text.replace("rate_per_year: 1.0 ", "rate_per_year: 0.0 ") +
                     f"\noutput:\n  trials: {mode}\n")
        out_m = os.path.join(tmp, f"no_loss_{mode}.h5")
        minrisk_run(args, scen_m, out_m, "--trials", "1050")
        with h5py.File(out_m) as f:
            nt = f["attribution/tail_trials"][:]
            check((nt == 11).all(), f"no_loss, output.trials: {mode}: tail_trials {nt} of 1050, "
                  "expected 11")
    one = os.path.join(tmp, "one_trial.h5")
    minrisk_run(args, src_yaml, one, "--counterfactual", "--trials", "1")
    with h5py.File(one) as f:
        a = f["attribution"]
        kind = list(a["source_kind"].asstr()[:])
        li = list(a["source"].asstr()[:]).index("mineral/lithium")
        check((a["tail_trials"][:] == 1).all(), "one trial: 1 tail trial")
        for d in ("mean_removed_lo", "mean_removed_hi"):
            check(np.isnan(a[d][:]).all(), f"one trial: {d} NaN")
        check((a["mean_removed"][:, li] == 0).all(), "one trial: lithium removes 0")
        X = series(f)
        for k in range(len(kind)):
            if kind[k] != "none" and k != li:
                check(np.array_equal(a["mean_removed"][:, k], X[0]),
                      f"one trial: the event's removal is the trial's loss ({kind[k]})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--h5diff", default="h5diff")
    ap.add_argument("--mpiexec")
    ap.add_argument("--mpi-minrisk")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.mpiexec:
            check_mpi(args, tmp)
        else:
            check_one_event(args, tmp)
            check_few_trials(args, tmp)
            check_no_loss_and_one_trial(args, tmp)
            check_one_event_weighted(args, tmp)
            check_partial_weighted(args, tmp)
            check_two_events(args, tmp)
            check_printing(args, tmp)
    return finish("attribution")


if __name__ == "__main__":
    sys.exit(main())
