/* cli.c - what the minrisk commands share: argument checks, the default
 * output name, loading a scenario on every rank. */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include "sim/cmd/cli.h"

#include "models/libm_path.h"
#include "sim/cmd/outpath.h"
#include "sim/engine.h"
#include "out/h5/writer.h"
#include "out/stopsig.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *mr_cli_nearest(const char *word, const void *table, size_t n, size_t stride)
{
    const char *names[64];
    size_t k = 0;
    for (; k < n && k < 64; k++) {
        names[k] = *(const char *const *)(const void *)((const char *)table + k * stride);
        if (!names[k])
            break;
    }
    return mr_nearest(word, names, (int)k);
}

void mr_cli_opts_init(mr_cli_opts *p, const char *cmd, const char *usage, const char *shortopts,
                      const struct option *longopts, int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->usage = usage;
    /* "-": arguments returned in order as MR_CLI_ARG (argv is never
       permuted, whatever POSIXLY_CORRECT says); ":": a missing value is ':' */
    snprintf(p->shortopts, sizeof p->shortopts, "-:h%s", shortopts);
    p->longopts = longopts;
    p->argc = argc;
    p->argv = argv;
    optind = 0; /* glibc: start afresh (a command may be parsed twice in a process) */
    opterr = 0; /* the messages are ours */
}

/* this process's MPI rank (mr_cli_set_rank): only rank 0 prints usage */
static int cli_rank = 0;

static size_t count_longopts(const struct option *o)
{
    size_t n = 0;
    while (o[n].name)
        n++;
    return n;
}

/* One line for the option getopt_long refused in elem. */
static int refuse(mr_cli_opts *p, int c, const char *elem)
{
    char msg[512], name[128];
    size_t n = count_longopts(p->longopts);
    if (!strncmp(elem, "--", 2)) {
        size_t len = strcspn(elem + 2, "=");
        snprintf(name, sizeof name, "%.*s", len < 100 ? (int)len : 100, elem + 2);
    } else {
        name[0] = '\0';
    }
    if (c == ':') { /* a value is missing */
        if (name[0])
            snprintf(msg, sizeof msg, "option '--%s' needs a value", name);
        else
            snprintf(msg, sizeof msg, "option '-%c' needs a value", optopt);
    } else if (name[0] && optopt) { /* --quiet=1 */
        snprintf(msg, sizeof msg, "option '--%s' takes no value", name);
    } else if (name[0]) {
        /* an ambiguous prefix, or unknown */
        size_t len = strlen(name), w = 0, matches = 0;
        char list[256] = "";
        for (size_t k = 0; k < n; k++)
            if (!strncmp(p->longopts[k].name, name, len) && w < sizeof list) {
                w += (size_t)snprintf(list + w, sizeof list - w, "%s--%s", matches ? ", " : "",
                                      p->longopts[k].name);
                matches++;
            }
        const char *near = mr_cli_nearest(name, p->longopts, n, sizeof *p->longopts);
        if (matches > 1)
            snprintf(msg, sizeof msg, "option '--%s' is ambiguous: %s", name, list);
        else if (near)
            snprintf(msg, sizeof msg, "unknown option '--%s'; did you mean --%s?", name, near);
        else
            snprintf(msg, sizeof msg, "unknown option '--%s'", name);
    } else {
        /* a short option; -trials for --trials gets the long one */
        const char *near = elem[0] == '-' && strlen(elem) > 2
                               ? mr_cli_nearest(elem + 1, p->longopts, n, sizeof *p->longopts)
                               : NULL;
        if (near)
            snprintf(msg, sizeof msg, "unknown option '%.100s'; did you mean --%s?", elem, near);
        else if (optopt > ' ' && optopt < 127)
            snprintf(msg, sizeof msg, "unknown option '-%c'", optopt);
        else
            snprintf(msg, sizeof msg, "unknown option in '%.100s'", elem);
    }
    p->stop = true;
    p->status = mr_cli_usage_error(p->cmd, "%s", msg);
    return 0;
}

int mr_cli_next(mr_cli_opts *p, const char **arg)
{
    *arg = NULL;
    if (p->rest) { /* after -- */
        if (p->rest >= p->argc)
            return 0;
        p->last = p->rest++;
        *arg = p->argv[p->last];
        return MR_CLI_ARG;
    }
    /* the element getopt_long reads now (a bundle stays at optind until done) */
    int at = optind > 0 ? optind : 1;
    int c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, NULL);
    if (c == -1) {
        if (optind >= p->argc)
            return 0;
        p->rest = optind; /* the first argument after -- */
        return mr_cli_next(p, arg);
    }
    if (c == '?' || c == ':')
        return refuse(p, c, at < p->argc ? p->argv[at] : "");
    if (c == 'h' && p->usage) {
        if (cli_rank == 0)
            fputs(p->usage, stdout);
        p->stop = true;
        p->status = MR_OK;
        return 0;
    }
    if (c == MR_CLI_ARG)
        p->last = optind - 1; /* in order: the element just read */
    *arg = optarg;
    return c;
}

void mr_cli_set_rank(int rank)
{
    cli_rank = rank;
}

static mr_status usage_line(const char *cmd, const char *fmt, const char *arg, bool zero)
{
    if (cli_rank != 0)
        return MR_BAD_INPUT;
    fprintf(stderr, "minrisk%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    fprintf(stderr, fmt, arg);
    if (zero)
        fputs(": a leading zero is refused, as in a scenario file, since YAML 1.1 readers "
              "(PyYAML) take 010 as octal; write it without",
              stderr);
    fprintf(stderr, " (see 'minrisk%s%s --help')\n", cmd ? " " : "", cmd ? cmd : "");
    return MR_BAD_INPUT;
}

mr_status mr_cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    return usage_line(cmd, fmt, arg, false);
}

mr_status mr_cli_number_error(const char *cmd, mr_cli_num why, const char *fmt, const char *arg)
{
    return usage_line(cmd, fmt, arg, why == MR_CLI_NUM_LEADING_ZERO);
}

mr_status mr_cli_parse_progress(const char *cmd, const char *v, unsigned long long *seconds)
{
    mr_cli_num why = mr_cli_parse_range(v, 1, 86400ull, seconds);
    return why ? mr_cli_number_error(cmd, why,
                                     "--progress: must be seconds in [1, 86400], got '%s'", v)
               : MR_OK;
}

bool mr_cli_leading_zero(const char *s)
{
    return s[0] == '0' && s[1] && s[strspn(s, "0123456789")] == '\0';
}

/* Parse a whole decimal unsigned number: digits only. strtoull alone would
   skip leading white space and take a sign (" -1" is 2^64-1). No leading
   zero (0 itself is a number): the loader refuses 010 in a scenario file
   (sim/scenario/yaml.c), and --trials 010 must not mean what trials: 010
   cannot. */
mr_cli_num mr_cli_parse_u64(const char *s, unsigned long long *out)
{
    if (mr_cli_leading_zero(s))
        return MR_CLI_NUM_LEADING_ZERO;
    if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
        return MR_CLI_NUM_BAD;
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return (errno || *end) ? MR_CLI_NUM_BAD : MR_CLI_NUM_OK;
}

mr_cli_num mr_cli_parse_range(const char *s, unsigned long long lo, unsigned long long hi,
                              unsigned long long *out)
{
    mr_cli_num why = mr_cli_parse_u64(s, out);
    return why ? why : *out < lo || *out > hi ? MR_CLI_NUM_BAD : MR_CLI_NUM_OK;
}

char *mr_cli_default_output(const char *scenario)
{
    const char *base = strrchr(scenario, '/');
    base = base ? base + 1 : scenario;
    size_t len = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml")))
        len = (size_t)(dot - base);
    char *out = malloc(len + 4);
    if (out) {
        memcpy(out, base, len);
        memcpy(out + len, ".h5", 4);
    }
    return out;
}

/* Print an error once: from rank 0 (every rank holds the same message). */
void mr_cli_report(const mr_comm *comm, const mr_error *err)
{
    if (comm->rank == 0)
        fprintf(stderr, "%s\n", err->msg);
}

/* The scenario's warnings (sc->warnings), once: from rank 0. */
void mr_cli_warnings(const mr_comm *comm, const mr_scenario *sc)
{
    for (int k = 0; comm->rank == 0 && k < sc->nwarnings; k++)
        fprintf(stderr, "warning: %s\n", sc->warnings[k]);
}

int mr_cli_exe_dir(char *buf, size_t len)
{
    ssize_t n = len > 1 ? readlink("/proc/self/exe", buf, len - 1) : -1;
    if (n <= 0 || (size_t)n >= len - 1) /* failed, or perhaps cut short */
        return -1;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return 0;
}

const char *mr_cli_source_dir(void)
{
    static char dir[PATH_MAX];
    static int done;
    if (done)
        return dir;
    done = 1;
    char exe[PATH_MAX], cache[PATH_MAX + 32];
    if (mr_cli_exe_dir(exe, sizeof exe) != 0)
        return dir;
    snprintf(cache, sizeof cache, "%s/CMakeCache.txt", exe);
    FILE *f = fopen(cache, "r");
    if (!f)
        return dir;
    static const char key[] = "CMAKE_HOME_DIRECTORY:INTERNAL=";
    char line[PATH_MAX + sizeof key];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, sizeof key - 1) != 0)
            continue;
        char *v = line + sizeof key - 1;
        v[strcspn(v, "\r\n")] = '\0';
        if (v[0] == '/' && strlen(v) < sizeof dir)
            memcpy(dir, v, strlen(v) + 1);
        break;
    }
    fclose(f);
    return dir;
}

/* One rank's facts for mr_cli_libm_agree's message. */
typedef struct {
    uint64_t fingerprint;
    char host[256], cpu[64];
} libm_facts;

static void libm_facts_here(libm_facts *f)
{
    memset(f, 0, sizeof *f);
    f->fingerprint = mr_libm_fingerprint();
    if (gethostname(f->host, sizeof f->host - 1) != 0)
        snprintf(f->host, sizeof f->host, "unknown");
    snprintf(f->cpu, sizeof f->cpu, "%s", mr_libm_cpu_words());
}

mr_status mr_cli_libm_agree(const mr_comm *comm, const char *cmd)
{
    if (comm->size == 1)
        return MR_OK;
    libm_facts mine, root;
    libm_facts_here(&mine);
    root = mine;
    /* the first rank that differs from rank 0, or size when none does */
    double first = (double)comm->size;
    if (mr_comm_bcast(comm, &root, sizeof root) == 0 && mine.fingerprint != root.fingerprint)
        first = (double)comm->rank;
    if (mr_comm_min_f64(comm, &first, 1) != 0) {
        if (comm->rank == 0)
            fprintf(stderr, "minrisk %s: the ranks could not compare their libm code paths\n", cmd);
        return MR_FAILED;
    }
    if (first >= (double)comm->size)
        return MR_OK;
    libm_facts other = mine;
    mr_comm_bcast_from(comm, (int)first, &other, sizeof other);
    if (comm->rank == 0)
        fprintf(stderr,
                "minrisk %s: rank %d (host %s, %s) computes exp, log and pow differently from rank "
                "0 (host %s, %s): libm fingerprints %016llx and %016llx, so the results would "
                "depend on which rank ran which trials; run on nodes of one CPU type, or set "
                "GLIBC_TUNABLES=glibc.cpu.hwcaps=-FMA for every rank (docs/HPC.md)\n",
                cmd, (int)first, other.host, other.cpu, root.host, root.cpu,
                (unsigned long long)other.fingerprint, (unsigned long long)root.fingerprint);
    return MR_FAILED;
}

/* Rank 0 reads the scenario file once and broadcasts its bytes; every rank
   parses the same bytes. */
int mr_cli_load_scenario(const char *path, mr_scenario *sc, const mr_comm *comm, mr_error *err)
{
    int rc = 0;
    if (comm->rank == 0)
        rc = mr_scenario_load(path, sc, err);
    if (comm->size == 1)
        return rc;
    mr_comm_bcast(comm, &rc, sizeof rc);
    if (rc) {
        mr_comm_bcast(comm, err->msg, sizeof err->msg);
        return rc;
    }
    uint64_t len = comm->rank == 0 ? (uint64_t)sc->source_len : 0;
    mr_comm_bcast(comm, &len, sizeof len);
    if (comm->rank == 0)
        return mr_comm_bcast(comm, sc->source_text, (size_t)len);
    char *buf = malloc((size_t)len + 1);
    if (!buf) {
        snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
        return MR_FAILED; /* the ranks now disagree: MPI_Abort in the caller */
    }
    mr_comm_bcast(comm, buf, (size_t)len);
    rc = mr_scenario_parse(path, buf, (size_t)len, sc, err);
    free(buf);
    return rc;
}

/* A handler cannot return a status: during the write it exits at once with
   MR_INTERRUPTED's exit status, leaving neither the temporary file nor the
   output's lock file. Once the temporary file has been renamed to the
   output (it is gone: the file is complete) the interrupt is too late and
   the run ends as one that wrote its file. */
static void on_interrupt(int sig)
{
    (void)sig;
    if (mr_output_remove_partial()) { /* a write in progress, its file removed */
        mr_outpath_release_in_handler();
        _exit(MR_CLI_INTERRUPTED_EXIT);
    }
    mr_engine_interrupt();
    mr_output_interrupt();
}

void mr_cli_install_interrupt(bool sigterm_too)
{
    /* every stop signal (out/stopsig.h) as Ctrl-C: a hang-up (a dropped ssh
       session), SIGQUIT, SIGUSR2, SIGALRM, and for commands without a
       checkpoint SIGTERM, SIGUSR1 and SIGXCPU too. By default they killed
       the process, leaving a write's temporary file and the output's lock.
       run's checkpoint signals wait while this handler runs (run.c: the
       first stopping signal decides). */
    static const int sigs[] = {SIGINT, SIGHUP, SIGQUIT, SIGUSR2, SIGALRM};
    static const int checkpoint[] = {SIGTERM, SIGUSR1, SIGXCPU};
    sigset_t mask;
    mr_stopsig_set(&mask);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        mr_stopsig_catch(sigs[k], on_interrupt, &mask);
    for (size_t k = 0; sigterm_too && k < sizeof checkpoint / sizeof checkpoint[0]; k++)
        mr_stopsig_catch(checkpoint[k], on_interrupt, &mask);
}

/* SIGPIPE was at its default (killing) when mr_cli_defer_sigpipe ignored it. */
static bool sigpipe_deferred;

void mr_cli_defer_sigpipe(void)
{
    struct sigaction ign, old;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    if (sigaction(SIGPIPE, &ign, &old) == 0 && old.sa_handler == SIG_DFL)
        sigpipe_deferred = true;
    else if (old.sa_handler != SIG_IGN)
        sigaction(SIGPIPE, &old, NULL); /* a handler of the caller's: keep it */
}

/* fd is a pipe (or FIFO) whose reading end is closed. */
static bool reader_gone(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode))
        return false;
    struct pollfd p = {.fd = fd, .events = 0, .revents = 0};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

/* A child's write to the shared stdout met a pipe whose reader is gone. */
static bool stdout_lost;

void mr_cli_note_stdout_lost(void)
{
    stdout_lost = true;
}

bool mr_cli_stdout_lost(void)
{
    return stdout_lost;
}

void mr_cli_end_deferred_sigpipe(void)
{
    if (!sigpipe_deferred)
        return;
    fflush(stdout);
    if (((ferror(stdout) || stdout_lost) && reader_gone(STDOUT_FILENO)) ||
        (ferror(stderr) && reader_gone(STDERR_FILENO))) {
        signal(SIGPIPE, SIG_DFL);
        raise(SIGPIPE);
    }
}

void mr_cli_catch_signals(void (*handler)(int))
{
    mr_stopsig_catch_all(handler, NULL);
}
