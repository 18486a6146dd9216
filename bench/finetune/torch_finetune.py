# PyTorch anchor for the fine-tuning benchmark: the same sequence classifier the lab fine-tunes (main/ml/finetune:
# a GPT or BERT body of the `small` preset, BERT's [CLS] through its tanh pooler or GPT's last real token, a linear
# layer to K classes, cross-entropy), trained the way an engineer writes it in PyTorch: full fine-tuning, AdamW
# (betas 0.9/0.999, weight decay 0.01 on the linear matrices), global-norm clipping at 1.0, dropout 0.1 on the
# embeddings and both residual branches, right-padded batches with a key padding mask.
#
# It reads the examples the driver encoded with the lab's own tokenizer (bench/finetune/finetune_bench.ts writes them
# as JSON), warms up, then answers each stdin line `run N` with one JSON line {"steps","examples","seconds",
# "cpu_seconds","examples_per_s","last_loss"}: N optimizer steps of --batch examples each, taken in order from the
# driver's list (wrapping), the batch order shuffled as the lab's trainer shuffles an epoch.
#
#   OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/finetune/torch_finetune.py --examples FILE --threads 2
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    """Pre-LN: x = x + drop(attn(ln_1(x))); x = x + drop(mlp(ln_2(x))); padding keys masked out."""

    def __init__(self, C, NH, Fd, p):
        super().__init__()
        self.NH, self.p = NH, p
        self.ln_1 = nn.LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C)
        self.c_fc = nn.Linear(C, Fd)
        self.mlp_proj = nn.Linear(Fd, C)

    def forward(self, x, bias):
        B, T, C = x.shape
        hs = C // self.NH
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q = q.view(B, T, self.NH, hs).transpose(1, 2)
        k = k.view(B, T, self.NH, hs).transpose(1, 2)
        v = v.view(B, T, self.NH, hs).transpose(1, 2)
        att = torch.softmax((q @ k.transpose(-2, -1)) / math.sqrt(hs) + bias, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        x = x + F.dropout(self.c_proj(y), self.p, self.training)
        h = self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate='tanh'))
        return x + F.dropout(h, self.p, self.training)


class Classifier(nn.Module):
    def __init__(self, cfg, K, head):
        super().__init__()
        C, T, V = cfg['dModel'], cfg['contextLength'], cfg['vocabSize']
        self.family, self.head, self.p = cfg['family'], head, cfg['dropout']
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.wtt = nn.Embedding(cfg['typeVocabSize'], C) if cfg['typeVocabSize'] > 0 else None
        self.h = nn.ModuleList([Block(C, cfg['nHead'], cfg['dFF'], self.p) for _ in range(cfg['nLayer'])])
        self.ln_f = nn.LayerNorm(C)
        self.pooler = nn.Linear(C, C) if head == 'cls' else None
        self.classifier = nn.Linear(C, K)
        self.register_buffer('causal', torch.triu(torch.full((T, T), float('-inf')), diagonal=1))
        with torch.no_grad():
            for n, q in self.named_parameters():
                if q.dim() == 2:
                    q.normal_(0.0, 0.02)
                elif 'ln' in n and n.endswith('weight'):
                    q.fill_(1.0)
                else:
                    q.zero_()

    def forward(self, tokens, key_mask, lengths, labels):
        B, T = tokens.shape
        x = self.wte(tokens) + self.wpe.weight[:T]
        if self.wtt is not None:
            x = x + self.wtt.weight[0]
        x = F.dropout(x, self.p, self.training)
        # (B,1,1,T) padding keys to -inf; GPT adds the causal mask
        bias = torch.zeros(B, 1, 1, T).masked_fill(~key_mask[:, None, None, :], float('-inf'))
        if self.family == 'gpt':
            bias = bias + self.causal[:T, :T]
        for block in self.h:
            x = block(x, bias)
        x = self.ln_f(x)
        if self.head == 'cls':
            pooled = torch.tanh(self.pooler(x[:, 0]))
        elif self.head == 'last':
            pooled = x[torch.arange(B), lengths - 1]
        else:
            m = key_mask.unsqueeze(-1).to(x.dtype)
            pooled = (x * m).sum(1) / m.sum(1)
        return F.cross_entropy(self.classifier(pooled), labels)


def adamw(model, lr):
    def is_matrix(n, q):
        return q.dim() == 2 and not n.startswith(('wte', 'wpe', 'wtt'))
    decay = [q for n, q in model.named_parameters() if is_matrix(n, q)]
    other = [q for n, q in model.named_parameters() if not is_matrix(n, q)]
    return torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01}, {'params': other, 'weight_decay': 0.0}],
                             lr=lr, betas=(0.9, 0.999), eps=1e-8)


def build(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(1337)
    with open(args.examples, encoding='utf-8') as f:
        spec = json.load(f)
    cfg, examples, pad, B = spec['config'], spec['examples'], spec['padId'], spec['batchSize']
    model = Classifier(cfg, spec['classes'], spec['head'])
    model.train()
    opt = adamw(model, spec['lr'])
    at = [0]
    gen = torch.Generator().manual_seed(7)

    def collate(chosen):
        T = max(len(e['tokens']) for e in chosen)
        tokens = torch.full((len(chosen), T), pad, dtype=torch.long)
        for b, e in enumerate(chosen):
            tokens[b, :len(e['tokens'])] = torch.tensor(e['tokens'], dtype=torch.long)
        lengths = torch.tensor([len(e['tokens']) for e in chosen])
        key_mask = torch.arange(T)[None, :] < lengths[:, None]
        return tokens, key_mask, lengths, torch.tensor([e['label'] for e in chosen])

    def train(steps):
        picked = [examples[(at[0] + i) % len(examples)] for i in range(steps * B)]
        at[0] = (at[0] + steps * B) % len(examples)
        order = torch.randperm(len(picked), generator=gen).tolist()
        losses = []
        wall, cpu = time.perf_counter(), time.process_time()
        for s in range(steps):
            tokens, key_mask, lengths, labels = collate([picked[i] for i in order[s * B:(s + 1) * B]])
            loss = model(tokens, key_mask, lengths, labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        return time.perf_counter() - wall, time.process_time() - cpu, losses

    return train, B


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--examples', required=True)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--warmup', type=int, default=3)
    args = ap.parse_args()
    train, B = build(args)
    if args.warmup > 0:
        train(args.warmup)
    print(json.dumps({'ready': True, 'threads': args.threads, 'torch': torch.__version__}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if len(words) != 2 or words[0] != 'run' or not words[1].isdigit() or int(words[1]) < 1:
            print(json.dumps({'error': 'Command %r is not understood (expected "run N", N >= 1).' % line.strip()}), flush=True)
            continue
        steps = int(words[1])
        seconds, cpu, losses = train(steps)
        print(json.dumps({'steps': steps, 'examples': steps * B, 'seconds': seconds, 'cpu_seconds': cpu,
                          'examples_per_s': steps * B / seconds, 'last_loss': losses[-1]}), flush=True)


if __name__ == '__main__':
    main()
