// SPDX-License-Identifier: MIT
// The binding files of the nusi Python module, one per group of headers; module.cpp calls them in
// order (a class must be bound before a function that takes or returns it). Bindings only: no physics.
#pragma once

#include <pybind11/pybind11.h>

namespace nusi_python {
namespace py = pybind11;

void bind_units(py::module_& m);           // bind_units.cpp: units.hpp constants and conversions, parallel.hpp limits
void bind_cross_sections(py::module_& m);  // bind_cross_sections.cpp: cross_sections.hpp (Eqs. 2-5)
void bind_spectra(py::module_& m);         // bind_spectra.cpp: spectra.hpp
void bind_core(py::module_& m);            // bind_core.cpp: profiles.hpp, random_walk.hpp, core_bound.hpp (Sec. III)
void bind_transport(py::module_& m);       // bind_transport.cpp: transport/propagate.hpp (Sec. IV, Eq. 8)
void bind_bounds(py::module_& m);          // bind_bounds.cpp: propagation_bound.hpp, time_spread_bound.hpp
void bind_monte_carlo(py::module_& m);     // bind_monte_carlo.cpp: monte_carlo.hpp, arrival_times.hpp
void bind_events(py::module_& m);          // bind_events.cpp: detection/, event_bound.hpp
void bind_scan(py::module_& m);            // bind_scan.cpp: scan.hpp
void bind_mass_states(py::module_& m);     // bind_mass_states.cpp: mass_states.hpp, transport/mass_state_propagate.hpp, mass_state_bound.hpp
void bind_diffuse(py::module_& m);         // bind_diffuse.cpp: diffuse.hpp
void bind_mass_state_monte_carlo(py::module_& m);  // bind_mass_state_monte_carlo.cpp: mass_state_monte_carlo.hpp, mass_state_arrival_times.hpp

}  // namespace nusi_python
