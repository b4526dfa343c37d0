/// Loops that hand whole tasks (energies, contour nodes) to the OpenMP threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>

namespace spintex {

/// Called between tasks (energies, nodes) with (done, total); return false to cancel.
using Progress = std::function<bool(std::size_t, std::size_t)>;

/// Thrown when a Progress callback asked to stop.
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "computation cancelled"; }
};

/// While it lives: whether `tasks` tasks run on several OpenMP threads (more than one task and
/// more than one thread) and, if so, one BLAS thread per task, since the two levels would
/// oversubscribe the cores.  The destructor restores the BLAS setting, also when an exception
/// leaves the loop.  The setting is process-wide and loops can overlap (calls from several Python
/// threads): the first loop to start saves it and the last to end restores it.
class TaskThreads {
 public:
  explicit TaskThreads(std::size_t tasks);
  ~TaskThreads();
  TaskThreads(const TaskThreads&) = delete;
  TaskThreads& operator=(const TaskThreads&) = delete;
  bool parallel() const { return parallel_; }

 private:
  bool parallel_;
};

/// True on the OpenMP master thread (or without OpenMP): the thread that calls Progress callbacks.
bool master_thread();

/// What the threads of a loop over K tasks share: the first exception thrown by a task, a stop
/// flag (set by that exception or by `progress` returning false) and the count of finished tasks.
/// Every task loop uses it the same way: `run` each task, `finished` after it, `finish` after the
/// loop (which rethrows the exception, or throws Cancelled).  Progress is reported from the master
/// thread only: the bindings' callback re-acquires the GIL there to check Ctrl-C.
class TaskGuard {
 public:
  TaskGuard(std::size_t tasks, const Progress& progress) : tasks_(tasks), progress_(progress) {}

  /// task() unless the loop is stopping; false if skipped or if it threw (the first exception is
  /// kept and the loop stops).
  template <typename Task>
  bool run(Task&& task) noexcept {
    if (stop_.load()) return false;
    try {
      task();
      return true;
    } catch (...) {
#pragma omp critical(spintex_task_error)
      if (!error_) error_ = std::current_exception();
      stop_ = true;
      return false;
    }
  }

  /// Counts a finished task; the master thread reports (done, K), and false from it stops the loop.
  void finished() {
    const std::size_t done = ++done_;
    if (master_thread() && progress_ && !stop_.load() && !progress_(done, tasks_)) stop_ = true;
  }

  bool stopping() const { return stop_.load(); }

  /// After the loop: rethrows the first exception, or throws Cancelled if the loop was stopped or
  /// the final report (K, K; the master thread reports at least once) asks to stop.
  void finish() const {
    if (error_) std::rethrow_exception(error_);
    if (stop_.load() || (progress_ && !progress_(tasks_, tasks_))) throw Cancelled();
  }

 private:
  std::size_t tasks_;
  const Progress& progress_;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> done_{0};
  std::exception_ptr error_ = nullptr;
};

}  // namespace spintex
