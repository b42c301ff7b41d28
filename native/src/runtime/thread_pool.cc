#include "thread_pool.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace lite {
namespace {

thread_local bool in_parallel_region = false;

int threads_from_env() {
  const char* env = std::getenv("LITE_NUM_THREADS");
  if (env != nullptr) {
    const int n = std::atoi(env);
    if (n >= 1) return std::min(n, 256);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

class ThreadPool {
 public:
  explicit ThreadPool(int threads) : threads_(threads) {
    for (int i = 1; i < threads_; ++i) workers_.emplace_back([this, i] { work(i); });
  }

  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  int threads() const { return threads_; }

  void run(int64_t tasks, const std::function<void(int64_t, int64_t)>& fn) {
    const int used = static_cast<int>(std::min<int64_t>(threads_, tasks));
    if (used <= 1 || in_parallel_region) {
      fn(0, tasks);
      return;
    }
    std::unique_lock<std::mutex> call_lock(call_mutex_);  // one parallel call at a time
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fn_ = &fn;
      tasks_ = tasks;
      used_ = used;
      pending_ = used - 1;
      ++generation_;
    }
    wake_.notify_all();
    run_chunk(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    fn_ = nullptr;
  }

 private:
  void run_chunk(int index) {
    const int64_t begin = tasks_ * index / used_, end = tasks_ * (index + 1) / used_;
    in_parallel_region = true;
    if (begin < end) (*fn_)(begin, end);
    in_parallel_region = false;
  }

  void work(int index) {
    uint64_t seen = 0;
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      if (index >= used_) continue;
      lock.unlock();
      run_chunk(index);
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  const int threads_;
  std::vector<std::thread> workers_;
  std::mutex call_mutex_, mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t tasks_ = 0;
  int used_ = 0, pending_ = 0;
  uint64_t generation_ = 0;
  bool stopping_ = false;
};

ThreadPool& pool() {
  static ThreadPool* instance = new ThreadPool(threads_from_env());  // never destroyed: workers outlive static teardown
  return *instance;
}

}  // namespace

int num_threads() { return pool().threads(); }

void parallel_for(int64_t tasks, const std::function<void(int64_t, int64_t)>& fn) {
  if (tasks <= 0) return;
  pool().run(tasks, fn);
}

}  // namespace lite
