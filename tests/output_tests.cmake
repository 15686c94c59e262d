# output_tests.cmake - the result file as xarray, h5py, h5dump and h5diff see
# it (tests/test_xarray.py), label `output`. Included by tests/CMakeLists.txt,
# which defines MINRISK_PYTHON, MINRISK_BIN, MINRISK_SRC and H5DIFF.

find_program(MINRISK_H5DUMP h5dump)
set(_xarray_tools --h5diff ${H5DIFF})
if(MINRISK_H5DUMP)
  list(APPEND _xarray_tools --h5dump ${MINRISK_H5DUMP})
endif()

# The hand-made sample of tests/unit_output.c (known values).
add_test(NAME output_xarray_sample
         COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/test_xarray.py
                 --writer $<TARGET_FILE:unit_output> ${_xarray_tools})
set_tests_properties(output_xarray_sample PROPERTIES LABELS output)

# A real run of the demo scenario, with 1 and 3 threads (determinism).
if(EXISTS ${MINRISK_SRC}/sim/main.c AND EXISTS ${MINRISK_SRC}/scenarios/demo.yaml)
  add_test(NAME output_xarray_cli
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/test_xarray.py
                   --minrisk ${MINRISK_BIN} --scenario ${MINRISK_SRC}/scenarios/demo.yaml
                   --trials 200 ${_xarray_tools})
  set_tests_properties(output_xarray_cli PROPERTIES LABELS output)
endif()

# Every group of the study files (a run with --events --counterfactual, a
# comparison, a sweep) opens in xarray with named, labelled dimensions.
if(EXISTS ${MINRISK_SRC}/sim/main.c)
  add_test(NAME output_xarray_studies
           COMMAND ${MINRISK_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/test_xarray_studies.py
                   ${MINRISK_BIN} ${MINRISK_SRC})
  set_tests_properties(output_xarray_studies PROPERTIES LABELS output)
endif()
