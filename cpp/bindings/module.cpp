// The compiled module spintex._core: gathers the per-subsystem bindings.
#include <pybind11/pybind11.h>

#include "spintex/dense.hpp"
#include "spintex/sea.hpp"

namespace py = pybind11;

namespace spintex::bindings {
void bind_device(py::module_& m);
void bind_solvers(py::module_& m);
}  // namespace spintex::bindings

PYBIND11_MODULE(_core, m) {
  m.doc() = "spintex numerical core: leads, recursive Green's functions, Born self-energies";
  // The core's own failures as types Python can catch without reading messages; both are
  // RuntimeErrors, as before they had types.
  py::register_exception<spintex::dense::SingularBlock>(m, "SingularBlockError", PyExc_RuntimeError);
  py::register_exception<spintex::NotConverged>(m, "NotConvergedError", PyExc_RuntimeError);
  spintex::bindings::bind_device(m);
  spintex::bindings::bind_solvers(m);
}
