#!/usr/bin/env python3
"""scenario_json_schema.py MINRISK_BIN - the JSON Schema of `minrisk validate
--json-schema` (docs/SCENARIO_FORMAT.md, "JSON Schema") against Debian's
python3-jsonschema. Run from the source root.

- It is a valid draft-7 schema.
- Every scenario in scenarios/ and every good test scenario (each YAML file
  under tests/ that `minrisk validate` accepts) validates against it.
- Each file in tests/bad/ whose error is a schema matter (an unknown key, a
  wrong type, a value out of range, a bad id, a missing required key) fails
  it; the files whose error is semantic - what needs more than one key
  (references, sums, cross-key rules, the time grid) or is beyond a JSON
  document (files, YAML duplicates) - are listed in SEMANTIC with the
  reason, and must pass it: a file that moves from one side to the other
  fails the test, so the list stays true.

YAML is read as YAML 1.2's core schema reads it, as minrisk and editors do:
true/false are the only booleans (YAML 1.1's on/off/yes/no are words) and
1e9 is a number.
"""
import glob
import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml

SEMANTIC = {
    # importance sampling (docs/MODEL.md §12i): the loader's own checks
    "importance_unknown_process": "a process name matched against the scenario's processes",
    "importance_bad_target": "the target's grammar (var<P>, es<P>, P in [50,100)), the loader's",
    "importance_target_leading_zero": "the target's grammar (P without a leading zero), the loader's",
    "importance_duplicate": "a YAML duplicate key, which a JSON Schema cannot see",
    "merge_key": "a YAML merge key, which the YAML reader expands before the schema sees it",
    "integer_leading_zero": "YAML 1.2 reads 0100 as the integer 100: the text, not the value, is refused",
    "number_leading_zero": "YAML 1.2 reads 01000 as the integer 1000: the text, not the value, is refused",
    "importance_empty": "rates or a target: one of two optional keys, the loader's rule",
    "importance_focus_total": "a rule between keys (a year focus needs an annual target)",
    "importance_defensive_horizon": "a rule between keys (defensive needs a year focus)",
    "importance_focus_years": "a bound that is another key (simulation.horizon_years)",
    "importance_tilt_load": "a product of the factor, a process's rate, its regime and the horizon",
    # references to ids, checked against what the scenario defines
    "event_minerals_map_unknown": "a mineral id the scenario does not define",
    "event_unknown_mineral": "a mineral id the scenario does not define",
    "interdependency_unknown_sector": "a sector id the scenario does not define",
    "market_domestic_unknown_country": "a country id the scenario does not define",
    "need_mineral_typo": "a mineral id the scenario does not define",
    "recycled_abroad_unknown_country": "a country id the scenario does not define",
    # simulation.target_precision: a grammar of statistics, sector ids among them
    "precision_max_alone": "a rule between keys (max_trials needs target_precision)",
    "precision_rel_range": "a number inside the target_precision string",
    "precision_unknown_sector": "a sector id the scenario does not define",
    "precision_unknown_stat": "a statistic name inside the target_precision string",
    "precision_leading_zero": "a return period inside the target_precision string (rp0010)",
    "precision_level_low": "a level inside the target_precision string (es100 is 0.100)",
    # sums and matrices
    "correlation_asymmetric": "a matrix property (symmetry)",
    "correlation_asymmetric_close": "a matrix property (symmetry)",
    "correlation_diagonal": "a matrix property (unit diagonal)",
    "correlation_not_pd": "a matrix property (positive definite)",
    "demand_share_sum": "a sum over sectors",
    "market_domestic_sum": "a sum over countries",
    "path_share_sum": "a sum of time paths",
    "recycled_abroad_sum": "a sum over countries",
    "recycled_domestic_sum": "a sum of two keys",
    "recycled_policy_abroad_sum": "a sum over countries",
    # rules between keys, or needing the time grid or the supply
    "demand_path_world": "a time path against another key",
    "domestic_outage_no_severity": "required only when the rate is above 0",
    "domestic_outage_no_supply": "needs a domestic_share",
    "domestic_policy_outage_no_supply": "needs some mineral's domestic_share",
    "domestic_outage_occurrence_start": "a start within the horizon",
    "domestic_policy_empty": "one of two keys (share, outage) in a mapping of the chain",
    "duplicate_supplier": "a country twice in a list (unique by one key)",
    "event_licensing_no_market": "needs the mineral's market",
    "event_licensing_no_product_stage": "needs the mineral's product stage",
    "event_licensing_scope": "only with scope exports",
    "event_no_effect": "the country must supply the mineral",
    "event_processed_elsewhere_scope": "only with scope ore",
    "event_rush_nomarket": "needs the mineral's market",
    "event_rush_scope": "only with scope exports",
    "expected_occurrences": "rates times the horizon, over the whole scenario",
    "gva_above_output": "one key against another",
    "market_domestic_not_supplier": "the country must supply the mineral",
    "market_long_run_below_short": "one key against another",
    "market_world_demand_small": "one key against another",
    "no_stage": "one of two keys (mining, refining)",
    "occurrence_start": "a start within the horizon",
    "path_gva_above_output": "one time path against another",
    "path_no_start_year": "time paths need simulation.start_year",
    "path_year_fraction": "a year key that YAML reads as a number (2024.5), not a name",
    "path_years_decrease": "the order of a path's years",
    "policy_cap_single_supplier": "the cap against each mineral's suppliers",
    "policy_cost_absent_lever": "a cost for a lever the scenario does not set",
    "policy_cost_empty_source": "a source that says nothing (blank text)",
    "name_blank": "a name of spaces only (blank text)",
    "display_name_nbsp": "a display name of Unicode spaces only (blank text)",
    "rate_above_grid": "a rate against simulation.steps_per_year",
    "recycled_abroad_no_recycling": "needs a recycled_share",
    "recycled_policy_abroad_no_recycling": "needs some mineral's recycled_share",
    "regime_step": "a period against the time step",
    "regime_no_event": "needs an event of the country",
    "policy_cap_world_single_supplier": "the cap against each mineral's suppliers",
    "policy_new_source_unknown": "a country id the scenario does not define",
    "policy_share_sum": "a sum of two keys after a policy",
    "share_path_offtake_above_cap": "time paths of shares against the cap",
    "share_path_open_demand": "time paths of demand against another key",
    "share_path_sum": "a sum of time paths",
    "share_path_uk_cap": "time paths of shares against the cap",
    "share_path_world_cap": "time paths of shares against the cap",
    "share_sum": "a sum over a list",
    "spectral_radius": "a matrix property (spectral radius)",
    "supplier_country_typo": "a country id the scenario does not define",
    "uk_before_mismatch": "shares against the cap and other shares",
    "uk_before_without_cap": "needs policies.diversification_cap",
    "uk_offtake_above_cap": "shares against the cap",
    "uk_offtake_aggregate": "a country's aggregate flag",
    "uk_premium_no_offtake": "needs offtake countries",
    "uk_premium_not_offtake": "a key of one mapping against another",
    "uk_ramp_on_world": "only with on: uk_sourcing",
    "uniform_order": "a <= b within a pair",
    "uncertain_weights": "a sum over a list",
    "wgi_rate_derived": "a rate derived from two keys against the time grid",
    # sweeps and uncertain blocks: key paths and values applied to the scenario
    # (the schema takes a key path as a name and a value as anything)
    "sweep_index_above_2_64": "a key path into a list of the scenario (an index past 2^64 - 1)",
    "sweep_index_out_of_range": "a key path into a list of the scenario",
    "sweep_rate": "a swept value against the time grid",
    "sweep_same_variant": "two swept values that give one scenario",
    "sweep_seed": "a key path that cannot be swept",
    "sweep_unknown_key": "a key path to a key the schema does not have",
    "sweep_unknown_id": "a key path through an id the scenario does not define",
    "sweep_value_out_of_range": "a swept value out of its key's range",
    "sweep_importance": "two blocks that no command runs together (sweep and importance)",
    "sweep_precision": "two blocks that no command runs together (sweep and target_precision)",
    "importance_precision": "two blocks that no command runs together (importance and "
                            "target_precision)",
    "uncertain_also_swept": "a key path both swept and uncertain",
    "uncertain_bad_path": "a key path to a key the schema does not have",
    "uncertain_not_a_number": "a key path to a key whose value is not a number",
    "uncertain_unknown_id": "a key path through an id the scenario does not define",
    "uncertain_lognormal_range": "a distribution whose values leave its key's range",
    "uncertain_not_integer": "a distribution whose values are not integers",
    "uncertain_out_of_range": "a distribution whose values leave its key's range",
    "uncertain_seed": "a key path that cannot be uncertain",
    # beyond one JSON document
    "duplicate_key": "a YAML duplicate key (a JSON document has none)",
    "event_minerals_map_duplicate": "a YAML duplicate key (a JSON document has none)",
    "extends_cycle": "files of an extends chain",
    "extends_directory": "files of an extends chain",
    "extends_empty": "files of an extends chain",
    "extends_missing": "files of an extends chain",
    "extends_not_scenario": "files of an extends chain",
    "extends_parent_error": "files of an extends chain (the error is in the parent)",
    "extends_text": "files of an extends chain",
    "policy_cost_no_source": "a required key missing in a file that extends another "
    "(the schema leaves required keys to the chain)",
    # the content of strings
    "name_control": "a control character in a string",
    "nul_string": "a NUL character in a string",
}


class Yaml12(yaml.SafeLoader):
    """YAML 1.2 core booleans and numbers, as libyaml-based minrisk reads them."""


Yaml12.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Yaml12.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)


def errors(validator, path):
    """The schema's complaints about the file (a YAML error counts as one)."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            doc = yaml.load(f, Loader=Yaml12)
    except yaml.YAMLError as e:
        return ["YAML: " + str(e).splitlines()[0]]
    return [
        "/".join(map(str, e.absolute_path)) + ": " + e.message[:200]
        for e in validator.iter_errors(doc)
    ]


def main():
    binary = sys.argv[1]
    text = subprocess.run(
        [binary, "validate", "--json-schema"], check=True, capture_output=True, text=True
    ).stdout
    schema = json.loads(text)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failures = 0

    good = sorted(glob.glob("scenarios/*.yaml"))
    for path in sorted(glob.glob("tests/**/*.yaml", recursive=True)):
        if path.startswith(("tests/bad/", "tests/authoring/errors/")):
            continue
        r = subprocess.run([binary, "validate", path], capture_output=True)
        if r.returncode == 0:
            good.append(path)
    for path in good:
        errs = errors(validator, path)
        if errs:
            failures += 1
            print(f"FAIL: {path} is a good scenario but fails the schema: {errs[0]}")
    print(f"ok: {len(good) - failures} of {len(good)} good scenarios pass the schema")

    bad = sorted(glob.glob("tests/bad/*.yaml"))
    names = {os.path.basename(p)[:-5] for p in bad}
    for name in sorted(set(SEMANTIC) - names):
        failures += 1
        print(f"FAIL: SEMANTIC names {name}, which is not in tests/bad/")
    nfail = npass = 0
    for path in bad:
        name = os.path.basename(path)[:-5]
        errs = errors(validator, path)
        if name in SEMANTIC and errs:
            failures += 1
            print(f"FAIL: {path} ({SEMANTIC[name]}) is listed as semantic but fails the "
                  f"schema: {errs[0]}")
        elif name not in SEMANTIC and not errs:
            failures += 1
            print(f"FAIL: {path} passes the schema: its error is a schema matter, or list it "
                  "in SEMANTIC with the reason")
        elif errs:
            nfail += 1
        else:
            npass += 1
    print(f"ok: of {len(bad)} bad files, {nfail} fail the schema and {npass} semantic ones "
          "pass it, as listed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
