// SPDX-License-Identifier: MIT
// Fuzz target: the scan journal's reader and its resume path on arbitrary bytes. read_scan_journal
// either refuses with nusi::invalid_argument naming the journal, or accounts for every byte (header and
// complete records, plus at most one torn last line) with each job's offset pointing at that job's
// record; then scan_journal resumes from the same bytes written to a file, the missing jobs are
// appended, and the table holds every recorded row unchanged and the new ones in job order. Anything
// else (another exception, a wrong count, a crash, a sanitizer report) is a finding. Run by the target
// nusi_fuzz; tests/fuzz/corpus/scan_journal/ holds journals for this identity (jobs = 8).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <nusi/scan_journal.hpp>

namespace {
void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_scan_journal: %s\n", what);
  std::abort();
}

const nusi::scan_journal_identity identity{
    .nusi_version = "0.1.0", .plan_sha256 = "c8e4a5f1b1f3d7a2e9b0c4d6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4", .jobs = 8};

/// The row text of job k's record at `offset` in `bytes` (the record was accepted, so it parses).
std::string recorded_text(const std::string& bytes, std::uint64_t offset) {
  const auto end = bytes.find('\n', offset);
  require(end != std::string::npos, "an accepted record without a line end");
  const auto second_blank = bytes.find(' ', bytes.find(' ', offset) + 1);
  return bytes.substr(second_blank + 1, end - second_blank - 1);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  nusi::scan_journal_contents contents;
  try {
    std::istringstream in(bytes);
    contents = nusi::read_scan_journal(in, "fuzz.journal", identity);
  } catch (const nusi::invalid_argument& e) {
    require(std::string(e.what()).find("nusi::scan_journal: 'fuzz.journal'") != std::string::npos, "a refusal that does not name the journal");
    return 0;
  }
  require(contents.offset.size() == identity.jobs, "offset table of the wrong size");
  require(contents.valid_bytes + contents.torn_bytes == size, "bytes neither valid nor torn");
  require(contents.torn_bytes == 0 || bytes.back() != '\n', "a torn record that ends in a line end");
  std::size_t present = 0;
  std::vector<std::string> texts(identity.jobs);
  for (std::size_t k = 0; k < identity.jobs; ++k) {
    if (contents.offset[k] == nusi::scan_journal_contents::absent) continue;
    ++present;
    require(contents.offset[k] < contents.valid_bytes, "a record offset beyond the valid bytes");
    require(bytes.compare(contents.offset[k], std::to_string(k).size() + 1, std::to_string(k) + " ") == 0,
            "an offset that does not point at its job's record");
    texts[k] = recorded_text(bytes, contents.offset[k]);
  }
  require(present == contents.completed, "completed is not the number of recorded jobs");

  // Resume from a file holding the same bytes: the torn record is cut off, the others kept.
  const std::string path = "/tmp/nusi_fuzz_scan_journal_" + std::to_string(::getpid()) + ".journal";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    require(f != nullptr && std::fwrite(bytes.data(), 1, size, f) == size && std::fclose(f) == 0, "cannot write the journal file");
  }
  std::string table;
  {
    nusi::scan_journal journal(path, identity, nusi::scan_journal_mode::resume);
    require(journal.completed() == contents.completed && journal.dropped_bytes() == contents.torn_bytes, "resume disagrees with the reader");
    for (std::size_t k : journal.pending()) journal.append(k, "new row " + std::to_string(k));
    std::ostringstream out;
    journal.write_table(out, "header");
    table = out.str();
  }
  std::remove(path.c_str());
  std::string expected = "header\n";
  for (std::size_t k = 0; k < identity.jobs; ++k)
    expected += (contents.offset[k] == nusi::scan_journal_contents::absent ? "new row " + std::to_string(k) : texts[k]) + "\n";
  require(table == expected, "the table is not the recorded rows and the new ones in job order");
  return 0;
}
