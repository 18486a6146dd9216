// Softmax + cross-entropy kernels for N-API, with an ignore index; the mean loss is summed in row order.
#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu.h"
#include "napi_args.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "crossentropy_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace avx2 {
double softmax_row(float* p, const float* x, int64_t V, float* max_out);
}  // namespace avx2

namespace {

// Rows per task: at least 8, and about 4K logits, so small vocabularies (65 characters) do not hand off every 8 rows.
inline int64_t row_grain(int64_t V) { return std::max<int64_t>(8, 4096 / std::max<int64_t>(V, 1)); }

// crossEntropyForward(losses(N), probs(N,V), logits(N,V), targets(N), ignoreIndex, N, V, counts(1)) -> mean loss
Napi::Value CrossEntropyForward(const Napi::CallbackInfo& info) {
  Args a(info, "crossEntropyForward");
  float* losses = a.f32(0);
  float* probs = a.f32(1);
  const float* logits = a.f32(2);
  const int32_t* targets = a.i32(3);
  const int64_t ignore = a.integer(4);
  const int64_t N = a.integer(5), V = a.integer(6);
  int32_t* counts = a.i32(7);
  if (!a.ok()) return a.env().Undefined();
  std::vector<double> row_loss(static_cast<size_t>(N), 0.0);
  const auto softmax = use_avx2() ? avx2::softmax_row : portable::softmax_row;
  parallel_for(N, row_grain(V), [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; n++) {
      const float* x = logits + n * V;
      float mx;
      const double sum = softmax(probs + n * V, x, V, &mx);
      const int64_t t = targets[n];
      // logsumexp - logit[target], never the log of a rounded probability (which could be 0).
      row_loss[static_cast<size_t>(n)] = t == ignore ? 0.0 : std::log(sum) + mx - x[t];
      losses[n] = static_cast<float>(row_loss[static_cast<size_t>(n)]);
    }
  });
  double total = 0;
  int32_t count = 0;
  for (int64_t n = 0; n < N; n++) {
    if (targets[n] == ignore) continue;
    total += row_loss[static_cast<size_t>(n)];
    count++;
  }
  counts[0] = count;
  return Napi::Number::New(a.env(), count > 0 ? total / count : 0.0);
}

// crossEntropyBackward(dlogits(N,V), probs(N,V), targets(N), ignoreIndex, scale, N, V)
Napi::Value CrossEntropyBackward(const Napi::CallbackInfo& info) {
  Args a(info, "crossEntropyBackward");
  float* dlogits = a.f32(0);
  const float* probs = a.f32(1);
  const int32_t* targets = a.i32(2);
  const int64_t ignore = a.integer(3);
  const float scale = static_cast<float>(a.number(4));
  const int64_t N = a.integer(5), V = a.integer(6);
  if (!a.ok()) return a.env().Undefined();
  parallel_for(N, row_grain(V), [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; n++) {
      float* d = dlogits + n * V;
      const float* p = probs + n * V;
      const int64_t t = targets[n];
      if (t == ignore) {
        for (int64_t v = 0; v < V; v++) d[v] = 0.0f;
        continue;
      }
      for (int64_t v = 0; v < V; v++) d[v] = p[v] * scale;
      d[t] = (p[t] - 1.0f) * scale;
    }
  });
  return a.env().Undefined();
}

}  // namespace

void register_crossentropy(Napi::Env env, Napi::Object exports) {
  exports.Set("crossEntropyForward", Napi::Function::New(env, CrossEntropyForward, "crossEntropyForward"));
  exports.Set("crossEntropyBackward", Napi::Function::New(env, CrossEntropyBackward, "crossEntropyBackward"));
}

}  // namespace ak
