// Conversions between NumPy arrays and the core's containers (bindings only).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "spintex/types.hpp"

namespace spintex::bindings {

namespace py = pybind11;
using ComplexArray = py::array_t<cplx, py::array::c_style | py::array::forcecast>;

/// Hand a vector to NumPy without copying it (the array owns the vector).
template <typename T>
py::array_t<T> to_numpy(std::vector<T>&& data, std::vector<py::ssize_t> shape) {
  auto* owner = new std::vector<T>(std::move(data));
  py::capsule free_when_done(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owner->data(), free_when_done);
}

/// Copy an (n, n) array into a column-major Eigen matrix.
inline MatrixXc to_matrix(const ComplexArray& a, const char* name) {
  if (a.ndim() != 2 || a.shape(0) != a.shape(1))
    throw std::invalid_argument(std::string(name) + " must be a square 2-d array");
  const auto n = a.shape(0);
  MatrixXc m(n, n);
  auto r = a.unchecked<2>();
  for (py::ssize_t i = 0; i < n; ++i)
    for (py::ssize_t j = 0; j < n; ++j) m(i, j) = r(i, j);
  return m;
}

/// Copy a stack (count, n, n) of square blocks.
inline std::vector<MatrixXc> to_blocks(const ComplexArray& a, const char* name) {
  if (a.ndim() != 3 || a.shape(1) != a.shape(2))
    throw std::invalid_argument(std::string(name) + " must have shape (count, n, n)");
  std::vector<MatrixXc> blocks(static_cast<std::size_t>(a.shape(0)));
  auto r = a.unchecked<3>();
  for (py::ssize_t b = 0; b < a.shape(0); ++b) {
    MatrixXc& m = blocks[static_cast<std::size_t>(b)];
    m.resize(a.shape(1), a.shape(2));
    for (py::ssize_t i = 0; i < a.shape(1); ++i)
      for (py::ssize_t j = 0; j < a.shape(2); ++j) m(i, j) = r(b, i, j);
  }
  return blocks;
}

/// Copy an (N, 2, 2) array of site blocks.
inline std::vector<Block2> to_site_blocks(const ComplexArray& a, const char* name) {
  if (a.ndim() != 3 || a.shape(1) != 2 || a.shape(2) != 2)
    throw std::invalid_argument(std::string(name) + " must have shape (num_sites, 2, 2)");
  std::vector<Block2> blocks(static_cast<std::size_t>(a.shape(0)));
  auto r = a.unchecked<3>();
  for (py::ssize_t s = 0; s < a.shape(0); ++s)
    blocks[static_cast<std::size_t>(s)] << r(s, 0, 0), r(s, 0, 1), r(s, 1, 0), r(s, 1, 1);
  return blocks;
}

/// Copy a (count, 2) array of site-index pairs (bonds, self-energy pairs).  Integer arrays only,
/// every index in [0, limit): a float array or an index beyond int would otherwise be truncated
/// silently (0.9 -> 0, 2**32 -> 0).
inline std::vector<std::array<int, 2>> to_index_pairs(const py::array& a, long long limit, const char* name) {
  const char kind = a.dtype().kind();
  if (kind != 'i' && kind != 'u')
    throw std::invalid_argument(std::string(name) + " must be an integer array, got dtype " +
                                py::str(a.dtype()).cast<std::string>());
  if (a.ndim() != 2 || a.shape(1) != 2) throw std::invalid_argument(std::string(name) + " must have shape (count, 2)");
  const auto values = py::array_t<long long, py::array::c_style | py::array::forcecast>::ensure(a);
  if (!values) throw std::invalid_argument(std::string(name) + " must hold integers that fit in 64 bits");
  std::vector<std::array<int, 2>> out(static_cast<std::size_t>(a.shape(0)));
  auto r = values.unchecked<2>();
  for (py::ssize_t k = 0; k < a.shape(0); ++k)
    for (py::ssize_t c = 0; c < 2; ++c) {
      const long long i = r(k, c);
      if (i < 0 || i >= limit)
        throw std::invalid_argument(std::string(name) + " index " + std::to_string(i) + " out of range [0, " +
                                    std::to_string(limit) + ")");
      out[static_cast<std::size_t>(k)][static_cast<std::size_t>(c)] = static_cast<int>(i);
    }
  return out;
}

/// Optional per-energy weights: None gives an empty vector (skip that part).
inline std::vector<cplx> to_weights(const py::object& w, std::size_t count, const char* name) {
  if (w.is_none()) return {};
  ComplexArray a = py::cast<ComplexArray>(w);
  if (a.ndim() != 1 || static_cast<std::size_t>(a.shape(0)) != count)
    throw std::invalid_argument(std::string(name) + " must be a 1-d array with one weight per energy");
  return std::vector<cplx>(a.data(), a.data() + a.shape(0));
}

}  // namespace spintex::bindings
