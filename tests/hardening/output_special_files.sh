#!/usr/bin/env bash
# Issue 11, case 1: an output path (or its checkpoint path) that exists and
# is not a regular file - a FIFO, a symbolic link, a directory - is refused
# before the simulation with exit status 2, and left as it was; an existing
# regular file is replaced as always.
# usage: output_special_files.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
run=(run "$demo" --trials 64 --quiet)

mkfifo fifo.h5
expect 2 "fifo.h5: exists and is a FIFO, not a regular file; choose another -o" -- "${run[@]}" -o fifo.h5
[ -p fifo.h5 ] || fail "the FIFO was replaced"

echo keep >target.h5
ln -s target.h5 link.h5
ln -s fifo.h5 link-fifo.h5
ln -s nowhere.h5 dangling.h5
for l in link.h5 link-fifo.h5 dangling.h5; do
  expect 2 "$l: is a symbolic link; the file would replace the link, not its target: give the target's path or choose another -o" -- "${run[@]}" -o "$l"
  [ -L "$l" ] || fail "the link $l was replaced"
done
[ "$(cat target.h5)" = keep ] || fail "the link's target was changed"

mkdir dir.h5
expect 2 "dir.h5: is a directory; give a file name, e.g. -o dir.h5/result.h5" -- "${run[@]}" -o dir.h5

mkfifo c.h5.ckpt
expect 2 "c.h5.ckpt: exists and is a FIFO, not a regular file (the checkpoint path of -o c.h5); remove it or choose another -o" -- "${run[@]}" -o c.h5
only fifo.h5 target.h5 link.h5 link-fifo.h5 dangling.h5 dir.h5 c.h5.ckpt

# a regular file is replaced (nothing else is left: no lock, no temporary)
echo old >regular.h5
expect 0 "" -- "${run[@]}" -o regular.h5
is_hdf5 regular.h5 || fail "regular.h5 was not replaced by the result file"
only fifo.h5 target.h5 link.h5 link-fifo.h5 dangling.h5 dir.h5 c.h5.ckpt regular.h5

# a symbolic link or a FIFO planted at the temporary name of the run's pid
# (OUT.tmp.<pid>: exec keeps the shell's pid) is removed, never followed or
# opened: the link's target keeps its bytes, the FIFO does not block
echo secret >victim
timeout 20 bash -c 'ln -s victim t1.h5.tmp.$$ && exec "$0" "$@"' "$bin" "${run[@]}" -o t1.h5 ||
  fail "a link at the temporary name: status $?"
timeout 20 bash -c 'mkfifo t2.h5.tmp.$$ && exec "$0" "$@"' "$bin" "${run[@]}" -o t2.h5 ||
  fail "a FIFO at the temporary name: status $?"
[ "$(cat victim)" = secret ] || fail "the temporary's link was followed"
is_hdf5 t1.h5 && [ ! -L t1.h5 ] || fail "t1.h5 is not the result file"
is_hdf5 t2.h5 || fail "t2.h5 is not the result file"
only fifo.h5 target.h5 link.h5 link-fifo.h5 dangling.h5 dir.h5 c.h5.ckpt regular.h5 victim t1.h5 t2.h5
finish "a FIFO, symbolic links, a directory and a FIFO checkpoint path refused; a regular file replaced; a link or FIFO at the temporary name removed"
