# Builds attention_kernels.node: N-API only (NAPI_VERSION 8), portable code plus an AVX2+FMA static library that is
# used only after run-time CPU detection (no -march=native anywhere, so the binary runs on any x86-64 or arm64 CPU).
# -fno-trapping-math and -fno-math-errno let GCC vectorize clamps and sqrt; nothing here reads FP traps or errno, and
# neither flag changes a result (unlike -ffast-math, which is never used).
{
  "target_defaults": {
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
    "cflags": ["-O3", "-fPIC"],
    "cflags_cc": ["-O3", "-std=c++20", "-fno-exceptions", "-fno-trapping-math", "-fno-math-errno", "-fPIC"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-trapping-math", "-fno-math-errno"]
    }
  },
  "targets": [
    {
      "target_name": "kernels_avx2",
      "type": "static_library",
      "sources": [
        "src/gemm_avx2.cc",
        "src/attention_avx2.cc",
        "src/activation_avx2.cc",
        "src/layernorm_avx2.cc",
        "src/optimizer_avx2.cc",
        "src/dropout_avx2.cc",
        "src/crossentropy_avx2.cc",
        "src/alignment_avx2.cc",
        "src/rnn_avx2.cc"
      ],
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", {
          "cflags_cc": ["-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-trapping-math", "-fno-math-errno", "-mavx2", "-mfma"] }
        }]
      ]
    },
    # Issue 15's static-embedding kernels (Word2Vec/FastText, GloVe, co-occurrence counting) in their own two
    # libraries, so other kernel families and these never edit the same lists: the AVX2+FMA loops, and the N-API side
    # with the portable loops. addon.cc calls register_embeddings, which pulls both in.
    {
      "target_name": "embeddings_avx2",
      "type": "static_library",
      "sources": ["src/word2vec_avx2.cc", "src/glove_avx2.cc"],
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", {
          "cflags_cc": ["-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-trapping-math", "-fno-math-errno", "-mavx2", "-mfma"] }
        }]
      ]
    },
    {
      "target_name": "embeddings_portable",
      "type": "static_library",
      "sources": ["src/word2vec.cc", "src/glove.cc", "src/cooccur.cc"]
    },
    # Issue 15's projection kernels (PCA, kNN and NN-descent, t-SNE, UMAP), likewise in their own two libraries:
    # the AVX2+FMA loops (distances, Barnes-Hut interactions), and the N-API side with the portable code.
    # addon.cc calls register_projection, which pulls both in.
    {
      "target_name": "projection_avx2",
      "type": "static_library",
      "sources": ["src/distance_avx2.cc", "src/tsne_bh_avx2.cc", "src/tsne_attract_avx2.cc", "src/umap_avx2.cc"],
      "conditions": [
        ["target_arch=='x64' or target_arch=='ia32'", {
          "cflags_cc": ["-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-trapping-math", "-fno-math-errno", "-mavx2", "-mfma"] }
        }]
      ]
    },
    {
      "target_name": "projection_portable",
      "type": "static_library",
      "sources": [
        "src/projection.cc", "src/distance.cc", "src/pca.cc", "src/knn.cc", "src/nndescent.cc", "src/tsne.cc",
        "src/tsne_bh.cc", "src/umap.cc"
      ]
    },
    {
      "target_name": "attention_kernels",
      "dependencies": ["kernels_avx2", "embeddings_avx2", "embeddings_portable", "projection_avx2", "projection_portable"],
      "sources": [
        "src/addon.cc",
        "src/cpu.cc",
        "src/threadpool.cc",
        "src/gemm.cc",
        "src/matmul.cc",
        "src/embedding.cc",
        "src/layernorm.cc",
        "src/activation.cc",
        "src/attention.cc",
        "src/dropout.cc",
        "src/crossentropy.cc",
        "src/optimizer.cc",
        "src/alignment.cc",
        "src/rnn.cc",
        "src/rnn_layer.cc"
      ]
    }
  ]
}
