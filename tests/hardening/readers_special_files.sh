#!/usr/bin/env bash
# readers_special_files.sh MINRISK SRC - the readers of result files
# (summary, explain, export, report; out/h5/read.c mr_h5r_open) given a
# path that is not a regular file: a directory is named as one (it was
# "not a minrisk file (not HDF5)"), a FIFO does not block (summary, explain
# and export waited for a writer for ever), a device is named, not read.
# Each refuses in 20 s with exit status 2, one line naming the path and what
# it is, and leaves nothing at its output path; an empty path is named ''.
. "$(dirname "$0")/common.sh" "$@"

mkdir dir
mkfifo fifo
for p in dir fifo /dev/null; do
    case $p in
        dir) kind="a directory" ;;
        fifo) kind="a FIFO" ;;
        *) kind="a character device" ;;
    esac
    expect 2 "$p: not a minrisk file ($kind, not a regular file)" summary "$p"
    expect 2 "$p: not a minrisk file ($kind, not a regular file)" summary --brief "$p"
    expect 2 "$p: not a minrisk result file ($kind, not a regular file)" explain "$p"
    expect 2 "$p: not a minrisk file ($kind, not a regular file)" export "$p" --csv csv --quiet
    expect 2 "$p: not a minrisk file ($kind, not a regular file)" report "$p" -o rep --quiet
    only dir fifo
done
# an empty path is named '' (until 2026-12-07 ": cannot open: No such file
# or directory", no name), as the scenario readers name it
for args in "summary" "explain" "export --csv csv --quiet" "report -o rep --quiet"; do
    set -- $args
    cmd=$1
    shift
    expect 2 "'': an empty path" "$cmd" "" "$@"
done
expect 2 "'': an empty path" validate ""
expect 2 "'': an empty path" run "" -o out.h5
only dir fifo
finish
