#!/bin/sh
# sweep_cli.sh MINRISK_BIN SRC [MPIEXEC]
#
# A sweep (tests/studies/sweep/grid.yaml, 2 x 3 variants) run in one command:
# - the file has kind "sweep", six /variants groups and the /sweep table;
# - variant months_6__diversification_cap_0.70 is bit for bit the run of
#   tests/studies/sweep/variant_6_070.yaml, where the same values are written out
#   (independent of the sweep machinery): /summary, /trials, /indicators,
#   /attribution;
# - 1 and 2 threads (and, with MPIEXEC, 2 ranks) give identical files
#   outside /run_info;
# - `minrisk summary` prints one row per variant;
# - a swept key none of whose values changes any trial's total loss is
#   warned of at the key (grid.yaml's diversification_cap: base.yaml's
#   control has no licensing, so UK sourcing reaches no loss, MODEL §3u),
#   the key that does change it (months) is not, nor a policy cost (which
#   only the per-pound figures use), and --quiet prints nothing;
# - a grid whose variants' results do not fit the memory limit together
#   (20 variants of 20,000 trials, about 12 MB each, under
#   MINRISK_MEMORY_LIMIT=200M) is refused before its first variant runs,
#   with the later variants counted in the message: exit status 1, nothing
#   at the output path;
# - a sweep of 18 keys, two of which share their last part (so the group
#   names are made of whole key paths, about 700 characters), runs and
#   writes its variants as v0 and v1 (their settings in /sweep/label);
#   `minrisk summary` prints its table with a column of row numbers and
#   each variant's settings below it (more keys than the table's columns);
# - a sweep of simulation.horizon_years: the summary says its totals cover
#   different spans of years; a swept amount of a mineral has the mineral's
#   unit (kg per year, GBP per kg), not the schema's word "unit", whole
#   however long.
set -u
# h5diff that also fails on objects it cannot compare (tests/h5same.sh)
h5same=$(cd "$(dirname "$0")/../.." && pwd)/h5same.sh
bin=$1
src=$2
mpiexec=${3:-}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

OMP_NUM_THREADS=1 "$bin" run "$src/tests/studies/sweep/grid.yaml" -o "$tmp/s1.h5" -q || fail "sweep run (1 thread)"
OMP_NUM_THREADS=2 "$bin" run "$src/tests/studies/sweep/grid.yaml" -o "$tmp/s2.h5" -q || fail "sweep run (2 threads)"
"$h5same" -c --exclude-path /run_info "$tmp/s1.h5" "$tmp/s2.h5" >"$tmp/d" || { cat "$tmp/d"; fail "1 vs 2 threads differ"; }
if [ -n "$mpiexec" ]; then
    OMP_NUM_THREADS=1 "$mpiexec" --oversubscribe --allow-run-as-root -n 2 "$bin" run "$src/tests/studies/sweep/grid.yaml" -o "$tmp/sm.h5" -q ||
        fail "sweep run (2 ranks)"
    "$h5same" -c --exclude-path /run_info "$tmp/s1.h5" "$tmp/sm.h5" >"$tmp/d" ||
        { cat "$tmp/d"; fail "1 vs 2 ranks differ"; }
fi
"$bin" run "$src/tests/studies/sweep/variant_6_070.yaml" -o "$tmp/v.h5" -q || fail "variant run"
v=/variants/months_6__diversification_cap_0.70
for g in summary trials indicators attribution; do
    "$h5same" -c "$tmp/s1.h5" "$tmp/v.h5" "$v/$g" "/$g" >"$tmp/d" ||
        { cat "$tmp/d"; fail "$v/$g differs from the written-out variant's /$g"; }
done
kind=$(h5dump -a /kind "$tmp/s1.h5" | sed -n 's/.*(0): "\(.*\)".*/\1/p')
[ "$kind" = sweep ] || fail "root attribute kind is '$kind', expected sweep"
"$bin" summary "$tmp/s1.h5" >"$tmp/sum" || fail "summary"
rows=$(grep -cE '^(0|6) +(none|0.70|0.5) ' "$tmp/sum")
[ "$rows" -eq 6 ] || { cat "$tmp/sum"; fail "summary shows $rows variant rows, expected 6"; }
grep -q '(reference)' "$tmp/sum" || fail "summary has no reference row"
"$bin" run "$src/tests/studies/sweep/grid.yaml" -o "$tmp/s3.h5" --threads 1 2>"$tmp/err" >/dev/null || fail "sweep run (not quiet)"
want="warning: $src/tests/studies/sweep/grid.yaml:8:3: sweep.policies.diversification_cap: none of its values changes any trial's total loss"
grep -qF "$want" "$tmp/err" || { cat "$tmp/err"; fail "no warning that diversification_cap changes nothing"; }
! grep -q "policies.stockpile.months" "$tmp/err" || { cat "$tmp/err"; fail "a warning about months, which changes the loss"; }
"$bin" run "$src/tests/studies/sweep/grid.yaml" -o "$tmp/s4.h5" --threads 1 -q 2>"$tmp/err" >/dev/null || fail "sweep run (quiet)"
[ ! -s "$tmp/err" ] || { cat "$tmp/err"; fail "--quiet printed"; }
"$bin" run "$src/tests/studies/sweep/cost_grid.yaml" -o "$tmp/c.h5" --threads 1 2>"$tmp/err" >/dev/null || fail "cost sweep"
! grep -q "warning" "$tmp/err" || { cat "$tmp/err"; fail "a warning about a policy cost, which is not meant to change the loss"; }
# a stated cost that no swept key changes: the summary says why every
# per-pound cell is n/a (until 2026-12-08 only the heading's "(n/a: no
# more cost than the first, or another horizon)")
printf 'extends: %s\nsimulation:\n  trials: 100\npolicies:\n  stockpile: {months: 0}\n  cost:\n    stockpile: {gbp_per_year: 1e6, source: "assumption: a test figure"}\nsweep:\n  policies.stockpile.months: [0, 6]\n' \
    "$src/tests/studies/sweep/base.yaml" >"$tmp/fixed_cost.yaml"
"$bin" run "$tmp/fixed_cost.yaml" -o "$tmp/fc.h5" --threads 1 -q || fail "fixed-cost sweep"
"$bin" summary "$tmp/fc.h5" >"$tmp/fc.txt" || fail "summary of the fixed-cost sweep"
grep -F "(every variant states the same policy cost, GBP 5.0m: the swept keys do not change" "$tmp/fc.txt" >/dev/null ||
    { cat "$tmp/fc.txt"; fail "no note that every variant states the same cost"; }
"$bin" summary "$tmp/c.h5" | grep -F "same policy cost" >/dev/null && fail "the note on a sweep whose cost changes"
printf 'extends: %s\nsimulation:\n  trials: 20000\nsweep:\n  policies.stockpile.months: [0, 1, 2, 3, 4]\n  policies.diversification_cap: [null, 0.9, 0.8, 0.7]\n' \
    "$src/tests/studies/sweep/base.yaml" >"$tmp/big.yaml"
MINRISK_MEMORY_LIMIT=200M "$bin" run "$tmp/big.yaml" -o "$tmp/big.h5" --threads 1 -q 2>"$tmp/err" >/dev/null
rc=$?
[ "$rc" -eq 1 ] || { cat "$tmp/err"; fail "a grid too large for memory: exit status $rc, expected 1"; }
grep -q "results of the 19 later variants (a sweep holds them until its one write)" "$tmp/err" ||
    { cat "$tmp/err"; fail "a grid too large for memory is not refused before its first variant"; }
[ ! -e "$tmp/big.h5" ] || fail "a refused sweep left $tmp/big.h5"
{
    printf 'extends: %s\nsimulation:\n  trials: 100\nsweep:\n' "$src/tests/studies/sweep/base.yaml"
    printf '  countries.CN.wgi_pv: [-0.44]\n  countries.AU.wgi_pv: [1.0]\n'
    printf '  countries.AU.outage.rate_per_year: [0.02]\n  events.cn-controls.rate_per_year: [0.15, 0.2]\n'
    printf '  minerals.gallium.demand_t: [10]\n  minerals.lithium.demand_t: [5000]\n'
    printf '  minerals.gallium.refining[0].spare: [0.0]\n  minerals.gallium.refining[1].spare: [0.0]\n'
    printf '  minerals.lithium.mining[0].spare: [0.0]\n  minerals.lithium.mining[1].spare: [0.0]\n'
    printf '  minerals.gallium.price.ref: [400000]\n  minerals.lithium.price.ref: [10800]\n'
    printf '  minerals.lithium.recycled_share: [0.1]\n  minerals.lithium.domestic_share: [0.2]\n'
    printf '  sectors.electronics.output_gbp: [20e9]\n  sectors.automotive.output_gbp: [80e9]\n'
    printf '  sectors.electronics.needs[0].dependent_share: [0.3]\n'
    printf '  sectors.automotive.needs[0].dependent_share: [0.25]\n'
} >"$tmp/long.yaml"
"$bin" run "$tmp/long.yaml" -o "$tmp/long.h5" --threads 1 -q 2>"$tmp/err" >/dev/null ||
    { cat "$tmp/err"; fail "a sweep of 18 keys (long group names) failed"; }
h5ls "$tmp/long.h5/variants" >"$tmp/ls" 2>&1 || { cat "$tmp/ls"; fail "h5ls of the long sweep"; }
[ "$(awk '{print $1}' "$tmp/ls" | tr '\n' ' ')" = "v0 v1 " ] || { cat "$tmp/ls"; fail "long sweep: variants are not v0, v1"; }
h5ls "$tmp/long.h5/variants/v1/summary/total_loss_mean" >/dev/null 2>&1 || fail "long sweep: no /variants/v1/summary"
"$bin" summary "$tmp/long.h5" >"$tmp/sum" 2>&1 || { cat "$tmp/sum"; fail "summary of the 18-key sweep"; }
grep -qE '^2 +[0-9]' "$tmp/sum" || { cat "$tmp/sum"; fail "18-key summary: no row 2"; }
grep -qF '  2  v1: countries.CN.wgi_pv=-0.44, countries.AU.wgi_pv=1.0, countries.AU.outage.rate_per_year=0.02, events.cn-controls.rate_per_year=0.2,' "$tmp/sum" ||
    { cat "$tmp/sum"; fail "18-key summary: no settings line of v1"; }
# the horizon swept: the table says its totals cover different spans, and
# not for a sweep of other keys
grep -q "horizons differ" "$tmp/sum" && fail "a horizon note without a horizon sweep"
# and the mineral's own unit in a swept amount's unit (the schema says "unit")
printf 'extends: %s\nminerals: {gallium: {unit: kg}}\nsweep:\n  simulation.horizon_years: [2, 3]\n  minerals.gallium.demand_t: [10, 20]\n  minerals.gallium.price.ref: [400, 500]\n' \
    "$src/tests/studies/sweep/base.yaml" >"$tmp/hz.yaml"
"$bin" run "$tmp/hz.yaml" -o "$tmp/hz.h5" --trials 50 -q || fail "horizon sweep"
for k in "demand_t:kg per year" "ref:GBP per kg" "horizon_years:years"; do
    u=$(h5dump -a "/sweep/grid/${k%%:*}/units" "$tmp/hz.h5" | sed -n 's/.*(0): "\(.*\)".*/\1/p')
    [ "$u" = "${k#*:}" ] || fail "the unit of /sweep/grid/${k%%:*} is '$u', expected '${k#*:}'"
done
# a mineral's unit of 180 characters, whole (it went through a 160-byte buffer)
long=$(printf 'kg-of-Ga-metal-%.0s' 1 2 3 4 5 6 7 8 9 10 11 12)
printf 'extends: %s\nminerals: {gallium: {unit: "%s"}}\nsweep:\n  minerals.gallium.demand_t: [10, 20]\n' \
    "$src/tests/studies/sweep/base.yaml" "$long" >"$tmp/lu.yaml"
"$bin" run "$tmp/lu.yaml" -o "$tmp/lu.h5" --trials 50 -q || fail "sweep of a mineral with a long unit"
u=$(h5dump -a "/sweep/grid/demand_t/units" "$tmp/lu.h5" | sed -n 's/.*(0): "\(.*\)".*/\1/p')
[ "$u" = "$long per year" ] || fail "the unit of /sweep/grid/demand_t is '$u', expected '$long per year'"
"$bin" summary "$tmp/hz.h5" >"$tmp/sum" || fail "summary of the horizon sweep"
grep -qF "The variants' horizons differ: the horizon's figures (mean to ES, vs first) cover" "$tmp/sum" ||
    { cat "$tmp/sum"; fail "horizon sweep: no note that the totals cover different spans"; }
# a change of a fraction of a GBP m beside losses of thousands (the demo's
# gallium stockpile swept from 6 to 24 months): "vs first" printed with 2
# significant digits as the file holds it, not -0 [-0, -0] (until 2026-12-07)
"$bin" run "$src/tests/studies/sweep/gallium_months.yaml" -o "$tmp/ga.h5" --trials 2000 -q ||
    fail "sweep of the gallium stockpile"
"$bin" summary "$tmp/ga.h5" >"$tmp/sum" || fail "summary of the gallium sweep"
# the file's (2 x 3: the variants' change, low, high), at full precision
want=$(h5dump -m %.17g -d /sweep/mean_difference "$tmp/ga.h5" |
    awk '/DATA \{/ { d = 1; next } d && /^ *\}/ { d = 0 }
         d { sub(/^ *\([0-9,]+\): */, ""); n = split($0, a, ",")
             for (i = 1; i <= n; i++) if (a[i] ~ /[0-9]/) v[k++] = a[i] + 0 }
         END { printf "%+.2f [%+.2f, %+.2f]", v[3] / 1e6, v[4] / 1e6, v[5] / 1e6 }')
case "$want" in
    -0.[0-9][0-9]" ["-0.[0-9][0-9]", "-0.[0-9][0-9]"]") ;;
    *) fail "gallium sweep: the file's change is '$want', expected a fall of a fraction of a GBP m" ;;
esac
case "$(grep '^value2 ' "$tmp/sum")" in
    *" $want") ;;
    *) cat "$tmp/sum"; fail "gallium sweep: 'vs first' is not '$want' (the file's, 2 significant digits)" ;;
esac
echo "sweep: OK"
