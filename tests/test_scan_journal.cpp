// SPDX-License-Identifier: MIT
// The scan journal (include/nusi/scan_journal.hpp, detail/crc32.hpp, detail/atomic_output.hpp): a
// journaled scan's table equals run_scan's written directly, whatever the thread count, the order of
// completion or the interruptions; a resume recomputes no recorded job; every kind of damage is
// refused by name, and only a torn last record is dropped.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

#include <nusi/detail/atomic_output.hpp>
#include <nusi/detail/crc32.hpp>
#include <nusi/scan.hpp>
#include <nusi/scan_journal.hpp>

namespace nusi_test_scan_journal {  // this file's own: the suite compiles in batches of files (tests/CMakeLists.txt)

namespace {
namespace fs = std::filesystem;

/// A fresh empty folder for one test case, removed at the end.
struct scratch_folder {
  fs::path path;
  scratch_folder() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("nusi_journal_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~scratch_folder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void spit(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes; }

// 2 supernovae x 3 masses x (bound + 2 couplings) = 18 rows on a coarse grid: every row kind, ~10 ms.
nusi::scan_plan<double> small_plan() {
  std::istringstream in("log10_mass_MeV = -6 -4 -3\nlog10_g = -2.2 -1.8\nenergy_bins = 40\n"
                        "[supernova paper]\n[supernova near]\ndistance_kpc = 10\n");
  return nusi::read_scan_plan<double>(in, "small");
}
std::string direct_table(const nusi::scan_plan<double>& plan) {
  std::ostringstream os;
  nusi::write_scan_csv(os, plan, nusi::run_scan(plan, 1));
  return os.str();
}

const nusi::scan_journal_identity identity{.nusi_version = "0.1.0", .plan_sha256 = std::string(64, 'a'), .jobs = 5};

/// A journal's bytes: the header of `id`, then the given record lines.
std::string journal_bytes(const nusi::scan_journal_identity& id, const std::vector<std::string>& records) {
  std::string s = nusi::scan_journal_header(id);
  for (const auto& r : records) s += r;
  return s;
}
nusi::scan_journal_contents read(const std::string& bytes, const nusi::scan_journal_identity& id = identity) {
  std::istringstream in(bytes);
  return nusi::read_scan_journal(in, "j", id);
}
}  // namespace

TEST_CASE("crc32 gives the standard check value 0xcbf43926 for '123456789' and continues across pieces") {
  // The check value of CRC-32/ISO-HDLC (zlib, gzip, PNG): Williams, "A painless guide to CRC error
  // detection algorithms" (1993), and the CRC RevEng catalogue.
  CHECK(nusi::detail::crc32("123456789") == 0xCBF43926u);
  CHECK(nusi::detail::crc32("") == 0u);
  CHECK(nusi::detail::crc32("56789", nusi::detail::crc32("1234")) == 0xCBF43926u);
}

TEST_CASE("a journaled scan writes run_scan's table byte for byte on 1, 2 and 3 threads") {
  const auto plan = small_plan();
  const std::string expected = direct_table(plan);
  const nusi::scan_runner<double> runner(plan);
  for (std::size_t threads : {1, 2, 3}) {
    CAPTURE(threads);
    scratch_folder dir;
    const std::string out = dir.file("scan.csv");
    nusi::scan_journal journal(out + ".journal", nusi::scan_journal_identity_for(plan, "0.1.0"), nusi::scan_journal_mode::create);
    std::size_t reports = 0;
    const auto r = nusi::run_scan_journaled(runner, journal, {.threads = threads, .progress = [&](std::size_t, std::size_t) { ++reports; }});
    CHECK(r.complete);
    CHECK(r.resumed == 0);
    CHECK(r.computed == plan.rows());
    CHECK(reports >= 1);  // at least the final report
    CHECK(!fs::exists(out));  // the table appears only on commit
    journal.commit(out, nusi::scan_csv_header);
    CHECK(slurp(out) == expected);
    CHECK(!fs::exists(out + ".journal"));
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);  // no temporary left
  }
}

TEST_CASE("a resumed scan keeps every recorded row and computes only the others, in any order") {
  const auto plan = small_plan();
  const std::string expected = direct_table(plan);
  const nusi::scan_runner<double> runner(plan);
  const auto id = nusi::scan_journal_identity_for(plan, "0.1.0");
  scratch_folder dir;
  const std::string path = dir.file("scan.csv.journal");
  {  // jobs 17, 3 and 8 recorded out of order, then the process "dies" (the object goes away)
    nusi::scan_journal journal(path, id, nusi::scan_journal_mode::create);
    for (std::size_t k : {17u, 3u, 8u}) journal.append(k, nusi::scan_csv_row(plan, runner.run(k)));
  }
  nusi::scan_journal journal(path, id, nusi::scan_journal_mode::resume);
  CHECK(journal.resumed() == 3);
  CHECK(journal.done(3));
  CHECK(!journal.done(4));
  CHECK(journal.pending().size() == plan.rows() - 3);
  const auto r = nusi::run_scan_journaled(runner, journal, {.threads = 2});
  CHECK(r.resumed == 3);
  CHECK(r.computed == plan.rows() - 3);
  std::ostringstream table;
  journal.write_table(table, nusi::scan_csv_header);
  CHECK(table.str() == expected);

  SUBCASE("a recorded row is taken from the journal, never recomputed") {
    scratch_folder dir2;
    const std::string p2 = dir2.file("j");
    {
      nusi::scan_journal j(p2, id, nusi::scan_journal_mode::create);
      j.append(5, "a row the runner would never write");
    }
    nusi::scan_journal j(p2, id, nusi::scan_journal_mode::resume);
    (void)nusi::run_scan_journaled(runner, j, {.threads = 1});
    std::ostringstream t;
    j.write_table(t, nusi::scan_csv_header);
    CHECK(t.str().find("\na row the runner would never write\n") != std::string::npos);
  }
}

TEST_CASE("a stop request ends a journaled scan between jobs, and the resume completes the same table") {
  const auto plan = small_plan();
  const std::string expected = direct_table(plan);
  const nusi::scan_runner<double> runner(plan);
  const auto id = nusi::scan_journal_identity_for(plan, "0.1.0");
  scratch_folder dir;
  const std::string path = dir.file("j");
  std::atomic<bool> stop{true};
  {
    nusi::scan_journal journal(path, id, nusi::scan_journal_mode::create);
    const auto r = nusi::run_scan_journaled(runner, journal, {.threads = 2, .stop = &stop});
    CHECK(r.stopped);
    CHECK(!r.complete);
    CHECK(r.computed == 0);  // set before the first job: none starts
  }
  stop = false;
  nusi::scan_journal journal(path, id, nusi::scan_journal_mode::resume);
  const auto r = nusi::run_scan_journaled(runner, journal, {.threads = 3, .stop = &stop});
  CHECK(r.complete);
  CHECK(!r.stopped);
  std::ostringstream table;
  journal.write_table(table, nusi::scan_csv_header);
  CHECK(table.str() == expected);
}

TEST_CASE("a torn last record is dropped and cut off the file, and the resumed journal stays valid") {
  const std::string full = journal_bytes(identity, {nusi::scan_journal_record(0, "a"), nusi::scan_journal_record(3, "b")});
  const std::string torn = nusi::scan_journal_record(4, "the record being written");
  for (std::size_t cut : {std::size_t(1), torn.size() / 2, torn.size() - 1}) {  // never its '\n'
    CAPTURE(cut);
    const auto c = read(full + torn.substr(0, cut));
    CHECK(c.completed == 2);
    CHECK(c.torn_bytes == cut);
    CHECK(c.valid_bytes == full.size());
    CHECK(c.offset[3] == full.size() - nusi::scan_journal_record(3, "b").size());
    CHECK(c.offset[4] == nusi::scan_journal_contents::absent);
  }
  scratch_folder dir;
  const std::string path = dir.file("j");
  spit(path, full + torn.substr(0, 7));
  {
    nusi::scan_journal j(path, identity, nusi::scan_journal_mode::resume);
    CHECK(j.dropped_bytes() == 7);
    CHECK(fs::file_size(path) == full.size());
    j.append(4, "e");
  }
  const auto c = read(slurp(path));
  CHECK(c.completed == 3);
  CHECK(c.torn_bytes == 0);
}

TEST_CASE("damaged journals are refused by name, never resumed") {
  const std::string good = journal_bytes(identity, {nusi::scan_journal_record(0, "a"), nusi::scan_journal_record(1, "b")});
  const std::string header = nusi::scan_journal_header(identity);
  auto refused = [&](const std::string& bytes, const char* what) {
    CAPTURE(bytes);
    CHECK_THROWS_WITH_AS(read(bytes), doctest::Contains(what), nusi::invalid_argument);
  };
  CHECK(read(good).completed == 2);
  SUBCASE("an empty file or a truncated header") {
    refused("", "truncated header");
    refused(header.substr(0, header.size() - 1), "truncated header");
    refused(header.substr(0, 20), "truncated header");
  }
  SUBCASE("not a journal, or another format") {
    refused("supernova,kind\n", "not a nusi scan journal");
    refused("nusi-scan-journal/2 nusi_version=0.1.0\n", "unsupported journal format");
    refused("nusi-scan-journal/1 jobs=5\n", "malformed header");
  }
  SUBCASE("a header whose checksum does not match") {
    std::string bad = good;
    bad[bad.find("jobs=5") + 5] = '6';  // jobs=6 under the CRC of jobs=5
    refused(bad, "header checksum mismatch");
  }
  SUBCASE("another plan, another version, another job count") {
    refused(journal_bytes({"0.1.0", std::string(64, 'b'), 5}, {}), "written for another plan");
    refused(journal_bytes({"0.2.0", std::string(64, 'a'), 5}, {}), "written by nusi version 0.2.0, this is nusi 0.1.0");
    refused(journal_bytes({"0.1.0", std::string(64, 'a'), 6}, {}), "records 6 jobs, the plan has 5");
  }
  SUBCASE("a record whose checksum does not match, anywhere, the last complete one too") {
    std::string bad = good;
    bad[header.size() + nusi::scan_journal_record(0, "a").size() - 2] = 'x';  // the row text of job 0
    refused(bad, "line 2: checksum mismatch");
    std::string last = good;
    last[last.size() - 2] = 'x';
    refused(last, "line 3: checksum mismatch");
  }
  SUBCASE("a record out of range, recorded twice, or malformed") {
    refused(journal_bytes(identity, {nusi::scan_journal_record(5, "a")}), "job 5 out of range [0, 5)");
    refused(journal_bytes(identity, {nusi::scan_journal_record(2, "a"), nusi::scan_journal_record(1, "b"), nusi::scan_journal_record(2, "a")}),
            "line 4: job 2 recorded twice (first on line 2)");
    refused(header + "garbage\n", "line 2: malformed record");
    refused(header + "01 00000000 a\n", "malformed record");  // a leading zero
    refused(header + "-1 00000000 a\n", "malformed record");
    refused(header + "1 0000000G a\n", "malformed record");
    refused(header + "1 00000000a\n", "malformed record");
    refused(header + "\n", "malformed record");
  }
  SUBCASE("a record longer than the limit, complete or not") {
    refused(header + std::string(nusi::scan_journal_max_record_bytes + 5, 'x') + "\n", "longer than");
    refused(header + std::string(nusi::scan_journal_max_record_bytes + 5, 'x'), "longer than");
  }
}

TEST_CASE("a damaged journal file is refused by its path, and the file is left as it was") {
  scratch_folder dir;
  const std::string path = dir.file("scan.csv.journal");
  std::string bytes = journal_bytes(identity, {nusi::scan_journal_record(0, "a"), nusi::scan_journal_record(1, "b")});
  bytes[bytes.size() - 2] = 'x';
  spit(path, bytes);
  CHECK_THROWS_WITH_AS(nusi::scan_journal(path, identity, nusi::scan_journal_mode::resume), doctest::Contains(("'" + path + "' line 3").c_str()),
                       nusi::invalid_argument);
  CHECK(slurp(path) == bytes);
}

TEST_CASE("journals refuse to overwrite, to open what is missing, a second user, and bad records") {
  scratch_folder dir;
  const std::string path = dir.file("j");
  CHECK_THROWS_WITH_AS(nusi::scan_journal(path, identity, nusi::scan_journal_mode::resume), doctest::Contains("cannot open"),
                       nusi::invalid_argument);
  nusi::scan_journal j(path, identity, nusi::scan_journal_mode::create);
  CHECK_THROWS_WITH_AS(nusi::scan_journal(path, identity, nusi::scan_journal_mode::create), doctest::Contains("exists"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::scan_journal(path, identity, nusi::scan_journal_mode::resume), doctest::Contains("in use by another run"),
                       nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(j.append(5, "a"), doctest::Contains("k"), nusi::invalid_argument);
  j.append(1, "a");
  CHECK_THROWS_WITH_AS(j.append(1, "a"), doctest::Contains("recorded already"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(j.append(2, "a\nb"), doctest::Contains("line break"), nusi::invalid_argument);
  std::ostringstream table;
  CHECK_THROWS_WITH_AS(j.write_table(table, "h"), doctest::Contains("holds 1 of 5 jobs"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::scan_journal(dir.file("no/such/folder/j"), identity, nusi::scan_journal_mode::create),
                       doctest::Contains("cannot create"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::scan_journal_header({"0 1", std::string(64, 'a'), 5}), doctest::Contains("nusi_version"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::scan_journal_header({"0.1.0", "abc", 5}), doctest::Contains("plan_sha256"), nusi::invalid_argument);
  CHECK_THROWS_WITH_AS(nusi::scan_journal_header({"0.1.0", std::string(64, 'a'), 0}), doctest::Contains("identity.jobs"),
                       nusi::invalid_argument);
}

TEST_CASE("write_table notices a record changed on disk after it was written") {
  scratch_folder dir;
  const std::string path = dir.file("j");
  const nusi::scan_journal_identity one{"0.1.0", std::string(64, 'a'), 1};
  nusi::scan_journal j(path, one, nusi::scan_journal_mode::create);
  j.append(0, "row");
  j.flush();
  std::string bytes = slurp(path);
  bytes[bytes.size() - 2] = 'x';
  spit(path, bytes);
  std::ostringstream os;
  CHECK_THROWS_WITH_AS(j.write_table(os, "h"), doctest::Contains("changed on disk"), nusi::invalid_argument);
}

TEST_CASE("the plan hash changes with any plan value and with a profile file's contents, and not otherwise") {
  const auto plan = small_plan();
  const std::string h = nusi::scan_plan_sha256(plan);
  CHECK(h.size() == 64);
  std::ostringstream text;
  nusi::write_scan_plan(text, plan);
  std::istringstream in(text.str());
  CHECK(nusi::scan_plan_sha256(nusi::read_scan_plan<double>(in, "again")) == h);  // the same plan, read back
  auto changed = plan;
  changed.log10_coupling.back() = std::nextafter(changed.log10_coupling.back(), 0.0);  // one bit
  CHECK(nusi::scan_plan_sha256(changed) != h);
  changed = plan;
  changed.supernovae[1].distance_cm *= 2;
  CHECK(nusi::scan_plan_sha256(changed) != h);

  scratch_folder dir;
  const std::string csv = dir.file("profile.csv");
  spit(csv, "radius_km,density_g_per_cm3,temperature_MeV\n10,1e14,30\n20,1e13,20\n");
  changed = plan;
  changed.supernovae[0].core_profile_csv = csv;
  const std::string with_file = nusi::scan_plan_sha256(changed);
  spit(csv, "radius_km,density_g_per_cm3,temperature_MeV\n10,1e14,30\n20,1e13,21\n");
  CHECK(nusi::scan_plan_sha256(changed) != with_file);
  fs::remove(csv);
  CHECK_THROWS_WITH_AS(nusi::scan_plan_sha256(changed), doctest::Contains("core_profile_csv"), nusi::invalid_argument);
}

TEST_CASE("replace_folder swaps a complete folder into place: the old contents go, nothing is left beside") {
  scratch_folder dir;
  const fs::path target = dir.path / "figures";
  for (int round = 0; round < 2; ++round) {
    CAPTURE(round);
    const fs::path fresh = nusi::detail::make_temporary_folder_beside("test", target);
    CHECK(fresh.parent_path() == dir.path);
    spit((fresh / ("round" + std::to_string(round))).string(), "x");
    nusi::detail::replace_folder(fresh, target);
    CHECK(fs::exists(target / ("round" + std::to_string(round))));
    if (round == 1) CHECK(!fs::exists(target / "round0"));  // round 0's folder was replaced whole, not merged
    CHECK(!fs::exists(fresh));
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 1);
  }
}

}  // namespace nusi_test_scan_journal
