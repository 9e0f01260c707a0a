// The thread pool's workers: a generation counter to start a job, a pending count to finish it, a short spin before sleeping.
#include "pool.h"

#include <chrono>
#include <cstdlib>

namespace mb {
namespace {

constexpr int SPIN_MICROS = 300;

inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/** Spins until pred() or SPIN_MICROS pass; true if pred() held. */
template <class Pred>
bool spin(Pred pred) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(SPIN_MICROS);
  for (;;) {
    for (int i = 0; i < 64; i++) {
      if (pred()) return true;
      relax();
    }
    if (std::chrono::steady_clock::now() > until) return false;
  }
}

}  // namespace

Pool::Pool(int threads) : size_(threads < 1 ? 1 : threads) {
  const idx floats = SCRATCH_A + SCRATCH_B + SCRATCH_TILE + SCRATCH_BIAS;
  for (int t = 0; t < size_; t++) {
    float* m = static_cast<float*>(std::aligned_alloc(64, sizeof(float) * floats));
    memory_.push_back(m);
    scratch_.push_back(Scratch{m, m + SCRATCH_A, m + SCRATCH_A + SCRATCH_B, m + SCRATCH_A + SCRATCH_B + SCRATCH_TILE});
  }
  for (int t = 1; t < size_; t++) workers_.emplace_back([this, t] { loop(t); });
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true, std::memory_order_relaxed);
    gen_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
  for (float* m : memory_) std::free(m);
}

void Pool::run(int parts, void (*fn)(void*, int), void* ctx) {
  if (parts <= 1 || size_ == 1) {
    for (int t = 0; t < parts; t++) fn(ctx, 0);
    return;
  }
  parts_ = parts; fn_ = fn; ctx_ = ctx;
  pending_.store(size_ - 1, std::memory_order_relaxed);
  bool anyAsleep;
  {
    std::lock_guard<std::mutex> lock(mu_);
    gen_.fetch_add(1, std::memory_order_release);
    anyAsleep = sleepers_ > 0;
  }
  if (anyAsleep) wake_.notify_all();
  fn(ctx, 0);
  if (spin([this] { return pending_.load(std::memory_order_acquire) == 0; })) return;
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
}

void Pool::loop(int id) {
  unsigned seen = 0;  // the generation at construction: a job started before this thread ran is still seen as new
  for (;;) {
    if (!spin([&] { return gen_.load(std::memory_order_acquire) != seen; })) {
      std::unique_lock<std::mutex> lock(mu_);
      sleepers_++;
      wake_.wait(lock, [&] { return gen_.load(std::memory_order_acquire) != seen; });
      sleepers_--;
    }
    seen = gen_.load(std::memory_order_acquire);
    if (stop_.load(std::memory_order_relaxed)) return;
    if (id < parts_) fn_(ctx_, id);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mu_);
      done_.notify_one();
    }
  }
}

}  // namespace mb
