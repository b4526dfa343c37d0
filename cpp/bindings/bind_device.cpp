// pybind11 bindings of leads and devices.
#include <pybind11/stl.h>

#include "numpy_helpers.hpp"
#include "spintex/dense.hpp"
#include "spintex/device.hpp"

namespace spintex::bindings {

void bind_device(py::module_& m) {
  py::class_<Lead>(m, "Lead",
                   "Semi-infinite lead: identical cells h0 coupled by hopping * identity.")
      .def(py::init([](const ComplexArray& cell, double hopping) {
             return Lead(to_matrix(cell, "cell_hamiltonian"), hopping);
           }),
           py::arg("cell_hamiltonian"), py::arg("hopping"))
      .def(
          "self_energy",
          [](const Lead& lead, cplx z) {
            const MatrixXc s = lead.self_energy(z);
            py::array_t<cplx> out({s.rows(), s.cols()});
            auto w = out.mutable_unchecked<2>();
            for (Eigen::Index i = 0; i < s.rows(); ++i)
              for (Eigen::Index j = 0; j < s.cols(); ++j) w(i, j) = s(i, j);
            return out;
          },
          py::arg("energy"), "Retarded surface self-energy at a (complex) energy.")
      .def("open_channels", &Lead::open_channels, py::arg("energy"))
      .def_property_readonly("size", &Lead::size)
      .def_property_readonly("mode_levels", [](const Lead& l) {
        return std::vector<double>(l.mode_levels().data(),
                                   l.mode_levels().data() + l.mode_levels().size());
      });

  py::class_<Device>(m, "Device", "Finalized block-tridiagonal device between two leads.")
      .def(py::init([](const ComplexArray& diagonal, const ComplexArray& upper, const Lead& left,
                       const Lead& right,
                       const py::array_t<int, py::array::c_style | py::array::forcecast>& bonds) {
             if (bonds.ndim() != 2 || bonds.shape(1) != 2)
               throw std::invalid_argument("bonds must have shape (num_bonds, 2)");
             std::vector<std::array<int, 2>> b(static_cast<std::size_t>(bonds.shape(0)));
             auto r = bonds.unchecked<2>();
             for (py::ssize_t k = 0; k < bonds.shape(0); ++k) b[static_cast<std::size_t>(k)] = {r(k, 0), r(k, 1)};
             std::vector<MatrixXc> up;
             if (upper.size() > 0) up = to_blocks(upper, "upper");
             return Device(to_blocks(diagonal, "diagonal"), std::move(up), left, right,
                           std::move(b));
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
