# hardening/tests.cmake - issue 11: nothing a user types can destroy a file,
# hang the run or change a result silently (docs/SECURITY.md). One test per
# case of the issue, label `hardening`; each part has its own file:
#   output.cmake      the output path: non-regular files, the scenario itself,
#                     the lock, stale temporaries, free space (cases 1 2 8 9 12)
#   checkpoint.cmake  checksums, memory, a full disk (cases 3 7 15)
#   loader.cmake      the scenario loader's limits (cases 4 5 6 10 13 14 15)
#   readers.cmake     damaged result files (cases 11 14 15)
#   fuzz.cmake        the libFuzzer targets' regression inputs
foreach(part output checkpoint loader readers fuzz)
  if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/${part}.cmake)
    include(${CMAKE_CURRENT_LIST_DIR}/${part}.cmake)
  endif()
endforeach()
