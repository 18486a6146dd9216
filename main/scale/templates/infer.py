#!/usr/bin/env python3
# infer.py - runs a checkpoint folder (a lab checkpoint or one train.py wrote) on token ids: logits, the top
# predictions per position, and optionally every layer's attention, as JSON. The lab runs the same folder natively,
# so the two can be compared number for number.
#
#   python3 infer.py CHECKPOINT_DIR --ids 5,17,3 [--attention] [--out result.json]
#   python3 infer.py CHECKPOINT_DIR --text "to be or" (needs the `tokenizers` package for tokenizer.json)
import argparse
import json
import os
import sys

import torch

from labckpt import load_weights_file
from model import LabTransformer, load_lab_weights


def main():
    ap = argparse.ArgumentParser(description='Logits of a checkpoint on token ids, as JSON.')
    ap.add_argument('checkpoint')
    ap.add_argument('--ids', help='comma-separated token ids')
    ap.add_argument('--text', help='text, encoded with the folder\'s tokenizer.json (needs the tokenizers package)')
    ap.add_argument('--attention', action='store_true', help='also every layer\'s attention (L, NH, T, T)')
    ap.add_argument('--top', type=int, default=5)
    ap.add_argument('--out', help='write the JSON here instead of stdout')
    args = ap.parse_args()
    with open(os.path.join(args.checkpoint, 'config.json'), encoding='utf-8') as f:
        cfg = json.load(f)
    if args.ids is not None:
        ids = [int(x) for x in args.ids.split(',') if x.strip()]
    elif args.text is not None:
        try:
            from tokenizers import Tokenizer
        except ImportError:
            sys.exit('--text needs the `tokenizers` package (pip install tokenizers); or pass --ids.')
        ids = Tokenizer.from_file(os.path.join(args.checkpoint, 'tokenizer.json')).encode(args.text).ids
    else:
        sys.exit('Give --ids or --text.')
    bad = [i for i in ids if not 0 <= i < cfg['vocabSize']]
    if bad:
        sys.exit('Token id %d is outside the model\'s vocabulary of %d.' % (bad[0], cfg['vocabSize']))
    model = LabTransformer(cfg)
    path = os.path.join(args.checkpoint, 'model.safetensors')
    load_lab_weights(model, load_weights_file(path, cfg), path)
    model.eval()
    tokens = torch.tensor([ids], dtype=torch.int64)
    with torch.no_grad():
        logits = model(tokens)[0]
        probs = torch.softmax(logits, dim=-1)
        top = probs.topk(min(args.top, cfg['vocabSize']), dim=-1)
        out = {'ids': ids, 'logits': logits.reshape(-1).tolist(), 'shape': list(logits.shape),
               'top': {'ids': top.indices.tolist(), 'probs': top.values.tolist()}}
        if args.attention:
            att = model.attention(tokens)[:, 0]
            out['attention'], out['attentionShape'] = att.reshape(-1).tolist(), list(att.shape)
    text = json.dumps(out)
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as f:
            f.write(text)
    else:
        print(text)


if __name__ == '__main__':
    main()
