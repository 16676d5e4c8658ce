// SPDX-License-Identifier: MIT
// The nusi Python module: `import nusi`. Built from the same headers as the C++ library and the tool,
// so a call returns the C++ numbers. nusi::invalid_argument becomes ValueError (same message),
// nusi::numerical_error nusi.NumericalError (a RuntimeError). The version comes from project(VERSION).
#include <nusi/errors.hpp>

#include "api.hpp"
#include "bindings.hpp"

PYBIND11_MODULE(nusi, m) {
  namespace py = pybind11;
  using namespace nusi_python;
  // Signatures are written by the framework (api.hpp), in CPython's text-signature form.
  py::options options;
  options.disable_function_signatures();

  m.doc() = "nusi: secret neutrino interactions of supernova neutrinos (Shalgar, Tamborra, Bustamante, PRD 103, 123008 "
            "(2021)).\n\nPython bindings of the nusi C++ headers: every function returns the C++ numbers. Energies in MeV, "
            "lengths in cm, densities in cm^-3, cross sections in cm^2, as the unit suffixes say. See docs/python.md.";
  m.attr("_api") = py::list();
  def_constant(m, "__version__", py::str(NUSI_VERSION), "str", "the nusi version (CMake's project(VERSION))");

  auto& numerical_error = py::register_exception<nusi::numerical_error>(m, "NumericalError", PyExc_RuntimeError);
  numerical_error.doc() = "A numerical method of nusi failed (no convergence, a work bound reached): nusi::numerical_error.";
  // nusi::invalid_argument is a std::invalid_argument: pybind11 raises ValueError with its message.
  {
    py::dict e;
    e["kind"] = "class";
    e["name"] = "NumericalError";
    e["base"] = "RuntimeError";
    e["doc"] = py::str(numerical_error.doc());
    record_api(m, e);
  }

  bind_result_base(m);
  bind_units(m);
  bind_cross_sections(m);
  bind_spectra(m);
  bind_core(m);
  bind_transport(m);
  bind_bounds(m);
  bind_monte_carlo(m);
  bind_events(m);
  bind_scan(m);
  bind_mass_states(m);
  bind_diffuse(m);
  bind_mass_state_monte_carlo(m);
}
