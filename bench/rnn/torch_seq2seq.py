# The PyTorch anchor of bench/rnn/seq2seq_bench.ts: an RNN encoder-decoder with Luong attention trained with teacher
# forcing, the same model and work as ours (main/ml/seq2seq/rnn-seq2seq.ts), written the way a PyTorch user would:
#   encoder nn.GRU over the source embeddings; decoder nn.GRU over the target embeddings from the encoder's final
#   state (teacher forcing: the whole target sequence in one call); attention on every decoder state with torch.bmm
#   (general: s^T W h; concat: v . tanh(W_s s + b + W_h h); dot: s . h); out = tanh(W_c [c; s] + b);
#   logits = W_o out + b; cross-entropy; clip_grad_norm_(1.0); AdamW(lr 1e-3, weight decay 0).
# Data: the reverse task, sources of exactly S symbols out of 20 (no padding), so no packing is needed.
# Runs as a server answering stdin lines `run N` with one JSON line {"steps","seconds","cpu_seconds","tokens_per_s","last_loss"}
# (tokens = target tokens, [EOS] included) until EOF, after --warmup steps:
#   OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/rnn/torch_seq2seq.py --attention general --serve
import argparse
import json
import sys
import time

import torch
import torch.nn as nn


class Seq2seq(nn.Module):
    def __init__(self, V, E, H, A, attention):
        super().__init__()
        self.attention = attention
        self.src_embed, self.tgt_embed = nn.Embedding(V, E), nn.Embedding(V, E)
        self.enc, self.dec = nn.GRU(E, H), nn.GRU(E, H)
        if attention == 'general':
            self.W_a = nn.Linear(H, H, bias=False)
        if attention == 'concat':
            self.W_s, self.W_h = nn.Linear(H, A), nn.Linear(H, A, bias=False)
            self.v = nn.Parameter(torch.empty(A).uniform_(-A ** -0.5, A ** -0.5))
        self.combine = nn.Linear(2 * H, H)
        self.out = nn.Linear(H, V)

    def forward(self, src, tgt_in, tgt_out):
        # src (S,B), tgt_in/tgt_out (T,B): time-major, as nn.GRU wants
        enc, hN = self.enc(self.src_embed(src))  # (S,B,H)
        dec, _ = self.dec(self.tgt_embed(tgt_in), hN)  # (T,B,H)
        s, h = dec.transpose(0, 1), enc.transpose(0, 1)  # (B,T,H), (B,S,H)
        if self.attention == 'dot':
            scores = torch.bmm(s, h.transpose(1, 2))
        elif self.attention == 'general':
            scores = torch.bmm(s, self.W_a(h).transpose(1, 2))
        else:
            scores = torch.tanh(self.W_s(s).unsqueeze(2) + self.W_h(h).unsqueeze(1)) @ self.v
        att = torch.softmax(scores, dim=-1)
        ctx = torch.bmm(att, h)
        o = torch.tanh(self.combine(torch.cat([ctx, s], dim=-1)))
        logits = self.out(o)
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.transpose(0, 1).reshape(-1))


def build(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    V = 24  # 4 specials + 20 symbols, as ours
    model = Seq2seq(V, args.embed, args.hidden, args.hidden, args.attention)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.0)
    B, S = args.batch, args.length
    T = S + 1

    def batch():
        src = torch.randint(4, V, (S, B))
        y = src.flip(0)
        bos = torch.full((1, B), 2)
        eos = torch.full((1, B), 3)
        return src, torch.cat([bos, y], 0), torch.cat([y, eos], 0)

    def train(n):
        losses = []
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            src, tin, tout = batch()
            loss = model(src, tin, tout)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        return time.perf_counter() - start, time.process_time() - cpu, losses

    return train, B * T


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--attention', choices=['dot', 'general', 'concat'], default='general')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--embed', type=int, default=256)
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--length', type=int, default=40)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--serve', action='store_true')
    args = ap.parse_args()
    train, tokens_per_step = build(args)
    train(args.warmup)
    print(json.dumps({'ready': True, 'torch': torch.__version__, 'threads': args.threads}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if len(words) != 2 or words[0] != 'run' or not words[1].isdigit() or int(words[1]) < 1:
            print(json.dumps({'error': f'Command {line.strip()!r} is not understood (expected "run N", N >= 1).'}), flush=True)
            continue
        steps = int(words[1])
        seconds, cpu_seconds, losses = train(steps)
        print(json.dumps({'steps': steps, 'seconds': seconds, 'cpu_seconds': cpu_seconds,
                          'tokens_per_s': steps * tokens_per_step / seconds, 'last_loss': losses[-1]}), flush=True)


if __name__ == '__main__':
    main()
