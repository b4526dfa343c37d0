// The compiled module spintex._core: gathers the per-subsystem bindings.
#include <pybind11/pybind11.h>

namespace py = pybind11;

namespace spintex::bindings {
void bind_device(py::module_& m);
void bind_solvers(py::module_& m);
}  // namespace spintex::bindings

PYBIND11_MODULE(_core, m) {
  m.doc() = "spintex numerical core: leads, recursive Green's functions, Born self-energies";
  spintex::bindings::bind_device(m);
  spintex::bindings::bind_solvers(m);
}
