/* cmd_report.c - `minrisk report` (placeholder until the command lands). */
#include "cli.h"

#include <stdio.h>

int mr_cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "minrisk report: not implemented yet\n");
    return MR_EXIT_FAIL;
}
