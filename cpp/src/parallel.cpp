#include "spintex/parallel.hpp"

#include "spintex/dense.hpp"

#include <mutex>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace spintex {

namespace {
std::mutex blas_mutex;
int blas_users = 0;         // parallel loops running now
int saved_blas_threads = 0;  // the setting before the first of them
}  // namespace

TaskThreads::TaskThreads(std::size_t tasks) : parallel_(tasks > 1) {
#ifdef _OPENMP
  parallel_ = parallel_ && omp_get_max_threads() > 1;
#else
  parallel_ = false;
#endif
  if (!parallel_) return;
  const std::lock_guard<std::mutex> lock(blas_mutex);
  if (blas_users++ == 0) saved_blas_threads = dense::set_blas_threads(1);
}

TaskThreads::~TaskThreads() {
  if (!parallel_) return;
  const std::lock_guard<std::mutex> lock(blas_mutex);
  if (--blas_users == 0) dense::set_blas_threads(saved_blas_threads);
}

bool master_thread() {
#ifdef _OPENMP
  return omp_get_thread_num() == 0;
#else
  return true;
#endif
}

}  // namespace spintex
