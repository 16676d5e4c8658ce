// SPDX-License-Identifier: MIT
// The files the nusi tool reads beside its own inputs: the SN 1987A event table and the plot scripts.
// An installed nusi finds them in <prefix>/share/nusi/ from its own path; one run from its build tree,
// in the source tree. Not part of the library.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nusi_tool {

/// The data file `relative` ("sn1987a/sn1987a_events.csv", "plot/fig1.py"): <bin>/../share/nusi/
/// beside the executable, or the source tree for a nusi in its build tree. Throws usage_error naming
/// every path tried when none exists.
std::filesystem::path data_file(const std::string& relative);

/// The Python that has matplotlib: $NUSI_PYTHON, else Debian's /usr/bin/python3 (python3-matplotlib)
/// before any other python3 on PATH (a pyenv or virtualenv interpreter usually lacks it).
std::string plot_python();

/// Runs `python3 -B <plot script> <args...>` (-B: no __pycache__ beside the script); true on success.
/// Throws usage_error if the script is missing.
bool run_plot_script(const std::string& script, const std::vector<std::string>& args);

}  // namespace nusi_tool
