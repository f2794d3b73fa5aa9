#!/usr/bin/python3
"""PyTorch forward latency of the BERT encoder configurations of bench/src/bert/main.ts.

The model is the HF-equivalent BertModel of packages/bert/scripts/make-parity-fixture.py (same module tree
and equations, eval mode, random weights). Run by main.ts in the same benchmark run:
  /usr/bin/python3 bench/src/bert/torch_bench.py --threads 1 --cases '[{"layers":2,"hidden":128,"length":128,"batch":1}]'
Prints one JSON object: {"torch": version, "threads": n, "results": [{..., "wallMs", "cpuMs", "runs"}]}.
"""
import argparse
import importlib.util
import json
import os
import statistics
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "parity", os.path.join(HERE, "..", "..", "..", "packages", "bert", "scripts", "make-parity-fixture.py"))
parity = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(parity)


def measure(case, min_seconds):
    config = dict(parity.CONFIG, vocab_size=30522, hidden_size=case["hidden"], num_hidden_layers=case["layers"],
                  num_attention_heads=case["hidden"] // 64, intermediate_size=case["hidden"] * 4,
                  max_position_embeddings=512)
    model = parity.BertModel(parity.Namespace(config)).eval()
    ids = torch.randint(1, 30522, (case["batch"], case["length"]))
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)
    walls, cpus = [], []
    with torch.inference_mode():
        model(ids, mask, types)  # warm-up
        started = time.perf_counter()
        while len(walls) < 2 or (time.perf_counter() - started < min_seconds and len(walls) < 20):
            wall, cpu = time.perf_counter(), time.process_time()
            model(ids, mask, types)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
    return dict(case, wallMs=statistics.median(walls), cpuMs=statistics.median(cpus), runs=len(walls))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cases", required=True)
    parser.add_argument("--min-seconds", type=float, default=1.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    results = [measure(case, args.min_seconds) for case in json.loads(args.cases)]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
