// SPDX-License-Identifier: MIT
// Umbrella header: every public header of nusi (detail/ is not API). Include the single headers to
// compile less. Not here: scan_mpi.hpp, which needs an MPI implementation (<mpi.h>); include it
// yourself when you build with MPI. Test headers.umbrella_complete keeps this list complete.
#pragma once

#include "arrival_times.hpp"
#include "core_bound.hpp"
#include "cross_sections.hpp"
#include "detection.hpp"
#include "diffuse.hpp"
#include "emission.hpp"
#include "errors.hpp"
#include "event_bound.hpp"
#include "mass_states.hpp"
#include "monte_carlo.hpp"
#include "parallel.hpp"
#include "phase_space.hpp"
#include "profiles.hpp"
#include "propagation_bound.hpp"
#include "propagation_setup.hpp"
#include "random_walk.hpp"
#include "scan.hpp"
#include "spectra.hpp"
#include "time_spread_bound.hpp"
#include "transport.hpp"
#include "two_to_four_diagram.hpp"
#include "units.hpp"
