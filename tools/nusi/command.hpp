// SPDX-License-Identifier: MIT
// The nusi tool's commands: CLI11 subcommands whose flags are either inputs (the physics and numerics,
// recorded in the provenance of --json and written by --write-config) or settings (output format,
// threads, progress, output paths). Every command also reads --config FILE. Not part of the library.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace nusi_tool {

using json = nlohmann::ordered_json;

/// JSON text of v (indent < 0: one line). Strings that are not UTF-8 (a file name is bytes on Linux) are
/// written with U+FFFD in place of the bad bytes instead of throwing.
inline std::string json_text(const json& v, int indent = -1) {
  return v.dump(indent, ' ', false, json::error_handler_t::replace);
}

/// Bad command-line input found after parsing (a flag combination, a value out of range). Exit code 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// nusi's version and the git commit it was built from ("unknown" outside a git checkout).
std::string_view version();
std::string_view git_commit();

/// What every command prints: an aligned table to read (default), --json or --csv.
enum class output_format { table, json, csv };

/// One subcommand ("core", "bound propagation"): declares its flags on the CLI11 app and reports them.
class command {
 public:
  command(CLI::App& app, std::string path);
  command(const command&) = delete;
  command& operator=(const command&) = delete;

  /// Inputs: each flag is bound to target, whose value on entry is the default shown in --help.
  /// A number must be a finite double; unit (if any) is appended to the help text.
  CLI::Option* number(const std::string& flag, double& target, const std::string& help, const std::string& unit = "");
  CLI::Option* integer(const std::string& flag, long& target, const std::string& help);
  CLI::Option* choice(const std::string& flag, std::string& target, const std::string& help, std::vector<std::string> choices);
  /// Free text (a file name, a list); an empty default is shown as default_text.
  CLI::Option* text(const std::string& flag, std::string& target, const std::string& help, const std::string& default_text = "");
  CLI::Option* flag(const std::string& flag, bool& target, const std::string& help);
  /// Leaves the input out of the provenance and --write-config while inactive() holds (the branch of
  /// an alternative not taken, such as the power-law flags when a profile table is given). A second call
  /// for the same flag adds a condition: the input is inactive when either holds.
  void inactive_when(const std::string& flag, std::function<bool()> inactive);

  /// Settings: how to print or run, not what to compute (not inputs).
  void output_formats(const std::string& json_help, const std::string& csv_help);
  CLI::Option* setting(const std::string& flag, std::string& target, const std::string& help);
  CLI::Option* setting(const std::string& flag, bool& target, const std::string& help);
  /// --threads (0: all cores; the results do not depend on it).
  void threads_setting(long& target, const std::string& help);
  /// --quiet: no progress on stderr.
  void quiet_setting(bool& target);

  /// What the command computes, at more length than its summary (shown below the flags in --help).
  void details(const std::string& text) { app_->footer(text); }

  /// What runs after a successful parse; returns the exit code.
  void on_run(std::function<int(const command&)> run) { run_ = std::move(run); }

  const std::string& path() const { return path_; }
  CLI::App& app() const { return *app_; }
  /// Whether the flag was given (on the command line or in --config).
  bool was_set(const std::string& flag) const;
  /// --json, --csv or neither; throws usage_error for both.
  output_format format() const;
  /// Every active input by flag name (without "--"), with its value now: the defaults included.
  json inputs() const;
  /// {"nusi_version", "git_commit", "command", "inputs"}: what reproduces the result.
  json provenance() const;
  /// Adds key: value to provenance() (what the inputs do not show, such as an input file's checksum).
  void record_provenance(const std::string& key, json value) const { recorded_[key] = std::move(value); }
  /// The inputs as a TOML file for --config (each with its help as a comment).
  std::string config_text() const;

  /// Result output. print_structured prints o (with "provenance" first) as JSON, or its scalar
  /// members as CSV (header line and one row), and returns true; returns false for the table format.
  bool print_structured(const json& o) const;
  /// o as JSON with "provenance" first (for results with arrays, printed whatever the format).
  void print_json(const json& o) const;
  /// Rows with the same keys: JSON {"provenance", "rows": [...]}, CSV, or an aligned table under "# title".
  void print_rows(const std::vector<json>& rows, const std::string& title) const;

  /// Reads --config FILE if given: each input not on the command line takes the file's value. Throws
  /// usage_error (unreadable file, unknown key) or CLI::ValidationError (a bad value).
  void read_config() const;
  /// Writes the inputs to --write-config FILE if given; throws usage_error if it cannot.
  void write_config() const;
  /// For main(): read_config(), the run, then write_config() after a success. Returns the exit code.
  int execute();
  bool runnable() const { return static_cast<bool>(run_); }

 private:
  struct input {
    std::string name;  // without "--"
    CLI::Option* option;
    std::function<json()> value;
    std::function<bool()> inactive;
  };
  CLI::Option* add_input(const std::string& flag, CLI::Option* option, std::function<json()> value);
  const input* find_input(const std::string& name) const;

  CLI::App* app_;
  std::string path_;
  std::vector<input> inputs_;
  bool json_ = false, csv_ = false;
  std::string config_file_, write_config_file_;
  std::function<int(const command&)> run_;
  mutable json recorded_ = json::object();
};

/// A registered subcommand, or a group of them ("bound") when setup is empty.
struct command_entry {
  std::string path;
  std::string summary;
  std::function<void(command&)> setup;
};

/// Every subcommand, filled by the registrars of the cmd_*.cpp files.
std::vector<command_entry>& registry();

/// Registers Command under path ("core", or "bound propagation" inside the group "bound"). Command is
/// default-constructible (its members hold the flag values) and has `void declare(command&)` and
/// `int run(const command&) const` (or non-const).
template <class Command>
struct registrar {
  registrar(std::string path, std::string summary) {
    registry().push_back({std::move(path), std::move(summary), [](command& c) {
                            auto state = std::make_shared<Command>();
                            state->declare(c);
                            c.on_run([state](const command& self) { return state->run(self); });
                          }});
  }
};

/// Registers a group of subcommands ("bound") with its summary.
struct group_registrar {
  group_registrar(std::string path, std::string summary) {
    registry().push_back({std::move(path), std::move(summary), {}});
  }
};

/// What a failed run reports: its exit code (2 for bad input: CLI11's errors, usage_error,
/// nusi::invalid_argument; 1 for a numerical failure or anything else) and one line of message.
struct failure {
  int exit_code;
  std::string message;
};
/// The failure of the exception e (one line).
failure describe_failure(std::exception_ptr e);

/// The whole command line: every registered command under one CLI11 app.
class tool {
 public:
  tool();
  /// Parses args (without the program name); returns the chosen command, or nullptr when none was
  /// named. Throws CLI::ParseError (including --help and --version) or usage_error.
  command* parse(const std::vector<std::string>& args);
  /// main(): parses, runs the command and turns every error into one line on stderr. Exit code 2 for
  /// bad input, 1 for a numerical failure, 0 for success, --help and --version.
  int main(const std::vector<std::string>& args);
  CLI::App& app() { return app_; }
  /// Every command (for the fuzz target's checks).
  const std::vector<std::unique_ptr<command>>& commands() const { return commands_; }

 private:
  CLI::App app_;
  std::vector<std::unique_ptr<command>> commands_;
};

}  // namespace nusi_tool
