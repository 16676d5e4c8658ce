// SPDX-License-Identifier: MIT
// Umbrella header: everything nusi offers. Include the single headers to compile less.
#pragma once

#include "cross_sections.hpp"
#include "errors.hpp"
#include "propagation_bound.hpp"
#include "propagation_setup.hpp"
#include "spectra.hpp"
#include "transport.hpp"
#include "units.hpp"
