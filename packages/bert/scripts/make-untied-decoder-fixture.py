#!/usr/bin/python3
"""Builds the untied-decoder case of the @icd/bert parity fixture (packages/bert/fixtures/parity/).

Takes the weights of fixtures/parity/model.safetensors (written by make-parity-fixture.py), adds a
decoder weight of its own (`cls.predictions.decoder.weight`, random, NOT the word embeddings) as HF does
with `tie_word_embeddings: false`, and computes the masked-LM logits of the parity inputs in float64 with
the same PyTorch module tree: logits = transform(h) @ decoder.weight.T + cls.predictions.bias. Written:
model-untied.safetensors, config-untied.json (the parity config plus "tie_word_embeddings": false) and
expected-untied.json (logits, and the transform output at two positions).

Run after make-parity-fixture.py: /usr/bin/python3 packages/bert/scripts/make-untied-decoder-fixture.py
"""
import importlib.util
import json
import os
import struct

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("parity", os.path.join(HERE, "make-parity-fixture.py"))
parity = importlib.util.module_from_spec(spec)
spec.loader.exec_module(parity)
OUT = parity.OUT


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        assert entry["dtype"] == "F32"
        tensors[name] = np.frombuffer(raw[8 + n + begin : 8 + n + end], dtype=np.float32).reshape(entry["shape"])
    return tensors


def main():
    state = read_safetensors(os.path.join(OUT, "model.safetensors"))
    config = dict(parity.CONFIG, tie_word_embeddings=False)
    c = parity.Namespace(config)
    model = parity.BertForMaskedLM(c)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()})
    generator = torch.Generator().manual_seed(20261201)
    decoder = (0.25 * torch.randn(c.vocab_size, c.hidden_size, generator=generator)).float()
    state = dict(state, **{"cls.predictions.decoder.weight": decoder.numpy()})
    parity.write_safetensors(os.path.join(OUT, "model-untied.safetensors"), {k: ("F32", v) for k, v in state.items()})
    with open(os.path.join(OUT, "config-untied.json"), "w") as f:
        json.dump(config, f, indent=2)

    expected = json.load(open(os.path.join(OUT, "expected.json")))
    input_ids = torch.tensor(expected["inputIds"])
    attention_mask = torch.tensor(expected["attentionMask"])
    token_type_ids = torch.tensor(expected["tokenTypeIds"])
    reference = model.double().eval()
    with torch.no_grad():
        last = reference.bert(input_ids, attention_mask, token_type_ids)[0]
        transformed = reference.cls.predictions.transform(last)
        logits = transformed @ decoder.double().T + reference.cls.predictions.bias
    flat = lambda t: [float(v) for v in t.reshape(-1)]
    positions = [4, 11 + 3]  # flat row * 11 + column: row 0 col 4 ([MASK] id 4), row 1 col 3
    out = {
        "source": "packages/bert/scripts/make-untied-decoder-fixture.py (PyTorch %s, float64)" % torch.__version__,
        "logits": {"shape": list(logits.shape), "data": flat(logits)},
        "positions": positions,
        "transformedAtPositions": {
            "shape": [len(positions), c.hidden_size],
            "data": flat(transformed.reshape(-1, c.hidden_size)[positions]),
        },
    }
    with open(os.path.join(OUT, "expected-untied.json"), "w") as f:
        json.dump(out, f)
    print("wrote model-untied.safetensors, config-untied.json, expected-untied.json")


if __name__ == "__main__":
    main()
