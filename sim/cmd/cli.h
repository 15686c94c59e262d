/* cli.h - the command line's shared pieces (sim/cmd/cli.c) and the entry
 * point of each command (one file each under sim/cmd/). Only command code
 * prints errors; a command returns an mr_status (models/status.h: MR_BAD_INPUT
 * for bad usage or input) and main.c alone turns it into an exit status. */
#ifndef MR_CLI_H
#define MR_CLI_H

#include "out/comm.h"
#include "sim/scenario/loader.h"

#include "models/status.h"

#include <getopt.h>
#include <stdbool.h>

/* The exit status of MR_INTERRUPTED (main.c), for the signal handlers that
   _exit while a file is being written: a handler cannot return a status. */
#define MR_CLI_INTERRUPTED_EXIT 130

/* The options of a command, parsed with getopt_long (cli.c): --opt=value
   and --opt value, a unique prefix of a long option (--thr for --threads),
   bundled short options (-qo FILE), -- ends the options; options and
   arguments in any order. shortopts is getopt's string without the leading
   "-:h" (added here); every option's val is its short letter or a code of
   at least MR_CLI_LONG (1 is taken: an argument); longopts names --help
   with the val 'h'. The loop:

       mr_cli_opts p;
       mr_cli_opts_init(&p, "run", usage_run, "o:q", longopts, argc, argv);
       for (int c; (c = mr_cli_next(&p, &v)) > 0;)
           switch (c) { case 'o': ...; case MR_CLI_ARG: ... }
       if (p.stop)
           return p.status;  (--help printed, or bad usage) */
#define MR_CLI_LONG 256
#define MR_CLI_ARG 1

typedef struct {
    const char *cmd;               /* "run"; NULL: the main command */
    const char *usage;             /* printed on stdout for -h, --help; NULL: 'h' returned */
    char shortopts[64];            /* "-:h" + the command's */
    const struct option *longopts; /* ends with {0} */
    int argc;                      /* argv[0] is the command's name */
    char **argv;
    int rest;         /* after --: the next argument's index */
    int last;         /* the index of the last MR_CLI_ARG */
    bool stop;        /* mr_cli_next ended early: */
    mr_status status; /* MR_OK after --help, MR_BAD_INPUT after bad usage */
} mr_cli_opts;

/* Start parsing argv[1..argc-1] (argv[0]: the command's name). */
void mr_cli_opts_init(mr_cli_opts *p, const char *cmd, const char *usage, const char *shortopts,
                      const struct option *longopts, int argc, char **argv);

/* The next option's val (its value, if it takes one, in *arg), or
   MR_CLI_ARG with an argument in *arg; 0 at the end, and 0 with p->stop
   after printing the usage (-h, --help: p->status MR_OK) or one line of
   bad usage (MR_BAD_INPUT): an unknown option with the nearest known one
   ("minrisk run: unknown option '--trails'; did you mean --trials? (see
   'minrisk run --help')"), an ambiguous prefix, a missing value, a value
   given to an option that takes none. */
int mr_cli_next(mr_cli_opts *p, const char **arg);

/* The name in table[] (n entries of stride bytes, each starting with its
   name; a NULL name ends it) nearest to word by the loader's did-you-mean
   rule (mr_nearest, sim/scenario/loader.h); NULL if none is near. */
const char *mr_cli_nearest(const char *word, const void *table, size_t n, size_t stride);

/* "minrisk CMD: <fmt with arg> (see 'minrisk CMD --help')" on stderr;
   returns MR_BAD_INPUT. cmd NULL: the main command. */
mr_status mr_cli_usage_error(const char *cmd, const char *fmt, const char *arg);

/* This process's MPI rank (main, after MPI_Init): on a rank other than 0
   mr_cli_usage_error and --help print nothing, so that a bad command line
   under mpiexec -n R is one line, not R. Default 0 (one process). */
void mr_cli_set_rank(int rank);

/* Why mr_cli_parse_u64 refused a number (0: it did not). */
typedef enum {
    MR_CLI_NUM_OK = 0,
    MR_CLI_NUM_BAD = -1,          /* not digits only, or past 2^64-1, or out of range */
    MR_CLI_NUM_LEADING_ZERO = -2, /* 010, 00: refused as the loader refuses it */
} mr_cli_num;

/* A whole decimal unsigned number: digits only (no sign, no white space,
   no trailing text, no leading zero: 010 is refused, as the loader refuses
   it in a scenario file; 0 is a number), at most 2^64-1. MR_CLI_NUM_OK, or
   why not: the reason goes to mr_cli_number_error, no state is kept. */
mr_cli_num mr_cli_parse_u64(const char *s, unsigned long long *out);

/* mr_cli_parse_u64 and lo <= *out <= hi (else MR_CLI_NUM_BAD). */
mr_cli_num mr_cli_parse_range(const char *s, unsigned long long lo, unsigned long long hi,
                              unsigned long long *out);

/* s is digits only with a leading zero (010, 00; not 0, 0.5 or 00.5). For
   options that take a decimal number, before strtod: their error then
   passes MR_CLI_NUM_LEADING_ZERO to mr_cli_number_error. */
bool mr_cli_leading_zero(const char *s);

/* mr_cli_usage_error for a number refused for the reason why: after
   MR_CLI_NUM_LEADING_ZERO the line says why ("...got '010': a leading zero
   is refused, as in a scenario file, since YAML 1.1 readers (PyYAML) take
   010 as octal; write it without (see ...)"). */
mr_status mr_cli_number_error(const char *cmd, mr_cli_num why, const char *fmt, const char *arg);

/* --progress SECONDS of run, compare and uncertainty (1..86400) into
 *seconds; MR_OK, or MR_BAD_INPUT with the usage line printed. */
mr_status mr_cli_parse_progress(const char *cmd, const char *v, unsigned long long *seconds);

/* The scenario's base name with .yaml/.yml replaced by .h5, in the current
   directory (caller frees; NULL if out of memory). */
char *mr_cli_default_output(const char *scenario);

/* Print err once (from rank 0). */
void mr_cli_report(const mr_comm *comm, const mr_error *err);

/* The scenario's warnings ("warning: " and the line) on stderr, from rank 0. */
void mr_cli_warnings(const mr_comm *comm, const mr_scenario *sc);
/* Rank 0 reads the scenario, every rank parses the same bytes. 0, or
   with err on every rank MR_BAD_INPUT or MR_FAILED (out of memory). */
int mr_cli_load_scenario(const char *path, mr_scenario *sc, const mr_comm *comm, mr_error *err);

/* The directory of this minrisk's executable (/proc/self/exe), into buf:
   0, or -1 when it cannot be read whole. */
int mr_cli_exe_dir(char *buf, size_t len);

/* The source tree of the build tree this minrisk runs from (CMake's
   CMAKE_HOME_DIRECTORY in the CMakeCache.txt beside the executable), for
   the example scenarios and report.py of an uninstalled build; "" when it
   does not run from a build tree (an installed copy). No path is compiled
   in: the binary does not depend on where it was built. */
const char *mr_cli_source_dir(void);

/* Every rank computes exp, log, pow ... to the same last bit as rank 0
   (models/libm_path.h): MR_OK; else, on every rank, MR_FAILED, and rank 0
   prints one line naming the first rank that does not, its host and both
   fingerprints (a run across CPUs of two kinds would depend on which rank
   ran which trials). Collective. */
mr_status mr_cli_libm_agree(const mr_comm *comm, const char *cmd);

/* The stop signals (out/stopsig.h): SIGINT, SIGHUP, SIGQUIT, SIGUSR2 and
   SIGALRM, and SIGTERM, SIGUSR1 and SIGXCPU when sigterm_too (else run's
   checkpoint handler takes them): during the write of a result file
   (its temporary file still there: mr_output_remove_partial), remove the
   temporary file and the output's lock file (outpath.h) and _exit(130) at once
   (HDF5 is not reentrant); before it, ask the engine to stop
   (mr_engine_interrupt) and the next write to write nothing
   (mr_output_interrupt), so the command exits 130 with nothing at the
   output path wherever the signal falls. */
void mr_cli_install_interrupt(bool sigterm_too);

/* handler for every stop signal (out/stopsig.h: SIGINT, SIGTERM, SIGHUP,
   SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU), no signal blocked while it
   runs: export's and report's own handlers. */
void mr_cli_catch_signals(void (*handler)(int));

/* A command that writes a file ignores SIGPIPE while it works, when it was
   at its default: a message to stderr or a table to stdout that meets a
   pipe already closed (`2>&1 | head`) killed it before the file was
   written, leaving OUTPUT.lock. mr_cli_end_deferred_sigpipe, after a
   command that succeeded (its file written, its lock released): if stdout
   or stderr met such a pipe, the process ends by SIGPIPE as it would have
   at that write (status 141 in a shell); else it returns. */
void mr_cli_defer_sigpipe(void);
void mr_cli_end_deferred_sigpipe(void);
/* A child sharing this process's stdout (report.py) found it a pipe whose
   reader is gone: mr_cli_end_deferred_sigpipe ends the process as for a
   write of its own, and mr_cli_stdout_lost is then true (main's check of
   stdout says so, exit 1, when SIGPIPE was not deferred). */
void mr_cli_note_stdout_lost(void);
bool mr_cli_stdout_lost(void);

/* The commands: argv[0] is the command's name, its arguments follow (as a
   program's main); --help is MR_OK. */
mr_status mr_cmd_run(int argc, char **argv);  /* run.c */
mr_status mr_cmd_init(int argc, char **argv); /* init.c */
void mr_cmd_init_signals(void); /* the stop signals: the temporary removed, exit 130 */
mr_status mr_cmd_validate(int argc, char **argv);    /* validate.c */
mr_status mr_cmd_summary(int argc, char **argv);     /* summary.c */
mr_status mr_cmd_compare(int argc, char **argv);     /* compare.c */
mr_status mr_cmd_explain(int argc, char **argv);     /* explain.c */
mr_status mr_cmd_report(int argc, char **argv);      /* report.c */
mr_status mr_cmd_export(int argc, char **argv);      /* export.c */
mr_status mr_cmd_uncertainty(int argc, char **argv); /* uncertainty.c */
void mr_cmd_uncertainty_signals(void);
void mr_cmd_compare_signals(void); /* the stop signals: stop, 130; SIGPIPE deferred */
void mr_cmd_export_signals(void);  /* the stop signals: undo, 130; SIGPIPE deferred */
void mr_cmd_report_signals(void);  /* the stop signals: to report.py; SIGPIPE deferred */
mr_status mr_cmd_bench(int argc, char **argv); /* bench.c */
void mr_cmd_bench_signals(void);               /* the stop signals: stop, exit 130 */

/* run's signal handlers (run.c), installed by main before MPI_Init (a signal
   in start-up must not kill a rank): SIGINT, SIGHUP, SIGQUIT, SIGUSR2 and
   SIGALRM as mr_cli_install_interrupt, SIGTERM, SIGUSR1 and SIGXCPU a
   checkpoint. */
void mr_cmd_run_signals(void);

#endif
