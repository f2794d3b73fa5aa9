"""Reference trajectories for @icd/train's optimizers (fixtures/optimizers.json).

AdamW is torch.optim.AdamW itself. Adafactor is written out from HF transformers'
`Adafactor.step` (transformers/optimization.py; Shazeer & Stern 2018), since transformers is not
installed here: the same equations, in float32 torch ops, in the same order.

Each case: parameters (name -> values), then steps; a step gives gradients for SOME parameters (a
parameter without a gradient must be left untouched) and, for externally driven rates, the rate.
After each step the script records every parameter.

    /usr/bin/python3 packages/train/scripts/make-optimizer-fixtures.py
"""
import json
import math
import os

import torch

torch.manual_seed(0)
SHAPES = {"dense.weight": [3, 4], "conv.weight": [2, 3, 2], "dense.bias": [4], "scale": []}


def initial():
    return {name: torch.randn(shape, dtype=torch.float32) for name, shape in SHAPES.items()}


def gradient_plan(steps):
    plan = []
    for step in range(steps):
        grads = {}
        for index, (name, shape) in enumerate(SHAPES.items()):
            if (step + index) % 3 == 2:  # some parameters get no gradient at some steps
                continue
            grads[name] = torch.randn(shape, dtype=torch.float32) * (0.5 + step)
        plan.append(grads)
    return plan


class Adafactor:
    """HF transformers' Adafactor.step, transcribed."""

    def __init__(self, params, lr=None, eps=(1e-30, 1e-3), clip_threshold=1.0, decay_rate=-0.8,
                 beta1=None, weight_decay=0.0, scale_parameter=True, relative_step=True, warmup_init=False):
        self.params = params
        self.group = dict(lr=lr, eps=eps, clip_threshold=clip_threshold, decay_rate=decay_rate, beta1=beta1,
                          weight_decay=weight_decay, scale_parameter=scale_parameter,
                          relative_step=relative_step, warmup_init=warmup_init)
        self.state = {}

    @staticmethod
    def _rms(tensor):
        return tensor.norm(2) / (tensor.numel() ** 0.5)

    def _get_lr(self, state):
        g = self.group
        rel_step_sz = g["lr"]
        if g["relative_step"]:
            min_step = 1e-6 * state["step"] if g["warmup_init"] else 1e-2
            rel_step_sz = min(min_step, 1.0 / math.sqrt(state["step"]))
        param_scale = 1.0
        if g["scale_parameter"]:
            param_scale = max(g["eps"][1], state["RMS"])
        return param_scale * rel_step_sz

    @torch.no_grad()
    def step(self, grads, lr=None):
        g = self.group
        if lr is not None:
            g["lr"] = lr
        for name, p in self.params.items():
            if name not in grads:
                continue
            grad = grads[name]
            state = self.state.setdefault(name, {})
            factored = len(grad.shape) >= 2
            if len(state) == 0:
                state["step"] = 0
                if g["beta1"] is not None:
                    state["exp_avg"] = torch.zeros_like(grad)
                if factored:
                    state["exp_avg_sq_row"] = torch.zeros(grad.shape[:-1])
                    state["exp_avg_sq_col"] = torch.zeros(grad.shape[:-2] + grad.shape[-1:])
                else:
                    state["exp_avg_sq"] = torch.zeros_like(grad)
                state["RMS"] = 0
            state["step"] += 1
            state["RMS"] = self._rms(p)
            lr_t = self._get_lr(state)
            beta2t = 1.0 - math.pow(state["step"], g["decay_rate"])
            update = (grad**2) + g["eps"][0]
            if factored:
                row, col = state["exp_avg_sq_row"], state["exp_avg_sq_col"]
                row.mul_(beta2t).add_(update.mean(dim=-1), alpha=(1.0 - beta2t))
                col.mul_(beta2t).add_(update.mean(dim=-2), alpha=(1.0 - beta2t))
                r_factor = (row / row.mean(dim=-1, keepdim=True)).rsqrt_().unsqueeze(-1)
                c_factor = col.unsqueeze(-2).rsqrt()
                update = torch.mul(r_factor, c_factor)
                update.mul_(grad)
            else:
                exp_avg_sq = state["exp_avg_sq"]
                exp_avg_sq.mul_(beta2t).add_(update, alpha=(1.0 - beta2t))
                update = exp_avg_sq.rsqrt().mul_(grad)
            update.div_((self._rms(update) / g["clip_threshold"]).clamp_(min=1.0))
            update.mul_(lr_t)
            if g["beta1"] is not None:
                exp_avg = state["exp_avg"]
                exp_avg.mul_(g["beta1"]).add_(update, alpha=(1 - g["beta1"]))
                update = exp_avg
            if g["weight_decay"] != 0:
                p.add_(p, alpha=(-g["weight_decay"] * lr_t))
            p.add_(-update)


def values(tensor):
    return tensor.reshape(-1).tolist()


def run_adamw(steps, rates, options):
    params = {name: value.clone().requires_grad_(True) for name, value in initial().items()}
    start = {name: values(p.detach()) for name, p in params.items()}
    decay = [p for name, p in params.items() if not name.endswith("bias")]
    no_decay = [p for name, p in params.items() if name.endswith("bias")]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": options["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=rates[0], betas=(options["beta1"], options["beta2"]), eps=options["epsilon"],
    )
    plan = gradient_plan(steps)
    records = []
    for step, grads in enumerate(plan):
        for group in optimizer.param_groups:
            group["lr"] = rates[step]
        for name, p in params.items():
            p.grad = grads[name].clone() if name in grads else None
        optimizer.step()
        records.append({
            "learningRate": rates[step],
            "gradients": {name: values(g) for name, g in grads.items()},
            "parameters": {name: values(p.detach()) for name, p in params.items()},
        })
    return {"optimizer": "adamw", "options": options, "shapes": SHAPES, "initial": start, "steps": records}


def run_adafactor(steps, rates, options, hf_kwargs):
    params = initial()
    start = {name: values(p) for name, p in params.items()}
    optimizer = Adafactor(params, **hf_kwargs)
    plan = gradient_plan(steps)
    records = []
    for step, grads in enumerate(plan):
        rate = None if rates is None else rates[step]
        optimizer.step(grads, rate)
        record = {
            "gradients": {name: values(g) for name, g in grads.items()},
            "parameters": {name: values(p) for name, p in params.items()},
        }
        if rate is not None:
            record["learningRate"] = rate
        records.append(record)
    return {"optimizer": "adafactor", "options": options, "shapes": SHAPES, "initial": start, "steps": records}


cases = {
    "adamw": run_adamw(6, [1e-2, 2e-2, 5e-3, 1e-2, 3e-2, 1e-3],
                       {"beta1": 0.9, "beta2": 0.98, "epsilon": 1e-6, "weightDecay": 0.1}),
    "adafactor-defaults": run_adafactor(6, None, {}, {}),
    "adafactor-external-rate": run_adafactor(
        6, [0.3, 0.3, 0.15, 0.1, 0.3, 0.05],
        {"relativeStep": False, "scaleParameter": False, "warmupInit": False},
        {"relative_step": False, "scale_parameter": False, "warmup_init": False, "lr": 0.3}),
    "adafactor-first-moment-decay-warmup": run_adafactor(
        6, None, {"beta1": 0.9, "weightDecay": 0.01, "warmupInit": True, "clipThreshold": 0.5},
        {"beta1": 0.9, "weight_decay": 0.01, "warmup_init": True, "clip_threshold": 0.5}),
}
out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "optimizers.json")
with open(out, "w") as f:
    json.dump({"generator": "packages/train/scripts/make-optimizer-fixtures.py", "torch": torch.__version__,
               "cases": cases}, f, indent=1)
print("wrote", os.path.normpath(out))
