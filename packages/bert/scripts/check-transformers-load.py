#!/usr/bin/python3
"""Does a model saved by icd load in Python with the same outputs? (issue 16)

Reads packages/bert/fixtures/icd-saved/ (written by make-icd-saved-fixture.ts: icd's BertForMaskedLM
saved with `save(dir)`, and icd's logits / last hidden state on a fixed batch in expected.json).

* With `transformers` installed: `transformers.BertForMaskedLM.from_pretrained(dir)` (no missing keys but
  the tied decoder, no unexpected keys), its logits and hidden state against icd's, and
  `AutoTokenizer.from_pretrained(dir)` ids against icd's.
* Without it (this development machine: no PyPI): a partial check with PyTorch only. The safetensors file
  is parsed by hand (u64 little-endian header size, JSON header, raw little-endian data), every tensor name,
  dtype and shape is checked against the parameters HF's BertForMaskedLM has for this config.json (the
  names of transformers/models/bert/modeling_bert.py), and HF's BertForMaskedLM equations (post-LN
  encoder, additive mask (1 - mask) * finfo.min, GELU, tied decoder + cls.predictions.bias) are run in
  float64 on those tensors and compared with icd's outputs. What this does not prove: transformers'
  own loading code (key renames, tying, warnings), which only the first mode checks.

Run: /usr/bin/python3 packages/bert/scripts/check-transformers-load.py [folder]   (exit 0: all checks pass)
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "fixtures", "icd-saved")
TOLERANCE = 1e-4
TIED = {"cls.predictions.decoder.weight", "cls.predictions.decoder.bias"}
DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def read_safetensors(path):
    """The safetensors format by hand: returns {name: (dtype, shape, float64 array)} and the metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = raw[8 + size :]
    tensors, end = {}, 0
    for name, entry in header.items():
        start, stop = entry["data_offsets"]
        dtype = np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<")
        values = np.frombuffer(data[start:stop], dtype=dtype).astype(np.float64)
        assert values.size == math.prod(entry["shape"]), f"{name}: {values.size} values for shape {entry['shape']}"
        tensors[name] = (entry["dtype"], entry["shape"], values.reshape(entry["shape"]))
        end = max(end, stop)
    assert end == len(data), f"{len(data) - end} bytes after the last tensor"
    return tensors, metadata


def hf_parameters(c):
    """HF BertForMaskedLM's parameters for config c: name -> shape (nn.Linear weights are [out, in])."""
    h, i, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    p = {
        "bert.embeddings.word_embeddings.weight": [v, h],
        "bert.embeddings.position_embeddings.weight": [c["max_position_embeddings"], h],
        "bert.embeddings.token_type_embeddings.weight": [c["type_vocab_size"], h],
        "bert.embeddings.LayerNorm.weight": [h],
        "bert.embeddings.LayerNorm.bias": [h],
    }
    for n in range(c["num_hidden_layers"]):
        layer = f"bert.encoder.layer.{n}."
        for part in ("query", "key", "value"):
            p[f"{layer}attention.self.{part}.weight"] = [h, h]
            p[f"{layer}attention.self.{part}.bias"] = [h]
        p[f"{layer}attention.output.dense.weight"] = [h, h]
        p[f"{layer}attention.output.dense.bias"] = [h]
        p[f"{layer}attention.output.LayerNorm.weight"] = [h]
        p[f"{layer}attention.output.LayerNorm.bias"] = [h]
        p[f"{layer}intermediate.dense.weight"] = [i, h]
        p[f"{layer}intermediate.dense.bias"] = [i]
        p[f"{layer}output.dense.weight"] = [h, i]
        p[f"{layer}output.dense.bias"] = [h]
        p[f"{layer}output.LayerNorm.weight"] = [h]
        p[f"{layer}output.LayerNorm.bias"] = [h]
    p["cls.predictions.bias"] = [v]
    p["cls.predictions.transform.dense.weight"] = [h, h]
    p["cls.predictions.transform.dense.bias"] = [h]
    p["cls.predictions.transform.LayerNorm.weight"] = [h]
    p["cls.predictions.transform.LayerNorm.bias"] = [h]
    p["cls.predictions.decoder.weight"] = [v, h]
    p["cls.predictions.decoder.bias"] = [v]
    return p


def hf_forward(w, c, input_ids, attention_mask, token_type_ids):
    """HF BertForMaskedLM.forward (eval, eager attention), float64, from a state dict w."""
    t = lambda name: torch.from_numpy(w[name])  # noqa: E731
    act = {"gelu": torch.nn.functional.gelu, "gelu_new": lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
           "relu": torch.relu}[c["hidden_act"]]
    eps, heads = c["layer_norm_eps"], c["num_attention_heads"]
    ln = lambda x, p: torch.nn.functional.layer_norm(x, x.shape[-1:], t(p + ".weight"), t(p + ".bias"), eps)  # noqa: E731
    lin = lambda x, p: x @ t(p + ".weight").T + t(p + ".bias")  # noqa: E731
    ids = torch.tensor(input_ids)
    batch, length = ids.shape
    x = t("bert.embeddings.word_embeddings.weight")[ids] + t("bert.embeddings.token_type_embeddings.weight")[
        torch.tensor(token_type_ids)] + t("bert.embeddings.position_embeddings.weight")[torch.arange(length)][None]
    x = ln(x, "bert.embeddings.LayerNorm")
    mask = (1.0 - torch.tensor(attention_mask, dtype=torch.float64)[:, None, None, :]) * torch.finfo(torch.float64).min
    size = x.shape[-1] // heads
    split = lambda y: y.view(batch, length, heads, size).transpose(1, 2)  # noqa: E731
    for n in range(c["num_hidden_layers"]):
        p = f"bert.encoder.layer.{n}."
        q, k, v = (split(lin(x, f"{p}attention.self.{part}")) for part in ("query", "key", "value"))
        probs = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(size) + mask, dim=-1)
        context = (probs @ v).transpose(1, 2).reshape(batch, length, -1)
        x = ln(lin(context, f"{p}attention.output.dense") + x, f"{p}attention.output.LayerNorm")
        x = ln(lin(act(lin(x, f"{p}intermediate.dense")), f"{p}output.dense") + x, f"{p}output.LayerNorm")
    head = ln(act(lin(x, "cls.predictions.transform.dense")), "cls.predictions.transform.LayerNorm")
    decoder = w.get("cls.predictions.decoder.weight", w["bert.embeddings.word_embeddings.weight"])
    return head @ torch.from_numpy(decoder).T + t("cls.predictions.bias"), x


def max_difference(actual, expected):
    expected_array = np.array(expected["data"], dtype=np.float64).reshape(expected["shape"])
    assert list(actual.shape) == list(expected["shape"]), f"shape {list(actual.shape)} != {expected['shape']}"
    return float(np.max(np.abs(np.asarray(actual, dtype=np.float64) - expected_array)))


def main():
    with open(os.path.join(FOLDER, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(FOLDER, "expected.json")) as f:
        expected = json.load(f)
    batch = (expected["inputIds"], expected["attentionMask"], expected["tokenTypeIds"])
    failures = []

    def check(ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            failures.append(what)

    try:
        import transformers
    except ImportError:
        transformers = None

    if transformers is not None:
        model, info = transformers.BertForMaskedLM.from_pretrained(FOLDER, output_loading_info=True)
        model.eval()
        check(set(info["missing_keys"]) <= TIED, f"transformers {transformers.__version__}: missing keys {info['missing_keys']}")
        check(not info["unexpected_keys"], f"no unexpected keys {info['unexpected_keys']}")
        with torch.no_grad():
            out = model(input_ids=torch.tensor(batch[0]), attention_mask=torch.tensor(batch[1]),
                        token_type_ids=torch.tensor(batch[2]), output_hidden_states=True)
        d = max_difference(out.logits.double().numpy(), expected["logits"])
        check(d < TOLERANCE, f"transformers logits vs icd: max |diff| {d:.2e}")
        d = max_difference(out.hidden_states[-1].double().numpy(), expected["lastHiddenState"])
        check(d < TOLERANCE, f"transformers last hidden state vs icd: max |diff| {d:.2e}")
        tokenizer = transformers.AutoTokenizer.from_pretrained(FOLDER)
        ids = tokenizer(expected["texts"], padding=True)["input_ids"]
        check(ids == expected["inputIds"], "AutoTokenizer ids == icd's")
    else:
        print("transformers is not installed: partial check (safetensors read by hand, HF names/shapes, "
              "HF BERT equations in PyTorch). NOT YET VERIFIED with transformers itself.")

    tensors, metadata = read_safetensors(os.path.join(FOLDER, "model.safetensors"))
    check(metadata.get("format") == "pt", f"metadata format 'pt' (transformers refuses others): {metadata}")
    wanted = hf_parameters(config)
    extra = sorted(set(tensors) - set(wanted))
    missing = sorted(set(wanted) - set(tensors) - TIED)
    check(not extra, f"no tensor HF's BertForMaskedLM lacks: {extra}")
    check(not missing, f"every HF parameter but the tied decoder is there: {missing}")
    wrong = [(n, s, wanted[n]) for n, (_, s, _) in tensors.items() if n in wanted and list(s) != wanted[n]]
    check(not wrong, f"HF shapes ([out, in] for Linear): {wrong}")
    dtypes = sorted({d for d, _, _ in tensors.values()})
    check(dtypes == ["F32"], f"dtypes {dtypes}")
    weights = {n: v for n, (_, _, v) in tensors.items()}
    with torch.no_grad():
        logits, hidden = hf_forward(weights, config, *batch)
    d = max_difference(logits.numpy(), expected["logits"])
    check(d < TOLERANCE, f"HF BERT equations (PyTorch, float64) logits vs icd: max |diff| {d:.2e}")
    d = max_difference(hidden.numpy(), expected["lastHiddenState"])
    check(d < TOLERANCE, f"HF BERT equations last hidden state vs icd: max |diff| {d:.2e}")
    print(f"{len(failures)} failure(s)" if failures else "all checks pass")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
