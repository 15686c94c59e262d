#!/usr/bin/env python3
"""time_paths.py - a sector's output and value added as time paths, through
the engine (docs/SCENARIO_FORMAT.md "Time paths", docs/MODEL.md §8), worked
by hand: usage: time_paths.py MINRISK

One trial, two yearly steps from 1 January 2024, no noise. A certain
export-free production loss of 0.5 of mineral x's only refiner covers the
second year (2025), so u = 0.5 there and 0 in 2024; the sector needs x for
all its output (dependent_share 1, no buffer, recovery_rate 1, no A*), so
q = 0.5 in 2025 and 0 in 2024.

- Constant output 10e9 and value added 1e9 GBP a year: value added lost
  0.5 x 1e9 x 1 year = 5e8, output lost 0.5 x 10e9 = 5e9.
- Paths output {2024: 10e9, 2034: 30e9} and value added {2024: 1e9,
  2034: 2e9}: the 2025 step takes the paths at its middle, 2025.5, 1.5
  years into ten: output 10e9 + 20e9 x 0.15 = 13e9, value added 1e9 +
  1e9 x 0.15 = 1.15e9; so 0.5 x 1.15e9 = 5.75e8 and 0.5 x 13e9 = 6.5e9.
  A step at the start of the year (2025.0) would give 5.5e8 and 6e9, one at
  the end (2026.0) 6e8 and 7e9: the check tells the three apart.
- Annual losses [0, 5.75e8]; the mineral's own figures do not move.

The shares take paths too (docs/MODEL.md §4, §6), on the constant sector:
the shortfall is g = (1 - r - d)(1 - A) with A = 0.5 in 2025.
- recycled_share {2024: 0, 2034: 0.5}: r = 0.075 at 2025.5, g = 0.925 x 0.5
  = 0.4625 (the mineral's shortfall peak), value added lost 4.625e8;
- domestic_share {2024: 0.2, 2026: 0}: d = 0.2 - 0.2 x 0.75 = 0.05 at
  2025.5, g = 0.475, value added lost 4.75e8 (a step at 2025.0 would give
  d = 0.1 and 4.5e8);
- dependent_share {2024: 1, 2034: 0.5}: a = 0.925 at 2025.5, g = 0.5, value
  added lost 0.925 x 0.5 x 1e9 = 4.625e8, the shortfall peak stays 0.5.

And the spend the extra cost is paid on (docs/MODEL.md §8): with spend_gbp
1e8 a year the shortage of 2025 costs some extra C (2024 costs none: no
noise, no shortage); with spend_gbp {2024: 1e8, 2034: 3e8} the 2025 step
spends 1e8 (1 + 2 x 0.15) = 1.3e8, so the extra cost is exactly 1.3 C and
the value added lost does not move. C itself, by hand: x has no market, so
the extra cost is v1's w dt f (exp(y) - 1) (docs/MODEL.md §8) with the
allocation f = 1 - u = 0.5 and y the scarcity premium -ln(1 - u) /
elasticity = ln 2 / 0.3 = 2.31, capped at ln(max_multiple) = ln 10 (the
defaults): C = 1e8 x 1 year x 0.5 x (10 - 1) = 4.5e8 (paid on what the
sector receives: 9e8 on its whole need).
"""
import os
import sys
import tempfile

from engine_run import run_trials

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402 (tests/python/checks.py)


BASE = """name: time path check
simulation: {horizon_years: 2, steps_per_year: 1, trials: 1, seed: 1, start_year: 2024}
countries:
  CN: {name: China}
minerals:
  x:
    demand_t: 100
    refining: [{country: CN, share: 1}]
    price: {ref: 1000, sigma: 0}
sectors:
  s:
    output_gbp: 10.0e9
    gva_gbp: 1.0e9
    needs: [{mineral: x, dependent_share: 1, demand_share: 0.5}]
events:
  cut:
    country: CN
    minerals: [x]
    rate_per_year: 0
    occurrences:
      - {start_years: 1, severity: 0.5, duration_months: 12}
"""
PATHS = BASE.replace("    output_gbp: 10.0e9", "    output_gbp: {2024: 10.0e9, 2034: 30.0e9}").replace(
    "    gva_gbp: 1.0e9", "    gva_gbp: {2024: 1.0e9, 2034: 2.0e9}")

RECYCLED = BASE.replace("    refining:", "    recycled_share: {2024: 0, 2034: 0.5}\n    refining:")
DOMESTIC = BASE.replace("    refining:", "    domestic_share: {2024: 0.2, 2026: 0}\n    refining:")
DEPENDENT = BASE.replace("dependent_share: 1,", "dependent_share: {2024: 1, 2034: 0.5},")
SPEND = BASE.replace("demand_share: 0.5}", "demand_share: 0.5, spend_gbp: 1.0e8}")
SPEND_PATH = BASE.replace("demand_share: 0.5}", "demand_share: 0.5, spend_gbp: {2024: 1.0e8, 2034: 3.0e8}}")

KEYS = ("sector_gva_loss", "sector_output_loss", "annual_loss", "mineral_shortfall_peak",
        "mineral_price_peak", "sector_extra_cost")


def close(got, want, what):
    check(abs(got - want) <= 1e-9 * abs(want) + 1e-6, f"{what}: got {got!r}, expected {want!r}")


def main():
    minrisk = sys.argv[1]
    assert PATHS != BASE and PATHS.count("{2024:") == 2
    assert all(t.count("{2024:") == 1 for t in (RECYCLED, DOMESTIC, DEPENDENT))
    with tempfile.TemporaryDirectory(prefix="time-paths-") as tmp:
        c = run_trials(minrisk, tmp, "constant", BASE, KEYS)
        p = run_trials(minrisk, tmp, "paths", PATHS, KEYS)
        shares = {name: run_trials(minrisk, tmp, name, text, KEYS)
                  for name, text in (("recycled", RECYCLED), ("domestic", DOMESTIC),
                                     ("dependent", DEPENDENT), ("spend", SPEND),
                                     ("spend_path", SPEND_PATH))}
    close(c["sector_gva_loss"][0, 0], 5e8, "constant: value added lost")
    close(c["sector_output_loss"][0, 0], 5e9, "constant: output lost")
    close(p["sector_gva_loss"][0, 0], 5.75e8, "paths: value added lost")
    close(p["sector_output_loss"][0, 0], 6.5e9, "paths: output lost")
    close(p["annual_loss"][0, 0], 0.0, "paths: 2024's loss")
    close(p["annual_loss"][0, 1], 5.75e8, "paths: 2025's loss")
    for k in ("mineral_shortfall_peak", "mineral_price_peak"):
        check((c[k] == p[k]).all(), f"{k} moved with the sector's paths: {c[k]} against {p[k]}")
    for name, gva, peak in (("recycled", 4.625e8, 0.4625), ("domestic", 4.75e8, 0.475),
                            ("dependent", 4.625e8, 0.5)):
        close(shares[name]["sector_gva_loss"][0, 0], gva, f"{name} share path: value added lost")
        close(shares[name]["annual_loss"][0, 1], gva, f"{name} share path: 2025's loss")
        close(shares[name]["mineral_shortfall_peak"][0, 0], peak,
              f"{name} share path: shortfall peak")
    c_spend = shares["spend"]["sector_extra_cost"][0, 0]
    close(c_spend, 4.5e8, "spend: extra cost w dt f (P - 1)")
    close(shares["spend_path"]["sector_extra_cost"][0, 0], 1.3 * c_spend, "spend path: extra cost")
    close(shares["spend_path"]["sector_gva_loss"][0, 0], shares["spend"]["sector_gva_loss"][0, 0],
          "spend path: value added lost")
    return finish("time_paths (value added and output lost, and the shares' shortfalls, on the "
                  "paths at each step's middle, as worked by hand)")


if __name__ == "__main__":
    sys.exit(main())
