/* linkfail.c - an LD_PRELOAD shim for init_atomic.sh: link(2) fails with
 * EPERM, as on a file system without hard links (FAT, some FUSE ones), so
 * that `minrisk init` without --force takes FILE's name by its other way:
 * an O_EXCL placeholder, then the rename of the temporary over it
 * (sim/cmd/wholefile.c name_new).
 */
#include <errno.h>
#include <unistd.h>

int link(const char *from, const char *to)
{
    (void)from;
    (void)to;
    errno = EPERM;
    return -1;
}
