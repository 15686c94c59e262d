#!/usr/bin/env python3
"""readers_bitflip.py - issue 11 case 11: a result file with one flipped bit
must never crash a reader (summary, explain, export, report).

A small run of scenarios/demo.yaml (200 trials, seed 1, --events) is the
base file. Each test flips one bit of a copy and runs one reader on it:

  - N positions spread over the whole file (random.Random(seed), so the
    list is the same on every run: the file's layout does not depend on the
    machine; /run_info's values differ between runs, not its size);
  - targeted flips of metadata: the superblock, and the object header of the
    datasets the readers depend on (a byte or two each, and the dimensions:
    the 8-byte little-endian length found in the header, with a high bit
    set, which made a reader allocate 2^62 elements);
  - REGRESSIONS: each failure this test found (fixed since), as (byte
    offset in the base file, bit): the writer's layout is the same on every
    run, so these are the very flips; were the layout to change, they would
    still be run (as two more flips) and this list should be refreshed.

Every run must: end by exit (not a signal; a hang is killed after TIMEOUT
seconds and fails), with status 0, 1 or 2, no sanitizer report, and when
nonzero exactly one line on stderr that names the file ("FILE: ...").
Export must leave no directory behind on failure. The damaged copies of
failing cases are kept under $MINRISK_BITFLIP_KEEP when set.

usage: readers_bitflip.py --minrisk BIN --src SRC --cmd CMD [--flips N] [--seed S]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

import h5py

TIMEOUT = 60  # seconds; a reader of this 0.5 MB file takes 0.1 s (7 s for report)

# Datasets whose object headers get targeted flips (the readers' inputs).
TARGETS = [
    "trials/total_loss", "trials/sector_output_loss", "trials/annual_loss", "trials/trial",
    "trials/sector", "summary/sector", "summary/mineral", "summary/quantile",
    "summary/sector_loss_quantile", "summary/total_loss_quantile", "summary/step",
    "summary/inoperability_band", "summary/total_loss_hist_count", "events/trial",
    "events/process_index", "events/process", "indicators/stage_row", "indicators/mineral_id",
    "attribution/tail_share", "attribution/source", "scenario/source", "sector", "mineral",
]

# Failures found by this test, fixed since: (offset, bit, what went wrong).
# Every reader runs each of them. (Damaged files are 0.5 MB: kept as these
# recipes, not as files.)
REGRESSIONS = [
    (440514, 2, "explain: H5Literate of a dense group, SIGSEGV (the issue's bus error)"),
    (436345, 4, "export: H5Lget_name_by_idx of a dense group, SIGSEGV"),
    (444919, 4, "summary: a string's size in the global heap, SIGSEGV in H5HG_read"),
    (233365, 6, "export: the global heap of a DIMENSION_LIST attribute, SIGSEGV"),
    (481645, 2, "export: the global heap of a string attribute, SIGSEGV"),
    (481242, 3, "export: a global heap object grown over its neighbours, hang"),
    (145816, 0, "explain: a damaged summary passed over, 'infinite loop closing library'"),
    (240924, 2, "explain: H5Lexists failing read as 'missing', the same"),
    (1737, 7, "export: a dimension scale without a name, the same"),
]


def make_base(minrisk, src, tmp):
    path = os.path.join(tmp, "base.h5")
    subprocess.run([minrisk, "run", os.path.join(src, "scenarios", "demo.yaml"), "-o", path,
                    "--trials", "200", "--seed", "1", "--events", "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    return path


def header_flips(path, rng):
    """Targeted (offset, bit, label) flips in the superblock and object headers."""
    flips = [(o, rng.randrange(8), "superblock") for o in range(8, 96, 4)]
    with h5py.File(path, "r") as f, open(path, "rb") as raw:
        data = raw.read()
        for name in TARGETS:
            obj = f[name]
            addr = h5py.h5o.get_info(obj.id).addr
            for k in range(2):
                flips.append((addr + rng.randrange(64), rng.randrange(8), name + " header"))
            if obj.shape:  # the first dimension, as stored in the dataspace message
                dim = obj.shape[0].to_bytes(8, "little")
                at = data.find(dim, addr, addr + 512)
                if at >= 0:
                    flips.append((at + 7, 6, name + " dims"))
                    flips.append((at + 7, 7, name + " dims"))
                    flips.append((at, 1, name + " dims"))
    flips += [(o, bit, "regression: " + what) for o, bit, what in REGRESSIONS
              if o < len(data)]
    return flips


def command(minrisk, cmd, damaged, out):
    if cmd == "summary":
        return [minrisk, "summary", damaged]
    if cmd == "explain":
        return [minrisk, "explain", damaged]
    if cmd == "export":
        return [minrisk, "export", damaged, "--csv", out, "--trials"]
    return [minrisk, "report", damaged, "-o", out, "--quiet"]


def check(cmd, damaged, out, r):
    """'' when the run behaved, else what went wrong."""
    if r is None:
        return "hung (killed after %d s)" % TIMEOUT
    if r.returncode < 0 or r.returncode >= 128:
        return "died (status %d): %s" % (r.returncode, r.stderr[-2000:])
    if "Sanitizer" in r.stderr or "runtime error:" in r.stderr:
        return "sanitizer report: %s" % r.stderr[-3000:]
    if r.returncode not in (0, 1, 2):
        return "exit status %d" % r.returncode
    lines = r.stderr.splitlines()
    if r.returncode == 0:
        if cmd == "export":
            return "" if len(lines) == 1 and lines[0].startswith("minrisk export: wrote") else (
                "stderr on success: %r" % r.stderr)
        return "" if not lines else "stderr on success: %r" % r.stderr
    if len(lines) != 1 or not lines[0].startswith(damaged + ": "):
        return "status %d, stderr not one line naming the file: %r" % (r.returncode, r.stderr)
    if cmd in ("export", "report") and os.path.exists(out):
        return "status %d but %s was left behind" % (r.returncode, out)
    return ""


def run_one(args, base, tmp, offset, bit):
    damaged = os.path.join(tmp, "damaged.h5")
    out = os.path.join(tmp, "out")
    with open(base, "rb") as f:
        data = bytearray(f.read())
    data[offset] ^= 1 << bit
    with open(damaged, "wb") as f:
        f.write(data)
    try:
        r = subprocess.run(command(args.minrisk, args.cmd, damaged, out), capture_output=True,
                           text=True, errors="replace", timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        r = None
    problem = check(args.cmd, damaged, out, r)
    shutil.rmtree(out, ignore_errors=True)
    if problem and os.environ.get("MINRISK_BITFLIP_KEEP"):
        keep = os.environ["MINRISK_BITFLIP_KEEP"]
        os.makedirs(keep, exist_ok=True)
        shutil.copy(damaged, os.path.join(keep, "%s-%d-%d.h5" % (args.cmd, offset, bit)))
    return problem


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minrisk", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--cmd", required=True, choices=["summary", "explain", "export", "report"])
    ap.add_argument("--flips", type=int, default=200, help="random positions")
    ap.add_argument("--targeted", type=int, default=-1, help="at most this many targeted flips")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="readers_bitflip_")
    try:
        base = make_base(args.minrisk, args.src, tmp)
        size = os.path.getsize(base)
        rng = random.Random(args.seed)
        flips = [(rng.randrange(size), rng.randrange(8), "random") for _ in range(args.flips)]
        targeted = header_flips(base, random.Random(args.seed + 1))
        if args.targeted >= 0:  # an even sample, the regressions always
            # (report's own reading is Python's: the regressions are the C readers')
            reg = [t for t in targeted if t[2].startswith("regression") and args.cmd != "report"]
            rest = [t for t in targeted if not t[2].startswith("regression")]
            step = max(1, len(rest) // max(1, args.targeted))
            targeted = rest[::step][:args.targeted] + reg
        failures = []
        for offset, bit, label in flips + targeted:
            problem = run_one(args, base, tmp, offset, bit)
            if problem:
                failures.append("offset %d bit %d (%s): %s" % (offset, bit, label, problem))
        total = len(flips) + len(targeted)
        for f in failures:
            print("FAIL %s %s" % (args.cmd, f))
        print("%s: %d of %d one-bit flips failed (%d random, seed %d; %d targeted)" %
              (args.cmd, len(failures), total, len(flips), args.seed, len(targeted)))
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
