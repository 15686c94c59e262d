/* init.c - `minrisk init [--minerals a,b] [--sectors x,y] [--force] FILE`:
 * write a commented starting scenario that validates and runs (with a
 * loss), every invented figure marked as an assumption to replace
 * (docs/SCENARIO_FORMAT.md, "Starting a scenario").
 */
#define _POSIX_C_SOURCE 200809L
#include "out/format.h"
#include "out/stopsig.h"
#include "sim/cmd/cli.h"
#include "sim/cmd/outpath.h"
#include "sim/cmd/wholefile.h"
#include "sim/scenario/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const usage_init =
    "usage: minrisk init [--minerals ID,ID,...] [--sectors ID,ID,...] [--force] FILE.yaml\n"
    "\n"
    "Write a starting scenario to FILE.yaml: every block commented (what it is,\n"
    "its units, where real figures come from: docs/DATA.md), every invented\n"
    "figure marked 'assumption: replace'. It validates and runs as written, with\n"
    "a loss, so that it can be changed a step at a time. The ids are yours: an\n"
    "id starts with a letter, then letters, digits, _ and - (at most 64).\n"
    "An existing FILE is not replaced without --force.\n"
    "\n"
    "  --minerals LIST     the minerals, comma-separated (default: lithium,cobalt)\n"
    "  --sectors LIST      the sectors, comma-separated (default: automotive,electronics)\n"
    "  -f, --force         replace FILE if it exists\n"
    "\n"
    "example:\n"
    "  minrisk init --minerals lithium,cobalt,gallium --sectors automotive my.yaml\n"
    "  minrisk validate my.yaml && minrisk run my.yaml -o my.h5\n";

#define INIT_IDS_MAX 1000 /* as the loader's limit of ids (SC_IDS_MAX) */
/* Each mineral's placeholder demand (t a year) and reference price (GBP a
   t): a sector's spend_gbp is its demand_share of their product. */
#define INIT_DEMAND_T 1000
#define INIT_PRICE_REF 10000

/* A comma-separated list of ids into ids[] (pointers into buf, which is
   modified). 0, or MR_BAD_INPUT after one line. */
static mr_status split_ids(char *buf, const char *what, const char **ids, int *n)
{
    *n = 0;
    for (char *s = buf, *next; s; s = next) {
        next = strchr(s, ',');
        if (next)
            *next++ = '\0';
        if (!mr_scenario_valid_id(s)) {
            fprintf(stderr,
                    "minrisk init: --%s: '%.80s' is not an id (a letter, then letters, digits, _ "
                    "and -, at most 64)\n",
                    what, s);
            return MR_BAD_INPUT;
        }
        if (!strcmp(what, "sectors") && mr_scenario_reserved_sector_id(s)) {
            fprintf(stderr,
                    "minrisk init: --sectors: '%s' is reserved: the output names the sum over "
                    "sectors 'total'; choose another id\n",
                    s);
            return MR_BAD_INPUT;
        }
        for (int k = 0; k < *n; k++)
            if (!strcmp(ids[k], s)) {
                fprintf(stderr, "minrisk init: --%s: '%s' is given twice\n", what, s);
                return MR_BAD_INPUT;
            }
        if (*n == INIT_IDS_MAX) {
            fprintf(stderr, "minrisk init: --%s: more than %d ids\n", what, INIT_IDS_MAX);
            return MR_BAD_INPUT;
        }
        ids[(*n)++] = s;
    }
    return MR_OK;
}

/* An id as a YAML value: quoted where YAML would read a word as something
   else (null, true, no, ...). */
static const char *value_id(const char *id, char *buf, size_t n)
{
    static const char *const special[] = {"null",  "Null",  "NULL", "true", "True", "TRUE", "false",
                                          "False", "FALSE", "yes",  "Yes",  "YES",  "no",   "No",
                                          "NO",    "on",    "On",   "ON",   "off",  "Off",  "OFF",
                                          "y",     "Y",     "n",    "N",    NULL};
    for (int k = 0; special[k]; k++)
        if (!strcmp(id, special[k])) {
            snprintf(buf, n, "\"%s\"", id);
            return buf;
        }
    return id;
}

static void write_scenario(FILE *f, const char *file, const char *const *mins, int nm,
                           const char *const *secs, int ns)
{
    char q[80], q2[80];
    fprintf(f,
            "# %s - a starting scenario written by `minrisk init`.\n"
            "#\n"
            "# The format is docs/SCENARIO_FORMAT.md (every key: `minrisk validate --schema`),\n"
            "# the model docs/MODEL.md (§n below), and where real figures come from\n"
            "# docs/DATA.md (USGS shares, World Bank governance scores, prices, sector\n"
            "# outputs). Every figure marked 'assumption: replace' is invented so that the\n"
            "# file runs: replace each with a sourced figure and name the source in a\n"
            "# comment, as scenarios/uk-2024.yaml does.\n"
            "#\n"
            "#   minrisk validate %s        # check it: every error, and warnings\n"
            "#   minrisk run %s -o out.h5   # simulate\n"
            "#   minrisk summary out.h5\n"
            "#\n"
            "# Editors: a JSON Schema of this format is `minrisk validate --json-schema`;\n"
            "# with it saved as minrisk.schema.json, this line lets the YAML language\n"
            "# server (VS Code, Neovim, ...) complete and check keys as you type:\n"
            "# yaml-language-server: $schema=minrisk.schema.json\n"
            "\n"
            "name: \"new scenario\"       # shown in every output: say what it is\n"
            "description: >-\n"
            "  A starting point written by minrisk init; every figure is an assumption\n"
            "  until replaced.\n"
            "\n"
            "simulation:                 # the time grid and the trials (docs/MODEL.md §1)\n"
            "  horizon_years: 10         # years simulated\n"
            "  steps_per_year: 12        # monthly steps\n"
            "  trials: 10000             # Monte Carlo trials (run --trials overrides)\n"
            "  seed: 1                   # random seed (run --seed overrides)\n"
            "\n"
            "defaults:\n"
            "  # A country's outage process from its governance score (docs/MODEL.md §3):\n"
            "  #   rate_per_year = rate_at_zero_per_year * factor_per_unit ^ (-wgi_pv)\n"
            "  # Without this block wgi_pv below sets no outage at all (validate warns).\n"
            "  wgi_rate:\n"
            "    rate_at_zero_per_year: 0.05     # outages a year at WGI 0; assumption: replace\n"
            "    factor_per_unit: 2.5            # rate multiple per WGI point lower; assumption: "
            "replace\n"
            "    severity: {uniform: [0.1, 0.5]} # fraction of the country's supply withheld; "
            "assumption: replace\n"
            "    duration_months:                # months; assumption: replace\n"
            "      lognormal: {median: 3, sigma: 1.0}\n"
            "\n"
            "rationing: proportional      # every user gets the same fraction of what there is "
            "(docs/MODEL.md §6)\n"
            "\n"
            "countries:\n"
            "  # The supplying countries. wgi_pv: World Bank WGI Political Stability,\n"
            "  # -2.5..2.5 (docs/DATA.md section 2); an explicit `outage:` replaces the\n"
            "  # derived one. Ids: a letter, then letters, digits, _ and -.\n"
            "  CN:\n"
            "    name: China\n"
            "    wgi_pv: -0.44             # WGI 2022, as scenarios/demo.yaml; check the latest "
            "year\n"
            "  AU:\n"
            "    name: Australia\n"
            "    wgi_pv: 0.92              # WGI 2023, as scenarios/demo.yaml; check the latest "
            "year\n"
            "  ROW:\n"
            "    name: Rest of world       # the suppliers the sources do not name\n"
            "    aggregate: true           # many small suppliers: never cut by a cap, left out of "
            "HHI\n"
            "                              # (no wgi_pv and no outage: no country-wide outage)\n"
            "\n"
            "minerals:\n"
            "  # Each mineral: the modelled economy's demand, the world supply by stage\n"
            "  # and country (shares of a stage sum to 1; docs/DATA.md section 1), and\n"
            "  # its price (docs/MODEL.md §5; docs/DATA.md section 3).\n",
            file, file, file);
    for (int i = 0; i < nm; i++)
        fprintf(f,
                "  %s:\n"
                "    name: %s\n"
                "    unit: t                   # unit of demand_t and price.ref\n"
                "    demand_t: %-15d # t a year used by the modelled economy; "
                "assumption: replace\n"
                "    recycled_share: 0         # fraction of demand met by recycling; "
                "assumption: replace\n"
                "    domestic_share: 0         # fraction met by domestic supply; assumption: "
                "replace\n"
                "    mining:                   # world mine supply; assumption: replace (USGS)\n"
                "      - {country: AU, share: 0.5, spare: 0.05}  # spare: fraction of own "
                "output it can add; assumption: replace\n"
                "      - {country: CN, share: 0.2}\n"
                "      - {country: ROW, share: 0.3, spare: 0.05}  # spare: assumption: replace\n"
                "    refining:                 # world refining; assumption: replace (IEA)\n"
                "      - {country: CN, share: 0.7}\n"
                "      - {country: ROW, share: 0.3, spare: 0.05}  # spare: assumption: replace\n"
                "    price:\n"
                "      ref: %-18d # GBP per unit (t); assumption: replace\n"
                "      theta: 0.5              # 1/year: mean reversion of the log price; "
                "assumption: replace\n"
                "      sigma: 0.3              # 1/sqrt(year): volatility; assumption: replace\n",
                value_id(mins[i], q, sizeof q), value_id(mins[i], q2, sizeof q2), INIT_DEMAND_T,
                INIT_PRICE_REF);
    fprintf(f, "\n"
               "sectors:\n"
               "  # The using sectors: their output, and for each mineral they need the\n"
               "  # share of output that depends on it and their share of its demand\n"
               "  # (over sectors at most 1; docs/DATA.md section 5).\n");
    /* each sector an equal part of each mineral's demand, at most 1 in all */
    double share = (double)(int)(1000.0 / ns) / 1000.0;
    for (int i = 0; i < ns; i++) {
        fprintf(
            f,
            "  %s:\n"
            "    name: %s\n"
            "    output_gbp: 1.0e+10       # GBP a year of output; assumption: replace (ONS)\n"
            "    gva_gbp: 3.0e+09          # GBP a year of value added, the losses' basis (at most "
            "output_gbp); assumption: replace (ONS)\n"
            "    needs:\n",
            value_id(secs[i], q, sizeof q), value_id(secs[i], q2, sizeof q2));
        for (int k = 0; k < nm; k++)
            fprintf(
                f,
                "      - mineral: %s\n"
                "        dependent_share: 0.2  # fraction of output that needs it; "
                "assumption: replace\n"
                "        demand_share: %.3g     # the sector's part of its demand; "
                "assumption: replace\n"
                "        buffer_months: 1      # months of own inventory; assumption: "
                "replace\n"
                "        spend_gbp: %-10.2e # GBP a year spent on it (demand_share x demand_t x "
                "price.ref); assumption: replace\n",
                value_id(mins[k], q, sizeof q), share, share * INIT_DEMAND_T * INIT_PRICE_REF);
    }
    fprintf(f, "\n"
               "events:\n"
               "  # Named shocks: one country withholding several minerals at once\n"
               "  # (docs/MODEL.md §3 and §3s; docs/DATA.md section 4 has the events\n"
               "  # behind uk-2024).\n"
               "  export-controls:\n"
               "    name: Export controls\n"
               "    country: CN\n"
               "    minerals: [");
    for (int k = 0; k < nm; k++)
        fprintf(f, "%s%s", k ? ", " : "", value_id(mins[k], q, sizeof q));
    fprintf(f,
            "]\n"
            "    stages: [refining]\n"
            "    rate_per_year: 0.1         # events a year; assumption: replace\n"
            "    severity: {uniform: [0.2, 0.6]}  # fraction of the country's supply; "
            "assumption: replace\n"
            "    duration_months: {lognormal: {median: 6, sigma: 0.5}}  # assumption: replace\n");
}

/* The bytes at s that a YAML comment may hold as they are: what a terminal
   may print (mr_printable_len: printable ASCII, valid UTF-8 but C1, whose
   U+0085 would end the comment) less U+2028/U+2029, line breaks too, and
   U+FFFE/U+FFFF, which libyaml refuses; 0 for a byte to replace. */
static size_t comment_len(const unsigned char *s)
{
    size_t n = mr_printable_len(s);
    if (n == 3 && ((s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9)) ||
                   (s[0] == 0xEF && s[1] == 0xBF && s[2] >= 0xBE)))
        return 0;
    return n;
}

/* The file's name as shown in its comments: one line of valid UTF-8 that
   YAML reads as part of the comment, at most size - 1 bytes (cut between
   characters); every control byte and every byte that does not start such
   a character a '?'. A name the file system takes may hold any byte but /
   and NUL; written raw into a comment, a newline, a NEL or a byte that is
   not UTF-8 made a file that does not load. */
static void shown_name(const char *file, char *dst, size_t size)
{
    const unsigned char *s = (const unsigned char *)file;
    size_t len = 0;
    while (*s) {
        size_t n = comment_len(s);
        if (len + (n ? n : 1) >= size)
            break;
        if (n)
            memcpy(dst + len, s, n);
        else
            dst[len] = '?';
        len += n ? n : 1;
        s += n ? n : 1;
    }
    dst[len] = '\0';
}

/* ---- the write: a temporary beside FILE, then its name ------------------ */

/* The file is written whole as FILE.tmp.<pid> and only then given its name
   (sim/cmd/wholefile.h; until 2026-12-06 FILE itself was opened with
   O_TRUNC and written: a full disk, a file-size limit or a signal
   mid-write left a cut scenario under the name, and --force had already
   destroyed the old one). The stop signals (out/stopsig.h) remove the
   temporary, and the placeholder of a file system without hard links, and
   exit 130; once the file has its name they come too late and init ends
   as one that wrote it. */
static void on_stop(int sig)
{
    (void)sig;
    if (mr_wholefile_stop_in_handler())
        return;
    mr_outpath_release_in_handler();
    _exit(MR_CLI_INTERRUPTED_EXIT);
}

void mr_cmd_init_signals(void)
{
    sigset_t mask;
    mr_stopsig_set(&mask);
    mr_stopsig_catch_all(on_stop, &mask);
}

/* FILE (the path, as lstat sees it): absent, or a regular file that --force
   may replace. rename(2) would replace a symbolic link, not its target, or
   a FIFO or a device node. *mode = the permissions of the file replaced
   (-1: none), which the new one keeps, as the write in place did. 0, or
   MR_BAD_INPUT after one line. */
static mr_status check_target(const char *file, int force, int *mode)
{
    struct stat sb;
    *mode = -1;
    /* an empty name, a missing or unwritable directory: exit 2 before
       anything is made (until 2026-12-07 "cannot write : No such file or
       directory" and "cannot write nodir/x.yaml.tmp.7680: ...", exit 1) */
    mr_error derr = {{0}};
    if (!file[0]) {
        fprintf(stderr, "minrisk init: FILE is empty: give the scenario file to write\n");
        return MR_BAD_INPUT;
    }
    if (mr_outpath_check_dir(file, &derr) != 0) {
        fprintf(stderr, "minrisk init: %s\n", derr.msg);
        return MR_BAD_INPUT;
    }
    const bool exists = lstat(file, &sb) == 0; /* else what cannot be checked, the write says */
    if (exists && !S_ISREG(sb.st_mode)) {
        fprintf(stderr,
                "minrisk init: %s exists and is %s, not a regular file; --force replaces only "
                "a regular file: give another FILE\n",
                file, mr_file_kind(sb.st_mode)); /* with or without --force */
        return MR_BAD_INPUT;
    }
    /* a scenario's name: with --force, `init x.h5` replaced a result file
       by YAML, and `init -` made a file named '-' (until 2026-12-08) */
    if (!mr_outpath_scenario_name(file)) {
        char shown[512];
        return mr_cli_usage_error("init", "'%s': a scenario's name ends in .yaml or .yml",
                                  mr_printable(file, shown, sizeof shown));
    }
    if (exists && !force) {
        fprintf(stderr, "minrisk init: %s exists; use --force to replace it\n", file);
        return MR_BAD_INPUT;
    }
    if (exists)
        *mode = (int)(sb.st_mode & 07777);
    return MR_OK;
}

static mr_status write_named(const char *file, const char *text, size_t size, int force, int mode);

/* text (size bytes) as FILE: the temporary, then its name (rename with
   --force, link(2) without). */
static mr_status save(const char *file, const char *text, size_t size, int force)
{
    int mode;
    mr_status st = check_target(file, force, &mode);
    if (st != MR_OK)
        return st;
    if (mr_wholefile_prepare(file) != 0) {
        fprintf(stderr, "minrisk init: cannot write %s: path too long\n", file);
        return MR_FAILED;
    }
    /* FILE.lock while the temporary lives, as run holds OUTPUT.lock: under
       it the temporaries of an init killed during its write (SIGKILL) are
       removed (sim/cmd/outpath.h) */
    mr_error lerr = {{0}};
    const mr_status locked = mr_outpath_lock_dir(file, "init", "FILE", &lerr);
    if (locked != MR_OK) {
        fprintf(stderr, "minrisk init: %s\n", lerr.msg);
        return locked;
    }
    mr_outpath_remove_stale(file, "init");
    st = write_named(file, text, size, force, mode);
    mr_outpath_release();
    return st;
}

/* save's write, under the lock: the temporary, then FILE's name. */
static mr_status write_named(const char *file, const char *text, size_t size, int force, int mode)
{
    int e;
    switch (mr_wholefile_write(text, size, mode, force, &e)) {
    case MR_WHOLEFILE_DONE:
        return MR_OK;
    case MR_WHOLEFILE_CLEAR:
        fprintf(stderr, "minrisk init: cannot remove %s: %s\n", mr_wholefile_tmp(), strerror(e));
        return MR_FAILED;
    case MR_WHOLEFILE_CREATE:
        fprintf(stderr, "minrisk init: cannot write %s: %s\n", mr_wholefile_tmp(), strerror(e));
        return MR_FAILED;
    case MR_WHOLEFILE_WRITE:
        break;
    }
    if (e == EEXIST && !force) {
        fprintf(stderr, "minrisk init: %s exists; use --force to replace it\n", file);
        return MR_BAD_INPUT;
    }
    fprintf(stderr, "minrisk init: cannot write %s: %s\n", file, strerror(e));
    return MR_FAILED;
}

mr_status mr_cmd_init(int argc, char **argv)
{
    enum { MINERALS = MR_CLI_LONG, SECTORS };
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {"minerals", required_argument, NULL, MINERALS},
                                             {"sectors", required_argument, NULL, SECTORS},
                                             {"force", no_argument, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
    const char *file = NULL, *minerals = "lithium,cobalt", *sectors = "automotive,electronics";
    int force = 0;
    mr_cli_opts p;
    mr_cli_opts_init(&p, "init", usage_init, "f", longopts, argc, argv);
    const char *v;
    for (int c; (c = mr_cli_next(&p, &v)) > 0;) {
        switch (c) {
        case MINERALS:
            minerals = v;
            break;
        case SECTORS:
            sectors = v;
            break;
        case 'f':
            force = 1;
            break;
        default: /* MR_CLI_ARG */
            if (file)
                return mr_cli_usage_error("init", "unexpected argument '%s'", v);
            file = v;
        }
    }
    if (p.stop)
        return p.status;
    if (!file)
        return mr_cli_usage_error("init", "%s", "missing FILE.yaml");
    char *mbuf = strdup(minerals), *sbuf = strdup(sectors);
    const char **mins = calloc(INIT_IDS_MAX, sizeof *mins);
    const char **secs = calloc(INIT_IDS_MAX, sizeof *secs);
    mr_status st = MR_OK;
    int nm = 0, ns = 0;
    if (!mbuf || !sbuf || !mins || !secs) {
        fprintf(stderr, "minrisk init: out of memory\n");
        st = MR_FAILED;
    }
    if (st == MR_OK)
        st = split_ids(mbuf, "minerals", mins, &nm);
    if (st == MR_OK)
        st = split_ids(sbuf, "sectors", secs, &ns);
    /* the scenario in memory first: one the loader would refuse for its
       size (many minerals times many sectors) is not written */
    char *text = NULL;
    size_t size = 0;
    if (st == MR_OK) {
        FILE *m = open_memstream(&text, &size);
        char shown[512]; /* the name in the comments */
        shown_name(file, shown, sizeof shown);
        if (m)
            write_scenario(m, shown, mins, nm, secs, ns);
        if (!m || ferror(m) | fclose(m)) {
            fprintf(stderr, "minrisk init: out of memory\n");
            st = MR_FAILED;
        } else if (size > MR_SCENARIO_FILE_MAX) {
            fprintf(stderr,
                    "minrisk init: %d minerals and %d sectors make a file of %.1f MiB, above the "
                    "limit of %zu MiB for a scenario file (docs/SCENARIO_FORMAT.md, Limits): "
                    "give fewer\n",
                    nm, ns, (double)size / (1 << 20), MR_SCENARIO_FILE_MAX >> 20);
            st = MR_BAD_INPUT;
        }
    }
    if (st == MR_OK)
        st = save(file, text, size, force);
    free(text);
    free(mbuf);
    free(sbuf);
    free(mins);
    free(secs);
    return st;
}
