#include "spintex/parallel.hpp"

#include "spintex/dense.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace spintex {

TaskThreads::TaskThreads(std::size_t tasks) : parallel_(tasks > 1) {
#ifdef _OPENMP
  parallel_ = parallel_ && omp_get_max_threads() > 1;
#else
  parallel_ = false;
#endif
  if (parallel_) previous_blas_threads_ = dense::set_blas_threads(1);
}

TaskThreads::~TaskThreads() {
  if (parallel_) dense::set_blas_threads(previous_blas_threads_);
}

bool master_thread() {
#ifdef _OPENMP
  return omp_get_thread_num() == 0;
#else
  return true;
#endif
}

}  // namespace spintex
