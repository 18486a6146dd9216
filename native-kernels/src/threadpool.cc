// Thread pool implementation: workers park on a condition variable after a short spin; jobs are serialized by a mutex.
// The caller waits for chunks to finish, not for workers to wake: on a busy machine a descheduled worker must not
// hold up a kernel whose chunks the caller already ran itself.
// Each thread first runs its own contiguous share of the chunks (the caller the first, worker i the (i+1)-th), then
// takes what is left of the others' shares. Consecutive kernels over the same rows (LayerNorm, then a GEMM split by
// rows, then GELU, attention by batch element...) thus find most of their inputs in the cache of the core that wrote
// them. Handing chunks to whichever thread was free made a BERT training step 6-8% slower in this VM's slow phases,
// when a line the other core wrote is as slow to read as one in memory, and no faster in its fast ones (session 5,
// bench/train/compare_trees.ts --by-speed).
#include "threadpool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ak {
namespace {

thread_local bool t_in_region = false;

// One thread's share of a call's chunks, [next, end), on a cache line of its own so the threads' counters do not
// contend. Other threads take from the front of it once their own share is done.
struct alignas(64) Share {
  std::atomic<int64_t> next{0};
  int64_t end = 0;
};

// One parallel_for call. Shared with workers by shared_ptr, so a worker that wakes after the call returned still holds
// valid counters; it finds no chunk left and never touches fn (which by then may be gone).
struct Job {
  const RangeFn* fn;
  int64_t n;
  int64_t grain;
  int64_t chunks;
  std::vector<Share> shares;  // one per thread: chunks [t * chunks / threads, (t + 1) * chunks / threads)
  alignas(64) std::atomic<int64_t> done{0};
};

// Thread `id` runs the rest of its own share, then the rest of each other share in turn.
void run_chunks(Job& job, int id) {
  const bool was = t_in_region;
  t_in_region = true;
  const int parts = static_cast<int>(job.shares.size());
  for (int o = 0; o < parts; o++) {
    Share& share = job.shares[(id + o) % parts];
    for (;;) {
      const int64_t chunk = share.next.fetch_add(1, std::memory_order_relaxed);
      if (chunk >= share.end) break;
      const int64_t begin = chunk * job.grain;
      (*job.fn)(begin, std::min(job.n, begin + job.grain));
      job.done.fetch_add(1, std::memory_order_acq_rel);
    }
  }
  t_in_region = was;
}

class Pool {
 public:
  void resize(int total) {
    std::lock_guard<std::mutex> submit(submit_mu_);
    stop_workers();
    const int workers = std::max(0, total - 1);
    stop_ = false;
    // A worker waits for jobs after the generation current now, even if its thread starts running only after the
    // next job was submitted: otherwise it would sleep through that job, which a team of threads (parallel_for with
    // one chunk per thread whose chunks wait for each other, rnn_layer.cc) cannot finish without it.
    const uint64_t start = generation_.load(std::memory_order_acquire);
    for (int i = 0; i < workers; i++) workers_.emplace_back([this, i, start] { worker_loop(i + 1, start); });
    threads_ = workers + 1;
  }

  int threads() const { return threads_; }

  void run(int64_t n, int64_t grain, const RangeFn& fn) {
    // One job at a time: two JS threads (e.g. two workers) calling kernels concurrently take turns.
    std::lock_guard<std::mutex> submit(submit_mu_);
    auto job = std::make_shared<Job>();
    job->fn = &fn;
    job->n = n;
    job->grain = grain;
    job->chunks = (n + grain - 1) / grain;
    job->shares = std::vector<Share>(static_cast<size_t>(threads_));
    for (int t = 0; t < threads_; t++) {
      job->shares[t].next.store(t * job->chunks / threads_, std::memory_order_relaxed);
      job->shares[t].end = (t + 1) * job->chunks / threads_;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = job;
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    run_chunks(*job, 0);
    while (job->done.load(std::memory_order_acquire) < job->chunks) std::this_thread::yield();
  }

 private:
  // Worker `id` (1 .. threads - 1) owns share `id` of every call.
  void worker_loop(int id, uint64_t seen) {
    for (;;) {
      // Spin briefly: training issues many short kernels back to back, and a condition-variable wake costs ~50 us.
      const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
      while (generation_.load(std::memory_order_acquire) == seen && !stop_.load(std::memory_order_acquire) &&
             std::chrono::steady_clock::now() < spin_until) {
        std::this_thread::yield();
      }
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen || stop_.load(); });
        if (stop_.load()) return;
        seen = generation_.load(std::memory_order_acquire);
        job = job_;
      }
      run_chunks(*job, id);
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  std::mutex submit_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> workers_;
  std::shared_ptr<Job> job_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  int threads_ = 1;
};

// Deliberately leaked: joining threads from a static destructor at process exit can hang inside Node/Electron.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

void set_threads(int n) { pool().resize(std::max(1, n)); }

int get_threads() { return pool().threads(); }

bool in_parallel_region() { return t_in_region; }

void parallel_for(int64_t n, int64_t grain, const RangeFn& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(1, grain);
  if (t_in_region || n <= grain || pool().threads() == 1) {
    const bool was = t_in_region;
    t_in_region = true;
    fn(0, n);
    t_in_region = was;
    return;
  }
  pool().run(n, grain, fn);
}

}  // namespace ak
