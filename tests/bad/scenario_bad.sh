#!/bin/sh
# scenario_bad.sh MINRISK_BIN tests/bad/NAME.yaml
#
# Run from the source root (so the path in the message is the relative one).
# The first line of the bad file is "# expect: <the exact error line>". Both
# `minrisk run` and `minrisk validate` must exit with status 2 and print
# exactly that line on stderr, and a failed run must leave no output file,
# not even a temporary one (INTERFACE.md, "Exit status").
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 MINRISK_BIN tests/bad/NAME.yaml" >&2
    exit 1
fi
bin=$1
file=$2

expect=$(sed -n '1s/^# expect: //p' "$file")
if [ -z "$expect" ]; then
    echo "$file: the first line must be '# expect: <error line>'" >&2
    exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
printf '%s\n' "$expect" >"$tmp/expected"
status=0

# check LABEL EXIT_STATUS STDERR_FILE
check() {
    if [ "$2" -ne 2 ]; then
        echo "FAIL: minrisk $1 exited with status $2, expected 2"
        status=1
    fi
    if ! cmp -s "$tmp/expected" "$3"; then
        echo "FAIL: minrisk $1 stderr differs from the expected line"
        echo "--- expected"
        cat "$tmp/expected"
        echo "--- got"
        cat "$3"
        status=1
    fi
}

"$bin" run "$file" -o "$tmp/out.h5" >"$tmp/run.out" 2>"$tmp/run.err"
check run $? "$tmp/run.err"
for f in "$tmp"/out.h5*; do
    if [ -e "$f" ]; then
        echo "FAIL: minrisk run left $f behind"
        status=1
    fi
done

"$bin" validate "$file" >"$tmp/validate.out" 2>"$tmp/validate.err"
check validate $? "$tmp/validate.err"

if [ $status -eq 0 ]; then
    echo "ok: $file"
fi
exit $status
