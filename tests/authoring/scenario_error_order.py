#!/usr/bin/env python3
"""scenario_error_order.py MINRISK_BIN - every error of `minrisk validate` on
scenarios broken at random (docs/SCENARIO_FORMAT.md, "Errors"). Run from
the source root.

60 copies of scenarios/demo.yaml, each with 1 to 5 faults put in at random
(seeded: the same files every run): a number made out of range or a word,
a key misspelt, a line removed, a reference misspelt. For each:
`minrisk validate` exits 0 or 2 (never a crash); on 2 every line is
"file:line:col: key.path: message" or the closing "... and N more
errors", the lines in file order and none twice; `minrisk run` exits 2 with
one line, and that line is one of validate's (run stops at the first error
it meets, validate goes on).
"""
import random
import re
import subprocess
import sys
import tempfile

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): \S+: .+$")


def mutate(rng, lines):
    lines = list(lines)
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(lines))
        line = lines[i]
        if not line.strip() or line.strip().startswith("#"):
            continue
        r = rng.random()
        if r < 0.35:
            bad = rng.choice(["-1", "1e9", "x", "2.5"])
            lines[i] = re.sub(r"(?<![\w.])\d+(\.\d+)?", bad, line, count=1)
        elif r < 0.6:
            lines[i] = re.sub(r"([a-z_]+):", lambda m: m.group(1)[:-1] + ":", line, count=1)
        elif r < 0.7:
            lines[i] = ""
        else:
            lines[i] = re.sub(r"(country|mineral): (\w+)", r"\1: \2x", line, count=1)
    return lines


def main():
    binary = sys.argv[1]
    rng = random.Random(20261204)
    src = open("scenarios/demo.yaml", encoding="utf-8").read().split("\n")
    failures = 0
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/m.yaml"
        for t in range(60):
            text = "\n".join(mutate(rng, src))
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            v = subprocess.run([binary, "validate", path], capture_output=True, text=True)
            errs = [x for x in v.stderr.split("\n") if x and not x.startswith("warning: ")]
            counts[len(errs)] = counts.get(len(errs), 0) + 1
            problem = None
            if v.returncode not in (0, 2):
                problem = f"validate exited {v.returncode}"
            elif v.returncode == 2:
                keys = []
                for k, e in enumerate(errs):
                    m = LINE.match(e)
                    if m and m.group("file") == path:
                        keys.append((int(m.group("line")), int(m.group("col"))))
                    elif not (k == len(errs) - 1 and e.endswith(" more errors")):
                        problem = f"not an error line: {e}"
                if keys != sorted(keys):
                    problem = "not in file order"
                if len(set(errs)) != len(errs):
                    problem = "a line twice"
                r = subprocess.run(
                    [binary, "run", path, "-o", f"{tmp}/m.h5", "--trials", "1", "--threads", "1",
                     "--quiet"],
                    capture_output=True, text=True,
                )
                rl = r.stderr.strip().split("\n")
                if r.returncode != 2 or len(rl) != 1:
                    problem = f"run exited {r.returncode} with {len(rl)} lines"
                elif rl[0] not in errs and not errs[-1].endswith(" more errors"):
                    problem = f"run's error is not one of validate's: {rl[0]}"
            elif errs:
                problem = "exit 0 with errors"
            if problem:
                failures += 1
                print(f"FAIL: mutant {t}: {problem}")
                print("\n".join(errs[:5]))
    print("ok: 60 mutants; errors printed per mutant: "
          + ", ".join(f"{n}: {c}" for n, c in sorted(counts.items())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
