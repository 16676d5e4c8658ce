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
  if (with_angles) c.flag("--planar", planar, "the paper's planar angle model (Eq. 8 as written) instead of 3D deflections");
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
  o.angles = planar ? nusi::angle_model::planar : nusi::angle_model::three_dimensional;
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
  const std::string profile_help = "tabulated profile CSV (radius_km, density_g_per_cm3, temperature_MeV) instead of the power law";
  const std::string conservative_E = number_text(conservative_case().mean_energy_MeV);
  if (figures) {
    c.number("--core-R-min-km", R_min_km, "core, default case: inner radius of the decoupling region", "km");
    c.number("--core-R-max-km", R_max_km, "core, both cases: outer radius", "km");
    c.number("--core-mean-energy-MeV", mean_energy_MeV, "core, default case: <E>, E_cm = 2<E>", "MeV");
    c.number("--kappa", kappa, "phase-space factor per final-state particle in Eqs. (2)-(3)");
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
  c.number("--kappa", kappa, "phase-space factor per final-state particle in Eqs. (2)-(3)");
  c.number("--rho-ref-g-cm3", reference_density_g_per_cm3, "power law: mass density at --r-ref-km", "g/cm^3");
  c.number("--r-ref-km", reference_radius_km, "power law: radius where the density is --rho-ref-g-cm3", "km");
  c.number("--power-index", power_index, "power law: n_N ~ r^-power_index");
  c.number("--paper-density-cm3", paper_density_per_cm3, "n_nu of the paper_quoted preset", "cm^-3");
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

namespace nusi_tool {

mass_state_flags::mass_state_flags(const nusi::neutrino_spectrum_options<double>& spectrum,
                                   const nusi::mass_state_interaction<double>& interaction) {
  const auto mix = spectrum.mixing ? *spectrum.mixing : nusi::nufit_5_2<double>(spectrum.ordering);
  ordering = spectrum.ordering == nusi::mass_ordering::normal ? "normal" : "inverted";
  lightest_mass_eV = spectrum.lightest_mass_eV;
  sum_masses_eV = spectrum.sum_masses_eV ? *spectrum.sum_masses_eV : 0.0;
  theta12_deg = mix.theta12_deg;
  theta13_deg = mix.theta13_deg;
  theta23_deg = mix.theta23_deg;
  delta_cp_deg = mix.delta_cp_deg;
  dm21_eV2 = mix.delta_m2_21_eV2;
  dm3l_eV2 = mix.abs_delta_m2_3l_eV2;
  nature = interaction.nature == nusi::neutrino_nature::majorana ? "majorana" : "dirac";
  channels = interaction.channels == nusi::channel_set::s ? "s" : "stu";
  convention = interaction.convention == nusi::coupling_convention::paper ? "paper" : "lagrangian";
}

void mass_state_flags::declare(command& c) {
  c.number("--sum-masses-eV", sum_masses_eV, "sum of the three neutrino masses (ignored when --lightest-mass-eV is given)", "eV");
  c.number("--lightest-mass-eV", lightest_mass_eV, "lightest neutrino mass (m1 normal, m3 inverted); replaces --sum-masses-eV", "eV");
  c.inactive_when("--sum-masses-eV", [&c] { return c.was_set("--lightest-mass-eV"); });
  c.inactive_when("--lightest-mass-eV", [&c] { return !c.was_set("--lightest-mass-eV"); });
  c.choice("--ordering", ordering, "neutrino mass ordering", {"normal", "inverted"});
  c.number("--theta12-deg", theta12_deg, "mixing angle theta12 (default NuFIT 5.2 of the ordering)", "deg");
  c.number("--theta13-deg", theta13_deg, "mixing angle theta13", "deg");
  c.number("--theta23-deg", theta23_deg, "mixing angle theta23", "deg");
  c.number("--delta-cp-deg", delta_cp_deg, "Dirac CP phase", "deg");
  c.number("--dm21-eV2", dm21_eV2, "Delta m^2_21", "eV^2");
  c.number("--dm3l-eV2", dm3l_eV2, "|Delta m^2_3l| (31 normal, 32 inverted)", "eV^2");
  c.text("--coupling-flavors", coupling_flavors, "flavours with equal diagonal couplings, comma-separated (e,mu,tau)", coupling_flavors);
  c.choice("--channels", channels, "s: the resonant s-channel alone; stu: s, t, u and interference", {"s", "stu"});
  c.choice("--nature", nature, "Majorana or Dirac neutrinos", {"majorana", "dirac"});
  c.choice("--coupling-convention", convention, "paper: Gamma = g^2 M/(4 pi) per channel; lagrangian: nuSIprop's", {"paper", "lagrangian"});
}

nusi::neutrino_spectrum_options<double> mass_state_flags::spectrum(const command& c) const {
  nusi::neutrino_spectrum_options<double> s;
  s.ordering = ordering == "inverted" ? nusi::mass_ordering::inverted : nusi::mass_ordering::normal;
  if (c.was_set("--lightest-mass-eV")) {
    require_in_range("--lightest-mass-eV", lightest_mass_eV, 0, 100);
    s.lightest_mass_eV = lightest_mass_eV;
  } else {
    require_positive("--sum-masses-eV", sum_masses_eV);
    s.sum_masses_eV = sum_masses_eV;
  }
  bool custom = false;
  for (const char* f : {"--theta12-deg", "--theta13-deg", "--theta23-deg", "--delta-cp-deg", "--dm21-eV2", "--dm3l-eV2"})
    custom = custom || c.was_set(f);
  if (custom) {
    require_in_range("--theta12-deg", theta12_deg, 0, 90);
    require_in_range("--theta13-deg", theta13_deg, 0, 90);
    require_in_range("--theta23-deg", theta23_deg, 0, 90);
    require_in_range("--delta-cp-deg", delta_cp_deg, 0, 360);
    require_positive("--dm21-eV2", dm21_eV2);
    require_positive("--dm3l-eV2", dm3l_eV2);
    s.mixing = nusi::mixing_parameters<double>{theta12_deg, theta13_deg, theta23_deg, delta_cp_deg, dm21_eV2, dm3l_eV2};
  }
  return s;
}

void mass_state_flags::apply(nusi::mass_state_interaction<double>& interaction) const {
  interaction.nature = nature == "dirac" ? nusi::neutrino_nature::dirac : nusi::neutrino_nature::majorana;
  interaction.channels = channels == "s" ? nusi::channel_set::s : nusi::channel_set::stu;
  interaction.convention = convention == "lagrangian" ? nusi::coupling_convention::lagrangian : nusi::coupling_convention::paper;
  nusi::flavour_coupling_pattern<double> p;
  std::string rest = coupling_flavors;
  bool any = false;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string item = rest.substr(0, comma);
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
    int f = item == "e" ? 0 : item == "mu" ? 1 : item == "tau" ? 2 : -1;
    if (f < 0) throw usage_error("--coupling-flavors: '" + item + "' is not e, mu or tau (a comma-separated list)");
    p.entries[static_cast<std::size_t>(f)][static_cast<std::size_t>(f)] = 1;
    any = true;
  }
  if (!any) throw usage_error("--coupling-flavors: give at least one of e, mu, tau");
  interaction.pattern = p;
}

}  // namespace nusi_tool
