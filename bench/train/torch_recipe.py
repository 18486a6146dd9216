# PyTorch check of the training recipe of the `tiny` preset (issue 14): the lab's tiny GPT and BERT shapes trained on
# char-level tinyshakespeare with a chosen Q/K/V initialisation, learning rate, warm-up and masking rate, evaluated
# on fixed validation batches against the unigram baseline ("predict the most frequent token").
#
#   OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/train/torch_recipe.py --model bert --qkv xavier --lr 3e-3 --steps 2000
# Prints one JSON line per evaluation: {"step", "val_loss", "accuracy"} (masked-token accuracy for BERT, next-token
# accuracy for GPT) and a first line {"unigram_accuracy", "unigram_loss"} measured on the same validation targets.
# Shape (the lab's tiny preset): 2 layers, 2 heads, d_model 64, d_ff 256, context 64, batch 16, pre-LN, tied head,
# AdamW betas (0.9, 0.95), weight decay 0.1 on matrices, clip 1, warm-up then cosine to lr/10.
# --qkv normal: the Q/K/V projections start at N(0, 0.02) like every other matrix (GPT-2's init, the lab's before);
# --qkv xavier: they start Xavier-uniform over the (3C, C) matrix, as torch.nn.MultiheadAttention's in_proj_weight.
import argparse
import json
import math

import torch

from torch_train import Model, adamw, char_ids, gpt2_init


def lr_at(step, steps, warmup, max_lr):
    if step < warmup:
        return max_lr * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return max_lr / 10 + 0.5 * (max_lr - max_lr / 10) * (1 + math.cos(math.pi * min(1.0, progress)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', choices=['gpt', 'bert'], default='bert')
    ap.add_argument('--qkv', choices=['normal', 'xavier'], default='normal')
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--warmup', type=int, default=100)
    ap.add_argument('--mask', type=float, default=0.15, help='BERT masking rate in training (evaluation always 0.15)')
    ap.add_argument('--steps', type=int, default=2000)
    ap.add_argument('--eval-every', type=int, default=250)
    ap.add_argument('--eval-batches', type=int, default=32)
    ap.add_argument('--seed', type=int, default=1337)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--text', default='../shared/data/tinyshakespeare.txt')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    V, L, NH, C, T, B = 66, 2, 2, 64, 64, 16
    MASK = V - 1
    data = char_ids(args.text, V)
    n = int(0.9 * len(data))
    train, val = data[:n], data[n:]
    model = Model(args.model, V, L, NH, C, T)
    gpt2_init(model)
    if args.qkv == 'xavier':
        with torch.no_grad():
            for block in model.h:
                torch.nn.init.xavier_uniform_(block.c_attn.weight)
    opt = adamw(model, args.lr, 0.95)

    def batch(split, gen, mask_rate):
        ix = torch.randint(len(split) - T - 1, (B,), generator=gen)
        x = torch.stack([split[i:i + T] for i in ix])
        if args.model == 'gpt':
            return x, torch.stack([split[i + 1:i + T + 1] for i in ix])
        chosen = torch.rand(B, T, generator=gen) < mask_rate
        targets = torch.where(chosen, x, torch.full_like(x, -100))
        r = torch.rand(B, T, generator=gen)
        x = torch.where(chosen & (r < 0.8), torch.full_like(x, MASK), x)
        x = torch.where(chosen & (r >= 0.8) & (r < 0.9), torch.randint(0, V - 1, (B, T), generator=gen), x)
        return x, targets

    # the same validation batches at every evaluation
    eval_gen = torch.Generator().manual_seed(4242)
    val_batches = [batch(val, eval_gen, 0.15) for _ in range(args.eval_batches)]
    counts = torch.bincount(train, minlength=V).double()
    top = int(counts.argmax())
    logp = torch.log(counts / counts.sum())
    ys = torch.cat([y.reshape(-1) for _, y in val_batches])
    ys = ys[ys != -100]
    print(json.dumps({'unigram_accuracy': float((ys == top).double().mean()), 'unigram_loss': float(-logp[ys].mean())}), flush=True)

    def evaluate(step):
        model.eval()
        loss_sum, hits, count = 0.0, 0, 0
        with torch.no_grad():
            for x, y in val_batches:
                logits, yy = logits_of(x, y)
                loss_sum += torch.nn.functional.cross_entropy(logits, yy, reduction='sum').item()
                hits += int((logits.argmax(-1) == yy).sum())
                count += len(yy)
        model.train()
        print(json.dumps({'step': step, 'val_loss': loss_sum / count, 'accuracy': hits / count}), flush=True)

    def logits_of(x, y):
        # Model.forward returns the loss only; recompute its logits the same way
        Bx, Tx = x.shape
        h = model.wte(x) + model.wpe.weight[:Tx]
        mask = model.causal if model.family == 'gpt' else None
        for block in model.h:
            h = block(h, mask)
        h = model.ln_f(h).view(Bx * Tx, -1)
        y = y.reshape(-1)
        if model.family == 'bert':
            rows = y != -100
            h, y = h[rows], y[rows]
            h = model.mlm_ln(torch.nn.functional.gelu(model.mlm_dense(h), approximate='tanh'))
            return h @ model.wte.weight.t() + model.mlm_bias, y
        return h @ model.wte.weight.t(), y

    gen = torch.Generator().manual_seed(args.seed)
    evaluate(0)
    for step in range(1, args.steps + 1):
        for group in opt.param_groups:
            group['lr'] = lr_at(step - 1, args.steps, args.warmup, args.lr)
        loss = model(*batch(train, gen, args.mask))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % args.eval_every == 0 or step == args.steps:
            evaluate(step)


if __name__ == '__main__':
    main()
