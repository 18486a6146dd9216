// A persistent worker pool: parallel_for hands out [begin, end) chunks of a range to the workers and the calling thread.
#pragma once

#include <cstdint>
#include <functional>

namespace ak {

using RangeFn = std::function<void(int64_t begin, int64_t end)>;

// Set the total number of threads that run a parallel_for (the caller counts as one); 1 means no workers.
void set_threads(int n);
int get_threads();

// Runs fn over [0, n) in chunks of `grain` indices. Thread t of k starts on the t-th k-th of the chunks, in order, and
// then helps with whatever the others have not started; so a given range usually lands on the same core call after
// call, but any chunk may run on any thread: a kernel must make each output depend only on the chunk it belongs to
// (never on which thread ran it or in what order chunks finished).
// Called from inside a pool task (nesting) or with n <= grain, it runs fn(0, n) inline on the calling thread.
// A thread takes chunks of other shares only after its own share is done, and every worker joins every job; so with
// grain 1 and n <= get_threads() all n chunks run at the same time, and chunks may wait for each other (a team with a
// barrier, rnn_layer.cc) — but only outside a pool task, where the call runs inline and such a wait never ends.
void parallel_for(int64_t n, int64_t grain, const RangeFn& fn);

// true while the current thread runs a parallel_for chunk (kernels use it to stay serial inside tasks).
bool in_parallel_region();

}  // namespace ak
