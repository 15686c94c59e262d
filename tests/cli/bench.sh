#!/usr/bin/env bash
# bench.sh - `minrisk bench` (tests/cli/tests.cmake, label `cli`):
# - bad options: exit status 2 and the one expected line on stderr;
# - --print-scenario with the default sizes is bench/synthetic.yaml byte for
#   byte (with --dense, bench/dense.yaml, whose 203.08 occurrences a trial
#   are worked out here), and the scenarios of small and odd sizes all
#   validate;
# - the default scenario's verification number is that of `minrisk run
#   bench/synthetic.yaml` with the same trials and seed;
# - a tiny bench (1 and 2 threads, 2 repetitions): exit 0, the table on
#   stdout, a JSON file that parses, whose verification numbers are one,
#   and whose medians are the medians of its runs (worked out here again);
# - a dead bench's temporary FILE.tmp.<pid> removed by the next one, a live
#   process's kept.
# usage: bench.sh MINRISK SRC PYTHON
set -uo pipefail
bin=$1 src=$2 py=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$src" || exit 1
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

expect() { # expect STATUS STDERR-LINE -- ARGS...
    local want=$1 line=$2
    shift 3
    "$bin" bench "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    [ "$got" -eq "$want" ] || fail "minrisk bench $*: status $got, expected $want"
    [ "$(cat "$tmp/err")" = "$line" ] ||
        fail "minrisk bench $*: stderr '$(cat "$tmp/err")', expected '$line'"
    [ -s "$tmp/out" ] && fail "minrisk bench $*: wrote to stdout"
}
see="(see 'minrisk bench --help')"
expect 2 "minrisk bench: --minerals: must be an integer in [1, 200], got '0' $see" -- --minerals 0
expect 2 "minrisk bench: --countries: must be an integer in [1, 200], got '201' $see" -- --countries 201
expect 2 "minrisk bench: --sectors: must be an integer in [1, 200], got ' 3' $see" -- --sectors ' 3'
expect 2 "minrisk bench: --years: must be an integer in [1, 100], got '10y' $see" -- --years 10y
expect 2 "minrisk bench: --density: must be a number in (0, 50], got '0' $see" -- --density 0
expect 2 "minrisk bench: --density: must be a number in (0, 50], got '-1' $see" -- --density -1
expect 2 "minrisk bench: --density: must be a number in (0, 50], got 'nan' $see" -- --density nan
expect 2 "minrisk bench: --density: must be a number in (0, 50], got '50.5' $see" -- --density 50.5
expect 2 "minrisk bench: --density: must be a number in (0, 50], got '0x10' $see" -- --density 0x10
expect 2 "minrisk bench: --trials: must be an integer in [1, 4294967295], got '4294967296' $see" -- --trials 4294967296
expect 2 "minrisk bench: --seed: must be an integer in [0, 2^64-1], got '-1' $see" -- --seed -1
threads_msg="must be thread counts in [1, 4096], comma-separated, no repeats, at most 64"
expect 2 "minrisk bench: --threads: $threads_msg, got '1,,2' $see" -- --threads 1,,2
expect 2 "minrisk bench: --threads: $threads_msg, got '2,2' $see" -- --threads 2,2
expect 2 "minrisk bench: --threads: $threads_msg, got '0' $see" -- --threads 0
expect 2 "minrisk bench: --threads: $threads_msg, got '1,' $see" -- --threads 1,
expect 2 "minrisk bench: --reps: must be an integer in [1, 1000], got '0' $see" -- --reps 0
expect 2 "minrisk bench: option '--json' needs a value $see" -- --json
expect 2 "minrisk bench: unknown option '--trails'; did you mean --trials? $see" -- --trails 5
expect 2 "minrisk bench: unexpected argument 'x.yaml' $see" -- x.yaml
expect 2 "$tmp/no/b.json: cannot write to directory '$tmp/no': No such file or directory" -- --json "$tmp/no/b.json"
# --json paths that cannot be the file: refused before any run (the
# sizes keep a run short should one start), nothing left there
tiny="--minerals 1 --countries 1 --sectors 1 --years 1 --trials 1 --reps 1 --threads 1 --quiet"
expect 2 "minrisk bench: --json: the file name is empty $see" -- $tiny --json ''
mkdir "$tmp/dir"
expect 2 "$tmp/dir: is a directory; give a file name, e.g. --json $tmp/dir/bench.json" -- $tiny --json "$tmp/dir"
[ -z "$(ls -A "$tmp/dir")" ] || fail "--json DIR: left $(ls -A "$tmp/dir") in it"
echo keep >"$tmp/target.json"
ln -s "$tmp/target.json" "$tmp/link.json"
expect 2 "$tmp/link.json: is a symbolic link; the file would replace the link, not its target: give the target's path or choose another --json" -- $tiny --json "$tmp/link.json"
[ -L "$tmp/link.json" ] && [ "$(cat "$tmp/target.json")" = keep ] || fail "--json LINK: the link or its target changed"
mkfifo "$tmp/fifo"
expect 2 "$tmp/fifo: exists and is a FIFO, not a regular file; choose another --json" -- $tiny --json "$tmp/fifo"
[ -p "$tmp/fifo" ] || fail "--json FIFO: the FIFO was replaced"
rm -f "$tmp/link.json" "$tmp/target.json" "$tmp/fifo"
# --json over a scenario, a result file or minrisk's side files: refused by
# name (until 2026-12-07 `--json demo.yaml` replaced the scenario), the
# file left as it was
for name in s.yaml s.YML r.h5 r.H5 r.h5.ckpt r.h5.lock b.json.tmp.42; do
  echo keep >"$tmp/$name"
done
for name in s.yaml s.YML; do
  expect 2 "$tmp/$name: is named like a scenario file (.yaml, .yml), which the JSON file would replace; choose another --json (e.g. bench.json)" -- $tiny --json "$tmp/$name"
done
for name in r.h5 r.H5; do
  expect 2 "$tmp/$name: is named like a minrisk result file (.h5), which the JSON file would replace; choose another --json (e.g. bench.json)" -- $tiny --json "$tmp/$name"
done
expect 2 "$tmp/r.h5.ckpt: is named like a minrisk checkpoint (.ckpt); choose another --json" -- $tiny --json "$tmp/r.h5.ckpt"
expect 2 "$tmp/r.h5.lock: is named like a minrisk lock file (.lock); choose another --json" -- $tiny --json "$tmp/r.h5.lock"
expect 2 "$tmp/b.json.tmp.42: is named like a minrisk temporary file (.tmp.<pid>); choose another --json" -- $tiny --json "$tmp/b.json.tmp.42"
for name in s.yaml s.YML r.h5 r.H5 r.h5.ckpt r.h5.lock b.json.tmp.42; do
  [ "$(cat "$tmp/$name")" = keep ] || fail "--json $name: the file was changed"
  rm -f "$tmp/$name"
done
# the temporaries of a bench killed during its write (FILE.tmp.<pid>, whose
# process is gone) are removed by the next bench to FILE, under FILE.lock,
# one line each; a live process's (this shell's) stays (until 2026-12-06
# they stayed for good)
dead=$(sh -c 'echo $$')
kill -0 "$dead" 2>/dev/null && dead=$(sh -c 'echo $$')
echo x >"$tmp/s.json.tmp.$dead"
echo y >"$tmp/s.json.tmp.$$"
"$bin" bench $tiny --json "$tmp/s.json" >/dev/null 2>"$tmp/err" || fail "bench over stale temporaries: status $?"
[ "$(cat "$tmp/err")" = "minrisk bench: removed stale temporary $tmp/s.json.tmp.$dead (process $dead is gone)" ] ||
    fail "bench over stale temporaries: stderr '$(cat "$tmp/err")'"
[ ! -e "$tmp/s.json.tmp.$dead" ] || fail "bench: the dead process's temporary s.json.tmp.$dead stayed"
[ "$(cat "$tmp/s.json.tmp.$$" 2>/dev/null)" = y ] || fail "bench: the live process's temporary s.json.tmp.$$ was touched"
[ -s "$tmp/s.json" ] && [ ! -e "$tmp/s.json.lock" ] || fail "bench over stale temporaries: no s.json, or s.json.lock left"
rm -f "$tmp/s.json" "$tmp/s.json.tmp.$$" "$tmp/err"
# a symbolic link planted at the temporary's name (FILE.tmp.<the pid>: exec
# keeps the shell's) is removed, not followed: until 2026-12-06 fopen wrote
# the JSON into its target
echo keep >"$tmp/victim"
bash -c 'ln -s "$1" "$2.tmp.$$" && exec "$3" bench $4 --json "$2"' _ "$tmp/victim" "$tmp/p.json" "$bin" "$tiny" \
    >/dev/null 2>"$tmp/err" || fail "bench over a planted link: status $? ($(cat "$tmp/err"))"
[ "$(cat "$tmp/victim")" = keep ] || fail "bench followed the link planted at its temporary: the target was written"
[ -f "$tmp/p.json" ] && [ ! -L "$tmp/p.json" ] || fail "bench over a planted link: p.json not a regular file"
[ -z "$(ls "$tmp" | grep 'p\.json\.')" ] || fail "bench over a planted link: left $(ls "$tmp" | grep 'p\.json\.')"
rm -f "$tmp/victim" "$tmp/p.json" "$tmp/err"
rmdir "$tmp/dir"
# standard output that cannot be written (/dev/full): status 1 and one
# line saying so, not a silent status 1; the JSON is still written
if [ -w /dev/full ]; then
    "$bin" bench $tiny --json "$tmp/full.json" >/dev/full 2>"$tmp/err"
    st=$?
    [ "$st" -eq 1 ] || fail "bench >/dev/full: status $st, expected 1"
    [ "$(cat "$tmp/err")" = "minrisk bench: cannot write the table to standard output: No space left on device" ] ||
        fail "bench >/dev/full: stderr '$(cat "$tmp/err")'"
    "$py" -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/full.json" ||
        fail "bench >/dev/full: no JSON file"
    rm -f "$tmp/full.json"
    "$bin" bench --print-scenario >/dev/full 2>"$tmp/err"
    st=$?
    [ "$st" -eq 1 ] || fail "bench --print-scenario >/dev/full: status $st, expected 1"
    [ "$(cat "$tmp/err")" = "minrisk bench: cannot write the scenario to standard output: No space left on device" ] ||
        fail "bench --print-scenario >/dev/full: stderr '$(cat "$tmp/err")'"
fi
# the product of the sizes past a limit of the loader: refused before any run
expect 2 "minrisk bench: these sizes give a scenario minrisk refuses (see --print-scenario): synthetic.yaml:30:35: countries.C11.wgi_pv: expected 125423 random occurrences (disruptions and price jumps) per trial over 100 years, above the limit of 100000 (this is the largest rate)" -- --density 50 --years 100 --countries 200

# the built-in scenario is bench/synthetic.yaml at the default sizes
"$bin" bench --print-scenario >"$tmp/synthetic.yaml" || fail "--print-scenario: exit status $?"
cmp -s "$tmp/synthetic.yaml" bench/synthetic.yaml ||
    fail "--print-scenario differs from bench/synthetic.yaml: $(diff "$tmp/synthetic.yaml" bench/synthetic.yaml | head -3)"
# --dense is bench/dense.yaml: every supplier with an outage process, about
# 200 occurrences a trial (155 processes: 75 of synthetic.yaml, 80 more at
# 0.15 a year over 10 years)
"$bin" bench --dense --print-scenario >"$tmp/dense.yaml" || fail "--dense --print-scenario: exit status $?"
cmp -s "$tmp/dense.yaml" bench/dense.yaml ||
    fail "--dense --print-scenario differs from bench/dense.yaml: $(diff "$tmp/dense.yaml" bench/dense.yaml | head -3)"
"$bin" bench --dense --trials 1 --reps 1 --threads 1 --quiet >"$tmp/out" 2>&1 ||
    fail "bench --dense: $(cat "$tmp/out")"
grep -q '^  155 disruption processes, 203.08 occurrences a trial expected' "$tmp/out" ||
    fail "bench --dense: not 155 processes and 203.08 occurrences a trial: $(sed -n 2p "$tmp/out")"
# ... and what make_synthetic.sh writes
bash bench/make_synthetic.sh | cmp -s - bench/synthetic.yaml ||
    fail "bench/make_synthetic.sh does not write bench/synthetic.yaml"
# small and odd sizes (suppliers, needs, events and interdependencies that
# collide) give scenarios that load
for m in 1 2 3 20; do
    for c in 1 2 3 12; do
        for s in 1 2 7; do
            "$bin" bench --print-scenario --minerals $m --countries $c --sectors $s --years 1 \
                --density 2.5 >"$tmp/s.yaml" &&
                "$bin" validate "$tmp/s.yaml" >/dev/null 2>"$tmp/err" ||
                fail "--minerals $m --countries $c --sectors $s: $(head -1 "$tmp/err")"
        done
    done
done

# the same trials as `minrisk run bench/synthetic.yaml`: the same verification number
"$bin" run bench/synthetic.yaml -o "$tmp/s.h5" --trials 300 --seed 7 --threads 2 2>"$tmp/err" ||
    fail "minrisk run bench/synthetic.yaml: $(cat "$tmp/err")"
want=$(sed -n 's/^minrisk: verification number \([0-9a-f]\{16\}\)$/\1/p' "$tmp/err")
"$bin" bench --trials 300 --seed 7 --reps 1 --threads 1 --quiet >"$tmp/out" 2>"$tmp/err" ||
    fail "bench --trials 300 --seed 7: $(cat "$tmp/err")"
got=$(sed -n 's/^verification number \([0-9a-f]\{16\}\) .*/\1/p' "$tmp/out")
[ -n "$want" ] && [ "$got" = "$want" ] ||
    fail "verification number: bench $got, minrisk run bench/synthetic.yaml $want"
[ -s "$tmp/err" ] && fail "--quiet: stderr '$(cat "$tmp/err")'"

# a tiny bench, 1 and 2 threads, 2 repetitions
"$bin" bench --minerals 2 --countries 2 --sectors 1 --years 1 --trials 200 --reps 2 \
    --threads 1,2 --json "$tmp/b.json" >"$tmp/out" 2>"$tmp/err" ||
    fail "tiny bench: exit status $?: $(cat "$tmp/err")"
[ "$(grep -c '^minrisk bench: run [1-4] of 4: ' "$tmp/err")" -eq 4 ] ||
    fail "tiny bench: not 4 progress lines on stderr: $(cat "$tmp/err")"
grep -q '^threads   trials/s  ns per trial-step   run (s)   CPU (s)  RNG floor (s)  run/floor (x)  efficiency (x)  speed-up (x)$' "$tmp/out" ||
    fail "tiny bench: no column heads: $(cat "$tmp/out")"
grep -q '^ *1 .* 1\.000 \+1\.000$' "$tmp/out" || fail "tiny bench: no row for 1 thread of efficiency and speed-up 1"
grep -q '^ *2 ' "$tmp/out" || fail "tiny bench: no row for 2 threads"
# the times in 4 significant digits: the smallest bench's RNG floor (about
# 1e-5 s) printed as 0.0000 in %14.4f
"$bin" bench --minerals 1 --countries 1 --sectors 1 --years 1 --trials 50 --reps 1 --threads 1 \
    --quiet >"$tmp/small" 2>"$tmp/err" || fail "smallest bench: $(cat "$tmp/err")"
awk 'NF == 9 && $1 ~ /^[0-9]+$/ { rows++; if ($4 + 0 <= 0 || $5 + 0 <= 0 || $6 + 0 <= 0) bad = 1 }
     END { exit bad || rows != 1 }' "$tmp/small" ||
    fail "smallest bench: a run, CPU or floor time printed as 0: $(cat "$tmp/small")"
grep -q '^cpu: ' "$tmp/out" && grep -q '^build: minrisk ' "$tmp/out" ||
    fail "tiny bench: no cpu: or build: line"
ls "$tmp" | grep -q 'b.json.tmp' && fail "tiny bench: a temporary file was left"
"$py" - "$tmp/b.json" "$tmp/out" "$bin" <<'EOF' || fails=$((fails + 1))
import json, statistics, subprocess, sys
d = json.load(open(sys.argv[1]))
table = open(sys.argv[2]).read()
bad = []
def check(ok, what):
    if not ok:
        bad.append(what)
z = d["scenario"]
check((z["minerals"], z["countries"], z["sectors"], z["years"], z["steps"], z["density"])
      == (2, 2, 1, 1, 12, 1), "scenario sizes %r" % z)
# per mineral: mining offsets 0,3,5,7 mod 2 fold to C0 and C1, both with
# their outage; refining 1,4,8 to C1 (its outage) and C0: 3 supplier
# processes a mineral, 6; the 2 countries' WGI outages; 2 events (ev0 on C0,
# ev1 on C1, each hitting m0 and m1): 10
check(z["processes"] == 10, "processes %r" % z["processes"])
check(d["trials"] == 200 and d["reps"] == 2 and d["seed"] == 12345, "trials, reps, seed")
m = d["machine"]
check(m["cores"] >= 1 and m["cpu"] and all(isinstance(m[k], float) for k in ("load_before",
      "load_after")), "machine %r" % m)
check(all(d["minrisk"][k] for k in ("version", "commit", "compiler", "build_type", "flags")),
      "build %r" % d["minrisk"])
pts = d["points"]
check([p["threads"] for p in pts] == [1, 2], "threads %r" % [p["threads"] for p in pts])
ver = {r["verification"] for p in pts for r in p["runs"]}
check(ver == {d["verification"]}, "verification numbers %r" % ver)
check(("verification number %s (the same in all 4 runs; libm path %s:" % (d["verification"],
      d["libm_path"])) in table, "the table's verification line")
# the libm path is this process's, as --version prints it
check(("libm path %s)" % d["libm_path"]) in subprocess.run([sys.argv[3], "--version"],
      capture_output=True, text=True).stdout, "libm_path %r, not --version's" % d["libm_path"])
words = {r["random_words"] for p in pts for r in p["runs"]}
check(len(words) == 1, "random words differ between runs: %r" % words)
base = pts[0]["run_seconds"]
for p in pts:
    runs = p["runs"]
    check(len(runs) == 2, "%d runs" % len(runs))
    med = lambda f: statistics.median([f(r) for r in runs])
    for key, f in [("run_seconds", lambda r: r["run_seconds"]),
                   ("floor_seconds", lambda r: r["floor_seconds"]),
                   ("cpu_seconds", lambda r: r["cpu_seconds"]),
                   ("trials_per_second", lambda r: 200 / r["run_seconds"]),
                   ("ns_per_trial_step", lambda r: 1e9 * r["run_seconds"] / (200 * 12)),
                   ("run_floor_ratio", lambda r: r["run_seconds"] / r["floor_seconds"])]:
        want = med(f)
        check(abs(p[key] - want) <= 1e-12 * abs(want), "%d threads: %s %r, the runs' median %r"
              % (p["threads"], key, p[key], want))
    pairs = statistics.median([b["run_seconds"] / r["run_seconds"]
                               for b, r in zip(pts[0]["runs"], runs)])
    check(abs(p["speedup"] - pairs) <= 1e-12 * pairs,
          "%d threads: speed-up %r, the median of the pairs' %r" % (p["threads"], p["speedup"], pairs))
    eff = base / p["run_seconds"] / p["threads"]
    check(abs(p["parallel_efficiency"] - eff) <= 1e-12 * eff,
          "%d threads: efficiency %r, expected %r" % (p["threads"], p["parallel_efficiency"], eff))
for b in bad:
    print("FAIL: tiny bench JSON:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF

echo "$fails failed"
[ "$fails" -eq 0 ]
