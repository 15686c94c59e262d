#!/usr/bin/env python3
"""share_paths.py - world supply shares as time paths, through the engine
(docs/MODEL.md §4 "Shares along time paths"), worked by hand: usage:
share_paths.py MINRISK

One trial, monthly steps over 2024-2025. Mineral x is refined by China and
Australia with shares {2024: 0.9, 2026: 0.5} and {2024: 0.1, 2026: 0.5}: at
step t (its middle, 2024 + (t + 0.5)/12) China's share is
s(t) = 0.9 - 0.4 (t + 0.5)/24, and sum_t s(t) = 21.6 - 0.4 x 288/24 = 16.8
over the 24 steps. A sector needs x for all its output (value added 1e9 GBP a
year, no buffer, recovery_rate 1, no A*).

1. World supply (no market): China loses all its output over both years,
   so availability is Australia's share and the shortfall is s(t): value
   added lost 1e9 x 16.8/12 = 1.4e9 GBP (1.8e9 with the shares held at
   their 2024 values).
2. UK sourcing follows the open market (a market; no UK data): China's
   export control of severity 0.5 with licensing 0.5 denies 0.25 of what
   the UK buys from China, s(t) of its purchases: 0.25 x 1e9 x 16.8/12 =
   3.5e8 GBP.
3. The same with a cap of 0.6 on UK sourcing, applied step by step:
   u(t) = min(s(t), 0.6); s(t) > 0.6 while t + 0.5 < 18, so 18 steps at
   0.6 and s(t) = 0.9 - (t + 0.5)/60 for t = 18..23, 5.4 - 126/60 = 3.3:
   0.25 x 1e9 x 14.1/12 = 2.9375e8 GBP (a cap at the 2024 shares alone,
   0.6 throughout, would give 3e8).
4. A cap that binds only later, to an offtake partner CA that supplies the
   world nothing: China {2024: 0.5, 2026: 0.9} (c(t) = 0.5 + 0.4 (t +
   0.5)/24), Australia the rest, cap 0.7 with offtake CA. From t = 12 on,
   c(t) > 0.7 and CA takes c(t) - 0.7 of the UK's purchases. The loader
   makes CA a supplier from the start, so its outage reaches them: with CA
   out (a certain outage of severity 1 over both years) what it does not
   deliver is bought on the open market, where c(t) x 0.25 is denied, so
   the loss is 1e9/12 x sum_t 0.25 [min(c, 0.7) + max(0, c - 0.7) c];
   without the outage, 1e9/12 x sum_t 0.25 min(c, 0.7).
5. Tail attribution weighs a process by its country's share, on paths the
   mean over the steps (docs/STUDIES.md): Chile's refining share {2024: 0,
   2026: 0.6}, Chile's events the only disruption, so Chile carries the
   whole tail (with the start share, 0, it carried none: all to price
   noise).
"""
import os
import subprocess
import sys
import tempfile

import h5py

from engine_run import run_trials

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)

HEAD = """name: share path check
simulation: {horizon_years: 2, steps_per_year: 12, trials: 1, seed: 3, start_year: 2024}
countries:
  CN: {name: China}
  AU: {name: Australia}
minerals:
  x:
    demand_t: 100
    refining:
      - {country: CN, share: CN_SHARE}
      - {country: AU, share: AU_SHARE}
    price: {ref: 1000, sigma: 0, elasticity: 1}
MARKET
sectors:
  s:
    output_gbp: 10.0e9
    gva_gbp: 1.0e9
    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5}]
events:
  cn:
    country: CN
    minerals: [x]
    rate_per_year: 0
"""
PATHS = {"CN_SHARE": "{2024: 0.9, 2026: 0.5}", "AU_SHARE": "{2024: 0.1, 2026: 0.5}"}
FIXED = {"CN_SHARE": "0.9", "AU_SHARE": "0.1"}
LOSS = "    occurrences: [{start_years: 0, severity: 1, duration_months: 24}]\n"
CONTROL = ("    scope: exports\n    licensing: 0.5\n"
           "    occurrences: [{start_years: 0, severity: 0.5, duration_months: 24}]\n")


LATE = """name: a cap that binds later
simulation: {horizon_years: 2, steps_per_year: 12, trials: 1, seed: 3, start_year: 2024}
countries:
  CN: {name: China}
  AU: {name: Australia}
  CA: {name: Canada}
minerals:
  x:
    demand_t: 100
    refining:
      - {country: CN, share: {2024: 0.5, 2026: 0.9}}
      - {country: AU, share: {2024: 0.5, 2026: 0.1}}
    price: {ref: 1000, sigma: 0, elasticity: 1}
    market: {stock_months: 1, world_demand_t: 100000}
sectors:
  s:
    output_gbp: 10.0e9
    gva_gbp: 1.0e9
    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5}]
events:
  cn:
    country: CN
    minerals: [x]
    scope: exports
    licensing: 0.5
    rate_per_year: 0
    occurrences: [{start_years: 0, severity: 0.5, duration_months: 24}]
CA_OUT
policies:
  diversification_cap: {cap: 0.7, offtake: {CA: 1}}
"""
CA_OUT = """  ca:
    country: CA
    minerals: [x]
    rate_per_year: 0
    occurrences: [{start_years: 0, severity: 1, duration_months: 24}]"""


ATTR = """name: attribution with a new entrant
simulation: {horizon_years: 2, steps_per_year: 12, trials: 400, seed: 5, start_year: 2024}
countries:
  CN: {name: China}
  CL: {name: Chile}
minerals:
  x:
    demand_t: 100
    refining: [{country: CN, share: {2024: 1, 2026: 0.4}}, {country: CL, share: {2024: 0, 2026: 0.6}}]
    price: {ref: 1000, sigma: 0, elasticity: 0.3}
sectors:
  s:
    output_gbp: 1.0e9
    gva_gbp: 0.5e9
    needs: [{mineral: x, dependent_share: 1, substitutable: 0, demand_share: 1,
             spend_gbp: 1.0e8}]
events:
  cl:
    country: CL
    minerals: [x]
    rate_per_year: 1
    duration_months: {exponential: 6}
    severity: {beta: [2, 2]}
"""


def attribution_of_chile(minrisk, tmp):
    """The tail shares of total loss by source, read from the run's file."""
    path = os.path.join(tmp, "attr.yaml")
    with open(path, "w") as f:
        f.write(ATTR)
    out = os.path.join(tmp, "attr.h5")
    subprocess.run([minrisk, "run", path, "-o", out, "-q"], check=True)
    with h5py.File(out, "r") as f:
        src = [x.decode() if isinstance(x, bytes) else x for x in f["attribution/source"][()]]
        series = [x.decode() if isinstance(x, bytes) else x for x in f["attribution/series"][()]]
        share = f["attribution/tail_share"][()]
    return dict(zip(src, share[series.index("total")]))


def scenario(shares, market, event, cap=None):
    text = HEAD.replace("MARKET", "    market: {stock_months: 1, world_demand_t: 100000}"
                        if market else "")
    for k, v in shares.items():
        text = text.replace(k, v)
    text += event
    if cap:
        text += "policies:\n  diversification_cap: %s\n" % cap
    return text


def main():
    minrisk = sys.argv[1]
    s = [0.9 - 0.4 * (t + 0.5) / 24 for t in range(24)]
    capped = sum(min(x, 0.6) for x in s)
    c = [0.5 + 0.4 * (t + 0.5) / 24 for t in range(24)]
    late_out = 1e9 / 12 * sum(0.25 * (min(x, 0.7) + max(0.0, x - 0.7) * x) for x in c)
    late_in = 1e9 / 12 * sum(0.25 * min(x, 0.7) for x in c)
    cases = {
        "world, paths": (scenario(PATHS, False, LOSS), 1e9 * sum(s) / 12),
        "world, fixed": (scenario(FIXED, False, LOSS), 1.8e9),
        "UK follows": (scenario(PATHS, True, CONTROL), 0.25e9 * sum(s) / 12),
        "UK capped": (scenario(PATHS, True, CONTROL, "0.6"), 0.25e9 * capped / 12),
        "later cap, partner out": (LATE.replace("CA_OUT", CA_OUT), late_out),
        "later cap, partner in": (LATE.replace("CA_OUT\n", ""), late_in),
    }
    by_hand = {"world, paths": 1.4e9, "UK follows": 3.5e8, "UK capped": 2.9375e8}
    for name, want in by_hand.items():  # the closed forms against the sums
        check(abs(cases[name][1] - want) <= 1e-6 * want,
              f"{name}: the sum {cases[name][1]!r} is not the hand value {want!r}")
    got = {}
    with tempfile.TemporaryDirectory(prefix="share-paths-") as tmp:
        for k, (name, (text, want)) in enumerate(cases.items()):
            value = run_trials(minrisk, tmp, "case%d" % k, text, ("sector_gva_loss",))
            got[name] = value["sector_gva_loss"][0, 0]
            check(abs(got[name] - want) <= 1e-9 * want,
                  f"{name}: value added lost {got[name]!r}, expected {want!r}")
        attr = attribution_of_chile(minrisk, tmp)
    check(abs(attr.get("country/CL", 0.0) - 1.0) < 1e-12,
          f"attribution: Chile's tail share {attr}, expected 1")
    print("share_paths: " + "; ".join(f"{k} {v:.9g}" for k, v in got.items()))
    return finish("share_paths (value added lost on share paths, capped and not, as worked by "
                  "hand; Chile carries the whole tail)")


if __name__ == "__main__":
    sys.exit(main())
