// Typed access to the fields of a JS object argument (the embedding kernels take their many buffers and options by
// name instead of by position, so a swapped pair cannot compile into a wrong call). One TypeError on misuse.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

namespace ak {

// As Args (napi_args.h) this only guards types; lengths and index ranges are checked in TypeScript before the call
// (native-kernels/embeddings-checks.ts).
class NamedArgs {
 public:
  NamedArgs(Napi::Env env, Napi::Value value, const char* kernel, const char* what)
      : env_(env), kernel_(kernel), what_(what) {
    if (!value.IsObject()) {
      fail(std::string(what) + " must be an object");
    } else {
      obj_ = value.As<Napi::Object>();
    }
  }

  float* f32(const char* name, bool nullable = false) {
    return typed<float>(name, napi_float32_array, "Float32Array", nullable);
  }
  double* f64(const char* name, bool nullable = false) {
    return typed<double>(name, napi_float64_array, "Float64Array", nullable);
  }
  int32_t* i32(const char* name, bool nullable = false) {
    return typed<int32_t>(name, napi_int32_array, "Int32Array", nullable);
  }
  uint8_t* u8(const char* name, bool nullable = false) {
    return typed<uint8_t>(name, napi_uint8_array, "Uint8Array", nullable);
  }
  double number(const char* name) {
    if (!ok_) return 0;
    const Napi::Value v = obj_.Get(name);
    if (!v.IsNumber()) return fail(field(name) + " must be a number"), 0;
    return v.As<Napi::Number>().DoubleValue();
  }
  int64_t integer(const char* name) { return static_cast<int64_t>(number(name)); }
  bool boolean(const char* name) {
    if (!ok_) return false;
    const Napi::Value v = obj_.Get(name);
    if (!v.IsBoolean()) return fail(field(name) + " must be a boolean"), false;
    return v.As<Napi::Boolean>().Value();
  }
  // Element count of a typed-array field (0 when absent or null).
  size_t length(const char* name) {
    if (!ok_) return 0;
    const Napi::Value v = obj_.Get(name);
    return v.IsTypedArray() ? v.As<Napi::TypedArray>().ElementLength() : 0;
  }

  bool ok() const { return ok_; }

 private:
  std::string field(const char* name) const { return std::string(what_) + "." + name; }

  template <typename T>
  T* typed(const char* name, napi_typedarray_type type, const char* type_name, bool nullable) {
    if (!ok_) return nullptr;
    const Napi::Value v = obj_.Get(name);
    if (nullable && (v.IsNull() || v.IsUndefined())) return nullptr;
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
      fail(field(name) + " must be a" + (nullable ? std::string(" ") + type_name + " or null" : std::string(" ") + type_name));
      return nullptr;
    }
    Napi::TypedArray arr = v.As<Napi::TypedArray>();
    uint8_t* base = static_cast<uint8_t*>(arr.ArrayBuffer().Data());
    return reinterpret_cast<T*>(base + arr.ByteOffset());
  }

  void fail(const std::string& message) {
    if (!ok_) return;
    ok_ = false;
    Napi::TypeError::New(env_, std::string(kernel_) + ": " + message + ".").ThrowAsJavaScriptException();
  }

  Napi::Env env_;
  Napi::Object obj_;
  const char* kernel_;
  const char* what_;
  bool ok_ = true;
};

}  // namespace ak
