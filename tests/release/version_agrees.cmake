# SPDX-License-Identifier: MIT
# The version is written once, in project(VERSION). Checks that every place that reports it agrees:
# CITATION.cff, the CMake package version file, `nusi --version` (when the tool is built) and the
# Python module's __version__ (when it is built), and that CHANGELOG.md's newest released section is
# this version. Arguments: VERSION, CFF, PACKAGE_VERSION_FILE, CHANGELOG, optional TOOL, optional PYTHON
# and PYTHONPATH.
cmake_policy(SET CMP0012 NEW)  # the package version file tests if(TRUE)
function(expect_equal what got)
  if(NOT "${got}" STREQUAL "${VERSION}")
    message(FATAL_ERROR "${what} reports version '${got}', project(VERSION) is '${VERSION}'")
  endif()
endfunction()

file(STRINGS ${CFF} cff_version REGEX "^version:")
list(LENGTH cff_version n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "${CFF}: expected exactly one top-level 'version:' line, found ${n}")
endif()
string(REGEX REPLACE "^version:[ \t]*\"?([^\" \t#]+)\"?.*$" "\\1" cff_version "${cff_version}")
expect_equal("CITATION.cff" "${cff_version}")

# The first "## [X.Y.Z] - date" heading (sections above it are [Unreleased]).
file(STRINGS ${CHANGELOG} released REGEX "^## \\[[0-9]+\\.[0-9]+\\.[0-9]+\\]")
if(NOT released)
  message(FATAL_ERROR "${CHANGELOG}: no released section '## [X.Y.Z] - date'")
endif()
list(GET released 0 newest)
string(REGEX REPLACE "^## \\[([^]]+)\\].*$" "\\1" newest "${newest}")
expect_equal("CHANGELOG.md's newest release" "${newest}")

include(${PACKAGE_VERSION_FILE})  # sets PACKAGE_VERSION
expect_equal("${PACKAGE_VERSION_FILE}" "${PACKAGE_VERSION}")

if(TOOL)
  execute_process(COMMAND ${TOOL} --version RESULT_VARIABLE code OUTPUT_VARIABLE out)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "nusi --version exited with ${code}")
  endif()
  string(STRIP "${out}" out)
  string(REGEX REPLACE "^nusi[ \t]+([^ \t]+).*$" "\\1" tool_version "${out}")  # "nusi X.Y.Z (commit ...)"
  expect_equal("nusi --version" "${tool_version}")
endif()

if(PYTHON)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env "PYTHONPATH=${PYTHONPATH}" ${PYTHON} -c "import nusi; print(nusi.__version__)"
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "import nusi failed (${code}): ${err}")
  endif()
  string(STRIP "${out}" py_version)
  expect_equal("nusi.__version__ (Python)" "${py_version}")
endif()
message(STATUS "every reported version is ${VERSION}")
