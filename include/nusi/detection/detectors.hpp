// SPDX-License-Identifier: MIT
// Detector models for supernova neutrinos: targets, channel, threshold, resolution and efficiency of
// Kamiokande-II, IMB and Baksan (SN 1987A) and of Super-K, Hyper-K, JUNO and DUNE (a Galactic
// supernova). Sources and choices are in docs/physics.md, "Detection and SN 1987A events".
// Throws nusi::invalid_argument.
#pragma once

#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "../errors.hpp"
#include "../units.hpp"
#include "ibd.hpp"

namespace nusi {

/// Avogadro constant [1/mol], SI 2019 (exact).
template <class Real> inline constexpr Real avogadro_per_mol = Real(6.02214076e23L);

/// Free protons (hydrogen nuclei) in a water target of mass_kt kilotonnes: 2 N_A m / M(H2O),
/// M(H2O) = 18.01528 g/mol. Kamiokande-II 2.14 kt -> 1.43e32. Throws nusi::invalid_argument.
template <class Real>
Real free_protons_in_water(Real mass_kt) {
  detail::require_positive("nusi::free_protons_in_water", "mass_kt", mass_kt);
  return mass_kt * Real(1e9L) * 2 * avogadro_per_mol<Real> / Real(18.01528L);
}

/// Free protons in mass_kt kilotonnes of material with hydrogen mass fraction hydrogen_mass_fraction
/// (atomic mass of H 1.00794 g/mol). Throws nusi::invalid_argument.
template <class Real>
Real free_protons_from_hydrogen_fraction(Real mass_kt, Real hydrogen_mass_fraction) {
  constexpr std::string_view fn = "nusi::free_protons_from_hydrogen_fraction";
  detail::require_positive(fn, "mass_kt", mass_kt);
  detail::require_closed_interval(fn, "hydrogen_mass_fraction", hydrogen_mass_fraction, Real(0), Real(1));
  return mass_kt * Real(1e9L) * hydrogen_mass_fraction * avogadro_per_mol<Real> / Real(1.00794L);
}

/// Gaussian energy resolution sigma(E) = a sqrt(E / 10 MeV) + b (E / 10 MeV) [MeV], the form of Vissani
/// 2015 (J. Phys. G 42, 013001) used for the SN 1987A detectors: a and b are the two terms' sigma AT 10 MeV,
/// in MeV (Kamiokande-II: 1.27 and 1.0). A resolution quoted as "3 %/sqrt(E/MeV)" is
/// stochastic_fraction_at_1MeV(0.03), i.e. a = 0.03 sqrt(10) MeV = 0.095 MeV, not 0.03.
template <class Real>
struct energy_resolution {
  /// a: sigma of the stochastic term at E = 10 MeV [MeV].
  Real stochastic_sigma_at_10MeV_MeV = Real(0);
  /// b: sigma of the linear term at E = 10 MeV [MeV].
  Real linear_sigma_at_10MeV_MeV = Real(0);

  /// sigma/E = fraction_at_1MeV / sqrt(E/MeV) (the usual "x %/sqrt(E)" of scintillators), no linear term.
  /// @throws nusi::invalid_argument unless fraction_at_1MeV is finite and >= 0.
  static energy_resolution stochastic_fraction_at_1MeV(Real fraction_at_1MeV) {
    using std::sqrt;
    detail::require_non_negative("nusi::energy_resolution::stochastic_fraction_at_1MeV", "fraction_at_1MeV",
                                 fraction_at_1MeV);
    return {fraction_at_1MeV * sqrt(Real(10)), Real(0)};  // a sqrt(E/10 MeV) = f sqrt(10) sqrt(E/10 MeV) = f sqrt(E/MeV)
  }
  /// sigma [MeV] at visible energy E [MeV] (0 at E <= 0).
  /// @throws nusi::invalid_argument if visible_energy_MeV is not finite, or a member is not finite and >= 0.
  Real sigma_MeV(Real visible_energy_MeV) const {
    using std::sqrt;
    constexpr std::string_view fn = "nusi::energy_resolution::sigma_MeV";
    detail::require_finite(fn, "visible_energy_MeV", visible_energy_MeV);
    detail::require_non_negative(fn, "stochastic_sigma_at_10MeV_MeV", stochastic_sigma_at_10MeV_MeV);
    detail::require_non_negative(fn, "linear_sigma_at_10MeV_MeV", linear_sigma_at_10MeV_MeV);
    if (!(visible_energy_MeV > 0)) return Real(0);
    const Real x = visible_energy_MeV / Real(10);
    return stochastic_sigma_at_10MeV_MeV * sqrt(x) + linear_sigma_at_10MeV_MeV * x;
  }
};

/// The reaction that detects the neutrino.
enum class detection_channel {
  /// anti-nu_e p -> n e+ (Strumia-Vissani cross section, ibd.hpp); lepton energy E_nu - Delta.
  inverse_beta_decay,
  /// nu_e 40Ar -> e- 40K*; tabulated cross section (nue_argon_cross_section_cm2); the visible energy
  /// is taken as E_nu - 1.504 MeV (electron plus de-excitation, ground-state Q value).
  nue_argon_charged_current
};

/// A detector: what it counts, how many targets, and how it measures energy. Energies in MeV.
/// Visible energy (true) E_vis = E_lepton(E_nu) + visible_energy_offset_MeV; it is measured with
/// the Gaussian resolution and counted above threshold_MeV (on the measured value).
template <class Real>
struct detector {
  std::string name;
  detection_channel channel = detection_channel::inverse_beta_decay;
  /// Free protons (IBD) or 40Ar nuclei (nu_e Ar CC).
  Real targets = Real(0);
  /// Analysis threshold on the measured visible energy [MeV].
  Real threshold_MeV = Real(0);
  /// 0 for water Cherenkov (energies are total e+ energies); m_e for scintillators (the annihilation
  /// photons add 2 m_e to the e+ kinetic energy).
  Real visible_energy_offset_MeV = Real(0);
  energy_resolution<Real> resolution{};
  /// Intrinsic efficiency eta(E_vis) in [0, 1] before the threshold cut; empty means 1.
  std::function<Real(Real)> efficiency{};

  /// Throws nusi::invalid_argument naming the first bad member.
  void validate(std::string_view function) const {
    detail::require_positive(function, "detector.targets", targets);
    detail::require_non_negative(function, "detector.threshold_MeV", threshold_MeV);
    detail::require_finite(function, "detector.visible_energy_offset_MeV", visible_energy_offset_MeV);
    detail::require_non_negative(function, "detector.resolution.stochastic_sigma_at_10MeV_MeV",
                                 resolution.stochastic_sigma_at_10MeV_MeV);
    detail::require_non_negative(function, "detector.resolution.linear_sigma_at_10MeV_MeV", resolution.linear_sigma_at_10MeV_MeV);
  }
};

namespace detail {
/// (log10(E/GeV), sigma/E [1e-38 cm^2/GeV]) for nu_e 40Ar CC, read at ~0.1 dex from SNOwGLoBES
/// xscns/xs_nue_Ar40.dat (its sources: Gil-Botella & Rubbia, JCAP 0408 (2004) 001; Kolbe, Langanke,
/// Martinez-Pinedo, Vogel, J. Phys. G 29 (2003) 2569).
template <class Real>
const std::array<std::pair<Real, Real>, 16>& nue_argon_table() {
  static const std::array<std::pair<Real, Real>, 16> table{{
    {Real(-2.495669L), Real(1.733150e-03L)}, {Real(-2.401327L), Real(4.467878e-03L)},
    {Real(-2.300082L), Real(8.298599e-03L)}, {Real(-2.201138L), Real(1.328617e-02L)},
    {Real(-2.099892L), Real(2.233770e-02L)}, {Real(-2.000948L), Real(3.985516e-02L)},
    {Real(-1.899703L), Real(7.541223e-02L)}, {Real(-1.800758L), Real(1.434844e-01L)},
    {Real(-1.699513L), Real(2.452447e-01L)}, {Real(-1.600569L), Real(3.872824e-01L)},
    {Real(-1.499324L), Real(5.956766e-01L)}, {Real(-1.400379L), Real(9.172895e-01L)},
    {Real(-1.301435L), Real(1.455731e+00L)}, {Real(-1.200190L), Real(2.342235e+00L)},
    {Real(-1.101245L), Real(3.608860e+00L)}, {Real(-1.004602L), Real(5.127382e+00L)},
  }};
  return table;
}
}  // namespace detail

/// Lowest energy [MeV] of the nu_e 40Ar table (3.19 MeV); the cross section is 0 below it.
template <class Real>
Real nue_argon_table_min_energy_MeV() {
  using std::pow;
  return Real(1000) * pow(Real(10), detail::nue_argon_table<Real>().front().first);
}

/// nu_e 40Ar -> e- 40K* cross section [cm^2]: log-log interpolation of 16 points (3.2-99 MeV) of the
/// SNOwGLoBES table (Gil-Botella & Rubbia 2004; Kolbe et al. 2003; model uncertainty 10-20 %), power-law
/// extrapolation above 99 MeV, 0 below 3.19 MeV. Throws nusi::invalid_argument on bad input.
template <class Real>
Real nue_argon_cross_section_cm2(Real E_nu_MeV) {
  using std::log10;
  using std::pow;
  detail::require_non_negative("nusi::nue_argon_cross_section_cm2", "E_nu_MeV", E_nu_MeV);
  const auto& table = detail::nue_argon_table<Real>();
  if (!(E_nu_MeV >= nue_argon_table_min_energy_MeV<Real>())) return Real(0);
  const Real x = log10(E_nu_MeV / Real(1000));
  std::size_t i = 0;
  while (i + 2 < table.size() && x > table[i + 1].first) ++i;
  const auto [x0, y0] = table[i];
  const auto [x1, y1] = table[i + 1];
  const Real log_y = log10(y0) + (x - x0) * (log10(y1) - log10(y0)) / (x1 - x0);
  return pow(Real(10), log_y) * Real(1e-38L) * (E_nu_MeV / Real(1000));
}

/// Lepton energy [MeV] from neutrino energy E_nu for a channel (leading order): E_nu - Delta for IBD,
/// E_nu - 1.504 MeV for nu_e 40Ar (M(40K) - M(40Ar), atomic masses). May be negative below threshold.
/// @throws nusi::invalid_argument if E_nu_MeV is not finite.
template <class Real>
Real channel_lepton_energy_MeV(detection_channel channel, Real E_nu_MeV) {
  detail::require_finite("nusi::channel_lepton_energy_MeV", "E_nu_MeV", E_nu_MeV);
  if (channel == detection_channel::inverse_beta_decay) return E_nu_MeV - neutron_proton_mass_difference_MeV<Real>();
  return E_nu_MeV - Real(1.5044L);
}

/// Cross section [cm^2] of a channel at E_nu [MeV] (Strumia-Vissani for IBD, the table for Ar).
template <class Real>
Real channel_cross_section_cm2(detection_channel channel, Real E_nu_MeV) {
  if (channel == detection_channel::inverse_beta_decay) return ibd_cross_section_cm2(E_nu_MeV);
  return nue_argon_cross_section_cm2(E_nu_MeV);
}

/// Neutrino energy [MeV] below which the channel's cross section vanishes.
template <class Real>
Real channel_threshold_MeV(detection_channel channel) {
  if (channel == detection_channel::inverse_beta_decay) return ibd_threshold_MeV<Real>();
  return nue_argon_table_min_energy_MeV<Real>();
}

/// Kamiokande-II intrinsic efficiency (Vissani 2015): 0.93 (1 - 0.2/E - (2.5/E)^2) above 2.6 MeV,
/// clipped at 0; E = total e+ energy [MeV]. @throws nusi::invalid_argument if E_MeV is NaN.
template <class Real>
Real kamiokande_ii_efficiency(Real E_MeV) {
  detail::require_not_nan("nusi::kamiokande_ii_efficiency", "E_MeV", E_MeV);
  if (!(E_MeV > Real(2.6L))) return Real(0);
  const Real a = Real(2.5L) / E_MeV;
  const Real eta = Real(0.93L) * (1 - Real(0.2L) / E_MeV - a * a);
  return eta > 0 ? eta : Real(0);
}

/// The two public parametrisations of the IMB efficiency eta = c1 x + c4 x^4 + c5 x^5, x = E/E_I - 1.
enum class imb_efficiency_model {
  /// E_I = 15.5 MeV, c1 = 0.379, c4 = -6e-3, c5 = 1e-3; resolution a = 3.3, b = 0.2 MeV
  /// (VOliviero/SN1987A_Analysis, after Vissani 2015; angular bias 1 + 0.1 cos theta averaged to 1).
  vissani_2015,
  /// E_I = 15 MeV, c1 = 0.369, c4 = -6e-4, c5 = 1e-4, clipped at 1; resolution a = 3.0, b = 0.4 MeV
  /// (GEFAN-Unicamp/SN1987A-2023analysis). Its c4, c5 are a tenth of the other set.
  gefan_2023
};

/// IMB intrinsic efficiency at total e+ energy E [MeV] for a model, clipped to [0, 1].
/// @throws nusi::invalid_argument if E_MeV is NaN.
template <class Real>
Real imb_efficiency(Real E_MeV, imb_efficiency_model model = imb_efficiency_model::vissani_2015) {
  detail::require_not_nan("nusi::imb_efficiency", "E_MeV", E_MeV);
  const bool v = model == imb_efficiency_model::vissani_2015;
  const Real E_I = v ? Real(15.5L) : Real(15);
  if (!(E_MeV > E_I)) return Real(0);
  const Real x = E_MeV / E_I - 1, x4 = x * x * x * x;
  const Real eta = v ? Real(0.379L) * x - Real(6e-3L) * x4 + Real(1e-3L) * x4 * x
                     : Real(0.369L) * x - Real(6e-4L) * x4 + Real(1e-4L) * x4 * x;
  return eta < 0 ? Real(0) : (eta > 1 ? Real(1) : eta);
}

/// Kamiokande-II: 2.14 kt water (N_p = 1.43e32), threshold 4.5 MeV, sigma = 1.27 sqrt(E/10) + 1.0 (E/10)
/// MeV, Vissani-2015 efficiency (Loredo & Lamb 2002; Vissani 2015).
template <class Real>
detector<Real> kamiokande_ii() {
  return {.name = "Kamiokande-II",
          .channel = detection_channel::inverse_beta_decay,
          .targets = free_protons_in_water(Real(2.14L)),
          .threshold_MeV = Real(4.5L),
          .visible_energy_offset_MeV = Real(0),
          .resolution = {.stochastic_sigma_at_10MeV_MeV = Real(1.27L), .linear_sigma_at_10MeV_MeV = Real(1.0L)},
          .efficiency = [](Real E) { return kamiokande_ii_efficiency(E); }};
}

/// IMB: 6.8 kt water (N_p = 4.55e32), threshold 15 MeV, efficiency and resolution of the chosen model
/// (the two public codes disagree; see imb_efficiency_model).
template <class Real>
detector<Real> imb(imb_efficiency_model model = imb_efficiency_model::vissani_2015) {
  const bool v = model == imb_efficiency_model::vissani_2015;
  return {.name = "IMB",
          .channel = detection_channel::inverse_beta_decay,
          .targets = free_protons_in_water(Real(6.8L)),
          .threshold_MeV = Real(15),
          .visible_energy_offset_MeV = Real(0),
          .resolution = {.stochastic_sigma_at_10MeV_MeV = v ? Real(3.3L) : Real(3.0L), .linear_sigma_at_10MeV_MeV = v ? Real(0.2L) : Real(0.4L)},
          .efficiency = [model](Real E) { return imb_efficiency(E, model); }};
}

/// Baksan: 0.20 kt C9H20 (20 free H per 128.259 g/mol, N_p = 1.88e31), threshold 10 MeV on the
/// scintillator visible energy E_e + m_e, sigma = 2.0 (E/10) MeV, efficiency 1 (Vissani 2015).
template <class Real>
detector<Real> baksan() {
  return {.name = "Baksan",
          .channel = detection_channel::inverse_beta_decay,
          .targets = Real(0.20L) * Real(1e9L) * 20 * avogadro_per_mol<Real> / Real(128.259L),
          .threshold_MeV = Real(10),
          .visible_energy_offset_MeV = electron_mass_MeV<Real>,
          .resolution = {.stochastic_sigma_at_10MeV_MeV = Real(0), .linear_sigma_at_10MeV_MeV = Real(2.0L)},
          .efficiency = {}};
}

/// Super-Kamiokande: 32.5 kt (whole inner detector, as used for a burst), IBD, threshold 7 MeV total
/// e+ energy, sigma = 1.4 sqrt(E/10 MeV) MeV (SK-IV, ~14 % at 10 MeV), efficiency 1 above threshold.
template <class Real>
detector<Real> super_kamiokande() {
  return {.name = "Super-Kamiokande",
          .channel = detection_channel::inverse_beta_decay,
          .targets = free_protons_in_water(Real(32.5L)),
          .threshold_MeV = Real(7),
          .visible_energy_offset_MeV = Real(0),
          .resolution = {.stochastic_sigma_at_10MeV_MeV = Real(1.4L), .linear_sigma_at_10MeV_MeV = Real(0)},
          .efficiency = {}};
}

/// Hyper-Kamiokande, one tank: 216 kt inner detector (187 kt fiducial; design report arXiv:1805.04163),
/// IBD, threshold and resolution taken equal to Super-K's. Pass inner_detector_kt = 187 for the fiducial.
/// @throws nusi::invalid_argument if inner_detector_kt is not finite and > 0.
template <class Real>
detector<Real> hyper_kamiokande(Real inner_detector_kt = Real(216)) {
  detail::require_positive("nusi::hyper_kamiokande", "inner_detector_kt", inner_detector_kt);
  auto d = super_kamiokande<Real>();
  d.name = "Hyper-Kamiokande";
  d.targets = free_protons_in_water(inner_detector_kt);
  return d;
}

/// JUNO: 20 kt liquid scintillator with 12 % hydrogen by mass (N_p = 1.43e33; Yellow Book, J. Phys. G 43
/// (2016) 030401), IBD prompt energy E_e + m_e, threshold 0.7 MeV, sigma = 3 %/sqrt(E/MeV).
template <class Real>
detector<Real> juno() {
  using std::sqrt;
  return {.name = "JUNO",
          .channel = detection_channel::inverse_beta_decay,
          .targets = free_protons_from_hydrogen_fraction(Real(20), Real(0.12L)),
          .threshold_MeV = Real(0.7L),
          .visible_energy_offset_MeV = electron_mass_MeV<Real>,
          .resolution = energy_resolution<Real>::stochastic_fraction_at_1MeV(Real(0.03L)),
          .efficiency = {}};
}

/// DUNE far detector: 40 kt liquid argon (99.6 % 40Ar, 6.0e32 nuclei), nu_e 40Ar CC (tabulated cross
/// section), threshold 5 MeV, sigma = 1.5 sqrt(E/10 MeV) MeV, efficiency 1 (DUNE, Eur. Phys. J. C 81
/// (2021) 423). It counts nu_e, not anti-nu_e: hand it the nu_e spectrum. (forecast_event_bound uses
/// the supernova_emission it is given; its default is the anti-nu_e one, 15 MeV and 5e52 erg, so a DUNE
/// forecast with defaults gives nu_e the anti-nu_e emission: see docs/physics.md.)
template <class Real>
detector<Real> dune() {
  return {.name = "DUNE",
          .channel = detection_channel::nue_argon_charged_current,
          .targets = Real(40) * Real(1e9L) * Real(0.99600L) * avogadro_per_mol<Real> / Real(39.948L),
          .threshold_MeV = Real(5),
          .visible_energy_offset_MeV = Real(0),
          .resolution = {.stochastic_sigma_at_10MeV_MeV = Real(1.5L), .linear_sigma_at_10MeV_MeV = Real(0)},
          .efficiency = {}};
}

/// The detectors of the Galactic-supernova forecasts.
enum class galactic_detector { super_kamiokande, hyper_kamiokande, juno, dune };

/// The distance of the Galactic supernova of the forecasts, 10 kpc [cm].
template <class Real> inline constexpr Real galactic_supernova_distance_cm = kpc(Real(10));

/// Every galactic_detector, in the order the tool and the figures list them.
inline constexpr std::array<galactic_detector, 4> galactic_detectors{
    galactic_detector::super_kamiokande, galactic_detector::hyper_kamiokande, galactic_detector::juno,
    galactic_detector::dune};

/// The detector's key on the command line and in file names: "super-kamiokande", "hyper-kamiokande",
/// "juno" or "dune".
inline std::string_view detector_key(galactic_detector d) {
  switch (d) {
    case galactic_detector::super_kamiokande: return "super-kamiokande";
    case galactic_detector::hyper_kamiokande: return "hyper-kamiokande";
    case galactic_detector::juno: return "juno";
    case galactic_detector::dune: return "dune";
  }
  return "unknown";
}

/// The model of d: super_kamiokande(), hyper_kamiokande() (216 kt inner detector), juno() or dune().
template <class Real>
detector<Real> detector_model(galactic_detector d) {
  switch (d) {
    case galactic_detector::super_kamiokande: return super_kamiokande<Real>();
    case galactic_detector::hyper_kamiokande: return hyper_kamiokande<Real>();
    case galactic_detector::juno: return juno<Real>();
    case galactic_detector::dune: return dune<Real>();
  }
  return super_kamiokande<Real>();  // not reached: the switch names every detector
}

}  // namespace nusi
