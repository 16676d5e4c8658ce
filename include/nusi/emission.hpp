// SPDX-License-Identifier: MIT
// Supernova models: time- and flavour-dependent emission read from simulation files (Garching archive,
// Nakazato et al. 2013 tables, nusi's CSV), flavour conversion at the source, fluences, arrival times
// with the emission profile and expected events per detector.
#pragma once

#include "emission/arrivals.hpp"
#include "emission/csv_model.hpp"
#include "emission/detection.hpp"
#include "emission/event_bound.hpp"
#include "emission/flavor_conversion.hpp"
#include "emission/fluence.hpp"
#include "emission/garching.hpp"
#include "emission/model_files.hpp"
#include "emission/nakazato.hpp"
#include "emission/reader_support.hpp"
#include "emission/supernova_model.hpp"
#include "emission/time_spread_bound.hpp"
