// A small persistent thread pool: the calling thread and size-1 workers each run one part of a job, each with its own packing scratch.
#ifndef MINIBATCH_POOL_H
#define MINIBATCH_POOL_H

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "gemm.h"

namespace mb {

class Pool {
 public:
  /** Starts threads - 1 workers (threads >= 1) and allocates one Scratch per thread. */
  explicit Pool(int threads);
  /** Stops and joins the workers. */
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  int size() const { return size_; }
  /** Thread t's packing space (t = 0 is the caller's). */
  const Scratch& scratch(int t) const { return scratch_[t]; }
  /**
   * Runs fn(ctx, t) for t in [0, parts), parts <= size(): the caller runs part 0 and waits for the
   * rest. Which thread runs which part is fixed, so a job whose parts write disjoint outputs gives
   * the same bits for any pool size. Workers spin briefly (SPIN_MICROS) before they sleep, since
   * a training step makes several calls in quick succession.
   */
  void run(int parts, void (*fn)(void*, int), void* ctx);

 private:
  void loop(int id);

  int size_;
  std::vector<std::thread> workers_;
  std::vector<Scratch> scratch_;
  std::vector<float*> memory_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::atomic<unsigned> gen_{0};
  std::atomic<int> pending_{0};
  int sleepers_ = 0;
  std::atomic<bool> stop_{false};
  int parts_ = 0;
  void (*fn_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
};

}  // namespace mb

#endif
