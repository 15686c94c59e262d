#!/usr/bin/env bash
# A result file, an export's CSV table and a checkpoint must be on the disk before their names
# say they are complete: the temporary file is fsync'ed before it is
# renamed over OUTPUT (or OUTPUT.ckpt), and the directory after, so that a
# node that crashes or loses power just after the rename leaves either the
# previous file or the whole new one, never a named file of zero length or
# with unwritten blocks (delayed allocation). Checked with strace: each
# rename of a temporary is preceded by an fsync of a descriptor opened on
# that temporary and followed by an fsync of its directory. The checkpoint
# is made by the full-disk path of output_full_disk_keeps_trials (one
# process, no signal to pass through strace). The same for the small files
# written whole (sim/cmd/wholefile.c): `minrisk init` FILE (link(2)
# without --force, rename with it) and `bench --json` FILE, whose
# directory was not synced until 2026-12-07. Skipped (77) without strace.
# usage: output_durable.sh MINRISK SRC (python3 reads the trace)
. "$(dirname "$0")/common.sh" "$@"
command -v strace >/dev/null || {
  echo "strace not found: skipped"
  exit 77
}
# LeakSanitizer cannot run under ptrace (strace): off for these runs only,
# the leaks of the same paths are checked by output_full_disk_keeps_trials.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
padded_demo
args=(run s.yaml -o out.h5 --trials 1024 --seed 7 --quiet)

# check TRACE OUTPUT [DIR]: every rename (or link) of OUTPUT's temporaries
# in TRACE follows an fsync of that temporary and precedes an fsync of the
# directory DIR (default: the working directory).
check() {
  local why
  why=$(python3 - "$1" "$2" "${3:-.}" <<'PY'
import re, sys
def bad(msg):
    print(msg)
    sys.exit(1)
trace, out, folder = sys.argv[1], sys.argv[2], sys.argv[3]
fds, synced, renamed, dirsynced = {}, set(), [], False
for line in open(trace):
    m = re.search(r'open(?:at)?\((?:AT_FDCWD, )?"([^"]*)".*\)\s*= (\d+)', line)
    if m:
        fds[m.group(2)] = m.group(1)
        continue
    m = re.search(r'f(?:data)?sync\((\d+)\)\s*= 0', line)
    if m and m.group(1) in fds:
        synced.add(fds[m.group(1)])
        if renamed and fds[m.group(1)].rstrip("/") in (folder.rstrip("/") or "/", folder):
            dirsynced = True
        continue
    m = re.search(r'(?:rename|link)(?:at2?)?\((?:AT_FDCWD, )?"([^"]*)", (?:AT_FDCWD, )?"([^"]*)".*\)\s*= 0', line)
    if m and m.group(2) == out:
        if m.group(1) not in synced:
            bad("%s renamed to %s without an fsync of it first" % m.groups())
        renamed.append(m.group(1))
if not renamed:
    bad("no rename to %s in the trace" % out)
if not dirsynced:
    bad("the directory was not fsync'ed after the rename to %s" % out)
PY
  ) || fail "$1: $why"
}

trace=(strace -f -qq -e trace=open,openat,fsync,fdatasync,rename,renameat,renameat2,link,linkat)
"${trace[@]}" -o run.tr \
  "$bin" "${args[@]}" || fail "the run"
check run.tr out.h5

# an export's CSV tables (out/export/csv.c), into a folder
strace -f -qq -e trace=open,openat,fsync,fdatasync,rename,renameat,renameat2 -o export.tr \
  "$bin" export out.h5 --csv tables >/dev/null || fail "the export"
[ -f tables/summary_loss.csv ] || fail "the export wrote no tables/summary_loss.csv"
check export.tr tables/summary_loss.csv tables
rm -rf out.h5 run.tr export.tr tables

# the checkpoint: the file does not fit under 2400 kB, the checkpoint does
(ulimit -f 2400 && trap '' XFSZ &&
  LSAN_OPTIONS=suppressions=$src/tests/fuzz/lsan.supp:print_suppressions=0 PMIX_MCA_gds=hash \
    exec strace -f -qq -e trace=open,openat,fsync,fdatasync,rename,renameat,renameat2 -o ckpt.tr \
    "$bin" "${args[@]}") 2>/dev/null
[ -f out.h5.ckpt ] || fail "no checkpoint after the full disk"
check ckpt.tr out.h5.ckpt
# init's FILE: link(2) without --force, rename with it; bench --json FILE
"${trace[@]}" -o init.tr "$bin" init new.yaml || fail "init new.yaml"
check init.tr new.yaml
"${trace[@]}" -o force.tr "$bin" init --force new.yaml || fail "init --force new.yaml"
check force.tr new.yaml
"${trace[@]}" -o bench.tr "$bin" bench --minerals 1 --countries 1 --sectors 1 --years 1 --trials 1 \
  --reps 1 --threads 1 --quiet --json b.json >/dev/null || fail "bench --json b.json"
check bench.tr b.json
rm -f new.yaml b.json init.tr force.tr bench.tr
finish "the result file, an export's table, the checkpoint, init's and bench --json's file were fsync'ed before and after their rename"
