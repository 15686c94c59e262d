#!/usr/bin/env bash
# `minrisk init` writes FILE.tmp.<pid> and gives it FILE's name only when it
# is whole (sim/cmd/init.c). Until 2026-12-06 it opened FILE with O_TRUNC
# and wrote into it: a write that failed part way left a cut scenario
# under the name (1024 of 7246 bytes under `ulimit -f 1`), and --force had
# already destroyed the old file; a stop signal mid-write killed it with
# the same result. Checked:
# 1. under a file-size limit (SIGXFSZ ignored by minrisk: the write fails
#    with EFBIG): exit 1, one line, no FILE and no temporary; with --force
#    the old FILE byte for byte;
# 2. every stop signal (out/stopsig.h) sent by the shim opensignal.c right
#    after the temporary is made: exit 130, nothing left, and with --force
#    the old FILE as it was;
# 3. --force refuses what is not a regular file (the rename would replace a
#    symbolic link, not its target, or a FIFO): exit 2, one line, unchanged;
#    over a regular file it keeps that file's permissions (600 stays 600);
#    init holds FILE.lock while its temporary lives: a signal right after
#    the lock is made leaves nothing, and under it the temporaries of an
#    init killed by SIGKILL (their process gone) are removed; a name
#    planted at the temporary's (FILE.tmp.<its own pid>: a symbolic link,
#    or the leftover of a dead process of the same pid) is removed, never
#    followed (until 2026-12-07 init failed: "cannot write
#    FILE.tmp.<pid>: File exists", status 1).
# 4. where link(2) fails (the shim linkfail.c: a file system without hard
#    links), the name is taken by an O_EXCL placeholder and the temporary
#    renamed over it: the same file, an existing FILE refused and kept, a
#    signal after the temporary is made leaves nothing.
# usage: init_atomic.sh MINRISK SRC SHIM LINKFAIL
. "$(dirname "$0")/common.sh" "$@"
shim=$3 linkfail=$4
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

"$bin" init old.yaml || fail "init old.yaml: status $?"
cp old.yaml orig.yaml
[ "$(wc -c <old.yaml)" -gt 2048 ] || fail "old.yaml: $(wc -c <old.yaml) bytes, not above the 1 kB limit"

# 1. a file-size limit of 1 kB, below the 7 kB file
limited 1 - init new.yaml 2>err.txt
status=$?
[ "$status" -eq 1 ] || fail "init under ulimit -f 1: status $status, expected 1"
one_line err.txt "minrisk init: cannot write new\.yaml: File too large"
rm -f err.txt
only old.yaml orig.yaml
limited 1 - init --force old.yaml 2>err.txt
status=$?
[ "$status" -eq 1 ] || fail "init --force under ulimit -f 1: status $status, expected 1"
one_line err.txt "minrisk init: cannot write old\.yaml: File too large"
rm -f err.txt
cmp -s old.yaml orig.yaml || fail "init --force under ulimit -f 1: old.yaml changed ($(wc -c <old.yaml) bytes)"
only old.yaml orig.yaml

# 2. a stop signal right after the temporary is made
for sig in INT TERM HUP QUIT USR1 USR2 ALRM XCPU; do
  for force in "" --force; do
    target=new.yaml
    [ -n "$force" ] && target=old.yaml
    MINRISK_TEST_AT=tmp MINRISK_TEST_SIGNAL=$sig LD_PRELOAD=$shim timeout 20 \
      "$bin" init $force $target >out.txt 2>err.txt
    status=$?
    rm -f out.txt
    [ "$status" -eq 130 ] || fail "init $force $target, SIG$sig: status $status, expected 130 ($(cat err.txt))"
    rm -f err.txt
    only old.yaml orig.yaml
    cmp -s old.yaml orig.yaml || fail "init $force $target, SIG$sig: old.yaml changed"
  done
done

# a signal right after FILE.lock is made (init holds it while its temporary
# lives): 130, neither the lock nor a temporary left
for force in "" --force; do
  target=new.yaml
  [ -n "$force" ] && target=old.yaml
  MINRISK_TEST_AT=lock MINRISK_TEST_SIGNAL=INT LD_PRELOAD=$shim "$bin" init $force $target 2>err.txt
  status=$?
  [ "$status" -eq 130 ] || fail "init $force $target, SIGINT at the lock: status $status, expected 130"
  rm -f err.txt
  only old.yaml orig.yaml
  cmp -s old.yaml orig.yaml || fail "init $force $target, SIGINT at the lock: old.yaml changed"
done

# the temporaries of an init killed during its write (SIGKILL), whose
# process is gone, are removed by the next init to that FILE, one line
# each; a live process's (this shell's) stays
for _ in 1 2 3; do
  (exit 0) &
  dead=$!
  wait "$dead"
  kill -0 "$dead" 2>/dev/null || break
done
echo x >"new.yaml.tmp.$dead"
echo y >"new.yaml.tmp.$$"
"$bin" init new.yaml 2>err.txt || fail "init over stale temporaries: status $?"
one_line err.txt "minrisk init: removed stale temporary new\.yaml\.tmp\.$dead \(process $dead is gone\)"
rm -f err.txt
only old.yaml orig.yaml new.yaml "new.yaml.tmp.$$"
rm -f new.yaml "new.yaml.tmp.$$"

# a symbolic link planted at the temporary's name (exec keeps the shell's pid)
echo keep >victim.txt
bash -c 'ln -s victim.txt "$1.tmp.$$" && exec "$2" init "$1"' _ new.yaml "$bin" 2>err.txt ||
  fail "init over a link planted at its temporary: status $? ($(cat err.txt))"
[ -s err.txt ] && fail "init over a planted link: stderr '$(cat err.txt)'"
[ "$(cat victim.txt)" = keep ] || fail "init followed the link planted at its temporary"
[ -f new.yaml ] && [ ! -L new.yaml ] || fail "init over a planted link: new.yaml not a regular file"
mkdir ref && (cd ref && "$bin" init new.yaml) || fail "init ref/new.yaml"
cmp -s new.yaml ref/new.yaml || fail "init over a planted link: not the file init writes"
rm -rf err.txt victim.txt ref
only old.yaml orig.yaml new.yaml
rm -f new.yaml

# --force keeps the permissions of the file it replaces, as the write in
# place did (a new file's: 0666 less the umask)
chmod 600 old.yaml
"$bin" init --force old.yaml || fail "init --force old.yaml: status $?"
[ "$(stat -c %a old.yaml)" = 600 ] || fail "init --force: old.yaml's mode 600 became $(stat -c %a old.yaml)"
cmp -s old.yaml orig.yaml || fail "init --force old.yaml: not the file init writes"
(umask 022 && "$bin" init perm.yaml) || fail "init perm.yaml"
[ "$(stat -c %a perm.yaml)" = 644 ] || fail "init under umask 022: mode $(stat -c %a perm.yaml), expected 644"
rm -f perm.yaml
only old.yaml orig.yaml

# 3. --force over what is not a regular file
ln -s orig.yaml link.yaml
mkfifo fifo.yaml
for f in link.yaml fifo.yaml; do
  kind=$([ -L $f ] && echo "a symbolic link" || echo "a FIFO")
  timeout 20 "$bin" init --force $f 2>err.txt
  status=$?
  [ "$status" -eq 2 ] || fail "init --force $f: status $status, expected 2"
  one_line err.txt "minrisk init: $f exists and is $kind, not a regular file; --force replaces only a regular file: give another FILE"
  rm -f err.txt
done
[ -L link.yaml ] && [ -p fifo.yaml ] || fail "init --force replaced the link or the FIFO"
cmp -s orig.yaml old.yaml || fail "init --force link.yaml wrote through the link"
rm -f link.yaml fifo.yaml
#    a directory, with or without --force, gets the same line (until
#    2026-12-07 without --force it said "exists; use --force to replace it",
#    which --force then refused); an empty FILE and a missing directory
#    are refused before anything is made (were exit 1, naming a temporary)
mkdir adir
for force in "" --force; do
  timeout 20 "$bin" init $force adir 2>err.txt
  status=$?
  [ "$status" -eq 2 ] || fail "init $force adir: status $status, expected 2"
  one_line err.txt "minrisk init: adir exists and is a directory, not a regular file; --force replaces only a regular file: give another FILE"
done
timeout 20 "$bin" init "" 2>err.txt
status=$?
[ "$status" -eq 2 ] || fail "init '': status $status, expected 2"
one_line err.txt "minrisk init: FILE is empty: give the scenario file to write"
timeout 20 "$bin" init nodir/x.yaml 2>err.txt
status=$?
[ "$status" -eq 2 ] || fail "init nodir/x.yaml: status $status, expected 2"
one_line err.txt "minrisk init: nodir/x\.yaml: cannot write to directory 'nodir': No such file or directory"
rmdir adir
rm -f err.txt

# 4. no hard links
mkdir ref
(cd ref && "$bin" init new.yaml) || fail "init ref/new.yaml"
LD_PRELOAD=$linkfail "$bin" init new.yaml 2>err.txt || fail "init without link(2): status $? ($(cat err.txt))"
cmp -s new.yaml ref/new.yaml || fail "init without link(2): not the file init writes"
[ -s err.txt ] && fail "init without link(2): stderr '$(cat err.txt)'"
LD_PRELOAD=$linkfail "$bin" init old.yaml 2>err.txt
status=$?
[ "$status" -eq 2 ] || fail "init without link(2) over old.yaml: status $status, expected 2"
one_line err.txt "minrisk init: old\.yaml exists; use --force to replace it"
cmp -s old.yaml orig.yaml || fail "init without link(2) over old.yaml: old.yaml changed"
rm -rf ref new.yaml err.txt
MINRISK_TEST_AT=tmp MINRISK_TEST_SIGNAL=TERM LD_PRELOAD=$shim:$linkfail "$bin" init new.yaml 2>err.txt
status=$?
[ "$status" -eq 130 ] || fail "init without link(2), SIGTERM: status $status, expected 130"
rm -f err.txt
only old.yaml orig.yaml
finish "init: a failed or interrupted write leaves nothing, and --force the old file"
