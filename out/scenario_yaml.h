/* scenario_yaml.h - the resolved scenario (every default filled in) as YAML
 * text: /scenario/resolved of the result file, `minrisk validate`, and the
 * identity of a run in its checkpoint.
 */
#ifndef MR_SCENARIO_YAML_H
#define MR_SCENARIO_YAML_H

#include "models/scenario.h"

/* The resolved scenario as YAML text; caller frees. NULL when out of memory. */
char *mr_scenario_resolved_yaml(const mr_scenario *sc);

#endif
