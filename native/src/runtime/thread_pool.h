// A persistent pool of worker threads. parallel_for splits [0, tasks) into
// contiguous chunks, one per thread; the caller's thread takes part. A call
// made from inside a task runs serially, so kernels may nest freely.
#pragma once
#include <cstdint>
#include <functional>

namespace lite {

// Threads the pool uses: LITE_NUM_THREADS, else the hardware's count.
int num_threads();

// fn(begin, end) is called on disjoint ranges covering [0, tasks).
void parallel_for(int64_t tasks, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace lite
