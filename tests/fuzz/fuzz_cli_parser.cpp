// SPDX-License-Identifier: MIT
// Fuzz target: the tool's argument parser (tools/nusi/cli.hpp) on an argument vector made from
// the input bytes, one argument per line. The parser either accepts (bound values finite, --help
// text complete) or throws nusi::cli::usage_error with a message naming the command's help or a
// flag. Anything else (another exception, a crash, a sanitizer report) is a finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli.hpp"

// Defined by the tool's main.cpp, which is not linked here.
void nusi::cli::parser::print_help() const { (void)help(); }

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
  // A command shaped like the tool's: every kind of flag the parser offers.
  bool json = false;
  double energy_MeV = 10, mass_MeV = 1e-3;
  long points = 40;
  std::string mode = "scalar", out;
  nusi::cli::parser p("fuzz", "the parser under fuzzing");
  p.flag("--json", json, "print JSON");
  p.option("--energy-MeV", energy_MeV, "energy", "MeV");
  p.option("--mass-MeV", mass_MeV, "mediator mass", "MeV");
  p.option("--points", points, "number of points");
  p.option("--kind", mode, "mediator kind", {"scalar", "vector"});
  p.option("--out", out, "output directory");
  try {
    if (p.parse(args)) {
      require(std::isfinite(energy_MeV) && std::isfinite(mass_MeV), "a parsed number is not finite");
      require(mode == "scalar" || mode == "vector", "a value outside the choices was accepted");
      require(p.was_set("--json") == json, "--json set without being recorded");
    }
  } catch (const nusi::cli::usage_error& e) {
    require(*e.what() != '\0', "empty usage_error message");
  }
  const std::string help = p.help();
  for (const char* name : {"--json", "--energy-MeV", "--mass-MeV", "--points", "--kind", "--out", "--help"})
    require(help.find(name) != std::string::npos, "--help text lacks a flag");
  return 0;
}
