#!/bin/bash
# scenario_authoring.sh MINRISK_BIN PART - scenario authoring (issue 15, deliverable 4;
# docs/SCENARIO_FORMAT.md "Starting a scenario", "Every error", "Warnings").
# Run from the source root, so messages carry relative paths.
#
#   errors    each tests/authoring/errors/*.yaml names on its first lines
#             ("# expect: LINE") every line `minrisk validate` must print,
#             in that order, exit 2; `minrisk run` exits 2 with one line,
#             the first error it meets, which is one of them
#   warnings  each tests/authoring/warnings/*.yaml names its warnings the
#             same way: validate and run exit 0 printing exactly those on
#             stderr, run --quiet prints none; the scenarios of scenarios/
#             give none; the case of issue 15 (governance scores without
#             defaults.wgi_rate, no events) does run to a loss of exactly 0
#   init      `minrisk init` with several option combinations writes a file
#             that validates without a warning; its default runs 300 trials
#             to a positive mean loss; an existing file is not replaced
#             without --force (exit 2, one line, the file unchanged); bad
#             ids and repeats are refused; every invented figure is marked
#             'assumption: replace'; any file name gives a file that loads;
#             a file above the loader's 16 MiB is refused, not written
set -u
bin=$1
part=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0
fail() {
    echo "FAIL: $*"
    status=1
}

# expected FILE: its "# expect: " lines, the prefix removed
expected() { sed -n 's/^# expect: //p' "$1"; }

case $part in
errors)
    for f in tests/authoring/errors/*.yaml; do
        expected "$f" >"$tmp/want"
        [ -s "$tmp/want" ] || fail "$f: no '# expect:' line"
        "$bin" validate "$f" >/dev/null 2>"$tmp/got"
        rc=$?
        [ $rc -eq 2 ] || fail "validate $f exited $rc, expected 2"
        if ! cmp -s "$tmp/want" "$tmp/got"; then
            fail "validate $f: stderr differs"
            diff "$tmp/want" "$tmp/got"
        fi
        "$bin" run "$f" -o "$tmp/out.h5" --quiet >/dev/null 2>"$tmp/run"
        rc=$?
        [ $rc -eq 2 ] || fail "run $f exited $rc, expected 2"
        [ "$(wc -l <"$tmp/run")" -eq 1 ] || fail "run $f: not one line"
        grep -qxF -f "$tmp/run" "$tmp/want" || fail "run $f: '$(cat "$tmp/run")' is not one of validate's"
        [ -e "$tmp/out.h5" ] && fail "run $f left an output"
        [ $status -eq 0 ] && echo "ok: $f ($(wc -l <"$tmp/want") lines)"
    done
    # beyond 1000 errors the check stops: the count is a floor
    {
        sed -n '1,/^simulation:/p' tests/authoring/errors/three_errors.yaml | grep -v '^#'
        for k in $(seq 1100); do echo "  k$k: 1"; done
        sed -n '/^simulation:/,$p' tests/authoring/errors/three_errors.yaml | sed 1d
    } >"$tmp/cap.yaml"
    "$bin" validate "$tmp/cap.yaml" >/dev/null 2>"$tmp/got"
    [ "$(wc -l <"$tmp/got")" -eq 21 ] || fail "1100 errors: $(wc -l <"$tmp/got") lines, expected 21"
    [ "$(tail -1 "$tmp/got")" = "$tmp/cap.yaml: ... and at least 980 more errors" ] ||
        fail "1100 errors: last line '$(tail -1 "$tmp/got")'"
    [ "$(head -1 "$tmp/got")" = "$tmp/cap.yaml:6:3: simulation.k1: unknown key 'k1' (expected one of: horizon_years, steps_per_year, start_year, trials, seed, target_precision, max_trials)" ] ||
        fail "1100 errors: first line '$(head -1 "$tmp/got")'"
    [ $status -eq 0 ] && echo "ok: 1100 errors: 20 lines, then '... and at least 980 more errors'"
    ;;
warnings)
    for f in tests/authoring/warnings/*.yaml; do
        expected "$f" | sed 's/^/warning: /; s/^warning: warning: /warning: /' >"$tmp/want"
        "$bin" validate "$f" >/dev/null 2>"$tmp/got"
        rc=$?
        [ $rc -eq 0 ] || fail "validate $f exited $rc, expected 0"
        cmp -s "$tmp/want" "$tmp/got" || {
            fail "validate $f: stderr differs"
            diff "$tmp/want" "$tmp/got"
        }
        "$bin" run "$f" -o "$tmp/w.h5" --trials 200 --threads 1 >/dev/null 2>"$tmp/run"
        rc=$?
        [ $rc -eq 0 ] || fail "run $f exited $rc, expected 0"
        grep -v '^minrisk: ' "$tmp/run" >"$tmp/got" # its closing lines
        cmp -s "$tmp/want" "$tmp/got" || {
            fail "run $f: stderr differs"
            diff "$tmp/want" "$tmp/got"
        }
        rm -f "$tmp/w.h5"
        "$bin" run "$f" -o "$tmp/w.h5" --trials 20 --threads 1 --quiet >/dev/null 2>"$tmp/got"
        [ -s "$tmp/got" ] && fail "run --quiet $f printed: $(cat "$tmp/got")"
        rm -f "$tmp/w.h5"
        [ $status -eq 0 ] && echo "ok: $f ($(wc -l <"$tmp/want") warnings)"
    done
    # the issue's case: it runs, and every loss is exactly 0
    "$bin" run tests/authoring/warnings/governance_no_rule.yaml -o "$tmp/z.h5" --trials 300 \
        --threads 1 --quiet || fail "run governance_no_rule"
    total=$("$bin" summary "$tmp/z.h5" | awk '$1 == "Total" { print $2; exit }')
    [ "$total" = "0.000" ] || fail "governance_no_rule: mean total loss '$total', expected 0"
    for f in scenarios/*.yaml; do
        "$bin" validate "$f" >/dev/null 2>"$tmp/got" || fail "validate $f"
        [ -s "$tmp/got" ] && fail "$f warns: $(cat "$tmp/got")"
    done
    [ $status -eq 0 ] && echo "ok: scenarios/*.yaml give no warning"
    ;;
init)
    # option combinations: each file validates with no warning
    n=0
    while read -r opts; do
        n=$((n + 1))
        # shellcheck disable=SC2086
        "$bin" init $opts "$tmp/i$n.yaml" || fail "init $opts"
        "$bin" validate "$tmp/i$n.yaml" >"$tmp/v.out" 2>"$tmp/v.err" || fail "init $opts: invalid: $(cat "$tmp/v.err")"
        [ -s "$tmp/v.err" ] && fail "init $opts: warns: $(cat "$tmp/v.err")"
        # every figure it invents is marked 'assumption: replace', the words
        # SCENARIO_FORMAT.md tells to grep for (figures: lines with a number
        # after ':', in a block or a flow mapping; a list item carrying a
        # spare as well as a share, since the list's own line marks the shares)
        unmarked=$( (grep -E '^ *[a-z_]+: *-?[0-9]' "$tmp/i$n.yaml"
            grep -E '^ *- \{.*spare: *[0-9]' "$tmp/i$n.yaml") |
            grep -vE 'assumption: replace|horizon_years|steps_per_year|trials|seed|wgi_pv' || true)
        [ -n "$unmarked" ] && fail "init $opts: figures not marked: $unmarked"
        # ROW's comment says what aggregate does (SCENARIO_FORMAT.md): a
        # cap never cuts it, HHI leaves it out; it does not stop an outage
        # (a wgi_pv given to ROW derives one, aggregate or not)
        grep -q '^    aggregate: true .*no country-wide outage' "$tmp/i$n.yaml" &&
            fail "init $opts: the aggregate comment says it stops a country-wide outage"
        # the model's sections it cites are docs/MODEL.md's (its headings
        # "## §N ..."), not the v1 spec's "MODEL 3.1" (until 2026-12-06)
        grep -nE 'MODEL [0-9]' "$tmp/i$n.yaml" && fail "init $opts: cites the v1 spec's MODEL n"
        for sec in $(grep -oE 'docs/MODEL\.md §[0-9]+[a-z]?( and §[0-9]+[a-z]?)?' "$tmp/i$n.yaml" |
            grep -oE '§[0-9]+[a-z]?'); do
            grep -qE "^## $sec( |\$)" docs/MODEL.md || fail "init $opts: cites $sec, not a section of docs/MODEL.md"
        done
        [ "$(grep -c 'docs/MODEL\.md §' "$tmp/i$n.yaml")" -eq 5 ] ||
            fail "init $opts: not 5 lines citing a section of docs/MODEL.md"
        echo "ok: init $opts"
    done <<'EOF'

--minerals lithium
--minerals=lithium,cobalt,gallium,ree_light,Nb-2 --sectors=automotive
--sectors a,b,c,d,e,f,g --minerals x
--minerals null,yes,on --sectors no,true
-f --sectors defence
EOF
    # a file name with a newline stays in its comments (the file still loads)
    nl="$tmp/a"$'\n'"b.yaml"
    "$bin" init "$nl" && "$bin" validate "$nl" >/dev/null 2>&1 || fail "init with a newline in the name"
    # so does one with bytes that are not UTF-8, a NEL or U+2028 (YAML line
    # breaks), a C1 control, U+FFFE, and one longer than the comment's room
    # made of 2-byte characters (cut between characters); until 2026-12 the
    # name went raw into the comments and the file did not load (a byte
    # 0xff: "syntax: invalid leading UTF-8 octet")
    d200=$(printf 'd%.0s' $(seq 1 200))
    mkdir -p "$tmp/$d200/$d200"
    for name in $'x\xff.yaml' $'a\xc2\x85b: 1.yaml' $'a\xe2\x80\xa8b.yaml' $'a\xc2\x9bb.yaml' \
        $'a\xef\xbf\xbeb.yaml' $'x\xed\xa0\x80.yaml' $'\xc3\xa9t\xc3\xa9.yaml' \
        "$d200/$d200/$(printf '\xc3\xa9%.0s' $(seq 1 100)).yaml"; do
        "$bin" init "$tmp/$name" || fail "init $(printf %q "$name")"
        "$bin" validate "$tmp/$name" >/dev/null 2>"$tmp/v.err" ||
            fail "init $(printf %q "$name"): the file does not load: $(cat "$tmp/v.err")"
    done
    echo "ok: init with names that are not UTF-8, hold YAML line breaks or are long"
    # a file the loader would refuse for its size (16 MiB) is not written
    many=$(seq -s, -f "m%g" 1 300)
    "$bin" init --minerals "$many" --sectors "${many//m/s}" "$tmp/big.yaml" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || fail "init of 300 minerals x 300 sectors exited $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "init 300 x 300: not one line"
    grep -qE "^minrisk init: 300 minerals and 300 sectors make a file of 3[0-9]\.[0-9] MiB, above the limit of 16 MiB for a scenario file" "$tmp/err" ||
        fail "init 300 x 300: '$(cat "$tmp/err")'"
    [ -e "$tmp/big.yaml" ] && fail "init 300 x 300 wrote a file the loader refuses"
    echo "ok: init refuses a file above the loader's 16 MiB"
    # the default file runs to a loss
    "$bin" init "$tmp/run.yaml" || fail "init"
    "$bin" run "$tmp/run.yaml" -o "$tmp/run.h5" --trials 300 --threads 1 --quiet || fail "run init output"
    total=$("$bin" summary "$tmp/run.h5" | awk '$1 == "Total" { print $2; exit }')
    awk -v t="$total" 'BEGIN { exit !(t + 0 > 0) }' || fail "init output: mean total loss '$total', expected > 0"
    echo "ok: init output runs 300 trials, mean total loss $total GBP m"
    # its sectors state gva_gbp and spend_gbp: the headline is on value added
    # and pays an extra cost (the parts table: sector, value added lost,
    # extra cost, headline, gross output lost); without gva_gbp the summary
    # says that value added lost is gross output lost
    "$bin" summary "$tmp/run.h5" >"$tmp/run.sum" || fail "summary of init output"
    grep -q "(basis: value added)" "$tmp/run.sum" || fail "init output: the headline is not on value added"
    extra=$(awk '$1 == "Total" && NF == 5 { print $3; exit }' "$tmp/run.sum")
    awk -v x="$extra" 'BEGIN { exit !(x + 0 > 0) }' || fail "init output: extra cost '$extra', expected > 0"
    grep -v "gva_gbp:" "$tmp/run.yaml" >"$tmp/turnover.yaml"
    "$bin" run "$tmp/turnover.yaml" -o "$tmp/turnover.h5" --trials 100 --threads 1 --quiet ||
        fail "run init output without gva_gbp"
    "$bin" summary "$tmp/turnover.h5" >"$tmp/turnover.sum" || fail "summary without gva_gbp"
    grep -q "^No sector states gva_gbp: value added lost is gross output lost, an upper bound.$" \
        "$tmp/turnover.sum" || fail "summary without gva_gbp: the basis is not explained"
    echo "ok: init output is on value added with an extra cost of $extra GBP m; without gva_gbp summary says so"
    # no replacing without --force
    cp "$tmp/run.yaml" "$tmp/keep"
    echo "name: mine" >"$tmp/run.yaml"
    "$bin" init "$tmp/run.yaml" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || fail "init over an existing file exited $rc, expected 2"
    [ "$(cat "$tmp/err")" = "minrisk init: $tmp/run.yaml exists; use --force to replace it" ] ||
        fail "init over an existing file: '$(cat "$tmp/err")'"
    [ "$(cat "$tmp/run.yaml")" = "name: mine" ] || fail "init replaced the file without --force"
    "$bin" init --force "$tmp/run.yaml" || fail "init --force"
    cmp -s "$tmp/keep" "$tmp/run.yaml" || fail "init --force: not the same file"
    # bad ids, repeats
    for opts in "--minerals 1x" "--minerals a,,b" "--sectors a,b,a" "--minerals a.b" \
        "--sectors auto,Total"; do
        # shellcheck disable=SC2086
        "$bin" init $opts "$tmp/bad.yaml" 2>"$tmp/err"
        rc=$?
        [ $rc -eq 2 ] || fail "init $opts exited $rc, expected 2"
        [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "init $opts: not one line"
        [ -e "$tmp/bad.yaml" ] && fail "init $opts wrote a file"
    done
    "$bin" init --minerals 1x "$tmp/bad.yaml" 2>&1 | grep -qxF "minrisk init: --minerals: '1x' is not an id (a letter, then letters, digits, _ and -, at most 64)" ||
        fail "init --minerals 1x: message"
    "$bin" init --sectors a,b,a "$tmp/bad.yaml" 2>&1 | grep -qxF "minrisk init: --sectors: 'a' is given twice" ||
        fail "init --sectors a,b,a: message"
    # the sum over sectors is the series 'total' (until 2026-12-08 a sector
    # 'total' made two columns total_loss_gbp_m in the export)
    "$bin" init --sectors auto,Total "$tmp/bad.yaml" 2>&1 | grep -xF "minrisk init: --sectors: 'Total' is reserved: the output names the sum over sectors 'total'; choose another id" >/dev/null ||
        fail "init --sectors auto,Total: message"
    # a name not of a scenario (.yaml, .yml, any case): refused, even with
    # --force (until 2026-12-08 `init --force r.h5` replaced a result file
    # by YAML, and `init -` made a file named '-')
    printf 'HDF' >"$tmp/r.h5"
    for name in r.h5 - x.yaml.ckpt; do
        (cd "$tmp" && "$bin" init --force "$name" 2>"$tmp/err")
        rc=$?
        [ $rc -eq 2 ] || fail "init --force $name exited $rc, expected 2"
        grep -xF "minrisk init: '$name': a scenario's name ends in .yaml or .yml (see 'minrisk init --help')" "$tmp/err" >/dev/null ||
            fail "init --force $name: '$(cat "$tmp/err")'"
    done
    [ "$(cat "$tmp/r.h5")" = HDF ] || fail "init --force r.h5 changed it"
    [ -e "$tmp/-" ] && fail "init - made a file named '-'"
    (cd "$tmp" && "$bin" init UPPER.YML) || fail "init UPPER.YML"
    [ $status -eq 0 ] && echo "ok: init refuses to replace, bad ids"
    ;;
*)
    echo "usage: $0 MINRISK_BIN errors|warnings|init" >&2
    exit 1
    ;;
esac
exit $status
