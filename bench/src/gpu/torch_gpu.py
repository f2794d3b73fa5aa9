"""PyTorch-on-GPU reference for bench/src/gpu/device-checks.ts, run on the device machine in the same
lease: forward latency (median, torch.cuda.synchronize) and masked-LM training tokens/s of HF
transformers' BertModel / BertForMaskedLM with the same random configs (mini: 4 layers, 256 hidden,
4 heads; base: 12 × 768 × 12; vocabulary 30522), fp32 with TF32 off, AdamW, 15% of tokens labelled.
Writes one JSON file.

Usage: python3 torch_gpu.py --out torch-gpu.json [--quick]
"""

import argparse
import json
import platform
import time

import torch

SIZES = {"mini": (4, 256, 4), "base": (12, 768, 12)}


def config(layers, hidden, heads, vocab):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=4 * hidden,
    )


def median_ms(run, device, min_runs=3, max_runs=20, budget_s=2.0):
    for _ in range(2):
        run()
    torch.cuda.synchronize(device) if device.type == "cuda" else None
    times = []
    started = time.perf_counter()
    while len(times) < min_runs or (time.perf_counter() - started < budget_s and len(times) < max_runs):
        t0 = time.perf_counter()
        run()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2], len(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="torch-gpu.json")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from transformers import BertForMaskedLM, BertModel

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    sizes = {"tiny": (2, 64, 2)} if args.quick else SIZES
    vocab = 1000 if args.quick else 30522
    lengths = [16, 32] if args.quick else [128, 512]
    batches = [1, 2] if args.quick else [1, 8]
    results = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor(),
        "forward": [],
        "training": [],
    }
    torch.manual_seed(0)
    for name, (layers, hidden, heads) in sizes.items():
        model = BertModel(config(layers, hidden, heads, vocab)).to(device).eval()
        for length in lengths:
            for batch in batches:
                ids = torch.randint(5, vocab, (batch, length), device=device)

                def run():
                    with torch.no_grad():
                        model(input_ids=ids).last_hidden_state.sum().item()

                ms, runs = median_ms(run, device)
                results["forward"].append({"size": name, "length": length, "batch": batch, "medianMs": ms, "runs": runs})
                print(f"forward {name}/{length}/b{batch}: {ms:.2f} ms", flush=True)
        del model
        for length in lengths:
            model = BertForMaskedLM(config(layers, hidden, heads, vocab)).to(device).train()
            optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
            micro = 2 if args.quick else 8
            ids = torch.randint(5, vocab, (micro, length), device=device)
            labels = torch.where(torch.rand(micro, length, device=device) < 0.15, ids, torch.full_like(ids, -100))

            def step():
                optimizer.zero_grad(set_to_none=True)
                model(input_ids=ids, labels=labels).loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()

            ms, runs = median_ms(step, device, max_runs=10)
            results["training"].append(
                {"size": name, "length": length, "microBatch": micro, "stepMs": ms, "tokensPerSecond": micro * length / (ms / 1000)}
            )
            print(f"training {name}/{length}: {micro * length / (ms / 1000):.0f} tokens/s", flush=True)
            del model, optimizer
    with open(args.out, "w") as handle:
        json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
