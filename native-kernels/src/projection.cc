// Registers the projection kernel families (PCA, kNN, t-SNE, UMAP) and holds their shared argument helpers.
#include "projection.h"

namespace ak {

double* f64_arg(const Napi::CallbackInfo& info, size_t i, const char* kernel, bool* ok) {
  if (!*ok) return nullptr;
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    *ok = false;
    Napi::TypeError::New(info.Env(), std::string(kernel) + ": argument " + std::to_string(i + 1) + " must be Float64Array.")
        .ThrowAsJavaScriptException();
    return nullptr;
  }
  Napi::TypedArray arr = v.As<Napi::TypedArray>();
  return reinterpret_cast<double*>(static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset());
}

Napi::Value range_error(Napi::Env env, const char* kernel, const std::string& message) {
  Napi::RangeError::New(env, std::string(kernel) + ": " + message).ThrowAsJavaScriptException();
  return env.Undefined();
}

void register_projection(Napi::Env env, Napi::Object exports) {
  register_pca(env, exports);
  register_knn(env, exports);
  register_tsne(env, exports);
  register_umap(env, exports);
}

}  // namespace ak
