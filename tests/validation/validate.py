#!/usr/bin/python3
"""Backtests of historical episodes (issue 12, item 6; docs/VALIDATION.md).

    validate.py --minrisk BIN --episode NAME [--out DIR]
    validate.py --minrisk BIN --all [--table OUT.md] [--check-doc DOC.md] [--out DIR]

Runs `BIN run FILE -o DIR/NAME.h5 -q [--trials N]` for an episode of
episodes.py, reads the result file with h5py, computes each check's metric
and prints one line per check: episode, metric, target, value, result.

--episode: exit status 1 when a check fails, except in an episode of role
'limit' (its failures are "known failure") or out of scope (no file).
A missing episode file or a failed run fails that episode.
--all runs every episode; --table OUT.md writes OUT.md's generated parts,
its introduction (INTRO below) and the markdown table between the markers
<!-- table:begin --> and <!-- table:end -->, and keeps what follows the
table (the hand-written notes; the whole file when OUT.md does not exist
yet); --check-doc DOC.md fails (exit status 1) when DOC.md's introduction
or table differs from the one just generated, so that those parts of
docs/VALIDATION.md are generated, never hand-edited.
With --all, the exit status is 1 when a check fails (the table is written
all the same), or when --check-doc finds a difference.
--episodes-dir DIR reads the episode files from DIR instead of this
script's folder (to try drafts).

Numbers are printed with 3 significant digits so that the table is the same
on every build (serial, MPI, sanitizers).
"""

import argparse
import difflib
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import episodes  # noqa: E402

BEGIN = "<!-- table:begin -->"
END = "<!-- table:end -->"
NOTES = "<!-- notes -->"
# `minrisk explain --all-steps` (docs/STUDIES.md, "The replay"): a month's
# block starts "month T (year ..."; an open market's line in it is
# "    market: ID price xP (market only), ..."
EXPLAIN_MONTH = re.compile(r"^month (\d+) \(")
EXPLAIN_MARKET = re.compile(r"^\s+market: (\S+) price x([0-9.eE+-]+) \(market only\)")

INTRO = """# Validation: backtests of historical episodes

The validation suite (`tests/validation/`, issue 12 item 6) runs the model on
scenarios of past supply disruptions and compares what it makes with what
happened: price peaks and how long they lasted, China's home price, UK
losses, the open market's consumption and supply, a null case without any
disruption, and the frequency of export controls over 2010-2025.

- `tests/validation/episodes.py`: the episodes, their role, what happened
  (with sources) and the checks, each a metric with a target range;
- `tests/validation/<episode>.yaml`: the scenario of each episode (1 trial
  for a deterministic episode: no price noise, certain occurrences only;
  a few thousand for the statistical ones);
- `tests/validation/validate.py`: runs an episode, computes the metrics from
  the result file (docs/OUTPUT.md) and prints one line per check.

Run it with `ctest -L validation` in any build directory (one test
`validation_<episode>` per episode, and `validation_doc`), or by hand:

    tests/validation/validate.py --minrisk build/minrisk --episode ree-quotas-2010
    tests/validation/validate.py --minrisk build/minrisk --all --table docs/VALIDATION.md

The second command regenerates this introduction and the table below (the
hand-written notes after the table are kept); `validation_doc` fails when
the committed introduction or table differs from the one the suite makes,
so a change of the model that moves a number regenerates this page in the
same commit.

**Fit and hold-out.** The market parameters (short- and long-run
elasticities, substitution time, commercial stocks and their response) are
fitted on the `fit` episodes only. The `holdout` episodes are run with those
parameters untouched: they are the test of the model, and a hold-out
failure is a model failure, not a reason to refit. `limit` episodes are
known limits of a supply-disruption model: their failures are reported as
"known failure" and do not fail ctest. `null` is the case without any
disruption (the statistics must show no bias, within 3 standard errors);
`frequency` compares the random disruption processes with the count of
events over 2010-2025 (the observed count must lie inside the model's
10%-90% interval).

**Known hold-out failures.** A hold-out check the model fails is not
hidden: it is marked `known` in episodes.py with the reason, shows as
"FAIL (known)" here, and does not fail ctest (the suite must pass in
`.ci/run` while the failure is worked on). A marked check that starts to
pass fails its test until the mark is removed.

**Margin.** For a range, the ratio of the value to its nearest bound,
oriented so that above 1 is inside (`value/lo` for a lower bound,
`hi/value` for an upper one; a difference when a ratio has no meaning);
for the null case `|dev|` in standard errors (at most 3 passes); for an
interval, where the observed count falls in the model's distribution.
"""


# ---------------------------------------------------------------------------
# formatting

def fmt(x):
    """3 significant digits, stable: no -0, tiny values as 0."""
    if x is None:
        return "-"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "never" if x > 0 else "-inf"
    if abs(x) < 1e-12:
        return "0"
    s = f"{x:.3g}"
    return s


def target_text(lo, hi):
    if lo is not None and hi is not None:
        return f"[{fmt(lo)}, {fmt(hi)}]"
    if lo is not None:
        return f">= {fmt(lo)}"
    if hi is not None:
        return f"<= {fmt(hi)}"
    return "-"


def range_margin(v, lo, hi):
    """Distance to the nearest bound: a ratio (> 1 inside), or a difference
    (> 0 inside) when a ratio has no meaning."""
    best = None
    for bound, side in ((lo, "lo"), (hi, "hi")):
        if bound is None:
            continue
        if side == "lo":
            r = v / bound if bound > 0 and v > 0 else None
            d = v - bound
        else:
            r = bound / v if bound > 0 and v > 0 else None
            d = bound - v
        if r is not None:
            key, text = (r - 1.0), f"x{fmt(r)} ({side})"
        else:
            key, text = (d if d != 0 else 0.0), f"{'+' if d >= 0 else ''}{fmt(d)} ({side})"
        if best is None or key < best[0]:
            best = (key, text)
    return best[1] if best else "-"


# ---------------------------------------------------------------------------
# the result file

class CheckError(Exception):
    """A check that cannot be computed: FAIL with this message."""


class Result:
    def __init__(self, path, minrisk=None):
        self.path = path
        self.minrisk = minrisk  # for the path of a 1-trial run (price_path)
        self._explained = None
        self.f = h5py.File(path, "r")
        n = int(self.f.attrs["steps_per_year"])
        self.steps_per_year = n
        self.months_per_step = 12.0 / n
        self.minerals = [s for s in self.f["mineral"].asstr()[:]]
        self.sectors = [s for s in self.f["sector"].asstr()[:]]
        self.trials = int(self.f.attrs["trials"])

    def close(self):
        self.f.close()

    def data(self, path):
        if path not in self.f:
            hint = " (the scenario's output.trials must be all)" if path.startswith("trials/") else ""
            raise CheckError(f"dataset /{path} missing from the result file{hint}")
        return self.f[path][()]

    def trial(self, name):
        return self.data("trials/" + name)

    def mcol(self, mineral, group="trials"):
        # the coordinate of the group (docs/OUTPUT.md: repeated in each group)
        ids = list(self.f[group + "/mineral"].asstr()[:]) if group + "/mineral" in self.f \
            else self.minerals
        if mineral not in ids:
            raise CheckError(f"mineral {mineral} is not in the scenario ({', '.join(ids)})")
        return ids.index(mineral)

    def scol(self, sector):
        ids = list(self.f["trials/sector"].asstr()[:]) if "trials/sector" in self.f \
            else self.sectors
        if sector not in ids:
            raise CheckError(f"sector {sector} is not in the scenario ({', '.join(ids)})")
        return ids.index(sector)

    def median_path(self, mineral):
        band = self.data("summary/price_ratio_band")  # [T, M, 3]
        return band[:, self.mcol(mineral, "summary"), 1]

    def explained_paths(self):
        """{mineral: [T] price ratio} of trial 0, from `minrisk explain
        --all-steps` (its market lines, 4 significant digits; a market at
        rest has no line and its price is 1). explain replays the trial and
        checks it against /trials bit for bit (exit status 1 otherwise)."""
        if self._explained is None:
            p = subprocess.run([self.minrisk, "explain", self.path, "--trial", "0", "--all-steps"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                msg = (p.stderr.strip().splitlines() or ["no message"])[0]
                raise CheckError(f"minrisk explain failed (status {p.returncode}): {msg}")
            T = self.data("summary/price_ratio_band").shape[0]
            paths, t = {}, None
            for line in p.stdout.splitlines():
                mo = EXPLAIN_MONTH.match(line)
                if mo:
                    t = int(mo.group(1))
                    continue
                if not line.startswith(" "):
                    t = None
                    continue
                mk = EXPLAIN_MARKET.match(line)
                if mk and t is not None and 0 <= t < T:
                    paths.setdefault(mk.group(1), np.ones(T))[t] = float(mk.group(2))
            self._explained = paths
        return self._explained

    def price_path(self, mineral):
        """The price ratio path the price checks read. With 1 trial and no
        price noise on the mineral (/trials/mineral_price_peak equal to
        mineral_price_peak_market: the deterministic episodes) the trial's
        own path, from `minrisk explain --all-steps` to 4 significant digits;
        its maximum must be the stored peak so rounded. Otherwise the median
        of /summary/price_ratio_band, which is binned (0.01 in ln P/P0, so
        +-0.5%; docs/OUTPUT.md, "Band quantiles")."""
        j = self.mcol(mineral)
        if self.trials == 1 and self.minrisk:
            peak = float(self.trial("mineral_price_peak")[0, j])
            peak_market = float(self.trial("mineral_price_peak_market")[0, j])
            if peak == peak_market:
                path = self.explained_paths().get(mineral)
                if path is None and float(f"{peak:.4g}") != 1.0:
                    # no market line in any month and a price that moved:
                    # a mineral without a market block (its price is not
                    # in explain's lines), so the band
                    return self.median_path(mineral)
                if path is None:  # a market at rest throughout
                    path = np.ones(self.data("summary/price_ratio_band").shape[0])
                if float(np.max(path)) != float(f"{peak:.4g}"):
                    raise CheckError(f"explain's {mineral} path peaks at {fmt(float(np.max(path)))}, "
                                     f"/trials/mineral_price_peak is {peak!r}")
                return path
        return self.median_path(mineral)

    def trial_mean(self, name, col=None):
        x = self.trial(name)
        if col is not None:
            x = x[:, col]
        if not np.all(np.isfinite(x)):
            raise CheckError(f"/trials/{name} holds NaN or inf")
        return float(np.mean(x))


# ---------------------------------------------------------------------------
# metrics: each returns (value, model text, ok, margin) or raises CheckError.
# Range metrics return ok None: the caller compares value with lo, hi.

def m_price_peak(r, mineral, months=None):
    """Peak of the price path (Result.price_path: a 1-trial episode's own
    path, else the median band) over the steps t < months n / 12, or the
    whole horizon; the model text gives the month of the peak (the first of
    equal ones). A 1-trial path has 4 significant digits: where its peak
    in the window is the stored peak so rounded, the value is the stored
    /trials/mineral_price_peak in full (exact when the window holds the
    horizon's peak, within 0.05% otherwise), so that 17.7494 prints 17.7
    and not 17.75's 17.8."""
    path = r.price_path(mineral)
    steps = len(path) if months is None else int(round(months * r.steps_per_year / 12.0))
    steps = max(1, min(steps, len(path)))
    t = int(np.argmax(path[:steps]))
    v = float(path[t])
    if r.trials == 1:
        peak = float(r.trial("mineral_price_peak")[0, r.mcol(mineral)])
        if v == float(f"{peak:.4g}"):
            v = peak
    return v, f"{fmt(v)} (month {fmt(t * r.months_per_step)})", None, None


def m_price_at(r, mineral, month):
    path = r.price_path(mineral)
    t = int(month * r.steps_per_year // 12)
    if not 0 <= t < len(path):
        raise CheckError(f"month {month} is outside the horizon")
    v = float(path[t])
    return v, fmt(v), None, None


def m_months_below_after_peak(r, mineral, level):
    """Month (from 0, the first month) of the first step after the price
    path's peak (Result.price_path) whose price ratio is below level; inf
    when none is."""
    path = r.price_path(mineral)
    t0 = int(np.argmax(path))
    below = np.nonzero(path[t0:] < level)[0]
    if len(below) == 0:
        return math.inf, f"never (peak {fmt(path[t0])} at month {fmt(t0 * r.months_per_step)})", \
            None, None
    v = (t0 + int(below[0])) * r.months_per_step
    return v, f"{fmt(v)} (peak at month {fmt(t0 * r.months_per_step)})", None, None


def m_home_price_peak(r, mineral):
    v = r.trial_mean("mineral_home_price_peak", r.mcol(mineral))
    return v, fmt(v), None, None


def m_uk_loss_bn(r):
    v = r.trial_mean("total_loss") / 1e9
    return v, fmt(v), None, None


def m_sector_loss_bn(r, sector):
    j = r.scol(sector)
    x = r.trial("sector_gva_loss")[:, j] + r.trial("sector_extra_cost")[:, j]
    if not np.all(np.isfinite(x)):
        raise CheckError("sector losses hold NaN or inf")
    v = float(np.mean(x)) / 1e9
    return v, fmt(v), None, None


def m_inop_peak(r, sector):
    v = r.trial_mean("sector_inoperability_peak", r.scol(sector))
    return v, fmt(v), None, None


def m_consumption_fall_peak(r, mineral):
    v = r.trial_mean("mineral_consumption_fall_peak", r.mcol(mineral))
    return v, fmt(v), None, None


def m_market_loss_peak(r, mineral):
    v = r.trial_mean("mineral_market_loss_peak", r.mcol(mineral))
    return v, fmt(v), None, None


def mean_se(x, what):
    if not np.all(np.isfinite(x)):
        raise CheckError(f"{what} holds NaN or inf")
    n = len(x)
    if n < 2:
        raise CheckError(f"{what}: a standard error needs 2 trials or more")
    return float(np.mean(x)), float(np.std(x, ddof=1)) / math.sqrt(n)


def zero_within_3se(mean, se, unit=1.0, label="dev"):
    if se > 0:
        z = abs(mean) / se
        ok = z <= 3.0
        margin = f"{fmt(z)} SE (<= 3)"
    else:
        ok = abs(mean) <= 1e-12
        margin = "SE 0"
    return f"{label} {fmt(mean / unit)} +- {fmt(se / unit)} (SE)", ok, margin


def m_price_mean_dev(r, mineral):
    x = r.trial("mineral_price_mean")[:, r.mcol(mineral)]
    mean, se = mean_se(x, "/trials/mineral_price_mean")
    dev = mean - 1.0
    text, ok, margin = zero_within_3se(dev, se)
    return dev, text, ok, margin


def m_extra_cost_mean(r):
    x = np.sum(r.trial("sector_extra_cost"), axis=1)
    mean, se = mean_se(x, "/trials/sector_extra_cost")
    text, ok, margin = zero_within_3se(mean, se, 1e6, "GBP m")
    return mean, text, ok, margin


def quantile1(x, p):
    """Q(p) = X_(ceil(n p)), the estimator of docs/OUTPUT.md."""
    s = np.sort(x)
    n = len(s)
    k = n * p
    k = round(k) if abs(k - round(k)) <= 1e-12 * max(1.0, k) else math.ceil(k)
    return float(s[min(max(int(k), 1), n) - 1])


def m_interval_contains(r, dataset, mineral, observed):
    x = r.trial(dataset)[:, r.mcol(mineral)]
    if not np.all(np.isfinite(x)):
        raise CheckError(f"/trials/{dataset} holds NaN or inf")
    q10, q90 = quantile1(x, 0.10), quantile1(x, 0.90)
    ok = q10 <= observed <= q90
    lt = float(np.mean(x < observed))
    le = float(np.mean(x <= observed))
    text = f"[{fmt(q10)}, {fmt(q90)}] (mean {fmt(float(np.mean(x)))})"
    margin = f"P(<obs) {lt:.2f}, P(<=obs) {le:.2f}"
    return observed, text, ok, margin


METRICS = {
    "price_peak": m_price_peak,
    "price_at": m_price_at,
    "months_below_after_peak": m_months_below_after_peak,
    "home_price_peak": m_home_price_peak,
    "uk_loss_bn": m_uk_loss_bn,
    "sector_loss_bn": m_sector_loss_bn,
    "inop_peak": m_inop_peak,
    "consumption_fall_peak": m_consumption_fall_peak,
    "market_loss_peak": m_market_loss_peak,
    "price_mean_dev": m_price_mean_dev,
    "extra_cost_mean": m_extra_cost_mean,
    "interval_contains": m_interval_contains,
}

SELF_JUDGED = {"price_mean_dev": "|dev| <= 3 SE", "extra_cost_mean": "|mean| <= 3 SE"}


def label(metric, args):
    parts = []
    for k, v in args.items():
        if k == "observed":
            continue
        if k in ("mineral", "sector", "dataset"):
            parts.append(str(v))
        else:
            parts.append(f"{k}={fmt(v)}")
    return f"{metric}({', '.join(parts)})" if parts else metric


def check_target(chk):
    m = chk["metric"]
    if m in SELF_JUDGED:
        return SELF_JUDGED[m]
    if m == "interval_contains":
        return f"{fmt(chk['args']['observed'])} in [q10, q90]"
    return target_text(chk["lo"], chk["hi"])


# ---------------------------------------------------------------------------
# running an episode

def row(ep, check="-", target="-", model="-", result="FAIL", margin="-", code=False,
        value=None):
    """One line of the table; code: the check is a metric (shown as code);
    value: the metric's number (fit.py scores it)."""
    return {"episode": episodes.name_of(ep), "role": ep["role"], "check": check,
            "target": target, "model": model, "result": result, "margin": margin,
            "code": code, "value": value}


def evaluate(ep, res):
    rows = []
    for chk in ep["checks"]:
        args = dict(chk["args"])
        targets = [args]
        if args.get("mineral") == "*":
            targets = [dict(args, mineral=m) for m in res.minerals]
        for a in targets:
            v = None
            computed = False  # a known failure must be a number outside its range
            lab = label(chk["metric"], a)
            tgt = check_target(chk)
            fn = METRICS.get(chk["metric"])
            try:
                if fn is None:
                    raise CheckError(f"unknown metric {chk['metric']}")
                try:
                    v, text, ok, margin = fn(res, **a)
                except TypeError as e:
                    raise CheckError(f"bad arguments: {e}") from None
                if ok is None:
                    lo, hi = chk["lo"], chk["hi"]
                    ok = math.isfinite(v) and (lo is None or v >= lo) and (hi is None or v <= hi)
                    margin = range_margin(v, lo, hi) if math.isfinite(v) else "-"
                result = "PASS" if ok else "FAIL"
                computed = True
            except CheckError as e:
                text, result, margin = f"error: {e}", "FAIL", "-"
            if result == "FAIL" and ep["role"] == "limit":
                result = "known failure"
            elif chk.get("known") and ep["role"] in ("holdout", "frequency") and computed:
                # a hold-out check the model is known to fail (episodes.py
                # says why); it stays in the table as a failure and does not
                # fail ctest; once it passes, the test fails until the mark
                # is removed, so the table cannot go stale
                result = "FAIL (known)" if result == "FAIL" else "PASS, marked known: unmark it"
            rows.append(row(ep, lab, tgt, text, result, margin, code=True,
                            value=v))
    return rows


def run_episode(ep, minrisk, outdir, epdir):
    """Rows of the episode's checks (one row saying why when it cannot run)."""
    name = episodes.name_of(ep)
    if ep["file"] is None:
        return [row(ep, "-", "-", "-", "out of scope", "-")]
    path = os.path.join(epdir, ep["file"])
    if not os.path.isfile(path):
        return [row(ep, f"missing episode file {ep['file']}")]
    out = os.path.join(outdir, name + ".h5")
    if os.path.exists(out):
        os.remove(out)
    cmd = [minrisk, "run", path, "-o", out, "-q"]
    if ep.get("trials"):
        cmd += ["--trials", str(ep["trials"])]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0 or not os.path.isfile(out):
        msg = (p.stderr.strip().splitlines() or ["no message"])[0]
        sys.stderr.write(f"{name}: {' '.join(cmd)}: exit status {p.returncode}\n{p.stderr}")
        return [row(ep, f"minrisk run failed (status {p.returncode}): {msg}")]
    res = Result(out, minrisk)
    try:
        return evaluate(ep, res)
    finally:
        res.close()


def print_rows(rows):
    for r in rows:
        if not r["code"]:  # missing file, failed run, out of scope
            print(f"{r['episode']}: {r['check'] if r['check'] != '-' else r['role']}: "
                  f"{r['result']}")
            continue
        print(f"{r['episode']}: {r['check']}: target {r['target']}: {r['model']}: "
              f"{r['result']}" + (f" (margin {r['margin']})" if r["margin"] != "-" else ""))


def failed(rows):
    return any(r["result"] in ("FAIL", "PASS, marked known: unmark it") for r in rows)


# ---------------------------------------------------------------------------
# the markdown table

def cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def table(all_rows):
    lines = ["| episode | role | check | target | model | result | margin |",
             "|---|---|---|---|---|---|---|"]
    last = None
    for r in all_rows:
        first = r["episode"] != last
        last = r["episode"]
        lines.append("| " + " | ".join(cell(x) for x in (
            f"`{r['episode']}`" if first else "", r["role"] if first else "",
            f"`{r['check']}`" if r["code"] else r["check"],
            r["target"], r["model"], r["result"], r["margin"])) + " |")
    lines.append("")
    lines.append("Episodes (what happened, and where each target comes from):")
    lines.append("")
    for ep in episodes.EPISODES:
        name = episodes.name_of(ep)
        trials = ep.get("trials")
        tr = "" if not ep["file"] else \
            f" `{ep['file']}`, {trials} trial{'s' if trials != 1 else ''}." if trials else \
            f" `{ep['file']}`."
        lines.append(f"- `{name}` ({ep['role']}): **{ep['title']}.** {ep['what']}{tr}")
        for chk in ep["checks"]:
            lines.append(f"  - `{label(chk['metric'], chk['args'])}`: {chk['what']}; "
                         f"{chk['source']}." +
                         (f" **Known failure:** {chk['known']}." if chk.get("known") else ""))
    return "\n".join(lines) + "\n"


def split_doc(text, path):
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise SystemExit(f"{path}: no {BEGIN} ... {END} section (or more than one)")
    a = text.index(BEGIN) + len(BEGIN)
    b = text.index(END)
    return text[:a], text[a:b], text[b:]


def write_table(path, tab):
    """The page's generated parts, the introduction (INTRO) and the table,
    written; the hand-written notes after the table's end kept."""
    body = "\n" + tab
    head = INTRO + "\n" + BEGIN
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            _, _, tail = split_doc(f.read(), path)
        text = head + body + tail
    else:
        text = head + body + END + "\n\n" + NOTES + "\n"
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def check_doc(path, tab):
    """True when the page's introduction is INTRO and its table is tab."""
    if not os.path.isfile(path):
        print(f"{path}: missing; make it with --all --table {path}")
        return False
    with open(path, encoding="utf-8") as f:
        head, committed, _ = split_doc(f.read(), path)
    ok = True
    for what, have, want in (("introduction", head, INTRO + "\n" + BEGIN),
                             ("table", committed, "\n" + tab)):
        if have == want:
            continue
        ok = False
        diff = difflib.unified_diff(have.splitlines(), want.splitlines(),
                                    f"{path} (committed)", "generated", lineterm="")
        print("\n".join(diff))
        print(f"{path}: the {what} differs from the suite's; regenerate it with\n"
              f"  tests/validation/validate.py --minrisk BIN --all --table {path}")
    if ok:
        print(f"{path}: the introduction and the table are up to date")
    return ok


# ---------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minrisk", required=True, help="the minrisk binary")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--episode", help="one episode's name (episodes.py)")
    g.add_argument("--all", action="store_true", help="every episode")
    ap.add_argument("--out", help="folder of the result files (default: a temporary one, removed)")
    ap.add_argument("--table", metavar="OUT.md", help="with --all: write the markdown table")
    ap.add_argument("--check-doc", metavar="DOC.md",
                    help="with --all: fail when DOC.md's table differs from the generated one")
    ap.add_argument("--episodes-dir", default=HERE, help="folder of the episode files")
    a = ap.parse_args()
    if (a.table or a.check_doc) and not a.all:
        ap.error("--table and --check-doc go with --all")
    minrisk = os.path.abspath(a.minrisk) if os.sep in a.minrisk else a.minrisk

    tmp = None
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        outdir = a.out
    else:
        outdir = tmp = tempfile.mkdtemp(prefix="minrisk-validation-")
    try:
        if a.episode:
            ep = episodes.by_name(a.episode)
            if ep is None:
                names = ", ".join(episodes.name_of(e) for e in episodes.EPISODES)
                ap.error(f"no episode {a.episode} (episodes: {names})")
            rows = run_episode(ep, minrisk, outdir, a.episodes_dir)
            print_rows(rows)
            if rows[0]["result"] == "out of scope":
                print(f"{a.episode}: out of scope: {ep['what']}")
            elif any(r["result"] == "known failure" for r in rows):
                print(f"{a.episode}: known failure (role limit): does not fail the suite")
            return 1 if failed(rows) else 0

        all_rows = []
        for ep in episodes.EPISODES:
            rows = run_episode(ep, minrisk, outdir, a.episodes_dir)
            print_rows(rows)
            all_rows += rows
        tab = table(all_rows)
        status = 1 if failed(all_rows) else 0
        if a.table:
            write_table(a.table, tab)
            print(f"{a.table}: table written")
        if a.check_doc:
            # the doc test judges the document only; the checks are the
            # episodes' own tests
            status = 0 if check_doc(a.check_doc, tab) else 1
        return status
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
