# SPDX-License-Identifier: MIT
# Type stub of the nusi Python module, written by python/generate_stub.py from the module's record of its
# API (do not edit by hand: regenerate it). Units are in the names (_MeV, _cm, _per_cm3); see docs/python.md.
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__version__: str
"""the nusi version (CMake's project(VERSION))"""
hbar_c_MeV_fm: float
"""hbar c [MeV fm], CODATA 2018"""
hbar_c_MeV_cm: float
"""hbar c [MeV cm], CODATA 2018"""
hbar_c_squared_MeV2_cm2: float
"""(hbar c)^2 [MeV^2 cm^2]: a cross section in MeV^-2 times it is in cm^2"""
speed_of_light_cm_per_s: float
"""speed of light [cm/s], exact (SI)"""
kpc_cm: float
"""1 kpc [cm] (IAU 2015 parsec)"""
km_cm: float
"""1 km [cm]"""
fermi_constant_per_MeV2: float
"""Fermi constant G_F [MeV^-2], PDG"""
axial_coupling_gA: float
"""axial coupling of the nucleon g_A (PHYSICS-SPEC)"""
electron_mass_MeV: float
"""electron mass [MeV], CODATA 2018"""
atomic_mass_unit_g: float
"""atomic mass unit [g], CODATA 2018 (n_N = rho/m_u)"""
erg_MeV: float
"""1 erg [MeV], CODATA 2018"""
cmb_temperature_K: float
"""CMB temperature today [K] (Fixsen 2009)"""
boltzmann_eV_per_K: float
"""Boltzmann constant [eV/K], exact (SI)"""
lowest_log10_mass_MeV: float
"""smallest log10(M/MeV) accepted"""
highest_log10_mass_MeV: float
"""largest log10(M/MeV) accepted"""
lowest_log10_coupling: float
"""smallest log10 g accepted"""
highest_log10_coupling: float
"""largest log10 g accepted"""
perturbative_coupling_limit: float
"""g = sqrt(4 pi): the top of the coupling searches and of Fig. 1"""
log10_perturbative_coupling_limit: float
"""log10 sqrt(4 pi)"""
default_kappa: float
"""phase-space factor per final-state particle in Eqs. (2)-(3): the paper's 1e-2"""
paper_log10_core_bound: float
"""the core bound quoted by the paper, log10 g ~ -1.8 (Sec. I, Fig. 1)"""
paper_quoted_neutrino_density_per_cm3: float
"""n_nu ~ 1e38 cm^-3 quoted in paper Sec. III [cm^-3]"""
plausible_relic_mass_min_MeV: float
"""smallest plausible relic-neutrino mass [MeV] (1e-4 eV)"""
plausible_relic_mass_max_MeV: float
"""largest plausible relic-neutrino mass [MeV] (10 eV)"""
galactic_supernova_distance_cm: float
"""distance of the forecasts' Galactic supernova, 10 kpc [cm]"""
max_threads: int
"""largest threads accepted"""
max_monte_carlo_primaries: int
"""largest primaries of monte_carlo_propagation (1e10)"""
max_window_primaries: int
"""largest primaries of the arrival-time and window Monte Carlos (1e8)"""


class NumericalError(RuntimeError):
    """A numerical method of nusi failed (no convergence, a work bound reached): nusi::numerical_error."""


class result:
    """The base of every result: named fields (attributes), read also as r['name'], listed by r.keys() and copied by r.to_dict(). Fields carry the keys of the tool's --json where it prints the same quantity."""

    def __getitem__(self, key: str) -> Any:
        """The field named key."""

    def __contains__(self, key: str) -> bool:
        """Whether a field is named key."""

    def keys(self) -> list[str]:
        """The field names, in order."""

    def to_dict(self) -> dict[str, Any]:
        """A dict of the fields, in order."""


class s_channel_breit_wigner:
    """s-channel Breit-Wigner scattering of a supernova neutrino (E_i) on a relic neutrino at rest, paper Eqs. (4)-(5): energies in MeV, cross sections in cm^2 (dsigma/dE_f in cm^2/MeV). Every method broadcasts over its energy arguments and raises ValueError outside their ranges."""

    def __init__(self, log10_mass_MeV: float, log10_g: float, *, relic_mass_MeV: float = 5e-08, relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0) -> None:
        """The Breit-Wigner of the mediator (M = 10^log10_mass_MeV MeV, g = 10^log10_g) on relics of mass m_nu."""

    @property
    def mass_MeV(self) -> float:
        """mediator mass M [MeV]"""

    @property
    def coupling(self) -> float:
        """coupling g"""

    @property
    def relic_mass_MeV(self) -> float:
        """relic-neutrino mass m_nu [MeV]"""

    @property
    def width_MeV(self) -> float:
        """decay width Gamma [MeV]: g^2 M/(4 pi) (below Eq. 4)"""

    @property
    def resonance_energy_MeV(self) -> float:
        """E_res = M^2/(2 m_nu) [MeV] (Sec. II)"""

    @property
    def peak_sigma_total_cm2(self) -> float:
        """peak of sigma_tot at s = M^2 [cm^2]: 4 pi/(M^2 + m_nu^2)"""

    def mandelstam_s_MeV2(self, E_i_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """Mandelstam s = 2 E_i m_nu [MeV^2] for a target at rest."""

    def final_energy_MeV(self, E_i_MeV: ArrayLike, cos_angle: ArrayLike) -> float | NDArray[np.float64]:
        """E_f(E_i, cos t) = (s/2)/(E_i (1 - cos t) + m_nu) [MeV] (below Eq. 4)."""

    def min_final_energy_MeV(self, E_i_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """E_f,min = (s/2)/(2 E_i + m_nu) [MeV], at backward scattering."""

    def one_minus_cos_angle(self, E_i_MeV: ArrayLike, E_f_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """1 - cos t = m_nu (1/E_f - 1/E_i), the inverse of final_energy_MeV."""

    def cos_angle(self, E_i_MeV: ArrayLike, E_f_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """cos t of the scattered supernova neutrino for E_i -> E_f."""

    def deflection_angle_rad(self, E_i_MeV: ArrayLike, E_f_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """Deflection angle t [rad] for E_i -> E_f."""

    def dsigma_dcos_cm2(self, E_i_MeV: ArrayLike, cos_angle: ArrayLike) -> float | NDArray[np.float64]:
        """dsigma/dcos t [cm^2], paper Eq. (4)."""

    def dsigma_dEf_cm2_per_MeV(self, E_i_MeV: ArrayLike, E_f_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """dsigma/dE_f [cm^2/MeV] = g^4 m_nu/(2 pi D(s)), flat on [E_f,min, E_i] (paper Eq. 5)."""

    def flat_dsigma_dEf_cm2_per_MeV(self, E_i_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """The flat value of dsigma/dE_f at E_i [cm^2/MeV] (paper Eq. 5)."""

    def sigma_total_cm2(self, E_i_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """sigma_tot(E_i) [cm^2]: Eq. (4) integrated over cos t in [-1, 1]."""

    def bin_averaged_dsigma_dEf_cm2_per_MeV(self, E_lo_MeV: ArrayLike, E_hi_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """Average of dsigma/dE_f over E_i in [E_lo, E_hi] [cm^2/MeV], in closed form (an arctangent)."""

    def bin_averaged_sigma_total_cm2(self, E_lo_MeV: ArrayLike, E_hi_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """Average of sigma_tot over E_i in [E_lo, E_hi] [cm^2]: exact near the pole, Gauss-Legendre elsewhere."""


class pinched_spectrum:
    """Pinched (Keil-Raffelt-Janka) spectrum phi(E) ~ E^alpha exp(-(alpha + 1) E/<E>), normalised to unit number (paper Sec. IV, Refs. [47, 48])."""

    def __init__(self, mean_energy_MeV: float, alpha: float) -> None:
        """From <E> [MeV] and the pinching parameter alpha > -1."""

    @staticmethod
    def from_moments(mean_energy_MeV: float, mean_square_energy_MeV2: float) -> pinched_spectrum:
        """The spectrum of <E> [MeV] and <E^2> [MeV^2]: alpha = (2<E>^2 - <E^2>)/(<E^2> - <E>^2)."""

    @staticmethod
    def paper_default() -> pinched_spectrum:
        """The paper's emission spectrum: <E> = 15 MeV, <E^2> = 290 MeV^2 (alpha = 160/65)."""

    @property
    def mean_energy_MeV(self) -> float:
        """<E> [MeV]"""

    @property
    def alpha(self) -> float:
        """pinching parameter alpha"""

    @property
    def mean_square_energy_MeV2(self) -> float:
        """<E^2> = <E>^2 (alpha + 2)/(alpha + 1) [MeV^2]"""

    def probability_density_per_MeV(self, E_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """dN/dE / N [MeV^-1]: the normalised spectrum (its pdf)."""

    def cumulative_probability(self, E_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """Fraction of neutrinos below E (the cdf)."""

    def complementary_probability(self, E_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """Fraction of neutrinos above E, 1 - cdf without cancellation."""

    def quantile_MeV(self, p: ArrayLike) -> float | NDArray[np.float64]:
        """Energy [MeV] below which a fraction p in (0, 1) of the neutrinos lie."""

    def moment_MeVn(self, n: ArrayLike) -> float | NDArray[np.float64]:
        """<E^n> [MeV^n]."""

    def sample_MeV(self, count: int, *, seed: int) -> NDArray[np.float64]:
        """count energies [MeV] drawn from the spectrum by inverse cdf with std::mt19937_64 seeded with seed: the values a C++ loop of sample_MeV(rng) gives."""


class fermi_dirac_spectrum:
    """Thermal Fermi-Dirac spectrum of one species: dN/dE ~ E^2/(exp(E/T - eta) + 1), temperature T [MeV], degeneracy eta = mu/T in [-50, 50] (paper Sec. III: eta = 0)."""

    def __init__(self, temperature_MeV: float, degeneracy: float = 0.0) -> None:
        """From the temperature T [MeV] and the degeneracy eta."""

    @staticmethod
    def from_mean_energy(mean_energy_MeV: float, degeneracy: float = 0.0) -> fermi_dirac_spectrum:
        """The spectrum of mean energy <E> [MeV]: T = <E> F_2(eta)/F_3(eta) (paper: T ~ <E>/3.15)."""

    @property
    def temperature_MeV(self) -> float:
        """temperature T [MeV]"""

    @property
    def degeneracy(self) -> float:
        """degeneracy eta = mu/T"""

    @property
    def number_density_per_cm3(self) -> float:
        """number density of one species [cm^-3]: T^3 F_2(eta)/(2 pi^2)"""

    @property
    def mean_energy_MeV(self) -> float:
        """<E> = T F_3/F_2 [MeV] (3.1514 T at eta = 0)"""

    @property
    def mean_square_energy_MeV2(self) -> float:
        """<E^2> = T^2 F_4/F_2 [MeV^2]"""

    def probability_density_per_MeV(self, E_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """dN/dE / N [MeV^-1]: the normalised spectrum (its pdf)."""

    def cumulative_probability(self, E_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """Fraction of neutrinos below E (the cdf)."""

    def complementary_probability(self, E_MeV: ArrayLike) -> float | NDArray[np.float64]:
        """Fraction of neutrinos above E, 1 - cdf without cancellation."""

    def quantile_MeV(self, p: ArrayLike) -> float | NDArray[np.float64]:
        """Energy [MeV] below which a fraction p in (0, 1) of the neutrinos lie."""

    def moment_MeVn(self, n: ArrayLike) -> float | NDArray[np.float64]:
        """<E^n> [MeV^n]."""

    def sample_MeV(self, count: int, *, seed: int) -> NDArray[np.float64]:
        """count energies [MeV] drawn from the spectrum by inverse cdf with std::mt19937_64 seeded with seed: the values a C++ loop of sample_MeV(rng) gives."""


class power_law_profile:
    """Power-law nucleon density n_N = rho_ref/m_u (r/r_ref)^-power_index with uniform <E> and n_nu (PHYSICS-SPEC's core)."""

    def __init__(self, *, reference_radius_cm: float = 1500000.0, reference_density_g_per_cm3: float = 100000000000000.0, power_index: float = 3.0, mean_energy_MeV: float = 30.0, preset: Literal['fermi_dirac', 'paper_quoted'] = 'fermi_dirac', paper_quoted_density_per_cm3: float = 1e+38, degeneracy: float = 0.0, species: float = 6.0) -> None:
        """The power-law profile of these parameters."""

    @property
    def temperature_MeV(self) -> float:
        """T = <E> F_2/F_3 [MeV]"""

    def nucleon_density_per_cm3(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """Nucleon number density n_N(r) [cm^-3]."""

    def neutrino_density_per_cm3(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """Neutrino density n_nu(r), all species [cm^-3]."""

    def mean_energy_MeV(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """Mean neutrino energy <E>(r) [MeV]."""


class constant_profile:
    """A uniform core: constant mass density, mean energy and neutrino density (the paper's d = lambda N_nuN holds exactly)."""

    def __init__(self, *, density_g_per_cm3: float = 100000000000000.0, mean_energy_MeV: float = 30.0, preset: Literal['fermi_dirac', 'paper_quoted'] = 'fermi_dirac', paper_quoted_density_per_cm3: float = 1e+38, degeneracy: float = 0.0, species: float = 6.0) -> None:
        """The uniform profile of these parameters."""

    @property
    def temperature_MeV(self) -> float:
        """T = <E> F_2/F_3 [MeV]"""

    def nucleon_density_per_cm3(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """Nucleon number density n_N(r) [cm^-3]."""

    def neutrino_density_per_cm3(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """Neutrino density n_nu(r), all species [cm^-3]."""

    def mean_energy_MeV(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """Mean neutrino energy <E>(r) [MeV]."""


class tabulated_profile:
    """A profile tabulated in radius: nucleon density and temperature at each node, interpolated monotonically in log r (a power law is reproduced exactly); n_nu and <E> follow from T by Fermi-Dirac (or the paper_quoted density). Evaluation outside the table raises ValueError."""

    def __init__(self, radius_cm: ArrayLike, density_g_per_cm3: ArrayLike, temperature_MeV: ArrayLike, *, preset: Literal['fermi_dirac', 'paper_quoted'] = 'fermi_dirac', paper_quoted_density_per_cm3: float = 1e+38, degeneracy: float = 0.0, species: float = 6.0) -> None:
        """From columns: radius [cm] strictly increasing, density [g/cm^3] > 0, temperature [MeV] > 0, >= 2 rows."""

    @staticmethod
    def from_csv(path: str, *, preset: Literal['fermi_dirac', 'paper_quoted'] = 'fermi_dirac', paper_quoted_density_per_cm3: float = 1e+38, degeneracy: float = 0.0, species: float = 6.0) -> tabulated_profile:
        """Reads a CSV file: one row per line, radius_km, density_g_per_cm3, temperature_MeV; '#' lines and an optional header line skipped. ValueError 'path:line: ...' for a bad file."""

    @property
    def min_radius_cm(self) -> float:
        """smallest tabulated radius [cm]"""

    @property
    def max_radius_cm(self) -> float:
        """largest tabulated radius [cm]"""

    @property
    def breakpoints_cm(self) -> NDArray[np.float64]:
        """the table's radii [cm]"""

    def temperature_MeV(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """T(r) [MeV], interpolated."""

    def nucleon_density_per_cm3(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """Nucleon number density n_N(r) [cm^-3]."""

    def neutrino_density_per_cm3(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """Neutrino density n_nu(r), all species [cm^-3]."""

    def mean_energy_MeV(self, r_cm: ArrayLike) -> float | NDArray[np.float64]:
        """Mean neutrino energy <E>(r) [MeV]."""


class core_bound_result(result):
    """g_core(M) of paper Sec. III with the random walk's numbers (the keys of `nusi core --json`); arrays over the masses given."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def mass_MeV(self) -> float | NDArray[np.float64]:
        """mediator mass M [MeV]"""

    @property
    def log10_g_bound(self) -> float | NDArray[np.float64]:
        """log10 g_core = -log10(N_2to4(g = 1))/8: N_2to4 = 1 there (Eq. 7); inf when N_2to4 = 0"""

    @property
    def N_2to4_at_g1(self) -> float | NDArray[np.float64]:
        """N_2to4 at g = 1 (Eq. 7); N_2to4(g) = g^8 times it"""

    @property
    def N_2to4_at_g1_error(self) -> float | NDArray[np.float64]:
        """quadrature error of N_2to4_at_g1"""

    @property
    def R_min_cm(self) -> float | NDArray[np.float64]:
        """inner radius of the decoupling region [cm]"""

    @property
    def R_max_cm(self) -> float | NDArray[np.float64]:
        """outer radius [cm]"""

    @property
    def kappa(self) -> float | NDArray[np.float64]:
        """phase-space factor of Eqs. (2)-(3)"""

    @property
    def temperature_MeV(self) -> float | NDArray[np.float64]:
        """T at R_min [MeV]"""

    @property
    def mean_energy_MeV(self) -> float | NDArray[np.float64]:
        """<E> at R_min [MeV]"""

    @property
    def E_cm_MeV(self) -> float | NDArray[np.float64]:
        """E_cm at R_min [MeV] (2<E> by the paper's convention)"""

    @property
    def neutrino_density_per_cm3(self) -> float | NDArray[np.float64]:
        """n_nu at R_min [cm^-3]"""

    @property
    def sigma_nuN_averaged_cm2(self) -> float | NDArray[np.float64]:
        """<sigma_nuN> at R_min [cm^2]"""

    @property
    def mean_free_path_R_min_cm(self) -> float | NDArray[np.float64]:
        """lambda(R_min) [cm]"""

    @property
    def N_nuN(self) -> float | NDArray[np.float64]:
        """N_nuN = int r dr/lambda^2 (Sec. III)"""

    @property
    def N_nuN_error(self) -> float | NDArray[np.float64]:
        """quadrature error of N_nuN"""

    @property
    def path_length_cm(self) -> float | NDArray[np.float64]:
        """d = int r dr/lambda [cm]"""

    @property
    def path_length_error_cm(self) -> float | NDArray[np.float64]:
        """quadrature error of d [cm]"""

    @property
    def paper_path_length_cm(self) -> float | NDArray[np.float64]:
        """the paper's d = lambda(R_min) N_nuN [cm]"""

    @property
    def neutrino_column_per_cm2(self) -> float | NDArray[np.float64]:
        """int n_nu r dr/lambda [cm^-2]"""


class core_map_result(result):
    """N_2to4 over the (log10 M, log10 g) grid of paper Fig. 2."""

    @property
    def log10_mass_MeV(self) -> NDArray[np.float64]:
        """the map's log10(M/MeV)"""

    @property
    def log10_coupling(self) -> NDArray[np.float64]:
        """the map's log10 g"""

    @property
    def N_2to4(self) -> NDArray[np.float64]:
        """N_2to4[i, j] at log10_mass_MeV[i], log10_coupling[j] (Eq. 7)"""

    @property
    def log10_coupling_bound(self) -> NDArray[np.float64]:
        """log10 g_core at each mass"""

    @property
    def radial_integrals(self) -> int | NDArray[np.int64]:
        """radial integrals computed (1 when <E> is uniform)"""


class propagation_result(result):
    """Energy-only propagation to Earth (paper Sec. IV, Eq. 8): F, budgets and the spectrum at Earth on the grid (the keys of `nusi propagate --json --spectrum`)."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g(self) -> float | NDArray[np.float64]:
        """log10 of the coupling g"""

    @property
    def fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F = N(E > threshold at Earth)/N(emitted) (Sec. IV); 0 when an upper limit"""

    @property
    def fraction_is_upper_limit(self) -> bool | NDArray[np.bool_]:
        """F is below its noise floor: only F < fraction_noise_floor is known"""

    @property
    def fraction_noise_floor(self) -> float | NDArray[np.float64]:
        """the level below which F is rounding noise"""

    @property
    def emitted_fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F without interactions"""

    @property
    def excluded(self) -> bool | NDArray[np.bool_]:
        """F <= exclusion_level"""

    @property
    def exclusion_level(self) -> float | NDArray[np.float64]:
        """the exclusion level on F"""

    @property
    def mean_scatterings(self) -> float | NDArray[np.float64]:
        """scatterings per emitted neutrino, down to the grid's lowest energy"""

    @property
    def energy_budget_relative_error(self) -> float | NDArray[np.float64]:
        """(E(D) - E(0) - injected)/E(0): zero up to rounding"""

    @property
    def number_budget_relative_error(self) -> float | NDArray[np.float64]:
        """(N(D) - N(0) - scatterings)/N(D): zero up to rounding"""

    @property
    def emitted_number(self) -> float | NDArray[np.float64]:
        """neutrinos emitted on the grid, per emitted neutrino"""

    @property
    def number_at_earth(self) -> float | NDArray[np.float64]:
        """neutrinos at Earth per emitted one (> 1: up-scattered relics)"""

    @property
    def emitted_energy_MeV(self) -> float | NDArray[np.float64]:
        """emitted energy per emitted neutrino [MeV]"""

    @property
    def energy_at_earth_MeV(self) -> float | NDArray[np.float64]:
        """energy at Earth per emitted neutrino [MeV]"""

    @property
    def injected_energy_MeV(self) -> float | NDArray[np.float64]:
        """energy brought in by the struck relics [MeV]"""

    @property
    def below_grid_number(self) -> float | NDArray[np.float64]:
        """neutrinos below the grid's lowest node at Earth"""

    @property
    def below_grid_energy_MeV(self) -> float | NDArray[np.float64]:
        """their energy [MeV]"""

    @property
    def resonance_energy_MeV(self) -> float | NDArray[np.float64]:
        """E_res = M^2/(2 m_nu) [MeV]"""

    @property
    def target_density_per_cm3(self) -> float | NDArray[np.float64]:
        """relic targets [cm^-3]"""

    @property
    def energy_nodes(self) -> int | NDArray[np.int64]:
        """energy nodes of the grid (with the resonance refinement)"""

    @property
    def energy_MeV(self) -> NDArray[np.float64]:
        """node energies [MeV]"""

    @property
    def bin_width_MeV(self) -> NDArray[np.float64]:
        """width of each node's bin [MeV]"""

    @property
    def emitted(self) -> NDArray[np.float64]:
        """neutrinos at each node at r = 0, per emitted neutrino"""

    @property
    def at_earth(self) -> NDArray[np.float64]:
        """neutrinos at each node at r = D (below-noise values 0)"""

    @property
    def noise(self) -> NDArray[np.float64]:
        """per node: values below it are indistinguishable from 0"""

    @property
    def emitted_per_MeV(self) -> NDArray[np.float64]:
        """emitted dN/dE on the grid [MeV^-1]"""

    @property
    def at_earth_per_MeV(self) -> NDArray[np.float64]:
        """dN/dE at Earth per emitted neutrino [MeV^-1]"""


class energy_angle_result(result):
    """Energy-angle propagation (paper Eq. 8 with deflections): the energy-only fields (marginal over angle) and the arrival-direction map of Fig. 3."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g(self) -> float | NDArray[np.float64]:
        """log10 of the coupling g"""

    @property
    def fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F = N(E > threshold at Earth)/N(emitted) (Sec. IV); 0 when an upper limit"""

    @property
    def fraction_is_upper_limit(self) -> bool | NDArray[np.bool_]:
        """F is below its noise floor: only F < fraction_noise_floor is known"""

    @property
    def fraction_noise_floor(self) -> float | NDArray[np.float64]:
        """the level below which F is rounding noise"""

    @property
    def emitted_fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F without interactions"""

    @property
    def excluded(self) -> bool | NDArray[np.bool_]:
        """F <= exclusion_level"""

    @property
    def exclusion_level(self) -> float | NDArray[np.float64]:
        """the exclusion level on F"""

    @property
    def mean_scatterings(self) -> float | NDArray[np.float64]:
        """scatterings per emitted neutrino, down to the grid's lowest energy"""

    @property
    def energy_budget_relative_error(self) -> float | NDArray[np.float64]:
        """(E(D) - E(0) - injected)/E(0): zero up to rounding"""

    @property
    def number_budget_relative_error(self) -> float | NDArray[np.float64]:
        """(N(D) - N(0) - scatterings)/N(D): zero up to rounding"""

    @property
    def emitted_number(self) -> float | NDArray[np.float64]:
        """neutrinos emitted on the grid, per emitted neutrino"""

    @property
    def number_at_earth(self) -> float | NDArray[np.float64]:
        """neutrinos at Earth per emitted one (> 1: up-scattered relics)"""

    @property
    def emitted_energy_MeV(self) -> float | NDArray[np.float64]:
        """emitted energy per emitted neutrino [MeV]"""

    @property
    def energy_at_earth_MeV(self) -> float | NDArray[np.float64]:
        """energy at Earth per emitted neutrino [MeV]"""

    @property
    def injected_energy_MeV(self) -> float | NDArray[np.float64]:
        """energy brought in by the struck relics [MeV]"""

    @property
    def below_grid_number(self) -> float | NDArray[np.float64]:
        """neutrinos below the grid's lowest node at Earth"""

    @property
    def below_grid_energy_MeV(self) -> float | NDArray[np.float64]:
        """their energy [MeV]"""

    @property
    def resonance_energy_MeV(self) -> float | NDArray[np.float64]:
        """E_res = M^2/(2 m_nu) [MeV]"""

    @property
    def target_density_per_cm3(self) -> float | NDArray[np.float64]:
        """relic targets [cm^-3]"""

    @property
    def energy_nodes(self) -> int | NDArray[np.int64]:
        """energy nodes of the grid (with the resonance refinement)"""

    @property
    def energy_MeV(self) -> NDArray[np.float64]:
        """node energies [MeV]"""

    @property
    def bin_width_MeV(self) -> NDArray[np.float64]:
        """width of each node's bin [MeV]"""

    @property
    def emitted(self) -> NDArray[np.float64]:
        """neutrinos at each node at r = 0, per emitted neutrino"""

    @property
    def at_earth(self) -> NDArray[np.float64]:
        """neutrinos at each node at r = D (below-noise values 0)"""

    @property
    def noise(self) -> NDArray[np.float64]:
        """per node: values below it are indistinguishable from 0"""

    @property
    def emitted_per_MeV(self) -> NDArray[np.float64]:
        """emitted dN/dE on the grid [MeV^-1]"""

    @property
    def at_earth_per_MeV(self) -> NDArray[np.float64]:
        """dN/dE at Earth per emitted neutrino [MeV^-1]"""

    @property
    def angle_rad(self) -> NDArray[np.float64]:
        """angle nodes [rad] (theta = 0 first)"""

    @property
    def one_minus_cos(self) -> NDArray[np.float64]:
        """1 - cos theta at the angle nodes"""

    @property
    def at_earth_by_angle(self) -> NDArray[np.float64]:
        """neutrinos at (energy node, angle node) per emitted neutrino (the Fig. 3 map)"""

    @property
    def angular_distribution(self) -> NDArray[np.float64]:
        """neutrinos at Earth per angle node, all energies"""

    @property
    def angular_distribution_above_threshold(self) -> NDArray[np.float64]:
        """neutrinos at Earth per angle node above the threshold"""

    @property
    def mean_angle_above_threshold_rad(self) -> float | NDArray[np.float64]:
        """mean arrival angle above threshold [rad]"""

    @property
    def rms_angle_above_threshold_rad(self) -> float | NDArray[np.float64]:
        """rms arrival angle above threshold [rad]"""

    @property
    def deflections(self) -> str | list[str]:
        """the angle model of the map"""


class propagation_bound_result(result):
    """g_prop(M) (paper Sec. IV, Fig. 1): the keys of `nusi bound propagation --json` per mass."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g_bound(self) -> float | NDArray[np.float64]:
        """log10 of the smallest g on the falling branch with F <= level; when not found, the search edge"""

    @property
    def found(self) -> bool | NDArray[np.bool_]:
        """whether F crosses the level inside the search interval"""

    @property
    def fraction_at_bound(self) -> float | NDArray[np.float64]:
        """F at log10_g_bound (the level up to the tolerance when found)"""

    @property
    def evaluations(self) -> int | NDArray[np.int64]:
        """transport solves used"""


class time_spread_bound_result(result):
    """The time-spread bound per mass (the keys of `nusi bound time-spread --json`)."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g_bound(self) -> float | NDArray[np.float64]:
        """smallest log10 g with F_window <= level (found), else the search edge"""

    @property
    def found(self) -> bool | NDArray[np.bool_]:
        """whether F_window crosses the level inside the search interval"""

    @property
    def log10_g_error(self) -> float | NDArray[np.float64]:
        """Monte Carlo standard error of log10_g_bound"""

    @property
    def log10_g_unscattered_only(self) -> float | NDArray[np.float64]:
        """where the exact unscattered part alone reaches the level (a floor of the bound)"""

    @property
    def fraction_within_window(self) -> float | NDArray[np.float64]:
        """F_window = N(E > threshold, delay < window)/N(emitted) at the bound"""

    @property
    def unscattered_fraction(self) -> float | NDArray[np.float64]:
        """its exact unscattered part"""

    @property
    def scattered_within_window(self) -> float | NDArray[np.float64]:
        """its Monte Carlo scattered part"""

    @property
    def fraction_error(self) -> float | NDArray[np.float64]:
        """Monte Carlo standard error of fraction_within_window"""

    @property
    def evaluations(self) -> int | NDArray[np.int64]:
        """Monte Carlo runs"""


class monte_carlo_result(result):
    """The Monte Carlo of the propagation (the keys of `nusi propagate --method montecarlo --json`, histograms and the recorded arrivals)."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g(self) -> float | NDArray[np.float64]:
        """log10 of the coupling g"""

    @property
    def fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F = N(E > threshold at D)/N(emitted) (Sec. IV)"""

    @property
    def fraction_error(self) -> float | NDArray[np.float64]:
        """standard error of F from the per-primary counts"""

    @property
    def fraction_upper_95(self) -> float | NDArray[np.float64]:
        """one-sided 95% upper limit on F"""

    @property
    def excluded(self) -> bool | NDArray[np.bool_]:
        """F <= exclusion_level (point estimate)"""

    @property
    def exclusion_level(self) -> float | NDArray[np.float64]:
        """the exclusion level on F"""

    @property
    def mean_scatterings(self) -> float | NDArray[np.float64]:
        """scatterings per primary of the neutrinos tracked"""

    @property
    def energy_budget_relative_error(self) -> float | NDArray[np.float64]:
        """|emitted + relic rest - arrived - dropped|/(emitted + relic rest)"""

    @property
    def max_history_energy_error(self) -> float | NDArray[np.float64]:
        """the same, worst single history"""

    @property
    def primaries(self) -> int | NDArray[np.int64]:
        """neutrinos drawn from the emitted spectrum"""

    @property
    def arrivals(self) -> int | NDArray[np.int64]:
        """crossings of the surface at D"""

    @property
    def arrivals_above_threshold(self) -> int | NDArray[np.int64]:
        """of them above the threshold"""

    @property
    def unscattered_arrivals(self) -> int | NDArray[np.int64]:
        """primaries that arrived without scattering"""

    @property
    def dropped(self) -> int | NDArray[np.int64]:
        """neutrinos dropped at or below the threshold"""

    @property
    def scatterings(self) -> int | NDArray[np.int64]:
        """scatterings of tracked neutrinos"""

    @property
    def energy_edges(self) -> NDArray[np.float64]:
        """edges of the histogram of the energies at Earth [MeV] (empty: not filled)"""

    @property
    def energy_counts(self) -> NDArray[np.int64]:
        """counts in [edges[i], edges[i+1])"""

    @property
    def energy_underflow(self) -> int | NDArray[np.int64]:
        """counts below the first edge"""

    @property
    def energy_overflow(self) -> int | NDArray[np.int64]:
        """counts at or above the last edge"""

    @property
    def angle_edges(self) -> NDArray[np.float64]:
        """edges of the histogram of the arrival angles [rad] (empty: not filled)"""

    @property
    def angle_counts(self) -> NDArray[np.int64]:
        """counts in [edges[i], edges[i+1])"""

    @property
    def angle_underflow(self) -> int | NDArray[np.int64]:
        """counts below the first edge"""

    @property
    def angle_overflow(self) -> int | NDArray[np.int64]:
        """counts at or above the last edge"""

    @property
    def delay_edges(self) -> NDArray[np.float64]:
        """edges of the histogram of the delays behind light [s] (empty: not filled)"""

    @property
    def delay_counts(self) -> NDArray[np.int64]:
        """counts in [edges[i], edges[i+1])"""

    @property
    def delay_underflow(self) -> int | NDArray[np.int64]:
        """counts below the first edge"""

    @property
    def delay_overflow(self) -> int | NDArray[np.int64]:
        """counts at or above the last edge"""

    @property
    def arrival_primary(self) -> NDArray[np.int64]:
        """recorded arrivals: index of the emitted neutrino"""

    @property
    def arrival_energy_MeV(self) -> NDArray[np.float64]:
        """recorded arrivals: energy at Earth [MeV]"""

    @property
    def arrival_angle_rad(self) -> NDArray[np.float64]:
        """recorded arrivals: angle to the line of sight [rad]"""

    @property
    def arrival_delay_s(self) -> NDArray[np.float64]:
        """recorded arrivals: delay behind light [s]"""

    @property
    def arrival_generation(self) -> NDArray[np.int64]:
        """recorded arrivals: scatterings along the ancestry"""

    @property
    def arrival_origin(self) -> list[str]:
        """recorded arrivals: 'unscattered', 'down_scattered' or 'up_scattered'"""

    @property
    def arrival_list_complete(self) -> bool | NDArray[np.bool_]:
        """false if max_recorded_arrivals was reached"""


class arrival_time_result(result):
    """Arrival times of the neutrinos above threshold behind the light front (the keys of `nusi arrival --json`; quantiles and the histogram as arrays), per emitted neutrino with Monte Carlo errors."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g(self) -> float | NDArray[np.float64]:
        """log10 of the coupling g"""

    @property
    def primaries(self) -> int | NDArray[np.int64]:
        """Monte Carlo primaries"""

    @property
    def window_s(self) -> float | NDArray[np.float64]:
        """the time window [s]"""

    @property
    def fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F (Sec. IV)"""

    @property
    def fraction_above_threshold_error(self) -> float | NDArray[np.float64]:
        """its standard error"""

    @property
    def unscattered_fraction(self) -> float | NDArray[np.float64]:
        """above threshold, never scattered"""

    @property
    def unscattered_fraction_error(self) -> float | NDArray[np.float64]:
        """its standard error"""

    @property
    def fraction_within_window(self) -> float | NDArray[np.float64]:
        """F_window = N(E > threshold, delay < window)/N(emitted)"""

    @property
    def fraction_within_window_error(self) -> float | NDArray[np.float64]:
        """its standard error"""

    @property
    def scattered_within_window(self) -> float | NDArray[np.float64]:
        """the scattered part of F_window"""

    @property
    def scattered_within_window_error(self) -> float | NDArray[np.float64]:
        """its standard error"""

    @property
    def mean_delay_s(self) -> float | NDArray[np.float64]:
        """mean delay of the arrivals above threshold [s]"""

    @property
    def mean_scatterings_per_primary(self) -> float | NDArray[np.float64]:
        """scatterings per primary"""

    @property
    def arrivals_above_threshold(self) -> int | NDArray[np.int64]:
        """arrivals above threshold counted"""

    @property
    def scattered_arrivals_above_threshold(self) -> int | NDArray[np.int64]:
        """of them scattered"""

    @property
    def quantile_probabilities(self) -> NDArray[np.float64]:
        """probabilities of the delay quantiles"""

    @property
    def quantile_delay_s(self) -> NDArray[np.float64]:
        """delay quantiles of all arrivals above threshold [s] (NaN where none arrived)"""

    @property
    def quantile_error_s(self) -> NDArray[np.float64]:
        """their batch-mean standard errors [s]"""

    @property
    def scattered_quantile_delay_s(self) -> NDArray[np.float64]:
        """delay quantiles of the scattered arrivals [s]"""

    @property
    def scattered_quantile_error_s(self) -> NDArray[np.float64]:
        """their standard errors [s]"""

    @property
    def histogram_edges(self) -> NDArray[np.float64]:
        """edges of the histogram of the delays of the scattered arrivals above threshold [s] (empty: not filled)"""

    @property
    def histogram_counts(self) -> NDArray[np.int64]:
        """counts in [edges[i], edges[i+1])"""

    @property
    def histogram_underflow(self) -> int | NDArray[np.int64]:
        """counts below the first edge"""

    @property
    def histogram_overflow(self) -> int | NDArray[np.int64]:
        """counts at or above the last edge"""


class sn1987a_events(result):
    """The SN 1987A events of Kamiokande-II, IMB and Baksan (data/sn1987a/README.md), one array entry per event."""

    @property
    def detector(self) -> list[str]:
        """'kamiokande_ii', 'imb' or 'baksan'"""

    @property
    def number(self) -> NDArray[np.int64]:
        """event number in its detector"""

    @property
    def time_s(self) -> NDArray[np.float64]:
        """time after the detector's first event [s]"""

    @property
    def energy_MeV(self) -> NDArray[np.float64]:
        """measured visible energy [MeV]"""

    @property
    def energy_error_MeV(self) -> NDArray[np.float64]:
        """its error [MeV]"""

    @property
    def flag(self) -> list[str]:
        """'', 'likely_background' or 'low_nhit_excluded_in_original_KII_analysis'"""


class event_counts(result):
    """Expected events per detector at one (M, g) (the keys of `nusi events --json`), arrays over the detectors."""

    @property
    def detector(self) -> str | list[str]:
        """the detector's name"""

    @property
    def without_nusi(self) -> float | NDArray[np.float64]:
        """expected events without secret interactions"""

    @property
    def time_integrated(self) -> float | NDArray[np.float64]:
        """with them, every arrival counted (grid transport of Eq. 8)"""

    @property
    def within_window(self) -> float | NDArray[np.float64]:
        """with them, arrivals within window_s of the light front"""

    @property
    def within_window_error(self) -> float | NDArray[np.float64]:
        """Monte Carlo error of within_window"""

    @property
    def unscattered(self) -> float | NDArray[np.float64]:
        """the exact (unscattered) part of within_window"""


class event_bound_result(result):
    """An event-level bound per mass (the keys of `nusi bound sn1987a --json` and `nusi bound forecast --json`)."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g_bound(self) -> float | NDArray[np.float64]:
        """smallest excluded log10 g; log10_g_min if excluded there, log10_g_max if nothing is"""

    @property
    def found(self) -> bool | NDArray[np.bool_]:
        """the test statistic crosses the level inside the scan"""

    @property
    def excluded_at_scan_bottom(self) -> bool | NDArray[np.bool_]:
        """already excluded at log10_g_min"""

    @property
    def reopens_above(self) -> bool | NDArray[np.bool_]:
        """a scan point above the bound falls back below the level"""

    @property
    def max_test_statistic(self) -> float | NDArray[np.float64]:
        """largest -2 [ln L(g) - ln L(no nuSI)] of the scan"""

    @property
    def normalisation_at_bound(self) -> float | NDArray[np.float64]:
        """the profiled factor A on the emitted energy at the bound (1 when fixed)"""

    @property
    def evaluations(self) -> int | NDArray[np.int64]:
        """likelihood evaluations"""


class scan_result(result):
    """The table of `nusi scan`, one entry per row (job order); a column that does not apply to a row's kind holds NaN there (the CSV's empty cell); flags are 1.0 or 0.0."""

    @property
    def supernova(self) -> list[str]:
        """the supernova's name in the plan"""

    @property
    def kind(self) -> list[str]:
        """'bound' (g_prop and g_core) or 'point' (F and N_2to4 at one g)"""

    @property
    def log10_mass_MeV(self) -> NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g(self) -> NDArray[np.float64]:
        """point rows: log10 g"""

    @property
    def F(self) -> NDArray[np.float64]:
        """point rows: F(M, g) (Sec. IV)"""

    @property
    def F_noise_floor(self) -> NDArray[np.float64]:
        """point rows: F's noise floor"""

    @property
    def F_is_upper_limit(self) -> NDArray[np.float64]:
        """point rows: F below its noise floor"""

    @property
    def propagation_excluded(self) -> NDArray[np.float64]:
        """point rows: F <= level"""

    @property
    def N_2to4(self) -> NDArray[np.float64]:
        """point rows: 2nu -> 4nu scatterings per neutrino in the core (Eq. 7)"""

    @property
    def core_excluded(self) -> NDArray[np.float64]:
        """point rows: N_2to4 >= 1"""

    @property
    def log10_g_prop(self) -> NDArray[np.float64]:
        """bound rows: log10 g_prop(M)"""

    @property
    def g_prop_found(self) -> NDArray[np.float64]:
        """bound rows: whether g_prop was found inside the search"""

    @property
    def F_at_g_prop(self) -> NDArray[np.float64]:
        """bound rows: F at g_prop"""

    @property
    def log10_g_core(self) -> NDArray[np.float64]:
        """bound rows: log10 g_core(M)"""

    @property
    def status(self) -> list[str]:
        """'ok' or 'numerical_error' (the job threw nusi::numerical_error)"""


class mass_state_fractions_result(result):
    """Fractions above threshold under the three-mass-state model (docs/physics.md, "Mass states"): the keys of `nusi propagate --relic-model mass-states --json`. Each fraction is relative to its own antineutrinos at Earth without interactions, all energies; an undefined one (none without interactions) is None (NaN in arrays)."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g(self) -> float | NDArray[np.float64]:
        """log10 of the coupling g"""

    @property
    def detected_flavor(self) -> str | list[str]:
        """the flavour whose antineutrinos are detected"""

    @property
    def fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F of the detected neutrinos (the bound's F); 0 when an upper limit"""

    @property
    def fraction_is_upper_limit(self) -> bool | NDArray[np.bool_]:
        """F is below its noise floor: only F < fraction_noise_floor is known"""

    @property
    def fraction_noise_floor(self) -> float | NDArray[np.float64]:
        """the level below which F is rounding noise"""

    @property
    def fraction_above_threshold_by_flavor(self) -> dict[str, Any]:
        """F of the antineutrinos of each flavour: keys 'e', 'mu', 'tau'"""

    @property
    def fraction_above_threshold_by_mass_state(self) -> dict[str, Any]:
        """F of the antineutrinos of each mass state: keys '1', '2', '3'"""

    @property
    def fraction_all_neutrinos(self) -> float | NDArray[np.float64]:
        """the paper's F: every neutrino of every kind above threshold per emitted one"""

    @property
    def emitted_fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """the emitted fraction above threshold on the grid (the g -> 0 value)"""

    @property
    def excluded(self) -> bool | NDArray[np.bool_]:
        """F <= exclusion_level"""

    @property
    def exclusion_level(self) -> float | NDArray[np.float64]:
        """the exclusion level on F"""

    @property
    def masses_eV(self) -> NDArray[np.float64]:
        """the masses m1, m2, m3 [eV]"""

    @property
    def sum_masses_eV(self) -> float | NDArray[np.float64]:
        """m1 + m2 + m3 [eV]"""

    @property
    def relic_density_per_state_per_helicity_per_cm3(self) -> float | NDArray[np.float64]:
        """relic density per mass state and helicity [cm^-3]"""

    @property
    def mediator_width_MeV(self) -> float | NDArray[np.float64]:
        """the mediator's width [MeV]"""


class mass_state_bound_result(result):
    """g_prop(M) under the three-mass-state model: the keys of `nusi bound propagation --relic-model mass-states --json` per mass."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g_bound(self) -> float | NDArray[np.float64]:
        """log10 of the smallest g on the falling branch with F_detected <= level; when not found, the search edge"""

    @property
    def found(self) -> bool | NDArray[np.bool_]:
        """whether F crosses the level inside the search interval"""

    @property
    def fraction_at_bound(self) -> float | NDArray[np.float64]:
        """F at log10_g_bound (the level up to the tolerance when found)"""

    @property
    def evaluations(self) -> int | NDArray[np.int64]:
        """transport solves used"""


class mass_state_energy_angle_result(result):
    """Energy-angle transport under the three-mass-state model (relics at rest or thermal): the fields of mass_state_fractions_result (the marginal over angle), the budgets, the mean and rms arrival angle (the keys of `nusi propagate --relic-model mass-states --energy-angle --json`) and the arrival-direction map by energy, angle and species."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g(self) -> float | NDArray[np.float64]:
        """log10 of the coupling g"""

    @property
    def detected_flavor(self) -> str | list[str]:
        """the flavour whose antineutrinos are detected"""

    @property
    def fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F of the detected neutrinos (the bound's F); 0 when an upper limit"""

    @property
    def fraction_is_upper_limit(self) -> bool | NDArray[np.bool_]:
        """F is below its noise floor: only F < fraction_noise_floor is known"""

    @property
    def fraction_noise_floor(self) -> float | NDArray[np.float64]:
        """the level below which F is rounding noise"""

    @property
    def fraction_above_threshold_by_flavor(self) -> dict[str, Any]:
        """F of the antineutrinos of each flavour: keys 'e', 'mu', 'tau'"""

    @property
    def fraction_above_threshold_by_mass_state(self) -> dict[str, Any]:
        """F of the antineutrinos of each mass state: keys '1', '2', '3'"""

    @property
    def fraction_all_neutrinos(self) -> float | NDArray[np.float64]:
        """the paper's F: every neutrino of every kind above threshold per emitted one"""

    @property
    def emitted_fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """the emitted fraction above threshold on the grid (the g -> 0 value)"""

    @property
    def excluded(self) -> bool | NDArray[np.bool_]:
        """F <= exclusion_level"""

    @property
    def exclusion_level(self) -> float | NDArray[np.float64]:
        """the exclusion level on F"""

    @property
    def masses_eV(self) -> NDArray[np.float64]:
        """the masses m1, m2, m3 [eV]"""

    @property
    def sum_masses_eV(self) -> float | NDArray[np.float64]:
        """m1 + m2 + m3 [eV]"""

    @property
    def relic_density_per_state_per_helicity_per_cm3(self) -> float | NDArray[np.float64]:
        """relic density per mass state and helicity [cm^-3]"""

    @property
    def mediator_width_MeV(self) -> float | NDArray[np.float64]:
        """the mediator's width [MeV]"""

    @property
    def mean_scatterings(self) -> float | NDArray[np.float64]:
        """scatterings per emitted neutrino"""

    @property
    def energy_budget_relative_error(self) -> float | NDArray[np.float64]:
        """(E(D) - E(0) - injected)/E(0): zero up to rounding"""

    @property
    def number_budget_relative_error(self) -> float | NDArray[np.float64]:
        """(N(D) - N(0) - scatterings)/N(D): zero up to rounding"""

    @property
    def energy_nodes(self) -> int | NDArray[np.int64]:
        """energy nodes of the grid"""

    @property
    def angle_model(self) -> str | list[str]:
        """the angle model of the deflections"""

    @property
    def angle_nodes(self) -> int | NDArray[np.int64]:
        """angle nodes of the grid"""

    @property
    def mean_angle_above_threshold_rad(self) -> float | NDArray[np.float64]:
        """mean arrival angle of every neutrino above threshold [rad]"""

    @property
    def rms_angle_above_threshold_rad(self) -> float | NDArray[np.float64]:
        """root-mean-square arrival angle of every neutrino above threshold [rad]"""

    @property
    def mean_angle_rad(self) -> float | NDArray[np.float64]:
        """mean arrival angle of every neutrino on the grid, all energies [rad]"""

    @property
    def energy_MeV(self) -> NDArray[np.float64]:
        """energy nodes [MeV]"""

    @property
    def angle_rad(self) -> NDArray[np.float64]:
        """angle nodes [rad] (theta = 0 first)"""

    @property
    def one_minus_cos(self) -> NDArray[np.float64]:
        """1 - cos theta at the angle nodes"""

    @property
    def species(self) -> int | NDArray[np.int64]:
        """species per node (mass state * kinds + kind)"""

    @property
    def at_earth_by_angle(self) -> NDArray[np.float64]:
        """neutrinos at (energy node, angle node, species) per emitted neutrino (below-noise values 0)"""

    @property
    def angular_distribution(self) -> NDArray[np.float64]:
        """neutrinos at Earth per angle node, all energies and species"""

    @property
    def angular_distribution_above_threshold(self) -> NDArray[np.float64]:
        """neutrinos at Earth per angle node above the threshold, all species"""


class diffuse_result(result):
    """A diffuse flux today through the relic background (docs/physics.md, "Diffuse fluxes"): the keys of `nusi diffuse --json`. Arrays per comoving energy node; attenuation = flux / flux of the same run without interactions, by flavour (neutrinos plus antineutrinos; anti_e: electron antineutrinos alone); fluxes in cm^-2 s^-1 MeV^-1."""

    @property
    def energy_MeV(self) -> NDArray[np.float64]:
        """comoving energy nodes today [MeV]"""

    @property
    def attenuation_e(self) -> NDArray[np.float64]:
        """flux / free flux of flavour e (nu + nubar)"""

    @property
    def attenuation_mu(self) -> NDArray[np.float64]:
        """flux / free flux of flavour mu (nu + nubar)"""

    @property
    def attenuation_tau(self) -> NDArray[np.float64]:
        """flux / free flux of flavour tau (nu + nubar)"""

    @property
    def attenuation_anti_e(self) -> NDArray[np.float64]:
        """flux / free flux of the electron antineutrinos"""

    @property
    def flux_e(self) -> NDArray[np.float64]:
        """flux of flavour e (nu + nubar) [cm^-2 s^-1 MeV^-1]"""

    @property
    def flux_mu(self) -> NDArray[np.float64]:
        """flux of flavour mu (nu + nubar) [cm^-2 s^-1 MeV^-1]"""

    @property
    def flux_tau(self) -> NDArray[np.float64]:
        """flux of flavour tau (nu + nubar) [cm^-2 s^-1 MeV^-1]"""

    @property
    def free_flux_e(self) -> NDArray[np.float64]:
        """flux of flavour e without interactions [cm^-2 s^-1 MeV^-1]"""

    @property
    def free_flux_mu(self) -> NDArray[np.float64]:
        """flux of flavour mu without interactions [cm^-2 s^-1 MeV^-1]"""

    @property
    def free_flux_tau(self) -> NDArray[np.float64]:
        """flux of flavour tau without interactions [cm^-2 s^-1 MeV^-1]"""

    @property
    def flux_anti_e(self) -> NDArray[np.float64]:
        """flux of electron antineutrinos [cm^-2 s^-1 MeV^-1]"""

    @property
    def free_flux_anti_e(self) -> NDArray[np.float64]:
        """flux of electron antineutrinos without interactions [cm^-2 s^-1 MeV^-1]"""

    @property
    def budgets(self) -> dict[str, Any]:
        """emitted_number_per_Mpc3, scatterings_per_Mpc3, number_budget_relative_error, energy_budget_relative_error, redshift_loss_fraction, products_below_grid_per_Mpc3, emitted_above_grid_fraction, grid_shift_nodes"""

    @property
    def events(self) -> dict[str, Any]:
        """source 'dsnb': per detector name (Super-Kamiokande-Gd, JUNO) a dict of window_MeV, events, events_without_interactions, bin_edges_MeV, events_per_bin, events_per_bin_without_interactions; else empty"""


class mass_state_arrival_time_result(result):
    """Arrival times of the detected neutrinos above threshold behind the light front under the three-mass-state model (the keys of `nusi arrival --relic-model mass-states --json`; the fields of arrival_time_result plus the geometry). Fractions are per the detected neutrinos' number at Earth without interactions, all energies (as mass_state_fractions)."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g(self) -> float | NDArray[np.float64]:
        """log10 of the coupling g"""

    @property
    def primaries(self) -> int | NDArray[np.int64]:
        """Monte Carlo primaries"""

    @property
    def window_s(self) -> float | NDArray[np.float64]:
        """the time window [s]"""

    @property
    def fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F (Sec. IV)"""

    @property
    def fraction_above_threshold_error(self) -> float | NDArray[np.float64]:
        """its standard error"""

    @property
    def unscattered_fraction(self) -> float | NDArray[np.float64]:
        """above threshold, never scattered"""

    @property
    def unscattered_fraction_error(self) -> float | NDArray[np.float64]:
        """its standard error"""

    @property
    def fraction_within_window(self) -> float | NDArray[np.float64]:
        """F_window = N(E > threshold, delay < window)/N(emitted)"""

    @property
    def fraction_within_window_error(self) -> float | NDArray[np.float64]:
        """its standard error"""

    @property
    def scattered_within_window(self) -> float | NDArray[np.float64]:
        """the scattered part of F_window"""

    @property
    def scattered_within_window_error(self) -> float | NDArray[np.float64]:
        """its standard error"""

    @property
    def mean_delay_s(self) -> float | NDArray[np.float64]:
        """mean delay of the arrivals above threshold [s]"""

    @property
    def mean_scatterings_per_primary(self) -> float | NDArray[np.float64]:
        """scatterings per primary"""

    @property
    def arrivals_above_threshold(self) -> int | NDArray[np.int64]:
        """arrivals above threshold counted"""

    @property
    def scattered_arrivals_above_threshold(self) -> int | NDArray[np.int64]:
        """of them scattered"""

    @property
    def quantile_probabilities(self) -> NDArray[np.float64]:
        """probabilities of the delay quantiles"""

    @property
    def quantile_delay_s(self) -> NDArray[np.float64]:
        """delay quantiles of all arrivals above threshold [s] (NaN where none arrived)"""

    @property
    def quantile_error_s(self) -> NDArray[np.float64]:
        """their batch-mean standard errors [s]"""

    @property
    def scattered_quantile_delay_s(self) -> NDArray[np.float64]:
        """delay quantiles of the scattered arrivals [s]"""

    @property
    def scattered_quantile_error_s(self) -> NDArray[np.float64]:
        """their standard errors [s]"""

    @property
    def histogram_edges(self) -> NDArray[np.float64]:
        """edges of the histogram of the delays of the scattered arrivals above threshold [s] (empty: not filled)"""

    @property
    def histogram_counts(self) -> NDArray[np.int64]:
        """counts in [edges[i], edges[i+1])"""

    @property
    def histogram_underflow(self) -> int | NDArray[np.int64]:
        """counts below the first edge"""

    @property
    def histogram_overflow(self) -> int | NDArray[np.int64]:
        """counts at or above the last edge"""

    @property
    def geometry(self) -> str | list[str]:
        """'point_source' (a point detector) or 'plane_parallel': the geometry the delays were computed in"""


class mass_state_monte_carlo_result(result):
    """The Monte Carlo of the three mass states (mass_state_monte_carlo): the fractions of mass_state_fractions with their standard errors over the primaries, the scatterings (and null collisions of thermal states), the energy bookkeeping and, with angles, the arrival-angle moments and the recorded arrivals as arrays."""

    @property
    def log10_mass_MeV(self) -> float | NDArray[np.float64]:
        """log10 of the mediator mass M/MeV"""

    @property
    def log10_g(self) -> float | NDArray[np.float64]:
        """log10 of the coupling g"""

    @property
    def detected_flavor(self) -> str | list[str]:
        """the flavour whose antineutrinos are detected"""

    @property
    def fraction_above_threshold(self) -> float | NDArray[np.float64]:
        """F of the detected neutrinos per their number at Earth without interactions"""

    @property
    def fraction_error(self) -> float | NDArray[np.float64]:
        """its standard error over the primaries"""

    @property
    def fraction_above_threshold_by_flavor(self) -> dict[str, Any]:
        """F of the antineutrinos of each flavour: keys 'e', 'mu', 'tau'"""

    @property
    def fraction_error_by_flavor(self) -> dict[str, Any]:
        """their standard errors"""

    @property
    def fraction_above_threshold_by_mass_state(self) -> dict[str, Any]:
        """F of the antineutrinos of each mass state: keys '1', '2', '3'"""

    @property
    def fraction_error_by_mass_state(self) -> dict[str, Any]:
        """their standard errors"""

    @property
    def fraction_all_neutrinos(self) -> float | NDArray[np.float64]:
        """the paper's F: every neutrino of every kind above threshold per emitted one"""

    @property
    def fraction_all_neutrinos_error(self) -> float | NDArray[np.float64]:
        """its standard error"""

    @property
    def excluded(self) -> bool | NDArray[np.bool_]:
        """F <= exclusion_level (point estimate)"""

    @property
    def exclusion_level(self) -> float | NDArray[np.float64]:
        """the exclusion level on F"""

    @property
    def primaries(self) -> int | NDArray[np.int64]:
        """neutrinos drawn from the emission"""

    @property
    def scatterings(self) -> int | NDArray[np.int64]:
        """scatterings of neutrinos above threshold"""

    @property
    def mean_scatterings(self) -> float | NDArray[np.float64]:
        """scatterings per primary"""

    @property
    def dropped(self) -> int | NDArray[np.int64]:
        """neutrinos dropped at or below the threshold"""

    @property
    def emitted_MeV(self) -> float | NDArray[np.float64]:
        """energy emitted, summed over the primaries [MeV]"""

    @property
    def null_collisions(self) -> int | NDArray[np.int64]:
        """thermal relic states: tentative collisions rejected by the null-collision tracking"""

    @property
    def relic_rest_MeV(self) -> float | NDArray[np.float64]:
        """energy the struck relics bring in (their masses at rest, x = E_2 - p cos theta thermal) [MeV]"""

    @property
    def arrived_MeV(self) -> float | NDArray[np.float64]:
        """energy arriving above threshold [MeV]"""

    @property
    def dropped_MeV(self) -> float | NDArray[np.float64]:
        """energy of the neutrinos dropped at or below the threshold [MeV]"""

    @property
    def energy_budget_relative_error(self) -> float | NDArray[np.float64]:
        """(emitted + relic rest - arrived - dropped)/(emitted + relic rest): rounding"""

    @property
    def angles(self) -> str | None:
        """the angle model of the directions, None when they were not tracked"""

    @property
    def geometry(self) -> str | None:
        """'point_source' or 'plane_parallel' with angles, else None"""

    @property
    def mean_angle_rad(self) -> float | None:
        """with angles: mean |theta| of every neutrino above threshold at Earth [rad]"""

    @property
    def mean_angle_error_rad(self) -> float | None:
        """its standard error (ratio estimator over the primaries) [rad]"""

    @property
    def mean_square_angle_rad2(self) -> float | None:
        """with angles: mean theta^2 of every neutrino above threshold [rad^2]"""

    @property
    def mean_square_angle_error_rad2(self) -> float | None:
        """its standard error [rad^2]"""

    @property
    def arrival_energy_MeV(self) -> NDArray[np.float64]:
        """recorded arrivals (record_arrivals): energy at Earth [MeV]"""

    @property
    def arrival_angle_rad(self) -> NDArray[np.float64]:
        """recorded arrivals: |theta| from the line of sight (plane_parallel) or the angle on the sky (point_source) [rad]"""

    @property
    def arrival_species(self) -> NDArray[np.int64]:
        """recorded arrivals: species index, mass state * kinds + kind"""

    @property
    def arrival_mass_state(self) -> NDArray[np.int64]:
        """recorded arrivals: mass state 1, 2 or 3"""

    @property
    def arrival_kind(self) -> list[str]:
        """recorded arrivals: 'antineutrino_right' (active antineutrino), 'neutrino_left', ..."""

    @property
    def arrival_delay_s(self) -> NDArray[np.float64]:
        """recorded arrivals: delay behind light [s]"""

    @property
    def arrival_generation(self) -> NDArray[np.int64]:
        """recorded arrivals: scatterings along the ancestry (0: unscattered)"""

    @property
    def arrival_primary(self) -> NDArray[np.int64]:
        """recorded arrivals: index of the emitted neutrino"""

    @property
    def arrival_list_complete(self) -> bool | NDArray[np.bool_]:
        """false if max_recorded_arrivals was reached"""


def km(length_km: ArrayLike) -> float | NDArray[np.float64]:
    """Radius or length given in km, returned in cm."""


def kpc(distance_kpc: ArrayLike) -> float | NDArray[np.float64]:
    """Distance given in kpc, returned in cm."""


def eV(energy_eV: ArrayLike) -> float | NDArray[np.float64]:
    """Energy given in eV, returned in MeV."""


def keV(energy_keV: ArrayLike) -> float | NDArray[np.float64]:
    """Energy given in keV, returned in MeV."""


def GeV(energy_GeV: ArrayLike) -> float | NDArray[np.float64]:
    """Energy given in GeV, returned in MeV."""


def per_MeV2_to_cm2(sigma_per_MeV2: ArrayLike) -> float | NDArray[np.float64]:
    """Cross section in natural units [MeV^-2] converted to cm^2."""


def cm2_to_per_MeV2(sigma_cm2: ArrayLike) -> float | NDArray[np.float64]:
    """Cross section in cm^2 converted to natural units [MeV^-2]."""


def MeV3_to_per_cm3(density_MeV3: ArrayLike) -> float | NDArray[np.float64]:
    """Number density in natural units [MeV^3] converted to cm^-3."""


def nucleon_density_per_cm3(density_g_per_cm3: ArrayLike) -> float | NDArray[np.float64]:
    """Mass density [g cm^-3] converted to a nucleon number density [cm^-3], n_N = rho/m_u."""


def sigma_2to4_cm2(E_cm_MeV: ArrayLike, log10_mass_MeV: ArrayLike, log10_g: ArrayLike, *, kappa: float = 0.01, mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0) -> float | NDArray[np.float64]:
    """sigma(2nu -> 4nu) [cm^2], paper Eqs. (2)-(3): kappa^4 g^8 E_cm^6/M^8 below M, kappa^4 g^8/E_cm^2 from M up (E_cm^-2, not the printed E_cm^2: docs/physics.md). E_cm_MeV, log10_mass_MeV and log10_g broadcast together."""


def sigma_2to4_per_MeV2(E_cm_MeV: ArrayLike, log10_mass_MeV: ArrayLike, log10_g: ArrayLike, *, kappa: float = 0.01, mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0) -> float | NDArray[np.float64]:
    """sigma(2nu -> 4nu) [MeV^-2], paper Eqs. (2)-(3): kappa^4 g^8 E_cm^6/M^8 below M, kappa^4 g^8/E_cm^2 from M up (E_cm^-2, not the printed E_cm^2: docs/physics.md). E_cm_MeV, log10_mass_MeV and log10_g broadcast together."""


def relic_neutrino_temperature_K(cmb_temperature: ArrayLike = 2.72548) -> float | NDArray[np.float64]:
    """Relic-neutrino temperature today [K]: (4/11)^(1/3) T_CMB (Kolb & Turner Eq. 3.84)."""


def relic_density_per_helicity_per_cm3(temperature_K: ArrayLike) -> float | NDArray[np.float64]:
    """Number density of one mass state and one helicity [cm^-3]: 3 zeta(3) T^3/(4 pi^2) (56.0 cm^-3 at 1.945 K)."""


def fermi_dirac_integral(k: ArrayLike, eta: ArrayLike) -> float | NDArray[np.float64]:
    """Complete Fermi-Dirac integral F_k(eta) = int_0^inf x^k/(exp(x - eta) + 1) dx, k > -1, eta in [-200, 200] (no Gamma(k + 1) normalisation)."""


def core_bound(log10_mass_MeV: ArrayLike, *, case: Literal['default', 'conservative'] = 'default', profile: tabulated_profile | None = None, preset: Literal['fermi_dirac', 'paper_quoted'] = 'fermi_dirac', R_min_cm: float = 1500000.0, R_max_cm: float = 4500000.0, mean_energy_MeV: float = 30.0, E_cm_convention: Literal['head_on', 'isotropic_mean_s'] = 'head_on', kappa: float = 0.01, reference_radius_cm: float = 1500000.0, reference_density_g_per_cm3: float = 100000000000000.0, power_index: float = 3.0, paper_quoted_density_per_cm3: float = 1e+38, species: float = 6.0, mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, g_A: float = 1.27, G_F_per_MeV2: float = 1.1663788e-11, degeneracy: float = 0.0, relative_tolerance: float = 3.666852862501032e-11, max_intervals: int = 4096) -> core_bound_result:
    """g_core(M) of paper Sec. III: g_core = N_2to4(g = 1, M)^(-1/8) (Eqs. 2-3, 6-7), through the power-law core of the keywords or a tabulated profile; log10_mass_MeV may be an array (the fields are then arrays)."""


def core_map(*, log10_mass_MeV_min: float = -1.0, log10_mass_MeV_max: float = 5.0, mass_points: int = 400, log10_coupling_min: float = -3.0, log10_coupling_max: float = 1.0, coupling_points: int = 400, case: Literal['default', 'conservative'] = 'default', profile: tabulated_profile | None = None, preset: Literal['fermi_dirac', 'paper_quoted'] = 'fermi_dirac', R_min_cm: float = 1500000.0, R_max_cm: float = 4500000.0, mean_energy_MeV: float = 30.0, E_cm_convention: Literal['head_on', 'isotropic_mean_s'] = 'head_on', kappa: float = 0.01, reference_radius_cm: float = 1500000.0, reference_density_g_per_cm3: float = 100000000000000.0, power_index: float = 3.0, paper_quoted_density_per_cm3: float = 1e+38, species: float = 6.0, mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, g_A: float = 1.27, G_F_per_MeV2: float = 1.1663788e-11, degeneracy: float = 0.0, relative_tolerance: float = 3.666852862501032e-11, max_intervals: int = 4096) -> core_map_result:
    """The Fig. 2 map: N_2to4 = g^8 N_2to4(g = 1, M) over a grid linear in log10 M and log10 g."""


def fraction_above_threshold(log10_mass_MeV: ArrayLike = -3.5, log10_g: ArrayLike = -1.75, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09, threads: int = 1) -> float | NDArray[np.float64]:
    """F = N(E > threshold at Earth)/N(emitted) [dimensionless], paper Sec. IV, Eq. (8) solved exactly on the energy grid (only the nodes above threshold evolve). log10_mass_MeV and log10_g broadcast together; many points run on `threads`. Below its noise floor F is returned as 0 (propagate_energy gives the floor)."""


def propagate_energy(log10_mass_MeV: float = -3.5, log10_g: float = -1.75, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09) -> propagation_result:
    """Energy-only transport of the emitted spectrum over distance_cm (paper Eq. 8 integrated over angle): the spectrum at Earth, F, scatterings, number and energy budgets."""


def propagate_energy_angle(log10_mass_MeV: float = -3.5, log10_g: float = -1.75, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09, angle_bins: int = 128, min_angle_rad: float = 1e-08, max_angle_rad: float = 0.1, azimuth_nodes: int = 16, deflections: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] = 'three_dimensional') -> energy_angle_result:
    """Energy-angle transport (paper Eq. 8 with deflections composed as `deflections` says): the energy-only results plus the arrival-direction map of Fig. 3."""


def propagation_bound(log10_mass_MeV: ArrayLike, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09, log10_g_min: float = -8.0, log10_g_max: float = 0.5496049320110481, bracket_step_dex: float = 0.25, log10_g_tolerance: float = 1e-06, max_iterations: int = 100, threads: int = 1) -> propagation_bound_result:
    """The propagation bound g_prop(M) (paper Sec. IV, Fig. 1): F(M, g) = exclusion_level solved in log10 g on the falling branch of F, at each mass of log10_mass_MeV (a number or an array; masses run on `threads`)."""


def time_spread_bound(log10_mass_MeV: ArrayLike, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, primaries: int = 20000, seed: int = 1, window_s: float = 12.4, angles: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] = 'three_dimensional', window_max_energy_MeV: float = 200.0, max_scatterings: int = 100000000, log10_g_min: float = -8.0, log10_g_max: float = 0.5496049320110481, bracket_step_dex: float = 0.02, log10_g_tolerance: float = 0.0002, derivative_step_dex: float = 0.01, max_iterations: int = 100, threads: int = 1) -> time_spread_bound_result:
    """The time-spread bound: excluded where F_window = N(E > threshold, delay < window_s)/N(emitted) <= exclusion_level, the unscattered part exact and the scattered arrivals from the Monte Carlo (common random numbers), at each mass of log10_mass_MeV (masses run on `threads`)."""


def monte_carlo_propagation(log10_mass_MeV: float = -3.5, log10_g: float = -1.75, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, primaries: int = 10000, seed: int = 1, track_below_threshold: bool = False, angles: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] = 'three_dimensional', geometry: Literal['point_source', 'plane_parallel'] = 'point_source', max_scatterings: int = 100000000, record_arrivals: bool = False, max_recorded_arrivals: int = 1000000, energy_edges_MeV: ArrayLike = ..., angle_edges_rad: ArrayLike = ..., delay_edges_s: ArrayLike = ..., stream_per_primary: bool = False) -> monte_carlo_result:
    """Monte Carlo of the burst through the relic background over distance_cm (paper Sec. IV): free paths with rate n sigma_tot (Eq. 4), E_f uniform (Eq. 5), both outgoing neutrinos tracked. Deterministic in seed; the independent check of Eq. (8)."""


def arrival_time_distribution(log10_mass_MeV: float = -3.5, log10_g: float = -1.75, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, primaries: int = 20000, seed: int = 1, window_s: float = 12.4, angles: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] = 'three_dimensional', geometry: Literal['point_source', 'plane_parallel'] = 'point_source', quantile_probabilities: ArrayLike = ..., delay_edges_s: ArrayLike = ..., batches: int = 16, max_scatterings: int = 100000000) -> arrival_time_result:
    """Arrival-time distribution of the neutrinos above threshold_MeV at distance_cm (Monte Carlo, paper Sec. IV): delay quantiles and histogram behind light, the fraction within window_s."""


def load_sn1987a_events(path: str | None = None) -> sn1987a_events:
    """Reads the SN 1987A event table (CSV). ValueError naming the line for a malformed file."""


def expected_event_counts(log10_mass_MeV: float = -3.5, log10_g: float = -1.75, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, detectors: str | Sequence[str], energy_erg: float = 5e+52, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09, primaries: int = 4000, seed: int = 1, window_s: float = 12.4, angles: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] = 'three_dimensional', window_max_energy_MeV: float = 200.0, max_scatterings: int = 100000000, panel_width_MeV: float = 0.25) -> event_counts:
    """Expected events per detector at the setup's (M, g): without secret interactions, counting every arrival, and counting the arrivals within window_s (unscattered exactly plus the Monte Carlo's scattered ones). The source is at distance_cm."""


def sn1987a_event_bound(log10_mass_MeV: ArrayLike, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, energy_erg: float = 5e+52, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09, primaries: int = 4000, seed: int = 1, window_s: float = 12.4, angles: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] = 'three_dimensional', window_max_energy_MeV: float = 200.0, max_scatterings: int = 100000000, timing: Literal['time_integrated', 'within_window'] = 'time_integrated', likelihood: Literal['unbinned', 'binned'] = 'unbinned', normalisation: Literal['profiled', 'fixed'] = 'profiled', normalisation_min: float = 0.001, normalisation_max: float = 1000.0, delta_chi2_threshold: float = 2.7055434540954146, log10_g_min: float = -4.0, log10_g_max: float = 0.0, points_per_decade: int = 10, log10_g_tolerance: float = 0.0001, panel_width_MeV: float = 0.25, events_file: str | None = None, threads: int = 1) -> event_bound_result:
    """The event-level SN 1987A bound: the recorded K-II, IMB and Baksan events against the spectrum at Earth propagated through the relics (Eq. 8), likelihood ratio to no nuSI, the emitted energy profiled by default; at each mass of log10_mass_MeV."""


def forecast_event_bound(log10_mass_MeV: ArrayLike, *, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, relic_mass_MeV: float = 5e-08, relic_nature: Literal['majorana', 'dirac'] = 'majorana', relic_total_density_per_cm3: float = 330.0, relic_counting: Literal['all_mass_states', 'same_mass_state'] = 'all_mass_states', relic_mass_check: Literal['plausible', 'any_positive'] = 'plausible', mediator_kind: Literal['scalar', 'vector'] = 'scalar', vector_angular_factor: float = 1.0, width_convention: Literal['paper', 'scaled_paper'] = 'paper', width_scale: float = 1.0, energy_erg: float = 5e+52, mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09, primaries: int = 4000, seed: int = 1, window_s: float = 12.4, angles: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] = 'three_dimensional', window_max_energy_MeV: float = 200.0, max_scatterings: int = 100000000, timing: Literal['time_integrated', 'within_window'] = 'time_integrated', likelihood: Literal['unbinned', 'binned'] = 'unbinned', normalisation: Literal['profiled', 'fixed'] = 'profiled', normalisation_min: float = 0.001, normalisation_max: float = 1000.0, delta_chi2_threshold: float = 2.7055434540954146, log10_g_min: float = -4.0, log10_g_max: float = 0.0, points_per_decade: int = 10, log10_g_tolerance: float = 0.0001, panel_width_MeV: float = 0.25, detector: str, threads: int = 1) -> event_bound_result:
    """The sensitivity of one detector to a supernova at distance_cm without nuSI: the bound its Asimov data set would give (binned Poisson likelihood, no background); pass distance_cm=nusi.galactic_supernova_distance_cm for the Galactic one."""


def scan(plan: str | None = None, *, threads: int = 1) -> scan_result:
    """Runs a scan plan (the tool's plan-file format, `nusi scan --print-plan`; default the library's default_scan_plan: 3 supernovae x 5 masses x (bound + 3 couplings)) on `threads` threads: g_prop(M), g_core(M), and F and N_2to4 at each (M, g)."""


def mass_state_fractions(log10_mass_MeV: ArrayLike = -3.5, log10_g: ArrayLike = -1.75, *, ordering: Literal['normal', 'inverted'] = 'normal', lightest_mass_eV: float = 0.0, sum_masses_eV: float | None = None, theta12_deg: float | None = None, theta13_deg: float | None = None, theta23_deg: float | None = None, delta_cp_deg: float | None = None, dm21_eV2: float | None = None, dm3l_eV2: float | None = None, coupling_flavors: str = 'e,mu,tau', channels: Literal['s', 'stu'] = 'stu', nature: Literal['majorana', 'dirac'] = 'majorana', mediator_kind: Literal['scalar', 'vector'] = 'scalar', coupling_convention: Literal['paper', 'lagrangian'] = 'paper', relic_kinematics: Literal['thermal', 'at_rest', 'automatic'] = 'thermal', at_rest_max_momentum_ratio: float = 0.001, relic_density_per_helicity_per_cm3: float | None = None, cmb_temperature_K: float = 2.72548, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, detected_flavour: Literal['e', 'mu', 'tau'] = 'e', detection: Literal['flavour_antineutrinos', 'all'] = 'flavour_antineutrinos', mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09, threads: int = 1) -> mass_state_fractions_result:
    """Fractions above threshold under the three-mass-state model (docs/physics.md, "Mass states"): mass states with mixing, relics of each state, s/t/u channels, the burst of electron antineutrinos with the pinched spectrum transported on the energy grid to distance_cm; F of the detected flavour's antineutrinos and by flavour and mass state. log10_mass_MeV and log10_g broadcast together (a record whose fields are arrays); many points run on `threads`."""


def mass_state_bound(log10_mass_MeV: ArrayLike, *, ordering: Literal['normal', 'inverted'] = 'normal', lightest_mass_eV: float = 0.0, sum_masses_eV: float | None = None, theta12_deg: float | None = None, theta13_deg: float | None = None, theta23_deg: float | None = None, delta_cp_deg: float | None = None, dm21_eV2: float | None = None, dm3l_eV2: float | None = None, coupling_flavors: str = 'e,mu,tau', channels: Literal['s', 'stu'] = 'stu', nature: Literal['majorana', 'dirac'] = 'majorana', mediator_kind: Literal['scalar', 'vector'] = 'scalar', coupling_convention: Literal['paper', 'lagrangian'] = 'paper', relic_kinematics: Literal['thermal', 'at_rest', 'automatic'] = 'thermal', at_rest_max_momentum_ratio: float = 0.001, relic_density_per_helicity_per_cm3: float | None = None, cmb_temperature_K: float = 2.72548, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, detected_flavour: Literal['e', 'mu', 'tau'] = 'e', detection: Literal['flavour_antineutrinos', 'all'] = 'flavour_antineutrinos', mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09, log10_g_min: float = -8.0, log10_g_max: float = 0.5496049320110481, bracket_step_dex: float = 0.25, log10_g_tolerance: float = 1e-06, max_iterations: int = 100, threads: int = 1) -> mass_state_bound_result:
    """The propagation bound g_prop(M) under the three-mass-state model (mass_state_propagation_bound): F of the detected flavour's antineutrinos = exclusion_level solved in log10 g on the falling branch, at each mass of log10_mass_MeV (a number or an array; masses run on `threads`)."""


def mass_state_energy_angle(log10_mass_MeV: float = -3.5, log10_g: float = -1.75, *, ordering: Literal['normal', 'inverted'] = 'normal', lightest_mass_eV: float = 0.0, sum_masses_eV: float | None = None, theta12_deg: float | None = None, theta13_deg: float | None = None, theta23_deg: float | None = None, delta_cp_deg: float | None = None, dm21_eV2: float | None = None, dm3l_eV2: float | None = None, coupling_flavors: str = 'e,mu,tau', channels: Literal['s', 'stu'] = 'stu', nature: Literal['majorana', 'dirac'] = 'majorana', mediator_kind: Literal['scalar', 'vector'] = 'scalar', coupling_convention: Literal['paper', 'lagrangian'] = 'paper', relic_kinematics: Literal['thermal', 'at_rest', 'automatic'] = 'thermal', at_rest_max_momentum_ratio: float = 0.001, relic_density_per_helicity_per_cm3: float | None = None, cmb_temperature_K: float = 2.72548, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, detected_flavour: Literal['e', 'mu', 'tau'] = 'e', detection: Literal['flavour_antineutrinos', 'all'] = 'flavour_antineutrinos', mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, energy_bins: int = 400, min_energy_MeV: float = 0.01, max_energy_MeV: float = 200.0, resonance_nodes_per_core: float = 4.0, method: Literal['exact', 'odeint'] = 'exact', talbot_nodes: int = 0, odeint_abs_tol: float = 1e-13, odeint_rel_tol: float = 1e-09, angle_bins: int = 128, min_angle_rad: float = 1e-08, max_angle_rad: float = 0.1, azimuth_nodes: int = 16, deflections: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] = 'three_dimensional', threads: int = 1) -> mass_state_energy_angle_result:
    """Energy-angle transport under the three-mass-state model (propagate_mass_states_energy_angle; relics at rest or thermal): the burst emitted along the line of sight, deflections composed as `deflections` says, the map by energy, angle and species at distance_cm, the fractions above threshold (marginal over angle) and the mean and rms arrival angle above threshold."""


def diffuse(log10_mass_MeV: float = -2.7, log10_g: float = -3.0, *, source: Literal['dsnb', 'power_law'] = 'dsnb', source_evolution: Literal['sfr_yuksel2008', 'constant'] = 'sfr_yuksel2008', spectral_index: float = 2.5, composition_flavour_ratio: ArrayLike = ..., composition_equal_mass_states: bool = False, ordering: Literal['normal', 'inverted'] = 'normal', lightest_mass_eV: float = 0.0, sum_masses_eV: float = 0.1, theta12_deg: float | None = None, theta13_deg: float | None = None, theta23_deg: float | None = None, delta_cp_deg: float | None = None, dm21_eV2: float | None = None, dm3l_eV2: float | None = None, coupling_flavors: str = 'e,mu,tau', channels: Literal['s', 'stu'] = 'stu', nature: Literal['majorana', 'dirac'] = 'majorana', mediator_kind: Literal['scalar', 'vector'] = 'scalar', coupling_convention: Literal['paper', 'lagrangian'] = 'paper', relic_density_per_helicity_per_cm3: float | None = None, cmb_temperature_K: float = 2.72548, hubble_km_s_Mpc: float = 67.36, omega_m: float = 0.3153, max_redshift: float = 5.0, min_energy_MeV: float = 1.0, max_energy_MeV: float = 100.0, energy_bins: int = 300, redshift_steps: int = 96, source_panel_width: float = 0.05, threads: int = 1, exposure_years: float = 10.0, skgd_signal_efficiency: float = 0.9, juno_signal_efficiency: float = 0.5) -> diffuse_result:
    """A diffuse flux (the DSNB, or a power law E^-spectral_index) through the expanding relic background of three mass states with s/t/u scattering (docs/physics.md, "Diffuse fluxes"), run with and without interactions: the attenuation by flavour, the fluxes today, the budgets and, for the DSNB, the inverse-beta-decay events in SK-Gd and JUNO (as `nusi diffuse`)."""


def mass_state_arrival_times(log10_mass_MeV: float = -3.5, log10_g: float = -1.75, *, ordering: Literal['normal', 'inverted'] = 'normal', lightest_mass_eV: float = 0.0, sum_masses_eV: float | None = None, theta12_deg: float | None = None, theta13_deg: float | None = None, theta23_deg: float | None = None, delta_cp_deg: float | None = None, dm21_eV2: float | None = None, dm3l_eV2: float | None = None, coupling_flavors: str = 'e,mu,tau', channels: Literal['s', 'stu'] = 'stu', nature: Literal['majorana', 'dirac'] = 'majorana', mediator_kind: Literal['scalar', 'vector'] = 'scalar', coupling_convention: Literal['paper', 'lagrangian'] = 'paper', relic_kinematics: Literal['thermal', 'at_rest', 'automatic'] = 'thermal', at_rest_max_momentum_ratio: float = 0.001, relic_density_per_helicity_per_cm3: float | None = None, cmb_temperature_K: float = 2.72548, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, detected_flavour: Literal['e', 'mu', 'tau'] = 'e', detection: Literal['flavour_antineutrinos', 'all'] = 'flavour_antineutrinos', mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, primaries: int = 20000, seed: int = 1, window_s: float = 12.4, angles: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] = 'three_dimensional', geometry: Literal['point_source', 'plane_parallel'] = 'point_source', quantile_probabilities: ArrayLike = ..., delay_edges_s: ArrayLike = ..., batches: int = 16, max_scatterings: int = 100000000, max_energy_MeV: float = 200.0) -> mass_state_arrival_time_result:
    """Arrival-time distribution of the detected neutrinos above threshold_MeV at distance_cm under the three-mass-state model (mass_state_arrival_time_distribution): the mass-state Monte Carlo with directions gives the scattered arrivals, the unscattered part is integrated exactly with relics at rest (else counted by the Monte Carlo); delay quantiles with batch errors, the histogram, the fraction within window_s. Deterministic in seed."""


def mass_state_monte_carlo(log10_mass_MeV: float = -3.5, log10_g: float = -1.75, *, ordering: Literal['normal', 'inverted'] = 'normal', lightest_mass_eV: float = 0.0, sum_masses_eV: float | None = None, theta12_deg: float | None = None, theta13_deg: float | None = None, theta23_deg: float | None = None, delta_cp_deg: float | None = None, dm21_eV2: float | None = None, dm3l_eV2: float | None = None, coupling_flavors: str = 'e,mu,tau', channels: Literal['s', 'stu'] = 'stu', nature: Literal['majorana', 'dirac'] = 'majorana', mediator_kind: Literal['scalar', 'vector'] = 'scalar', coupling_convention: Literal['paper', 'lagrangian'] = 'paper', relic_kinematics: Literal['thermal', 'at_rest', 'automatic'] = 'thermal', at_rest_max_momentum_ratio: float = 0.001, relic_density_per_helicity_per_cm3: float | None = None, cmb_temperature_K: float = 2.72548, distance_cm: float = 1.5428387907456836e+23, threshold_MeV: float = 5.0, exclusion_level: float = 0.01, detected_flavour: Literal['e', 'mu', 'tau'] = 'e', detection: Literal['flavour_antineutrinos', 'all'] = 'flavour_antineutrinos', mean_energy_MeV: float = 15.0, mean_square_energy_MeV2: float = 290.0, emission: pinched_spectrum | None = None, primaries: int = 10000, seed: int = 1, max_scatterings: int = 100000000, angles: Literal['three_dimensional', 'planar_random_walk', 'paper_eq8_additive'] | None = None, geometry: Literal['point_source', 'plane_parallel'] = 'plane_parallel', record_arrivals: bool = False, max_recorded_arrivals: int = 10000000, max_null_collisions: int = 1000000000) -> mass_state_monte_carlo_result:
    """Monte Carlo of the burst through the relic background of three mass states (mass_state_monte_carlo): free paths with the total rate of every relic population (thermal states by null-collision tracking), the process by its cross section, y from its dsigma/dy, both products tracked above threshold; with angles each neutrino's direction (a thermal target turns it by the sampled target energy). The fractions of mass_state_fractions with their standard errors. Deterministic in seed."""
