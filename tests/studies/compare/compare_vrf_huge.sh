#!/usr/bin/env bash
# `minrisk summary` of a comparison of three or more scenarios prints a
# variance-reduction factor from 1e15 up with 4 significant digits, as the
# other tables print a huge figure (out/tables/cellnum.h). Until 2026-12-07
# it was "%.1f" into a 32-byte buffer: from 1e30 up the figure was cut,
# 1.111e31 printed as 1111290944924416553504067079372, ten times too small.
# B is A with each sector's output larger by one part in 5e15, so X - A is
# A's loss times about 2e-16 (rounded) and the VRF about 1e31; C is A itself
# (X - A = 0: inf). The printed cells are checked against the file's
# /difference/variance_reduction (h5dump), to 4 significant digits, and so
# are the cells compare itself prints (until 2026-12-07 every digit of
# %10.1f, 32 of them); in both the columns stay aligned (summary's were 5
# characters wide whatever the figure). A second case, B's output larger by
# one part in 1e6 (VRF about 2e12, "2005256605858.1"), is printed %.1f and
# keeps the columns aligned too (compare's were 10 wide until 2026-12-07).
# usage: compare_vrf_huge.sh MINRISK SRC PYTHON [H5DUMP]
set -uo pipefail
bin=$1 src=$2 py=$3 h5dump=${4:-h5dump}
command -v "$h5dump" >/dev/null || {
  echo "h5dump not found: skipped"
  exit 77
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
a=$src/tests/studies/compare/crn_base.yaml
status=0
# case OUTPUT LOW HIGH: B's sector output OUTPUT; VRF B of s1 must lie in [LOW, HIGH)
for case in "1.0000000000000002e9 1e30 inf" "1.000001e9 1e8 1e15"; do
read -r out low high <<<"$case"
sed "s/output_gbp: 1.0e9 /output_gbp: $out /" "$a" >"$tmp/ulp.yaml"
grep -q "$out" "$tmp/ulp.yaml" || { echo "FAIL: crn_base.yaml has no 'output_gbp: 1.0e9 '"; exit 1; }
"$bin" compare "$a" "$tmp/ulp.yaml" "$a" --trials 300 --seed 9 --bootstrap 0 --quiet \
  -o "$tmp/ulp.h5" >"$tmp/compare" || { echo "FAIL: compare: status $?"; exit 1; }
"$bin" summary "$tmp/ulp.h5" >"$tmp/summary" || { echo "FAIL: summary: status $?"; exit 1; }
"$h5dump" -m %.17g -w 0 -d /difference/variance_reduction "$tmp/ulp.h5" >"$tmp/vrf" ||
  { echo "FAIL: h5dump: status $?"; exit 1; }
"$py" - "$tmp/vrf" "$tmp/summary" "$tmp/compare" "$low" "$high" <<'PY' || status=1
import math, re, sys
dump = open(sys.argv[1]).read()
# the dataset: [versus, series], versus B then C; series s1, s2, total
rows = [[float(x) for x in re.split(r",\s*", m.strip().rstrip(","))]
        for m in re.findall(r"\(\d+,0\): ([^\n]*)", dump)]
fails = []
if len(rows) != 2 or any(len(r) != 3 for r in rows):
    sys.exit("FAIL: /difference/variance_reduction is not [2, 3]: %r" % rows)
low, high = float(sys.argv[4]), float(sys.argv[5])
if not low <= rows[0][0] < high:
    sys.exit("FAIL: the case is not in [%g, %g): VRF B of s1 is %r" % (low, high, rows[0][0]))
for what in (2, 3):
    text = open(sys.argv[what]).read()
    who = ("summary", "compare")[what - 2]
    table = text[text.index("Variance reduction by common random numbers"):]
    lines = {}
    for ln in table.splitlines()[1:]:
        f = ln.split()
        if len(f) == 3 and f[0].lower() in ("s1", "s2", "total"):  # compare: "Total"
            lines.setdefault(f[0].lower(), f[1:])
    for s, name in enumerate(("s1", "s2", "total")):
        if name not in lines:
            fails.append("%s: no VRF row of %s" % (who, name))
            continue
        for w in range(2):
            cell, want = lines[name][w], rows[w][s]
            if math.isinf(want):
                ok = cell == "inf"
            elif want >= 1e15:
                ok = re.fullmatch(r"\d(\.\d{1,3})?e\+\d{2,3}", cell) is not None and \
                    abs(float(cell) / want - 1) < 5e-4
            else:
                ok = cell == "%.1f" % want
            if not ok:
                fails.append("%s: VRF %s of %s: printed %s, the file holds %.17g"
                             % (who, "BC"[w], name, cell, want))
    # the columns stay aligned: each row as long as the heading row
    head = [ln for ln in table.splitlines() if ln.split()[:1] == ["series"]]
    body = [ln for ln in table.splitlines() if ln.split()[:1] in (["s1"], ["s2"], ["total"], ["Total"])]
    if len(head) != 1 or any(len(b) != len(head[0]) for b in body):
        fails.append("%s: the VRF table's rows are not as long as its heading:\n%s"
                     % (who, "\n".join(head + body)))
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
done
exit $status
