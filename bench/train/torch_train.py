# PyTorch anchor for the training benchmark: the reference GPT/BERT config trained with AdamW, printing tokens/s as JSON.
#
# Run with Debian's PyTorch at its best setting:
#   OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/train/torch_train.py --model gpt --threads 2 --steps 30
# or, for interleaved rounds (bench/train/train_bench.ts), as a server that warms up once and then answers each
# stdin line `run N` with one JSON line {"steps","seconds","tokens_per_s","last_loss"} until EOF:
#   OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/train/torch_train.py --model bert --serve
# Reference config: char vocab 65, 4 layers, 4 heads, d_model 128, context 128, batch 16, GELU MLP 4x, pre-LN,
# head tied to the token embedding, AdamW (lr 3e-4, weight decay 0.1 on matrices), global-norm clip 1.0.
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, C, NH):
        super().__init__()
        self.NH = NH
        self.ln_1 = nn.LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C)
        self.c_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)
        self.gelu = nn.GELU(approximate='tanh')

    def forward(self, x, causal_mask):
        B, T, C = x.shape
        hs = C // self.NH
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q = q.view(B, T, self.NH, hs).transpose(1, 2)
        k = k.view(B, T, self.NH, hs).transpose(1, 2)
        v = v.view(B, T, self.NH, hs).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)
        if causal_mask is not None:
            att = att.masked_fill(causal_mask[:T, :T], float('-inf'))
        att = torch.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(self.gelu(self.c_fc(self.ln_2(x))))


class Model(nn.Module):
    def __init__(self, family, V, L, NH, C, T):
        super().__init__()
        self.family = family
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList([Block(C, NH) for _ in range(L)])
        self.ln_f = nn.LayerNorm(C)
        if family == 'bert':
            self.mlm_dense = nn.Linear(C, C)
            self.mlm_ln = nn.LayerNorm(C)
            self.mlm_bias = nn.Parameter(torch.zeros(V))
        self.register_buffer('causal', torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1))

    def forward(self, idx, targets):
        B, T = idx.shape
        x = self.wte(idx) + self.wpe.weight[:T]
        mask = self.causal if self.family == 'gpt' else None
        for block in self.h:
            x = block(x, mask)
        x = self.ln_f(x).view(B * T, -1)
        targets = targets.view(-1)
        if self.family == 'bert':
            # As ours (main/ml/bert.ts): the MLM head runs only on the rows that have a target (~15%), since the
            # loss ignores the rest; x (M,C) after the gather, M = number of masked positions.
            rows = targets != -100
            x, targets = x[rows], targets[rows]
            x = self.mlm_ln(F.gelu(self.mlm_dense(x), approximate='tanh'))
            logits = x @ self.wte.weight.t() + self.mlm_bias
        else:
            logits = x @ self.wte.weight.t()
        return F.cross_entropy(logits, targets, ignore_index=-100)


def gpt2_init(model):
    """GPT-2 style init, as ours: N(0, 0.02) matrices and embeddings, LayerNorm (1, 0), zero biases."""
    with torch.no_grad():
        for n, p in model.named_parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.02)
            elif 'ln' in n and n.endswith('weight'):
                p.fill_(1.0)
            else:
                p.zero_()


def adamw(model, lr, beta2):
    """AdamW with weight decay 0.1 on linear matrices only (not embeddings, biases, LayerNorms), as ours."""
    def is_matrix(n, p):
        return p.dim() == 2 and not n.startswith(('wte', 'wpe'))
    decay = [p for n, p in model.named_parameters() if is_matrix(n, p)]
    other = [p for n, p in model.named_parameters() if not is_matrix(n, p)]
    return torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': other, 'weight_decay': 0.0}],
                             lr=lr, betas=(0.9, beta2), eps=1e-8)


def char_ids(path, V):
    """Char-level ids: the V-1 first sorted characters (id V-1 is left for [MASK]); unknown characters map to 0."""
    with open(path, encoding='utf8') as f:
        text = f.read()
    lookup = {c: i for i, c in enumerate(sorted(set(text))[:V - 1])}
    return torch.tensor([lookup.get(c, 0) for c in text], dtype=torch.long)



def build(args):
    """The model, AdamW and batch sampler of the reference config; returns train(n) -> (seconds, losses)."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    V, L, NH, C, T, B = 65, 4, 4, 128, 128, 16
    data = char_ids(args.text, V)[:500_000]
    MASK = V - 1
    model = Model(args.model, V, L, NH, C, T)
    gpt2_init(model)
    opt = adamw(model, 3e-4, 0.95)

    def batch():
        ix = torch.randint(len(data) - T - 1, (B,))
        x = torch.stack([data[i:i + T] for i in ix])
        if args.model == 'gpt':
            return x, torch.stack([data[i + 1:i + T + 1] for i in ix])
        chosen = torch.rand(B, T) < 0.15
        targets = torch.where(chosen, x, torch.full_like(x, -100))
        r = torch.rand(B, T)
        x = torch.where(chosen & (r < 0.8), torch.full_like(x, MASK), x)
        x = torch.where(chosen & (r >= 0.8) & (r < 0.9), torch.randint(0, V - 1, (B, T)), x)
        return x, targets

    def train(n):
        losses = []
        start = time.perf_counter()
        for _ in range(n):
            x, y = batch()
            loss = model(x, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        return time.perf_counter() - start, losses

    return train, B * T


def serve(args, train, tokens_per_step):
    """Answers `run N` lines on stdin with one JSON line each ({steps, seconds, tokens_per_s, last_loss}) until EOF,
    so a driver can interleave rounds of this model with rounds of its own on one warmed-up process."""
    print(json.dumps({'ready': True, 'model': args.model, 'threads': args.threads, 'torch': torch.__version__}),
          flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if len(words) != 2 or words[0] != 'run' or not words[1].isdigit() or int(words[1]) < 1:
            print(json.dumps({'error': f'Command {line.strip()!r} is not understood (expected "run N", N >= 1).'}),
                  flush=True)
            continue
        steps = int(words[1])
        seconds, losses = train(steps)
        print(json.dumps({'steps': steps, 'seconds': seconds, 'tokens_per_s': steps * tokens_per_step / seconds,
                          'last_loss': losses[-1]}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', choices=['gpt', 'bert'], default='gpt')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=30)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--text', default='../shared/data/tinyshakespeare.txt')
    ap.add_argument('--serve', action='store_true', help='after warmup, run `run N` commands from stdin')
    args = ap.parse_args()
    train, tokens_per_step = build(args)
    _, warm_losses = train(args.warmup) if args.warmup > 0 else (0.0, [])
    if args.serve:
        serve(args, train, tokens_per_step)
        return
    seconds, losses = train(args.steps)
    losses = warm_losses + losses
    print(json.dumps({'model': args.model, 'threads': args.threads, 'steps': args.steps,
                      'tokens_per_s': args.steps * tokens_per_step / seconds, 'ms_per_step': 1000 * seconds / args.steps,
                      'first_loss': losses[0], 'last_loss': losses[-1], 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
