#!/usr/bin/python3
"""test_metrics.py - the price metrics of validate.py on deterministic
(1-trial) episodes read the model's own price path, not the binned time band.

    test_metrics.py --minrisk BIN [--out DIR]

/summary/price_ratio_band is an integer histogram of ln(P/P0) in bins of
0.01 (docs/OUTPUT.md, "Band quantiles"): exact to half a bin, +-0.5% of the
price. A 1-trial episode has its exact path; the figures below are what the
engine itself stores or prints for the episodes' one trial:

- gallium-germanium-2023: /trials/mineral_price_peak is 3.17671 (gallium)
  and 2.28174 (germanium), both at month 3 (`explain --all-steps`: x3.177,
  x2.282); the band read 3.18993 and 2.27050 (printed 3.19, 2.27);
- indonesia-nickel-2014: `explain --all-steps` prints nickel x1.201 at
  month 10 and x1.196 at month 11, so the price is first back below 1.2x at
  month 11 (the band read 1.19..., month 10); the peak, x1.209 at month 6,
  is /trials/mineral_price_peak 1.20873;
- drc-cobalt-2025: the peak 2.34610 (/trials) is at month 19 (explain
  x2.346; months 17 and 18 print x2.345 and below); the band's plateau put
  it at month 17 with 2.33965. Months 19 and 20 both print x2.346: the
  first of equal months is taken;
- ree-quotas-2010: the light-REE peak is 17.7494 (/trials) at month 5
  (explain x17.75): 17.7 to 3 digits, not the 17.8 that 17.75 or the
  band's 17.814 round to;
- tungsten-2025: explain prints x1.3 at month 5, the highest of months
  0-5 (the 6-month window), and x1.337 at month 8, the year's peak
  (/trials 1.33695); the band put that one at month 7.
- bismuth-2025 without its market block (a v1 mineral: explain prints no
  market line for it): the path falls back to the median band, whose
  price sits on the 100x cap from month 0 (/trials/mineral_price_peak
  100.00000000000004); before, the check ended in an error ("explain's
  bismuth path peaks at 1").

Exit status 0 when every figure is as above, 1 otherwise.
"""

import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import episodes  # noqa: E402
import validate  # noqa: E402

# (episode, check label) -> (value to 4 significant digits, model text)
EXPECTED = {
    ("gallium-germanium-2023", "price_peak(gallium)"): (3.177, "3.18 (month 3)"),
    ("gallium-germanium-2023", "price_peak(germanium)"): (2.282, "2.28 (month 3)"),
    ("indonesia-nickel-2014", "price_peak(nickel, months=12)"): (1.209, "1.21 (month 6)"),
    ("indonesia-nickel-2014", "months_below_after_peak(nickel, level=1.2)"):
        (11, "11 (peak at month 6)"),
    ("drc-cobalt-2025", "price_peak(cobalt)"): (2.346, "2.35 (month 19)"),
    ("ree-quotas-2010", "price_peak(ree_light, months=12)"): (17.75, "17.7 (month 5)"),
    ("tungsten-2025", "price_peak(tungsten, months=6)"): (1.3, "1.3 (month 5)"),
    ("tungsten-2025", "price_peak(tungsten, months=12)"): (1.337, "1.34 (month 8)"),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--out")
    a = ap.parse_args()
    out = a.out or tempfile.mkdtemp(prefix="minrisk-test-metrics-")
    os.makedirs(out, exist_ok=True)
    bad = 0
    seen = set()
    for name in sorted({k[0] for k in EXPECTED}):
        rows = validate.run_episode(episodes.by_name(name), a.minrisk, out, HERE)
        for r in rows:
            key = (name, r["check"])
            if key not in EXPECTED:
                continue
            seen.add(key)
            want_v, want_text = EXPECTED[key]
            v = r["value"]
            ok = v is not None and float(f"{v:.4g}") == want_v and r["model"] == want_text
            print(f"{name}: {r['check']}: {r['model']} (value {v!r}): "
                  f"{'ok' if ok else f'FAIL, want {want_text} ({want_v})'}")
            bad += not ok
    # a v1 mineral (no market block) in a 1-trial run: the band, not an error
    v1dir = os.path.join(out, "v1")
    os.makedirs(v1dir, exist_ok=True)
    with open(os.path.join(HERE, "bismuth-2025.yaml"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    keep, skip = [], False
    for line in lines:
        if line == "    market:":
            skip = True
            continue
        if skip and line.startswith("      "):
            continue
        skip = False
        keep.append(line)
    with open(os.path.join(v1dir, "bismuth-2025.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(keep))
    rows = validate.run_episode(episodes.by_name("bismuth-2025"), a.minrisk, v1dir, v1dir)
    r = rows[0]
    ok = r["check"] == "price_peak(bismuth, months=3)" and r["model"] == "100 (month 0)"
    print(f"bismuth-2025 without a market: {r['check']}: {r['model']}: "
          f"{'ok' if ok else 'FAIL, want 100 (month 0)'}")
    bad += not ok
    for key in EXPECTED:
        if key not in seen:
            print(f"{key[0]}: {key[1]}: no such row  FAIL")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
