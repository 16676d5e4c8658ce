// SPDX-License-Identifier: MIT
// Output that is never seen half-written (POSIX): a temporary file or folder beside the target,
// filled, flushed to disk, then renamed over it. Used by the scan journal (scan_journal.hpp) and the
// tool's `nusi figures --out`. Not API.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../errors.hpp"

namespace nusi::detail {

/// The message of errno `code` ("No such file or directory").
inline std::string errno_text(int code) { return std::generic_category().message(code); }

/// Throws std::system_error "what 'path': <errno text>" for the current errno (an I/O failure).
[[noreturn]] inline void throw_io_error(const std::string& what, const std::string& path) {
  const int code = errno;
  throw std::system_error(code, std::generic_category(), what + " '" + path + "'");
}

/// Writes all of `bytes` to fd (retrying short writes and EINTR); throws std::system_error naming path.
inline void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error("writing", path);
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

/// POSIX open() without creating a file: the one call of the C variadic (its optional mode argument
/// is not passed), so that the rest of the code calls a typed function.
inline int open_existing_file(const char* path, int flags) {
  return ::open(path, flags);  // NOLINT(cppcoreguidelines-pro-type-vararg): POSIX open() is variadic
}

/// fsync of the folder holding `path`, so that a rename or an unlink in it survives a crash. Best
/// effort: some file systems refuse fsync on a folder, and the rename has happened either way.
inline void sync_parent_folder(const std::filesystem::path& path) {
  std::filesystem::path folder = path.parent_path();
  if (folder.empty()) folder = ".";
  const int fd = open_existing_file(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

/// The process's umask (read by setting and restoring it).
inline mode_t process_umask() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

/// A new file `target.tmp-XXXXXX` beside target (same folder, so a rename onto target is atomic), open
/// read-write with the permissions of an ordinary new file. Throws nusi::invalid_argument naming
/// `function` and the path if it cannot be created (a missing or read-only folder).
struct temporary_file {
  std::string path;
  int fd = -1;
};
inline temporary_file make_temporary_file_beside(std::string_view function, const std::string& target) {
  std::string name = target + ".tmp-XXXXXX";
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  const int fd = ::mkstemp(buffer.data());
  if (fd < 0) {
    const int code = errno;
    throw invalid_argument(std::string(function) + ": cannot create a file beside '" + target + "': " + errno_text(code));
  }
  (void)::fchmod(fd, static_cast<mode_t>(0666 & ~process_umask()));  // mkstemp gives 0600
  return {std::string(buffer.data()), fd};
}

/// A new empty folder `target.tmp-XXXXXX` beside target. Throws nusi::invalid_argument if it cannot.
inline std::filesystem::path make_temporary_folder_beside(std::string_view function, const std::filesystem::path& target) {
  std::filesystem::path clean = target;
  while (!clean.empty() && !clean.has_filename()) clean = clean.parent_path();  // "figs/" -> "figs"
  std::string name = clean.string() + ".tmp-XXXXXX";
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    const int code = errno;
    throw invalid_argument(std::string(function) + ": cannot create a folder beside '" + target.string() + "': " + errno_text(code));
  }
  (void)::chmod(buffer.data(), static_cast<mode_t>(0777 & ~process_umask()));  // mkdtemp gives 0700
  return std::filesystem::path(buffer.data());
}

/// fsync of every regular file under `folder` and of the folders themselves, so that a rename of the
/// folder cannot reach the disk before its contents. Best effort, like sync_parent_folder.
inline void sync_folder_contents(const std::filesystem::path& folder) {
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) && !it->is_directory(ec)) continue;
    const int fd = open_existing_file(it->path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    (void)::fsync(fd);
    ::close(fd);
  }
  sync_parent_folder(folder / ".");
}

/// Moves the complete folder `fresh` to `target` (same parent folder), so that target is at every
/// moment either its old complete contents or the new ones (fresh's files are synced first). With no target, one rename. Over an
/// existing target: on Linux one renameat2(RENAME_EXCHANGE) swaps the two atomically, then the old
/// contents (now at `fresh`) are deleted; where the exchange is not supported (another system, or a
/// file system that refuses it) target is first renamed to a backup, leaving a window of two renames
/// with no target at all, and the backup is deleted. Throws std::system_error on failure (fresh is
/// then left in place).
inline void replace_folder(const std::filesystem::path& fresh, const std::filesystem::path& target) {
  namespace fs = std::filesystem;
  sync_folder_contents(fresh);
  std::error_code ec;
  const bool exists = fs::symlink_status(target, ec).type() != fs::file_type::not_found;
  if (!exists) {
    if (::rename(fresh.c_str(), target.c_str()) != 0) throw_io_error("renaming '" + fresh.string() + "' to", target.string());
    sync_parent_folder(target);
    return;
  }
#if defined(__linux__) && defined(RENAME_EXCHANGE)
  if (::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    sync_parent_folder(target);
    fs::remove_all(fresh, ec);  // the old contents; a failure leaves them beside target, harmless
    return;
  }
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
    throw_io_error("exchanging '" + fresh.string() + "' with", target.string());
#endif
  const fs::path backup = make_temporary_folder_beside("nusi::detail::replace_folder", target);
  fs::remove(backup, ec);  // only its unique name is wanted
  if (::rename(target.c_str(), backup.c_str()) != 0) throw_io_error("moving aside", target.string());
  if (::rename(fresh.c_str(), target.c_str()) != 0) {
    const int code = errno;
    (void)::rename(backup.c_str(), target.c_str());  // put the old contents back
    errno = code;
    throw_io_error("renaming '" + fresh.string() + "' to", target.string());
  }
  sync_parent_folder(target);
  fs::remove_all(backup, ec);
}

}  // namespace nusi::detail
