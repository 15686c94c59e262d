/* fuzz_reader.c - libFuzzer target for the result-file readers
 * (docs/FUZZING.md): damaged minrisk files read by `minrisk summary FILE`,
 * `minrisk explain FILE` and `minrisk explain FILE --run runs/b` (their entry
 * points in sim/cmd/), as a user would.
 *
 * The input is not a file but patches to one: libhdf5 (not instrumented)
 * hangs or crashes on damaged metadata of its own (its global heap: a hang in
 * H5HG_read under H5Aread, found in the first minutes of raw-byte fuzzing;
 * docs/FUZZING.md), which would hide every finding of minrisk's. So the
 * target damages only what minrisk must check itself: the values of the
 * datasets. At the start it loads the seed files of the folder
 * $MINRISK_FUZZ_READER_SEEDS (a run, a sweep and a comparison made by
 * tests/fuzz/run.sh) and lists the bytes of every dataset of a fixed-size
 * type (contiguous or chunked storage). Input byte 0 picks the seed; each
 * 5 bytes after it are a patch: a 32-bit little-endian position among the
 * seed's dataset bytes and a byte xor-ed there. The patched file is written
 * to a temporary file (and to $MINRISK_FUZZ_KEEP when set: the file of a
 * regression test, tests/fuzz/regress/reader/).
 *
 * Besides the sanitizers' findings, the target aborts on a broken contract:
 *   - a command that fails says why in exactly one line on stderr, with no
 *     control character (no HDF5 error stack: issue 11 case 15); one that
 *     succeeds prints nothing there;
 *   - a command leaves no HDF5 object open (a leaked id keeps the file open).
 * stdout goes to /dev/null. Run it with -close_fd_mask=2 (tests/fuzz/run.sh):
 * libFuzzer then writes its own output to a copy of stderr, and the target
 * catches each command's stderr in a file. Sanitizer reports always go to
 * the stderr the target started with.
 */
#define _POSIX_C_SOURCE 200809L

#include "sim/cmd/cli.h"

#include <hdf5.h>
#include <sanitizer/common_interface_defs.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS 8
#define MAX_SPANS 4096

/* A seed file and the spans of its dataset bytes. */
typedef struct {
    unsigned char *bytes;
    size_t size;
    int nspans;
    haddr_t at[MAX_SPANS];
    hsize_t len[MAX_SPANS];
    uint64_t total; /* sum of len */
} seed;

static seed seeds[MAX_SEEDS];
static int nseeds;
static unsigned char *work; /* the patched copy */
static char dir[] = "/tmp/minrisk-fuzz-reader.XXXXXX";
static char input[64];   /* dir/in.h5: the patched file */
static int capture = -1; /* dir/stderr: a command's stderr (O_APPEND: after the
                            truncation, writes start at 0 again) */

static void init_fail(const char *what)
{
    perror(what);
    exit(1);
}

static void add_span(seed *s, haddr_t at, hsize_t len)
{
    if (at == HADDR_UNDEF || len == 0 || at + len > s->size || s->nspans == MAX_SPANS)
        return;
    s->at[s->nspans] = at;
    s->len[s->nspans++] = len;
    s->total += len;
}

/* H5Ovisit: the storage of every dataset of a fixed-size type. Strings of
   variable length are left alone: their bytes point into the global heap. */
static herr_t visit(hid_t loc, const char *name, const H5O_info_t *info, void *data)
{
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    seed *s = data;
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT), t = H5Dget_type(d), p = H5Dget_create_plist(d);
    if (H5Tdetect_class(t, H5T_VLEN) <= 0 && H5Tis_variable_str(t) <= 0) {
        if (H5Pget_layout(p) == H5D_CONTIGUOUS) {
            add_span(s, H5Dget_offset(d), H5Dget_storage_size(d));
        } else if (H5Pget_layout(p) == H5D_CHUNKED) {
            hsize_t n = 0, off[H5S_MAX_RANK], size;
            unsigned mask;
            haddr_t at;
            H5Dget_num_chunks(d, H5S_ALL, &n);
            for (hsize_t i = 0; i < n; i++)
                if (H5Dget_chunk_info(d, H5S_ALL, i, off, &mask, &at, &size) >= 0)
                    add_span(s, at, size);
        }
    }
    H5Pclose(p);
    H5Tclose(t);
    H5Dclose(d);
    return 0;
}

/* Read dir/name into the next seed and list its dataset bytes. */
static void load_seed(const char *dirname, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dirname, name);
    seed *s = &seeds[nseeds];
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        init_fail(path);
    s->size = (size_t)ftell(f);
    s->bytes = malloc(s->size);
    rewind(f);
    if (!s->bytes || fread(s->bytes, 1, s->size, f) != s->size)
        init_fail(path);
    fclose(f);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0 || H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, visit, s, H5O_INFO_BASIC) < 0)
        init_fail(path);
    H5Fclose(file);
    if (s->total > 0)
        nseeds++;
}

static void load_seeds(void)
{
    const char *from = getenv("MINRISK_FUZZ_READER_SEEDS");
    DIR *d = from ? opendir(from) : NULL;
    if (!d) {
        fprintf(stderr, "fuzz_reader: MINRISK_FUZZ_READER_SEEDS: a folder of minrisk result "
                        "files (tests/fuzz/run.sh makes them)\n");
        exit(1);
    }
    struct dirent *e;
    size_t biggest = 0;
    while ((e = readdir(d)) != NULL && nseeds < MAX_SEEDS) {
        size_t n = strlen(e->d_name);
        if (n > 3 && !strcmp(e->d_name + n - 3, ".h5")) {
            load_seed(from, e->d_name);
            if (nseeds && seeds[nseeds - 1].size > biggest)
                biggest = seeds[nseeds - 1].size;
        }
    }
    closedir(d);
    if (!nseeds || !(work = malloc(biggest)))
        init_fail("fuzz_reader: no seed file with datasets");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    H5dont_atexit(); /* as main.c does, before any other HDF5 call */
    load_seeds();
    if (!mkdtemp(dir))
        init_fail("fuzz_reader: temporary directory");
    snprintf(input, sizeof input, "%s/in.h5", dir);
    char path[64];
    snprintf(path, sizeof path, "%s/stderr", dir);
    capture = open(path, O_RDWR | O_APPEND | O_CREAT | O_TRUNC, 0600);
    int null = open("/dev/null", O_WRONLY);
    if (capture < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0)
        init_fail("fuzz_reader: /dev/null");
    close(null);
    int report = dup(STDERR_FILENO);
    if (report >= 0)
        __sanitizer_set_report_fd((void *)(intptr_t)report);
    return 0;
}

/* Stop the run with the reason; libFuzzer keeps the input. */
static void fail(const char *cmd, const char *what, const char *text)
{
    fprintf(stderr, "fuzz_reader: minrisk %s: %s:\n%s\n", cmd, what, text);
    abort();
}

/* A failed command printed exactly one line, without control characters;
   one that succeeded printed nothing. */
static void check_stderr(const char *cmd, mr_status st, const char *text, size_t n)
{
    if (st == MR_OK) {
        if (n)
            fail(cmd, "exit 0 with a message", text);
        return;
    }
    if (n < 2 || text[n - 1] != '\n')
        fail(cmd, "failed without a one-line message", text);
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f)
            fail(cmd, "more than one line, or a control character, in the message", text);
    }
}

/* Run `minrisk cmd INPUT [--run group]` with fd 2 caught in `capture`. */
static void run_command(const char *cmd, mr_status (*entry)(int, char **), const char *group)
{
    char name[16], opt[] = "--run", grp[32];
    snprintf(name, sizeof name, "%s", cmd);
    snprintf(grp, sizeof grp, "%s", group ? group : "");
    char *argv[] = {name, input, opt, grp, NULL}; /* argv[0]: the command (cli.h) */
    char text[1024];
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    if (saved < 0 || ftruncate(capture, 0) != 0 || dup2(capture, STDERR_FILENO) < 0)
        abort();
    mr_status st = entry(group ? 4 : 2, argv);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    ssize_t n = pread(capture, text, sizeof text - 1, 0);
    text[n > 0 ? n : 0] = '\0';
    check_stderr(cmd, st, text, n > 0 ? (size_t)n : 0);
    if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0)
        fail(cmd, "HDF5 objects left open", "");
}

/* The seed data[0] picks, with the patches of the rest applied, in work. */
static const seed *patch(const uint8_t *data, size_t size)
{
    const seed *s = &seeds[data[0] % nseeds];
    memcpy(work, s->bytes, s->size);
    for (size_t i = 1; i + 5 <= size; i += 5) {
        uint64_t pos = ((uint64_t)data[i] | (uint64_t)data[i + 1] << 8 |
                        (uint64_t)data[i + 2] << 16 | (uint64_t)data[i + 3] << 24) %
                       s->total;
        int k = 0;
        while (pos >= s->len[k])
            pos -= s->len[k++];
        work[s->at[k] + pos] ^= data[i + 4];
    }
    return s;
}

static void write_file(const char *path, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, work, size) != (ssize_t)size || close(fd) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const seed *s = patch(data, size);
    write_file(input, s->size);
    const char *keep = getenv("MINRISK_FUZZ_KEEP");
    if (keep)
        write_file(keep, s->size);
    run_command("summary", mr_cmd_summary, NULL);
    run_command("explain", mr_cmd_explain, NULL);
    run_command("explain", mr_cmd_explain, "runs/b"); /* a comparison file's B */
    /* HDF5 keeps freed blocks on free lists for reuse: give them back, or
       the process grows past libFuzzer's -rss_limit_mb in minutes */
    H5garbage_collect();
    return 0;
}
