/* report.c - `minrisk report FILE.h5 [-o DIR] [--quiet]`: a one-page,
 * self-contained HTML report with its figures as PNG and SVG (docs/REPORT.md).
 *
 * This command checks the arguments and that FILE is a minrisk file, then
 * runs the report generator, out/report.py (Python 3 with numpy, h5py and
 * matplotlib), without a shell, and passes its exit status through. The
 * script is found at $MINRISK_REPORT_SCRIPT, else next to the installed
 * binary (<bindir>/../share/minrisk/report.py), else, when the binary runs
 * from its build tree, in that build's source tree (mr_cli_source_dir); the
 * interpreter is $MINRISK_PYTHON, else
 * /usr/bin/python3 (Debian's, which has the modules). */
#define _XOPEN_SOURCE 700 /* strsignal, posix_spawn, realpath */
#include "sim/cmd/cli.h"
#include "sim/cmd/outpath.h"
#include "out/format.h" /* mr_file_kind, mr_printable, mr_env_shown */
#include "out/h5/read.h"
#include "out/stopsig.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define REPORT_DEFAULT_PYTHON "/usr/bin/python3"
#define REPORT_INSTALLED_SCRIPT "/../share/minrisk/report.py" /* from the binary's directory */
#define REPORT_SOURCE_SCRIPT "/out/report.py"                 /* from the source tree */
/* report.py's status when the report is installed but its closing line
   met a pipe whose reader is gone (stdout is shared with the child) */
#define REPORT_EXIT_STDOUT_CLOSED 3
/* report.py's status for bad input when started with --from-minrisk
   (passed on as 2): python3 itself exits 2 when it cannot open the script
   (one that vanished after find_script), which is a failure, not bad input */
#define REPORT_EXIT_BAD_INPUT 4

static const char *const usage_report =
    "usage: minrisk report FILE.h5 [-o DIR] [--quiet]\n"
    "\n"
    "Write a one-page, self-contained HTML report of a result file (a run, a\n"
    "comparison, a sweep or an uncertainty study) to DIR/report.html, and its\n"
    "figures to DIR as PNG and SVG: loss exceedance curves per sector with\n"
    "confidence bands, loss histograms, fan charts of sector inoperability and of\n"
    "price ratios over time, shortage probabilities, the static indicators with\n"
    "the cap flags (UK sourcing beside the world's top share first), the\n"
    "attribution ranking when the file has one; for a comparison or a sweep the\n"
    "UK sourcing of every run first, the curves overlaid and the differences\n"
    "with intervals; for an uncertainty study the ranked Sobol indices and the\n"
    "predictive distribution against the base. Every headline figure\n"
    "has its Monte Carlo error. The page needs no network: figures are embedded.\n"
    "\n"
    "  -o, --output DIR    directory to write (default: FILE's base name without\n"
    "                      .h5 + \"-report\", in the current directory); an earlier\n"
    "                      report there is replaced (refused if it holds a file a\n"
    "                      report does not write), an empty directory used, any\n"
    "                      other directory refused\n"
    "  -q, --quiet         no progress and no closing line\n"
    "\n"
    "Needs Python 3 with numpy, h5py and matplotlib (Debian: python3-numpy\n"
    "python3-h5py python3-matplotlib); MINRISK_PYTHON names another interpreter,\n"
    "MINRISK_REPORT_SCRIPT another report.py. The report is written under a\n"
    "temporary name and renamed when complete.\n"
    "\n"
    "example:\n"
    "  minrisk run scenarios/demo.yaml -o demo.h5 --trials 2000 && minrisk report demo.h5\n";

/* The child, for forwarding signals (set before they are unblocked), and
   the last stop signal received (out/stopsig.h; 0: none). */
static volatile sig_atomic_t child_pid = 0;
static volatile sig_atomic_t signalled = 0;

static void forward_signal(int sig)
{
    signalled = sig;
    /* report.py catches SIGINT, SIGTERM and SIGHUP (the others would kill
       it, leaving DIR.tmp.<pid>): every other stop signal reaches it as
       SIGTERM */
    if (child_pid > 0)
        kill((pid_t)child_pid, sig == SIGINT || sig == SIGHUP ? sig : SIGTERM);
}

/* The stop signals (out/stopsig.h: SIGINT, SIGTERM, SIGHUP, and since
   2026-12-06 SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM and SIGXCPU, which killed
   the command and left DIR.lock) for the whole command (main installs them first):
   recorded, and forwarded to report.py while it runs. Before, they were
   caught only while report.py ran: one while FILE was checked killed the
   command (SIGTERM: status 143, not 130), and one just after left DIR.lock.
   SIGPIPE deferred, as for run: a stdout closed early (`| head`) ends the
   command by SIGPIPE after the report is installed and DIR.lock released,
   and the line after a report.py that died ("stopped by signal") on a
   closed stderr no longer kills the command and leaves DIR.lock. */
void mr_cmd_report_signals(void)
{
    mr_cli_catch_signals(forward_signal);
    mr_cli_defer_sigpipe();
    /* SIGCHLD at its default: started with it ignored (`trap '' CHLD`, some
       daemons and batch wrappers), the kernel reaps report.py by itself and
       the wait failed, "No child processes", after a report written whole. */
    struct sigaction sa = {.sa_handler = SIG_DFL};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
}

/* FILE is a regular file holding an HDF5 minrisk file of a major version we
   read: 0; else MR_BAD_INPUT, or MR_FAILED (out of memory: not the file's
   fault), with the reason in msg. */
static int check_input(const char *path, char *msg, size_t len)
{
    struct stat st;
    if (!path[0]) { /* as the other readers (out/h5/read.c) */
        snprintf(msg, len, "%s", "'': an empty path");
        return -1;
    }
    if (stat(path, &st)) {
        snprintf(msg, len, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(msg, len, "%s: not a minrisk file (%s, not a regular file)", path,
                 mr_file_kind(st.st_mode));
        return -1;
    }
    if (access(path, R_OK)) {
        snprintf(msg, len, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    /* the reader's own checks (out/h5/read.h): HDF5, format, version, and
       the global heap, which HDF5 (report.py's h5py too) trusts blindly */
    mr_error err = {{0}};
    mr_h5r r;
    mr_h5r_open(&r, path, 0, &err);
    mr_h5r_close(&r);
    if (r.status != MR_OK)
        snprintf(msg, len, "%s", err.msg);
    return r.status == MR_OK ? 0 : r.status == MR_FAILED ? MR_FAILED : MR_BAD_INPUT;
}

static int readable_file(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, R_OK);
}

/* FILE does not lie inside DIR, the folder that report.py replaces (by
   real path: links resolved); else -1 with the reason in msg. */
static int check_not_inside(const char *file, const char *dir, char *msg, size_t len)
{
    char *rf = realpath(file, NULL), *rd = realpath(dir, NULL);
    int inside = 0;
    if (rf && rd) {
        size_t n = strlen(rd);
        inside = !strcmp(rd, "/") || (!strncmp(rf, rd, n) && rf[n] == '/');
    }
    free(rf);
    free(rd);
    if (inside)
        snprintf(msg, len,
                 "%s: lies inside %s, the folder the report would replace; move it or choose "
                 "another -o",
                 file, dir);
    return inside ? -1 : 0;
}

/* The report script: see the file comment for the order. buf holds the
   result; NULL when none is found (msg says where it looked). */
static const char *find_script(char *buf, size_t len, char *msg, size_t msglen)
{
    const char *env = getenv("MINRISK_REPORT_SCRIPT");
    if (env && *env) {
        if (readable_file(env))
            return env;
        char shown[MR_ENV_SHOWN];
        snprintf(msg, msglen, "minrisk report: MINRISK_REPORT_SCRIPT=%s: cannot read the script",
                 mr_env_shown("MINRISK_REPORT_SCRIPT", shown, sizeof shown));
        return NULL;
    }
    char exe[PATH_MAX];
    if (mr_cli_exe_dir(exe, sizeof exe) == 0) {
        int w = snprintf(buf, len, "%s%s", exe, REPORT_INSTALLED_SCRIPT);
        if (w > 0 && (size_t)w < len && readable_file(buf))
            return buf;
    }
    const char *src = mr_cli_source_dir();
    if (src[0]) {
        int w = snprintf(buf, len, "%s%s", src, REPORT_SOURCE_SCRIPT);
        if (w > 0 && (size_t)w < len && readable_file(buf))
            return buf;
    }
    if (src[0])
        snprintf(msg, msglen,
                 "minrisk report: cannot find report.py (looked in <bindir>%s and %s%s; set "
                 "MINRISK_REPORT_SCRIPT)",
                 REPORT_INSTALLED_SCRIPT, src, REPORT_SOURCE_SCRIPT);
    else
        snprintf(msg, msglen,
                 "minrisk report: cannot find report.py (looked in <bindir>%s; set "
                 "MINRISK_REPORT_SCRIPT)",
                 REPORT_INSTALLED_SCRIPT);
    return NULL;
}

/* "<base of file without .h5>-report" (caller frees). */
static char *default_dir(const char *file)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (n > 3 && !strcmp(base + n - 3, ".h5"))
        n -= 3;
    char *out = malloc(n + sizeof "-report");
    if (out) {
        memcpy(out, base, n);
        memcpy(out + n, "-report", sizeof "-report");
    }
    return out;
}

/* Run argv[0] (PATH searched) with argv and wait; the status of the child's
   exit status (report.py exits as minrisk does: 0, 130 interrupted; bad
   input is 4 (--from-minrisk), not 2, which python3 gives when it cannot
   open the script; 3, done but stdout a closed pipe, is MR_OK with the
   stdout noted lost; anything else is MR_FAILED), or MR_FAILED /
   MR_INTERRUPTED with a message. */
static mr_status run_child(char *const argv[], const char *dir)
{
    /* The child gets a process group of its own so that a Ctrl-C reaches it
       once, forwarded by us, not twice (from the terminal and from us). */
    sigset_t prev;
    mr_stopsig_block(&prev);
    if (signalled) { /* before the child: it is not started */
        mr_stopsig_restore(&prev);
        fprintf(stderr, "minrisk report: interrupted; nothing written to %s\n", dir);
        return MR_INTERRUPTED;
    }

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &prev);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t deflt;
    mr_stopsig_set(&deflt);
    sigaddset(&deflt, SIGPIPE); /* ours may be ignored (deferred) */
    posix_spawnattr_setsigdefault(&attr, &deflt);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], NULL, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    if (!err)
        child_pid = pid;
    mr_stopsig_restore(&prev);

    mr_status status = MR_FAILED;
    /* the interpreter (MINRISK_PYTHON) and the script (MINRISK_REPORT_SCRIPT)
       as out/format.h's mr_env_shown shows such values */
    char py[MR_ENV_SHOWN], script[512];
    mr_printable(argv[0], py, sizeof py);
    mr_printable(argv[1], script, sizeof script);
    if (err) {
        fprintf(stderr,
                "minrisk report: cannot run %s: %s (install python3 or set MINRISK_PYTHON)\n", py,
                strerror(err));
    } else {
        /* Wait for its end without reaping it, then stop forwarding before
           it is reaped: until then its pid cannot be another process's, so
           a signal that comes as it ends is never sent to a stranger. */
        siginfo_t info;
        int ws = 0, w;
        while ((w = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT)) < 0 && errno == EINTR)
            ;
        mr_stopsig_block(&prev);
        child_pid = 0;
        mr_stopsig_restore(&prev);
        pid_t r = -1;
        if (w == 0)
            while ((r = waitpid(pid, &ws, 0)) < 0 && errno == EINTR)
                ;
        if (r < 0) {
            fprintf(stderr, "minrisk report: waiting for %s: %s\n", py, strerror(errno));
        } else if (WIFEXITED(ws)) {
            int code = WEXITSTATUS(ws);
            status = code == 0 || code == REPORT_EXIT_STDOUT_CLOSED ? MR_OK
                     : code == REPORT_EXIT_BAD_INPUT                ? MR_BAD_INPUT
                     : code == MR_CLI_INTERRUPTED_EXIT              ? MR_INTERRUPTED
                                                                    : MR_FAILED;
            if (code == REPORT_EXIT_STDOUT_CLOSED)
                mr_cli_note_stdout_lost(); /* as if this process had met the closed pipe */
        } else if (WIFSIGNALED(ws)) {
            int sig = WTERMSIG(ws);
            fprintf(stderr, "minrisk report: %s stopped by signal %d (%s)\n", script, sig,
                    strsignal(sig));
            status =
                (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) ? MR_INTERRUPTED : MR_FAILED;
        }
    }
    child_pid = 0;
    /* A signal forwarded to a child that then failed: interrupted. Python
       exits 1, with a traceback, when a Ctrl-C comes while it starts up,
       before report.py's handlers; that was reported as a failure. */
    if (status == MR_FAILED && signalled && !err)
        status = MR_INTERRUPTED;
    return status;
}

mr_status mr_cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {NULL, 0, NULL, 0}};
    const char *file = NULL, *dir = NULL;
    int quiet = 0;
    mr_cli_opts p;
    mr_cli_opts_init(&p, "report", usage_report, "o:q", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        switch (c) {
        case 'o':
            dir = v;
            if (!*dir)
                return mr_cli_usage_error("report", "%s", "-o: empty directory name");
            break;
        case 'q':
            quiet = 1;
            break;
        default: /* MR_CLI_ARG */
            if (file)
                return mr_cli_usage_error("report", "unexpected argument '%s'", v);
            file = v;
        }
    }
    if (p.stop)
        return p.status;
    if (!file)
        return mr_cli_usage_error("report", "%s", "missing FILE.h5");

    char msg[4608];
    const int checked = check_input(file, msg, sizeof msg);
    if (checked != 0) {
        fprintf(stderr, "%s\n", msg);
        return checked;
    }
    char script_buf[PATH_MAX + 64];
    const char *script = find_script(script_buf, sizeof script_buf, msg, sizeof msg);
    if (!script) {
        fprintf(stderr, "%s\n", msg);
        return MR_FAILED;
    }
    char *owned_dir = NULL;
    if (!dir) {
        owned_dir = default_dir(file);
        if (!owned_dir) {
            fprintf(stderr, "minrisk report: out of memory\n");
            return MR_FAILED;
        }
        dir = owned_dir;
    }
    if (check_not_inside(file, dir, msg, sizeof msg)) {
        fprintf(stderr, "%s\n", msg);
        free(owned_dir);
        return MR_BAD_INPUT;
    }
    const char *python = getenv("MINRISK_PYTHON");
    if (!python || !*python)
        python = REPORT_DEFAULT_PYTHON;

    char *args[12];
    int n = 0;
    args[n++] = (char *)python;
    args[n++] = (char *)script;
    args[n++] = (char *)"--from-minrisk"; /* bad input: status 4 (REPORT_EXIT_BAD_INPUT) */
    args[n++] = (char *)"-o";
    args[n++] = (char *)dir;
    args[n++] = (char *)"--minrisk-version";
    args[n++] = (char *)MINRISK_VERSION;
    if (quiet)
        args[n++] = (char *)"--quiet";
    args[n++] = (char *)"--"; /* FILE may start with '-' (minrisk report -- -x.h5) */
    args[n++] = (char *)file;
    args[n] = NULL;
    /* DIR.lock while report.py writes (sim/cmd/outpath.h, as export holds
       its --csv DIR's): a second report into DIR is refused at once, and
       under it report.py may remove a dead report's temporaries */
    mr_error lerr = {{0}};
    const mr_status locked = mr_outpath_lock_dir(dir, "report", "-o", &lerr);
    if (locked != MR_OK) {
        fprintf(stderr, "%s\n", lerr.msg);
        free(owned_dir);
        return locked; /* MR_BAD_INPUT: the directory cannot take the lock file */
    }
    fflush(stdout);
    fflush(stderr);
    mr_status status = run_child(args, dir);
    mr_outpath_release();
    free(owned_dir);
    return status;
}
