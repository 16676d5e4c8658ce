// SPDX-License-Identifier: MIT
// Umbrella header: everything nusi offers. Include the single headers to compile less.
#pragma once

#include "cross_sections.hpp"
#include "detection.hpp"
#include "errors.hpp"
#include "propagation_setup.hpp"
#include "spectra.hpp"
#include "units.hpp"
