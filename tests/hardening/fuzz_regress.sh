#!/usr/bin/env bash
# fuzz_regress.sh TARGET MINRISK SRC INPUT... - the fuzzers' inputs through
# the ordinary minrisk binary (tests fuzz_regress_<target>_<name>, and
# fuzz_seeds_loader over the loader's seed corpus; tests/hardening/fuzz.cmake).
#   loader: each INPUT is a scenario file, checked as fuzz.yaml beside
#           tests/fuzz/parent.yaml (as fuzz_loader.c sees it): `validate`
#           exits 0 with nothing on stderr but `warning:` lines (and its
#           output validates again, and `run --quiet --trials 1` exits 0, 1
#           or 2 with one line or none) or 2 with its errors, one line each
#           (every error it finds: at most 20, then "... and N more").
#           NO_RUN=1 (the corpus test, 100 files): no `run`, which takes a
#           second each.
#   reader: each INPUT is a result file: `summary FILE`, `explain FILE` and
#           `explain FILE --run runs/b` exit 0 with nothing on stderr, or 1
#           or 2 with one line.
# Never a signal, never more than 60 s. The first failure is printed.
set -u
target=$1 bin=$(realpath "$2") src=$(realpath "$3")
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect_status NAME STATUS...: the last command ($st, $tmp/err) exited with
# one of the statuses, one line on stderr when it failed and none when not;
# with MANY=1 (validate) up to 21 lines when it failed and only `warning:`
# lines when not.
expect_status() {
    local name=$1 ok=0 s
    shift
    for s in "$@"; do
        [ "$st" -eq "$s" ] && ok=1
    done
    if [ $ok -eq 0 ]; then
        echo "FAIL $input: $name: exit $st (expected $*; 124: timeout, >128: signal)"
        head -c 2000 "$tmp/err"
        return 1
    fi
    local lines
    lines=$(wc -l <"$tmp/err")
    if [ "$st" -eq 0 ] && [ -s "$tmp/err" ] &&
        { [ "${MANY:-0}" != 1 ] || grep -qv '^warning: ' "$tmp/err" ||
            LC_ALL=C grep -q '[[:cntrl:]]' "$tmp/err"; }; then
        echo "FAIL $input: $name: exit 0 with a message:"
        head -c 2000 "$tmp/err"
        return 1
    fi
    local most=1
    [ "${MANY:-0}" = 1 ] && most=21
    if [ "$st" -ne 0 ] && { [ "$lines" -lt 1 ] || [ "$lines" -gt "$most" ] ||
        LC_ALL=C grep -q '[[:cntrl:]]' "$tmp/err"; }; then
        echo "FAIL $input: $name: exit $st, not one line of text on stderr ($lines lines):"
        head -c 2000 "$tmp/err"
        return 1
    fi
}

run() {
    timeout 60 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    st=$?
}

check_loader() {
    rm -rf "$tmp/s" && mkdir "$tmp/s" && cp "$input" "$tmp/s/fuzz.yaml" || return 1
    cp "$src/tests/fuzz/parent.yaml" "$tmp/s/parent.yaml"
    cd "$tmp/s" || return 1
    run validate fuzz.yaml
    MANY=1 expect_status validate 0 2 || return 1
    [ "$st" -eq 0 ] || return 0
    cp "$tmp/out" resolved.yaml
    run validate resolved.yaml
    MANY=1 expect_status "validate of the resolved scenario" 0 || return 1
    [ "${NO_RUN:-0}" = 1 ] && return 0
    run run fuzz.yaml --trials 1 --threads 1 --quiet -o out.h5
    expect_status "run --trials 1" 0 1 2
}

check_reader() {
    cp "$input" "$tmp/in.h5"
    run summary "$tmp/in.h5"
    expect_status summary 0 1 2 || return 1
    run explain "$tmp/in.h5"
    expect_status explain 0 1 2 || return 1
    run explain "$tmp/in.h5" --run runs/b
    expect_status "explain --run runs/b" 0 1 2
}

n=0
for input in "$@"; do
    (check_"$target") || exit 1
    n=$((n + 1))
done
echo "fuzz_regress $target: $n inputs pass"
