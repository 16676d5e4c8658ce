// SPDX-License-Identifier: MIT
// One entry point for the model readers: a path and a format name (garching: the files' common prefix,
// `<path>_nue`, `<path>_nuebar`, `<path>_nux`; nakazato and csv: the file). Throws nusi::invalid_argument.
#pragma once

#include <filesystem>
#include <string>

#include "../errors.hpp"
#include "csv_model.hpp"
#include "garching.hpp"
#include "nakazato.hpp"
#include "reader_support.hpp"
#include "supernova_model.hpp"

namespace nusi {

/// Reads a model in `format` from `path` (each file's SHA-256 in model.files()). @throws
/// nusi::invalid_argument if a file is missing or malformed (naming file, line and column) or the
/// format is unknown.
template <class Real>
supernova_model<Real> load_supernova_model(const std::filesystem::path& path, emission_format format) {
  switch (format) {
    case emission_format::garching: return load_garching_model<Real>(path);
    case emission_format::nakazato: return load_nakazato_model<Real>(path);
    case emission_format::csv: return load_csv_model<Real>(path);
  }
  detail::throw_invalid("nusi::load_supernova_model", "format", "garching, nakazato or csv", static_cast<int>(format));
}

}  // namespace nusi
