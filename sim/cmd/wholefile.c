/* wholefile.c - a small file written whole, or not at all (wholefile.h).
 *
 * Until 2026-12-07 `minrisk init` (sim/cmd/init.c) and `bench --json`
 * (sim/cmd/bench.c) each made this sequence by hand, and neither synced
 * the directory after the name was given, as a result file's write does.
 */
#define _POSIX_C_SOURCE 200809L

#include "sim/cmd/wholefile.h"

#include "out/h5/writer.h" /* mr_output_sync_dir */
#include "out/stopsig.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The names, prepared in advance for a handler: the temporary, and FILE
   (the placeholder's name when link(2) is not available). */
static char tmp_name[4200], hold_name[4200];
/* tmp_on: the temporary exists; hold_on: the placeholder does; named: FILE
   has its new name. */
static volatile sig_atomic_t tmp_on, hold_on, named;

int mr_wholefile_prepare(const char *file)
{
    int len = snprintf(tmp_name, sizeof tmp_name, "%s.tmp.%ld", file, (long)getpid());
    if (len < 0 || (size_t)len >= sizeof tmp_name)
        return -1;
    memcpy(hold_name, file, strlen(file) + 1); /* shorter than tmp_name */
    tmp_on = hold_on = named = 0;
    return 0;
}

const char *mr_wholefile_tmp(void)
{
    return tmp_name;
}

int mr_wholefile_stop_in_handler(void)
{
    if (named)
        return 1;
    const int saved = errno;
    if (tmp_on)
        unlink(tmp_name);
    if (hold_on)
        unlink(hold_name);
    errno = saved;
    return 0;
}

/* Write text into the new file fd (closed): 0, or an errno. */
static int write_all(int fd, const char *text, size_t size)
{
    int e = 0;
    for (size_t done = 0; done < size && !e;) {
        ssize_t w = write(fd, text + done, size - done);
        if (w > 0)
            done += (size_t)w;
        else if (w < 0 && errno != EINTR)
            e = errno;
        else if (w == 0)
            e = EIO;
    }
    if (!e && fsync(fd) != 0 && errno != EINVAL) /* EINVAL: a file that cannot sync */
        e = errno;
    if (close(fd) != 0 && !e && errno != EINTR)
        e = errno;
    return e;
}

/* Give the complete temporary FILE's name only if FILE does not exist,
   atomically: link(2) fails with EEXIST on any existing name (a file made
   since the caller's check included). A file system without hard links
   (EPERM, ENOTSUP: FAT, some FUSE ones) instead takes the name with an
   empty placeholder made by O_CREAT | O_EXCL, as atomic, and renames the
   temporary over it. 0, or an errno (EEXIST: it exists). */
static int name_new(void)
{
    sigset_t old;
    mr_stopsig_block(&old);
    int linked = link(tmp_name, hold_name) == 0, e = errno;
    if (linked)
        named = 1;
    mr_stopsig_restore(&old);
    if (linked)
        return 0;
    if (e == EEXIST ||
        (e != EPERM && e != ENOTSUP && e != EOPNOTSUPP && e != EMLINK && e != ENOSYS))
        return e;
    mr_stopsig_block(&old);
    int fd = open(hold_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    e = fd < 0 ? errno : 0;
    if (fd >= 0) {
        close(fd);
        hold_on = 1;
    }
    mr_stopsig_restore(&old);
    if (e)
        return e;
    mr_stopsig_block(&old);
    if (rename(tmp_name, hold_name) == 0) {
        named = 1;
        tmp_on = hold_on = 0;
    } else {
        e = errno;
        unlink(hold_name);
        hold_on = 0;
    }
    mr_stopsig_restore(&old);
    return e;
}

/* Give the complete temporary FILE's name, over whatever FILE was. */
static int name_over(void)
{
    sigset_t old;
    mr_stopsig_block(&old);
    int e = rename(tmp_name, hold_name) == 0 ? 0 : errno;
    if (!e)
        named = 1;
    mr_stopsig_restore(&old);
    return e;
}

mr_wholefile_step mr_wholefile_write(const char *text, size_t size, int mode, bool replace,
                                     int *err)
{
    /* under FILE.lock no live minrisk writes this name: what it holds is
       removed, never followed (docs/SECURITY.md) */
    if (unlink(tmp_name) != 0 && errno != ENOENT) {
        *err = errno;
        return MR_WHOLEFILE_CLEAR;
    }
    sigset_t old; /* the temporary made and recorded together */
    mr_stopsig_block(&old);
    int fd = open(tmp_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    int e = fd < 0 ? errno : 0;
    if (fd >= 0)
        tmp_on = 1;
    mr_stopsig_restore(&old);
    if (e) {
        *err = e;
        return MR_WHOLEFILE_CREATE;
    }
    if (mode >= 0 && fchmod(fd, (mode_t)mode) != 0) {
        e = errno;
        close(fd);
    } else
        e = write_all(fd, text, size);
    if (!e)
        e = replace ? name_over() : name_new();
    mr_stopsig_block(&old);
    if (tmp_on)
        unlink(tmp_name); /* after link(2) a second name; else the failure's leftover */
    tmp_on = 0;
    mr_stopsig_restore(&old);
    if (!e)
        mr_output_sync_dir(hold_name); /* the new name on the disk too */
    *err = e;
    return e ? MR_WHOLEFILE_WRITE : MR_WHOLEFILE_DONE;
}
