# Independent reference for the ONNX tests: a small GPT written in PyTorch (not by Attention Lab), its weights saved
# in Attention Lab's safetensors layout, its own ONNX export (torch.onnx, as a third-party tool would write it), and
# golden logits and attention probabilities computed by PyTorch for one text.
#
#   /usr/bin/python3 test/unit/onnx/torch-gpt/make.py     (writes model.safetensors, model.onnx, golden.json here)
# Config: 2 layers, 2 heads, d_model 32, dFF 64, context 48, learned positions, pre-LN, GELU (tanh), tied head.
import json
import math
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = "To be, or not to be, that is the question"
L, NH, C, F, T = 2, 2, 32, 64, 48

vocab = json.load(open(os.path.join(HERE, "tokenizer.json")))["model"]["vocab"]
V = max(vocab.values()) + 1
ids = [vocab[ch] for ch in TEXT]  # a character tokenizer: one id per character

torch.manual_seed(2024)


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = torch.nn.LayerNorm(C, eps=1e-5)
        self.c_attn = torch.nn.Linear(C, 3 * C)
        self.c_proj = torch.nn.Linear(C, C)
        self.ln_2 = torch.nn.LayerNorm(C, eps=1e-5)
        self.c_fc = torch.nn.Linear(C, F)
        self.mlp_proj = torch.nn.Linear(F, C)
        self.register_buffer("tril", torch.tril(torch.ones(T, T, dtype=torch.bool)))

    def forward(self, x, probs_out):
        b, s, _ = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        heads = lambda t: t.view(b, s, NH, C // NH).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(C // NH)
        scores = scores.masked_fill(~self.tril[:s, :s], float("-inf"))
        probs = torch.softmax(scores, dim=-1)
        probs_out.append(probs)
        y = (probs @ v).transpose(1, 2).reshape(b, s, C)
        x = x + self.c_proj(y)
        h = torch.nn.functional.gelu(self.c_fc(self.ln_2(x)), approximate="tanh")
        return x + self.mlp_proj(h)


class TinyGpt(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = torch.nn.Embedding(V, C)
        self.wpe = torch.nn.Embedding(T, C)
        self.blocks = torch.nn.ModuleList([Block() for _ in range(L)])
        self.ln_f = torch.nn.LayerNorm(C, eps=1e-5)
        with torch.no_grad():  # lively weights, so attention rows are far from uniform
            for p in self.parameters():
                p.copy_(torch.randn_like(p) * 0.25)
            for m in self.modules():
                if isinstance(m, torch.nn.LayerNorm):
                    m.weight.copy_(1 + 0.2 * torch.randn_like(m.weight))

    def forward_all(self, input_ids):
        s = input_ids.shape[1]
        x = self.wte(input_ids) + self.wpe.weight[:s]
        probs = []
        for blk in self.blocks:
            x = blk(x, probs)
        return self.ln_f(x) @ self.wte.weight.t(), probs

    def forward(self, input_ids):
        return self.forward_all(input_ids)[0]


def save_safetensors(model, path):
    names = {"wte": model.wte.weight, "wpe": model.wpe.weight, "ln_f.weight": model.ln_f.weight, "ln_f.bias": model.ln_f.bias}
    for i, blk in enumerate(model.blocks):
        for ours, tensor in [("ln_1", blk.ln_1), ("attn.c_attn", blk.c_attn), ("attn.c_proj", blk.c_proj), ("ln_2", blk.ln_2),
                             ("mlp.c_fc", blk.c_fc), ("mlp.c_proj", blk.mlp_proj)]:
            names[f"h.{i}.{ours}.weight"] = tensor.weight  # torch.nn.Linear is (out, in), as Attention Lab stores it
            names[f"h.{i}.{ours}.bias"] = tensor.bias
    config = {"family": "gpt", "vocabSize": V, "nLayer": L, "nHead": NH, "dModel": C, "dFF": F, "contextLength": T,
              "positions": "learned", "norm": "pre", "dropout": 0, "typeVocabSize": 0, "seed": 0}
    header, blobs, offset = {"__metadata__": {"format": "attention-lab/1", "config": json.dumps(config), "step": "0"}}, [], 0
    for name, tensor in names.items():
        data = tensor.detach().contiguous().float().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header)
    text += " " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text.encode() + b"".join(blobs))


model = TinyGpt().eval()
save_safetensors(model, os.path.join(HERE, "model.safetensors"))
x = torch.tensor([ids], dtype=torch.long)
with torch.no_grad():
    logits, probs = model.forward_all(x)
    torch.onnx.export(model, (x,), os.path.join(HERE, "model.onnx"), input_names=["input_ids"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}},
                      opset_version=17, do_constant_folding=True)
short = lambda t: [float(f"{v:.8g}") for v in t.flatten().tolist()]  # float32 needs about 8 digits
golden = {"text": TEXT, "ids": ids, "logits": short(logits[0]),
          "attention": short(torch.stack([p[0] for p in probs])), "attentionShape": [L, NH, len(ids), len(ids)]}
json.dump(golden, open(os.path.join(HERE, "golden.json"), "w"))
print(f"wrote model.safetensors, model.onnx, golden.json: {len(ids)} tokens, torch {torch.__version__}")
