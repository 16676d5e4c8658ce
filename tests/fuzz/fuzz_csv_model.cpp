// SPDX-License-Identifier: MIT
// Fuzz target: nusi::read_csv_model<double> (nusi's CSV supernova model) on arbitrary bytes. A file is
// rejected with nusi::invalid_argument naming the reader, or yields a model whose every flavour, flux
// after conversion, fluence, sample and windowed fraction is finite and in range (emission_checks.hpp).
// Anything else (another exception, a NaN, a crash, a sanitizer report) is a finding. Run by the target
// nusi_fuzz.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <nusi/emission/csv_model.hpp>

#include "emission_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  try {
    nusi_fuzz::check_model("fuzz_csv_model", nusi::read_csv_model<double>(in, "fuzz.csv"));
  } catch (const nusi::invalid_argument& e) {
    nusi_fuzz::require_reader_message("fuzz_csv_model", e.what(), "nusi::read_csv_model");
  }
  return 0;
}
