// SPDX-License-Identifier: MIT
// Detection of supernova neutrinos: IBD cross section, detector models, observations, expected events
// for a spectrum at Earth, the SN 1987A event table and the likelihoods that turn a propagated
// spectrum into a bound.
#pragma once

#include "detection/detectors.hpp"
#include "detection/event_rates.hpp"
#include "detection/ibd.hpp"
#include "detection/likelihood.hpp"
#include "detection/observations.hpp"
#include "detection/sn1987a.hpp"
