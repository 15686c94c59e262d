# authoring/tests.cmake - scenario authoring (issue 15, deliverable 4), label
# `scenario`: `minrisk init`, every error of `minrisk validate` in file
# order, the warnings of a scenario that can give no shortage loss, and the JSON
# Schema of `minrisk validate --json-schema` (scenario_authoring.sh,
# scenario_json_schema.py, scenario_error_order.py).
# Included by tests/CMakeLists.txt (MINRISK_BIN, MINRISK_SRC).
foreach(part errors warnings init)
  add_test(NAME scenario_authoring_${part}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/scenario_authoring.sh ${MINRISK_BIN} ${part}
           WORKING_DIRECTORY ${MINRISK_SRC})
  set_tests_properties(scenario_authoring_${part} PROPERTIES LABELS scenario)
endforeach()
# The JSON Schema against Debian's python3-jsonschema (.ci/install-deps).
add_test(NAME scenario_json_schema
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/scenario_json_schema.py ${MINRISK_BIN}
         WORKING_DIRECTORY ${MINRISK_SRC})
set_tests_properties(scenario_json_schema PROPERTIES LABELS scenario)
# validate's every error on 60 randomly broken copies of scenarios/demo.yaml
# (seeded): never a crash, lines in file order, run's one line among them.
add_test(NAME scenario_error_order
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/scenario_error_order.py ${MINRISK_BIN}
         WORKING_DIRECTORY ${MINRISK_SRC})
set_tests_properties(scenario_error_order PROPERTIES LABELS scenario)
