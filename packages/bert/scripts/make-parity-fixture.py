#!/usr/bin/python3
"""Builds the @icd/bert parity fixture (packages/bert/fixtures/parity/).

HF `transformers` is not installable on this machine, so this script re-states HF's `BertModel` /
`BertForMaskedLM` (src/transformers/models/bert/modeling_bert.py, eager attention) in plain PyTorch with
the SAME module tree, so `state_dict()` yields HF's parameter names, and the same equations:
embeddings = LayerNorm(word + position + token_type); per layer, post-LN self-attention with the additive
mask (1 - mask) * finfo.min, then GELU feed-forward; pooler tanh(dense(h[:, 0])); MLM head
transform(dense, act, LayerNorm) and a decoder tied to the word embeddings plus `cls.predictions.bias`.

Weights are random (wider than BERT's N(0, 0.02) initialisation, so the comparison is sensitive), stored in
float32; the expected outputs are computed in float64 from those float32 values. Also written: F16 / BF16
copies of the weights, a "legacy" file (TF-era LayerNorm.gamma/beta names, decoder weight and bias
present, position_ids and NSP head extra), a BertModel-named file without the `bert.` prefix, torch
gradients of the MLM loss for the gradient check, and reference values of the activations.

Run: /usr/bin/python3 packages/bert/scripts/make-parity-fixture.py   (torch + numpy; no transformers)
"""
import json
import math
import os
import struct

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "parity")
CONFIG = {
    "architectures": ["BertForMaskedLM"],
    "model_type": "bert",
    "vocab_size": 99,
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 37,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "max_position_embeddings": 64,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
}
ACT = {"gelu": nn.functional.gelu, "gelu_new": lambda x: nn.functional.gelu(x, approximate="tanh")}


class Namespace:
    def __init__(self, d):
        self.__dict__.update(d)


class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=c.pad_token_id)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids, token_type_ids):
        position_ids = torch.arange(input_ids.shape[1]).unsqueeze(0)
        e = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        e = e + self.position_embeddings(position_ids)
        return self.dropout(self.LayerNorm(e))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.num_attention_heads = c.num_attention_heads
        self.attention_head_size = c.hidden_size // c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.attention_probs_dropout_prob)

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.num_attention_heads, self.attention_head_size).permute(0, 2, 1, 3)

    def forward(self, h, extended_mask):
        q, k, v = self.split(self.query(h)), self.split(self.key(h)), self.split(self.value(h))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.attention_head_size)
        scores = scores + extended_mask
        probs = nn.functional.softmax(scores, dim=-1)
        context = torch.matmul(self.dropout(probs), v).permute(0, 2, 1, 3).contiguous()
        return context.view(h.shape), probs


class BertSelfOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, h, x):
        return self.LayerNorm(self.dropout(self.dense(h)) + x)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c)

    def forward(self, h, mask):
        context, probs = self.self(h, mask)
        return self.output(context, h), probs


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.intermediate_size)
        self.act = ACT[c.hidden_act]

    def forward(self, h):
        return self.act(self.dense(h))


class BertOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.intermediate_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, h, x):
        return self.LayerNorm(self.dropout(self.dense(h)) + x)


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertOutput(c)

    def forward(self, h, mask):
        attended, probs = self.attention(h, mask)
        return self.output(self.intermediate(attended), attended), probs


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c.num_hidden_layers)])


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, h):
        return torch.tanh(self.dense(h[:, 0]))


class BertModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c)

    def forward(self, input_ids, attention_mask, token_type_ids):
        dtype = self.embeddings.LayerNorm.weight.dtype
        extended = (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min
        h = self.embeddings(input_ids, token_type_ids)
        hidden_states, attentions = [h], []
        for layer in self.encoder.layer:
            h, probs = layer(h, extended)
            hidden_states.append(h)
            attentions.append(probs)
        return h, self.pooler(h), hidden_states, attentions


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.act = ACT[c.hidden_act]
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, h):
        return self.LayerNorm(self.act(self.dense(h)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, c, word_embeddings):
        super().__init__()
        self.transform = BertPredictionHeadTransform(c)
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))
        self.word_embeddings = [word_embeddings]  # tied decoder, not a registered parameter

    def forward(self, h):
        return self.transform(h) @ self.word_embeddings[0].weight.T + self.bias


class BertOnlyMLMHead(nn.Module):
    def __init__(self, c, word_embeddings):
        super().__init__()
        self.predictions = BertLMPredictionHead(c, word_embeddings)


class BertForMaskedLM(nn.Module):
    """HF BertForMaskedLM, here with the pooler kept (as a BertForPreTraining checkpoint has)."""

    def __init__(self, c):
        super().__init__()
        self.bert = BertModel(c)
        self.cls = BertOnlyMLMHead(c, self.bert.embeddings.word_embeddings)

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.bert(input_ids, attention_mask, token_type_ids)
        return (self.cls.predictions(out[0]),) + out


def write_safetensors(path, tensors):
    """The safetensors format written by hand: u64 LE header size, JSON header, raw little-endian data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, (dtype, array) in tensors.items():
        raw = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def to_bf16_bits(a):
    """Round-to-nearest-even float32 -> bfloat16 bit patterns (what torch's .bfloat16() does)."""
    bits = a.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20261124)
    c = Namespace(CONFIG)
    model = BertForMaskedLM(c)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            else:
                p.copy_(0.25 * torch.randn_like(p))
    state = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    names = list(state)
    write_safetensors(os.path.join(OUT, "model.safetensors"), {k: ("F32", v) for k, v in state.items()})
    write_safetensors(os.path.join(OUT, "model-f16.safetensors"),
                      {k: ("F16", v.astype(np.float16)) for k, v in state.items()})
    write_safetensors(os.path.join(OUT, "model-bf16.safetensors"),
                      {k: ("BF16", to_bf16_bits(v)) for k, v in state.items()})
    legacy = {}
    for k, v in state.items():
        k = k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        if k == "cls.predictions.bias":
            k = "cls.predictions.decoder.bias"
        legacy[k] = ("F32", v)
    legacy["cls.predictions.decoder.weight"] = ("F32", state["bert.embeddings.word_embeddings.weight"])
    legacy["bert.embeddings.position_ids"] = ("I64", np.arange(64, dtype=np.int64)[None, :])
    legacy["cls.seq_relationship.weight"] = ("F32", np.zeros((2, 32), np.float32))
    legacy["cls.seq_relationship.bias"] = ("F32", np.zeros((2,), np.float32))
    write_safetensors(os.path.join(OUT, "model-legacy.safetensors"), legacy)
    write_safetensors(os.path.join(OUT, "model-encoder-noprefix.safetensors"),
                      {k[5:]: ("F32", v) for k, v in state.items() if k.startswith("bert.")})
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)

    # Inputs: three rows of 11 tokens, rows 1 and 2 right-padded, mixed segment ids.
    input_ids = torch.tensor([
        [2, 15, 27, 98, 4, 3, 60, 61, 62, 33, 3],
        [2, 7, 8, 9, 10, 3, 0, 0, 0, 0, 0],
        [2, 45, 46, 47, 3, 70, 71, 3, 0, 0, 0],
    ])
    attention_mask = (input_ids != 0).long()
    token_type_ids = torch.tensor([[0] * 6 + [1] * 5, [0] * 11, [0] * 5 + [1] * 3 + [0] * 3])

    reference = model.double().eval()  # eval: dropout off
    logits, last, pooled, hidden_states, attentions = reference(input_ids, attention_mask, token_type_ids)
    labels = torch.full_like(input_ids, -100)
    labels[0, 2], labels[0, 7], labels[1, 3], labels[2, 5] = 27, 61, 9, 70
    loss = nn.functional.cross_entropy(logits.view(-1, c.vocab_size), labels.view(-1), ignore_index=-100)
    loss.backward()
    params = dict(reference.named_parameters())
    gradient_names = [
        "bert.embeddings.word_embeddings.weight",
        "bert.encoder.layer.0.attention.self.query.weight",
        "bert.encoder.layer.1.output.LayerNorm.weight",
        "bert.encoder.layer.1.intermediate.dense.bias",
        "cls.predictions.bias",
    ]
    x = torch.linspace(-4, 4, 33, dtype=torch.float64)
    flat = lambda t: [float(v) for v in t.detach().reshape(-1)]
    expected = {
        "source": "packages/bert/scripts/make-parity-fixture.py (PyTorch %s, float64 reference)" % torch.__version__,
        "inputIds": input_ids.tolist(),
        "attentionMask": attention_mask.tolist(),
        "tokenTypeIds": token_type_ids.tolist(),
        "labels": labels.tolist(),
        "lastHiddenState": {"shape": list(last.shape), "data": flat(last)},
        "poolerOutput": {"shape": list(pooled.shape), "data": flat(pooled)},
        "hiddenStates": [{"shape": list(h.shape), "data": flat(h)} for h in hidden_states],
        "attentions": [{"shape": list(a.shape), "data": flat(a)} for a in attentions],
        "logits": {"shape": list(logits.shape), "data": flat(logits)},
        "loss": float(loss),
        "gradients": {n: {"shape": list(params[n].shape), "data": flat(params[n].grad)} for n in gradient_names},
        "f16FirstValues": [float(v) for v in torch.tensor(state[names[0]].reshape(-1)[:16]).half().float()],
        "bf16FirstValues": [float(v) for v in torch.tensor(state[names[0]].reshape(-1)[:16]).bfloat16().float()],
        "activations": {
            "x": flat(x),
            "gelu": flat(nn.functional.gelu(x)),
            "gelu_new": flat(nn.functional.gelu(x, approximate="tanh")),
            "relu": flat(torch.relu(x)),
            "silu": flat(nn.functional.silu(x)),
        },
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f)
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print("wrote", OUT, "total bytes", total, "loss", float(loss))


if __name__ == "__main__":
    main()
