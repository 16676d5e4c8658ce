# SPDX-License-Identifier: MIT
# Fuzzing (included by tests/CMakeLists.txt). Two uses of tests/fuzz/fuzz_<name>.cpp:
# - test fuzz.replay.<name>: the target built with this build's compiler and flags (so also under
#   NUSI_SANITIZE) and fed every input of the committed corpus tests/fuzz/corpus/<name>/ once;
# - target nusi_fuzz: configures tests/fuzz/ with clang++ in <build>/fuzz and runs each fuzzer with
#   libFuzzer for NUSI_FUZZ_SECONDS (bash cmake/quickstart.sh test builds it).
set(NUSI_FUZZ_SECONDS 20 CACHE STRING "Seconds each fuzzer runs in target nusi_fuzz")
set(nusi_fuzz_dir ${PROJECT_SOURCE_DIR}/tests/fuzz)

file(GLOB nusi_fuzz_sources CONFIGURE_DEPENDS ${nusi_fuzz_dir}/fuzz_*.cpp)
foreach(source ${nusi_fuzz_sources})
  get_filename_component(target ${source} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" name ${target})
  if(name STREQUAL "cli_parser" AND NOT TARGET nusi_tool_commands)
    continue()  # the tool's command line: built with the tool (NUSI_BUILD_TOOLS)
  endif()
  add_executable(${target}_replay ${source} ${nusi_fuzz_dir}/replay_main.cpp)
  target_link_libraries(${target}_replay PRIVATE nusi::nusi nusi_warnings)
  if(name STREQUAL "cli_parser")
    target_link_libraries(${target}_replay PRIVATE nusi_tool_framework nusi_tool_commands)
  endif()
  add_test(NAME fuzz.replay.${name} COMMAND ${target}_replay ${nusi_fuzz_dir}/corpus/${name})
endforeach()

find_program(NUSI_FUZZ_CXX NAMES clang++ clang++-14 DOC "clang++ with libFuzzer, for target nusi_fuzz")
if(NUSI_FUZZ_CXX)
  cmake_host_system_information(RESULT nusi_fuzz_jobs QUERY NUMBER_OF_LOGICAL_CORES)
  set(nusi_fuzz_build ${PROJECT_BINARY_DIR}/fuzz)
  add_custom_target(nusi_fuzz
    COMMAND ${CMAKE_COMMAND} -S ${nusi_fuzz_dir} -B ${nusi_fuzz_build} -DCMAKE_CXX_COMPILER=${NUSI_FUZZ_CXX}
            -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNUSI_FUZZ_SECONDS=${NUSI_FUZZ_SECONDS} -DNUSI_SOURCE_DIR=${PROJECT_SOURCE_DIR}
            -DNUSI_UNITY_BUILD=${NUSI_UNITY_BUILD}
    COMMAND ${CMAKE_COMMAND} --build ${nusi_fuzz_build} --target fuzz_run --parallel ${nusi_fuzz_jobs}
    COMMENT "libFuzzer: each tests/fuzz target for ${NUSI_FUZZ_SECONDS} s" VERBATIM USES_TERMINAL)
else()
  add_custom_target(nusi_fuzz
    COMMAND ${CMAKE_COMMAND} -E echo "nusi_fuzz needs clang++ with libFuzzer (Debian 12: clang libclang-rt-14-dev)"
    COMMAND ${CMAKE_COMMAND} -E false VERBATIM)
endif()
