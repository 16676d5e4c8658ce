// SPDX-License-Identifier: MIT
// Umbrella header: everything nusi offers. Include the single headers to compile less.
#pragma once

#include "core_bound.hpp"
#include "cross_sections.hpp"
#include "detection.hpp"
#include "errors.hpp"
#include "mass_states.hpp"
#include "monte_carlo.hpp"
#include "profiles.hpp"
#include "propagation_bound.hpp"
#include "propagation_setup.hpp"
#include "random_walk.hpp"
#include "spectra.hpp"
#include "transport.hpp"
#include "units.hpp"
