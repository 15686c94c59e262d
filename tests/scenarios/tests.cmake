# scenarios/tests.cmake - the reference scenarios in scenarios/, label
# `scenarios` (and `scenario` for the demo's validation). Included by
# tests/CMakeLists.txt, which sets MINRISK_BIN (the minrisk binary, a
# generator expression), MINRISK_SRC (the source root) and MINRISK_PYTHON
# (/usr/bin/python3, for h5py).
#
# - scenario_ref_<name>: every scenarios/*.yaml validates and runs 2,000
#   trials, and so does its resolved form, to the same datasets (scenario_ref.sh
#   run); one with an uncertain block runs a small
#   `minrisk uncertainty` instead.
# - scenario_ref_vision_lowers_loss: uk-2035-baseline and uk-2035-vision run with the
#   same seed (common random numbers, MODEL §12) and 2,000 trials; the
#   vision's /summary/total_loss_mean must be lower (scenario_ref.sh compare).
#   Needs `extends:` and `policies:` in the loader.
# - scenario_ref_roundtrip_<name>: every tests/scenarios/*.yaml (scenarios
#   that exercise the loader's keys, e.g. market_keys.yaml, rather than
#   studies) validates, and its resolved form validates to the same text
#   (scenario_ref.sh roundtrip). tests/unit/sim/scenario/loading.c also
#   reads them back field by field.
# The tests run in the source root so that messages carry relative paths.

file(GLOB MINRISK_REF_SCENARIOS CONFIGURE_DEPENDS ${MINRISK_SRC}/scenarios/*.yaml)
foreach(scen ${MINRISK_REF_SCENARIOS})
  get_filename_component(scen_name ${scen} NAME_WE)
  add_test(NAME scenario_ref_${scen_name}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/scenario_ref.sh run ${MINRISK_BIN}
                   scenarios/${scen_name}.yaml
           WORKING_DIRECTORY ${MINRISK_SRC})
  set_tests_properties(scenario_ref_${scen_name} PROPERTIES
                       LABELS scenarios ENVIRONMENT "OMP_NUM_THREADS=2")
endforeach()

set(_ref_python ${MINRISK_PYTHON})
if(NOT _ref_python)
  set(_ref_python /usr/bin/python3)
endif()
add_test(NAME scenario_ref_vision_lowers_loss
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/scenario_ref.sh compare ${MINRISK_BIN}
                 scenarios/uk-2035-baseline.yaml scenarios/uk-2035-vision.yaml ${_ref_python}
         WORKING_DIRECTORY ${MINRISK_SRC})
set_tests_properties(scenario_ref_vision_lowers_loss PROPERTIES
                     LABELS scenarios ENVIRONMENT "OMP_NUM_THREADS=2")

# The reference scenario must validate.
add_test(NAME scenario_demo_validate COMMAND ${MINRISK_BIN} validate scenarios/demo.yaml
         WORKING_DIRECTORY ${MINRISK_SRC})
set_tests_properties(scenario_demo_validate PROPERTIES LABELS scenario)

file(GLOB MINRISK_TEST_SCENARIOS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.yaml)
foreach(scen ${MINRISK_TEST_SCENARIOS})
  get_filename_component(scen_name ${scen} NAME_WE)
  add_test(NAME scenario_ref_roundtrip_${scen_name}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/scenario_ref.sh roundtrip ${MINRISK_BIN}
                   tests/scenarios/${scen_name}.yaml
           WORKING_DIRECTORY ${MINRISK_SRC})
  set_tests_properties(scenario_ref_roundtrip_${scen_name} PROPERTIES LABELS scenario)
endforeach()

# - scenario_market_engine: hand-worked values of the market layer's supply
#   side on one-trial scenarios (export controls and spare capacity, the
#   count of control actions, licensing; market_engine.py says how).
add_test(NAME scenario_market_engine
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/market_engine.py ${MINRISK_BIN})
set_tests_properties(scenario_market_engine PROPERTIES
                     LABELS scenarios ENVIRONMENT "OMP_NUM_THREADS=2")

# - scenario_time_paths: a sector's output and value added as time paths,
#   through the engine, against hand-worked losses (time_paths.py says how).
add_test(NAME scenario_time_paths
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/time_paths.py ${MINRISK_BIN})
set_tests_properties(scenario_time_paths PROPERTIES LABELS scenarios)

# - scenario_uk_sourcing: UK sourcing and the cap on it (docs/MODEL.md §3u):
#   certain controls against hand-worked losses, and random ones with the
#   same risk (no change) or none (0.6 of the loss), world prices untouched.
add_test(NAME scenario_uk_sourcing
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/uk_sourcing.py ${MINRISK_BIN})
set_tests_properties(scenario_uk_sourcing PROPERTIES LABELS scenarios)

# - scenario_uk_offtake: the offtake of a cap on UK sourcing (docs/MODEL.md
#   §3u): the partner's outage sends its share to the open market, the
#   ramp-up and the premium, each against a hand-worked value.
add_test(NAME scenario_uk_offtake
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/uk_offtake.py ${MINRISK_BIN})
set_tests_properties(scenario_uk_offtake PROPERTIES LABELS scenarios)

# - scenario_share_paths: world supply shares as time paths (docs/MODEL.md
#   §4): world availability, UK sourcing that follows the open market, and
#   the cap on it applied step by step, against hand-worked losses.
add_test(NAME scenario_share_paths
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/share_paths.py ${MINRISK_BIN})
set_tests_properties(scenario_share_paths PROPERTIES LABELS scenarios)

# - scenario_demand_paths: the UK's and the world's demand as time paths
#   (docs/MODEL.md §5m): the clearing weights at the step's middle, bit for
#   bit those of the constant demands there.
add_test(NAME scenario_demand_paths
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/demand_paths.py ${MINRISK_BIN})
set_tests_properties(scenario_demand_paths PROPERTIES LABELS scenarios)

# - scenario_supply_at_risk: domestic outages and recycling refined abroad
#   (docs/MODEL.md §4, "Domestic and recycled supply at risk") through the
#   engine, against hand-worked losses; keys that change nothing leave
#   every trial as it was (supply_at_risk.py says how).
add_test(NAME scenario_supply_at_risk
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/supply_at_risk.py ${MINRISK_BIN})
set_tests_properties(scenario_supply_at_risk PROPERTIES LABELS scenarios)

# - scenario_spare_ramp: the spare capacity's ramp (docs/MODEL.md §4): it
#   starts with the first loss of supply (a supplier of share 0 losing its
#   output is none), and the product stage's P takes the stage's ramp,
#   against hand-worked losses (spare_ramp.py says how).
add_test(NAME scenario_spare_ramp
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/spare_ramp.py ${MINRISK_BIN})
set_tests_properties(scenario_spare_ramp PROPERTIES LABELS scenarios)

# - scenario_buffer_refill: a sector's buffer refills every step after a
#   shortage until it is full (docs/MODEL.md §6), even on steps where
#   nothing else changes, against hand-worked losses (buffer_refill.py says
#   how).
add_test(NAME scenario_buffer_refill
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/buffer_refill.py ${MINRISK_BIN})
set_tests_properties(scenario_buffer_refill PROPERTIES LABELS scenarios)

# - scenario_availability_floor: a stage's availability is at least 0
#   (docs/MODEL.md §4) when shares that sum to 1 within the loader's 1e-9,
#   or the open market's shares after home uses, are all lost
#   (availability_floor.py says how).
add_test(NAME scenario_availability_floor
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/availability_floor.py ${MINRISK_BIN})
set_tests_properties(scenario_availability_floor PROPERTIES LABELS scenarios)

# - scenario_data_tables: docs/DATA.md's tables (supply shares, WGI scores,
#   mineral figures, events, sector outputs and value added, sector needs
#   (a row for every need and a need for every row), market keys) state
#   the numbers of scenarios/uk-2024.yaml, its derived figures (a
#   share from tonnages, a rate from the WGI mapping, the stockpile's
#   GBP 143.75m) are what their inputs give, and every spend_gbp of
#   uk-2024, uk-2035-baseline and uk-2025-2035-baseline (at both ends of
#   its time paths) is demand_share x demand_t x price.ref
#   (data_tables.py says what it reads). No minrisk run.
add_test(NAME scenario_data_tables
         COMMAND ${_ref_python} ${CMAKE_CURRENT_LIST_DIR}/data_tables.py ${MINRISK_SRC})
set_tests_properties(scenario_data_tables PROPERTIES LABELS scenarios)
