#!/usr/bin/python3
"""ga_ban_doc.py - the figures docs/UK-RESULTS.md quotes for a full one-year
Chinese gallium ban (tests/validation/ga-ban.yaml, the comparison with USGS
OFR 2024-1057) against a run of that file: the total loss over the
episode, in GBP m to two decimals, and gallium's peak price, as a
multiple to two decimals. Until 2026-12-06 the page said "no file in the
repository holds this case", and nothing checked that the figures still
came out of the code.

    ga_ban_doc.py MINRISK SRC OUTDIR
"""
import os
import re
import subprocess
import sys

import h5py


def main():
    minrisk, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(src, "docs", "UK-RESULTS.md")) as fh:
        page = " ".join(fh.read().split())
    m = re.search(r"tests/validation/ga-ban\.yaml -o ga-ban\.h5` \(the episode's one trial\) gives "
                  r"GBP ([0-9.]+)m over the episode's two years, gallium's peak ([0-9.]+)x", page)
    if not m:
        print("FAIL: docs/UK-RESULTS.md no longer quotes the ga-ban figures as expected")
        return 1
    loss_doc, peak_doc = m.group(1), m.group(2)
    h5 = os.path.join(out, "ga-ban.h5")
    subprocess.run([minrisk, "run", os.path.join(src, "tests", "validation", "ga-ban.yaml"), "-o", h5, "-q"],
                   check=True)
    with h5py.File(h5, "r") as f:
        minerals = [s.decode() for s in f["trials/mineral"][()]]
        loss = f["trials/total_loss"][0] / 1e6
        peak = f["trials/mineral_price_peak"][0, minerals.index("gallium")]
    got = ("%.2f" % loss, "%.2f" % peak)
    if got != (loss_doc, peak_doc):
        print("FAIL: docs/UK-RESULTS.md quotes GBP %sm and %sx; the run gives GBP %sm and %sx"
              % (loss_doc, peak_doc, got[0], got[1]))
        return 1
    print("ga-ban: GBP %sm, gallium's peak %sx, as docs/UK-RESULTS.md says" % got)
    return 0


if __name__ == "__main__":
    sys.exit(main())
