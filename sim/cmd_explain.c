/* cmd_explain.c - `minrisk explain` (placeholder until the command lands). */
#include "cli.h"

#include <stdio.h>

int mr_cmd_explain(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "minrisk explain: not implemented yet\n");
    return MR_EXIT_FAIL;
}
