// SPDX-License-Identifier: MIT
// Propagation of supernova neutrinos through the relic background (paper Sec. IV, Eq. 8) on a grid:
// transport/grid.hpp (energy and angle grids), kernel.hpp (the operator), system.hpp (odeint System,
// initial state), solvers.hpp (exact and odeint), propagate.hpp (one-call results). Bound: propagation_bound.hpp.
#pragma once

#include "transport/grid.hpp"
#include "transport/kernel.hpp"
#include "transport/propagate.hpp"
#include "transport/solvers.hpp"
#include "transport/system.hpp"
