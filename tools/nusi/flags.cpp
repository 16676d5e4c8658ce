// SPDX-License-Identifier: MIT
// The flag groups of the nusi tool (flags.hpp): declarations, defaults from the library, checks.
#include "flags.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "output.hpp"

namespace nusi_tool {

namespace {
double km_to_cm(double x) { return nusi::km(x); }
double kpc_to_cm(double x) { return nusi::kpc(x); }
double eV_to_MeV(double x) { return nusi::eV(x); }
double exp10(double x) { return std::pow(10.0, x); }

std::string range_text(double lo, double hi) { return "[" + number_text(lo) + ", " + number_text(hi) + "]"; }
}  // namespace

double flag_value(double library_value, double (*to_library)(double), double approximate) {
  for (int digits = 1; digits <= 17; ++digits) {
    const double x = std::strtod(fmt::format("{:.{}g}", approximate, digits).c_str(), nullptr);
    if (to_library(x) == library_value) return x;
  }
  double x = approximate;  // the decimals missed: the nearest doubles around the quotient
  for (int k = 0; k < 64; ++k, x = std::nextafter(x, library_value > to_library(x) ? INFINITY : -INFINITY))
    if (to_library(x) == library_value) return x;
  throw std::logic_error(fmt::format("nusi: no flag value converts to the library's {}", library_value));
}

void require_in_range(const std::string& flag, double value, double lo, double hi) {
  if (!(value >= lo && value <= hi))
    throw usage_error(flag + " must be in " + range_text(lo, hi) + ", got " + number_text(value));
}

void require_positive(const std::string& flag, double value) {
  if (!(value > 0)) throw usage_error(flag + " must be > 0, got " + number_text(value));
}

// --- mediator ---------------------------------------------------------------------------------------

mediator_flags::mediator_flags() {
  const nusi::propagation_setup<double> s;
  log10_mass_MeV = flag_value(s.med.mass_MeV, exp10, std::log10(s.med.mass_MeV));
  log10_g = flag_value(s.med.coupling, exp10, std::log10(s.med.coupling));
}

void mediator_flags::declare(command& c) {
  c.number("--log10-mass-MeV", log10_mass_MeV, "log10 of the mediator mass M/MeV");
  c.number("--log10-g", log10_g, "log10 of the coupling g");
}

nusi::mediator<double> mediator_flags::mediator() const {
  require_in_range("--log10-mass-MeV", log10_mass_MeV, nusi::lowest_log10_mass_MeV<double>, nusi::highest_log10_mass_MeV<double>);
  require_in_range("--log10-g", log10_g, nusi::lowest_log10_coupling<double>, nusi::highest_log10_coupling<double>);
  return {.mass_MeV = std::pow(10.0, log10_mass_MeV), .coupling = std::pow(10.0, log10_g)};
}

// --- propagation ------------------------------------------------------------------------------------

propagation_flags::propagation_flags() {
  const nusi::propagation_setup<double> s;
  const nusi::supernova_emission<double> e;
  const nusi::energy_grid_options<double> g;
  dirac = s.relic.nature == nusi::neutrino_nature::dirac;
  threshold_MeV = s.threshold_MeV;
  distance_kpc = flag_value(s.distance_cm, kpc_to_cm, s.distance_cm / nusi::kpc_cm<double>);
  exclusion_level = s.exclusion_level;
  relic_mass_eV = flag_value(s.relic.mass_MeV, eV_to_MeV, s.relic.mass_MeV * 1e6);
  relic_density_per_cm3 = s.relic.total_density_per_cm3;
  mean_energy_MeV = e.mean_energy_MeV;
  mean_square_energy_MeV2 = e.mean_square_energy_MeV2;
  energy_erg = e.energy_erg;
  energy_bins = static_cast<long>(g.bins);
  min_energy_MeV = g.min_energy_MeV;
  max_energy_MeV = g.max_energy_MeV;
}

void propagation_flags::declare(command& c, unsigned parts) {
  c.flag("--dirac", dirac, "Dirac relic neutrinos: half the targets (default Majorana)");
  c.number("--threshold-MeV", threshold_MeV, "detection threshold of F = N(E > threshold)/N(emitted)", "MeV");
  c.number("--distance-kpc", distance_kpc, "distance D to the supernova", "kpc");
  if (parts & level) c.number("--level", exclusion_level, "exclusion level: excluded where F <= level, in (0, 1)");
  c.number("--relic-mass-eV", relic_mass_eV, "relic-neutrino mass m_nu", "eV");
  c.number("--relic-density-per-cm3", relic_density_per_cm3, "total relic density, nu and nubar of all flavours", "cm^-3");
  c.number("--mean-energy-MeV", mean_energy_MeV, "emitted <E> (pinched spectrum)", "MeV");
  c.number("--mean-square-energy-MeV2", mean_square_energy_MeV2, "emitted <E^2>", "MeV^2");
  if (parts & source_energy) c.number("--energy-erg", energy_erg, "energy emitted in the detected flavour", "erg");
  if (parts & grid) {
    c.integer("--energy-bins", energy_bins, "energy nodes of the transport grid");
    c.number("--min-energy-MeV", min_energy_MeV, "lowest grid energy", "MeV");
    c.number("--max-energy-MeV", max_energy_MeV, "highest grid energy", "MeV");
  }
}

nusi::propagation_setup<double> propagation_flags::setup() const {
  require_positive("--distance-kpc", distance_kpc);
  if (!(exclusion_level > 0 && exclusion_level < 1))
    throw usage_error("--level must be in (0, 1), got " + number_text(exclusion_level));
  require_positive("--relic-mass-eV", relic_mass_eV);
  require_positive("--relic-density-per-cm3", relic_density_per_cm3);
  if (!(min_energy_MeV > 0 && min_energy_MeV < max_energy_MeV))
    throw usage_error("--min-energy-MeV must be > 0 and < --max-energy-MeV, got " + number_text(min_energy_MeV));
  if (!(threshold_MeV > min_energy_MeV && threshold_MeV < max_energy_MeV))
    throw usage_error("--threshold-MeV must be inside the grid (" + number_text(min_energy_MeV) + ", " +
                      number_text(max_energy_MeV) + ") MeV, got " + number_text(threshold_MeV));
  nusi::propagation_setup<double> s;
  s.relic.mass_MeV = nusi::eV(relic_mass_eV);
  s.relic.total_density_per_cm3 = relic_density_per_cm3;
  s.relic.nature = dirac ? nusi::neutrino_nature::dirac : nusi::neutrino_nature::majorana;
  s.distance_cm = nusi::kpc(distance_kpc);
  s.threshold_MeV = threshold_MeV;
  s.exclusion_level = exclusion_level;
  return s;
}

nusi::transport_options<double> propagation_flags::options() const {
  if (energy_bins < 4 || energy_bins > 100000)
    throw usage_error("--energy-bins must be in [4, 100000], got " + std::to_string(energy_bins));
  nusi::transport_options<double> o;
  o.energy.bins = static_cast<std::size_t>(energy_bins);
  o.energy.min_energy_MeV = min_energy_MeV;
  o.energy.max_energy_MeV = max_energy_MeV;
  return o;
}

nusi::pinched_spectrum<double> propagation_flags::emission() const {
  return nusi::pinched_spectrum<double>::from_moments(mean_energy_MeV, mean_square_energy_MeV2);
}

nusi::supernova_emission<double> propagation_flags::source() const {
  require_positive("--energy-erg", energy_erg);
  return {.energy_erg = energy_erg, .mean_energy_MeV = mean_energy_MeV, .mean_square_energy_MeV2 = mean_square_energy_MeV2,
          .distance_cm = nusi::kpc(distance_kpc)};
}

// --- emission model --------------------------------------------------------------------------------

emission_flags::emission_flags() : conversion(nusi::scheme_name(nusi::flavor_conversion<double>{}.scheme)) {}

void emission_flags::declare(command& c) {
  c.text("--emission", file,
         "supernova model file in place of the pinched spectrum (garching: the files' common prefix, PREFIX_nue, "
         "PREFIX_nuebar, PREFIX_nux)",
         "none: the paper's pinched spectrum");
  c.choice("--emission-format", format, "format of the --emission file (docs/physics.md, \"Supernova models\")",
           {"garching", "nakazato", "csv"});
  c.choice("--flavor-conversion", conversion, "flavour conversion at the source of the --emission model",
           {"none", "msw-normal", "msw-inverted"});
  const auto without_model = [this] { return !active(); };
  const auto with_model = [this] { return active(); };
  for (const char* flag : {"--emission", "--emission-format", "--flavor-conversion"}) c.inactive_when(flag, without_model);
  for (const char* flag : {"--mean-energy-MeV", "--mean-square-energy-MeV2", "--energy-erg"}) c.inactive_when(flag, with_model);
}

std::optional<emission_flags::model> emission_flags::load(const command& c) const {
  if (!active()) {
    for (const char* flag : {"--emission-format", "--flavor-conversion"})
      if (c.was_set(flag)) throw usage_error(std::string(flag) + " applies to --emission FILE");
    return std::nullopt;
  }
  for (const char* flag : {"--mean-energy-MeV", "--mean-square-energy-MeV2", "--energy-erg"})
    if (c.was_set(flag)) throw usage_error(std::string(flag) + " describes the pinched spectrum: the --emission model sets it");
  const auto f = nusi::parse_emission_format(format);
  if (!f) throw usage_error("--emission needs --emission-format garching|nakazato|csv");
  const auto scheme = nusi::parse_scheme(conversion);
  if (!scheme) throw usage_error("--flavor-conversion must be none, msw-normal or msw-inverted, got '" + conversion + "'");
  nusi::flavor_conversion<double> conv;
  conv.scheme = *scheme;
  auto m = nusi::load_supernova_model<double>(file, *f);
  json files = json::array();
  for (const auto& x : m.files()) files.push_back({{"path", x.path}, {"sha256", x.sha256}});
  json report{{"file", file}, {"format", format}, {"flavor_conversion", conversion}, {"files", files}};
  c.record_provenance("emission", report);
  return model{std::move(m), conv, std::move(report)};
}

nusi::fluence_at_earth<double> emission_flags::model::at_earth(nusi::supernova_flavor flavor, double distance_cm) const {
  return nusi::flux_at_earth(emission.flux(flavor, conversion), distance_cm);
}

// --- method -----------------------------------------------------------------------------------------

method_flags::method_flags() {
  // Ten times the library's default primaries: F to ~0.3 % at the tool's default point.
  primaries = 10 * static_cast<long>(nusi::monte_carlo_options<double>{}.primaries);
  seed = static_cast<long>(nusi::monte_carlo_options<double>{}.seed);
}

void method_flags::declare(command& c, bool with_monte_carlo) {
  if (!with_monte_carlo) {
    c.choice("--method", method, "transport method", {"grid"});
    return;
  }
  c.choice("--method", method, "grid: transport of Eq. (8) on the energy grid; montecarlo: the independent check",
           {"grid", "montecarlo"});
  c.integer("--primaries", primaries, "Monte Carlo: emitted neutrinos drawn");
  c.integer("--seed", seed, "Monte Carlo: seed of the random stream (results are a function of it)");
  c.inactive_when("--primaries", [this] { return method != "montecarlo"; });
  c.inactive_when("--seed", [this] { return method != "montecarlo"; });
}

nusi::monte_carlo_options<double> method_flags::monte_carlo() const {
  const auto most = nusi::max_monte_carlo_primaries;
  if (primaries < 1 || static_cast<unsigned long long>(primaries) > most)
    throw usage_error("--primaries must be in [1, " + short_text(double(most)) + "], got " + std::to_string(primaries));
  if (seed < 0) throw usage_error("--seed must be >= 0, got " + std::to_string(seed));
  nusi::monte_carlo_options<double> o;
  o.primaries = static_cast<std::uint64_t>(primaries);
  o.seed = static_cast<std::uint64_t>(seed);
  return o;
}

// --- time-window Monte Carlo ------------------------------------------------------------------------

window_flags::window_flags(std::uint64_t default_primaries) {
  const nusi::window_fraction_options<double> o;
  primaries = static_cast<long>(default_primaries);
  seed = static_cast<long>(o.seed);
  window_s = o.window_s;
}

void window_flags::declare(command& c, bool with_angles) {
  c.integer("--primaries", primaries, "Monte Carlo primaries (emitted neutrinos)");
  c.integer("--seed", seed, "Monte Carlo seed (common random numbers: each primary has its own stream)");
  c.number("--window-s", window_s, "time window after the light front (K-II burst span)", "s");
  if (!with_angles) return;
  angles.declare(c, "the Monte Carlo of the arrivals", false);
  // The former --planar (planar_random_walk, whose help called it Eq. 8 as written): say what replaced it.
  c.app()
      .add_flag_callback("--planar",
                         [] {
                           throw usage_error("--planar was replaced by --angle-model planar_random_walk (its model; "
                                             "paper_eq8_additive is Eq. 8 as written)");
                         })
      ->group("")
      ->configurable(false);
}

nusi::window_fraction_options<double> window_flags::options() const {
  const auto most = nusi::max_window_primaries;
  if (primaries < 1 || static_cast<unsigned long long>(primaries) > most)
    throw usage_error("--primaries must be in [1, " + short_text(double(most)) + "], got " + std::to_string(primaries));
  if (seed < 0) throw usage_error("--seed must be >= 0, got " + std::to_string(seed));
  require_positive("--window-s", window_s);
  nusi::window_fraction_options<double> o;
  o.primaries = static_cast<std::uint64_t>(primaries);
  o.seed = static_cast<std::uint64_t>(seed);
  o.window_s = window_s;
  o.angles = angles.angles();
  return o;
}

// --- masses -----------------------------------------------------------------------------------------

void mass_flags::declare(command& c) {
  c.number("--log10-mass-MeV", log10_mass_MeV, "one mass: log10(M/MeV) (instead of --from/--to/--step)");
  c.number("--from", from, "first log10(M/MeV) of a scan");
  c.number("--to", to, "last log10(M/MeV) of a scan");
  c.number("--step", step, "scan step in log10(M/MeV)");
  const command* self = &c;
  c.inactive_when("--log10-mass-MeV", [self] { return !self->was_set("--log10-mass-MeV"); });
  for (const char* flag : {"--from", "--to", "--step"})
    c.inactive_when(flag, [self] { return self->was_set("--log10-mass-MeV"); });
}

std::vector<double> mass_flags::masses(const command& c) const {
  const bool single = c.was_set("--log10-mass-MeV");
  if (single && (c.was_set("--from") || c.was_set("--to") || c.was_set("--step")))
    throw usage_error("give either --log10-mass-MeV or --from/--to/--step, not both");
  const double lo = nusi::lowest_log10_mass_MeV<double>, hi = nusi::highest_log10_mass_MeV<double>;
  require_in_range("--log10-mass-MeV", log10_mass_MeV, lo, hi);
  if (single) return {log10_mass_MeV};
  require_in_range("--from", from, lo, hi);
  require_in_range("--to", to, lo, hi);
  require_positive("--step", step);
  if (from > to) throw usage_error("--from must be <= --to, got " + number_text(from));
  if ((to - from) / step > max_masses) throw usage_error("--step gives more than " + short_text(max_masses) + " masses");
  std::vector<double> out;
  const auto count = static_cast<long>(std::floor((to - from) / step + 1e-3)) + 1;
  for (long k = 0; k < count; ++k) out.push_back(from + double(k) * step);
  return out;
}

// --- core -------------------------------------------------------------------------------------------

core_flags::core_flags() {
  const nusi::core_inputs<double> in;
  preset = nusi::preset_name(in.preset);
  R_min_km = flag_value(in.R_min_cm, km_to_cm, in.R_min_cm / nusi::km_cm<double>);
  R_max_km = flag_value(in.R_max_cm, km_to_cm, in.R_max_cm / nusi::km_cm<double>);
  mean_energy_MeV = in.mean_energy_MeV;
  kappa = in.kappa;
  reference_density_g_per_cm3 = in.reference_density_g_per_cm3;
  reference_radius_km = flag_value(in.reference_radius_cm, km_to_cm, in.reference_radius_cm / nusi::km_cm<double>);
  power_index = in.power_index;
  paper_density_per_cm3 = in.paper_quoted_density_per_cm3;
  E_cm_convention = in.E_cm_convention == nusi::centre_of_mass_convention::isotropic_mean_s ? "isotropic_mean_s" : "head_on";
}

namespace {
const char* const power_law_flags[] = {"--mean-energy-MeV", "--rho-ref-g-cm3", "--r-ref-km", "--power-index"};
const nusi::core_inputs<double>& conservative_case() {
  static const auto in = nusi::core_inputs<double>::paper_case(nusi::core_case::conservative);
  return in;
}
std::string conservative_R_min_km() { return number_text(conservative_case().R_min_cm / nusi::km_cm<double>); }
}  // namespace

void core_flags::declare(command& c, bool figures) {
  const std::string kappa_help =
      "phase-space factor per final-state particle in Eqs. (2)-(3); the default " + number_text(nusi::default_kappa<double>) +
      " is the paper's value ((2 pi)^-3 = 4.0e-3, as its formula reads, would weaken g_core by 0.20 dex: docs/physics.md)";
  const std::string profile_help = "tabulated profile CSV (radius_km, density_g_per_cm3, temperature_MeV) instead of the power law";
  const std::string conservative_E = number_text(conservative_case().mean_energy_MeV);
  const std::string E_cm_help =
      "centre-of-mass energy of two core neutrinos: head_on, 2<E> (the paper, below Eq. 7), or isotropic_mean_s, "
      "sqrt(<s>) = sqrt(2)<E> for an isotropic gas (knee 42 instead of 60 MeV)";
  if (figures) {
    c.choice("--core-E-cm", E_cm_convention, "core: " + E_cm_help, {"head_on", "isotropic_mean_s"});
    c.number("--core-R-min-km", R_min_km, "core, default case: inner radius of the decoupling region", "km");
    c.number("--core-R-max-km", R_max_km, "core, both cases: outer radius", "km");
    c.number("--core-mean-energy-MeV", mean_energy_MeV, "core, default case: <E>, E_cm = 2<E>", "MeV");
    c.number("--kappa", kappa, kappa_help);
    c.number("--core-paper-density-cm3", paper_density_per_cm3, "core: n_nu of the paper_quoted preset", "cm^-3");
    c.text("--profile", profile, "core: " + profile_help, "none");
    c.inactive_when("--core-mean-energy-MeV", [this] { return !profile.empty(); });
    return;
  }
  c.choice("--preset", preset, "neutrino density: six-species Fermi-Dirac at T = <E>/3.1514, or the paper's 1e38 cm^-3",
           {"fermi_dirac", "paper_quoted"});
  c.choice("--case", case_name,
           "the paper's case: default (R_min, <E> as below) or conservative (" + conservative_R_min_km() + " km, " + conservative_E + " MeV)",
           {"default", "conservative"});
  c.text("--profile", profile, profile_help, "none");
  c.number("--R-min-km", R_min_km, "inner radius of the decoupling region; conservative case: " + conservative_R_min_km(), "km");
  c.number("--R-max-km", R_max_km, "outer radius of the decoupling region", "km");
  c.number("--mean-energy-MeV", mean_energy_MeV, "power law: mean neutrino energy <E>, E_cm = 2<E>; conservative case: " + conservative_E,
           "MeV");
  c.number("--kappa", kappa, kappa_help);
  c.number("--rho-ref-g-cm3", reference_density_g_per_cm3, "power law: mass density at --r-ref-km", "g/cm^3");
  c.number("--r-ref-km", reference_radius_km, "power law: radius where the density is --rho-ref-g-cm3", "km");
  c.number("--power-index", power_index, "power law: n_N ~ r^-power_index");
  c.number("--paper-density-cm3", paper_density_per_cm3, "n_nu of the paper_quoted preset", "cm^-3");
  c.choice("--E-cm", E_cm_convention, E_cm_help, {"head_on", "isotropic_mean_s"});
  for (const char* flag : power_law_flags) c.inactive_when(flag, [this] { return !profile.empty(); });
}

nusi::core_inputs<double> core_flags::inputs(const command& c) {
  if (case_name == "conservative") {
    if (!c.was_set("--R-min-km")) R_min_km = flag_value(conservative_case().R_min_cm, km_to_cm, conservative_case().R_min_cm / nusi::km_cm<double>);
    if (!c.was_set("--mean-energy-MeV")) mean_energy_MeV = conservative_case().mean_energy_MeV;
  }
  require_positive("--R-min-km", R_min_km);
  require_positive("--R-max-km", R_max_km);
  if (!(R_min_km < R_max_km))
    throw usage_error("--R-min-km (" + number_text(R_min_km) + ") must be < --R-max-km (" + number_text(R_max_km) + ")");
  require_positive("--mean-energy-MeV", mean_energy_MeV);
  require_positive("--kappa", kappa);
  require_positive("--rho-ref-g-cm3", reference_density_g_per_cm3);
  require_positive("--r-ref-km", reference_radius_km);
  require_positive("--paper-density-cm3", paper_density_per_cm3);
  if (!profile.empty())
    for (const char* flag : power_law_flags)
      if (c.was_set(flag)) throw usage_error(std::string(flag) + " describes the power law and cannot be combined with --profile");
  nusi::core_inputs<double> in;
  in.preset = preset == "paper_quoted" ? nusi::neutrino_density_preset::paper_quoted : nusi::neutrino_density_preset::fermi_dirac;
  in.R_min_cm = nusi::km(R_min_km);
  in.R_max_cm = nusi::km(R_max_km);
  in.mean_energy_MeV = mean_energy_MeV;
  in.kappa = kappa;
  in.reference_density_g_per_cm3 = reference_density_g_per_cm3;
  in.reference_radius_cm = nusi::km(reference_radius_km);
  in.power_index = power_index;
  in.paper_quoted_density_per_cm3 = paper_density_per_cm3;
  in.E_cm_convention = E_cm_convention == "isotropic_mean_s" ? nusi::centre_of_mass_convention::isotropic_mean_s
                                                             : nusi::centre_of_mass_convention::head_on;
  return in;
}

nusi::core_inputs<double> core_flags::figure_inputs(nusi::core_case c, nusi::neutrino_density_preset p) const {
  auto in = nusi::core_inputs<double>::paper_case(c, p);
  if (c == nusi::core_case::default_case) {
    in.R_min_cm = nusi::km(R_min_km);
    in.mean_energy_MeV = mean_energy_MeV;
  }
  in.R_max_cm = nusi::km(R_max_km);
  in.kappa = kappa;
  in.paper_quoted_density_per_cm3 = paper_density_per_cm3;
  in.E_cm_convention = E_cm_convention == "isotropic_mean_s" ? nusi::centre_of_mass_convention::isotropic_mean_s
                                                             : nusi::centre_of_mass_convention::head_on;
  return in;
}

void core_flags::validate_figures() const {
  for (double v : {R_min_km, R_max_km, mean_energy_MeV, kappa, paper_density_per_cm3})
    if (!(v > 0)) throw usage_error("core inputs must be > 0, got " + number_text(v));
  const double conservative_km = conservative_case().R_min_cm / nusi::km_cm<double>;
  if (!(R_min_km < R_max_km) || !(conservative_km < R_max_km))
    throw usage_error("--core-R-min-km must be < --core-R-max-km, and --core-R-max-km > " + number_text(conservative_km) +
                      " (the conservative R_min)");
}

}  // namespace nusi_tool

// --- angle model ------------------------------------------------------------------------------------

namespace nusi_tool {

namespace {
const nusi::angle_model all_angle_models[] = {nusi::angle_model::three_dimensional, nusi::angle_model::planar_random_walk,
                                              nusi::angle_model::paper_eq8_additive};
std::string geometry_name(nusi::monte_carlo_geometry g) {
  return g == nusi::monte_carlo_geometry::plane_parallel ? "plane_parallel" : "point_source";
}
}  // namespace

angle_flags::angle_flags(nusi::angle_model model_default)
    : model(nusi::angle_model_name(model_default)), geometry(geometry_name(nusi::monte_carlo_options<double>{}.geometry)) {}

void angle_flags::declare(command& c, const std::string& applies_to, bool with_geometry) {
  std::vector<std::string> names;
  for (auto m : all_angle_models) names.emplace_back(nusi::angle_model_name(m));
  c.choice("--angle-model", model,
           "how deflections compose in " + applies_to +
               ": three_dimensional (random azimuth about the current direction: physical), planar_random_walk "
               "(+-t in one plane) or paper_eq8_additive (Eq. 8 as written: every deflection adds); docs/physics.md",
           names);
  if (with_geometry)
    c.choice("--geometry", geometry,
             "Monte Carlo geometry of the three_dimensional model: point_source (arrival on the sphere r = D, angle on "
             "the sky) or plane_parallel (the plane z = D, the grid's geometry); the planar models are plane-parallel",
             {"point_source", "plane_parallel"});
}

nusi::angle_model angle_flags::angles() const {
  for (auto m : all_angle_models)
    if (model == nusi::angle_model_name(m)) return m;
  throw usage_error("--angle-model: unknown model '" + model + "'");
}

nusi::monte_carlo_geometry angle_flags::monte_carlo_geometry() const {
  return geometry == "plane_parallel" ? nusi::monte_carlo_geometry::plane_parallel : nusi::monte_carlo_geometry::point_source;
}

// --- the paper model's relic and width conventions --------------------------------------------------

namespace {
std::string counting_name(nusi::relic_counting c) {
  return c == nusi::relic_counting::same_mass_state ? "same_mass_state" : "all_mass_states";
}
}  // namespace

relic_convention_flags::relic_convention_flags()
    : counting(counting_name(nusi::relic_neutrinos<double>{}.counting)),
      any_relic_mass(nusi::relic_neutrinos<double>{}.mass_check == nusi::relic_mass_check::any_positive),
      width_scale(nusi::mediator<double>{}.width_scale) {}

void relic_convention_flags::declare(command& c) {
  const auto same = nusi::relic_neutrinos<double>::same_mass_state();
  auto majorana = same, dirac = same;
  dirac.nature = nusi::neutrino_nature::dirac;
  c.choice("--relic-counting", counting,
           "which relics a supernova neutrino meets on resonance: all_mass_states (the paper: the whole --relic-density-per-cm3) "
           "or same_mass_state (only its own mass state, a third; preset total " + short_text(same.total_density_per_cm3) +
               " cm^-3 from T_nu0, i.e. " + short_text(majorana.target_density_per_cm3()) + " Majorana, " +
               short_text(dirac.target_density_per_cm3()) + " Dirac targets; docs/physics.md). A given --relic-density-per-cm3 "
               "overrides the preset's total",
           {"all_mass_states", "same_mass_state"});
  c.flag("--allow-any-relic-mass", any_relic_mass,
         "accept any --relic-mass-eV > 0 (default: a plausible relic mass, " + short_text(nusi::plausible_relic_mass_min_MeV<double> * 1e6) +
             " to " + short_text(nusi::plausible_relic_mass_max_MeV<double> * 1e6) + " eV, so that a mass in the wrong unit fails)");
  c.number("--width-scale", width_scale,
           "mediator width Gamma = c g^2 M/(4 pi): c = 1 is the paper's (below Eq. 4); Eq. (4) keeps g^4, so the peak becomes "
           "4 pi/(M^2 c^2)");
  const command* self = &c;
  c.inactive_when("--relic-density-per-cm3",
                  [this, self] { return counting == "same_mass_state" && !self->was_set("--relic-density-per-cm3"); });
}

nusi::propagation_setup<double> relic_convention_flags::apply(nusi::propagation_setup<double> s, const command& c) const {
  require_positive("--width-scale", width_scale);
  if (!any_relic_mass) {
    const double lo = nusi::plausible_relic_mass_min_MeV<double>, hi = nusi::plausible_relic_mass_max_MeV<double>;
    if (!(s.relic.mass_MeV >= lo && s.relic.mass_MeV <= hi))
      throw usage_error("--relic-mass-eV must be a plausible relic mass in [" + short_text(lo * 1e6) + ", " + short_text(hi * 1e6) +
                        "] eV, got " + short_text(s.relic.mass_MeV * 1e6) + " (--allow-any-relic-mass accepts any mass > 0)");
  }
  if (counting == "same_mass_state") {
    const auto preset = nusi::relic_neutrinos<double>::same_mass_state();
    s.relic.counting = preset.counting;
    if (!c.was_set("--relic-density-per-cm3")) s.relic.total_density_per_cm3 = preset.total_density_per_cm3;
  }
  if (any_relic_mass) s.relic.mass_check = nusi::relic_mass_check::any_positive;
  if (width_scale != nusi::mediator<double>{}.width_scale) {
    s.med.width = nusi::width_convention::scaled_paper;
    s.med.width_scale = width_scale;
  }
  return s;
}

// --- the mass-state model ---------------------------------------------------------------------------

namespace {
// The inputs of each model, rejected when given with the other.
const char* const mass_state_only_flags[] = {"--ordering",     "--lightest-mass-eV", "--sum-masses-eV",   "--theta12-deg",
                                             "--theta13-deg",  "--theta23-deg",      "--delta-cp-deg",    "--dm21-eV2",
                                             "--dm3l-eV2",     "--coupling-flavors", "--channels",        "--mediator",
                                             "--coupling-convention", "--relic-kinematics", "--detected-flavor"};
const char* const paper_relic_flags[] = {"--relic-mass-eV", "--relic-density-per-cm3", "--relic-counting", "--allow-any-relic-mass",
                                         "--width-scale"};
const char* const flavour_names[] = {"e", "mu", "tau"};

nusi::mass_ordering ordering_of(const std::string& name) {
  return name == "inverted" ? nusi::mass_ordering::inverted : nusi::mass_ordering::normal;
}
std::string kinematics_name(nusi::relic_kinematics k) {
  return k == nusi::relic_kinematics::at_rest ? "at-rest" : k == nusi::relic_kinematics::automatic ? "automatic" : "thermal";
}
nusi::flavour flavour_of(const std::string& name) {
  for (std::size_t f = 0; f < 3; ++f)
    if (name == flavour_names[f]) return static_cast<nusi::flavour>(f);
  throw usage_error("unknown flavour '" + name + "' (e, mu or tau)");
}
/// The flavours of a comma-separated list; throws usage_error naming flag and the bad item.
std::vector<nusi::flavour> flavour_list(const std::string& flag, const std::string& text) {
  std::vector<nusi::flavour> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(',', start);
    const std::string item = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    bool known = false;
    for (const char* name : flavour_names) known = known || item == name;
    if (!known) throw usage_error(flag + ": unknown flavour '" + item + "' in '" + text + "' (a comma-separated list of e, mu, tau)");
    out.push_back(flavour_of(item));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}
}  // namespace

mass_state_flags::mass_state_flags(const nusi::neutrino_spectrum_options<double>& spectrum,
                                   const nusi::mass_state_interaction<double>& interaction, unsigned parts_)
    : parts(parts_) {
  const nusi::mass_state_setup<double> s;  // the defaults of the parts only mass_state_setup has
  ordering = spectrum.ordering == nusi::mass_ordering::inverted ? "inverted" : "normal";
  lightest_mass_eV = spectrum.lightest_mass_eV;
  default_is_sum = spectrum.sum_masses_eV.has_value();
  sum_masses_eV = spectrum.sum_masses_eV.value_or(0);
  const auto mix = spectrum.mixing ? *spectrum.mixing : nusi::nufit_5_2<double>(spectrum.ordering);
  theta12_deg = mix.theta12_deg;
  theta13_deg = mix.theta13_deg;
  theta23_deg = mix.theta23_deg;
  delta_cp_deg = mix.delta_cp_deg;
  dm21_eV2 = mix.delta_m2_21_eV2;
  dm3l_eV2 = mix.abs_delta_m2_3l_eV2;
  for (std::size_t f = 0; f < 3; ++f)
    if (interaction.pattern.entries[f][f] != 0) coupling_flavors += (coupling_flavors.empty() ? "" : ",") + std::string(flavour_names[f]);
  channels = interaction.channels == nusi::channel_set::s ? "s" : "stu";
  nature = interaction.nature == nusi::neutrino_nature::dirac ? "dirac" : "majorana";
  mediator_kind = interaction.med.kind == nusi::mediator_kind::vector ? "vector" : "scalar";
  convention = interaction.convention == nusi::coupling_convention::lagrangian ? "lagrangian" : "paper";
  kinematics = kinematics_name(s.relic.kinematics);
  detected_flavor = std::string(nusi::flavour_name(s.detected_flavour));
}

void mass_state_flags::declare(command& c) {
  const auto inverted = nusi::nufit_5_2<double>(nusi::mass_ordering::inverted);
  const auto min_sum = [](nusi::mass_ordering o) {
    return short_text(nusi::neutrino_spectrum<double>(nusi::neutrino_spectrum_options<double>{.ordering = o}).minimum_sum_masses_eV());
  };
  const std::string pre = (parts & model_choice) ? "mass states: " : "";
  const std::string nufit = "; default NuFIT 5.2 for --ordering (normal shown; inverted ";
  if (parts & model_choice)
    c.choice("--relic-model", relic_model,
             "relic background: paper (one relic mass at rest, the s channel: the paper's model and numbers) or mass-states "
             "(three mass states with mixing, relics of each state at T_nu0, s/t/u channels, detection by flavour; "
             "docs/physics.md \"Mass states\"). The flags marked 'mass states:' are an error with paper; --relic-mass-eV, "
             "--relic-density-per-cm3, --relic-counting, --allow-any-relic-mass and --width-scale are an error with mass-states",
             {"paper", "mass-states"});
  c.choice("--ordering", ordering, pre + "neutrino mass ordering", {"normal", "inverted"});
  const std::string sum_range =
      " (at least " + min_sum(nusi::mass_ordering::normal) + " normal, " + min_sum(nusi::mass_ordering::inverted) + " inverted)";
  c.number("--lightest-mass-eV", lightest_mass_eV,
           pre + "lightest mass (m1 normal, m3 inverted), >= 0" + (default_is_sum ? "; replaces --sum-masses-eV" : ""), "eV");
  auto* sum = c.number("--sum-masses-eV", sum_masses_eV,
                       pre + "sum of the masses" + (default_is_sum ? "" : ", instead of --lightest-mass-eV") + sum_range, "eV");
  if (!default_is_sum) sum->default_str("none");
  c.number("--theta12-deg", theta12_deg, pre + "mixing angle theta_12 in [0, 90]" + nufit + short_text(inverted.theta12_deg) + ")", "deg");
  c.number("--theta13-deg", theta13_deg, pre + "theta_13 in [0, 90]" + nufit + short_text(inverted.theta13_deg) + ")", "deg");
  c.number("--theta23-deg", theta23_deg, pre + "theta_23 in [0, 90]" + nufit + short_text(inverted.theta23_deg) + ")", "deg");
  c.number("--delta-cp-deg", delta_cp_deg, pre + "Dirac CP phase in [0, 360]" + nufit + short_text(inverted.delta_cp_deg) + ")", "deg");
  c.number("--dm21-eV2", dm21_eV2, pre + "Delta m^2_21 > 0" + nufit + short_text(inverted.delta_m2_21_eV2) + ")", "eV^2");
  c.number("--dm3l-eV2", dm3l_eV2,
           pre + "|Delta m^2_3l| (Delta m^2_31 normal, -Delta m^2_32 inverted) > 0" + nufit + short_text(inverted.abs_delta_m2_3l_eV2) + ")",
           "eV^2");
  c.text("--coupling-flavors", coupling_flavors, pre + "flavours the mediator couples to, equally, comma-separated (e.g. e,mu,tau or tau)",
         coupling_flavors);
  c.choice("--channels", channels, pre + "s (the resonant s channel alone, as the paper) or stu (s, t, u and their interference)",
           {"s", "stu"});
  if (parts & nature_choice) c.choice("--nature", nature, pre + "Majorana or Dirac neutrinos", {"majorana", "dirac"});
  if (parts & mediator_choice) c.choice("--mediator", mediator_kind, pre + "scalar or vector mediator", {"scalar", "vector"});
  c.choice("--coupling-convention", convention,
           pre + "paper (each channel's width g^2 M/(4 pi)) or lagrangian (the Lagrangian's coupling, as nuSIprop)", {"paper", "lagrangian"});
  if (parts & relic_kinematics)
    c.choice("--relic-kinematics", kinematics,
             pre + "relic momenta thermal (Fermi-Dirac at T_nu0), at-rest (the paper's approximation; needs every mass > 0) or "
                   "automatic (at rest where p_rms/m <= 1e-3)",
             {"thermal", "at-rest", "automatic"});
  if (parts & detected_flavour)
    c.choice("--detected-flavor", detected_flavor, pre + "flavour whose antineutrinos are detected (F of the bound; inverse beta decay: e)",
             {"e", "mu", "tau"});
  const command* self = &c;
  // Of the lightest mass and the sum, the provenance holds the one that fixes the masses.
  const bool by_sum = default_is_sum;
  c.inactive_when("--sum-masses-eV", [self, by_sum] {
    return self->was_set("--lightest-mass-eV") || (!by_sum && !self->was_set("--sum-masses-eV"));
  });
  c.inactive_when("--lightest-mass-eV", [self, by_sum] {
    return self->was_set("--sum-masses-eV") || (by_sum && !self->was_set("--lightest-mass-eV"));
  });
  if (!(parts & model_choice)) return;
  for (const char* flag : mass_state_only_flags) c.inactive_when(flag, [this] { return !active(); });
  for (const char* flag : paper_relic_flags) c.inactive_when(flag, [this] { return active(); });
}

void mass_state_flags::resolve(const command& c) {
  if (!active()) {
    for (const char* flag : mass_state_only_flags)
      if (c.was_set(flag)) throw usage_error(std::string(flag) + " applies to --relic-model mass-states (the paper's relic model is chosen)");
    return;
  }
  if (parts & model_choice)
    for (const char* flag : paper_relic_flags)
      if (c.was_set(flag))
        throw usage_error(std::string(flag) + " applies to --relic-model paper (the mass-state model sets its relics from the masses and T_nu0)");
  if (c.was_set("--lightest-mass-eV") && c.was_set("--sum-masses-eV"))
    throw usage_error("--sum-masses-eV: give --lightest-mass-eV or --sum-masses-eV, not both");
  const auto nufit = nusi::nufit_5_2<double>(ordering_of(ordering));
  const std::pair<const char*, std::pair<double*, double>> mixing_flags[] = {
      {"--theta12-deg", {&theta12_deg, nufit.theta12_deg}},   {"--theta13-deg", {&theta13_deg, nufit.theta13_deg}},
      {"--theta23-deg", {&theta23_deg, nufit.theta23_deg}},   {"--delta-cp-deg", {&delta_cp_deg, nufit.delta_cp_deg}},
      {"--dm21-eV2", {&dm21_eV2, nufit.delta_m2_21_eV2}},     {"--dm3l-eV2", {&dm3l_eV2, nufit.abs_delta_m2_3l_eV2}}};
  for (const auto& [flag, target] : mixing_flags)
    if (!c.was_set(flag)) *target.first = target.second;
  require_in_range("--theta12-deg", theta12_deg, 0, 90);
  require_in_range("--theta13-deg", theta13_deg, 0, 90);
  require_in_range("--theta23-deg", theta23_deg, 0, 90);
  require_in_range("--delta-cp-deg", delta_cp_deg, 0, 360);
  require_positive("--dm21-eV2", dm21_eV2);
  require_positive("--dm3l-eV2", dm3l_eV2);
  if (ordering == "inverted" && !(dm3l_eV2 > dm21_eV2))
    throw usage_error("--dm3l-eV2 must be > --dm21-eV2 = " + number_text(dm21_eV2) + " for the inverted ordering, got " + number_text(dm3l_eV2));
  require_in_range("--lightest-mass-eV", lightest_mass_eV, 0, 100);
  sum_given = c.was_set("--sum-masses-eV") || (default_is_sum && !c.was_set("--lightest-mass-eV"));
  if (sum_given) {
    nusi::neutrino_spectrum_options<double> o{.ordering = ordering_of(ordering)};
    o.mixing = mixing();
    const double least = nusi::neutrino_spectrum<double>(o).minimum_sum_masses_eV();
    if (!(sum_masses_eV >= least))
      throw usage_error("--sum-masses-eV must be >= " + short_text(least) + " eV, the smallest sum the " + ordering +
                        " ordering allows (lightest mass 0), got " + number_text(sum_masses_eV));
  }
  (void)flavour_list("--coupling-flavors", coupling_flavors);
}

nusi::mixing_parameters<double> mass_state_flags::mixing() const {
  return {theta12_deg, theta13_deg, theta23_deg, delta_cp_deg, dm21_eV2, dm3l_eV2};
}

nusi::neutrino_spectrum_options<double> mass_state_flags::spectrum() const {
  nusi::neutrino_spectrum_options<double> s;
  s.ordering = ordering_of(ordering);
  s.lightest_mass_eV = lightest_mass_eV;
  if (sum_given) s.sum_masses_eV = sum_masses_eV;
  s.mixing = mixing();
  return s;
}

void mass_state_flags::apply(nusi::mass_state_interaction<double>& interaction) const {
  if (parts & nature_choice) interaction.nature = nature == "dirac" ? nusi::neutrino_nature::dirac : nusi::neutrino_nature::majorana;
  if (parts & mediator_choice) interaction.med.kind = mediator_kind == "vector" ? nusi::mediator_kind::vector : nusi::mediator_kind::scalar;
  interaction.channels = channels == "s" ? nusi::channel_set::s : nusi::channel_set::stu;
  interaction.convention = convention == "lagrangian" ? nusi::coupling_convention::lagrangian : nusi::coupling_convention::paper;
  nusi::flavour_coupling_pattern<double> pattern;
  for (nusi::flavour f : flavour_list("--coupling-flavors", coupling_flavors))
    pattern.entries[static_cast<std::size_t>(f)][static_cast<std::size_t>(f)] = 1;
  interaction.pattern = pattern;
}

nusi::mass_state_setup<double> mass_state_flags::setup(const propagation_flags& physics, const nusi::mediator<double>& med) const {
  const nusi::propagation_setup<double> paper = physics.setup();  // distance, threshold, level: checked there
  nusi::mass_state_setup<double> s;
  s.interaction.med = med;
  s.interaction.nature = physics.dirac ? nusi::neutrino_nature::dirac : nusi::neutrino_nature::majorana;
  apply(s.interaction);
  s.spectrum = spectrum();
  if (parts & relic_kinematics)
    s.relic.kinematics = kinematics == "at-rest"     ? nusi::relic_kinematics::at_rest
                         : kinematics == "automatic" ? nusi::relic_kinematics::automatic
                                                     : nusi::relic_kinematics::thermal;
  s.distance_cm = paper.distance_cm;
  s.threshold_MeV = paper.threshold_MeV;
  s.exclusion_level = paper.exclusion_level;
  if (parts & detected_flavour) s.detected_flavour = flavour_of(detected_flavor);
  return s;
}

std::vector<nusi::flavour_emission<double, nusi::pinched_spectrum<double>>> mass_state_flags::emission(const propagation_flags& physics) const {
  return {{nusi::flavour::e, true, physics.emission(), 1.0}};
}

}  // namespace nusi_tool
