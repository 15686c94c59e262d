/* cli.c - what the minrisk commands share: argument checks, the default
 * output name, loading a scenario on every rank. */
#define _POSIX_C_SOURCE 200809L /* sigaction */

#include "sim/cmd/cli.h"

#include "sim/cmd/outpath.h"
#include "sim/engine.h"
#include "out/h5/writer.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int mr_cli_is_help(const char *a)
{
    return !strcmp(a, "-h") || !strcmp(a, "--help");
}

mr_status mr_cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "minrisk%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see 'minrisk%s%s --help')\n", cmd ? " " : "", cmd ? cmd : "");
    return MR_BAD_INPUT;
}

/* Parse a whole decimal unsigned number: digits only. strtoull alone would
   skip leading white space and take a sign (" -1" is 2^64-1). */
int mr_cli_parse_u64(const char *s, unsigned long long *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return (errno || *end) ? -1 : 0;
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

/* The output's directory must exist and be writable (the file is written
   there under a temporary name, then renamed). */
int mr_cli_check_output_dir(const char *path, mr_error *err)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else if ((size_t)(slash - path) < sizeof dir) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    } else {
        snprintf(err->msg, sizeof err->msg, "%s: cannot write: path too long", path);
        return -1;
    }
    if (slash && !slash[1]) {
        snprintf(err->msg, sizeof err->msg, "%s: cannot write: not a file name", path);
        return -1;
    }
    if (access(dir, W_OK | X_OK)) {
        snprintf(err->msg, sizeof err->msg, "%.480s: cannot write to directory '%.480s': %s", path,
                 dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Print an error once: from rank 0 (every rank holds the same message). */
void mr_cli_report(const mr_comm *comm, const mr_error *err)
{
    if (comm->rank == 0)
        fprintf(stderr, "%s\n", err->msg);
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
        return -1; /* the ranks now disagree: MPI_Abort in the caller */
    }
    mr_comm_bcast(comm, buf, (size_t)len);
    rc = mr_scenario_parse(path, buf, (size_t)len, sc, err);
    free(buf);
    return rc;
}

/* A handler cannot return a status: during the write it exits at once with
   MR_INTERRUPTED's exit status, leaving neither the temporary file nor the
   output's lock file. */
static void on_interrupt(int sig)
{
    (void)sig;
    if (mr_output_writing()) {
        mr_output_remove_partial();
        mr_outpath_release_in_handler();
        _exit(MR_CLI_INTERRUPTED_EXIT);
    }
    mr_engine_interrupt();
    mr_output_interrupt();
}

void mr_cli_install_interrupt(bool sigterm_too)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    if (sigterm_too)
        sigaction(SIGTERM, &sa, NULL);
}
