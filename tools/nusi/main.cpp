// SPDX-License-Identifier: MIT
// nusi: the command-line tool. Subcommands register themselves (cmd_*.cpp); tool::main parses with
// CLI11, runs the command and turns every error into one line on stderr (command.cpp).
#include <string>
#include <vector>

#include "command.hpp"

int main(int argc, char** argv) {
  nusi_tool::tool tool;
  return tool.main(std::vector<std::string>(argv + 1, argv + argc));
}
