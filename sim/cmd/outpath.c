/* outpath.c - the guard of a result file's path (outpath.h): the checks
 * before a run, the lock OUTPUT.lock held for its life, and the removal of
 * the temporary files a killed run left.
 *
 * Why each check: the file is written as OUTPUT.tmp.<pid> and renamed over
 * OUTPUT when complete (out/h5/h5w.c), and a checkpoint likewise over
 * OUTPUT.ckpt (sim/checkpoint.c). rename(2) replaces whatever the name
 * held: a FIFO, a socket, a device node (as root), the scenario itself, or
 * a symbolic link (the link, not its target, which surprises whoever meant
 * the target). So a path that exists must be a regular file that is none
 * of the run's inputs, and all of it is checked before the simulation, not
 * after hours of it.
 */
#define _DEFAULT_SOURCE /* flock, gethostname */

#include "sim/cmd/outpath.h"

#include "out/format.h"
#include "out/stopsig.h"
#include "sim/checkpoint.h"
#include "sim/cmd/cli.h"
#include "sim/memory.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h> /* strcasecmp */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Attempts at the lock when its file is removed under us (the holder
   finished between our open and our flock): each retry opens the new file. */
#define LOCK_ATTEMPTS 8

/* ---- the lock, for mr_outpath_release and a signal handler -------------- */

static char lock_name[4096];
static int lock_fd = -1;
static volatile sig_atomic_t lock_on;
static bool lock_exclusive; /* flock succeeded (not a file system without locks) */

void mr_outpath_release(void)
{
    if (!lock_on)
        return;
    /* unlink first, while still holding it: a run that opened this file
       and gets the lock after us sees it gone and takes a new one */
    lock_on = 0;
    unlink(lock_name);
    close(lock_fd);
    lock_fd = -1;
}

void mr_outpath_release_in_handler(void)
{
    if (lock_on)
        unlink(lock_name);
}

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* err->msg = the message (cut to its size: a path may be long); -1. */
static int say(mr_error *err, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int say(mr_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- names and kinds of files -------------------------------------------- */

/* The directory part of path ("." when none), in dir[n]. 0, or -1 if too long. */
static int dir_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    size_t len = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    if (len >= n)
        return -1;
    memcpy(dir, !slash ? "." : path, len);
    dir[len] = '\0';
    return 0;
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* s is all decimal digits (and not empty). */
static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && !strcmp(s + n - k, tail);
}

/* The output's directory must exist and be writable (the file is written
   there under a temporary name, then renamed). */
int mr_outpath_check_dir(const char *path, mr_error *err)
{
    char dir[4096];
    if (dir_of(path, dir, sizeof dir))
        return say(err, "%s: cannot write: path too long", path);
    if (ends_with(path, "/"))
        return say(err, "%s: cannot write: not a file name", path);
    if (access(dir, W_OK | X_OK))
        return say(err, "%.480s: cannot write to directory '%.480s': %s", path, dir,
                   strerror(errno));
    return 0;
}

/* A pid as minrisk writes one (%ld of getpid()): the n bytes at s are 1 to
   10 decimal digits, the first not 0, of a value up to INT_MAX (pid_t's
   range); else 0. What strtol and sscanf's %ld also took (a sign, leading
   white space or zeros, a value past LONG_MAX as LONG_MAX) names no
   process minrisk started. */
static long pid_of(const char *s, size_t n)
{
    if (n == 0 || n > 10 || s[0] < '1' || s[0] > '9')
        return 0;
    long long v = 0;
    for (size_t k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9')
            return 0;
        v = v * 10 + (s[k] - '0');
    }
    return v <= INT_MAX ? (long)v : 0;
}

/* ---- the checks (rank 0) ---------------------------------------------------- */

/* The names minrisk gives its side files: the output may be none of them
   (a run writing x.h5.ckpt would replace the checkpoint of x.h5, a run
   writing x.h5.tmp.42 a temporary file another run is writing). */
static int check_name(const char *output, const char *opt, mr_error *err)
{
    const char *tmp = strstr(base_of(output), ".tmp.");
    while (tmp && strstr(tmp + 1, ".tmp."))
        tmp = strstr(tmp + 1, ".tmp.");
    const char *what = ends_with(output, ".ckpt")   ? "a minrisk checkpoint (.ckpt)"
                       : ends_with(output, ".lock") ? "a minrisk lock file (.lock)"
                       : tmp && all_digits(tmp + 5) ? "a minrisk temporary file (.tmp.<pid>)"
                                                    : NULL;
    if (what)
        say(err, "%s: is named like %s; choose another %s", output, what, opt);
    return what ? -1 : 0;
}

/* The output is not named like a scenario (.yaml, .yml, any case): a result
   file written there would replace a scenario the user meant to keep (`-o
   b.yaml` for `-o b.h5`; the Python package's compare(a, b, c) takes its
   last argument as the output). After check_not_input, whose message says
   more for the scenario itself. */
bool mr_outpath_scenario_name(const char *path)
{
    const size_t n = strlen(path);
    return (n >= 5 && !strcasecmp(path + n - 5, ".yaml")) ||
           (n >= 4 && !strcasecmp(path + n - 4, ".yml"));
}

static int check_not_yaml_name(const char *output, const char *opt, const char *file,
                               const char *ends, mr_error *err)
{
    const bool yaml = mr_outpath_scenario_name(output);
    if (yaml)
        say(err,
            "%s: is named like a scenario file (.yaml, .yml), which %s would replace; choose "
            "another %s (%s)",
            output, file, opt, ends);
    return yaml ? -1 : 0;
}

int mr_outpath_check_names(const char *path, const char *opt, const char *file, const char *ends,
                           mr_error *err)
{
    return check_name(path, opt, err) || check_not_yaml_name(path, opt, file, ends, err) ? -1 : 0;
}

/* path, if it exists, is a regular file (not followed if a link). `of` names
   the output a checkpoint path belongs to (NULL: path is the output). */
static int check_regular(const char *path, const char *of, mr_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        say(err, "%s: cannot check the output path: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISREG(st.st_mode))
        return 0;
    if (of)
        say(err,
            "%s: exists and is %s, not a regular file (the checkpoint path of -o "
            "%s); remove it or choose another -o",
            path, mr_file_kind(st.st_mode), of);
    else if (S_ISDIR(st.st_mode))
        say(err, "%s: is a directory; give a file name, e.g. -o %s/result.h5", path, path);
    else if (S_ISLNK(st.st_mode))
        say(err,
            "%s: is a symbolic link; the file would replace the link, not its target: "
            "give the target's path or choose another -o",
            path);
    else
        say(err, "%s: exists and is %s, not a regular file; choose another -o", path,
            mr_file_kind(st.st_mode));
    return -1;
}

static bool same_id(const struct stat *st, mr_file_id id)
{
    return (uint64_t)st->st_dev == id.dev && (uint64_t)st->st_ino == id.ino;
}

/* path, if it exists, is none of the scenarios nor a file they extend (by
   device and inode: a hard link or another spelling is the same file).
   `of` as for check_regular. */
static int check_not_input(const char *path, const char *of, const mr_outpath_req *q, mr_error *err)
{
    struct stat out, in;
    if (stat(path, &out) != 0)
        return 0;
    for (size_t k = 0; k < q->n; k++) {
        bool self =
            stat(q->scenarios[k], &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino;
        bool parent = false;
        for (size_t f = 0; !self && q->sc[k] && f < q->sc[k]->nfiles; f++)
            parent = parent || same_id(&out, q->sc[k]->files[f]);
        if (self || parent)
            return say(err, "%s%s%s%s: is %s%s%s; choose another -o", path,
                       of ? " (the checkpoint path of -o " : "", of ? of : "", of ? ")" : "",
                       self ? "the scenario file " : "a file that ", q->scenarios[k],
                       self ? " itself" : " extends");
    }
    return 0;
}

/* The output's directory has room for the file (statvfs: the blocks an
   unprivileged user may take). A file system that cannot tell is trusted,
   as is one of no blocks at all (procfs, sysfs: the lock file's check then
   names the path, exit 2; until 2026-12-07 "'/proc' has 0 bytes free",
   exit 1).
   Room for the file but not for a checkpoint beside it is a warning: a
   run may end before its first checkpoint, but a checkpoint that cannot
   be written ends the run (docs/HPC.md). */
static int check_space(const mr_outpath_req *q, mr_error *err)
{
    char dir[4096], need[32], have[32];
    struct statvfs vs;
    if (dir_of(q->output, dir, sizeof dir) || statvfs(dir, &vs) != 0 || vs.f_blocks == 0)
        return 0;
    double avail = (double)vs.f_bavail * (double)vs.f_frsize;
    mr_format_bytes(avail, have, sizeof have);
    mr_format_bytes((double)q->bytes, need, sizeof need);
    if ((double)q->bytes > avail) {
        say(err, "%s: not enough free space: the file needs about %s, '%s' has %s free", q->output,
            need, dir, have);
        return -1;
    }
    if ((double)q->bytes + (double)q->ckpt_bytes > avail) {
        char ck[32];
        mr_format_bytes((double)q->ckpt_bytes, ck, sizeof ck);
        fprintf(stderr,
                "minrisk %s: warning: %s: a checkpoint of this run (periodic, or on SIGTERM) "
                "needs up to about %s beside the file's %s, and '%s' has %s free: a checkpoint "
                "that cannot be written ends the run\n",
                q->cmd, q->output, ck, need, dir, have);
    }
    return 0;
}

/* Everything that can be known before the run: MR_OK, MR_BAD_INPUT (the
   path), MR_FAILED (the disk). */
static mr_status check_path(const mr_outpath_req *q, const char *ckpt, mr_error *err)
{
    if (!*q->output) {
        say(err, "minrisk %s: the output path is empty (-o '')", q->cmd);
        return MR_BAD_INPUT;
    }
    if (ends_with(q->output, "/")) { /* a folder's name, as -o DIR says (check_regular) */
        say(err, "%s: is a directory's name; give a file name, e.g. -o %sresult.h5", q->output,
            q->output);
        return MR_BAD_INPUT;
    }
    if (check_name(q->output, "-o", err) || check_regular(q->output, NULL, err) ||
        check_regular(ckpt, q->output, err) || check_not_input(q->output, NULL, q, err) ||
        check_not_input(ckpt, q->output, q, err) ||
        check_not_yaml_name(q->output, "-o", "the result file", "result files end in .h5", err) ||
        mr_outpath_check_dir(q->output, err))
        return MR_BAD_INPUT;
    return check_space(q, err) ? MR_FAILED : MR_OK;
}

/* ---- the lock (rank 0) -------------------------------------------------------- */

/* "pid 1234 on host, " of the run holding the lock, from the lock file, or
   "" unless it holds exactly what write_holder writes: "<pid> <host>\n"
   (the holder has not written it yet, or it is no minrisk's). The host is
   shown through mr_printable. Until 2026-12-06 sscanf's "%ld %255s" took
   "99999999999999999999 host" as pid 9223372036854775807, "+5 host" and
   " 5 host" as pid 5, "5x host" as pid 5 on x, and printed a host's
   control bytes raw (output_lock). */
static void holder_of(int fd, char *who, size_t n)
{
    char buf[320] = {0}, host[256];
    ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
    size_t len = got > 0 ? (size_t)got : 0;
    char *sp = memchr(buf, ' ', len);
    long pid = sp ? pid_of(buf, (size_t)(sp - buf)) : 0;
    if (pid <= 0 || buf[len - 1] != '\n' || memchr(buf, '\n', len) != buf + len - 1 ||
        strlen(buf) != len) {
        snprintf(who, n, "%s", "");
        return;
    }
    buf[len - 1] = '\0';
    if (sp[1])
        snprintf(who, n, "pid %ld on %s, ", pid, mr_printable(sp + 1, host, sizeof host));
    else
        snprintf(who, n, "pid %ld, ", pid);
}

/* Write "<pid> <host>" into the lock file: who holds it, for the message of
   a run refused. */
static void write_holder(int fd)
{
    char host[256] = {0}, line[320];
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    int len = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), host);
    if (ftruncate(fd, 0) == 0 && len > 0 && write(fd, line, (size_t)len) < 0)
        return; /* only a message would miss it */
}

/* One attempt: 0 held, 1 the file was replaced meanwhile (try again), -1 err,
   -2 the directory cannot take the lock file (no permission, a read-only
   file system: the path's problem, exit status 2; until 2026-12-07 exit 1,
   as root on /sys or /proc, which access() passes). `holder` names the
   command that holds such a lock ("run", "export") and `opt` the option
   that chooses the output ("-o", "--csv"), for the message of a refusal. */
static int lock_once(const mr_outpath_req *q, const char *holder, const char *opt, mr_error *err)
{
    int fd = open(lock_name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0666);
    struct stat fs, ps;
    if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS || errno == ENOENT ||
                   errno == ENOTDIR)) {
        char dir[4096];
        const int e = errno;
        if (dir_of(q->output, dir, sizeof dir))
            snprintf(dir, sizeof dir, "%s", ".");
        say(err, "%.480s: cannot write to directory '%.480s': %s (its lock file %.480s)", q->output,
            dir, strerror(e), lock_name);
        return -2;
    }
    if (fd < 0 || fstat(fd, &fs) != 0 || !S_ISREG(fs.st_mode)) {
        say(err, "%s: cannot use the lock file %s: %s", q->output, lock_name,
            fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    lock_exclusive = flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (!lock_exclusive) {
        if (errno == EWOULDBLOCK) {
            char who[300];
            holder_of(fd, who, sizeof who);
            say(err,
                "%s: in use by another minrisk %s (%slock %s); wait for it or "
                "choose another %s",
                q->output, holder, who, lock_name, opt);
            close(fd);
            return -1;
        }
        /* a file system without locks (some parallel ones): go on, unprotected */
        fprintf(stderr,
                "minrisk %s: warning: %s: cannot lock (%s); nothing keeps another run "
                "from writing the same output\n",
                q->cmd, lock_name, strerror(errno));
    }
    if (stat(lock_name, &ps) != 0 || ps.st_dev != fs.st_dev || ps.st_ino != fs.st_ino) {
        close(fd); /* its holder removed it as we came: a new one */
        return 1;
    }
    write_holder(fd);
    lock_fd = fd;
    lock_on = 1;
    return 0;
}

static int take_lock(const mr_outpath_req *q, const char *holder, const char *opt, mr_error *err)
{
    int len = snprintf(lock_name, sizeof lock_name, "%s.lock", q->output);
    if (len < 0 || (size_t)len >= sizeof lock_name) {
        say(err, "%s: cannot write: path too long", q->output);
        return -1;
    }
    /* SIGINT, SIGTERM and SIGHUP wait while the lock is taken: export's
       handler exits at once and removes the lock only once it is recorded
       as held (lock_on), so one that came between the creation of the file
       and that left it behind */
    sigset_t old;
    mr_stopsig_block(&old);
    int rc = 1;
    for (int k = 0; k < LOCK_ATTEMPTS && rc > 0; k++)
        rc = lock_once(q, holder, opt, err);
    mr_stopsig_restore(&old);
    if (rc > 0)
        say(err, "%s: cannot take the lock %s: it keeps being replaced", q->output, lock_name);
    return rc > 0 ? -1 : rc;
}

/* ---- stale temporary files (rank 0, under the lock) --------------------------- */

/* The pid of a temporary file of this output: name is "<base>.tmp.<pid>" or
   "<base>.ckpt.tmp.<pid>", the pid as minrisk writes it (pid_of); else 0.
   Until 2026-12-06 strtol read any digits: out.h5.tmp.01234, a name no
   minrisk writes, was removed as the temporary of process 1234. */
static long temp_pid(const char *name, const char *base)
{
    size_t b = strlen(base);
    if (strncmp(name, base, b) != 0)
        return 0;
    const char *rest = name + b;
    if (!strncmp(rest, ".ckpt", 5))
        rest += 5;
    return strncmp(rest, ".tmp.", 5) ? 0 : pid_of(rest + 5, strlen(rest + 5));
}

/* Remove the temporary files of this output whose process is gone (a run
   killed by SIGKILL or a crash during a write): a live process's files,
   or another user's (EPERM), stay. */
static void remove_stale(const char *output, const char *cmd)
{
    char dir[4096], path[4400];
    const char *base = base_of(output);
    DIR *d = dir_of(output, dir, sizeof dir) ? NULL : opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        long pid = temp_pid(e->d_name, base);
        struct stat st;
        int len = snprintf(path, sizeof path, "%s%s", output, e->d_name + strlen(base));
        if (pid <= 0 || len < 0 || (size_t)len >= sizeof path || lstat(path, &st) != 0 ||
            !S_ISREG(st.st_mode) || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (unlink(path) == 0)
            fprintf(stderr, "minrisk %s: removed stale temporary %s (process %ld is gone)\n", cmd,
                    path, pid);
    }
    closedir(d);
}

void mr_outpath_remove_stale(const char *output, const char *cmd)
{
    if (lock_on && lock_exclusive)
        remove_stale(output, cmd);
}

/* ---- the verdict, on every rank ------------------------------------------------ */

static mr_status claim_root(const mr_outpath_req *q, mr_error *err)
{
    char *ckpt = mr_checkpoint_path(q->output);
    if (!ckpt) {
        say(err, "%s: out of memory", q->output);
        return MR_FAILED;
    }
    mr_status rc = check_path(q, ckpt, err);
    free(ckpt);
    if (rc != MR_OK)
        return rc;
    const int locked = take_lock(q, "run", "-o", err);
    if (locked)
        return locked == -2 ? MR_BAD_INPUT : MR_FAILED;
    /* Only under the lock: then no live run writes these files, wherever
       it runs (a pid is only known alive on this node). */
    if (lock_exclusive)
        remove_stale(q->output, q->cmd);
    return MR_OK;
}

mr_status mr_outpath_claim(const mr_outpath_req *q, const mr_comm *comm, mr_error *err)
{
    int rc = comm->rank == 0 ? (int)claim_root(q, err) : 0;
    mr_comm_bcast(comm, &rc, sizeof rc);
    if (rc != MR_OK)
        mr_comm_bcast(comm, err->msg, sizeof err->msg);
    return (mr_status)rc;
}

mr_status mr_outpath_lock_dir(const char *dir, const char *cmd, const char *opt, mr_error *err)
{
    /* the lock's name: DIR without its trailing slashes, then ".lock" */
    char name[4096];
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n >= sizeof name) {
        say(err, "%s: cannot write: path too long", dir);
        return MR_FAILED;
    }
    memcpy(name, dir, n);
    name[n] = '\0';
    char parent[4096];
    struct stat st;
    if (dir_of(name, parent, sizeof parent) || stat(parent, &st) != 0 || !S_ISDIR(st.st_mode))
        return MR_OK; /* a new tree: the command makes it and says what fails */
    mr_outpath_req q = {.cmd = cmd, .output = name};
    const int rc = take_lock(&q, cmd, opt, err);
    return rc == -2 ? MR_BAD_INPUT : rc ? MR_FAILED : MR_OK;
}
