/* format.c - the levels of the statistics in /summary, printable names and
 * what a path is (format.h). */
#define _POSIX_C_SOURCE 200809L /* S_ISSOCK */

#include "out/format.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const double mr_output_quantiles[MR_OUTPUT_NQUANTILES] = {0.5, 0.9, 0.95, 0.99, 0.995, 0.999};
const double mr_output_es_levels[MR_OUTPUT_NES] = {0.95, 0.99, 0.995};
const double mr_output_return_periods[MR_OUTPUT_NRP] = {2, 5, 10, 20, 50, 100, 200, 500, 1000};
const double mr_output_bands[MR_OUTPUT_NBANDS] = {0.05, 0.5, 0.95};
const double mr_output_tail_bands[MR_OUTPUT_NTAIL_BANDS] = {0.9, 0.99};

/* Length (2..4) of the valid UTF-8 character that starts at s, or 0. The
   ranges are RFC 3629's: no overlong forms, no surrogates, nothing past
   U+10FFFF. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t len;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if (s[k] < 0x80 || s[k] > 0xbf)
            return 0;
    return len;
}

size_t mr_printable_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return s[0] >= 0x20 && s[0] != 0x7f;
    size_t len = utf8_len(s);
    if (len == 2 && s[0] == 0xc2 && s[1] <= 0x9f)
        return 0; /* a C1 control: its two bytes are escaped one by one */
    return len;
}

char *mr_printable(const char *s, char *buf, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0;
    while (*p) {
        size_t keep = mr_printable_len(p), need = keep ? keep : 4;
        if (k + need >= n)
            break;
        if (keep) {
            memcpy(buf + k, p, keep);
        } else {
            buf[k] = '\\';
            buf[k + 1] = 'x';
            buf[k + 2] = hex[*p >> 4];
            buf[k + 3] = hex[*p & 15];
        }
        k += need;
        p += keep ? keep : 1;
    }
    buf[k] = '\0';
    return buf;
}

char *mr_env_shown(const char *name, char *buf, size_t n)
{
    const char *v = getenv(name);
    if (!v)
        v = "";
    size_t whole = 0; /* the length of all of v shown */
    for (const unsigned char *p = (const unsigned char *)v; *p;) {
        size_t keep = mr_printable_len(p);
        whole += keep ? keep : 4;
        p += keep ? keep : 1;
    }
    if (whole < n || n < 4)
        return mr_printable(v, buf, n);
    mr_printable(v, buf, n - 3); /* "..." says it is cut */
    strcat(buf, "...");
    return buf;
}

char *mr_printable_own(char *s)
{
    if (!s)
        return NULL;
    size_t n = 4 * strlen(s) + 1; /* every byte escaped */
    char *out = malloc(n);
    if (out)
        mr_printable(s, out, n);
    free(s);
    return out;
}

const char *mr_file_kind(mode_t mode)
{
    return S_ISDIR(mode)    ? "a directory"
           : S_ISLNK(mode)  ? "a symbolic link"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISSOCK(mode) ? "a socket"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
                            : "not a regular file";
}

void mr_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void mr_unsign_zero(char *s)
{
    char *m = s + strspn(s, " ");
    if (*m != '-')
        return;
    for (const char *c = m + 1; *c && *c != '%'; c++)
        if (*c != '0' && *c != '.')
            return;
    if (m > s)
        *m = ' ';
    else
        memmove(s, s + 1, strlen(s));
}

const char *mr_format_bytes(double bytes, char *buf, size_t size)
{
    /* powers of 1024, as ulimit, Slurm's --mem, MINRISK_MEMORY_LIMIT's
       suffixes and df -h count: MINRISK_MEMORY_LIMIT=500M shows as 500 MiB
       (in powers of 1000 it showed as 524 MB) */
    static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = bytes;
    int k = 0;
    while (v >= 999.5 && k < 6) { /* never "1000 KiB" nor "1024 KiB": 0.977 MiB */
        v /= 1024.0;
        k++;
    }
    if (k == 0)
        snprintf(buf, size, "%.0f bytes", v);
    else
        snprintf(buf, size, v < 100.0 ? "%.3g %s" : "%.0f %s", v, unit[k]); /* 3 figures */
    return buf;
}
