// SPDX-License-Identifier: MIT
// Scans of the paper's two bounds over many supernovae: for each supernova (emitted spectrum, distance,
// core) and mass M, the bounds g_prop(M) (Sec. IV) and g_core(M) (Sec. III), and at each (M, g) the
// fraction F and the core's N_2to4. A scan_plan lists the jobs; run_scan runs them on threads, and
// scan_mpi.hpp over MPI ranks; both give the same table, bit for bit, for any thread or rank count.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <istream>
#include <limits>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core_bound.hpp"
#include "detail/text.hpp"
#include "errors.hpp"
#include "parallel.hpp"
#include "profiles.hpp"
#include "propagation_bound.hpp"
#include "propagation_setup.hpp"
#include "random_walk.hpp"
#include "spectra.hpp"
#include "transport/propagate.hpp"
#include "units.hpp"

namespace nusi {

/// One supernova of a scan: the emitted spectrum and distance (propagation, Sec. IV) and the core
/// (Sec. III). Defaults are the paper's (SN 1987A at 50 kpc, the default core case).
template <class Real>
struct supernova_scenario {
  /// Label in the output table (no commas, quotes or line breaks).
  std::string name = "paper";
  /// Emitted pinched spectrum: <E> [MeV] and <E^2> [MeV^2] (PHYSICS-SPEC "Spectra").
  Real mean_energy_MeV = Real(15);
  Real mean_square_energy_MeV2 = Real(290);
  Real distance_cm = kpc(Real(50));
  /// The core: power-law profile, region, <E> and neutrino-density preset (core_bound.hpp).
  core_inputs<Real> core{};
  /// When not empty, the core's profile is this CSV table (tabulated_profile::from_csv, radius_km,
  /// density_g_per_cm3, temperature_MeV) over [core.R_min_cm, core.R_max_cm] instead of the power law.
  std::string core_profile_csv;

  /// The emitted spectrum. Throws nusi::invalid_argument.
  pinched_spectrum<Real> emission() const {
    return pinched_spectrum<Real>::from_moments(mean_energy_MeV, mean_square_energy_MeV2);
  }
};

/// What to compute: every supernova times every mass, and per mass the bounds (if `bounds`) and the
/// points (M, g) for every g in log10_coupling. Propagation inputs other than the distance (relic
/// targets, threshold, level) and the numerical settings are shared by all supernovae.
template <class Real>
struct scan_plan {
  std::vector<supernova_scenario<Real>> supernovae{supernova_scenario<Real>{}};
  std::vector<Real> log10_mass_MeV;
  /// Couplings of the (M, g) points; may be empty (bounds only).
  std::vector<Real> log10_coupling;
  /// Compute g_prop(M) and g_core(M) for every mass.
  bool bounds = true;
  /// Relic targets, threshold and exclusion level (the mediator and distance are set per job).
  propagation_setup<Real> propagation{};
  /// Transport grid and bound-search settings (its `threads` is not used: the scan has its own).
  propagation_bound_options<Real> propagation_options{};

  /// Rows per (supernova, mass): one bound row if bounds, then one per coupling.
  std::size_t rows_per_mass() const { return (bounds ? 1 : 0) + log10_coupling.size(); }
  /// Rows (= jobs) of the whole scan.
  std::size_t rows() const { return supernovae.size() * log10_mass_MeV.size() * rows_per_mass(); }
};

/// A small plan that shows every kind of input: three supernovae (the paper's; a hotter spectrum with
/// the paper's conservative core; the paper's at 10 kpc), five masses across the resonance region and
/// three couplings around the bound. 60 rows, ~0.1 s on one core.
template <class Real>
scan_plan<Real> default_scan_plan() {
  scan_plan<Real> plan;
  supernova_scenario<Real> paper{};
  supernova_scenario<Real> hot{};
  hot.name = "hot_conservative_core";
  hot.mean_energy_MeV = Real(18);
  hot.mean_square_energy_MeV2 = Real(420);
  hot.core = core_inputs<Real>::paper_case(core_case::conservative);
  supernova_scenario<Real> near{};
  near.name = "galactic_10kpc";
  near.distance_cm = kpc(Real(10));
  plan.supernovae = {paper, hot, near};
  plan.log10_mass_MeV = {Real(-6), Real(-4), Real(-3.5L), Real(-3), Real(-2.5L)};
  plan.log10_coupling = {Real(-2.2L), Real(-2), Real(-1.8L)};
  return plan;
}

/// Row kinds of a scan table.
enum class scan_row_kind { bound, point };
/// `numerical_error`: the job threw nusi::numerical_error; its values are not filled.
enum class scan_status { ok, numerical_error };

/// One row of a scan table. Bound rows fill propagation_bound and log10_g_core; point rows fill
/// log10_coupling, fraction, propagation_excluded, N_2to4 and core_excluded.
template <class Real>
struct scan_row {
  std::size_t supernova = 0;  ///< index in plan.supernovae
  scan_row_kind kind = scan_row_kind::point;
  Real log10_mass_MeV = 0;
  Real log10_coupling = 0;  ///< point rows: log10 g of the point
  scan_status status = scan_status::ok;
  /// Point rows: F(M, g) = N(E > threshold at Earth)/N(emitted) with its noise floor (Sec. IV).
  threshold_fraction<Real> fraction{};
  /// Point rows: F <= level (an upper limit counts when its noise floor is <= level).
  bool propagation_excluded = false;
  /// Point rows: 2nu -> 4nu scatterings per neutrino in the core, g^8 N_2to4(g = 1, M) (Eq. 7).
  Real N_2to4 = 0;
  /// Point rows: N_2to4 >= 1 (the core bound's criterion).
  bool core_excluded = false;
  /// Bound rows: g_prop(M) of this supernova (propagation_bound.hpp).
  propagation_bound_point<Real> propagation_bound{};
  /// Bound rows: log10 g_core(M) = -log10 N_2to4(g = 1, M)/8; +infinity when N_2to4 = 0.
  Real log10_g_core = 0;
};

namespace detail {
template <class Real>
using scan_walk = std::variant<random_walk<Real, power_law_profile<Real>>, random_walk<Real, tabulated_profile<Real>>>;

template <class Real>
scan_walk<Real> make_scan_walk(const supernova_scenario<Real>& sn) {
  if (sn.core_profile_csv.empty()) return sn.core.walk();
  const neutrino_density_model<Real> neutrinos{.preset = sn.core.preset,
                                                .paper_quoted_density_per_cm3 = sn.core.paper_quoted_density_per_cm3,
                                                .degeneracy = sn.core.options.degeneracy,
                                                .species = sn.core.species};
  std::optional<tabulated_profile<Real>> table;
  try {
    table.emplace(tabulated_profile<Real>::from_csv(sn.core_profile_csv, neutrinos));
  } catch (const invalid_argument& e) {
    throw invalid_argument("nusi::scan_runner: supernova '" + sn.name + "' core_profile_csv: " + e.what());
  }
  return random_walk<Real, tabulated_profile<Real>>(*table, sn.core.region(), sn.core.sigma_nuN, sn.core.options);
}

inline bool scan_name_ok(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c == ',' || c == '"' || c == '\n' || c == '\r' || c == '[' || c == ']') return false;
  return name.find_first_not_of(" \t") != std::string::npos && name.front() != ' ' && name.back() != ' ';
}
}  // namespace detail

/// A validated plan ready to run: the cores' random walks are built once, and any job can be run by
/// its index, on any thread or MPI rank (run() is const and thread-safe). Throws nusi::invalid_argument
/// naming the first bad input.
template <class Real>
class scan_runner {
 public:
  explicit scan_runner(scan_plan<Real> plan) : plan_(std::move(plan)) {
    constexpr std::string_view fn = "nusi::scan_runner";
    if (plan_.supernovae.empty()) detail::throw_invalid(fn, "plan.supernovae.size()", ">= 1", 0);
    if (plan_.log10_mass_MeV.empty()) detail::throw_invalid(fn, "plan.log10_mass_MeV.size()", ">= 1", 0);
    if (plan_.rows_per_mass() == 0)
      detail::throw_invalid(fn, "plan.log10_coupling.size()", ">= 1 when plan.bounds is false", 0);
    for (Real lm : plan_.log10_mass_MeV) detail::require_closed_interval(fn, "plan.log10_mass_MeV", lm, lowest_log10_mass_MeV<Real>, highest_log10_mass_MeV<Real>);
    for (Real lg : plan_.log10_coupling) detail::require_closed_interval(fn, "plan.log10_coupling", lg, lowest_log10_coupling<Real>, highest_log10_coupling<Real>);
    detail::validate_bound_options(fn, plan_.propagation_options);
    for (std::size_t s = 0; s < plan_.supernovae.size(); ++s) {
      const auto& sn = plan_.supernovae[s];
      if (!detail::scan_name_ok(sn.name))
        throw invalid_argument(std::string(fn) + ": supernova name '" + sn.name +
                               "' must be non-empty, without commas, quotes, brackets or line breaks");
      for (std::size_t t = 0; t < s; ++t)
        if (plan_.supernovae[t].name == sn.name)
          throw invalid_argument(std::string(fn) + ": supernova name '" + sn.name + "' appears twice");
      emissions_.push_back(sn.emission());
      // Used only inside jobs (core_bound), so checked here: a bad value is a bad plan, not a failed row.
      detail::require_positive(fn, "supernovae[" + std::to_string(s) + "].core.kappa", sn.core.kappa);
      detail::require_positive(fn, "supernovae[" + std::to_string(s) + "].core.vector_angular_factor", sn.core.vector_angular_factor);
      propagation_setup<Real> setup = setup_for(s, plan_.log10_mass_MeV.front(), Real(-2));
      setup.validate(fn);
      (void)make_energy_grid(setup, plan_.propagation_options.transport.energy);  // grid options
      walks_.push_back(detail::make_scan_walk(sn));
    }
  }

  const scan_plan<Real>& plan() const { return plan_; }
  /// Number of jobs; job k fills row k of the table.
  std::size_t jobs() const { return plan_.rows(); }

  /// Row k, computed from the plan alone. A nusi::numerical_error inside the job gives a row with
  /// status numerical_error; other exceptions propagate.
  scan_row<Real> run(std::size_t k) const {
    scan_row<Real> row = skeleton(k);
    try {
      fill(row);
    } catch (const numerical_error&) {
      row = skeleton(k);
      row.status = scan_status::numerical_error;
    }
    return row;
  }

  /// Row k with its inputs only (supernova, kind, mass, coupling): what a rank that did not run
  /// job k knows about it.
  scan_row<Real> skeleton(std::size_t k) const {
    if (k >= jobs()) detail::throw_invalid("nusi::scan_runner::skeleton", "k", "< jobs() = " + detail::to_text(jobs()), k);
    const std::size_t per_mass = plan_.rows_per_mass(), masses = plan_.log10_mass_MeV.size();
    scan_row<Real> row;
    row.supernova = k / (masses * per_mass);
    const std::size_t mass = (k / per_mass) % masses;
    std::size_t slot = k % per_mass;
    row.log10_mass_MeV = plan_.log10_mass_MeV[mass];
    if (plan_.bounds && slot == 0) {
      row.kind = scan_row_kind::bound;
      row.propagation_bound.log10_mass_MeV = row.log10_mass_MeV;
    } else {
      if (plan_.bounds) --slot;
      row.kind = scan_row_kind::point;
      row.log10_coupling = plan_.log10_coupling[slot];
    }
    return row;
  }

 private:
  propagation_setup<Real> setup_for(std::size_t s, Real log10_mass_MeV, Real log10_coupling) const {
    using std::pow;
    propagation_setup<Real> setup = plan_.propagation;
    setup.distance_cm = plan_.supernovae[s].distance_cm;
    setup.med.mass_MeV = pow(Real(10), log10_mass_MeV);
    setup.med.coupling = pow(Real(10), log10_coupling);
    return setup;
  }
  void fill(scan_row<Real>& row) const {
    using std::pow;
    const supernova_scenario<Real>& sn = plan_.supernovae[row.supernova];
    const Real mass_MeV = pow(Real(10), row.log10_mass_MeV);
    const core_bound_result<Real> core = std::visit(
        [&](const auto& walk) {
          return core_bound(walk, mass_MeV, sn.core.kappa, sn.core.kind, sn.core.vector_angular_factor,
                            sn.core.E_cm_convention);
        },
        walks_[row.supernova]);
    const propagation_setup<Real> setup = setup_for(row.supernova, row.log10_mass_MeV, row.log10_coupling);
    if (row.kind == scan_row_kind::bound) {
      row.propagation_bound = propagation_bound(row.log10_mass_MeV, setup, emissions_[row.supernova],
                                                plan_.propagation_options);
      row.log10_g_core = core.log10_coupling_bound;
      return;
    }
    row.fraction = fraction_above_threshold(setup, emissions_[row.supernova], plan_.propagation_options.transport);
    const Real level = setup.exclusion_level;
    row.propagation_excluded = row.fraction.is_upper_limit ? row.fraction.noise_floor <= level : row.fraction.value <= level;
    row.N_2to4 = pow(Real(10), 8 * row.log10_coupling) * core.N_2to4_at_g1.value;  // sigma_2to4 ~ g^8 (Eqs. 2-3)
    row.core_excluded = row.N_2to4 >= 1;
  }

  scan_plan<Real> plan_;
  std::vector<pinched_spectrum<Real>> emissions_;
  std::vector<detail::scan_walk<Real>> walks_;
};

/// The jobs `jobs` (each < runner.jobs(), none twice) dealt to `parts` workers (MPI ranks, machines),
/// each list in job order: bound rows (each ~12 transport solves) are dealt round-robin, then point rows
/// (one solve each) continue the deal, so no worker has more than one bound row and one point row above
/// another's. (A plain k % parts split gives every bound row to one worker when the rows per mass are a
/// multiple of parts.) A resumed scan deals the jobs its journal does not hold yet.
/// @throws nusi::invalid_argument if parts is 0 or above 1000000, or a job is out of range.
template <class Real>
std::vector<std::vector<std::size_t>> scan_shares(const scan_runner<Real>& runner, std::size_t parts,
                                                  const std::vector<std::size_t>& jobs) {
  if (parts < 1) detail::throw_invalid("nusi::scan_shares", "parts", ">= 1", parts);
  if (parts > 1000000) detail::throw_invalid("nusi::scan_shares", "parts", "<= 1000000", parts);
  for (const std::size_t k : jobs)
    if (k >= runner.jobs()) detail::throw_invalid("nusi::scan_shares", "jobs", "< runner.jobs() = " + detail::to_text(runner.jobs()), k);
  std::vector<std::vector<std::size_t>> share(parts);
  std::size_t dealt = 0;
  for (const scan_row_kind kind : {scan_row_kind::bound, scan_row_kind::point})
    for (const std::size_t k : jobs)
      if (runner.skeleton(k).kind == kind) share[dealt++ % parts].push_back(k);
  for (auto& s : share) std::sort(s.begin(), s.end());
  return share;
}
/// Every job of the runner dealt to `parts` workers (the overload above with jobs 0 .. jobs() - 1).
template <class Real>
std::vector<std::vector<std::size_t>> scan_shares(const scan_runner<Real>& runner, std::size_t parts) {
  std::vector<std::size_t> all(runner.jobs());
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
  return scan_shares(runner, parts, all);
}

/// Runs every job of the plan on `threads` threads (0: all cores; parallel.hpp) and returns the table
/// in job order: the same, bit for bit, for any thread count.
/// @throws nusi::invalid_argument on a bad plan (scan_runner) or threads > max_threads.
template <class Real>
std::vector<scan_row<Real>> run_scan(const scan_plan<Real>& plan, std::size_t threads = 0) {
  detail::require_thread_count("nusi::run_scan", "threads", threads);
  const scan_runner<Real> runner(plan);
  std::vector<scan_row<Real>> rows(runner.jobs());
  parallel_for(rows.size(), threads, [&](std::size_t k) { rows[k] = runner.run(k); });
  return rows;
}

namespace detail {
template <class Real>
std::string scan_number(Real x) {
  using std::isinf;
  using std::isnan;
  if (isnan(x)) return "nan";
  if (isinf(x)) return x > 0 ? "inf" : "-inf";
  std::ostringstream os;
  os.precision(std::numeric_limits<Real>::max_digits10);
  os << x;
  return os.str();
}
inline const char* scan_bool(bool b) { return b ? "true" : "false"; }

/// The values a job computes, packed into Reals (for MPI transfer) and back onto the job's skeleton
/// row: status, fraction (3), propagation_excluded, N_2to4, core_excluded, bound (log10 g, found, F,
/// evaluations), log10_g_core.
inline constexpr std::size_t scan_packed_size = 12;
template <class Real>
void pack_scan_row(const scan_row<Real>& r, Real* out) {
  out[0] = r.status == scan_status::ok ? Real(0) : Real(1);
  out[1] = r.fraction.value;
  out[2] = r.fraction.noise_floor;
  out[3] = r.fraction.is_upper_limit ? Real(1) : Real(0);
  out[4] = r.propagation_excluded ? Real(1) : Real(0);
  out[5] = r.N_2to4;
  out[6] = r.core_excluded ? Real(1) : Real(0);
  out[7] = r.propagation_bound.log10_g_bound;
  out[8] = r.propagation_bound.found ? Real(1) : Real(0);
  out[9] = r.propagation_bound.fraction_at_bound;
  out[10] = Real(r.propagation_bound.evaluations);
  out[11] = r.log10_g_core;
}
template <class Real>
void unpack_scan_row(const Real* in, scan_row<Real>& r) {
  r.status = in[0] == Real(0) ? scan_status::ok : scan_status::numerical_error;
  r.fraction = {in[1], in[2], in[3] != Real(0)};
  r.propagation_excluded = in[4] != Real(0);
  r.N_2to4 = in[5];
  r.core_excluded = in[6] != Real(0);
  r.propagation_bound.log10_g_bound = in[7];  // log10_mass_MeV: from the skeleton
  r.propagation_bound.found = in[8] != Real(0);
  r.propagation_bound.fraction_at_bound = in[9];
  r.propagation_bound.evaluations = static_cast<std::size_t>(in[10]);
  r.log10_g_core = in[11];
}
}  // namespace detail

/// The header line of the scan CSV table (without the line break).
inline constexpr std::string_view scan_csv_header =
    "supernova,kind,log10_mass_MeV,log10_g,F,F_noise_floor,F_is_upper_limit,propagation_excluded,N_2to4,"
    "core_excluded,log10_g_prop,g_prop_found,F_at_g_prop,log10_g_core,status";

/// One line of the scan CSV table (without the line break): full-precision numbers (max_digits10, so
/// the text identifies each value exactly); cells that do not apply to the row's kind are empty. The
/// text depends on the row alone, which is what lets a journal (scan_journal.hpp) store it.
/// @throws nusi::invalid_argument if row.supernova is not below plan.supernovae.size().
template <class Real>
std::string scan_csv_row(const scan_plan<Real>& plan, const scan_row<Real>& r) {
  if (r.supernova >= plan.supernovae.size())
    detail::throw_invalid("nusi::scan_csv_row", "row.supernova", "< plan.supernovae.size() = " + detail::to_text(plan.supernovae.size()),
                          r.supernova);
  using detail::scan_bool;
  using detail::scan_number;
  std::ostringstream os;
  os << plan.supernovae[r.supernova].name << ',' << (r.kind == scan_row_kind::bound ? "bound" : "point") << ','
     << scan_number(r.log10_mass_MeV) << ',';
  const bool ok = r.status == scan_status::ok;
  if (r.kind == scan_row_kind::point) {
    os << scan_number(r.log10_coupling) << ',';
    if (ok)
      os << scan_number(r.fraction.value) << ',' << scan_number(r.fraction.noise_floor) << ','
         << scan_bool(r.fraction.is_upper_limit) << ',' << scan_bool(r.propagation_excluded) << ','
         << scan_number(r.N_2to4) << ',' << scan_bool(r.core_excluded) << ",,,,";
    else
      os << ",,,,,,,,,";
  } else {
    os << ",,,,,,,";
    if (ok)
      os << scan_number(r.propagation_bound.log10_g_bound) << ',' << scan_bool(r.propagation_bound.found) << ','
         << scan_number(r.propagation_bound.fraction_at_bound) << ',' << scan_number(r.log10_g_core) << ',';
    else
      os << ",,,,";
  }
  os << (ok ? "ok" : "numerical_error");
  return os.str();
}

/// The table as CSV: scan_csv_header, then scan_csv_row of every row, each line ending in '\n'.
/// @throws nusi::invalid_argument if a row's supernova index is not below plan.supernovae.size().
template <class Real>
void write_scan_csv(std::ostream& os, const scan_plan<Real>& plan, const std::vector<scan_row<Real>>& rows) {
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].supernova >= plan.supernovae.size())
      detail::throw_invalid("nusi::write_scan_csv", "rows[" + std::to_string(i) + "].supernova",
                            "< plan.supernovae.size() = " + detail::to_text(plan.supernovae.size()), rows[i].supernova);
  os << scan_csv_header << '\n';
  for (const scan_row<Real>& r : rows) os << scan_csv_row(plan, r) << '\n';
}

/// Writes a plan in the text format read_scan_plan reads (every value at full precision, so reading
/// it back gives the same plan).
template <class Real>
void write_scan_plan(std::ostream& os, const scan_plan<Real>& plan) {
  using detail::scan_number;
  auto list = [](const std::vector<Real>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) s += ' ';
      s += scan_number(v[i]);
    }
    return s;
  };
  const auto& p = plan.propagation;
  const auto& e = plan.propagation_options.transport.energy;
  os << "# nusi scan plan (key = value; lists are space-separated or 'range FROM TO STEP')\n"
     << "log10_mass_MeV = " << list(plan.log10_mass_MeV) << "\n"
     << "log10_g = " << list(plan.log10_coupling) << "\n"
     << "bounds = " << detail::scan_bool(plan.bounds) << "\n"
     << "relic_mass_MeV = " << scan_number(p.relic.mass_MeV) << "\n"
     << "relic_density_per_cm3 = " << scan_number(p.relic.total_density_per_cm3) << "\n"
     << "dirac = " << detail::scan_bool(p.relic.nature == neutrino_nature::dirac) << "\n"
     << "relic_counting = " << (p.relic.counting == relic_counting::same_mass_state ? "same_mass_state" : "all_mass_states") << "\n"
     << "threshold_MeV = " << scan_number(p.threshold_MeV) << "\n"
     << "level = " << scan_number(p.exclusion_level) << "\n"
     << "energy_bins = " << e.bins << "\n"
     << "min_energy_MeV = " << scan_number(e.min_energy_MeV) << "\n"
     << "max_energy_MeV = " << scan_number(e.max_energy_MeV) << "\n";
  for (const auto& sn : plan.supernovae) {
    os << "\n[supernova " << sn.name << "]\n"
       << "mean_energy_MeV = " << scan_number(sn.mean_energy_MeV) << "\n"
       << "mean_square_energy_MeV2 = " << scan_number(sn.mean_square_energy_MeV2) << "\n"
       << "distance_cm = " << scan_number(sn.distance_cm) << "\n"
       << "core_R_min_cm = " << scan_number(sn.core.R_min_cm) << "\n"
       << "core_R_max_cm = " << scan_number(sn.core.R_max_cm) << "\n"
       << "core_mean_energy_MeV = " << scan_number(sn.core.mean_energy_MeV) << "\n"
       << "core_preset = " << (sn.core.preset == neutrino_density_preset::fermi_dirac ? "fermi_dirac" : "paper_quoted")
       << "\n"
       << "core_E_cm = "
       << (sn.core.E_cm_convention == centre_of_mass_convention::isotropic_mean_s ? "isotropic_mean_s" : "head_on") << "\n";
    if (!sn.core_profile_csv.empty()) os << "core_profile_csv = " << sn.core_profile_csv << "\n";
  }
}

namespace detail {
template <class Real>
Real scan_parse_number(const std::string& where, const std::string& key, const std::string& text) {
  const auto v = parse_finite_number(text);
  // Finite as long double and as Real: 1e400 is a finite long double but overflows double.
  if (!v || !is_finite(static_cast<Real>(*v)))
    throw invalid_argument(where + ": " + key + " expects a finite number, got '" + text + "'");
  return static_cast<Real>(*v);
}
template <class Real>
std::vector<Real> scan_parse_list(const std::string& where, const std::string& key, const std::string& value) {
  using std::floor;
  std::istringstream is(value);
  std::vector<std::string> words;
  for (std::string w; is >> w;) words.push_back(w);
  std::vector<Real> out;
  if (!words.empty() && words[0] == "range") {
    if (words.size() != 4) throw invalid_argument(where + ": " + key + " = range expects FROM TO STEP, got '" + value + "'");
    const Real from = scan_parse_number<Real>(where, key, words[1]), to = scan_parse_number<Real>(where, key, words[2]);
    const Real step = scan_parse_number<Real>(where, key, words[3]);
    if (!(step > 0)) throw invalid_argument(where + ": " + key + " range step must be > 0, got " + to_text(step));
    if (from > to) throw invalid_argument(where + ": " + key + " range FROM must be <= TO, got " + to_text(from));
    const Real count = floor((to - from) / step + Real(1e-3L)) + 1;  // inclusive, as propagation_bound_curve
    if (count > Real(100000)) throw invalid_argument(where + ": " + key + " range gives more than 100000 values");
    for (std::size_t k = 0; k < static_cast<std::size_t>(count); ++k) out.push_back(from + Real(k) * step);
    return out;
  }
  for (const auto& w : words) out.push_back(scan_parse_number<Real>(where, key, w));
  return out;
}
inline bool scan_parse_bool(const std::string& where, const std::string& key, const std::string& value) {
  if (value == "true") return true;
  if (value == "false") return false;
  throw invalid_argument(where + ": " + key + " expects true or false, got '" + value + "'");
}
}  // namespace detail

/// Reads a plan from text: `key = value` lines, `#` comments, and `[supernova NAME]` sections, each
/// a supernova with the defaults of supernova_scenario until its keys change them (none: one paper
/// supernova). Keys before the first section: log10_mass_MeV, log10_g (lists: numbers or `range
/// FROM TO STEP`, inclusive), bounds, relic_mass_eV|relic_mass_MeV, relic_density_per_cm3, dirac,
/// relic_counting (all_mass_states|same_mass_state), threshold_MeV, level, energy_bins, min_energy_MeV,
/// max_energy_MeV. Section keys: mean_energy_MeV, mean_square_energy_MeV2, distance_kpc|distance_cm,
/// core_R_min_km|core_R_min_cm, core_R_max_km|core_R_max_cm, core_mean_energy_MeV, core_preset
/// (fermi_dirac|paper_quoted), core_E_cm (head_on|isotropic_mean_s), core_profile_csv (a path). `source` names the input in messages. Throws nusi::invalid_argument
/// "source:line: ..." on an unknown key, a malformed value or a key in the wrong place.
template <class Real>
scan_plan<Real> read_scan_plan(std::istream& in, const std::string& source = "plan") {
  scan_plan<Real> plan;
  plan.supernovae.clear();
  bool masses_given = false;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const std::string where = source + ":" + std::to_string(line_number);
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    line = detail::trim(line);
    if (line.empty()) continue;
    if (line.front() == '[') {
      const std::string prefix = "[supernova ";
      if (line.back() != ']' || line.rfind(prefix, 0) != 0)
        throw invalid_argument(detail::concat_text(where, ": expected a section '[supernova NAME]', got '", line, "'"));
      supernova_scenario<Real> sn{};
      sn.name = detail::trim(line.substr(prefix.size(), line.size() - prefix.size() - 1));
      if (!detail::scan_name_ok(sn.name))
        throw invalid_argument(where + ": supernova name '" + sn.name +
                               "' must be non-empty, without commas, quotes, brackets or line breaks");
      plan.supernovae.push_back(sn);
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw invalid_argument(detail::concat_text(where, ": expected 'key = value', got '", line, "'"));
    const std::string key = detail::trim(line.substr(0, eq)), value = detail::trim(line.substr(eq + 1));
    auto number = [&] { return detail::scan_parse_number<Real>(where, key, value); };
    const bool in_section = !plan.supernovae.empty();
    auto& p = plan.propagation;
    auto& e = plan.propagation_options.transport.energy;
    bool global_key = true;
    if (key == "log10_mass_MeV") {
      plan.log10_mass_MeV = detail::scan_parse_list<Real>(where, key, value);
      masses_given = true;
    } else if (key == "log10_g") {
      plan.log10_coupling = detail::scan_parse_list<Real>(where, key, value);
    } else if (key == "bounds") {
      plan.bounds = detail::scan_parse_bool(where, key, value);
    } else if (key == "relic_mass_eV") {
      p.relic.mass_MeV = eV(number());
    } else if (key == "relic_mass_MeV") {
      p.relic.mass_MeV = number();
    } else if (key == "relic_density_per_cm3") {
      p.relic.total_density_per_cm3 = number();
    } else if (key == "dirac") {
      p.relic.nature = detail::scan_parse_bool(where, key, value) ? neutrino_nature::dirac : neutrino_nature::majorana;
    } else if (key == "relic_counting") {
      if (value == "all_mass_states") p.relic.counting = relic_counting::all_mass_states;
      else if (value == "same_mass_state") p.relic.counting = relic_counting::same_mass_state;
      else throw invalid_argument(detail::concat_text(where, ": relic_counting expects all_mass_states or same_mass_state, got '", value, "'"));
    } else if (key == "threshold_MeV") {
      p.threshold_MeV = number();
    } else if (key == "level") {
      p.exclusion_level = number();
    } else if (key == "energy_bins") {
      using std::floor;
      const Real bins = number();
      if (!(bins >= 4 && bins <= 100000 && bins == floor(bins)))
        throw invalid_argument(detail::concat_text(where, ": energy_bins expects an integer in [4, 100000], got '", value, "'"));
      e.bins = static_cast<std::size_t>(bins);
    } else if (key == "min_energy_MeV") {
      e.min_energy_MeV = number();
    } else if (key == "max_energy_MeV") {
      e.max_energy_MeV = number();
    } else {
      global_key = false;
    }
    if (global_key) {
      if (in_section) throw invalid_argument(detail::concat_text(where, ": key '", key, "' belongs before the first [supernova] section"));
      continue;
    }
    if (!in_section) throw invalid_argument(detail::concat_text(where, ": unknown key '", key, "' (supernova keys go in a [supernova NAME] section)"));
    supernova_scenario<Real>& sn = plan.supernovae.back();
    if (key == "mean_energy_MeV") sn.mean_energy_MeV = number();
    else if (key == "mean_square_energy_MeV2") sn.mean_square_energy_MeV2 = number();
    else if (key == "distance_kpc") sn.distance_cm = kpc(number());
    else if (key == "distance_cm") sn.distance_cm = number();
    else if (key == "core_R_min_km") sn.core.R_min_cm = km(number());
    else if (key == "core_R_min_cm") sn.core.R_min_cm = number();
    else if (key == "core_R_max_km") sn.core.R_max_cm = km(number());
    else if (key == "core_R_max_cm") sn.core.R_max_cm = number();
    else if (key == "core_mean_energy_MeV") sn.core.mean_energy_MeV = number();
    else if (key == "core_preset") {
      if (value == "fermi_dirac") sn.core.preset = neutrino_density_preset::fermi_dirac;
      else if (value == "paper_quoted") sn.core.preset = neutrino_density_preset::paper_quoted;
      else throw invalid_argument(detail::concat_text(where, ": core_preset expects fermi_dirac or paper_quoted, got '", value, "'"));
    } else if (key == "core_E_cm") {
      if (value == "head_on") sn.core.E_cm_convention = centre_of_mass_convention::head_on;
      else if (value == "isotropic_mean_s") sn.core.E_cm_convention = centre_of_mass_convention::isotropic_mean_s;
      else throw invalid_argument(detail::concat_text(where, ": core_E_cm expects head_on or isotropic_mean_s, got '", value, "'"));
    } else if (key == "core_profile_csv") {
      if (value.empty()) throw invalid_argument(where + ": core_profile_csv expects a path");
      sn.core_profile_csv = value;
    } else {
      throw invalid_argument(detail::concat_text(where, ": unknown key '", key, "'"));
    }
  }
  if (!masses_given || plan.log10_mass_MeV.empty())
    throw invalid_argument(source + ": log10_mass_MeV must list at least one mass");
  if (plan.supernovae.empty()) plan.supernovae.push_back(supernova_scenario<Real>{});
  return plan;
}

/// read_scan_plan from a file. Throws nusi::invalid_argument if it cannot be opened or read.
template <class Real>
scan_plan<Real> read_scan_plan_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw invalid_argument("nusi::read_scan_plan_file: cannot open plan file '" + path + "'");
  return read_scan_plan<Real>(in, path);
}

}  // namespace nusi
