#!/usr/bin/python3
"""Builds the @icd/onnx reference fixture (packages/onnx/fixtures/tiny/).

A tiny random BERT checkpoint in HF layout (config.json + model.safetensors with `BertForMaskedLM` names
and a pooler) and, independently of the ONNX exporter and of tfjs, the outputs of HF's `BertModel` /
`BertForMaskedLM` equations written out in PyTorch (float64 from the float32 weights):
embeddings = LayerNorm(word + position + token_type); per layer post-LN self-attention with the
additive mask (1 - mask) * finfo(float32).min, then the erf GELU feed-forward; pooler tanh(dense(h[:, 0]));
MLM head transform t = LayerNorm(gelu(dense(h))) and logits = t @ E^T + b (decoder tied to the word
embeddings). HF `transformers` is not installable here, so the equations are restated
(src/transformers/models/bert/modeling_bert.py, eager attention).

Run: /usr/bin/python3 packages/onnx/scripts/make-reference.py   (torch + numpy)
"""
import json
import math
import os
import struct

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "tiny")
CONFIG = {
    "architectures": ["BertForMaskedLM"],
    "model_type": "bert",
    "vocab_size": 61,
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "intermediate_size": 37,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
    "max_position_embeddings": 24,
    "type_vocab_size": 2,
    "initializer_range": 0.02,
    "layer_norm_eps": 1e-12,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
}
H, L, A, I, V = (CONFIG[k] for k in ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size"))


def make_weights(generator):
    """HF BertForMaskedLM names, PyTorch layouts ([out, in] for linear weights), float32, N(0, 0.3^2)."""
    w = {}

    def normal(*shape, std=0.3):
        return (torch.randn(*shape, generator=generator) * std).float()

    w["bert.embeddings.word_embeddings.weight"] = normal(V, H)
    w["bert.embeddings.position_embeddings.weight"] = normal(CONFIG["max_position_embeddings"], H)
    w["bert.embeddings.token_type_embeddings.weight"] = normal(CONFIG["type_vocab_size"], H)

    def norm(prefix, width):
        w[f"{prefix}.weight"] = (1 + normal(width, std=0.2)).float()
        w[f"{prefix}.bias"] = normal(width, std=0.2)

    def linear(prefix, inputs, outputs):
        w[f"{prefix}.weight"] = normal(outputs, inputs, std=1 / math.sqrt(inputs))
        w[f"{prefix}.bias"] = normal(outputs, std=0.2)

    norm("bert.embeddings.LayerNorm", H)
    for layer in range(L):
        p = f"bert.encoder.layer.{layer}"
        for name in ("query", "key", "value"):
            linear(f"{p}.attention.self.{name}", H, H)
        linear(f"{p}.attention.output.dense", H, H)
        norm(f"{p}.attention.output.LayerNorm", H)
        linear(f"{p}.intermediate.dense", H, I)
        linear(f"{p}.output.dense", I, H)
        norm(f"{p}.output.LayerNorm", H)
    linear("bert.pooler.dense", H, H)
    linear("cls.predictions.transform.dense", H, H)
    norm("cls.predictions.transform.LayerNorm", H)
    w["cls.predictions.bias"] = normal(V, std=0.2)
    return w


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        data = tensors[name].contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def layer_norm(x, w, prefix):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w[f"{prefix}.weight"], w[f"{prefix}.bias"], CONFIG["layer_norm_eps"])


def dense(x, w, prefix):
    return x @ w[f"{prefix}.weight"].T + w[f"{prefix}.bias"]


def encoder(w, words, attention_mask, token_type_ids):
    """HF BertModel on word embeddings `words` [B, S, H] (float64); returns (last_hidden_state, pooler)."""
    b, s, _ = words.shape
    h = words + w["bert.embeddings.token_type_embeddings.weight"][token_type_ids]
    h = h + w["bert.embeddings.position_embeddings.weight"][:s]
    h = layer_norm(h, w, "bert.embeddings.LayerNorm")
    mask = (1.0 - attention_mask.double())[:, None, None, :] * torch.finfo(torch.float32).min
    d = H // A
    for layer in range(L):
        p = f"bert.encoder.layer.{layer}"
        split = lambda t: t.view(b, s, A, d).transpose(1, 2)
        q, k, v = (split(dense(h, w, f"{p}.attention.self.{n}")) for n in ("query", "key", "value"))
        probabilities = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + mask, dim=-1)
        context = (probabilities @ v).transpose(1, 2).reshape(b, s, H)
        a = layer_norm(dense(context, w, f"{p}.attention.output.dense") + h, w, f"{p}.attention.output.LayerNorm")
        f = torch.nn.functional.gelu(dense(a, w, f"{p}.intermediate.dense"))
        h = layer_norm(dense(f, w, f"{p}.output.dense") + a, w, f"{p}.output.LayerNorm")
    return h, torch.tanh(dense(h[:, 0], w, "bert.pooler.dense"))


def head(w, h):
    t = layer_norm(torch.nn.functional.gelu(dense(h, w, "cls.predictions.transform.dense")), w, "cls.predictions.transform.LayerNorm")
    return t, t @ w["bert.embeddings.word_embeddings.weight"].T + w["cls.predictions.bias"]


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def main():
    os.makedirs(OUT, exist_ok=True)
    generator = torch.Generator().manual_seed(20261201)
    weights = make_weights(generator)
    write_safetensors(os.path.join(OUT, "model.safetensors"), weights)
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    w = {name: value.double() for name, value in weights.items()}

    rng = np.random.default_rng(7)
    cases = []
    for batch, length, lengths in ((1, 5, [5]), (3, 9, [9, 4, 6]), (2, 24, [24, 11])):
        ids = rng.integers(5, V, size=(batch, length))
        mask = np.zeros((batch, length), dtype=np.int64)
        types = np.zeros((batch, length), dtype=np.int64)
        positions = []
        for row, n in enumerate(lengths):
            ids[row, 0], ids[row, n - 1] = 2, 3
            ids[row, n:] = 0
            mask[row, :n] = 1
            types[row, n // 2 : n] = 1
            positions.append([1, n - 2])
        ids_t, mask_t, types_t = (torch.tensor(a) for a in (ids, mask, types))
        last, pooled = encoder(w, w["bert.embeddings.word_embeddings.weight"][ids_t], mask_t, types_t)
        transformed, logits = head(w, last)
        index = torch.tensor(positions)
        picked = last[torch.arange(batch)[:, None], index]
        picked_transformed, picked_logits = head(w, picked)
        embeds = torch.tensor(rng.normal(0, 0.5, size=(batch, length, H)))
        embeds_last, embeds_pooled = encoder(w, embeds, mask_t, types_t)
        cases.append({
            "shape": [batch, length],
            "inputIds": ids.tolist(),
            "attentionMask": mask.tolist(),
            "tokenTypeIds": types.tolist(),
            "positions": positions,
            "lastHiddenState": flat(last),
            "poolerOutput": flat(pooled),
            "logits": flat(logits),
            "transformedHiddenState": flat(transformed),
            "positionLogits": flat(picked_logits),
            "positionTransformedHiddenState": flat(picked_transformed),
            "inputsEmbeds": flat(embeds),
            "embedsLastHiddenState": flat(embeds_last),
            "embedsPoolerOutput": flat(embeds_pooled),
        })
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"source": "scripts/make-reference.py (PyTorch %s, float64)" % torch.__version__, "cases": cases}, f)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
