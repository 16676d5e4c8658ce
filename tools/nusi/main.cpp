// SPDX-License-Identifier: MIT
// nusi: the command-line tool. Subcommands register themselves (cmd_*.cpp); this file dispatches,
// and turns every error into one line on stderr: exit 2 for bad input, 1 for a numerical failure.
#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/errors.hpp>

#include "cli.hpp"

#ifndef NUSI_VERSION
#define NUSI_VERSION "unknown"
#endif

namespace nusi::cli {
std::vector<command>& registry() {
  static std::vector<command> commands;
  return commands;
}
void parser::print_help() const { std::cout << help(); }
}  // namespace nusi::cli

namespace {
void print_usage(std::ostream& os) {
  auto commands = nusi::cli::registry();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  os << "nusi " << NUSI_VERSION
     << ": secret neutrino interactions of supernova neutrinos (Shalgar, Tamborra, Bustamante,\n"
        "PRD 103, 123008 (2021)).\n\nusage: nusi <command> [options]   (nusi <command> --help for its options)\n\n"
        "commands:\n";
  for (const auto& c : commands) {
    std::string left = "  " + c.name;
    os << left << std::string(left.size() < 24 ? 24 - left.size() : 1, ' ') << c.summary << "\n";
  }
  os << "  --version             print the version\n";
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(std::cout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "nusi " << NUSI_VERSION << "\n";
    return 0;
  }
  // Longest match first, so "bound propagation" wins over a plain "bound".
  const nusi::cli::command* chosen = nullptr;
  std::size_t words = 0;
  for (const auto& c : nusi::cli::registry()) {
    std::size_t n = static_cast<std::size_t>(std::count(c.name.begin(), c.name.end(), ' ')) + 1;
    if (n > args.size() || n <= words) continue;
    std::string joined = args[0];
    for (std::size_t i = 1; i < n; ++i) joined += " " + args[i];
    if (joined == c.name) {
      chosen = &c;
      words = n;
    }
  }
  if (!chosen) {
    // A command group ("bound") without its subcommand: name the subcommands.
    std::string subcommands;
    for (const auto& c : nusi::cli::registry())
      if (c.name.rfind(args[0] + " ", 0) == 0) subcommands += (subcommands.empty() ? "" : ", ") + c.name.substr(args[0].size() + 1);
    if (!subcommands.empty())
      std::cerr << "nusi: '" << args[0] << "' needs a subcommand: " << subcommands << " (see nusi --help)\n";
    else
      std::cerr << "nusi: unknown command '" << args[0] << "' (see nusi --help)\n";
    return 2;
  }
  const std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(words), args.end());
  try {
    return chosen->run(rest);
  } catch (const nusi::cli::usage_error& e) {
    std::cerr << "nusi " << chosen->name << ": " << e.what() << "\n";
    return 2;
  } catch (const nusi::invalid_argument& e) {
    std::cerr << "nusi " << chosen->name << ": " << e.what() << "\n";
    return 2;
  } catch (const nusi::numerical_error& e) {
    std::cerr << "nusi " << chosen->name << ": numerical failure: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "nusi " << chosen->name << ": " << e.what() << "\n";
    return 1;
  }
}
