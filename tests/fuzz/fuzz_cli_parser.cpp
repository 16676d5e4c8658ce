// SPDX-License-Identifier: MIT
// Fuzz target: the tool's command line (tools/nusi/command.hpp), every registered command under CLI11,
// on an argument vector made from the input bytes, one argument per line. The parse either succeeds,
// with a command whose number inputs are all finite and whose --help names every input, or throws
// CLI::ParseError (also for --help, --version) or nusi_tool::usage_error with a message. Anything else
// (another exception, a crash, a sanitizer report) is a finding. Nothing runs: no physics, no files.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "command.hpp"

namespace {
void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_cli_parser: %s\n", what);
  std::abort();
}

std::vector<std::string> split_lines(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n')
      args.emplace_back();
    else
      args.back() += static_cast<char>(data[i]);
  }
  if (args.back().empty()) args.pop_back();
  return args;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> args = split_lines(data, size);
  nusi_tool::tool tool;  // a fresh command line per input, as each run of nusi has
  try {
    const nusi_tool::command* c = tool.parse(args);
    if (c == nullptr) return 0;
    const std::string help = c->app().help();
    const nusi_tool::json inputs = c->inputs();
    for (const auto& [name, value] : inputs.items()) {
      require(!value.is_number_float() || std::isfinite(value.get<double>()), "a parsed number input is not finite");
      require(help.find("--" + name) != std::string::npos, "--help lacks an input");
    }
    require(!c->config_text().empty(), "empty --write-config text");
    (void)c->format();  // --json with --csv: usage_error
  } catch (const CLI::ParseError& e) {
    require(e.get_exit_code() == 0 || *e.what() != '\0', "empty CLI11 error message");
  } catch (const nusi_tool::usage_error& e) {
    require(*e.what() != '\0', "empty usage_error message");
  }
  return 0;
}
