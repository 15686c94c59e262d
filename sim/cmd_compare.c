/* cmd_compare.c - `minrisk compare` (placeholder until the command lands). */
#include "cli.h"

#include <stdio.h>

int mr_cmd_compare(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "minrisk compare: not implemented yet\n");
    return MR_EXIT_FAIL;
}
