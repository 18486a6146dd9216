// GRU/LSTM kernels for N-API: whole layers (gruForward, gruBackward, lstmForward, lstmBackward) and single steps
// (gru/lstmCellForward, gru/lstmCellBackward). Argument order as in native-kernels/rnn-kernels.ts; shapes in rnn.h.
// Each entry point reads its arguments in order through one cursor into the driver's struct, field by field.
#include "napi_args.h"
#include "rnn.h"

namespace ak {
namespace {

// Reads the call's arguments left to right.
class Cursor {
 public:
  Cursor(const Napi::CallbackInfo& info, const char* kernel) : a_(info, kernel) {}
  float* f32() { return a_.f32(i_++); }
  float* f32_or_null() { return a_.f32_or_null(i_++); }
  const int32_t* i32_or_null() { return a_.i32_or_null(i_++); }
  int64_t integer() { return a_.integer(i_++); }
  bool ok() const { return a_.ok(); }
  Napi::Value done() { return a_.env().Undefined(); }

 private:
  Args a_;
  size_t i_ = 0;
};

RnnDims dims(Cursor& c) {
  RnnDims d{};
  d.T = c.integer();
  d.B = c.integer();
  d.C = c.integer();
  d.H = c.integer();
  d.D = c.integer();
  return d;
}

// gruForward(out, hN|null, cache, inp|null, h0|null, wih, whh, bih, bhh, lengths|null, T, B, C, H, D)
// lstmForward(out, hN|null, cN|null, cache, inp|null, h0|null, c0|null, wih, whh, bih, bhh, lengths|null, T, B, C, H, D)
Napi::Value LayerForward(const Napi::CallbackInfo& info, RnnCell cell, const char* name) {
  const bool lstm = cell == RnnCell::kLstm;
  Cursor c(info, name);
  RnnForwardArgs a{};
  a.out = c.f32();
  a.hN = c.f32_or_null();
  if (lstm) a.cN = c.f32_or_null();
  a.cache = c.f32();
  a.inp = c.f32_or_null();
  a.h0 = c.f32_or_null();
  if (lstm) a.c0 = c.f32_or_null();
  a.wih = c.f32();
  a.whh = c.f32();
  a.bih = c.f32();
  a.bhh = c.f32();
  a.lengths = c.i32_or_null();
  const RnnDims d = dims(c);
  if (!c.ok()) return c.done();
  rnn_layer_forward(cell, d, a);
  return c.done();
}

// gruBackward(dinp|null, dh0|null, dwih, dwhh, dbih, dbhh, dcache, dout|null, dhN|null, inp|null, h0|null, out, cache,
//             wih, whh, lengths|null, T, B, C, H, D)
// lstmBackward(dinp|null, dh0|null, dc0|null, dwih, dwhh, dbih, dbhh, dcache, dout|null, dhN|null, dcN|null, inp|null,
//              h0|null, c0|null, out, cache, wih, whh, lengths|null, T, B, C, H, D)
Napi::Value LayerBackward(const Napi::CallbackInfo& info, RnnCell cell, const char* name) {
  const bool lstm = cell == RnnCell::kLstm;
  Cursor c(info, name);
  RnnBackwardArgs a{};
  a.dinp = c.f32_or_null();
  a.dh0 = c.f32_or_null();
  if (lstm) a.dc0 = c.f32_or_null();
  a.dwih = c.f32();
  a.dwhh = c.f32();
  a.dbih = c.f32();
  a.dbhh = c.f32();
  a.dcache = c.f32();
  a.dout = c.f32_or_null();
  a.dhN = c.f32_or_null();
  if (lstm) a.dcN = c.f32_or_null();
  a.inp = c.f32_or_null();
  a.h0 = c.f32_or_null();
  if (lstm) a.c0 = c.f32_or_null();
  a.out = c.f32();
  a.cache = c.f32();
  a.wih = c.f32();
  a.whh = c.f32();
  a.lengths = c.i32_or_null();
  const RnnDims d = dims(c);
  if (!c.ok()) return c.done();
  rnn_layer_backward(cell, d, a);
  return c.done();
}

// gruCellForward(hOut, cache, gi, hPrev, whh, bhh, B, H)
// lstmCellForward(hOut, cOut, cache, gi, hPrev, cPrev, whh, bhh, B, H)
Napi::Value CellForward(const Napi::CallbackInfo& info, RnnCell cell, const char* name) {
  const bool lstm = cell == RnnCell::kLstm;
  Cursor c(info, name);
  RnnCellArgs a{};
  a.hOut = c.f32();
  if (lstm) a.cOut = c.f32();
  a.cache = c.f32();
  a.gi = c.f32();
  a.hPrev = c.f32();
  if (lstm) a.cPrev = c.f32();
  a.whh = c.f32();
  a.bhh = c.f32();
  const int64_t B = c.integer(), H = c.integer();
  if (!c.ok()) return c.done();
  rnn_cell_forward(cell, B, H, a);
  return c.done();
}

// gruCellBackward(dgi, dhPrev|null, dwhh, dbhh, dh|null, hPrev, cache, whh, B, H)
// lstmCellBackward(dgi, dhPrev|null, dcPrev|null, dwhh, dbhh, dh|null, dc|null, hPrev, cPrev, cache, whh, B, H)
Napi::Value CellBackward(const Napi::CallbackInfo& info, RnnCell cell, const char* name) {
  const bool lstm = cell == RnnCell::kLstm;
  Cursor c(info, name);
  RnnCellGradArgs a{};
  a.dgi = c.f32();
  a.dhPrev = c.f32_or_null();
  if (lstm) a.dcPrev = c.f32_or_null();
  a.dwhh = c.f32();
  a.dbhh = c.f32();
  a.dh = c.f32_or_null();
  if (lstm) a.dc = c.f32_or_null();
  a.hPrev = c.f32();
  if (lstm) a.cPrev = c.f32();
  a.cache = c.f32();
  a.whh = c.f32();
  const int64_t B = c.integer(), H = c.integer();
  if (!c.ok()) return c.done();
  rnn_cell_backward(cell, B, H, a);
  return c.done();
}

}  // namespace

void register_rnn(Napi::Env env, Napi::Object exports) {
  auto add = [&](const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&, RnnCell, const char*), RnnCell cell) {
    exports.Set(name, Napi::Function::New(env, [fn, cell, name](const Napi::CallbackInfo& info) {
      return fn(info, cell, name);
    }, name));
  };
  add("gruForward", LayerForward, RnnCell::kGru);
  add("gruBackward", LayerBackward, RnnCell::kGru);
  add("lstmForward", LayerForward, RnnCell::kLstm);
  add("lstmBackward", LayerBackward, RnnCell::kLstm);
  add("gruCellForward", CellForward, RnnCell::kGru);
  add("gruCellBackward", CellBackward, RnnCell::kGru);
  add("lstmCellForward", CellForward, RnnCell::kLstm);
  add("lstmCellBackward", CellBackward, RnnCell::kLstm);
}

}  // namespace ak
