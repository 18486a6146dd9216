// N-API side of GloVe: gloveTrain(buffers, options) runs AdaGrad over a range of co-occurrence records on `parts`
// Hogwild workers (contiguous slices of an already shuffled record array, as the reference tool splits its file) and
// returns sum f d^2; gloveCost(buffers, options) returns the objective at the current parameters. See glove_kernels.h.
#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "cpu.h"
#include "embeddings_register.h"
#include "glove_kernels.h"
#include "named_args.h"
#include "threadpool.h"

#define AK_ISA_NS portable
#include "glove_impl.h"
#undef AK_ISA_NS

namespace ak {
namespace {

// gloveCost sums fixed chunks of this many records in order, so its result does not depend on the thread count.
constexpr int64_t kCostChunk = 65536;

bool read(const Napi::CallbackInfo& info, const char* kernel, GloveBuffers* buf, GloveOptions* opt, int64_t* n,
          int64_t* parts) {
  NamedArgs b(info.Env(), info[0], kernel, "buffers");
  NamedArgs o(info.Env(), info[1], kernel, "options");
  buf->w = b.f32("w");
  buf->wt = b.f32("wt");
  buf->b = b.f32("b");
  buf->bt = b.f32("bt");
  buf->gw = b.f32("gw", true);
  buf->gwt = b.f32("gwt", true);
  buf->gb = b.f32("gb", true);
  buf->gbt = b.f32("gbt", true);
  buf->rows = b.i32("rows");
  buf->cols = b.i32("cols");
  buf->vals = b.f32("vals");
  opt->V = o.integer("V");
  opt->D = o.integer("D");
  opt->x_max = o.number("xMax");
  opt->alpha = o.number("alpha");
  opt->eta = o.number("eta");
  opt->grad_clip = o.number("gradClip");
  *n = o.integer("n");
  *parts = o.integer("parts");
  return b.ok() && o.ok();
}

// gloveTrain(buffers, options) -> sum f d^2 over the records, each before its step
// buffers: w, wt, b, bt, gw, gwt, gb, gbt, rows, cols, vals; options: V, D, xMax, alpha, eta, gradClip, n, parts
Napi::Value GloveTrain(const Napi::CallbackInfo& info) {
  GloveBuffers buf{};
  GloveOptions opt{};
  int64_t n = 0, parts = 1;
  if (!read(info, "gloveTrain", &buf, &opt, &n, &parts)) return info.Env().Undefined();
  if (buf.gw == nullptr || buf.gwt == nullptr || buf.gb == nullptr || buf.gbt == nullptr) {
    Napi::TypeError::New(info.Env(), "gloveTrain: buffers.gw, gwt, gb and gbt (the AdaGrad sums) are required.").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  parts = std::max<int64_t>(1, std::min(parts, n));
  const auto train = use_avx2() ? avx2::glove_train_range : portable::glove_train_range;
  std::vector<double> cost(static_cast<size_t>(parts), 0.0);
  parallel_for(parts, 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) cost[static_cast<size_t>(p)] = train(buf, opt, n * p / parts, n * (p + 1) / parts);
  });
  double total = 0;
  for (const double c : cost) total += c;
  return Napi::Number::New(info.Env(), total);
}

// gloveCost(buffers, options) -> sum f d^2 at the current parameters (buffers gw.. may be null; options.parts unused)
Napi::Value GloveCost(const Napi::CallbackInfo& info) {
  GloveBuffers buf{};
  GloveOptions opt{};
  int64_t n = 0, parts = 1;
  if (!read(info, "gloveCost", &buf, &opt, &n, &parts)) return info.Env().Undefined();
  const int64_t chunks = (n + kCostChunk - 1) / kCostChunk;
  std::vector<double> cost(static_cast<size_t>(std::max<int64_t>(chunks, 1)), 0.0);
  const auto sum = use_avx2() ? avx2::glove_cost_range : portable::glove_cost_range;
  parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) cost[static_cast<size_t>(c)] = sum(buf, opt, c * kCostChunk, std::min(n, (c + 1) * kCostChunk));
  });
  double total = 0;
  for (const double c : cost) total += c;
  return Napi::Number::New(info.Env(), total);
}

}  // namespace

void register_glove(Napi::Env env, Napi::Object exports) {
  exports.Set("gloveTrain", Napi::Function::New(env, GloveTrain, "gloveTrain"));
  exports.Set("gloveCost", Napi::Function::New(env, GloveCost, "gloveCost"));
}

}  // namespace ak
