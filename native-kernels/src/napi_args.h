// Typed access to N-API call arguments: buffers as raw pointers, numbers as integers/doubles, with one TypeError on misuse.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace ak {

// The TS layer (checks.ts) validates lengths and ranges before calling; this class only guards types, so a raw call
// with a wrong argument raises a JS TypeError instead of reading garbage.
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* kernel) : info_(info), kernel_(kernel) {}

  float* f32(size_t i) { return typed<float>(i, napi_float32_array, "Float32Array", false); }
  float* f32_or_null(size_t i) { return typed<float>(i, napi_float32_array, "Float32Array", true); }
  int32_t* i32(size_t i) { return typed<int32_t>(i, napi_int32_array, "Int32Array", false); }
  int32_t* i32_or_null(size_t i) { return typed<int32_t>(i, napi_int32_array, "Int32Array", true); }
  uint8_t* u8(size_t i) { return typed<uint8_t>(i, napi_uint8_array, "Uint8Array", false); }
  uint8_t* u8_or_null(size_t i) { return typed<uint8_t>(i, napi_uint8_array, "Uint8Array", true); }

  double number(size_t i) {
    if (!ok_) return 0;
    if (!info_[i].IsNumber()) return fail(i, "a number"), 0;
    return info_[i].As<Napi::Number>().DoubleValue();
  }
  int64_t integer(size_t i) { return static_cast<int64_t>(number(i)); }
  bool boolean(size_t i) {
    if (!ok_) return false;
    if (!info_[i].IsBoolean()) return fail(i, "a boolean"), false;
    return info_[i].As<Napi::Boolean>().Value();
  }

  bool ok() const { return ok_; }
  Napi::Env env() const { return info_.Env(); }

 private:
  template <typename T>
  T* typed(size_t i, napi_typedarray_type type, const char* name, bool nullable) {
    if (!ok_) return nullptr;
    const Napi::Value v = info_[i];
    if (nullable && (v.IsNull() || v.IsUndefined())) return nullptr;
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
      fail(i, nullable ? (std::string(name) + " or null").c_str() : name);
      return nullptr;
    }
    Napi::TypedArray arr = v.As<Napi::TypedArray>();
    uint8_t* base = static_cast<uint8_t*>(arr.ArrayBuffer().Data());
    return reinterpret_cast<T*>(base + arr.ByteOffset());
  }

  void fail(size_t i, const char* expected) {
    ok_ = false;
    const std::string msg = std::string(kernel_) + ": argument " + std::to_string(i + 1) + " must be " + expected + ".";
    Napi::TypeError::New(info_.Env(), msg).ThrowAsJavaScriptException();
  }

  const Napi::CallbackInfo& info_;
  const char* kernel_;
  bool ok_ = true;
};

// Each kernel family adds its functions to the module exports.
void register_matmul(Napi::Env env, Napi::Object exports);
void register_embedding(Napi::Env env, Napi::Object exports);
void register_layernorm(Napi::Env env, Napi::Object exports);
void register_activation(Napi::Env env, Napi::Object exports);
void register_attention(Napi::Env env, Napi::Object exports);
void register_dropout(Napi::Env env, Napi::Object exports);
void register_crossentropy(Napi::Env env, Napi::Object exports);
void register_optimizer(Napi::Env env, Napi::Object exports);
void register_alignment(Napi::Env env, Napi::Object exports);
void register_rnn(Napi::Env env, Napi::Object exports);

}  // namespace ak
