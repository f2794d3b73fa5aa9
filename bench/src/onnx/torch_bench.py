#!/usr/bin/python3
"""PyTorch side of bench/src/onnx/main.ts: BERT forward latency and the machine's fp32 matmul rate.

The model is the HF-equivalent BertModel of packages/bert/scripts/make-parity-fixture.py (the same module
tree and equations as bench/src/bert/torch_bench.py; eval mode, random weights, vocabulary 30522,
heads = hidden / 64, intermediate = 4 x hidden), full-length inputs without padding. The matmul peak is a
2048 x 2048 x 2048 float32 `torch.mm` (OpenBLAS / MKL sgemm) on the same threads.

  /usr/bin/python3 bench/src/onnx/torch_bench.py --threads 2 --cases '[{"layers":4,"hidden":256,"length":128,"batch":1}]'

Prints one JSON object: {"torch", "threads", "sgemm": {"gflops", "wallMs", "runs"}, "results": [...]}.
A case whose warm-up run takes longer than --single-run-seconds is reported from that run alone; one
projected (from the slowest rate per CPU-second so far) to need more than --budget-cpu-seconds is skipped.
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


def timed(run, min_seconds, single_run_seconds, max_runs=10):
    wall, cpu = time.perf_counter(), time.process_time()
    run()  # warm-up
    first = ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
    if first[0] > single_run_seconds * 1000:
        return {"wallMs": first[0], "cpuMs": first[1], "runs": 1}
    walls, cpus = [], []
    started = time.perf_counter()
    while not walls or (time.perf_counter() - started < min_seconds and len(walls) < max_runs):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return {"wallMs": statistics.median(walls), "cpuMs": statistics.median(cpus), "runs": len(walls)}


def forward_flops(case):
    """2 x multiply-adds of the dense layers and of Q.K^T and P.V (as report.ts counts them)."""
    tokens, hidden = case["batch"] * case["length"], case["hidden"]
    dense = 2 * tokens * (4 * hidden * hidden + 2 * hidden * 4 * hidden)
    return case["layers"] * (dense + 4 * case["batch"] * case["length"] ** 2 * hidden)


def forward_case(case, args):
    config = dict(parity.CONFIG, vocab_size=30522, hidden_size=case["hidden"], num_hidden_layers=case["layers"],
                  num_attention_heads=case["hidden"] // 64, intermediate_size=case["hidden"] * 4,
                  max_position_embeddings=512)
    model = parity.BertModel(parity.Namespace(config)).eval()
    ids = torch.randint(1, 30522, (case["batch"], case["length"]))
    mask, types = torch.ones_like(ids), torch.zeros_like(ids)
    with torch.inference_mode():
        measured = timed(lambda: model(ids, mask, types), args.min_seconds, args.single_run_seconds)
    return dict(case, **measured)


def sgemm(args):
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    measured = timed(lambda: torch.mm(a, b), args.min_seconds, 60, max_runs=20)
    return dict(measured, gflops=2 * 2048 ** 3 / (measured["wallMs"] / 1000) / 1e9)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cases", required=True)
    parser.add_argument("--min-seconds", type=float, default=1.0)
    parser.add_argument("--single-run-seconds", type=float, default=3.0)
    parser.add_argument("--budget-cpu-seconds", type=float, default=float("inf"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    peak_before = sgemm(args)
    results, slowest = [], float("inf")  # FLOP per CPU second
    for case in json.loads(args.cases):
        projected = forward_flops(case) / slowest
        if projected > args.budget_cpu_seconds:
            results.append(dict(case, skipped="skipped (projected %.0f CPU-s)" % projected))
            continue
        result = forward_case(case, args)
        slowest = min(slowest, forward_flops(case) / (result["cpuMs"] / 1000))
        results.append(result)
    peak_after = sgemm(args)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "sgemm": [peak_before, peak_after], "results": results}))


if __name__ == "__main__":
    main()
