// SPDX-License-Identifier: MIT
// The nusi command-line tool's argument parser and subcommand registry (not part of the library API).
// Every flag shows its default in --help; bad input throws cli::usage_error, which main() turns into
// one line on stderr and exit code 2.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace nusi::cli {

/// A command-line mistake: unknown flag, missing or malformed value. Exit code 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A strictly parsed finite number; throws usage_error naming the flag and the text.
inline double parse_number(const std::string& flag, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  const bool parsed = !text.empty() && end == text.c_str() + text.size();
  if (parsed && errno == ERANGE)
    throw usage_error(flag + " got '" + text + "', outside the range of a double (magnitude 2.2e-308 to 1.8e308, or 0)");
  if (!parsed || !std::isfinite(value)) throw usage_error(flag + " expects a finite number, got '" + text + "'");
  return value;
}

inline long parse_integer(const std::string& flag, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE)
    throw usage_error(flag + " expects an integer, got '" + text + "'");
  return value;
}

/// Declarative flags bound to variables; the variable's initial value is the documented default.
class parser {
 public:
  parser(std::string command, std::string summary) : command_(std::move(command)), summary_(std::move(summary)) {}

  /// A boolean switch (--json).
  void flag(const std::string& name, bool& target, const std::string& help) {
    add(name, &target, help, "", {});
  }
  /// A number with a default.
  void option(const std::string& name, double& target, const std::string& help, const std::string& unit = "") {
    std::ostringstream d;
    d << target;
    add(name, &target, help, d.str() + (unit.empty() ? "" : " " + unit), {});
  }
  /// An integer with a default.
  void option(const std::string& name, long& target, const std::string& help) {
    add(name, &target, help, std::to_string(target), {});
  }
  /// A string, optionally restricted to a set of choices.
  void option(const std::string& name, std::string& target, const std::string& help,
              std::vector<std::string> choices = {}) {
    add(name, &target, help, target.empty() ? "none" : target, std::move(choices));
  }

  /// Parses args (without the program and command names). Returns false when --help was printed.
  bool parse(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      std::string arg = args[i];
      if (arg == "--help" || arg == "-h") {
        print_help();
        return false;
      }
      std::string value;
      bool has_inline_value = false;
      if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline_value = true;
      }
      auto it = entries_.find(arg);
      if (it == entries_.end())
        throw usage_error("unknown " + std::string(arg.rfind("-", 0) == 0 ? "flag" : "argument") + " '" + arg +
                          "' (see nusi " + command_ + " --help)");
      entry& e = it->second;
      if (std::holds_alternative<bool*>(e.target)) {
        if (has_inline_value) throw usage_error(arg + " takes no value");
        *std::get<bool*>(e.target) = true;
      } else {
        if (!has_inline_value) {
          if (i + 1 >= args.size()) throw usage_error(arg + " expects a value");
          value = args[++i];
        }
        if (auto* d = std::get_if<double*>(&e.target)) **d = parse_number(arg, value);
        else if (auto* l = std::get_if<long*>(&e.target)) **l = parse_integer(arg, value);
        else {
          if (!e.choices.empty()) {
            bool ok = false;
            for (const auto& c : e.choices) ok = ok || c == value;
            if (!ok) throw usage_error(arg + " expects one of " + join(e.choices) + ", got '" + value + "'");
          }
          *std::get<std::string*>(e.target) = value;
        }
      }
      e.set = true;
    }
    return true;
  }

  bool was_set(const std::string& name) const {
    auto it = entries_.find(name);
    return it != entries_.end() && it->second.set;
  }

  std::string help() const {
    std::ostringstream os;
    os << "usage: nusi " << command_ << " [options]\n" << summary_ << "\n\noptions:\n";
    for (const auto& name : order_) {
      const entry& e = entries_.at(name);
      std::string left = "  " + name;
      if (!std::holds_alternative<bool*>(e.target)) {
        left += ' ';
        left += e.choices.empty() ? std::string("X") : join(e.choices);
      }
      os << left;
      if (left.size() < 34) os << std::string(34 - left.size(), ' ');
      else os << "\n" << std::string(34, ' ');
      os << e.help;
      if (!e.default_text.empty()) os << " (default: " << e.default_text << ")";
      os << "\n";
    }
    os << "  --help                          this text\n";
    return os.str();
  }
  void print_help() const;

 private:
  struct entry {
    std::variant<bool*, double*, long*, std::string*> target;
    std::string help, default_text;
    std::vector<std::string> choices;
    bool set = false;
  };
  template <class T>
  void add(const std::string& name, T* target, const std::string& help, const std::string& default_text,
           std::vector<std::string> choices) {
    entries_[name] = entry{target, help, default_text, std::move(choices), false};
    order_.push_back(name);
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "|" : "") + v[i];
    return s;
  }
  std::string command_, summary_;
  std::map<std::string, entry> entries_;
  std::vector<std::string> order_;
};

/// A subcommand: its name ("core", or two words such as "bound propagation"), a one-line summary
/// and the function that runs it on the remaining arguments. Returns the process exit code.
struct command {
  std::string name;
  std::string summary;
  std::function<int(const std::vector<std::string>&)> run;
};

/// All subcommands, filled by static registrars in each cmd_*.cpp file.
std::vector<command>& registry();

struct registrar {
  registrar(std::string name, std::string summary, std::function<int(const std::vector<std::string>&)> run) {
    registry().push_back(command{std::move(name), std::move(summary), std::move(run)});
  }
};

}  // namespace nusi::cli
