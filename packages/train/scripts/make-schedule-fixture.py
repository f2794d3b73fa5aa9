"""Writes fixtures/adamw-clip-schedule.json: expected parameters after AdamW steps with gradient
accumulation, global-norm clipping and a linear warm-up / decay schedule, computed by PyTorch.

Reference semantics (what @icd/train must reproduce):
- torch.optim.AdamW (decoupled weight decay, Loshchilov & Hutter 2019; bias correction; eps added
  outside the square root), with HF Trainer's two parameter groups: no weight decay for biases and
  LayerNorm weights.
- torch.nn.utils.clip_grad_norm_ (global L2 norm over all gradients, coefficient max_norm / (norm + 1e-6)
  clamped to 1).
- transformers.get_linear_schedule_with_warmup (written out below because `transformers` is not
  installed here: lr_lambda(step) = step / max(1, warmup) during warm-up, then
  max(0, (total - step) / max(1, total - warmup))), applied with torch.optim.lr_scheduler.LambdaLR,
  stepped after each optimizer step as HF Trainer does.
- Gradient accumulation as HF Trainer: each micro-batch's gradient is divided by the number of
  accumulation steps and summed before clipping.

Run: /usr/bin/python3 packages/train/scripts/make-schedule-fixture.py
"""

import json
import os

import torch

torch.manual_seed(0)
generator = torch.Generator().manual_seed(1234)

SHAPES = {
    "encoder.layer.0.attention.self.query.weight": [3, 4],
    "encoder.layer.0.attention.self.query.bias": [3],
    "encoder.layer.0.attention.output.LayerNorm.weight": [4],
    "embeddings.word_embeddings.weight": [5, 2],
}


def no_decay(name):
    return name.endswith(".bias") or "LayerNorm" in name or "layer_norm" in name


def linear_schedule_with_warmup(warmup, total):
    def lr_lambda(step):
        if step < warmup:
            return float(step) / float(max(1, warmup))
        return max(0.0, float(total - step) / float(max(1, total - warmup)))

    return lr_lambda


def run_case(case):
    params = {
        name: torch.nn.Parameter(torch.randn(shape, generator=generator, dtype=torch.float32))
        for name, shape in SHAPES.items()
    }
    initial = {name: p.detach().clone() for name, p in params.items()}
    groups = [
        {"params": [p for n, p in params.items() if not no_decay(n)], "weight_decay": case["weightDecay"]},
        {"params": [p for n, p in params.items() if no_decay(n)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(
        groups,
        lr=case["learningRate"],
        betas=(case["beta1"], case["beta2"]),
        eps=case["epsilon"],
        foreach=False,
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, linear_schedule_with_warmup(case["warmupSteps"], case["totalSteps"])
    )
    steps = []
    for _ in range(case["totalSteps"]):
        micro = []
        for p in params.values():
            p.grad = None
        for _ in range(case["accumulationSteps"]):
            grads = {
                name: (torch.randn(shape, generator=generator) * case["gradientScale"]).float()
                for name, shape in SHAPES.items()
            }
            micro.append({name: g.flatten().tolist() for name, g in grads.items()})
            for name, p in params.items():
                g = grads[name] / case["accumulationSteps"]
                p.grad = g.clone() if p.grad is None else p.grad + g
        learning_rate = optimizer.param_groups[0]["lr"]
        if case["maxGradNorm"] is not None:
            total_norm = float(torch.nn.utils.clip_grad_norm_(list(params.values()), case["maxGradNorm"]))
        else:
            total_norm = None
        optimizer.step()
        scheduler.step()
        steps.append(
            {
                "microGradients": micro,
                "learningRate": learning_rate,
                "totalNorm": total_norm,
                "parameters": {name: p.detach().flatten().tolist() for name, p in params.items()},
                "expAvg": {name: optimizer.state[p]["exp_avg"].flatten().tolist() for name, p in params.items()},
                "expAvgSq": {
                    name: optimizer.state[p]["exp_avg_sq"].flatten().tolist() for name, p in params.items()
                },
            }
        )
    return {
        **case,
        "shapes": SHAPES,
        "initial": {name: p.flatten().tolist() for name, p in initial.items()},
        "steps": steps,
    }


CASES = [
    {
        "name": "clipped, accumulated, warm-up then decay",
        "learningRate": 0.05,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
        "weightDecay": 0.1,
        "warmupSteps": 2,
        "totalSteps": 6,
        "accumulationSteps": 2,
        "maxGradNorm": 1.0,
        "gradientScale": 1.0,
    },
    {
        "name": "unclipped, BERT defaults, tiny gradients (eps matters)",
        "learningRate": 1e-3,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-6,
        "weightDecay": 0.01,
        "warmupSteps": 0,
        "totalSteps": 5,
        "accumulationSteps": 1,
        "maxGradNorm": None,
        "gradientScale": 1e-6,
    },
]

if __name__ == "__main__":
    out = {
        "generator": "packages/bert/scripts/pretraining-make-optimizer-fixture.py",
        "torch": torch.__version__,
        "cases": [run_case(case) for case in CASES],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "adamw-clip-schedule.json")
    with open(path, "w") as f:
        json.dump(out, f)
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")
