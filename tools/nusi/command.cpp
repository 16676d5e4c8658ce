// SPDX-License-Identifier: MIT
// The command framework of the nusi tool (command.hpp): flags with strict number parsing, the input
// registry behind --json provenance, --config and --write-config, and the error contract of main().
#include "command.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include <nusi/errors.hpp>

#include "output.hpp"

#ifndef NUSI_VERSION
#define NUSI_VERSION "unknown"
#endif
#ifndef NUSI_GIT_COMMIT
#define NUSI_GIT_COMMIT "unknown"
#endif

namespace nusi_tool {

std::string_view version() { return NUSI_VERSION; }
std::string_view git_commit() { return NUSI_GIT_COMMIT; }

std::vector<command_entry>& registry() {
  static std::vector<command_entry> commands;
  return commands;
}

namespace {

/// A number as the flag's text must be: the whole text a finite double, not rounded to 0 or infinity.
std::string check_number(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  const bool parsed = !text.empty() && end == text.c_str() + text.size();
  if (parsed && errno == ERANGE)
    return "got '" + text + "', outside the range of a double (magnitude 2.2e-308 to 1.8e308, or 0)";
  if (!parsed || !std::isfinite(value)) return "expects a finite number, got '" + text + "'";
  return {};
}

std::string check_integer(const std::string& text) {
  errno = 0;
  char* end = nullptr;
  (void)std::strtol(text.c_str(), &end, 10);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE) return "expects an integer, got '" + text + "'";
  return {};
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string with_unit(const std::string& help, const std::string& unit) { return unit.empty() ? help : help + " [" + unit + "]"; }

/// One line: CLI11 and library messages may hold newlines.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

/// A TOML value: numbers as the shortest round-trip text, strings quoted.
std::string toml_value(const json& v) {
  if (v.is_number_float()) return number_text(v.get<double>());
  return json_text(v);
}

}  // namespace

command::command(CLI::App& app, std::string path) : app_(&app), path_(std::move(path)) {
  app_->add_option("--config", config_file_, "read the inputs from FILE (TOML, as --write-config writes it); flags given on the command line win")
      ->type_name("FILE")
      ->configurable(false);
  app_->add_option("--write-config", write_config_file_, "after the run, write its inputs to FILE (TOML) to replay it with --config")
      ->type_name("FILE")
      ->configurable(false);
}

CLI::Option* command::add_input(const std::string& flag, CLI::Option* option, std::function<json()> value) {
  inputs_.push_back(input{flag.substr(2), option, std::move(value), {}});
  return option;
}

CLI::Option* command::number(const std::string& flag, double& target, const std::string& help, const std::string& unit) {
  // Converted by strtod, as checked (CLI11's own conversion goes through long double).
  auto* o = app_->add_option_function<std::string>(flag, [&target](const std::string& text) { target = std::strtod(text.c_str(), nullptr); },
                                                   with_unit(help, unit));
  o->check(CLI::Validator(check_number, "", "finite number"))->type_name("X")->default_str(number_text(target));
  return add_input(flag, o, [&target] { return json(target); });
}

CLI::Option* command::integer(const std::string& flag, long& target, const std::string& help) {
  auto* o = app_->add_option_function<std::string>(flag, [&target](const std::string& text) { target = std::strtol(text.c_str(), nullptr, 10); },
                                                   help);
  o->check(CLI::Validator(check_integer, "", "integer"))->type_name("N")->default_str(std::to_string(target));
  return add_input(flag, o, [&target] { return json(target); });
}

CLI::Option* command::choice(const std::string& flag, std::string& target, const std::string& help, std::vector<std::string> choices) {
  const std::string type = joined(choices, "|");
  auto check = [choices, type](const std::string& text) -> std::string {
    if (std::find(choices.begin(), choices.end(), text) != choices.end()) return {};
    return "expects one of " + type + ", got '" + text + "'";
  };
  auto* o = app_->add_option(flag, target, help);
  o->check(CLI::Validator(check, "", "choice"))->type_name(type)->default_str(target);
  return add_input(flag, o, [&target] { return json(target); });
}

CLI::Option* command::text(const std::string& flag, std::string& target, const std::string& help, const std::string& default_text) {
  auto* o = app_->add_option(flag, target, help);
  o->type_name("TEXT")->default_str(target.empty() ? default_text : target);
  return add_input(flag, o, [&target] { return json(target); });
}

CLI::Option* command::flag(const std::string& flag, bool& target, const std::string& help) {
  return add_input(flag, app_->add_flag(flag, target, help), [&target] { return json(target); });
}

void command::inactive_when(const std::string& flag, std::function<bool()> inactive) {
  for (auto& i : inputs_) {
    if ("--" + i.name != flag) continue;
    if (i.inactive)  // a second condition (another flag group's): inactive when either holds
      i.inactive = [first = std::move(i.inactive), second = inactive] { return first() || second(); };
    else
      i.inactive = std::move(inactive);
  }
}

void command::output_formats(const std::string& json_help, const std::string& csv_help) {
  app_->add_flag("--json", json_, json_help + " (with the provenance: version, commit, command, every input)")->configurable(false);
  app_->add_flag("--csv", csv_, csv_help)->configurable(false);
}

CLI::Option* command::setting(const std::string& flag, std::string& target, const std::string& help) {
  return app_->add_option(flag, target, help)->type_name("TEXT")->default_str(target)->configurable(false);
}

CLI::Option* command::setting(const std::string& flag, bool& target, const std::string& help) {
  return app_->add_flag(flag, target, help)->configurable(false);
}

void command::threads_setting(long& target, const std::string& help) {
  app_->add_option_function<std::string>("--threads", [&target](const std::string& text) { target = std::strtol(text.c_str(), nullptr, 10); },
                                         help)
      ->check(CLI::Validator(check_integer, "", "integer"))
      ->type_name("N")
      ->default_str(std::to_string(target))
      ->configurable(false);
}

void command::quiet_setting(bool& target) {
  setting("--quiet", target, "no progress on stderr (also quiet when stderr is not a terminal)");
}

bool command::was_set(const std::string& flag) const {
  const CLI::Option* o = app_->get_option_no_throw(flag);
  return o != nullptr && o->count() > 0;
}

output_format command::format() const {
  if (json_ && csv_) throw usage_error("give --json or --csv, not both");
  return json_ ? output_format::json : csv_ ? output_format::csv : output_format::table;
}

json command::inputs() const {
  json out = json::object();
  for (const auto& i : inputs_)
    if (!i.inactive || !i.inactive()) out[i.name] = i.value();
  return out;
}

json command::provenance() const {
  json out{{"nusi_version", version()}, {"git_commit", git_commit()}, {"command", path_}, {"inputs", inputs()}};
  out.update(recorded_);
  return out;
}

std::string command::config_text() const {
  std::string out = fmt::format("# nusi {} (commit {}): the inputs of `nusi {}`; replay with `nusi {} --config FILE`.\n",
                                version(), git_commit(), path_, path_);
  out += "# " + one_line(app_->get_description()) + "\n";
  for (const auto& i : inputs_) {
    if (i.inactive && i.inactive()) continue;
    out += "\n# " + one_line(i.option->get_description()) + "\n" + i.name + " = " + toml_value(i.value()) + "\n";
  }
  return out;
}

const command::input* command::find_input(const std::string& name) const {
  for (const auto& i : inputs_)
    if (i.name == name) return &i;
  return nullptr;
}

void command::read_config() const {
  if (config_file_.empty()) return;
  std::ifstream file(config_file_);
  if (!file) throw usage_error("--config: cannot read '" + config_file_ + "'");
  const std::vector<CLI::ConfigItem> items = CLI::ConfigTOML().from_config(file);
  for (const auto& item : items) {
    const std::string where = "--config " + config_file_ + ": ";
    if (!item.parents.empty()) throw usage_error(where + "sections are not used (found '" + item.fullname() + "')");
    const input* i = find_input(item.name);
    if (i == nullptr) throw usage_error(where + "'" + item.name + "' is not an input of nusi " + path_ + " (see its --help)");
    if (item.inputs.size() != 1) throw usage_error(where + "'" + item.name + "' takes one value");
    if (i->option->count() > 0) continue;  // the command line wins
    i->option->add_result(item.inputs.front());
    i->option->run_callback();  // validates and sets the value; throws CLI::ValidationError
  }
}

void command::print_json(const json& o) const {
  json out{{"provenance", provenance()}};
  out.update(o);
  std::cout << json_text(out, 2) << "\n";
}

bool command::print_structured(const json& o) const {
  const output_format f = format();
  if (f == output_format::json) print_json(o);
  if (f == output_format::csv) std::cout << csv_table({o});
  return f != output_format::table;
}

void command::print_rows(const std::vector<json>& rows, const std::string& title) const {
  const output_format f = format();
  if (f == output_format::json)
    print_json(json{{"rows", rows}});
  else if (f == output_format::csv)
    std::cout << csv_table(rows);
  else
    std::cout << "# " << title << "\n" << aligned_table(rows);
}

void command::write_config() const {
  if (write_config_file_.empty()) return;
  std::ofstream file(write_config_file_);
  file << config_text();
  file.close();
  if (!file) throw usage_error("--write-config: cannot write '" + write_config_file_ + "'");
}

int command::execute() {
  read_config();
  const int code = run_(*this);
  if (code == 0) write_config();
  return code;
}

tool::tool()
    : app_(fmt::format("nusi {}: secret neutrino interactions of supernova neutrinos (Shalgar, Tamborra, Bustamante,\n"
                       "PRD 103, 123008 (2021)). `nusi COMMAND --help` lists a command's inputs with their defaults.",
                       version()),
           "nusi") {
  app_.set_version_flag("--version", fmt::format("nusi {} (commit {})", version(), git_commit()));
  app_.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  std::vector<command_entry> entries = registry();
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  for (const auto& entry : entries) {
    // "bound propagation": the subcommand "propagation" of the group "bound".
    std::istringstream words(entry.path);
    std::vector<std::string> path{std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
    CLI::App* parent = &app_;
    for (std::size_t k = 0; k + 1 < path.size(); ++k) {
      CLI::App* group = nullptr;
      for (CLI::App* sub : parent->get_subcommands({}))
        if (sub->get_name() == path[k]) group = sub;
      parent = group != nullptr ? group : parent->add_subcommand(path[k]);
    }
    CLI::App* sub = nullptr;
    for (CLI::App* existing : parent->get_subcommands({}))
      if (existing->get_name() == path.back()) sub = existing;
    if (sub == nullptr) sub = parent->add_subcommand(path.back(), entry.summary);
    sub->description(entry.summary);
    if (!entry.setup) continue;  // a group
    commands_.push_back(std::make_unique<command>(*sub, entry.path));
    entry.setup(*commands_.back());
  }
}

command* tool::parse(const std::vector<std::string>& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
  app_.parse(reversed);
  const CLI::App* chosen = &app_;
  while (!chosen->get_subcommands().empty()) chosen = chosen->get_subcommands().front();
  if (chosen == &app_) return nullptr;
  for (const auto& c : commands_)
    if (&c->app() == chosen) return c.get();
  std::vector<std::string> names;
  for (const CLI::App* sub : chosen->get_subcommands({})) names.push_back(sub->get_name());
  throw usage_error("'" + chosen->get_name() + "' needs a subcommand: " + joined(names, ", ") + " (see nusi " +
                    chosen->get_name() + " --help)");
}

int tool::main(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cout << app_.help();
    return 2;
  }
  // The name in messages: "nusi bound propagation", as far as the parse got.
  const auto who = [this] {
    std::string name = "nusi";
    for (const CLI::App* a = &app_; !a->get_subcommands().empty();) {
      a = a->get_subcommands().front();
      name += " " + a->get_name();
    }
    return name;
  };
  try {
    command* c = parse(args);
    if (c == nullptr) {
      std::cerr << "nusi: name a command (see nusi --help)\n";
      return 2;
    }
    return c->execute();
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app_.exit(e);  // --help, --version: to stdout
    const std::string name = who();
    std::string what = one_line(e.what());
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      // An unknown command or flag: say which, and where the list is.
      if (name == "nusi" && args.front().rfind('-', 0) != 0) what = "unknown command '" + args.front() + "'";
      what += " (see " + name + " --help)";
    }
    std::cerr << name << ": " << what << "\n";
    return 2;
  } catch (...) {
    const failure f = describe_failure(std::current_exception());
    std::cerr << who() << ": " << f.message << "\n";
    return f.exit_code;
  }
}

failure describe_failure(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const CLI::ParseError& x) {
    return {2, one_line(x.what())};
  } catch (const usage_error& x) {
    return {2, one_line(x.what())};
  } catch (const nusi::invalid_argument& x) {
    return {2, one_line(x.what())};
  } catch (const nusi::numerical_error& x) {
    return {1, "numerical failure: " + one_line(x.what())};
  } catch (const std::exception& x) {
    return {1, one_line(x.what())};
  } catch (...) {
    return {1, "unknown failure"};
  }
}

std::string number_text(double x) {
  std::string shortest = fmt::format("{}", x);  // "1500000", "1e-08", "100000000000000"
  if (!std::isfinite(x)) return shortest;
  for (int digits = 1; digits <= 17; ++digits) {  // "%g" is shorter for 1e+14
    std::string text = fmt::format("{:.{}g}", x, digits);
    if (std::strtod(text.c_str(), nullptr) == x) return text.size() < shortest.size() ? text : shortest;
  }
  return shortest;
}

std::string csv_cell(const json& v) {
  if (v.is_null()) return "";
  if (v.is_number_float()) {
    const double x = v.get<double>();
    return std::isfinite(x) ? number_text(x) : "";
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return s.find_first_of(",\"") == std::string::npos ? s : json_text(v);
  }
  return json_text(v);  // integers, booleans
}

std::string csv_table(const std::vector<json>& rows) {
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<std::string> header, cells;
    for (const auto& [key, value] : rows[r].items()) {
      if (value.is_array() || value.is_object()) continue;
      header.push_back(key);
      cells.push_back(csv_cell(value));
    }
    if (r == 0) out += joined(header, ",") + "\n";
    out += joined(cells, ",") + "\n";
  }
  return out;
}

std::string aligned_table(const std::vector<json>& rows) {
  if (rows.empty()) return "";
  std::vector<std::vector<std::string>> cells(1);
  std::vector<bool> numeric;
  for (const auto& [key, value] : rows.front().items())
    if (!value.is_array() && !value.is_object()) {
      cells[0].push_back(key);
      numeric.push_back(true);
    }
  for (const auto& row : rows) {
    auto& line = cells.emplace_back();
    for (const auto& [key, value] : row.items()) {
      if (value.is_array() || value.is_object()) continue;
      const std::size_t c = line.size();
      if (value.is_number()) {
        line.push_back(std::isfinite(value.get<double>()) ? short_text(value.get<double>()) : "-");
      } else if (value.is_null()) {
        line.push_back("-");
      } else {
        line.push_back(value.is_string() ? value.get<std::string>() : json_text(value));
        numeric[c] = false;
      }
    }
  }
  std::vector<std::size_t> width(numeric.size(), 0);
  for (const auto& line : cells)
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  std::string out;
  for (const auto& line : cells) {
    for (std::size_t c = 0; c < line.size(); ++c)
      out += (c ? "  " : "") + (numeric[c] ? fmt::format("{:>{}}", line[c], width[c]) : fmt::format("{:<{}}", line[c], width[c]));
    out += "\n";
  }
  return out;
}

}  // namespace nusi_tool
