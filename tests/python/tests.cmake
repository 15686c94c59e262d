# python/tests.cmake - the minrisk Python package (python/minrisk,
# docs/PYTHON.md), label `python`. Included by tests/CMakeLists.txt, which
# sets MINRISK_BIN, MINRISK_SRC and MINRISK_PYTHON (/usr/bin/python3).
# Each test runs the package from the source tree (PYTHONPATH) against the
# binary of this build (its path as the second argument), on 1 thread and at most 2,000 trials.
#
# - python_open: minrisk.run/compare/sweep make a run (2,000 trials), a
#   comparison and a sweep; every variable of every group read through
#   minrisk.open equals the dataset read with h5py (exact, NaN where NaN);
#   units as stored and a long_name on every variable, display names
#   beside the ids, the sweep's grid coordinates and a variant picked by
#   them.
# - python_scenario: key paths, Scenario load -> change -> dump ->
#   validate -> run gives the change in the file; a bad key raises
#   MinriskError with the binary's own one-line message on the dumped file;
#   extends resolved from a dump elsewhere; YAML 1.1 words stay strings;
#   80.0e9 and 1e6 are floats, as the binary reads them.
# - python_plot: every minrisk.plot function draws from Datasets; the
#   total's return-period points are /summary's values in GBP m.
# - python_install: `cmake --install` into a temporary prefix, then
#   `import minrisk` there with PYTHONPATH=<prefix>/lib/python3/dist-packages
#   (its _report/ a copy of out/report/, the binary found beside it),
#   and `pip install --no-build-isolation --no-deps` of python/ offline.
# - python_tutorial: docs/tutorial.ipynb has no outputs in git, executes
#   with nbconvert, and its printed figures equal the files it wrote.
# - python_checks_cases: tests/python/checks.py itself (checks_cases.py):
#   finish fails a test that made no check, k_rank is mr_stats_rank's rule.
set(_py_python ${MINRISK_PYTHON})
if(NOT _py_python)
  set(_py_python /usr/bin/python3)
endif()
set(_py_env "PYTHONPATH=${MINRISK_SRC}/python;OMP_NUM_THREADS=1;MPLBACKEND=Agg;PYTHONDONTWRITEBYTECODE=1")
foreach(_t open scenario plot)
  add_test(NAME python_${_t}
           COMMAND ${_py_python} ${CMAKE_CURRENT_LIST_DIR}/python_${_t}.py ${MINRISK_SRC} ${MINRISK_BIN})
  set_tests_properties(python_${_t} PROPERTIES LABELS python TIMEOUT 600 ENVIRONMENT "${_py_env}")
endforeach()
add_test(NAME python_checks_cases COMMAND ${_py_python} ${CMAKE_CURRENT_LIST_DIR}/checks_cases.py)
set_tests_properties(python_checks_cases PROPERTIES LABELS python TIMEOUT 60)
# docs/tutorial.ipynb executed with nbconvert (python_tutorial.py; skipped,
# status 77, without Debian's python3-nbconvert and python3-ipykernel).
add_test(NAME python_tutorial
         COMMAND ${_py_python} ${CMAKE_CURRENT_LIST_DIR}/python_tutorial.py ${MINRISK_SRC} ${MINRISK_BIN})
set_tests_properties(python_tutorial PROPERTIES LABELS python TIMEOUT 900 SKIP_RETURN_CODE 77
                     ENVIRONMENT "${_py_env}")
add_test(NAME python_install
         COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/python_install.sh ${CMAKE_BINARY_DIR} ${MINRISK_SRC} ${_py_python})
set_tests_properties(python_install PROPERTIES LABELS python TIMEOUT 600
                     ENVIRONMENT "OMP_NUM_THREADS=1;MPLBACKEND=Agg;PYTHONDONTWRITEBYTECODE=1")
