# PyTorch anchor for the RNN benchmark: a char-level GRU or LSTM language model trained with AdamW, tokens/s as JSON.
#
# Run with Debian's PyTorch at its best setting:
#   OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/rnn/torch_rnn.py --cell gru --threads 2 --steps 20
# or, for interleaved rounds (bench/rnn/rnn_bench.ts), as a server that warms up once and then answers each stdin
# line `run N` with one JSON line {"steps","seconds","cpu_seconds","tokens_per_s","last_loss"} until EOF
# (cpu_seconds: the process's CPU time over those steps, every thread):
#   OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/rnn/torch_rnn.py --cell lstm --serve
# Shape (the issue's): char vocabulary 65, nn.Embedding(65, 256) -> nn.GRU / nn.LSTM (256, 256, 2 layers) ->
# nn.Linear(256, 65), T 128, batch 32 random windows, zero initial state, no dropout, cross-entropy,
# AdamW (lr 2e-3, betas 0.9/0.95, weight decay 0.1 on the matrices), global-norm clip 1.0.
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

V, E, H, L, T, B = 65, 256, 256, 2, 128, 32


class CharRnn(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.encoder = nn.Embedding(V, E)
        self.rnn = (nn.GRU if cell == 'gru' else nn.LSTM)(E, H, L)
        self.decoder = nn.Linear(H, V)

    def forward(self, tokens):  # (T, B) -> logits (T*B, V)
        out, _ = self.rnn(self.encoder(tokens))
        return self.decoder(out).view(-1, V)


def char_tokens(path):
    text = open(path, encoding='utf8').read()
    chars = sorted(set(text))[:64]
    lookup = {c: i for i, c in enumerate(chars)}
    return torch.tensor([lookup.get(c, 0) for c in text[:500_000]], dtype=torch.long)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cell', choices=['gru', 'lstm'], default='gru')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--text', default='../shared/data/tinyshakespeare.txt')
    ap.add_argument('--serve', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    data = char_tokens(args.text)
    model = CharRnn(args.cell)
    decay = [p for n, p in model.named_parameters() if n.startswith('rnn.weight_') or n == 'decoder.weight']
    ids = {id(p) for p in decay}
    other = [p for p in model.parameters() if id(p) not in ids]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': other, 'weight_decay': 0.0}],
                            lr=2e-3, betas=(0.9, 0.95), eps=1e-8)
    gen = torch.Generator().manual_seed(7)

    def step():
        starts = torch.randint(0, len(data) - T - 1, (B,), generator=gen)
        x = torch.stack([data[s:s + T] for s in starts]).t().contiguous()
        y = torch.stack([data[s + 1:s + T + 1] for s in starts]).t().contiguous()
        loss = F.cross_entropy(model(x), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    def run(n):
        started, cpu = time.perf_counter(), time.process_time()
        loss = float('nan')
        for _ in range(n):
            loss = step()
        seconds = time.perf_counter() - started
        return {'steps': n, 'seconds': seconds, 'cpu_seconds': time.process_time() - cpu, 'tokens_per_s': n * B * T / seconds,
                'last_loss': loss}

    run(args.warmup)
    if not args.serve:
        print(json.dumps({'cell': args.cell, 'threads': args.threads, **run(args.steps)}))
        return
    print(json.dumps({'ready': True, 'torch': torch.__version__}), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 2 or parts[0] != 'run' or not parts[1].isdigit():
            print(json.dumps({'error': f'unknown command {line.strip()!r}; send "run N"'}), flush=True)
            continue
        print(json.dumps(run(int(parts[1]))), flush=True)


if __name__ == '__main__':
    main()
