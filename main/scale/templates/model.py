# model.py - Attention Lab's GPT and BERT in PyTorch, computing what the lab computes (main/ml/gpt.ts, bert.ts,
# block.ts), with parameter names equal to the lab's tensor names (main/ml/params.ts), so state_dict() is a lab
# checkpoint and a lab checkpoint is a state_dict.
#
# Shapes: B batch rows, T positions, C = dModel, NH heads of hs = C / NH, F = dFF, V = vocabSize, S = typeVocabSize.
#   pre-LN block:  x = x + drop(attn(ln_1(x)));  x = x + drop(mlp(ln_2(x)))            (then ln_f after the last)
#   post-LN block: x = ln_1(x + drop(attn(x)));  x = ln_2(x + drop(mlp(x)))            (ln_e on the embeddings)
#   attn: q|k|v = c_attn(x), softmax(q k^T / sqrt(hs) + mask) v, c_proj; mlp: c_proj(gelu_tanh(c_fc(x)))
#   GPT head: logits = h wte^T (tied); BERT head: logits = ln(gelu(dense(h))) wte^T + mlm.bias (tied decoder)
# LayerNorm eps 1e-5, GELU with the tanh approximation (GPT-2), dropout on the embeddings and on both residual
# branches (never on attention probabilities), drawn from the lab's counter-based hash so the masks equal the lab's.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from labdata import IGNORE_INDEX, M32, mix_seed

LAYERNORM_EPS = 1e-5


def parameter_specs(cfg):
    """[(name, shape, role)] in the lab's order (params.ts); role: linear | embedding | bias | norm-gain | norm-bias.
    AdamW decays only 'linear' (the matrices of linear layers)."""
    C, Fd, V = cfg['dModel'], cfg['dFF'], cfg['vocabSize']
    specs = [('wte', [V, C], 'embedding')]
    if cfg['positions'] == 'learned':
        specs.append(('wpe', [cfg['contextLength'], C], 'embedding'))
    if cfg['family'] == 'bert' and cfg['typeVocabSize'] > 0:
        specs.append(('wtt', [cfg['typeVocabSize'], C], 'embedding'))
    if cfg['norm'] == 'post':
        specs += [('ln_e.weight', [C], 'norm-gain'), ('ln_e.bias', [C], 'norm-bias')]
    for i in range(cfg['nLayer']):
        p = 'h.%d.' % i
        specs += [
            (p + 'ln_1.weight', [C], 'norm-gain'), (p + 'ln_1.bias', [C], 'norm-bias'),
            (p + 'attn.c_attn.weight', [3 * C, C], 'linear'), (p + 'attn.c_attn.bias', [3 * C], 'bias'),
            (p + 'attn.c_proj.weight', [C, C], 'linear'), (p + 'attn.c_proj.bias', [C], 'bias'),
            (p + 'ln_2.weight', [C], 'norm-gain'), (p + 'ln_2.bias', [C], 'norm-bias'),
            (p + 'mlp.c_fc.weight', [Fd, C], 'linear'), (p + 'mlp.c_fc.bias', [Fd], 'bias'),
            (p + 'mlp.c_proj.weight', [C, Fd], 'linear'), (p + 'mlp.c_proj.bias', [C], 'bias'),
        ]
    if cfg['norm'] == 'pre':
        specs += [('ln_f.weight', [C], 'norm-gain'), ('ln_f.bias', [C], 'norm-bias')]
    if cfg['family'] == 'bert':
        specs += [
            ('mlm.dense.weight', [C, C], 'linear'), ('mlm.dense.bias', [C], 'bias'),
            ('mlm.ln.weight', [C], 'norm-gain'), ('mlm.ln.bias', [C], 'norm-bias'), ('mlm.bias', [V], 'bias'),
            ('pooler.dense.weight', [C, C], 'linear'), ('pooler.dense.bias', [C], 'bias'),
        ]
    return specs


def sinusoid_table(T, C):
    """PE[t, 2i] = sin(t / 10000^(2i/C)), PE[t, 2i+1] = cos(same), computed in float64 and stored as float32."""
    pe = torch.zeros(T, C, dtype=torch.float64)
    for t in range(T):
        for i in range(0, C, 2):
            angle = t / (10000 ** (i / C))
            pe[t, i] = math.sin(angle)
            if i + 1 < C:
                pe[t, i + 1] = math.cos(angle)
    return pe.float()


# ---------------------------------------------------------------- dropout masks equal to the lab's
def _mul32(x, m):
    """(x * m) mod 2^32 for int64 tensors x in [0, 2^32) and a constant m < 2^32, without int64 overflow."""
    return ((x & 0xFFFF) * m + (((x >> 16) * m) & 0xFFFF) * 65536) & M32


def _lowbias32(x):
    x = x ^ (x >> 16)
    x = _mul32(x, 0x7FEB352D)
    x = x ^ (x >> 15)
    x = _mul32(x, 0x846CA68B)
    return x ^ (x >> 16)


def _lowbias32_int(x):
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    return x ^ (x >> 16)


def dropout_site_seed(base, layer, site):
    """The lab's dropoutSeed: a seed per layer and site (0 embeddings, 1 attention branch, 2 MLP branch)."""
    return ((((base ^ 0x5BD1E995) * 0x01000193) & M32) + layer * 7919 + site * 104729) & M32


def keep_mask(seed, offset, shape, p, device):
    """Keep (True) / drop mask of the lab's dropoutForward for elements offset .. offset + numel - 1 of its flat
    (B, T, C) layout: keep when lowbias32(lowbias32(i ^ key) + key) >> 8 >= p * 2^24."""
    key = _lowbias32_int((seed & M32) ^ _lowbias32_int(0x9E3779B9))
    n = 1
    for d in shape:
        n *= d
    i = torch.arange(offset, offset + n, dtype=torch.int64, device=device) & M32
    h = _lowbias32((_lowbias32(i ^ key) + key) & M32)
    return ((h >> 8) >= math.ceil(p * 16777216)).reshape(shape)


class DropoutPlan:
    """Dropout of one training pass: p, the pass's base seed (mix_seed(model seed, step)) and the first row of this
    rank's rows in the global batch, which places its elements in the lab's flat layout."""

    def __init__(self, p, model_seed, step, row_offset):
        self.p, self.seed, self.row_offset = p, mix_seed(model_seed, step), row_offset

    def apply(self, x, layer, site):
        if self.p <= 0:
            return x
        B, T, C = x.shape
        keep = keep_mask(dropout_site_seed(self.seed, layer, site), self.row_offset * T * C, x.shape, self.p, x.device)
        return x * keep.to(x.dtype) * (1.0 / (1.0 - self.p))


# ---------------------------------------------------------------- the network
class Attention(nn.Module):
    def __init__(self, C, NH):
        super().__init__()
        self.NH = NH
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)

    def forward(self, x, causal, key_mask, need_probs):
        B, T, C = x.shape
        hs = C // self.NH
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.NH, hs).transpose(1, 2)
        k = k.view(B, T, self.NH, hs).transpose(1, 2)
        v = v.view(B, T, self.NH, hs).transpose(1, 2)
        # GPT is causal without a key mask; BERT has a key mask (padding) and no causal mask
        visible = None if key_mask is None else key_mask[:, None, None, :].bool()
        probs = None
        if hasattr(F, 'scaled_dot_product_attention') and not need_probs:
            # PyTorch 2: the same softmax attention through fused kernels (flash / memory-efficient on GPUs)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=visible, is_causal=causal)
        else:
            scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
            if causal:
                scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool, device=x.device).triu(1), float('-inf'))
            if visible is not None:
                scores = scores.masked_fill(~visible, float('-inf'))
            probs = torch.softmax(scores.float(), dim=-1).to(v.dtype)
            y = probs @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y), probs


class Mlp(nn.Module):
    def __init__(self, C, Fd):
        super().__init__()
        self.c_fc = nn.Linear(C, Fd)
        self.c_proj = nn.Linear(Fd, C)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate='tanh'))


class Block(nn.Module):
    def __init__(self, C, NH, Fd, norm):
        super().__init__()
        self.norm = norm
        self.ln_1 = nn.LayerNorm(C, eps=LAYERNORM_EPS)
        self.attn = Attention(C, NH)
        self.ln_2 = nn.LayerNorm(C, eps=LAYERNORM_EPS)
        self.mlp = Mlp(C, Fd)

    def forward(self, x, layer, causal, key_mask, drop, need_probs):
        def d(y, site):
            return y if drop is None else drop.apply(y, layer, site)
        if self.norm == 'pre':
            a, probs = self.attn(self.ln_1(x), causal, key_mask, need_probs)
            x = x + d(a, 1)
            return x + d(self.mlp(self.ln_2(x)), 2), probs
        a, probs = self.attn(x, causal, key_mask, need_probs)
        x = self.ln_1(x + d(a, 1))
        return self.ln_2(x + d(self.mlp(x), 2)), probs


class MlmHead(nn.Module):
    def __init__(self, C, V):
        super().__init__()
        self.dense = nn.Linear(C, C)
        self.ln = nn.LayerNorm(C, eps=LAYERNORM_EPS)
        self.bias = nn.Parameter(torch.zeros(V))


class Pooler(nn.Module):
    def __init__(self, C):
        super().__init__()
        self.dense = nn.Linear(C, C)


class LabTransformer(nn.Module):
    """GPT (family 'gpt': causal, next-token) or BERT (family 'bert': bidirectional with a key mask, masked-LM).
    cfg: the lab's ModelConfig as a dict (config.json)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = dict(cfg)
        V, C, T = cfg['vocabSize'], cfg['dModel'], cfg['contextLength']
        self.wte = nn.Parameter(torch.empty(V, C))
        if cfg['positions'] == 'learned':
            self.wpe = nn.Parameter(torch.empty(T, C))
        else:
            self.register_buffer('sinusoid', sinusoid_table(T, C), persistent=False)
        if cfg['family'] == 'bert' and cfg['typeVocabSize'] > 0:
            self.wtt = nn.Parameter(torch.empty(cfg['typeVocabSize'], C))
        if cfg['norm'] == 'post':
            self.ln_e = nn.LayerNorm(C, eps=LAYERNORM_EPS)
        self.h = nn.ModuleList([Block(C, cfg['nHead'], cfg['dFF'], cfg['norm']) for _ in range(cfg['nLayer'])])
        if cfg['norm'] == 'pre':
            self.ln_f = nn.LayerNorm(C, eps=LAYERNORM_EPS)
        if cfg['family'] == 'bert':
            self.mlm = MlmHead(C, V)
            self.pooler = Pooler(C)
        self.reset_parameters(torch.Generator().manual_seed(cfg['seed']))

    def reset_parameters(self, generator):
        """The lab's recipe (main/ml/init.ts) with PyTorch's generator: N(0, 0.02) for embeddings and linear matrices,
        c_proj matrices N(0, 0.02 / sqrt(2 L)), the q|k|v matrices Xavier-uniform in +-sqrt(6 / (C + 3C)), LayerNorm
        gains 1, biases 0. The same distributions as the lab's initialisation but other numbers: load
        init/model.safetensors (the lab's own draw) to start where it starts."""
        proj = 0.02 / math.sqrt(2 * self.cfg['nLayer'])
        C = self.cfg['dModel']
        qkv_bound = math.sqrt(6 / (C + 3 * C))
        params = dict(self.named_parameters())
        with torch.no_grad():
            for name, _shape, role in parameter_specs(self.cfg):
                p = params[name]
                if role == 'norm-gain':
                    p.fill_(1.0)
                elif name.endswith('attn.c_attn.weight'):
                    p.copy_((torch.rand(p.shape, generator=generator) * 2 - 1) * qkv_bound)
                elif role in ('linear', 'embedding'):
                    p.copy_(torch.randn(p.shape, generator=generator) * (proj if name.endswith('c_proj.weight') else 0.02))
                else:
                    p.zero_()

    def encode(self, tokens, key_mask=None, segments=None, drop=None, need_probs=False):
        """Embeddings (+ ln_e), dropout, the blocks (+ ln_f): hidden states (B, T, C) and per-layer probabilities."""
        cfg = self.cfg
        B, T = tokens.shape
        if T > cfg['contextLength']:
            raise ValueError('A sequence of %d tokens is longer than the context length %d.' % (T, cfg['contextLength']))
        pos = self.wpe[:T] if cfg['positions'] == 'learned' else self.sinusoid[:T]
        x = F.embedding(tokens, self.wte) + pos
        if hasattr(self, 'wtt'):
            x = x + F.embedding(segments if segments is not None else torch.zeros_like(tokens), self.wtt)
        if cfg['norm'] == 'post':
            x = self.ln_e(x)
        if drop is not None:
            x = drop.apply(x, cfg['nLayer'], 0)
        causal = cfg['family'] == 'gpt'
        if causal:
            key_mask = None
        probs = []
        for layer, block in enumerate(self.h):
            x, p = block(x, layer, causal, key_mask, drop, need_probs)
            probs.append(p)
        if cfg['norm'] == 'pre':
            x = self.ln_f(x)
        return x, probs

    def head(self, hidden):
        """Logits (..., V) of hidden states (..., C)."""
        if self.cfg['family'] == 'gpt':
            return hidden @ self.wte.t()
        m = self.mlm
        return m.ln(F.gelu(m.dense(hidden), approximate='tanh')) @ self.wte.t() + m.bias

    def forward(self, tokens, key_mask=None, segments=None, targets=None, drop=None):
        """Without targets: logits (B, T, V). With targets (B, T; IGNORE_INDEX where none): (the cross-entropy summed
        over the positions with a target, the logits of the rows it read (M, V) and their targets (M))."""
        hidden, _ = self.encode(tokens, key_mask, segments, drop)
        if targets is None:
            return self.head(hidden)
        if self.cfg['family'] == 'gpt':
            rows, wanted = hidden.reshape(-1, hidden.shape[-1]), targets.reshape(-1)
        else:  # the MLM head runs on the masked rows only, as the lab's does
            sel = targets != IGNORE_INDEX
            rows, wanted = hidden[sel], targets[sel]
        logits = self.head(rows)
        loss_sum = F.cross_entropy(logits.float(), wanted, ignore_index=IGNORE_INDEX, reduction='sum')
        return loss_sum, logits, wanted

    def attention(self, tokens, key_mask=None, segments=None):
        """(L, B, NH, T, T) attention probabilities of every layer (the lab's attention explorer reads these)."""
        _, probs = self.encode(tokens, key_mask, segments, need_probs=True)
        return torch.stack(probs)

    def pooled(self, hidden):
        """BERT's [CLS] pooler: tanh(dense(h[:, 0])), kept for fine-tuning."""
        return torch.tanh(self.pooler.dense(hidden[:, 0]))


def check_state(cfg, tensors, source):
    """Refuses tensors that do not fit the config, naming the first tensor that is missing or has another shape."""
    for name, shape, _role in parameter_specs(cfg):
        t = tensors.get(name)
        if t is None:
            raise ValueError('%s has no tensor "%s", which this %s model needs.' % (source, name, cfg['family'].upper()))
        if list(t.shape) != list(shape):
            raise ValueError('Tensor "%s" in %s has shape %s, but the model expects %s.' % (name, source, list(t.shape), list(shape)))


def load_lab_weights(model, tensors, source):
    check_state(model.cfg, tensors, source)
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, _shape, _role in parameter_specs(model.cfg):
            params[name].copy_(tensors[name])
