/* cmd_export.c - `minrisk export` (placeholder until the command lands). */
#include "cli.h"

#include <stdio.h>

int mr_cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "minrisk export: not implemented yet\n");
    return MR_EXIT_FAIL;
}
