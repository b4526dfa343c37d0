// pybind11 bindings of leads and devices.
#include <pybind11/stl.h>

#include "numpy_helpers.hpp"
#include "spintex/dense.hpp"
#include "spintex/device.hpp"

namespace spintex::bindings {
namespace {

/// A row-major numpy copy of a dense matrix.
py::array_t<cplx> matrix_array(const MatrixXc& s) {
  py::array_t<cplx> out({s.rows(), s.cols()});
  auto w = out.mutable_unchecked<2>();
  for (Eigen::Index i = 0; i < s.rows(); ++i)
    for (Eigen::Index j = 0; j < s.cols(); ++j) w(i, j) = s(i, j);
  return out;
}

}  // namespace

void bind_device(py::module_& m) {
  py::class_<Lead>(m, "Lead",
                   "Semi-infinite lead: identical cells h0 coupled by hopping * identity.")
      .def(py::init([](const ComplexArray& cell, double hopping) {
             return Lead(to_matrix(cell, "cell_hamiltonian"), hopping);
           }),
           py::arg("cell_hamiltonian"), py::arg("hopping"))
      .def("self_energy", [](const Lead& lead, cplx z) { return matrix_array(lead.self_energy(z)); },
           py::arg("energy"), "Retarded surface self-energy at a (complex) energy.")
      .def(
          "self_energy_derivative",
          [](const Lead& lead, cplx z) { return matrix_array(lead.self_energy_derivative(z)); },
          py::arg("energy"), "dSigma/dz at a complex energy (off the real axis).")
      .def("open_channels", &Lead::open_channels, py::arg("energy"))
      .def_property_readonly("size", &Lead::size)
      .def_property_readonly("mode_levels", [](const Lead& l) {
        return std::vector<double>(l.mode_levels().data(),
                                   l.mode_levels().data() + l.mode_levels().size());
      });

  py::class_<Device>(m, "Device", "Finalized block-tridiagonal device between two leads.")
      .def(py::init([](const ComplexArray& diagonal, const ComplexArray& upper, const Lead& left,
                       const Lead& right,
                       const py::array& bonds) {
             std::vector<MatrixXc> diag = to_blocks(diagonal, "diagonal"), up;
             if (upper.size() > 0) up = to_blocks(upper, "upper");
             const long long sites = diag.empty() ? 0 : static_cast<long long>(diag.size()) * diag.front().rows() / 2;
             return Device(std::move(diag), std::move(up), left, right, to_index_pairs(bonds, sites, "bonds"));
           }),
           py::arg("diagonal"), py::arg("upper"), py::arg("left"), py::arg("right"),
           py::arg("bonds"))
      .def(
          "with_onsite",
          [](const Device& d, const ComplexArray& extra) {
            std::vector<Block2> blocks = to_site_blocks(extra, "extra");
            py::gil_scoped_release release;
            return d.with_site_blocks(blocks);
          },
          py::arg("extra"), "A copy with extra (N, 2, 2) on-site blocks added (device only).")
      .def_property_readonly("slices", &Device::slices)
      .def_property_readonly("block_size", &Device::block_size)
      .def_property_readonly("num_sites", &Device::num_sites)
      .def_property_readonly("num_bonds", &Device::num_bonds);

  m.def("blas_backend", &dense::backend_name, "Dense kernel backend: 'openblas' or 'eigen'.");
  m.def("set_blas_threads", &dense::set_blas_threads, py::arg("threads"),
        "Set the BLAS thread count (process-wide); returns the previous one (0 without BLAS).");
}

}  // namespace spintex::bindings
