/// Loops that hand whole tasks (energies, contour nodes) to the OpenMP threads.
#pragma once

#include <cstddef>

namespace spintex {

/// While it lives: whether `tasks` tasks run on several OpenMP threads (more than one task and
/// more than one thread) and, if so, one BLAS thread per task, since the two levels would
/// oversubscribe the cores.  The destructor restores the BLAS setting, also when an exception
/// leaves the loop.
class TaskThreads {
 public:
  explicit TaskThreads(std::size_t tasks);
  ~TaskThreads();
  TaskThreads(const TaskThreads&) = delete;
  TaskThreads& operator=(const TaskThreads&) = delete;
  bool parallel() const { return parallel_; }

 private:
  bool parallel_;
  int previous_blas_threads_ = 0;
};

/// True on the OpenMP master thread (or without OpenMP): the thread that calls Progress callbacks.
bool master_thread();

}  // namespace spintex
