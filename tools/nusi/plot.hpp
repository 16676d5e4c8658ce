// SPDX-License-Identifier: MIT
// Turning CSV written by the examples and the tool into PNG: runs a matplotlib script from
// examples/plot/ (Debian's python3-matplotlib). Not part of the library API.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#ifndef NUSI_PLOT_DIR
#define NUSI_PLOT_DIR "examples/plot"
#endif

namespace nusi::cli {

/// Quotes one argument for /bin/sh.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

/// The Python that has matplotlib: Debian's /usr/bin/python3 (python3-matplotlib) before any other
/// python3 on PATH (a pyenv or virtualenv interpreter usually lacks it); NUSI_PYTHON overrides.
inline std::string plot_python() {
  if (const char* env = std::getenv("NUSI_PYTHON"); env && *env) return env;
  if (std::filesystem::exists("/usr/bin/python3")) return "/usr/bin/python3";
  return "python3";
}

/// Runs `python3 -B NUSI_PLOT_DIR/<script> <args...>` (-B: no __pycache__ in the source tree); returns
/// true on success.
inline bool run_plot_script(const std::string& script, const std::vector<std::string>& args) {
  std::string command = shell_quote(plot_python());
  command += " -B ";
  command += shell_quote(std::string(NUSI_PLOT_DIR) + "/" + script);
  for (const auto& a : args) {
    command += ' ';
    command += shell_quote(a);
  }
  return std::system(command.c_str()) == 0;
}

}  // namespace nusi::cli
