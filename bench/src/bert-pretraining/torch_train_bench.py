"""PyTorch reference for bench/src/bert-pretraining/main.ts: masked-LM training steps of a BERT with
HF BertForMaskedLM's architecture (post-LN encoder, exact-erf GELU, MLM head tied to the word
embeddings), AdamW (no decay on biases / LayerNorm), global-norm clipping 1.0, dropout 0.1, 15% masking
with 80/10/10 replacement, on random token ids. Prints one JSON line per configuration.

`transformers` is not installed here, so the modules are written out with HF's equations. With
--head masked the vocabulary projection runs on the masked positions only (what @icd/bert's trainer
does); --head full runs it on every position, as HF BertForMaskedLM does.

Usage: /usr/bin/python3 torch_train_bench.py --layers 4 --hidden 256 --length 128 --batch 8 --steps 6
"""

import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Layer(nn.Module):
    def __init__(self, hidden, heads, intermediate, dropout):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attention_output = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.intermediate = nn.Linear(hidden, intermediate)
        self.output = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(dropout)

    def forward(self, h, additive_mask):
        b, s, d = h.shape
        split = lambda x: x.view(b, s, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.query(h)), split(self.key(h)), split(self.value(h))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d // self.heads) + additive_mask
        context = (self.dropout(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, s, d)
        a = self.attention_norm(h + self.dropout(self.attention_output(context)))
        return self.output_norm(a + self.dropout(self.output(F.gelu(self.intermediate(a)))))


class MiniBertForMaskedLM(nn.Module):
    def __init__(self, vocab, hidden, layers, heads, max_positions=512, dropout=0.1):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(max_positions, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.embedding_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.dropout = nn.Dropout(dropout)
        self.layers = nn.ModuleList([Layer(hidden, heads, 4 * hidden, dropout) for _ in range(layers)])
        self.transform = nn.Linear(hidden, hidden)
        self.transform_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.bias = nn.Parameter(torch.zeros(vocab))
        for module in self.modules():
            if isinstance(module, (nn.Linear, nn.Embedding)):
                module.weight.data.normal_(0, 0.02)

    def forward(self, ids, mask, positions=None):
        b, s = ids.shape
        h = self.word(ids) + self.position(torch.arange(s)) + self.token_type(torch.zeros_like(ids))
        h = self.dropout(self.embedding_norm(h))
        additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            h = layer(h, additive)
        h = h.reshape(b * s, -1)
        if positions is not None:
            h = h[positions]
        h = self.transform_norm(F.gelu(self.transform(h)))
        return h @ self.word.weight.t() + self.bias


def mask_tokens(ids, vocab, generator, mask_id=103):
    labels = ids.clone()
    chosen = torch.rand(ids.shape, generator=generator) < 0.15
    chosen[:, 0] = False
    chosen[:, -1] = False
    labels[~chosen] = -100
    inputs = ids.clone()
    draw = torch.rand(ids.shape, generator=generator)
    inputs[chosen & (draw < 0.8)] = mask_id
    random_positions = chosen & (draw >= 0.8) & (draw < 0.9)
    inputs[random_positions] = torch.randint(vocab, ids.shape, generator=generator)[random_positions]
    return inputs, labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", type=int, default=30522)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--head", choices=["masked", "full"], default="masked")
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    model = MiniBertForMaskedLM(args.vocab, args.hidden, args.layers, args.heads)
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "norm" in n]
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "norm" in n)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-4)
    model.train()
    times = []
    for step in range(args.warmup + args.steps):
        ids = torch.randint(5, args.vocab, (args.batch, args.length), generator=generator)
        ids[:, 0], ids[:, -1] = 101, 102
        inputs, labels = mask_tokens(ids, args.vocab, generator)
        attention = torch.ones_like(ids)
        start = time.perf_counter()
        flat = labels.reshape(-1)
        if args.head == "masked":
            positions = (flat != -100).nonzero().squeeze(1)
            logits = model(inputs, attention, positions)
            loss = F.cross_entropy(logits, flat[positions])
        else:
            logits = model(inputs, attention)
            loss = F.cross_entropy(logits, flat, ignore_index=-100)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if step >= args.warmup:
            times.append(time.perf_counter() - start)
    seconds = sorted(times)[len(times) // 2]
    print(
        json.dumps(
            {
                "engine": "pytorch",
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "head": args.head,
                "layers": args.layers,
                "hidden": args.hidden,
                "length": args.length,
                "batch": args.batch,
                "vocab": args.vocab,
                "medianStepSeconds": seconds,
                "tokensPerSecond": args.batch * args.length / seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
