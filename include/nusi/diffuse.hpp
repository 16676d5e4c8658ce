// SPDX-License-Identifier: MIT
// Diffuse fluxes with secret interactions (docs/physics.md, "Diffuse fluxes"): cosmology, sources in redshift, the
// comoving transport of the three mass states, its line-of-sight check, and the DSNB in detectors.
#pragma once

#include "diffuse/cosmology.hpp"
#include "diffuse/detection.hpp"
#include "diffuse/line_of_sight.hpp"
#include "diffuse/sources.hpp"
#include "diffuse/transport.hpp"
