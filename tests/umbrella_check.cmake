# SPDX-License-Identifier: MIT
# Test headers.umbrella_complete: nusi.hpp must reach every public header, i.e. every header under
# include/nusi except detail/ (not API) and scan_mpi.hpp (needs MPI). The compiler lists the headers
# nusi.hpp includes (-MM -MG: dependencies outside the system directories, without needing Boost or MPI).
# Usage: cmake -DCXX=<c++ compiler> -DINCLUDE_DIR=<project>/include -P umbrella_check.cmake
cmake_minimum_required(VERSION 3.21)
execute_process(COMMAND ${CXX} -std=c++20 -MM -MG -I${INCLUDE_DIR} ${INCLUDE_DIR}/nusi/nusi.hpp
                OUTPUT_VARIABLE deps ERROR_VARIABLE errors RESULT_VARIABLE code)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "listing the includes of nusi.hpp failed (${code}): ${errors}")
endif()
# "nusi.o: a.hpp b.hpp \\\n c.hpp ...": one path per token, normalised (detail/../errors.hpp).
string(REPLACE "\\\n" " " deps "${deps}")
separate_arguments(deps UNIX_COMMAND "${deps}")
set(included "")
foreach(dep ${deps})
  get_filename_component(dep ${dep} ABSOLUTE BASE_DIR ${INCLUDE_DIR}/..)
  list(APPEND included ${dep})
endforeach()
file(GLOB_RECURSE headers RELATIVE ${INCLUDE_DIR}/nusi ${INCLUDE_DIR}/nusi/*.hpp)
set(missing "")
foreach(rel ${headers})
  if(rel MATCHES "^detail/" OR rel STREQUAL "scan_mpi.hpp" OR rel STREQUAL "nusi.hpp")
    continue()
  endif()
  get_filename_component(path ${INCLUDE_DIR}/nusi/${rel} ABSOLUTE)
  if(NOT path IN_LIST included)
    list(APPEND missing ${rel})
  endif()
endforeach()
if(missing)
  message(FATAL_ERROR "nusi.hpp does not include: ${missing}")
endif()
message(STATUS "nusi.hpp includes every public header")
