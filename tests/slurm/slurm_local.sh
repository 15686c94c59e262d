#!/usr/bin/env bash
# slurm_local.sh - tests docs/hpc/minrisk.sbatch and
# docs/hpc/minrisk-array.sbatch under a real, one-node Slurm on localhost
# (ctest `slurm_local`, label `slurm`; docs/HPC.md).
#
#   tests/slurm/slurm_local.sh MINRISK SRC [--mpi]
#
# As root, on Debian 12: installs slurm-wlm and munge when missing (from the
# Debian archive), starts munged, slurmctld and slurmd with a private
# configuration, key, sockets, ports, state and logs in a temporary
# directory (nothing in /etc is touched), then
#   1. submits minrisk.sbatch on scenarios/demo.yaml (sbatch --wait), checks
#      the job COMPLETED, that its log has the progress line's last line,
#      and compares its file with a direct run of the same
#      scenario, seed and trials (h5diff --exclude-path /run_info);
#      serial build: one task x 2 threads; --mpi: 2 ranks x 1 thread, once
#      through mpiexec and once through srun --mpi=pmix;
#   2. submits minrisk-array.sbatch over scenarios/demo.yaml and
#      bench/synthetic.yaml and checks both files are complete and equal to
#      direct runs;
#   3. checkpoint and requeue: sends the job SIGUSR1 as --signal=B:USR1@120
#      does before the time limit (scancel --batch --signal=USR1), checks the
#      job requeued itself, lets it start again at once (a requeued job
#      otherwise waits ~2 min), and checks the resumed file against a direct
#      run. With the real minrisk when `minrisk run --help` offers --resume,
#      else with tests/slurm/fake_checkpointing_minrisk.sh (which tests the
#      scripts' signal path only); the array script always with the fake.
# Every process it started is stopped on exit, even on failure.
#
# Environment: MINRISK_SLURM_TRIALS (4000), MINRISK_SLURM_CKPT (auto | real |
# mock | off), MINRISK_SLURM_CKPT_TRIALS (300000, real checkpoint run),
# MINRISK_SLURM_CKPT_DELAY (seconds from the job's start to the signal; a
# third of the direct run's time by default), MINRISK_SLURM_LAUNCHERS
# (--mpi: "mpiexec srun"), MINRISK_MPIEXEC
# (mpiexec), MINRISK_SLURM_KEEP=1 (keep the temporary directory),
# MINRISK_SLURM_FORCE_MPI=1 (--mpi with a binary whose --version says serial,
# to try the launch path while the MPI build is unfinished).
# Exit status: 0 pass, 1 fail, 77 skipped (not root).
set -uo pipefail
# h5diff that also fails on objects it cannot compare (tests/h5same.sh)
h5same=$(cd "$(dirname "$0")/.." && pwd)/h5same.sh

usage="usage: slurm_local.sh MINRISK SRC [--mpi]"
[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
bin=$(realpath "$1") src=$(realpath "$2") mpi=0
[ "${3:-}" = --mpi ] && mpi=1
[ -x "$bin" ] || { echo "slurm_local: no binary $bin" >&2; exit 2; }

trials=${MINRISK_SLURM_TRIALS:-4000}
ckpt_mode=${MINRISK_SLURM_CKPT:-auto}
ckpt_trials=${MINRISK_SLURM_CKPT_TRIALS:-300000}
mpiexec_bin=${MINRISK_MPIEXEC:-mpiexec}
sbatch_main=$src/docs/hpc/minrisk.sbatch
sbatch_array=$src/docs/hpc/minrisk-array.sbatch
fake=$src/tests/slurm/fake_checkpointing_minrisk.sh
job_timeout=300 # seconds, any one job
t_start=$(date +%s)

log() { echo "slurm_local [$(($(date +%s) - t_start))s]: $*"; }
fail() { echo "slurm_local: FAIL: $*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
    echo "slurm_local: SKIP: needs root (installs packages, runs slurmd)" >&2
    exit 77
fi

# One local Slurm at a time on this machine (the serial and the MPI build may
# run their suites together); the state file names a previous instance.
lockfile=/tmp/minrisk-slurm-local.lock
statefile=/tmp/minrisk-slurm-local.state
exec 9>"$lockfile"
flock -w 900 9 || fail "another slurm_local.sh holds $lockfile"

# pids_of_instance DIR: the processes started by the instance living in DIR,
# except this shell: daemons, job steps and job processes carry
# SLURM_CONF=DIR/slurm.conf in their environment, and a slurmstepd holds
# slurmd's log DIR/log/slurmd.log open (its environment may not be readable
# yet while it starts). (So a shell of yours that exported this SLURM_CONF
# to look at the test cluster sees its commands stopped with it.)
pids_of_instance() {
    local tag="SLURM_CONF=$1/slurm.conf" p f
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$p" = $$ ] && continue
        [ "$p" = "$BASHPID" ] && continue
        if tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -xF "$tag" >/dev/null; then
            echo "$p"
            continue
        fi
        for f in /proc/"$p"/fd/*; do
            case $(readlink "$f" 2>/dev/null) in
                "$1"/*) echo "$p"; break ;;
            esac
        done
    done
}
# stop_instance DIR: end those processes: TERM, then KILL what is left after
# 10 s; again while new ones appear (slurmd may fork a slurmstepd meanwhile).
stop_instance() {
    local pids
    for _ in 1 2 3; do
        pids=$(pids_of_instance "$1")
        [ -z "$pids" ] && return 0
        # shellcheck disable=SC2086 # one word per pid
        kill $pids 2>/dev/null
        for _ in $(seq 1 20); do
            pids=$(for p in $pids; do kill -0 "$p" 2>/dev/null && echo "$p"; done)
            [ -z "$pids" ] && break
            sleep 0.5
        done
        if [ -n "$pids" ]; then
            log "killing what did not stop: $pids"
            # shellcheck disable=SC2086
            kill -KILL $pids 2>/dev/null
            sleep 0.5
        fi
    done
}

# A previous run that was itself killed (kill -9, power cut) may have left
# its daemons: they are ours, stop them.
if [ -s "$statefile" ]; then
    old=$(cat "$statefile")
    if [ -n "$old" ] && [ "$old" != / ]; then
        log "stopping what a previous run left ($old)"
        stop_instance "$old"
        case $old in /tmp/* | "${TMPDIR:-/tmp}"/*) rm -rf "$old" ;; esac
    fi
    rm -f "$statefile"
fi

# --- packages ---------------------------------------------------------------
need=()
for c in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge h5diff:hdf5-tools; do
    command -v "${c%%:*}" >/dev/null || need+=("${c#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
    pkgs=(slurm-wlm munge hdf5-tools)
    log "installing ${pkgs[*]} (missing: ${need[*]})"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null; } ||
        fail "could not install ${pkgs[*]}"
fi
if [ "$mpi" = 1 ]; then
    command -v "$mpiexec_bin" >/dev/null || fail "--mpi: no $mpiexec_bin"
    # Slurm runs the jobs as the submitting user, root here.
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

# --- the instance -------------------------------------------------------------
T=$(mktemp -d "${TMPDIR:-/tmp}/minrisk-slurm.XXXXXX") || fail "mktemp"
chmod 755 "$T" # munged wants every directory above its socket searchable
echo "$T" >"$statefile"
export SLURM_CONF=$T/slurm.conf

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Jobs first (their processes end cleanly), then the daemons.
    if [ -n "${ctld_pid:-}" ] && kill -0 "$ctld_pid" 2>/dev/null; then
        local jobs
        jobs=$(squeue -h -o %i 2>/dev/null)
        if [ -n "$jobs" ]; then
            # shellcheck disable=SC2086 # one word per job id
            scancel --quiet $jobs 2>/dev/null
            for _ in $(seq 1 40); do
                [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
                sleep 0.5
            done
        fi
    fi
    if [ "$status" -ne 0 ]; then
        for f in "$T"/work/*.out "$T"/log/*.log; do
            [ -e "$f" ] || continue
            echo "----- $f (last 40 lines)" >&2
            tail -n 40 "$f" >&2
        done
    fi
    stop_instance "$T"
    if [ "${MINRISK_SLURM_KEEP:-0}" = 1 ]; then
        log "kept $T"
    else
        rm -rf "$T"
    fi
    rm -f "$statefile"
    [ "$status" -eq 0 ] && log "PASS in $(($(date +%s) - t_start)) s" ||
        echo "slurm_local: FAILED (status $status) after $(($(date +%s) - t_start)) s" >&2
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$T"/{munge,run,state,spool,log,work}
chmod 700 "$T/munge"
chmod 755 "$T/run"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge/munge.key"
munged -F --socket="$T/run/munge.socket" --key-file="$T/munge/munge.key" \
    --log-file="$T/log/munged.log" --pid-file="$T/run/munged.pid" \
    --seed-file="$T/munge/munged.seed" >"$T/log/munged.stdout" 2>&1 9>&- &
munge_pid=$!
for _ in $(seq 1 50); do
    [ -S "$T/run/munge.socket" ] && break
    kill -0 "$munge_pid" 2>/dev/null || fail "munged did not start"
    sleep 0.1
done
munge -S "$T/run/munge.socket" -n | unmunge -S "$T/run/munge.socket" >/dev/null ||
    fail "munge does not work"

# Two free ports: a port is taken when something accepts a connection on it.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctld_port=""
for p in 16817 16827 16837 16847 16857 16867 16877 16887; do
    if ! port_taken "$p" && ! port_taken "$((p + 1))"; then
        ctld_port=$p
        break
    fi
done
[ -n "$ctld_port" ] || fail "no free port pair from 16817"

cpus=$(nproc)
[ "$cpus" -ge 2 ] || cpus=2 # 2 ranks must fit; SlurmdParameters=config_overrides
mem=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
cat >"$SLURM_CONF" <<EOF
# minrisk tests/slurm/slurm_local.sh: a one-node cluster on localhost.
ClusterName=minrisk-local
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/run/munge.socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups, no systemd: process tracking through /proc, no task binding
# by Slurm (mpiexec and OpenMP bind).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=600
KillWait=10
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=60 State=UP
EOF

# (9>&-: the daemons must not hold the lock.)
slurmctld -D -c >"$T/log/slurmctld.stdout" 2>&1 9>&- &
ctld_pid=$!
slurmd -D -N localhost >"$T/log/slurmd.stdout" 2>&1 9>&- &
slurmd_pid=$!
state=""
for _ in $(seq 1 120); do
    kill -0 "$ctld_pid" 2>/dev/null || fail "slurmctld exited: $(cat "$T/log/slurmctld.stdout")"
    kill -0 "$slurmd_pid" 2>/dev/null || fail "slurmd exited: $(cat "$T/log/slurmd.stdout")"
    state=$(sinfo -h -n localhost -o %T 2>/dev/null)
    [ "$state" = idle ] && break
    sleep 0.5
done
[ "$state" = idle ] || fail "node not idle after 60 s (state '$state')"
log "$(slurmctld -V) and $(munged --version 2>&1 | head -n1) up on ports $ctld_port-$((ctld_port + 1)): localhost $cpus CPUs ${mem} MB, idle"

cd "$T/work" || fail "cd $T/work"
if [ "$mpi" = 1 ]; then
    ranks=2 threads=1
    launchers=${MINRISK_SLURM_LAUNCHERS:-mpiexec srun}
    direct=("$mpiexec_bin" -n 1 "$bin")
    version=$("$bin" --version)
    case $version in
        *"serial build"*)
            [ "${MINRISK_SLURM_FORCE_MPI:-0}" = 1 ] ||
                fail "--mpi, but '$bin --version' says: $version"
            log "MINRISK_SLURM_FORCE_MPI=1: testing the MPI launch with a binary that says: $version" ;;
    esac
else
    ranks=1 threads=2
    launchers=none
    direct=("$bin")
fi
layout=(--nodes=1 --ntasks="$ranks" --ntasks-per-node="$ranks" --cpus-per-task="$threads"
        --time=10)

# job_field ID FIELD: a field of `scontrol show job` (first array task).
job_field() {
    scontrol -o show job "$1" 2>/dev/null | head -n1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}
# check_done ID LOG: every task of job ID COMPLETED with exit code 0:0.
check_done() {
    local lines
    lines=$(scontrol -o show job "$1" 2>/dev/null) || fail "job $1 unknown to slurmctld"
    while read -r line; do
        case $line in
            *" JobState=COMPLETED "*" ExitCode=0:0 "*) ;;
            *) fail "job $1 did not complete: $(echo "$line" | tr ' ' '\n' |
                    grep -E '^(JobId|ArrayTaskId|JobState|Reason|ExitCode)=' | tr '\n' ' ')
                    log: $(cat "$2" 2>/dev/null)" ;;
        esac
    done <<<"$lines"
}
# compare A B: identical outside /run_info.
compare() {
    "$h5same" --exclude-path /run_info "$1" "$2" >"$T/work/h5diff.txt" 2>&1 ||
        fail "$1 and $2 differ: $(head -n 20 "$T/work/h5diff.txt")"
}
# check_ranks FILE: an MPI run must say in /run_info that it ran on $ranks ranks.
check_ranks() {
    local r
    [ "$mpi" = 1 ] || return 0
    r=$(h5dump -a /run_info/ranks "$1" 2>/dev/null | sed -n 's/^ *(0): *//p')
    if [ -z "$r" ]; then
        log "note: $1 has no /run_info/ranks attribute: cannot confirm the run used $ranks ranks"
    elif [ "$r" != "$ranks" ]; then
        fail "$1: /run_info/ranks is $r, the job had $ranks ranks"
    fi
}
# check_complete FILE TRIALS: a finished minrisk file of TRIALS trials.
check_complete() {
    [ -s "$1" ] || fail "no output $1"
    [ ! -e "$1.ckpt" ] || fail "$1.ckpt is left beside a finished file"
    local n
    n=$(h5dump -a /trials "$1" 2>/dev/null | sed -n 's/^ *(0): *//p')
    [ "$n" = "$2" ] || fail "$1: attribute /trials is '$n', expected $2"
    "$bin" summary "$1" >/dev/null 2>&1 || fail "minrisk summary $1 failed"
}
# bg CMD...: run CMD in the background and wait for it. Bash runs a trap
# only when the foreground command (or command substitution) has ended, but
# `wait` returns at once on a signal: so INT/TERM (ctest's timeout, Ctrl-C)
# stop everything promptly.
# (9>&-: nothing but this shell holds the lock, so that a run killed with
# SIGKILL frees it at once; the next run then stops what this one left.)
bg() {
    "$@" 9>&- &
    wait $!
}
# direct_run SCENARIO OUT TRIALS: the reference file.
direct_run() {
    bg "${direct[@]}" run "$1" -o "$2" --trials "$3" --quiet >"$T/work/direct.log" 2>&1 ||
        fail "direct run of $1 failed: $(cat "$T/work/direct.log")"
}

# --- 1. the hybrid job ---------------------------------------------------------
demo=$src/scenarios/demo.yaml
direct_run "$demo" direct-demo.h5 "$trials"
for L in $launchers; do
    t0=$(date +%s)
    out=job-$L.h5
    MINRISK=$bin MINRISK_LAUNCHER=$L MINRISK_MPIEXEC=$mpiexec_bin \
        bg timeout "$job_timeout" sbatch --parsable --wait "${layout[@]}" \
            --job-name="minrisk-$L" --output="job-$L.out" \
            "$sbatch_main" "$demo" "$out" --trials "$trials" >jobid.txt
    rc=$?
    jid=$(cut -d';' -f1 jobid.txt)
    [ -n "$jid" ] || fail "sbatch refused minrisk.sbatch (status $rc)"
    [ "$rc" -eq 0 ] || fail "job $jid ($L) ended with status $rc: $(cat "job-$L.out")"
    check_done "$jid" "job-$L.out"
    # --progress (MINRISK_PROGRESS, default 600 s): the log shows at least
    # the line that ends the simulation, though stderr is a file
    grep -q "^minrisk: $trials trials simulated in" "job-$L.out" ||
        fail "job $jid ($L): no progress line in the log: $(cat "job-$L.out")"
    check_complete "$out" "$trials"
    check_ranks "$out"
    compare "$out" direct-demo.h5
    log "minrisk.sbatch, $ranks ranks x $threads threads via $L: job $jid COMPLETED," \
        "identical to the direct run ($(($(date +%s) - t0)) s)"
done

# --- 2. the job array ------------------------------------------------------------
t0=$(date +%s)
synth=$src/bench/synthetic.yaml
printf '# two scenarios\n%s\n\n%s\n' "$demo" "$synth" >list.txt
MINRISK=$bin MINRISK_MPIEXEC=$mpiexec_bin \
    bg timeout "$job_timeout" sbatch --parsable --wait --array=0-1 "${layout[@]}" \
        --output="array-%A_%a.out" "$sbatch_array" list.txt results --trials "$trials" >jobid.txt
rc=$?
jid=$(cut -d';' -f1 jobid.txt)
[ -n "$jid" ] || fail "sbatch refused minrisk-array.sbatch (status $rc)"
[ "$rc" -eq 0 ] || fail "array job $jid ended with status $rc: $(cat array-*.out)"
check_done "$jid" "array-${jid}_0.out"
direct_run "$synth" direct-synthetic.h5 "$trials"
for pair in demo:direct-demo.h5 synthetic:direct-synthetic.h5; do
    check_complete "results/${pair%%:*}.h5" "$trials"
    check_ranks "results/${pair%%:*}.h5"
    compare "results/${pair%%:*}.h5" "${pair#*:}"
done
log "minrisk-array.sbatch: array $jid, 2 tasks COMPLETED, both files complete and" \
    "identical to direct runs ($(($(date +%s) - t0)) s)"

# --- 3. checkpoint, requeue, resume -------------------------------------------------
# wait_state ID WANT...: wait (at most job_timeout) until job ID is in one of
# the states WANT; prints it.
wait_state() {
    local id=$1 s
    shift
    for _ in $(seq 1 $((job_timeout * 2))); do
        s=$(job_field "$id" JobState)
        for w in "$@"; do
            [ "$s" = "$w" ] && { echo "$s"; return 0; }
        done
        case $s in
            FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE)
                echo "$s"
                return 1 ;;
        esac
        sleep 0.5
    done
    echo "$s (timeout)"
    return 1
}
# ckpt_cycle NAME SCRIPT OUTPUT LOG SBATCH-ARGS... -- SCRIPT-ARGS...: submit,
# send USR1 to the batch shell once the run is under way, check the job
# requeued itself, start it again, wait for it to complete.
ckpt_cycle() {
    local name=$1 script=$2 output=$3 joblog=$4
    shift 4
    local sargs=() jid s restarts
    while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
    shift
    jid=$(sbatch --parsable "${layout[@]}" "${sargs[@]}" "$script" "$@") ||
        fail "$name: sbatch refused $script"
    jid=${jid%%;*}
    s=$(wait_state "$jid" RUNNING COMPLETED) || fail "$name: job $jid: $s"
    [ "$s" = RUNNING ] || fail "$name: job $jid finished before it could be signalled (raise the trials)"
    if [ "$ckpt_kind" = mock ]; then
        # the fake writes its checkpoint marker as soon as it starts
        for _ in $(seq 1 120); do [ -e "$output.ckpt" ] && break; sleep 0.5; done
    else
        sleep "$ckpt_delay"
    fi
    # What --signal=B:USR1@120 does 120 s before the time limit:
    scancel --batch --signal=USR1 "$jid" || fail "$name: scancel --signal=USR1 $jid"
    # The script requeues the job; Slurm holds a requeued job back ~2 min
    # (BeginTime): once it is pending again, let it start now.
    for _ in $(seq 1 $((job_timeout * 2))); do
        restarts=$(job_field "$jid" Restarts)
        s=$(job_field "$jid" JobState)
        [ "${restarts:-0}" -ge 1 ] && [ "$s" = PENDING ] && break
        case $s in
            COMPLETED | FAILED | CANCELLED | TIMEOUT)
                fail "$name: job $jid ended ($s) instead of requeueing: $(cat "$joblog")" ;;
        esac
        sleep 0.5
    done
    [ "${restarts:-0}" -ge 1 ] || fail "$name: job $jid was not requeued: $(cat "$joblog")"
    [ -e "$output.ckpt" ] || fail "$name: job $jid requeued without a checkpoint $output.ckpt"
    # slurmd refuses a job credential issued in the second it revoked the
    # old one ("Job credential revoked"): let a second pass.
    sleep 2
    scontrol update JobId="$jid" StartTime=now || fail "$name: scontrol update StartTime"
    s=$(wait_state "$jid" COMPLETED) || fail "$name: resumed job $jid: $s: $(cat "$joblog")"
    grep -q 'SIGUSR1' "$joblog" || fail "$name: the log shows no SIGUSR1: $(cat "$joblog")"
    grep -q -- '--resume' "$joblog" || fail "$name: the second attempt did not --resume: $(cat "$joblog")"
    check_done "$jid" "$joblog"
    echo "$jid"
}

if [ "$ckpt_mode" = auto ]; then
    if "$bin" run --help 2>&1 | grep -- --resume >/dev/null; then
        ckpt_mode=real
    else
        ckpt_mode=mock
        log "minrisk run --help offers no --resume: checkpoint test with the fake minrisk"
    fi
fi
case $ckpt_mode in
    off)
        log "checkpoint test skipped (MINRISK_SLURM_CKPT=off)" ;;
    real | mock)
        t0=$(date +%s)
        ckpt_kind=$ckpt_mode
        if [ "$ckpt_kind" = real ]; then
            ck_bin=$bin ck_trials=$ckpt_trials
            d0=$(date +%s%N)
            direct_run "$demo" direct-ckpt.h5 "$ck_trials"
            # Signal the job a third of the direct run's time after it starts
            # (between 1 and 10 s): after minrisk's start-up, well before its
            # end (the job has no more cores than the direct run).
            ckpt_delay=${MINRISK_SLURM_CKPT_DELAY:-$(awk -v ns=$(($(date +%s%N) - d0)) \
                'BEGIN { d = ns / 3e9; if (d < 1) d = 1; if (d > 10) d = 10; printf "%.1f", d }')}
            ref="direct-ckpt.h5"
        else
            ck_bin=$fake ck_trials=$trials ref=direct-demo.h5
        fi
        L=${launchers%% *}
        MINRISK=$ck_bin MINRISK_REAL=$bin MINRISK_LAUNCHER=$L MINRISK_MPIEXEC=$mpiexec_bin \
            bg ckpt_cycle main "$sbatch_main" ckpt.h5 job-ckpt.out \
                --job-name=minrisk-ckpt --output=job-ckpt.out \
                -- "$demo" ckpt.h5 --trials "$ck_trials" >jobid.txt || exit 1
        jid=$(cat jobid.txt)
        check_complete ckpt.h5 "$ck_trials"
        check_ranks ckpt.h5
        compare ckpt.h5 "$ref"
        [ "$ckpt_kind" = real ] && ckpt_kind="real minrisk, signal ${ckpt_delay} s after the start"
        [ "$ckpt_kind" = mock ] && ckpt_kind="fake minrisk"
        log "minrisk.sbatch ($ckpt_kind): job $jid checkpointed on SIGUSR1, requeued," \
            "resumed, identical to the direct run ($(($(date +%s) - t0)) s)"

        t0=$(date +%s)
        ckpt_kind=mock
        rm -f results/synthetic.h5
        MINRISK=$fake MINRISK_REAL=$bin MINRISK_MPIEXEC=$mpiexec_bin \
            bg ckpt_cycle array "$sbatch_array" results/synthetic.h5 "array-ckpt.out" \
                --array=1 --output=array-ckpt.out \
                -- list.txt results --trials "$trials" >jobid.txt || exit 1
        jid=$(cat jobid.txt)
        check_complete results/synthetic.h5 "$trials"
        compare results/synthetic.h5 direct-synthetic.h5
        log "minrisk-array.sbatch (fake minrisk): task $jid checkpointed on SIGUSR1, requeued," \
            "resumed ($(($(date +%s) - t0)) s)" ;;
    *)
        fail "MINRISK_SLURM_CKPT must be auto, real, mock or off" ;;
esac
exit 0
