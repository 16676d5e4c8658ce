// SPDX-License-Identifier: MIT
// Flags shared by `nusi scan` (threads) and `nusi_mpi_scan` (MPI ranks): the plan, the output file,
// the thread count, --resume and --quiet; the journal beside --out, and SIGINT/SIGTERM turned into a
// clean stop. Not part of the library.
#pragma once

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nusi/parallel.hpp>
#include <nusi/scan.hpp>
#include <nusi/scan_journal.hpp>

#include "command.hpp"

namespace nusi_tool {

struct scan_flags {
  std::string plan;
  bool default_plan = false;
  bool print_plan = false;
  bool resume = false;
  bool quiet = false;
  std::string out = "-";
  long threads = 0;

  explicit scan_flags(long default_threads) : threads(default_threads) {}

  void declare(command& c, const std::string& threads_help) {
    c.text("--plan", plan, "plan file (key = value lines and [supernova NAME] sections; see --print-plan)", "none");
    c.flag("--default-plan", default_plan, "use the built-in plan: 3 supernovae x 5 masses x (bound + 3 couplings)");
    c.setting("--print-plan", print_plan, "print the plan (the built-in one without --plan) in the plan-file format and exit");
    c.setting("--out", out,
              "output CSV file, '-' for standard output; a file is written whole at the end (renamed into place), "
              "the rows recorded meanwhile in the journal OUT.journal");
    c.setting("--resume", resume,
              "continue an interrupted run from its journal OUT.journal (needs --out FILE and the same plan); "
              "finished rows are not recomputed, and the table is the same as an uninterrupted run's");
    c.threads_setting(threads, threads_help);
    c.quiet_setting(quiet);
  }
  /// The plan the flags name; throws usage_error or nusi::invalid_argument.
  nusi::scan_plan<double> load() const {
    if (default_plan && !plan.empty()) throw usage_error("give exactly one of --plan FILE and --default-plan");
    if (!default_plan && plan.empty() && !print_plan) throw usage_error("give exactly one of --plan FILE and --default-plan");
    if (threads < 0 || static_cast<unsigned long>(threads) > nusi::max_threads)
      throw usage_error("--threads must be in [0, " + std::to_string(nusi::max_threads) + "], got " + std::to_string(threads));
    if (resume && out == "-") throw usage_error("--resume needs --out FILE (its journal is FILE.journal)");
    return plan.empty() ? nusi::default_scan_plan<double>() : nusi::read_scan_plan_file<double>(plan);
  }
  /// Writes the table to --out (a file, or standard output for '-').
  void write(const nusi::scan_plan<double>& p, const std::vector<nusi::scan_row<double>>& rows) const {
    if (out == "-") {
      nusi::write_scan_csv(std::cout, p, rows);
      return;
    }
    std::ofstream file(out);
    if (!file) throw usage_error("--out: cannot open '" + out + "' for writing");
    nusi::write_scan_csv(file, p, rows);
    file.close();
    if (!file) throw usage_error("--out: writing '" + out + "' failed");
  }

  /// The journal of --out FILE: FILE.journal.
  std::string journal_path() const { return out + ".journal"; }
  /// How to open the journal for this run: with --resume the existing one, or a new one when there is
  /// neither a journal nor a table (so that a batch script may always pass --resume); without
  /// --resume a new one, refusing to overwrite an interrupted run's. Throws usage_error.
  nusi::scan_journal_mode journal_mode() const {
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool exists = fs::symlink_status(journal_path(), ec).type() != fs::file_type::not_found;
    if (exists && !resume)
      throw usage_error("'" + journal_path() + "' exists, the journal of an interrupted run: add --resume to continue it, or delete it");
    if (!fs::is_directory(fs::absolute(out).parent_path(), ec)) throw usage_error("--out: cannot write '" + out + "': no such folder");
    if (fs::is_directory(out, ec)) throw usage_error("--out: '" + out + "' is a folder; name the table's file");
    if (resume && !exists && fs::symlink_status(out, ec).type() != fs::file_type::not_found)
      throw usage_error("--resume: '" + out + "' exists and there is no journal '" + journal_path() +
                        "', so that run finished: nothing to resume (run without --resume to compute it again)");
    return exists ? nusi::scan_journal_mode::resume : nusi::scan_journal_mode::create;
  }
  /// The line a run with --resume prints first (with its line end), or "" without --resume.
  std::string resume_note(const std::string& program, const nusi::scan_journal& journal, nusi::scan_journal_mode mode) const {
    if (!resume) return "";
    if (mode == nusi::scan_journal_mode::create) return program + ": no journal '" + journal_path() + "' yet: starting from the first row\n";
    return program + ": resuming '" + journal_path() + "': " + std::to_string(journal.completed()) + " of " + std::to_string(journal.jobs()) +
           " rows done" + (journal.dropped_bytes() > 0 ? " (a torn last record dropped)" : "") + "\n";
  }
  /// The command that resumes this run: `program` followed by the plan, --out, --threads and --resume.
  std::string resume_command(const std::string& program, bool with_threads) const {
    std::string cmd = program + (plan.empty() ? std::string(" --default-plan") : " --plan " + shell_quoted(plan));
    cmd += " --out " + shell_quoted(out);
    if (with_threads) cmd += " --threads " + std::to_string(threads);
    return cmd + " --resume";
  }
  /// `text` as one word for a POSIX shell (single quotes unless it is plainly safe).
  static std::string shell_quoted(const std::string& text) {
    if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./:,@%") == std::string::npos)
      return text;
    std::string q = "'";
    for (char ch : text) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return q + "'";
  }
};

namespace signal_state {
// Constant-initialised globals: the handler touches nothing that needs a guard or a lock.
inline std::atomic<bool> requested{false};
inline volatile std::sig_atomic_t received = 0;
}  // namespace signal_state
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler stores to std::atomic<bool>");

/// SIGINT and SIGTERM, while an object of this type lives, set `requested()` instead of ending the
/// process: the scan takes no new job, records the running ones and syncs its journal. The handlers
/// reset themselves (SA_RESETHAND), so a second signal ends the process at once, which the journal
/// survives like any kill. The exit code of a stopped run is 128 + the signal's number (130 for
/// SIGINT, 143 for SIGTERM), as a shell reports a process the signal ended.
class stop_signals {
 public:
  stop_signals() {
    signal_state::requested.store(false);
    signal_state::received = 0;
    struct sigaction action {};
    action.sa_handler = &stop_signals::handle;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~stop_signals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

  /// The flag the scan reads between jobs.
  static const std::atomic<bool>* requested() { return &signal_state::requested; }
  /// The signal received (0: none).
  static int signal() { return static_cast<int>(signal_state::received); }
  static const char* name(int signal) { return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal"; }

 private:
  static void handle(int signal) {  // async-signal-safe: a lock-free atomic store and a sig_atomic_t
    signal_state::received = signal;
    signal_state::requested.store(true);
  }
  struct sigaction old_int_ {}, old_term_{};
};

}  // namespace nusi_tool
