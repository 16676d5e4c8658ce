// SPDX-License-Identifier: MIT
// Where the nusi tool's data files are (data_files.hpp). The build defines NUSI_TOOL_SHARE_FROM_BIN
// (the install's share/nusi relative to its bin), NUSI_TOOL_BUILD_BIN_DIR and the source folders.
#include "data_files.hpp"

#include <cstdlib>
#include <system_error>

#include "command.hpp"

namespace nusi_tool {

namespace {
/// /bin/sh quoting of one argument.
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::filesystem::path> data_roots() {
  namespace fs = std::filesystem;
  std::vector<fs::path> roots;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return roots;
#ifdef NUSI_TOOL_SHARE_FROM_BIN
  roots.push_back((exe.parent_path() / NUSI_TOOL_SHARE_FROM_BIN).lexically_normal());
#endif
#if defined(NUSI_TOOL_BUILD_BIN_DIR) && defined(NUSI_TOOL_SOURCE_DIR) && defined(NUSI_TOOL_SOURCE_DATA_DIR)
  // Only the executable of the build tree reads the source tree: an installed one never depends on it.
  if (fs::equivalent(exe.parent_path(), NUSI_TOOL_BUILD_BIN_DIR, ec)) {
    roots.emplace_back(NUSI_TOOL_SOURCE_DATA_DIR);
    roots.emplace_back(NUSI_TOOL_SOURCE_DIR);
  }
#endif
  return roots;
}
}  // namespace

std::filesystem::path data_file(const std::string& relative) {
  std::string tried;
  for (const auto& root : data_roots()) {
    const auto path = root / relative;
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) return path;
    tried += (tried.empty() ? "" : ", ") + path.string();
  }
  throw usage_error("cannot find the data file " + relative + " (tried: " + (tried.empty() ? "no location known" : tried) +
                    "); install nusi with cmake --install, or run it from its build tree");
}

std::string plot_python() {
  if (const char* env = std::getenv("NUSI_PYTHON"); env && *env) return env;
  if (std::filesystem::exists("/usr/bin/python3")) return "/usr/bin/python3";
  return "python3";
}

bool run_plot_script(const std::string& script, const std::vector<std::string>& args) {
  std::string command = shell_quote(plot_python()) + " -B " + shell_quote(data_file("plot/" + script).string());
  for (const auto& a : args) command += ' ' + shell_quote(a);
  return std::system(command.c_str()) == 0;
}

}  // namespace nusi_tool
