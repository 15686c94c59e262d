#!/usr/bin/env bash
# loader_special_files.sh MINRISK SRC - issue 11 case 5: a scenario, or a
# file it `extends`, is read only when it is a regular file of at most
# 16 MiB, and so is the whole chain; a FIFO does not block, a device is not
# read (/dev/zero and /dev/urandom are only named: their metadata is all
# that is looked at), a directory is named as one. Both `validate` and `run`
# refuse with exit status 2 and `run` leaves no output.
. "$(dirname "$0")/common.sh" "$@"

mkfifo fifo
mkdir dir
truncate -s 20M big.yaml # sparse: no disk used
for p in fifo /dev/zero /dev/urandom big.yaml dir; do
    printf 'name: child\nextends: %s\n' "$p" >"child_$(basename $p .yaml).yaml"
done

expect 2 "fifo: not a regular file (a FIFO)" validate fifo
expect 2 "/dev/zero: not a regular file (a character device)" validate /dev/zero
expect 2 "big.yaml: 20.0 MiB, above the limit of 16 MiB for a scenario file" validate big.yaml
expect 2 "dir: not a regular file (a directory)" validate dir
expect 2 "fifo: not a regular file (a FIFO)" run fifo -o out.h5
expect 2 "/dev/zero: not a regular file (a character device)" run /dev/zero -o out.h5

expect 2 "child_fifo.yaml:2:10: extends: 'fifo': not a regular file (a FIFO)" \
    validate child_fifo.yaml
expect 2 "child_zero.yaml:2:10: extends: '/dev/zero': not a regular file (a character device)" \
    validate child_zero.yaml
expect 2 "child_urandom.yaml:2:10: extends: '/dev/urandom': not a regular file (a character device)" \
    validate child_urandom.yaml
expect 2 "child_big.yaml:2:10: extends: 'big.yaml': 20.0 MiB, above the limit of 16 MiB for a scenario file" \
    validate child_big.yaml
expect 2 "child_dir.yaml:2:10: extends: 'dir': not a regular file (a directory)" \
    validate child_dir.yaml
expect 2 "child_fifo.yaml:2:10: extends: 'fifo': not a regular file (a FIFO)" \
    run child_fifo.yaml -o out.h5

# two files under the limit whose chain is above it (9 + 8 MiB)
{ printf 'name: parent\n#'; head -c 9437184 /dev/zero | tr '\0' x; printf '\n'; } >parent.yaml
{ printf 'extends: parent.yaml\n#'; head -c 8388608 /dev/zero | tr '\0' x; printf '\n'; } >chain.yaml
expect 2 "chain.yaml:1:10: extends: 'parent.yaml': the extends chain holds 17.0 MiB, above the limit of 16 MiB for a scenario and its parents" \
    validate chain.yaml

# a cycle through a symbolic link (the names differ, the file is one): named
# as a cycle where it closes, not as "more than 16 files in the extends
# chain" after 16 readings (until 2026-12-06); likewise a hard link, and a
# cycle through a link to the folder
printf 'extends: link.yaml\nname: child\n' >looped.yaml
ln -s looped.yaml link.yaml
expect 2 "looped.yaml:1:10: extends: cycle: looped.yaml -> link.yaml (the same file as looped.yaml)" \
    validate looped.yaml
expect 2 "looped.yaml:1:10: extends: cycle: looped.yaml -> link.yaml (the same file as looped.yaml)" \
    run looped.yaml -o out.h5
printf 'extends: hard.yaml\nname: a\n' >a.yaml
printf 'extends: a.yaml\nname: b\n' >b.yaml
ln b.yaml hard.yaml
expect 2 "a.yaml:1:10: extends: cycle: b.yaml -> a.yaml -> hard.yaml (the same file as b.yaml)" \
    validate b.yaml
mkdir sub
printf 'extends: ../here/sub/c.yaml\nname: c\n' >sub/c.yaml
ln -s . here
expect 2 "sub/c.yaml:1:10: extends: cycle: sub/c.yaml -> here/sub/c.yaml (the same file as sub/c.yaml)" \
    validate sub/c.yaml

for f in out.h5*; do
    if [ -e "$f" ]; then
        fail "minrisk run left $f behind"
    fi
done
finish
