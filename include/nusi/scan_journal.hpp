// SPDX-License-Identifier: MIT
// Scans that survive interruption: a journal of completed jobs (append-only, one checksummed record
// per job holding its row's exact text), from which an interrupted scan resumes without recomputing a
// finished job, and from which the final table is assembled in job order, byte-identical to an
// uninterrupted run's for any thread or rank count. run_scan_journaled runs a plan on threads through
// it; run_scan_mpi_journaled (scan_mpi.hpp) over MPI ranks. For a scan held in memory use run_scan.
// POSIX (open, flock, fdatasync, rename).
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <istream>
#include <limits>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "detail/atomic_output.hpp"
#include "detail/crc32.hpp"
#include "detail/sha256.hpp"
#include "errors.hpp"
#include "parallel.hpp"
#include "scan.hpp"

namespace nusi {

/// What a journal belongs to: resuming refuses a journal whose identity differs from the run's.
struct scan_journal_identity {
  /// The version of the program that writes the rows (the tool passes `nusi --version`'s); 1 to 64
  /// printable characters without blanks.
  std::string nusi_version;
  /// SHA-256 of the plan's canonical text, 64 lowercase hex digits (scan_plan_sha256).
  std::string plan_sha256;
  /// Jobs of the plan, 1 to scan_journal_max_jobs.
  std::size_t jobs = 0;
};

/// Largest plan a journal holds (it keeps one 8-byte offset per job in memory: 800 MB at the limit).
inline constexpr std::size_t scan_journal_max_jobs = 100'000'000;
/// Longest record (a row's text with its job index and checksum) a journal writes or reads.
inline constexpr std::size_t scan_journal_max_record_bytes = std::size_t(1) << 20;

/// When appended records reach the disk. A record is first buffered in the process; it survives the
/// process being killed (SIGKILL, a node's wall-clock limit) once written to the kernel, and a crash
/// of the machine once synced. Writing each record at once would cost a system call per job, syncing
/// each a disk flush (milliseconds, more than a job): batching trades at most `write_interval` of
/// rows lost to a kill, and `sync_interval` to a power cut, for neither cost. Lost rows are recomputed.
struct scan_journal_options {
  /// Write the buffer to the kernel when it holds this many bytes ...
  std::size_t write_bytes = 65536;
  /// ... or when its oldest record is this old (checked on each append and by tick()).
  std::chrono::milliseconds write_interval{200};
  /// fdatasync the journal when the last sync is this old; also on sync(), commit() and destruction.
  std::chrono::milliseconds sync_interval{10000};
};

/// What reading a journal found: the byte offset of each job's record, and what was dropped.
struct scan_journal_contents {
  static constexpr std::uint64_t absent = std::numeric_limits<std::uint64_t>::max();
  /// offset[k]: where job k's record starts in the file, or `absent`.
  std::vector<std::uint64_t> offset;
  /// Jobs recorded.
  std::size_t completed = 0;
  /// Bytes of the header and the complete records: the journal's valid length.
  std::uint64_t valid_bytes = 0;
  /// Bytes after the last complete record: a torn last record (the writer was killed mid-write), dropped.
  std::uint64_t torn_bytes = 0;
};

namespace detail {
inline constexpr std::string_view scan_journal_magic = "nusi-scan-journal/1";

inline std::string hex8(std::uint32_t x) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(8, '0');
  for (int i = 7; i >= 0; --i, x >>= 4) s[static_cast<std::size_t>(i)] = digits[x & 0xFu];
  return s;
}
inline bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
/// The unsigned decimal that is all of s (no sign, no leading zero, at most 19 digits), or nullopt.
inline std::optional<std::uint64_t> parse_index(std::string_view s) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = 10 * v + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}
inline void validate_journal_identity(std::string_view function, const scan_journal_identity& id) {
  const auto& v = id.nusi_version;
  if (v.empty() || v.size() > 64 || !std::all_of(v.begin(), v.end(), [](char c) { return c > ' ' && c < 127; }))
    throw invalid_argument(std::string(function) + ": identity.nusi_version must be 1 to 64 printable characters without blanks, got '" + v + "'");
  if (id.plan_sha256.size() != 64 || !is_lower_hex(id.plan_sha256))
    throw invalid_argument(std::string(function) + ": identity.plan_sha256 must be 64 lowercase hex digits, got '" + id.plan_sha256 + "'");
  if (id.jobs < 1 || id.jobs > scan_journal_max_jobs)
    throw_invalid(function, "identity.jobs", "in [1, " + to_text(scan_journal_max_jobs) + "]", id.jobs);
}
/// Reads one line (without its '\n') of at most `limit` bytes; returns false at the end of the input.
/// `complete` says whether it ended in '\n'; a line longer than limit stops after limit + 1 bytes.
inline bool read_bounded_line(std::istream& in, std::string& line, bool& complete, std::size_t limit) {
  line.clear();
  complete = false;
  for (std::streambuf* sb = in.rdbuf(); sb != nullptr;) {
    const int c = sb->sbumpc();
    if (c == std::char_traits<char>::eof()) break;
    if (c == '\n') {
      complete = true;
      return true;
    }
    line.push_back(static_cast<char>(c));
    if (line.size() > limit) return true;
  }
  return !line.empty();
}
/// Parses a record line "<job> <crc32> <text>"; returns the job and sets text, or a problem.
struct parsed_record {
  std::uint64_t job = 0;
  std::string_view text;
  const char* problem = nullptr;
};
inline parsed_record parse_journal_record(std::string_view line) {
  parsed_record r;
  const auto first = line.find(' ');
  if (first == std::string_view::npos || line.size() < first + 10 || line[first + 9] != ' ') {
    r.problem = "malformed record (expected '<job> <crc32> <row>')";
    return r;
  }
  const std::string_view index = line.substr(0, first), crc = line.substr(first + 1, 8);
  r.text = line.substr(first + 10);
  const auto job = parse_index(index);
  if (!job || !is_lower_hex(crc)) {
    r.problem = "malformed record (expected '<job> <crc32> <row>')";
    return r;
  }
  if (r.text.find('\r') != std::string_view::npos) {
    r.problem = "malformed record (a carriage return in the row)";
    return r;
  }
  r.job = *job;
  if (hex8(crc32(r.text, crc32(line.substr(0, first + 1)))) != crc) r.problem = "checksum mismatch";
  return r;
}
}  // namespace detail

/// The header line of a journal (with its '\n'): format, version, plan hash, jobs, and its CRC-32.
/// @throws nusi::invalid_argument on a malformed identity.
inline std::string scan_journal_header(const scan_journal_identity& id) {
  detail::validate_journal_identity("nusi::scan_journal_header", id);
  std::string line = std::string(detail::scan_journal_magic) + " nusi_version=" + id.nusi_version +
                     " plan_sha256=" + id.plan_sha256 + " jobs=" + std::to_string(id.jobs);
  return line + " crc32=" + detail::hex8(detail::crc32(line)) + "\n";
}

/// The record of one job (with its '\n'): "<job> <CRC-32 of '<job> <text>'> <text>".
/// @throws nusi::invalid_argument if text holds a line break or the record would exceed
/// scan_journal_max_record_bytes.
inline std::string scan_journal_record(std::size_t job, std::string_view text) {
  if (text.find_first_of("\r\n") != std::string_view::npos)
    throw invalid_argument("nusi::scan_journal_record: the text of job " + std::to_string(job) + " holds a line break");
  std::string head = std::to_string(job) + " ";
  std::string record = head + detail::hex8(detail::crc32(text, detail::crc32(head))) + " ";
  record.append(text);
  if (record.size() + 1 > scan_journal_max_record_bytes)
    detail::throw_invalid("nusi::scan_journal_record", "text.size()", "<= scan_journal_max_record_bytes - 32", text.size());
  record += '\n';
  return record;
}

/// Reads a journal written for `expected`. The header must be complete, carry a valid CRC-32 and name
/// the same nusi version, plan hash and job count; every complete record must parse, carry a valid
/// CRC-32, name a job below the job count, and not repeat a job. The one thing tolerated is an
/// incomplete last line (no '\n', at most one record long): the record being written when the writer
/// was killed; it is dropped (torn_bytes). Anything else throws nusi::invalid_argument
/// "nusi::scan_journal: 'source' line N: <problem>", never a partial result: a journal damaged before
/// its end is not resumed silently.
inline scan_journal_contents read_scan_journal(std::istream& in, const std::string& source, const scan_journal_identity& expected) {
  detail::validate_journal_identity("nusi::read_scan_journal", expected);
  const std::string where = "nusi::scan_journal: '" + source + "'";
  auto fail = [&](std::size_t line_number, const std::string& problem) -> void {
    throw invalid_argument(where + " line " + std::to_string(line_number) + ": " + problem);
  };
  std::string line;
  bool complete = false;
  if (!detail::read_bounded_line(in, line, complete, 1024) || !complete)
    throw invalid_argument(where + ": truncated header (" + std::to_string(line.size()) + " bytes without a line end)");
  std::vector<std::string_view> fields;
  for (std::size_t b = 0; b <= line.size();) {
    const auto e = std::min(line.find(' ', b), line.size());
    fields.push_back(std::string_view(line).substr(b, e - b));
    b = e + 1;
  }
  if (fields.front() != detail::scan_journal_magic) {
    if (fields.front().rfind("nusi-scan-journal/", 0) == 0) fail(1, "unsupported journal format '" + std::string(fields.front()) + "'");
    fail(1, "not a nusi scan journal (the header does not start with '" + std::string(detail::scan_journal_magic) + "')");
  }
  const auto crc_at = line.rfind(" crc32=");
  if (fields.size() != 5 || crc_at == std::string::npos || line.size() != crc_at + 15)
    fail(1, "malformed header (expected 'nusi_version=... plan_sha256=... jobs=... crc32=...')");
  if (detail::hex8(detail::crc32(std::string_view(line).substr(0, crc_at))) != line.substr(crc_at + 7))
    fail(1, "header checksum mismatch");
  auto value = [&](std::size_t i, std::string_view key) {
    if (fields[i].substr(0, key.size()) != key) fail(1, "malformed header (expected '" + std::string(key) + "...')");
    return std::string(fields[i].substr(key.size()));
  };
  const std::string version = value(1, "nusi_version="), plan = value(2, "plan_sha256="), jobs_text = value(3, "jobs=");
  if (version != expected.nusi_version)
    fail(1, "written by nusi version " + version + ", this is nusi " + expected.nusi_version +
                " (resume with that version, or delete the journal and start again)");
  if (plan != expected.plan_sha256)
    fail(1, "written for another plan (plan_sha256 " + plan.substr(0, 12) + "..., this plan's is " +
                expected.plan_sha256.substr(0, 12) + "...): the plan or a file it names changed; restore it, or delete the journal");
  const auto jobs = detail::parse_index(jobs_text);
  if (!jobs || *jobs != expected.jobs) fail(1, "records " + jobs_text + " jobs, the plan has " + std::to_string(expected.jobs));

  scan_journal_contents out;
  out.offset.assign(expected.jobs, scan_journal_contents::absent);
  std::vector<std::uint32_t> first_line;  // the line of each job's record, for the duplicate message
  first_line.assign(expected.jobs, 0);
  std::uint64_t offset = line.size() + 1;
  out.valid_bytes = offset;
  for (std::size_t line_number = 2; detail::read_bounded_line(in, line, complete, scan_journal_max_record_bytes); ++line_number) {
    if (line.size() > scan_journal_max_record_bytes)
      fail(line_number, "a record longer than " + std::to_string(scan_journal_max_record_bytes) + " bytes");
    if (!complete) {  // the torn last record
      out.torn_bytes = line.size();
      break;
    }
    const detail::parsed_record r = detail::parse_journal_record(line);
    if (r.problem != nullptr) fail(line_number, r.problem);
    if (r.job >= expected.jobs)
      fail(line_number, "job " + std::to_string(r.job) + " out of range [0, " + std::to_string(expected.jobs) + ")");
    if (out.offset[r.job] != scan_journal_contents::absent)
      fail(line_number, "job " + std::to_string(r.job) + " recorded twice (first on line " + std::to_string(first_line[r.job]) + ")");
    out.offset[r.job] = offset;
    first_line[r.job] = static_cast<std::uint32_t>(std::min<std::size_t>(line_number, std::numeric_limits<std::uint32_t>::max()));
    ++out.completed;
    offset += line.size() + 1;
    out.valid_bytes = offset;
  }
  if (in.bad()) throw invalid_argument(where + ": reading failed");
  return out;
}

/// Whether a journal is started afresh or an existing one continued.
enum class scan_journal_mode { create, resume };

/// A journal file of completed jobs. create: writes the header into a temporary file and renames it
/// to `path` (so the journal never exists without a complete header); refuses an existing path.
/// resume: reads the journal (read_scan_journal; a torn last record is cut off the file). Either way
/// the file is locked (flock) against a second run. append() is thread-safe. Throws
/// nusi::invalid_argument (a bad identity, an existing or missing journal, one in use, a damaged one)
/// and std::system_error (an I/O failure).
class scan_journal {
 public:
  scan_journal(std::string path, scan_journal_identity identity, scan_journal_mode mode, scan_journal_options options = {})
      : path_(std::move(path)), identity_(std::move(identity)), options_(options) {
    constexpr std::string_view fn = "nusi::scan_journal";
    detail::validate_journal_identity(fn, identity_);
    if (mode == scan_journal_mode::create) create();
    else open_existing();
    offset_.resize(identity_.jobs, scan_journal_contents::absent);
    last_sync_ = std::chrono::steady_clock::now();
  }
  ~scan_journal() {
    if (fd_ < 0) return;
    try {
      sync();
    } catch (...) {  // best effort: what reached the kernel is kept
    }
    ::close(fd_);
  }
  scan_journal(const scan_journal&) = delete;
  scan_journal& operator=(const scan_journal&) = delete;
  scan_journal(scan_journal&&) = delete;  // it owns a locked file and a mutex
  scan_journal& operator=(scan_journal&&) = delete;

  const std::string& path() const { return path_; }
  const scan_journal_identity& identity() const { return identity_; }
  std::size_t jobs() const { return identity_.jobs; }
  /// Jobs recorded (found on opening plus appended since).
  std::size_t completed() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return completed_;
  }
  /// Jobs the journal held when opened (0 when created).
  std::size_t resumed() const { return resumed_; }
  /// Bytes of a torn last record cut off when the journal was opened.
  std::uint64_t dropped_bytes() const { return dropped_bytes_; }
  /// Whether job k is recorded (false for k >= jobs()).
  bool done(std::size_t k) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return k < offset_.size() && offset_[k] != scan_journal_contents::absent;
  }
  /// The jobs not recorded yet, in increasing order.
  std::vector<std::size_t> pending() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::size_t> out;
    out.reserve(offset_.size() - completed_);
    for (std::size_t k = 0; k < offset_.size(); ++k)
      if (offset_[k] == scan_journal_contents::absent) out.push_back(k);
    return out;
  }

  /// Records that job k's row is `text` (one line, without its '\n'). Thread-safe. Throws
  /// nusi::invalid_argument if k >= jobs(), k is recorded already or text holds a line break, and
  /// std::system_error if writing fails (the journal then refuses further records).
  void append(std::size_t k, std::string_view text) {
    const std::string record = scan_journal_record(k, text);
    const std::lock_guard<std::mutex> lock(mutex_);
    require_open_locked();
    if (k >= offset_.size()) detail::throw_invalid("nusi::scan_journal::append", "k", "< jobs() = " + detail::to_text(jobs()), k);
    if (offset_[k] != scan_journal_contents::absent)
      throw invalid_argument("nusi::scan_journal::append: job " + std::to_string(k) + " is recorded already");
    const auto now = std::chrono::steady_clock::now();
    if (buffer_.empty()) oldest_buffered_ = now;
    offset_[k] = size_;
    size_ += record.size();
    buffer_ += record;
    ++completed_;
    if (buffer_.size() >= options_.write_bytes || now - oldest_buffered_ >= options_.write_interval) write_locked(now);
  }
  /// Writes the buffered records to the kernel: from then on they survive the process being killed.
  void flush() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (fd_ >= 0) write_locked(std::chrono::steady_clock::now());
  }
  /// flush(), then fdatasync: the records survive a crash of the machine.
  void sync() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (fd_ < 0) return;
    write_locked(std::chrono::steady_clock::now());
    sync_locked(std::chrono::steady_clock::now());
  }
  /// Writes or syncs when write_interval or sync_interval has passed; call it every so often from a
  /// thread that waits on the workers, so that records do not sit in the buffer when jobs are slow.
  void tick() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (fd_ < 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (!buffer_.empty() && now - oldest_buffered_ >= options_.write_interval) write_locked(now);
    else if (unsynced_ && now - last_sync_ >= options_.sync_interval) sync_locked(now);
  }

  /// The table: `header`, then the text of every job in job order, each line ending in '\n' (the
  /// records are read back from the file and checked again). Throws nusi::invalid_argument if a job
  /// is not recorded or the file changed under the journal.
  void write_table(std::ostream& os, std::string_view header) {
    flush();
    const std::lock_guard<std::mutex> lock(mutex_);
    if (completed_ != offset_.size())
      throw invalid_argument("nusi::scan_journal::write_table: '" + path_ + "' holds " + std::to_string(completed_) + " of " +
                             std::to_string(offset_.size()) + " jobs");
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw invalid_argument("nusi::scan_journal::write_table: cannot reopen '" + path_ + "'");
    os << header << '\n';
    std::string line;
    bool complete = false;
    std::uint64_t position = 0;
    for (std::size_t k = 0; k < offset_.size(); ++k) {
      if (offset_[k] != position) {
        in.clear();
        in.seekg(static_cast<std::streamoff>(offset_[k]));
      }
      detail::read_bounded_line(in, line, complete, scan_journal_max_record_bytes);
      const detail::parsed_record r = complete ? detail::parse_journal_record(line) : detail::parsed_record{};
      if (!complete || r.problem != nullptr || r.job != k)
        throw invalid_argument("nusi::scan_journal::write_table: '" + path_ + "' changed on disk (job " + std::to_string(k) +
                               "'s record at byte " + std::to_string(offset_[k]) + " is not there)");
      os << r.text << '\n';
      position = offset_[k] + line.size() + 1;
    }
  }

  /// Finishes a complete journal: writes the table (write_table) into a temporary file beside
  /// `out_path`, syncs it, renames it to out_path (so out_path is never a partial table), then deletes
  /// the journal. A kill before the rename leaves the journal, from which a resume writes the table.
  void commit(const std::string& out_path, std::string_view header) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      require_open_locked();
    }
    const detail::temporary_file tmp = detail::make_temporary_file_beside("nusi::scan_journal::commit", out_path);
    int tmp_fd = tmp.fd;
    try {
      {
        std::ofstream out(tmp.path, std::ios::binary | std::ios::trunc);
        if (!out) detail::throw_io_error("opening", tmp.path);
        write_table(out, header);
        out.close();
        if (!out) detail::throw_io_error("writing", tmp.path);
      }
      if (::fsync(tmp_fd) != 0) detail::throw_io_error("syncing", tmp.path);
      ::close(tmp_fd);
      tmp_fd = -1;
      if (::rename(tmp.path.c_str(), out_path.c_str()) != 0) detail::throw_io_error("renaming '" + tmp.path + "' to", out_path);
    } catch (...) {
      if (tmp_fd >= 0) ::close(tmp_fd);
      ::unlink(tmp.path.c_str());
      throw;
    }
    detail::sync_parent_folder(out_path);
    const std::lock_guard<std::mutex> lock(mutex_);
    ::unlink(path_.c_str());
    detail::sync_parent_folder(path_);
    ::close(fd_);
    fd_ = -1;
  }

 private:
  void create() {
    constexpr std::string_view fn = "nusi::scan_journal";
    std::error_code ec;
    if (std::filesystem::symlink_status(path_, ec).type() != std::filesystem::file_type::not_found)
      throw invalid_argument(std::string(fn) + ": '" + path_ + "' exists (the journal of an interrupted run): resume it, or delete it");
    const detail::temporary_file tmp = detail::make_temporary_file_beside(fn, path_);
    fd_ = tmp.fd;
    try {
      lock_file();
      const std::string header = scan_journal_header(identity_);
      detail::write_all(fd_, header, tmp.path);
      if (::fdatasync(fd_) != 0) detail::throw_io_error("syncing", tmp.path);
      // link() refuses an existing name (a journal created meanwhile by another run); rename() where
      // the file system has no hard links.
      if (::link(tmp.path.c_str(), path_.c_str()) == 0) {
        ::unlink(tmp.path.c_str());
      } else {
        const int code = errno;
        if (code == EEXIST)
          throw invalid_argument(std::string(fn) + ": '" + path_ + "' exists (the journal of an interrupted run): resume it, or delete it");
        if (::rename(tmp.path.c_str(), path_.c_str()) != 0) {
          const int rename_code = errno;
          throw invalid_argument(std::string(fn) + ": cannot create '" + path_ + "': " + detail::errno_text(rename_code));
        }
      }
      detail::sync_parent_folder(path_);
      size_ = header.size();
    } catch (...) {
      ::close(fd_);
      fd_ = -1;
      ::unlink(tmp.path.c_str());
      throw;
    }
    if (::lseek(fd_, 0, SEEK_END) < 0) detail::throw_io_error("seeking in", path_);
  }
  void open_existing() {
    constexpr std::string_view fn = "nusi::scan_journal";
    fd_ = detail::open_existing_file(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) {
      const int code = errno;
      throw invalid_argument(std::string(fn) + ": cannot open the journal '" + path_ + "' to resume: " + detail::errno_text(code));
    }
    try {
      lock_file();
      std::ifstream in(path_, std::ios::binary);
      if (!in) throw invalid_argument(std::string(fn) + ": cannot read '" + path_ + "'");
      scan_journal_contents c = read_scan_journal(in, path_, identity_);
      if (c.torn_bytes > 0) {  // cut the torn record off, so that new records follow a line end
        if (::ftruncate(fd_, static_cast<off_t>(c.valid_bytes)) != 0 || ::fdatasync(fd_) != 0) detail::throw_io_error("truncating", path_);
      }
      if (::lseek(fd_, 0, SEEK_END) < 0) detail::throw_io_error("seeking in", path_);
      offset_ = std::move(c.offset);
      completed_ = resumed_ = c.completed;
      dropped_bytes_ = c.torn_bytes;
      size_ = c.valid_bytes;
    } catch (...) {
      ::close(fd_);
      fd_ = -1;
      throw;
    }
  }
  void lock_file() {
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
    const int code = errno;
    if (code == EWOULDBLOCK)
      throw invalid_argument("nusi::scan_journal: '" + path_ + "' is in use by another run (it holds the lock)");
    throw invalid_argument("nusi::scan_journal: cannot lock '" + path_ + "': " + detail::errno_text(code));
  }
  void require_open_locked() const {
    if (fd_ < 0) throw invalid_argument("nusi::scan_journal: '" + path_ + "' is closed (committed, or a write failed)");
  }
  void write_locked(std::chrono::steady_clock::time_point now) {
    if (!buffer_.empty()) {
      try {
        detail::write_all(fd_, buffer_, path_);
      } catch (...) {
        ::close(fd_);  // a short write may have left part of a record: accept no more (a resume drops it)
        fd_ = -1;
        throw;
      }
      buffer_.clear();
      unsynced_ = true;
    }
    if (unsynced_ && now - last_sync_ >= options_.sync_interval) sync_locked(now);
  }
  void sync_locked(std::chrono::steady_clock::time_point now) {
    if (unsynced_ && ::fdatasync(fd_) != 0) detail::throw_io_error("syncing", path_);
    unsynced_ = false;
    last_sync_ = now;
  }

  std::string path_;
  scan_journal_identity identity_;
  scan_journal_options options_;
  int fd_ = -1;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> offset_;
  std::size_t completed_ = 0, resumed_ = 0;
  std::uint64_t dropped_bytes_ = 0, size_ = 0;
  std::string buffer_;
  bool unsynced_ = false;
  std::chrono::steady_clock::time_point oldest_buffered_{}, last_sync_{};
};

/// SHA-256 of a plan's canonical text: write_scan_plan's text (every value at full precision), the
/// digits of Real, and the SHA-256 of the contents of each core_profile_csv file (a table edited in
/// place changes the plan). Members write_scan_plan does not write (those a plan file cannot set) are
/// not covered: a program that changes them between runs must give its journals another identity.
/// @throws nusi::invalid_argument if a core profile file cannot be read.
template <class Real>
std::string scan_plan_sha256(const scan_plan<Real>& plan) {
  std::ostringstream text;
  text << "# nusi scan plan, canonical text for its SHA-256\nreal_max_digits10 = " << std::numeric_limits<Real>::max_digits10 << "\n";
  write_scan_plan(text, plan);
  for (const auto& sn : plan.supernovae) {
    if (sn.core_profile_csv.empty()) continue;
    std::ifstream in(sn.core_profile_csv, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in && !in.eof())
      throw invalid_argument("nusi::scan_plan_sha256: cannot read core_profile_csv '" + sn.core_profile_csv + "' of supernova '" + sn.name + "'");
    text << "core_profile_csv_sha256 " << sn.name << " = " << detail::sha256_hex(bytes.str()) << "\n";
  }
  return detail::sha256_hex(text.str());
}

/// The identity of a journal for `plan` written by nusi `nusi_version`.
template <class Real>
scan_journal_identity scan_journal_identity_for(const scan_plan<Real>& plan, std::string nusi_version) {
  return {std::move(nusi_version), scan_plan_sha256(plan), plan.rows()};
}

/// How run_scan_journaled runs.
struct journaled_scan_options {
  /// Worker threads (0: all cores; parallel.hpp); the calling thread supervises.
  std::size_t threads = 0;
  /// When set (by a signal handler, say), the workers take no new job; running jobs finish and are
  /// recorded, and the call returns with stopped = true. Read between jobs only.
  const std::atomic<bool>* stop = nullptr;
  /// Called from the calling thread every progress_interval (and once at the end) with the jobs
  /// recorded and the total.
  std::function<void(std::size_t completed, std::size_t jobs)> progress{};
  std::chrono::milliseconds progress_interval{100};
};

/// What a journaled run did.
struct journaled_scan_result {
  /// Rows the journal held at the start (not recomputed).
  std::size_t resumed = 0;
  /// Rows computed and recorded by this call.
  std::size_t computed = 0;
  /// Every job of the plan is recorded: the table can be written (scan_journal::commit).
  bool complete = false;
  /// The run stopped early because options.stop was set.
  bool stopped = false;
};

/// Runs the jobs the journal does not hold on options.threads threads, appending each row's text
/// (scan_csv_row) as it completes; then syncs the journal. The rows depend on their job alone, so
/// the journal's table is the same, byte for byte, for any thread count, order of completion, or
/// number of interruptions. If jobs throw, no new job starts, the running ones finish and are
/// recorded, the journal is synced and the exception of the lowest job that threw is rethrown.
/// @throws nusi::invalid_argument if threads > max_threads or the journal's job count is not the plan's.
template <class Real>
journaled_scan_result run_scan_journaled(const scan_runner<Real>& runner, scan_journal& journal,
                                         const journaled_scan_options& options = {}) {
  detail::require_thread_count("nusi::run_scan_journaled", "options.threads", options.threads);
  if (journal.jobs() != runner.jobs())
    detail::throw_invalid("nusi::run_scan_journaled", "journal.jobs()", "== runner.jobs() = " + detail::to_text(runner.jobs()), journal.jobs());
  journaled_scan_result result;
  result.resumed = journal.completed();
  const std::vector<std::size_t> pending = journal.pending();
  const auto stop_requested = [&] { return options.stop != nullptr && options.stop->load(std::memory_order_relaxed); };

  std::atomic<std::size_t> next{0}, computed{0};
  std::atomic<bool> halt{false};
  std::mutex mutex;  // guards failure, failed_job, running
  std::condition_variable finished;
  std::size_t failed_job = pending.size(), running = 0;
  std::exception_ptr failure;
  auto work = [&] {
    for (;;) {
      if (halt.load(std::memory_order_relaxed) || stop_requested()) break;
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= pending.size()) break;
      try {
        journal.append(pending[i], scan_csv_row(runner.plan(), runner.run(pending[i])));
        computed.fetch_add(1, std::memory_order_relaxed);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (i < failed_job) {
          failed_job = i;
          failure = std::current_exception();
        }
        halt.store(true, std::memory_order_relaxed);
      }
    }
    const std::lock_guard<std::mutex> lock(mutex);
    --running;
    finished.notify_all();
  };
  auto report = [&] {
    if (options.progress) options.progress(journal.completed(), journal.jobs());
  };
  std::vector<std::thread> pool;
  if (!pending.empty()) {
    const std::size_t workers = resolve_threads(options.threads, pending.size());
    pool.reserve(workers);
    for (std::size_t t = 0; t < workers; ++t) {
      {
        const std::lock_guard<std::mutex> lock(mutex);
        ++running;
      }
      try {
        pool.emplace_back(work);
      } catch (...) {  // could not start a thread (std::system_error): run on the ones we have
        const std::lock_guard<std::mutex> lock(mutex);
        --running;
        break;
      }
    }
    if (pool.empty()) {  // not even one: the calling thread works, without progress reports
      {
        const std::lock_guard<std::mutex> lock(mutex);
        ++running;
      }
      work();
    }
    std::unique_lock<std::mutex> lock(mutex);
    for (bool all_finished = false; !all_finished;) {  // the workers decrement running
      all_finished = finished.wait_for(lock, options.progress_interval, [&] { return running == 0; });
      lock.unlock();
      try {
        journal.tick();
      } catch (...) {  // a write failed: the workers' next append fails too and stops them
      }
      report();
      lock.lock();
    }
  }
  for (auto& t : pool) t.join();
  journal.sync();
  report();
  if (failure) std::rethrow_exception(failure);
  result.computed = computed.load();
  result.complete = journal.completed() == journal.jobs();
  result.stopped = !result.complete && stop_requested();
  return result;
}

}  // namespace nusi
