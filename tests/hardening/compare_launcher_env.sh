#!/usr/bin/env bash
# compare refuses to run under mpiexec with several ranks (each rank would
# write the same file); it reads the launcher's size and rank variables
# strictly. atoi read OMPI_COMM_WORLD_SIZE=4294967297 as 1 (glibc keeps the
# low 32 bits), 99999999999999999999 as -1, 'abc' and -3 as 0: compare ran,
# on every rank, and wrote the file. A rank not below the size (3 of 3) was
# taken as a rank other than 0: every process ended quietly with status 0,
# nothing said why. Faked here without mpiexec: compare does not start MPI.
# usage: compare_launcher_env.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
see="(see 'minrisk compare --help')"
refusal="minrisk compare: runs as one process with OpenMP threads: start it without mpiexec $see"
for var in OMPI_COMM_WORLD_SIZE PMI_SIZE PMIX_SIZE; do
  for v in abc -3 " 2" 2x 02 4294967297 99999999999999999999; do
    env "$var=$v" "$bin" compare "$demo" "$demo" -o c.h5 --trials 64 -q >out.txt 2>err.txt
    got=$?
    [ "$got" -eq 2 ] || fail "$var='$v': status $got, expected 2"
    want="minrisk compare: $var is '$v', not a number of processes: compare runs as one process; start it without mpiexec $see"
    case $v in 4294967297) want=$refusal ;; esac
    [ "$(cat err.txt)" = "$want" ] || fail "$var='$v': stderr '$(cat err.txt)', expected '$want'"
    rm -f out.txt err.txt
  done
done
# a rank other than 0 (read whole) ends quietly with status 0; rank 0, a
# rank that is not a number or not below the size says it (01 too, without
# the options' reason about scenario files, which a rank of 01 gave once)
for pair in OMPI_COMM_WORLD_SIZE:OMPI_COMM_WORLD_RANK PMI_SIZE:PMI_RANK PMIX_SIZE:PMIX_RANK; do
  s=${pair%%:*} r=${pair#*:}
  env "$s=3" "$r=2" "$bin" compare "$demo" "$demo" -o c.h5 --trials 64 >out.txt 2>err.txt
  got=$?
  [ "$got" -eq 0 ] && [ ! -s err.txt ] && [ ! -s out.txt ] ||
    fail "$s=3 $r=2: status $got, stderr '$(cat err.txt)', expected 0 and nothing"
  for v in 0 4294967296 3 -1 x "" 01; do
    env "$s=3" "$r=$v" "$bin" compare "$demo" "$demo" -o c.h5 --trials 64 >out.txt 2>err.txt
    got=$?
    [ "$got" -eq 2 ] && [ "$(cat err.txt)" = "$refusal" ] ||
      fail "$s=3 $r='$v': status $got, stderr '$(cat err.txt)', expected 2 and '$refusal'"
  done
done
rm -f out.txt err.txt
[ -z "$(ls -A)" ] || fail "the folder holds '$(ls -A)', expected nothing"
# one process (size 1), or a variable set empty, runs
OMPI_COMM_WORLD_SIZE=1 OMPI_COMM_WORLD_RANK=0 PMI_SIZE= expect 0 "" -- compare "$demo" "$demo" -o c.h5 --trials 64
is_hdf5 c.h5 || fail "size 1: no result file"
finish "compare reads the launcher's size and rank whole; garbage, signs and overflow refused"
