#!/bin/sh
# `minrisk validate FILE` prints the resolved scenario, then the indicator
# table (MODEL §11) in YAML comment lines: the output loads again as a
# scenario, validating it gives the same resolved YAML, and the tables
# (world, then UK sourcing) are there. usage: indicators_validate_roundtrip.sh MINRISK SCENARIO.yaml
bin=$1 scenario=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
"$bin" validate "$scenario" >"$tmp/a.yaml" || fail "validate $scenario"
"$bin" validate "$tmp/a.yaml" >"$tmp/b.yaml" || fail "validate of validate's output does not load"
cmp -s "$tmp/a.yaml" "$tmp/b.yaml" || fail "validating validate's output changes it"
grep -q '^# mineral  *stage  *HHI (x10^4)  *HHI_WGI (0-10)  *top country  *top share %  *flag' \
  "$tmp/a.yaml" || fail "no indicator table header"
grep -Eq '^# [0-9]+ of [0-9]+ stages above the cap of [0-9.]+%$' "$tmp/a.yaml" ||
  fail "no count of flagged stages"
# UK sourcing beside the world's product stage (docs/MODEL.md §3u), one row per mineral
grep -q '^# mineral  *world stage  *world top  *world share %  *world HHI  *world flag  *UK before policy %  *UK top  *UK share %  *UK HHI  *UK flag  *UK basis$' \
  "$tmp/a.yaml" || fail "no UK sourcing table header"
grep -Eq '^# [0-9]+ of [0-9]+ minerals. UK sourcing above the cap of [0-9.]+%; [0-9]+ of [0-9]+ on the open-market fallback' \
  "$tmp/a.yaml" || fail "no count of flagged minerals' UK sourcing"
# the table is the tail of the output, every line a comment
tail -n 3 "$tmp/a.yaml" | grep -qv '^#' && fail "the indicator table has a line that is not a comment"
echo "ok"
