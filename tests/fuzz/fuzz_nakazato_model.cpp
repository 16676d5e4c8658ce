// SPDX-License-Identifier: MIT
// Fuzz target: nusi::read_nakazato_model<double> (Nakazato et al. 2013 tables) on arbitrary bytes. The
// first byte picks the bins per block (1 + byte % 20; the published tables have 20, small blocks let
// the fuzzer reach the fit and the model), the rest is the table. It is rejected with
// nusi::invalid_argument naming the reader, or yields a model whose every flavour, flux, fluence,
// sample and windowed fraction is finite and in range (emission_checks.hpp). Anything else is a
// finding. Run by the target nusi_fuzz.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include <nusi/emission/nakazato.hpp>

#include "emission_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const nusi::nakazato_options options{.bins_per_block = 1 + std::size_t(data[0]) % 20};
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  try {
    nusi_fuzz::check_model("fuzz_nakazato_model", nusi::read_nakazato_model<double>(in, "fuzz.dat", options));
  } catch (const nusi::invalid_argument& e) {
    nusi_fuzz::require_reader_message("fuzz_nakazato_model", e.what(), "nusi::read_nakazato_model");
  }
  return 0;
}
