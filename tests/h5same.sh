#!/usr/bin/env bash
# h5same.sh [-q] [-c] [--exclude-path PATH]... FILE1 FILE2 [OBJ1 [OBJ2]]
#
# h5diff that also fails on objects it cannot compare. h5diff 1.10 exits 0
# ("Some objects are not comparable") when two datasets have different
# dimensions ([3] against [2], or [0] against [2]), or when one of them was
# never written (no storage: its fill values are not compared), so a test
# that trusts its exit status passes a file with missing rows or a missing
# write (shown 2026-12-06: h5diff of a never-written [10] dataset against
# one of ten 1.0 exits 0). Here those are differences: exit status 1 and
# one line per object on stderr. Two datasets that are both of zero size
# (dimensions with a 0, or a null dataspace) are the same, as h5diff says.
# Exit status: 0 the same, 1 different, 2 an error (h5diff's, or usage).
# The tests use it wherever they used h5diff (tests/CMakeLists.txt passes it
# as H5DIFF); H5SAME_H5DIFF names the h5diff it runs (default: on PATH).
set -u
h5diff=${H5SAME_H5DIFF:-h5diff}
opts=() pos=() quiet=0
while [ $# -gt 0 ]; do
  case $1 in
    -q | --quiet) quiet=1 ;;
    -c | --compare) ;;
    --exclude-path)
      [ $# -ge 2 ] || { echo "h5same.sh: --exclude-path needs a path" >&2; exit 2; }
      opts+=("$1" "$2")
      shift
      ;;
    --exclude-path=*) opts+=("$1") ;;
    -*) echo "h5same.sh: option $1 is not handled" >&2; exit 2 ;;
    *) pos+=("$1") ;;
  esac
  shift
done
[ ${#pos[@]} -ge 2 ] && [ ${#pos[@]} -le 4 ] ||
  { echo "usage: h5same.sh [-q] [--exclude-path PATH]... FILE1 FILE2 [OBJ1 [OBJ2]]" >&2; exit 2; }

out=$("$h5diff" -c "${opts[@]}" "${pos[@]}" 2>&1)
status=$?
[ "$quiet" = 1 ] || [ -z "$out" ] || printf '%s\n' "$out"
[ $status -eq 0 ] || exit $status

# empty FILE OBJECT: the dataset's size is zero (a 0 among its dimensions,
# or a null dataspace). OBJECT "ATTR of <PATH>" (h5diff's name for an
# attribute): the attribute's size is zero, or PATH is a dataset of size
# zero (h5diff cannot compare the dimension-scale attributes DIMENSION_LIST
# and REFERENCE_LIST of an empty dataset: it calls them empty too).
empty() {
  local space what=-d obj=$2
  case $obj in
    *" of <"*">")
      local owner=${obj#* of <}
      owner=${owner%>}
      empty "$1" "$owner" && return 0
      what=-a
      obj=${owner%/}/${obj%% of <*}
      ;;
  esac
  space=$(h5dump -H "$what" "$obj" "$1" 2>/dev/null | grep -m1 DATASPACE)
  case $space in
    *NULL*) return 0 ;;
    *SIMPLE*) ;;
    *) return 1 ;;
  esac
  space=${space#*\( }
  space=${space%% )*}
  [[ ", $space," == *", 0,"* ]]
}

bad=0
while IFS= read -r line; do
  case $line in
    "Not comparable: <"*"> or <"*"> is an empty dataset")
      a=${line#Not comparable: <}
      a=${a%%> or <*}
      b=${line#*> or <}
      b=${b%> is an empty dataset}
      if empty "${pos[0]}" "$a" && empty "${pos[1]}" "$b"; then
        continue
      fi
      echo "h5same.sh: $a (${pos[0]}) and $b (${pos[1]}): one has no data written or they differ in size" >&2
      bad=1
      ;;
    "Not comparable:"*)
      echo "h5same.sh: ${line#Not comparable: } (${pos[0]}, ${pos[1]})" >&2
      bad=1
      ;;
    "Some objects are not comparable"*)
      bad=1
      ;;
  esac
done <<<"$out"
exit $bad
