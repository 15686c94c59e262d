# scenario_tests.cmake - included by tests/CMakeLists.txt, which sets
# MINRISK_BIN (the minrisk binary, a generator expression) and MINRISK_SRC
# (the source root).
#
# One test per tests/bad/*.yaml: `minrisk run` and `minrisk validate` must
# fail with status 2 and exactly the error line the file's first line names,
# and leave no output file (tests/check_bad_scenario.sh). The tests run in
# the source root so messages carry the relative path tests/bad/NAME.yaml.

file(GLOB MINRISK_BAD_SCENARIOS CONFIGURE_DEPENDS ${MINRISK_SRC}/tests/bad/*.yaml)
foreach(bad ${MINRISK_BAD_SCENARIOS})
  get_filename_component(bad_name ${bad} NAME_WE)
  add_test(NAME scenario_bad_${bad_name}
           COMMAND sh ${MINRISK_SRC}/tests/check_bad_scenario.sh ${MINRISK_BIN}
                   tests/bad/${bad_name}.yaml
           WORKING_DIRECTORY ${MINRISK_SRC})
  set_tests_properties(scenario_bad_${bad_name} PROPERTIES LABELS scenario)
endforeach()

# The reference scenario must validate.
add_test(NAME scenario_demo_validate COMMAND ${MINRISK_BIN} validate scenarios/demo.yaml
         WORKING_DIRECTORY ${MINRISK_SRC})
set_tests_properties(scenario_demo_validate PROPERTIES LABELS scenario)

# unit_scenario reads tests/bad/*.yaml and scenarios/demo.yaml relative to
# the source root.
if(TEST unit_scenario)
  set_property(TEST unit_scenario APPEND PROPERTY ENVIRONMENT "MINRISK_SRC=${MINRISK_SRC}")
  set_property(TEST unit_scenario APPEND PROPERTY LABELS scenario)
endif()
