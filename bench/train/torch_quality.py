# PyTorch anchor for quality per minute: nanoGPT's CPU "baby GPT" on tinyshakespeare (char-level, 90/10 split).
#
#   OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/train/torch_quality.py --threads 2 [--iters 2000]
# Config (nanoGPT shakespeare_char with the CPU overrides): context 64, 4 layers, 4 heads, d_model 128, batch 12,
# no dropout, lr 1e-3 warmup 100 then cosine to 1e-4 at 2000, AdamW betas (0.9, 0.99), weight decay 0.1, clip 1.
# Init as nanoGPT and ours: N(0, 0.02), the residual projections (c_proj, mlp_proj) N(0, 0.02/sqrt(2L));
# --init plain leaves them at 0.02 (the variant this anchor used before, kept to show the difference).
# Prints one JSON line per evaluation: {"step", "seconds" (training time so far), "val_loss"}, the mean loss over every
# non-overlapping 64-token window of the validation split (1,742 windows) — the same windows quality_bench.ts uses,
# so both curves are measured on identical text and the comparison carries no sampling noise.
import argparse
import json
import math
import time

import torch

from torch_train import Model, adamw, char_ids, gpt2_init


def lr_at(step, iters, warmup=100, max_lr=1e-3, min_lr=1e-4):
    if step < warmup:
        return max_lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, iters - warmup)
    return min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * min(1.0, progress)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--iters', type=int, default=2000)
    ap.add_argument('--eval-every', type=int, default=250)
    ap.add_argument('--text', default='../shared/data/tinyshakespeare.txt')
    ap.add_argument('--init', choices=['nanogpt', 'plain'], default='nanogpt')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    V, L, NH, C, T, B = 65, 4, 4, 128, 64, 12
    data = char_ids(args.text, V)
    n = int(0.9 * len(data))
    train, val = data[:n], data[n:]
    model = Model('gpt', V, L, NH, C, T)
    gpt2_init(model)
    if args.init == 'nanogpt':
        with torch.no_grad():
            for n, p in model.named_parameters():
                if n.endswith(('c_proj.weight', 'mlp_proj.weight')):
                    p.normal_(0.0, 0.02 / math.sqrt(2 * L))
    opt = adamw(model, 1e-3, 0.99)

    def batch(split):
        ix = torch.randint(len(split) - T - 1, (B,))
        return torch.stack([split[i:i + T] for i in ix]), torch.stack([split[i + 1:i + T + 1] for i in ix])

    windows = torch.arange(0, len(val) - T, T)  # starts of every full (T + 1)-token window

    def evaluate():
        model.eval()
        total = 0.0
        with torch.no_grad():
            for chunk in windows.split(64):
                x = torch.stack([val[i:i + T] for i in chunk])
                y = torch.stack([val[i + 1:i + T + 1] for i in chunk])
                total += model(x, y).item() * len(chunk)
        model.train()
        return total / len(windows)

    seconds = 0.0
    for step in range(1, args.iters + 1):
        started = time.perf_counter()
        for group in opt.param_groups:
            group['lr'] = lr_at(step - 1, args.iters)
        loss = model(*batch(train))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        seconds += time.perf_counter() - started
        if step % args.eval_every == 0 or step == args.iters:
            print(json.dumps({'step': step, 'seconds': seconds, 'val_loss': evaluate()}), flush=True)


if __name__ == '__main__':
    main()
