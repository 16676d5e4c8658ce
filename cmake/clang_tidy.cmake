# SPDX-License-Identifier: MIT
# clang-tidy on the public headers (included by tests/CMakeLists.txt): test tidy.headers runs the
# checks of .clang-tidy on tests/tidy/instantiate.cpp, which instantiates the main templates with
# double. Warnings are errors, so a new warning in include/nusi fails the test. Needs clang-tidy
# (Debian 12: clang-tidy); without it the test is not added.
find_program(NUSI_CLANG_TIDY NAMES clang-tidy clang-tidy-14 DOC "clang-tidy for test tidy.headers")
if(NOT NUSI_CLANG_TIDY)
  message(STATUS "clang-tidy not found: test tidy.headers skipped (Debian 12: apt-get install clang-tidy)")
  return()
endif()
set(nusi_tidy_includes -I${PROJECT_SOURCE_DIR}/include)
get_target_property(nusi_boost_dirs Boost::headers INTERFACE_INCLUDE_DIRECTORIES)
foreach(dir ${nusi_boost_dirs})
  if(NOT dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)  # -isystem /usr/include would reorder it
    list(APPEND nusi_tidy_includes -isystem ${dir})
  endif()
endforeach()
add_test(NAME tidy.headers
         COMMAND ${NUSI_CLANG_TIDY} --quiet --config-file=${PROJECT_SOURCE_DIR}/.clang-tidy
                 ${PROJECT_SOURCE_DIR}/tests/tidy/instantiate.cpp -- -std=c++20 ${nusi_tidy_includes})
set_tests_properties(tidy.headers PROPERTIES LABELS tidy TIMEOUT 600)
