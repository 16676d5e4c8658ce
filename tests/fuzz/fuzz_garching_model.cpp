// SPDX-License-Identifier: MIT
// Fuzz target: nusi::read_garching_flavor<double> (one flavour's file of the Garching archive) on
// arbitrary bytes. A file is rejected with nusi::invalid_argument naming the reader, or yields an emission
// whose rows, interpolants, totals, fluence, samples and windowed fractions are finite and in range
// (emission_checks.hpp). Anything else (another exception, a NaN, a crash, a sanitizer report) is a
// finding. Run by the target nusi_fuzz.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include <nusi/emission/garching.hpp>

#include "emission_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    auto e = nusi::read_garching_flavor<double>(in, "fuzz_nux");
    const nusi::supernova_model<double> model(std::nullopt, std::nullopt, std::move(e));
    nusi_fuzz::check_model("fuzz_garching_model", model);
  } catch (const nusi::invalid_argument& e) {
    nusi_fuzz::require_reader_message("fuzz_garching_model", e.what(), "nusi::read_garching_flavor");
  }
  return 0;
}
