# SPDX-License-Identifier: MIT
# cmake -DTEST_BINARY=path/to/nusi_tests -P check_test_names.cmake: fails if a doctest test case name contains ';'.
# doctest_discover_tests hands every name to CTest through a CMake list, so a ';' splits it: the CTest entry then
# selects no test case and passes without running anything (doctest exits 0 when its filter matches nothing).
execute_process(COMMAND "${TEST_BINARY}" --list-test-cases --no-version=true OUTPUT_VARIABLE names RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TEST_BINARY} --list-test-cases failed (${rc})")
endif()
string(REPLACE ";" "<SEMICOLON>" names "${names}")
string(REPLACE "\n" ";" names "${names}")
set(bad "")
foreach(name IN LISTS names)
  if(name MATCHES "<SEMICOLON>")
    string(REPLACE "<SEMICOLON>" "\;" name "${name}")
    string(APPEND bad "\n  ${name}")
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "test case names with ';' (CTest would run nothing for them; use ',' instead):${bad}")
endif()
