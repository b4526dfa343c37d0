// pybind11 bindings of the energy-integrated RGF solver.
#include <pybind11/stl.h>

#include <array>
#include <cmath>
#include <optional>
#include <utility>

#include "numpy_helpers.hpp"
#include "spintex/block_correlation.hpp"
#include "spintex/correlation.hpp"
#include "spintex/rgf.hpp"
#include "spintex/sea.hpp"

namespace spintex::bindings {

namespace {

/// A Progress callback that keeps Ctrl-C working and forwards to an optional Python callable.
/// Errors raised on the Python side are parked in `pending` and re-raised after the solve.
Progress python_progress(const py::object& callback, std::shared_ptr<py::error_already_set>& pending) {
  return [callback, &pending](std::size_t done, std::size_t total) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      pending = std::make_shared<py::error_already_set>();
      return false;
    }
    if (!callback.is_none()) {
      try {
        callback(done, total);
      } catch (py::error_already_set& e) {
        pending = std::make_shared<py::error_already_set>(std::move(e));
        return false;
      }
    }
    return true;
  };
}

py::array_t<cplx> blocks_array(std::vector<cplx>&& v) {
  const auto count = static_cast<py::ssize_t>(v.size() / 4);
  return to_numpy(std::move(v), {count, 2, 2});
}

/// (K, count, 2, 2) blocks of K energies, stored one energy after the other.
py::array_t<cplx> blocks_array(std::vector<cplx>&& v, std::size_t energies, int count) {
  return to_numpy(std::move(v), {static_cast<py::ssize_t>(energies), static_cast<py::ssize_t>(count), 2, 2});
}

/// 2x2 blocks as an array of the given shape (its last two axes 2, 2).
py::array_t<cplx> blocks_array(const std::vector<Block2>& blocks, std::vector<py::ssize_t> shape) {
  std::vector<cplx> flat(4 * blocks.size());
  for (std::size_t k = 0; k < blocks.size(); ++k)
    for (int a = 0; a < 4; ++a) flat[4 * k + static_cast<std::size_t>(a)] = blocks[k](a / 2, a % 2);
  return to_numpy(std::move(flat), std::move(shape));
}

/// (count, 2, 2) blocks.
py::array_t<cplx> blocks_array(const std::vector<Block2>& blocks) {
  return blocks_array(blocks, {static_cast<py::ssize_t>(blocks.size()), 2, 2});
}

/// (N, 4, 4) Born superoperators (None: empty, no ladder).
std::vector<Superoperator> superoperators(const py::object& born) {
  std::vector<Superoperator> K;
  if (born.is_none()) return K;
  ComplexArray a = py::cast<ComplexArray>(born);
  if (a.ndim() != 3 || a.shape(1) != 4 || a.shape(2) != 4)
    throw std::invalid_argument("born must have shape (num_sites, 4, 4)");
  auto r = a.unchecked<3>();
  K.resize(static_cast<std::size_t>(a.shape(0)));
  for (py::ssize_t s = 0; s < a.shape(0); ++s)
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) K[static_cast<std::size_t>(s)](i, j) = r(s, i, j);
  for (const Superoperator& k : K)
    if (!k.allFinite()) throw std::invalid_argument("born must be finite");
  return K;
}

/// The correlators of a Python sequence.  `keep` holds a reference to each for as long as the
/// caller keeps it: the loops run without the GIL, while another Python thread could empty the
/// list and free a correlator the core still reads.
std::vector<const Correlator*> correlator_list(const py::object& correlators, py::tuple& keep) {
  keep = py::tuple(correlators);
  std::vector<const Correlator*> nodes;
  for (const py::handle& c : keep) nodes.push_back(&py::cast<const Correlator&>(c));
  return nodes;
}

/// The nodes of a contour sum: a SweptNodes (SeaNodes' swept form), or a list of correlators
/// (cached; `holder` keeps the SeaNodes built for them, `keep` the correlators).
const SeaNodes& sea_nodes(const py::object& nodes, std::optional<SeaNodes>& holder, py::tuple& keep) {
  if (py::isinstance<SeaNodes>(nodes)) return py::cast<const SeaNodes&>(nodes);
  holder.emplace(correlator_list(nodes, keep));
  return *holder;
}

/// The entries of a 1-d complex array (std::invalid_argument naming it otherwise).
std::vector<cplx> complex_vector(const ComplexArray& a, const char* name) {
  if (a.ndim() != 1) throw std::invalid_argument(std::string(name) + " must be a 1-d array");
  return std::vector<cplx>(a.data(), a.data() + a.shape(0));
}


/// (K, N, 2, 2) copy of K lists of N site blocks (each node's vertex).
py::array node_blocks_array(const std::vector<std::vector<Block2>>& nodes) {
  const py::ssize_t K = static_cast<py::ssize_t>(nodes.size()), N = nodes.empty() ? 0 : static_cast<py::ssize_t>(nodes[0].size());
  py::array_t<cplx> out({K, N, py::ssize_t{2}, py::ssize_t{2}});
  auto r = out.mutable_unchecked<4>();
  for (py::ssize_t k = 0; k < K; ++k)
    for (py::ssize_t i = 0; i < N; ++i)
      for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) r(k, i, a, b) = nodes[static_cast<std::size_t>(k)][static_cast<std::size_t>(i)](a, b);
  return out;
}

/// work(progress callback) with the GIL released: Ctrl-C, or an exception from the Python
/// `progress(done, total)`, stops it between its tasks and is raised here.
template <typename Work>
auto without_gil(const py::object& progress, const Work& work) {
  std::shared_ptr<py::error_already_set> pending;
  const Progress cb = python_progress(progress, pending);
  try {
    py::gil_scoped_release release;
    return work(cb);
  } catch (const Cancelled&) {
    if (pending) throw *pending;
    throw py::error_already_set();
  }
}

/// A contour sum of `count` nodes, sum(weights, born, source, options, progress) -> SeaSum, with its
/// arguments checked and the GIL released: (sites, bonds_ji, bonds_ij, GMRES iterations per node).
/// Ctrl-C (and an exception from `progress(done, total)`) stops it between nodes.
template <typename Sum>
py::tuple contour_sum(std::size_t count, const ComplexArray& weights, const py::object& born,
                      const ComplexArray& source, double tolerance, int max_iterations, int restart, bool bonds,
                      const py::object& progress, const Sum& sum, std::array<double, 2> lead_shift = {0.0, 0.0},
                      bool vertices = false) {
  const std::vector<cplx> w = complex_vector(weights, "weights");
  const std::vector<Superoperator> K = superoperators(born);
  const std::vector<Block2> src = to_site_blocks(source, "source");
  if (tolerance <= 0.0 || max_iterations < 1 || restart < 1)
    throw std::invalid_argument("tolerance, max_iterations and restart must be positive");
  if (!std::isfinite(lead_shift[0]) || !std::isfinite(lead_shift[1]))
    throw std::invalid_argument("lead_shift must be finite");
  const SeaOptions options{tolerance, max_iterations, restart, bonds, lead_shift, vertices};
  const SeaSum total = without_gil(progress, [&](const Progress& cb) { return sum(w, K, src, options, cb); });
  std::vector<int> its = total.iterations;
  py::tuple out = py::make_tuple(blocks_array(total.sites), blocks_array(total.bonds_ji),
                                 blocks_array(total.bonds_ij), to_numpy(std::move(its), {static_cast<py::ssize_t>(count)}));
  if (!vertices) return out;
  return py::make_tuple(out[0], out[1], out[2], out[3], node_blocks_array(total.vertices));
}

/// (count, n, n) row-major copy of a list of n x n blocks.
py::array_t<cplx> matrices_array(const std::vector<MatrixXc>& blocks) {
  const auto n = blocks.empty() ? Eigen::Index{0} : blocks.front().rows();
  std::vector<cplx> flat(blocks.size() * static_cast<std::size_t>(n * n));
  std::size_t k = 0;
  for (const MatrixXc& b : blocks)
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = 0; j < n; ++j) flat[k++] = b(i, j);
  return to_numpy(std::move(flat), {static_cast<py::ssize_t>(blocks.size()), n, n});
}

std::vector<Block2> optional_site_blocks(const py::object& a, const char* name) {
  if (a.is_none()) return {};
  return to_site_blocks(py::cast<ComplexArray>(a), name);
}

/// A Python list of optional (N, 2, 2) site blocks (None: an empty list).
std::vector<std::vector<Block2>> site_block_list(const py::object& list, const char* name) {
  std::vector<std::vector<Block2>> out;
  if (!list.is_none())
    for (const py::handle& h : py::cast<py::list>(list))
      out.push_back(optional_site_blocks(py::reinterpret_borrow<py::object>(h), name));
  return out;
}

/// What Correlator.apply returns beyond (sites, bonds_ji).
enum class Extras { None, ReverseBonds, ReverseBondsAndLeadTraces };

/// One apply of C = G Y G^dag (RA) or G Y G (RR) with the GIL released; the tuple of
/// (sites, bonds_ji[, bonds_ij[, (Tr Gamma_L C_00, Tr Gamma_R C_last)]]).
py::tuple correlate(const Correlator& c, const py::object& source, double left, double right,
                    const std::string& pairing, Extras extras) {
  if (pairing != "RA" && pairing != "RR")
    throw std::invalid_argument("pairing must be 'RA' (G Y G^dag) or 'RR' (G Y G)");
  std::vector<Block2> src = optional_site_blocks(source, "source");
  std::vector<Block2> sites, bonds, bonds_ij;
  std::array<cplx, 2> traces{};
  {
    py::gil_scoped_release release;
    c.apply(src, left, right, sites, bonds, pairing == "RA" ? Pairing::RetardedAdvanced : Pairing::RetardedRetarded,
            extras == Extras::None ? nullptr : &bonds_ij,
            extras == Extras::ReverseBondsAndLeadTraces ? &traces : nullptr);
  }
  if (extras == Extras::None) return py::make_tuple(blocks_array(sites), blocks_array(bonds));
  if (extras == Extras::ReverseBonds)
    return py::make_tuple(blocks_array(sites), blocks_array(bonds), blocks_array(bonds_ij));
  return py::make_tuple(blocks_array(sites), blocks_array(bonds), blocks_array(bonds_ij),
                        py::make_tuple(traces[0], traces[1]));
}

/// Correlator, BlockCorrelator and the mixed-energy product apply_mixed.
void bind_correlators(py::module_& m) {
  py::class_<Correlator>(m, "Correlator", R"doc(Correlation functions C = G Y G^dag at one energy.

Caches the retarded sweep with a local self-energy; apply(source, left, right) returns the site
blocks C_ii and bond blocks C_ji of C for Y = diag(source) + left Gamma_L + right Gamma_R.)doc")
      .def(py::init([](const Device& d, cplx z, const py::object& sigma) {
             std::vector<Block2> s = optional_site_blocks(sigma, "local_self_energy");
             py::gil_scoped_release release;
             return std::make_unique<Correlator>(d, z, s);
           }),
           py::arg("device"), py::arg("energy"), py::arg("local_self_energy") = py::none(),
           py::keep_alive<1, 2>())
      .def_property_readonly("retarded_sites",
                             [](const Correlator& c) { return blocks_array(c.retarded_sites()); })
      .def(
          "apply",
          [](const Correlator& c, const py::object& source, double left, double right, const std::string& pairing) {
            return correlate(c, source, left, right, pairing, Extras::None);
          },
          py::arg("source") = py::none(), py::arg("left") = 0.0, py::arg("right") = 0.0,
          py::arg("pairing") = "RA")
      .def(
          "apply_sites",
          [](const Correlator& c, const ComplexArray& source, const std::string& pairing) {
            if (pairing != "RA" && pairing != "RR")
              throw std::invalid_argument("pairing must be 'RA' (G Y G^dag) or 'RR' (G Y G)");
            std::vector<Block2> src = to_site_blocks(source, "source"), sites;
            {
              py::gil_scoped_release release;
              c.apply_sites(src, pairing == "RA" ? Pairing::RetardedAdvanced : Pairing::RetardedRetarded, sites);
            }
            return blocks_array(sites);
          },
          R"doc(The site blocks C_ii alone of C = G Y G^dag (RA) or G Y G (RR) with Y = diag(source), no lead
terms: the inner products of the ladder solvers (the bond blocks' products are skipped).)doc",
          py::arg("source"), py::arg("pairing") = "RA")
      .def(
          "apply_both",
          [](const Correlator& c, const py::object& source, double left, double right, const std::string& pairing) {
            return correlate(c, source, left, right, pairing, Extras::ReverseBonds);
          },
          R"doc(As apply, plus the reverse bond blocks C_ij: (sites, bonds_ji, bonds_ij).)doc",
          py::arg("source") = py::none(), py::arg("left") = 0.0, py::arg("right") = 0.0,
          py::arg("pairing") = "RA")
      .def(
          "apply_all",
          [](const Correlator& c, const py::object& source, double left, double right, const std::string& pairing) {
            return correlate(c, source, left, right, pairing, Extras::ReverseBondsAndLeadTraces);
          },
          R"doc(As apply_both, plus (Tr[Gamma_L C_00], Tr[Gamma_R C_last]): (sites, bonds_ji, bonds_ij, traces).)doc",
          py::arg("source") = py::none(), py::arg("left") = 0.0, py::arg("right") = 0.0,
          py::arg("pairing") = "RA")
      .def(
          "slice_column",
          [](const Correlator& c, int slice, int first, int last) {
            std::vector<MatrixXc> below, above;
            {
              py::gil_scoped_release release;
              c.slice_column(slice, first, last, below, above);
            }
            return py::make_tuple(matrices_array(below), matrices_array(above));
          },
          R"doc(The slice blocks of G^R in the column and row of slice s over the slices first..last
(0 <= first <= s <= last < L): (below, above), each (last - first + 1, n, n), below[l - first] =
G_{l, s}, above[l - first] = G_{s, l}.)doc",
          py::arg("slice"), py::arg("first"), py::arg("last"));

  py::class_<BlockCorrelator>(m, "BlockCorrelator", R"doc(G^R and C = G Y G^dag for a non-local self-energy.

Slices are grouped `group` at a time; the self-energy (and every source) is given as 2x2 blocks on
site pairs (u, v) within one group or between neighbouring groups (see block_correlation.hpp).
retarded_pairs gives G^R_uv on the pairs; apply(source, left, right, pairing) gives C_uv on the pairs
for Y = source + left Gamma_L + right Gamma_R (pairing 'RR': C = G Y G).)doc")
      .def(py::init([](const Device& d, cplx z, int group, const py::array& pairs, const ComplexArray& sigma) {
             std::vector<std::array<int, 2>> p = to_index_pairs(pairs, d.num_sites(), "pairs");
             std::vector<Block2> s = to_site_blocks(sigma, "self_energy");
             py::gil_scoped_release release;
             return std::make_unique<BlockCorrelator>(d, z, group, std::move(p), s);
           }),
           py::arg("device"), py::arg("energy"), py::arg("group"), py::arg("pairs"),
           py::arg("self_energy"), py::keep_alive<1, 2>())
      .def_property_readonly("super_slices", &BlockCorrelator::super_slices)
      .def_property_readonly("retarded_pairs",
                             [](const BlockCorrelator& c) { return blocks_array(c.retarded_pairs()); })
      .def(
          "apply",
          [](const BlockCorrelator& c, const py::object& source, double left, double right,
             const std::string& pairing) {
            if (pairing != "RA" && pairing != "RR")
              throw std::invalid_argument("pairing must be 'RA' (G Y G^dag) or 'RR' (G Y G)");
            std::vector<Block2> src = optional_site_blocks(source, "source");
            std::vector<Block2> out;
            {
              py::gil_scoped_release release;
              out = c.apply(src, left, right,
                            pairing == "RA" ? Pairing::RetardedAdvanced : Pairing::RetardedRetarded);
            }
            return blocks_array(out);
          },
          py::arg("source") = py::none(), py::arg("left") = 0.0, py::arg("right") = 0.0,
          py::arg("pairing") = "RA")
      .def(
          "apply_mixed",
          [](const BlockCorrelator& c, const BlockCorrelator& right, const py::object& source) {
            std::vector<Block2> src = optional_site_blocks(source, "source");
            std::vector<Block2> out;
            {
              py::gil_scoped_release release;
              out = c.apply_mixed(right, src);
            }
            return blocks_array(out);
          },
          R"doc(C_uv on the pairs of C = G Y G2, G2 the retarded sweep of `right` (same slices, group and
pairs; another energy or self-energy).)doc",
          py::arg("right"), py::arg("source") = py::none());

  m.def(
      "apply_mixed",
      [](const Correlator& a, const Correlator& b, const py::object& source) {
        std::vector<Block2> src = optional_site_blocks(source, "source");
        std::vector<Block2> sites, bonds_ji, bonds_ij;
        {
          py::gil_scoped_release release;
          apply_mixed(a, b, src, sites, bonds_ji, bonds_ij);
        }
        return py::make_tuple(blocks_array(sites), blocks_array(bonds_ji), blocks_array(bonds_ij));
      },
      R"doc(C = G(z_a) Y G(z_b) for two correlators of one device: (sites, bonds_ji, bonds_ij).)doc",
      py::arg("a"), py::arg("b"), py::arg("source") = py::none());
}

/// The Fermi-sea contour: SweptNodes, the ladder-dressed contour sums and the contour SCBA.
void bind_contour(py::module_& m) {
  py::class_<SeaNodes>(m, "SweptNodes", R"doc(Contour nodes whose correlators a sum sweeps again
from their energy and self-energy, one correlator per thread in memory instead of one per node
(sea_response, bare_kernel): the same sums as cached correlators of the same Sigma.)doc")
      .def(py::init([](const Device& d, const ComplexArray& energies, const py::object& self_energies) {
             return SeaNodes(d, complex_vector(energies, "energies"), site_block_list(self_energies, "self_energies"));
           }),
           py::arg("device"), py::arg("energies"), py::arg("self_energies") = py::none(), py::keep_alive<1, 2>())
      .def("__len__", &SeaNodes::size);

  m.def(
      "sea_response",
      [](const py::object& correlators, const ComplexArray& weights, const py::object& born,
         const ComplexArray& source, double tolerance, int max_iterations, int restart, bool bonds,
         const py::object& progress, std::array<double, 2> lead_shift, bool vertices) {
        std::optional<SeaNodes> holder;
        py::tuple keep;
        const SeaNodes& nodes = sea_nodes(correlators, holder, keep);
        return contour_sum(
            nodes.size(), weights, born, source, tolerance, max_iterations, restart, bonds, progress,
            [&](const auto& w, const auto& K, const auto& src, const auto& options, const auto& cb) {
              return sea_response(nodes, w, K, src, options, cb);
            },
            lead_shift, vertices);
      },
      R"doc(sum_k w_k Y(z_k), Y = G (U + S[Y]) G (RR ladder, S the local Born map given as (N, 4, 4)
superoperators on the row-major vec of each site block, or None: no ladder), over the correlators
of the contour nodes (a list, or a SweptNodes), in parallel over nodes (OpenMP) with the GIL
released: (sites, bonds_ji, bonds_ij, GMRES iterations per node); bonds=False: site blocks only
(the bond arrays empty).  Ctrl-C, or an exception from progress(done, total), stops it between
nodes.  lead_shift (v_L, v_R): the leads' bands rigidly shifted too, the source -v_a dSigma_a/dz
on the end slices added to U (the static response to the leads' potentials).  Without bonds a
dressed node's site blocks come from its ladder's last residual (no final product).
vertices=True: a fifth element, each node's dressed vertex U + S[x_k] (K, N, 2, 2), from which
sea_vertex_sum forms the bond blocks of any linear combination of such sums.)doc",
      py::arg("correlators"), py::arg("weights"), py::arg("born"), py::arg("source"),
      py::arg("tolerance") = 1e-11, py::arg("max_iterations") = 5000, py::arg("restart") = 20,
      py::arg("bonds") = true, py::arg("progress") = py::none(),
      py::arg("lead_shift") = std::array<double, 2>{0.0, 0.0}, py::arg("vertices") = false);

  m.def(
      "sea_vertex_sum",
      [](const py::object& correlators, const ComplexArray& weights, const ComplexArray& vertices, bool bonds,
         const py::object& progress) {
        std::optional<SeaNodes> holder;
        py::tuple keep;
        const SeaNodes& nodes = sea_nodes(correlators, holder, keep);
        const std::vector<cplx> w = complex_vector(weights, "weights");
        if (vertices.ndim() != 4 || vertices.shape(0) != static_cast<py::ssize_t>(nodes.size()))
          throw std::invalid_argument("vertices must have shape (num_nodes, num_sites, 2, 2)");
        const std::vector<std::vector<Block2>> V = site_block_list(py::list(vertices), "vertices");
        for (const std::vector<Block2>& node : V)
          for (const Block2& b : node)
            if (!b.allFinite()) throw std::invalid_argument("vertices must be finite");
        SeaOptions options;
        options.bonds = bonds;
        const SeaSum total =
            without_gil(progress, [&](const Progress& cb) { return sea_vertex_sum(nodes, w, V, options, cb); });
        return py::make_tuple(blocks_array(total.sites), blocks_array(total.bonds_ji), blocks_array(total.bonds_ij));
      },
      R"doc(sum_k w_k G(z_k) V_k G(z_k) for one dressed vertex V_k (N, 2, 2) per node (vertices
(K, N, 2, 2), e.g. a combination of sea_response's vertices): (sites, bonds_ji, bonds_ij);
bonds=False: sites only.  No ladder (the vertices are dressed) and no lead shifts.)doc",
      py::arg("correlators"), py::arg("weights"), py::arg("vertices"), py::arg("bonds") = true,
      py::arg("progress") = py::none());

  m.def(
      "bare_kernel",
      [](const py::object& correlators, const ComplexArray& weights, int slice, int range) {
        std::optional<SeaNodes> holder;
        py::tuple keep;
        const SeaNodes& nodes = sea_nodes(correlators, holder, keep);
        std::vector<cplx> w = complex_vector(weights, "weights");
        std::vector<Block2> K;
        {
          py::gil_scoped_release release;
          K = bare_kernel(nodes, w, slice, range);
        }
        const auto W = static_cast<py::ssize_t>(nodes.device().sites_per_slice());
        return blocks_array(K, {2 * static_cast<py::ssize_t>(range) + 1, W, W, 2, 2});
      },
      R"doc(sum_k w_k G_{(s+dx,p'),(s,p)}(z_k) G_{(s,p),(s+dx,p')}(z_k) as (2 range + 1, W, W, 2, 2), index
[range + dx, p', p] (s = slice, dx = -range..range): the site block (s+dx, p') of the bare contour
sum G U G for a unit potential on site (s, p), from the slice columns of G^R (O(range) products per
node; a list of correlators or a SweptNodes), nodes in parallel (OpenMP) with the GIL released.)doc",
      py::arg("correlators"), py::arg("weights"), py::arg("slice"), py::arg("range"));

  m.def(
      "mixed_sea_response",
      [](const py::list& left, const py::list& right, const ComplexArray& weights, const py::object& born,
         const ComplexArray& source, double tolerance, int max_iterations, int restart, bool bonds,
         const py::object& progress) {
        py::tuple keep_left, keep_right;
        const std::vector<const Correlator*> a = correlator_list(left, keep_left), b = correlator_list(right, keep_right);
        return contour_sum(a.size(), weights, born, source, tolerance, max_iterations, restart, bonds, progress,
                           [&](const auto& w, const auto& K, const auto& src, const auto& options, const auto& cb) {
                             return mixed_sea_response(a, b, w, K, src, options, cb);
                           });
      },
      R"doc(sum_k w_k Y_k, Y_k = G(a_k) (U + S[Y_k]) G(b_k) (the ladder at mixed energies; a_k and b_k
the same correlator: the RR ladder of sea_response), pairs in parallel (OpenMP), the GIL released:
(sites, bonds_ji, bonds_ij, GMRES iterations per pair).)doc",
      py::arg("left"), py::arg("right"), py::arg("weights"), py::arg("born"), py::arg("source"),
      py::arg("tolerance") = 1e-11, py::arg("max_iterations") = 5000, py::arg("restart") = 20,
      py::arg("bonds") = true, py::arg("progress") = py::none());

  m.def(
      "scba_nodes",
      [](const py::object& device_obj, const ComplexArray& energies, const ComplexArray& born,
         const py::object& guesses, const py::object& first, int runs, double tolerance, double mixing,
         int max_iterations, double fallback_mixing, const py::object& progress, const py::object& probe,
         const py::object& path) {
        const Device& device = py::cast<const Device&>(device_obj);
        const std::vector<cplx> z = complex_vector(energies, "energies");
        std::vector<Superoperator> K = superoperators(born);
        const std::vector<std::vector<Block2>> g = site_block_list(guesses, "guesses");
        std::vector<Block2> start = optional_site_blocks(first, "first");
        std::vector<Block2> probe_blocks = optional_site_blocks(probe, "probe");
        std::vector<double> path_values;
        if (!path.is_none()) path_values = py::cast<std::vector<double>>(path);
        if (!(tolerance > 0.0) || !(mixing > 0.0 && mixing <= 1.0) || max_iterations < 1)
          throw std::invalid_argument("tolerance > 0, 0 < mixing <= 1 and max_iterations >= 1 are required");
        ScbaOptions options;
        options.tolerance = tolerance;
        options.mixing = mixing;
        if (!(fallback_mixing >= 0.0 && fallback_mixing <= 1.0))
          throw std::invalid_argument("fallback_mixing must be in [0, 1] (0: none)");
        options.fallback_mixing = fallback_mixing;
        options.max_iterations = max_iterations;
        std::vector<ScbaNode> nodes = without_gil(progress, [&](const Progress& cb) {
          return scba_nodes(device, z, K, g, start, runs, options, cb, probe_blocks, path_values);
        });
        py::list out;
        for (ScbaNode& n : nodes) {
          py::object corr = py::none(), sites = py::none();
          if (n.correlator) {
            corr = py::cast(std::move(n.correlator));
            py::detail::keep_alive_impl(corr, device_obj);  // the correlator refers to the device
          } else {
            sites = blocks_array(n.probe);
          }
          out.append(py::make_tuple(corr, blocks_array(n.self_energy), n.iterations, n.residual, sites));
        }
        return out;
      },
      R"doc(The local SCBA, Sigma = S[G^R(z; Sigma)], at every energy z (complex: contour nodes) by
Anderson mixing, in C++: the nodes in `runs` fixed contiguous runs on the OpenMP threads (results
independent of the thread count), each node starting from guesses[k] if given, else extrapolated
from the nodes before it in its run (linearly in `path`, a real parameter of the nodes along their
contour, or in z without one; the first run's first node from `first`).  Returns a list of
(Correlator of the converged Sigma, Sigma (N, 2, 2), iterations, residual, None); NotConvergedError if
a node does not converge; Ctrl-C interrupts.  fallback_mixing > 0: a node whose iteration with
`mixing` fails or diverges starts again from its guess with that mixing.  A node that converges
to a non-causal Sigma (Im Sigma > 0, the advanced branch; also after the fallback) starts again
once from the Born self-energy of G = -i.  With `probe` U (N, 2, 2)
each tuple is (None, Sigma, iterations, residual, site blocks of G U G (N, 2, 2)): the correlator is
freed once its product is formed.)doc",
      py::arg("device"), py::arg("energies"), py::arg("born"), py::arg("guesses") = py::none(),
      py::arg("first") = py::none(), py::arg("runs") = 4, py::arg("tolerance") = 1e-10, py::arg("mixing") = 0.5,
      py::arg("max_iterations") = 200, py::arg("fallback_mixing") = 0.0, py::arg("progress") = py::none(),
      py::arg("probe") = py::none(), py::arg("path") = py::none());
}

/// integrate: weighted energy sums of RGF blocks (the Keldysh densities and transmissions).
void bind_integrate(py::module_& m) {
  m.def(
      "integrate",
      [](const Device& device, const ComplexArray& energies, const py::object& retarded_weights,
         const py::object& left_weights, const py::object& right_weights, bool transmission,
         bool reverse_transmission, std::array<double, 3> left_axis, std::array<double, 3> right_axis,
         const py::object& local_self_energy, const py::object& progress, bool per_energy) {
        Request req;
        req.energies = complex_vector(energies, "energies");
        const std::size_t K = req.energies.size();
        req.retarded_weights = to_weights(retarded_weights, K, "retarded_weights");
        req.left_weights = to_weights(left_weights, K, "left_weights");
        req.right_weights = to_weights(right_weights, K, "right_weights");
        req.transmission = transmission;
        req.reverse_transmission = reverse_transmission;
        req.per_energy = per_energy;
        req.left_axis = Eigen::Vector3d(left_axis[0], left_axis[1], left_axis[2]);
        req.right_axis = Eigen::Vector3d(right_axis[0], right_axis[1], right_axis[2]);
        std::vector<Block2> sigma;
        if (!local_self_energy.is_none())
          sigma = to_site_blocks(py::cast<ComplexArray>(local_self_energy), "local_self_energy");

        Accumulated acc = without_gil(progress, [&](const Progress& cb) {
          return integrate(device, req, local_self_energy.is_none() ? nullptr : &sigma, cb);
        });

        // count: sites or bonds per energy
        auto blocks = [&](std::vector<cplx>&& v, int count) {
          return per_energy ? blocks_array(std::move(v), K, count) : blocks_array(std::move(v));
        };
        const int N = device.num_sites(), B = device.num_bonds();
        py::dict out;
        if (!req.retarded_weights.empty()) {
          out["retarded_sites"] = blocks(std::move(acc.retarded_sites), N);
          out["retarded_bonds_ji"] = blocks(std::move(acc.retarded_bonds_ji), B);
          out["retarded_bonds_ij"] = blocks(std::move(acc.retarded_bonds_ij), B);
        }
        if (!req.left_weights.empty()) {
          out["left_sites"] = blocks(std::move(acc.left_sites), N);
          out["left_bonds"] = blocks(std::move(acc.left_bonds), B);
        }
        if (!req.right_weights.empty()) {
          out["right_sites"] = blocks(std::move(acc.right_sites), N);
          out["right_bonds"] = blocks(std::move(acc.right_bonds), B);
        }
        if (transmission || reverse_transmission) {
          const auto k = static_cast<py::ssize_t>(K);
          out["transmission"] = to_numpy(std::move(acc.transmission), {k});
          out["spin_transmission"] = to_numpy(std::move(acc.spin_transmission), {k, 2, 2});
          if (reverse_transmission)
            out["reverse_transmission"] = to_numpy(std::move(acc.reverse_transmission), {k});
        }
        out["open_channels_left"] = to_numpy(std::move(acc.open_channels_left), {static_cast<py::ssize_t>(K)});
        out["open_channels_right"] = to_numpy(std::move(acc.open_channels_right), {static_cast<py::ssize_t>(K)});
        return out;
      },
      py::arg("device"), py::arg("energies"), py::arg("retarded_weights") = py::none(),
      py::arg("left_weights") = py::none(), py::arg("right_weights") = py::none(),
      py::arg("transmission") = false, py::arg("reverse_transmission") = false, py::arg("left_axis") = std::array<double, 3>{0, 0, 1},
      py::arg("right_axis") = std::array<double, 3>{0, 0, 1},
      py::arg("local_self_energy") = py::none(), py::arg("progress") = py::none(),
      py::arg("per_energy") = false,
      R"doc(Weighted sums over energies of RGF blocks (see spintex/rgf.hpp).

Returns a dict of (count, 2, 2) block arrays: retarded_sites (sum w G^R_ii),
retarded_bonds_ji / _ij (G^R_ji, G^R_ij for each bond (i, j)), left_sites / left_bonds
(sum w (G Gamma_L G^dag)_ii, _ji), right_*, and per-energy transmissions when asked: transmission and
spin_transmission (2x2: left-lead spin s, right-lead spin s') of the injecting lead (left unless
only right_weights are given); reverse_transmission the other direction (costs a second column).
per_energy=True keeps every energy's weighted blocks apart: (K, count, 2, 2) arrays instead of
the sums (the batched solvers).
Runs energies in parallel (OpenMP) with the GIL released, summed in energy order (bitwise the
same for any number of threads); Ctrl-C interrupts.)doc");
}

}  // namespace

void bind_solvers(py::module_& m) {
  bind_correlators(m);
  bind_contour(m);
  bind_integrate(m);
}

}  // namespace spintex::bindings
