// GRU and LSTM layers (torch.nn.GRU / nn.LSTM semantics and gate order), time-major: the layer drivers of
// rnn_layer.cc, the single-step cells, and the per-ISA pointwise step functions (rnn_pointwise_impl.h).
//
// Shapes (G = 3 gates for GRU r|z|n, 4 for LSTM i|f|g|o; D = 1 or 2 directions; direction 1 runs t = T-1 .. 0):
//   inp (T,B,C) · out (T,B,D*H), direction d at columns [d*H, (d+1)*H) · h0, hN, c0, cN (D,B,H)
//   wih (D,G*H,C) · whh (D,G*H,H) · bih, bhh (D,G*H) · lengths (B) or null (all T)
//   cache (D,T,B,X): X = 4H for GRU [r | z | n | W_hn h + b_hn], 5H for LSTM [i | f | g | o | c], post-activation;
//     the input projection x W_ih^T + b_ih is written into its first G*H columns first, then overwritten step by step.
//   dcache (D,T,B,4H): GRU [da_r | da_z | da_n * r | da_n] (the first 3H are the gradient of W_hh h + b_hh, the
//     gradient of x W_ih^T + b_ih is columns r, z and the last), LSTM [da_i | da_f | da_g | da_o] (both at once).
// Steps t >= lengths[b] leave row b's state unchanged and write 0 to out (pack_padded_sequence); backward ignores
// dout there and passes the state gradient through.
#pragma once

#include <cstdint>

namespace ak {

enum class RnnCell { kGru, kLstm };

struct RnnDims {
  int64_t T, B, C, H, D;
};

struct RnnForwardArgs {
  float* out;
  float* hN;     // or null
  float* cN;     // LSTM, or null
  float* cache;
  const float* inp;  // or null: cache already holds x W_ih^T + b_ih in its first G*H columns
  const float* h0;   // or null (zeros)
  const float* c0;  // LSTM, or null (zeros)
  const float* wih;
  const float* whh;
  const float* bih;
  const float* bhh;
  const int32_t* lengths;  // or null
};

struct RnnBackwardArgs {
  float* dinp;  // written, or null
  float* dh0;   // written, or null
  float* dc0;   // LSTM: written, or null
  float* dwih;  // accumulated
  float* dwhh;
  float* dbih;
  float* dbhh;
  float* dcache;      // scratch (D,T,B,4H)
  const float* dout;  // (T,B,D*H), or null (no gradient from the outputs)
  const float* dhN;   // or null
  const float* dcN;   // LSTM, or null
  const float* inp;   // or null: the caller's input projection; dW_ih, db_ih and dinp are then left to it
  const float* h0;
  const float* c0;
  const float* out;
  const float* cache;
  const float* wih;
  const float* whh;
  const int32_t* lengths;
};

void rnn_layer_forward(RnnCell cell, const RnnDims& dims, const RnnForwardArgs& a);
void rnn_layer_backward(RnnCell cell, const RnnDims& dims, const RnnBackwardArgs& a);

// One time step for B rows (a decoder whose input at t depends on its state at t-1). gi (B,G*H) is the input
// projection incl. b_ih; cache (B,X) as one row block of the layer cache; cOut/cPrev/dc/dcPrev are LSTM only.
struct RnnCellArgs {
  float* hOut;
  float* cOut;
  float* cache;
  const float* gi;
  const float* hPrev;
  const float* cPrev;
  const float* whh;
  const float* bhh;
};
struct RnnCellGradArgs {
  float* dgi;     // written (B,G*H)
  float* dhPrev;  // written, or null
  float* dcPrev;  // LSTM: written, or null
  float* dwhh;    // accumulated
  float* dbhh;
  const float* dh;  // gradient of hOut, or null
  const float* dc;  // LSTM: gradient of cOut, or null
  const float* hPrev;
  const float* cPrev;
  const float* cache;
  const float* whh;
};
void rnn_cell_forward(RnnCell cell, int64_t B, int64_t H, const RnnCellArgs& a);
void rnn_cell_backward(RnnCell cell, int64_t B, int64_t H, const RnnCellGradArgs& a);

// The pointwise part of one step for rows 0..B-1 and the nj units of one slice. Every pointer is already offset to
// the slice's first unit. gh/g are the slice's GEMM results: gh (B, G*nj) with gate k at columns [k*nj, (k+1)*nj),
// g (B, nj). cache rows are ldc apart with gate k of unit j at k*H + j; dcache rows ldd apart. prev[b] / cprev[b]
// point at row b of the previous state. dd (B, nj) carries the state gradient that bypasses the GEMM (GRU z*dh,
// and padded rows' pass-through); dc (B, nj) the LSTM cell gradient. active: B flags, or null = every row real.
#define AK_RNN_POINTWISE_DECLS                                                                                    \
  void gru_step_forward(int64_t B, int64_t nj, int64_t H, const float* gh, float* cache, int64_t ldc,         \
                        const float* const* prev, float* hnext, int64_t ldh, float* out, int64_t ldo,         \
                        const uint8_t* active);                                                               \
  void gru_step_backward(int64_t B, int64_t nj, int64_t H, const float* g, float* dd, const float* dout,     \
                         int64_t ldo, const float* cache, int64_t ldc, const float* const* prev, float* dcache, \
                         int64_t ldd, const uint8_t* active);                                                 \
  void lstm_step_forward(int64_t B, int64_t nj, int64_t H, const float* gh, float* cache, int64_t ldc,        \
                         const float* const* prev, const float* const* cprev, float* hnext, float* cnext,     \
                         int64_t ldh, float* out, int64_t ldo, const uint8_t* active);                        \
  void lstm_step_backward(int64_t B, int64_t nj, int64_t H, const float* g, float* dd, float* dc,            \
                          const float* dout, int64_t ldo, const float* cache, int64_t ldc,                    \
                          const float* const* cprev, float* dcache, int64_t ldd, const uint8_t* active);

namespace portable {
AK_RNN_POINTWISE_DECLS
}  // namespace portable
namespace avx2 {
AK_RNN_POINTWISE_DECLS
}  // namespace avx2

}  // namespace ak
