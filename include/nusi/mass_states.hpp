// SPDX-License-Identifier: MIT
// The mass-state model beyond the paper's one relic (docs/physics.md, "Mass states"): masses and mixing, relic
// background, couplings, s/t/u scattering, the coupled transport, its Monte Carlo check, arrival times and its bound.
#pragma once

#include "mass_state_arrival_times.hpp"
#include "mass_state_bound.hpp"
#include "mass_state_monte_carlo.hpp"
#include "mass_states/bin_averages.hpp"
#include "mass_states/couplings.hpp"
#include "mass_states/masses_and_mixing.hpp"
#include "mass_states/relic_background.hpp"
#include "mass_states/scattering.hpp"
#include "mass_states/setup.hpp"
#include "mass_states/target_energy_distribution.hpp"
#include "transport/mass_state_angle_kernel.hpp"
#include "transport/mass_state_angle_propagate.hpp"
#include "transport/mass_state_halves.hpp"
#include "transport/mass_state_kernel.hpp"
#include "transport/mass_state_propagate.hpp"
