# bad/tests.cmake - the bad scenarios, label `scenario`. Included by
# tests/CMakeLists.txt, which sets MINRISK_BIN (the minrisk binary, a
# generator expression) and MINRISK_SRC (the source root).
#
# One test per tests/bad/*.yaml: `minrisk run` and `minrisk validate` must
# fail with status 2 and exactly the error line the file's first line names,
# and leave no output file (scenario_bad.sh). The tests run in the source
# root so messages carry the relative path tests/bad/NAME.yaml.

file(GLOB MINRISK_BAD_SCENARIOS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.yaml)
foreach(bad ${MINRISK_BAD_SCENARIOS})
  get_filename_component(bad_name ${bad} NAME_WE)
  add_test(NAME scenario_bad_${bad_name}
           COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/scenario_bad.sh ${MINRISK_BIN}
                   tests/bad/${bad_name}.yaml
           WORKING_DIRECTORY ${MINRISK_SRC})
  set_tests_properties(scenario_bad_${bad_name} PROPERTIES LABELS scenario)
endforeach()

# unit_sim_scenario_loading reads tests/bad/*.yaml and scenarios/demo.yaml
# relative to the source root.
minrisk_unit_test(unit_sim_scenario_loading SOURCE_ROOT LABELS scenario)
