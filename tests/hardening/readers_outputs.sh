#!/bin/bash
# readers_outputs.sh - what `export --csv DIR` and `report -o DIR` write
# never goes through a planted link or FIFO, nor over or under the input
# file (readers.cmake): a link or FIFO at a temporary name is removed, not
# followed; a link, FIFO or the input itself at an output name is refused
# with one line and exit 2 before anything is written; an input file inside
# the folder that report would replace is refused the same way.
# usage: readers_outputs.sh MINRISK SRC [PYTHON]
. "$(dirname "$0")/common.sh" "$1" "$2" "${3:-python3}"

"$bin" run "$demo" -o f.h5 --trials 50 --quiet || { echo "FAIL: run" >&2; exit 1; }
sum=$(cksum <f.h5)

# 1. a symbolic link at the temporary name: removed, its target untouched
mkdir d1 && echo keep >target.txt && ln -s ../target.txt d1/.info.csv.tmp
expect 0 "" export f.h5 --csv d1 --quiet
[ "$(cat target.txt)" = keep ] || fail "export wrote through the link at d1/.info.csv.tmp"
[ -L d1/.info.csv.tmp ] && fail "the link d1/.info.csv.tmp is still there"
[ -f d1/info.csv ] && [ ! -L d1/info.csv ] || fail "d1/info.csv was not written"

# ... a FIFO at the temporary name: removed, no hang
mkdir d2 && mkfifo d2/.info.csv.tmp
expect 0 "" export f.h5 --csv d2 --quiet
[ -p d2/.info.csv.tmp ] && fail "the FIFO d2/.info.csv.tmp is still there"
[ -f d2/info.csv ] || fail "d2/info.csv was not written"

# 2. a FIFO at an output name: refused before anything is written
mkdir d3 && mkfifo d3/info.csv
expect 2 "d3/info.csv: exists and is a FIFO, not a regular file; remove it or choose another --csv" \
  export f.h5 --csv d3 --quiet
[ -p d3/info.csv ] || fail "the FIFO d3/info.csv was replaced"
[ "$(ls -A d3)" = info.csv ] || fail "export wrote into d3: $(ls -A d3)"

# ... a symbolic link at an output name: refused, its target untouched
mkdir d4 && ln -s ../target.txt d4/summary_loss.csv
expect 2 "d4/summary_loss.csv: is a symbolic link; export would replace the link, not its target: remove it or choose another --csv" \
  export f.h5 --csv d4 --quiet
[ -L d4/summary_loss.csv ] || fail "the link d4/summary_loss.csv was replaced"
[ "$(cat target.txt)" = keep ] || fail "the target of d4/summary_loss.csv changed"
[ "$(ls -A d4)" = summary_loss.csv ] || fail "export wrote into d4: $(ls -A d4)"

# 3. the input file at an output name: refused, the input unchanged
mkdir d6 && cp f.h5 d6/info.csv
expect 2 "d6/info.csv: is the input file; export would overwrite it: choose another --csv" \
  export d6/info.csv --csv d6 --quiet
[ "$(cksum <d6/info.csv)" = "$sum" ] || fail "export changed its input d6/info.csv"
[ "$(ls -A d6)" = info.csv ] || fail "export wrote into d6: $(ls -A d6)"

# ... the input file at a temporary name: refused, not removed
mkdir d7 && cp f.h5 d7/.info.csv.tmp
expect 2 "d7/.info.csv.tmp: is the input file; export would remove it: choose another --csv" \
  export d7/.info.csv.tmp --csv d7 --quiet
[ "$(cksum <d7/.info.csv.tmp)" = "$sum" ] || fail "export changed its input d7/.info.csv.tmp"

# 4. report: the input inside the folder that would be replaced
mkdir rep1 && cp f.h5 rep1/data.h5
expect 2 "rep1/data.h5: lies inside rep1, the folder the report would replace; move it or choose another -o" \
  report rep1/data.h5 -o rep1 --quiet
[ "$(cksum <rep1/data.h5)" = "$sum" ] || fail "report changed or removed rep1/data.h5"
mkdir -p rep2/sub && cp f.h5 rep2/sub/data.h5
expect 2 "rep2/sub/data.h5: lies inside ./rep2, the folder the report would replace; move it or choose another -o" \
  report rep2/sub/data.h5 -o ./rep2 --quiet
[ "$(cksum <rep2/sub/data.h5)" = "$sum" ] || fail "report changed or removed rep2/sub/data.h5"

[ "$(cksum <f.h5)" = "$sum" ] || fail "f.h5 changed"
finish "export: links and FIFOs at temporary names removed, at output names refused, the input never written; report: an input inside the folder it replaces refused"
