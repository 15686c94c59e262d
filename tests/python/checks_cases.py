"""checks_cases.py - tests/python/checks.py on its own: finish's status
with no check made (1: until 2026-12-07 it was 0, so a test whose checks
were all skipped passed), with checks that all held (0) and with one that
failed (1); and k_rank against out/stats/stats.c mr_stats_rank's rule
worked by hand: ceil(n p) with n p within 1e-12 x max(1, n p) of an
integer taken as that integer, clamped to [1, n].
usage: checks_cases.py (each case in a fresh interpreter: checks.py keeps
its counts in the module)"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    ("no check", "sys.exit(checks.finish('t'))", 1, "t: 0 checks, 0 failures\nFAIL: t: no check was made\n"),
    ("all held", "checks.check(True, 'a'); checks.check(1 == 1, 'b'); sys.exit(checks.finish('t'))", 0,
     "t: 2 checks, 0 failures\n"),
    ("one failed", "checks.check(True, 'a'); checks.check(False, 'b'); sys.exit(checks.finish('t'))", 1,
     "FAIL: b\nt: 2 checks, 1 failures\n"),
]

# (n, p, rank): 1000 x 0.9 is 900.0000000000001 in binary, taken as 900;
# 1000 x 0.9005 = 900.5 -> 901; 10 x 0.05 = 0.5 -> 1; p = 0 -> 1 (clamped);
# p = 1 -> n; 3 x (1/3 + 1e-9) = 1.000000003 -> 2 (not within 1e-12);
# 100 x 0.99 = 98.99999999999999 (binary) -> 99; n = 0 -> 0; as
# mr_stats_rank, p NaN -> 1, +inf -> n, -inf -> 1 (k_rank raised on them
# until 2026-12-07).
RANKS = [(1000, 0.9, 900), (1000, 0.9005, 901), (10, 0.05, 1), (10, 0.0, 1), (10, 1.0, 10),
         (3, 1 / 3 + 1e-9, 2), (100, 0.99, 99), (0, 0.5, 0), (20, 0.95, 19), (7, 0.5, 4),
         (10, float("nan"), 1), (10, float("inf"), 10), (10, float("-inf"), 1), (0, float("nan"), 0)]


def main():
    fails = 0
    for what, code, status, out in CASES:
        p = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, %r); import checks; %s"
                            % (HERE, code)], capture_output=True, text=True)
        if p.returncode != status or p.stdout != out:
            print("FAIL: finish, %s: status %d (want %d), stdout %r (want %r) %s"
                  % (what, p.returncode, status, p.stdout, out, p.stderr))
            fails += 1
    sys.path.insert(0, HERE)
    import checks
    for n, q, want in RANKS:
        got = checks.k_rank(n, q)
        if got != want:
            print("FAIL: k_rank(%d, %r) = %r, want %d" % (n, q, got, want))
            fails += 1
    print("checks_cases: %d finish cases, %d ranks, %d failures" % (len(CASES), len(RANKS), fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
