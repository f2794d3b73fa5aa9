"""Reference outputs and gradients of the head layers, computed in PyTorch (float64).

Writes ../fixtures/layers-reference.json. Run from this folder with Debian's python3-torch:
    /usr/bin/python3 layers_reference.py

The modules follow the PyTorch code the layers are modelled on, with nn.Linear weights in PyTorch's
[out, in] layout and the names icd uses (the tfjs layers store the same weights transposed, [in, out]):
- ClsHead: HF BertForSequenceClassification (pooled -> classifier) and DistilBERT's MLP variant
  (pre_classifier -> activation -> classifier), with [CLS] or masked-mean pooling;
- LabelAttention: PLM-ICD's LAAT (first_linear, second_linear without bias, third_linear used as
  per-label vectors), with padded positions excluded from the softmax and a fully padded note
  attending nowhere;
- KnowledgeInjectedLabelAttention: eqs. 6-9 of the LLM-ICD paper (Z_m = D_m W_k, A = softmax(D Z_m^T),
  D' = D + A Z_m, W_k an nn.Linear without bias) feeding the LAAT above.
Gradients are of BCEWithLogitsLoss (mean over every note x label cell).
"""

import json
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

BATCH, SEQUENCE, HIDDEN, PROJECTION, LABELS, TEXTS, INTERMEDIATE = 3, 6, 8, 5, 4, 3, 7


def masked_mean(states, mask):
    weights = mask.unsqueeze(-1)
    return (states * weights).sum(1) / weights.sum(1).clamp(min=1)


class ClsHead(nn.Module):
    def __init__(self, pooling, classifier, activation):
        super().__init__()
        self.pooling, self.activation = pooling, activation
        if classifier == "mlp":
            self.pre_classifier = nn.Linear(HIDDEN, INTERMEDIATE)
            self.classifier = nn.Linear(INTERMEDIATE, LABELS)
        else:
            self.pre_classifier = None
            self.classifier = nn.Linear(HIDDEN, LABELS)

    def forward(self, states, mask):
        pooled = states[:, 0] if self.pooling == "cls" else masked_mean(states, mask)
        if self.pre_classifier is not None:
            dense = self.pre_classifier(pooled)
            pooled = torch.tanh(dense) if self.activation == "tanh" else F.gelu(dense)
        return self.classifier(pooled), None


class LAAT(nn.Module):
    def __init__(self):
        super().__init__()
        self.first_linear = nn.Linear(HIDDEN, PROJECTION, bias=False)
        self.second_linear = nn.Linear(PROJECTION, LABELS, bias=False)
        self.third_linear = nn.Linear(HIDDEN, LABELS)

    def forward(self, states, mask):
        z = torch.tanh(self.first_linear(states))  # [b, s, d_a]
        scores = self.second_linear(z).transpose(1, 2)  # [b, L, s]
        scores = scores.masked_fill(mask.unsqueeze(1) == 0, float("-inf"))
        attention = torch.nan_to_num(F.softmax(scores, dim=2), nan=0.0)  # a fully padded note: 0
        v = attention @ states  # [b, L, h]
        logits = self.third_linear.weight.mul(v).sum(dim=2).add(self.third_linear.bias)
        return logits, attention


class LabelAttentionHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_attention = LAAT()

    def forward(self, states, mask):
        return self.label_attention(states, mask)


class KnowledgeLAAT(nn.Module):
    def __init__(self, knowledge):
        super().__init__()
        self.knowledge = knowledge  # D_m, constant
        self.knowledge_injection = nn.Linear(HIDDEN, HIDDEN, bias=False)
        self.label_attention = LAAT()

    def forward(self, states, mask):
        zm = self.knowledge_injection(self.knowledge)  # Z_m = D_m W_k: [m, h]
        a = F.softmax(states @ zm.T, dim=2)  # [b, s, m]
        return self.label_attention(states + a @ zm, mask)


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(x) for x in t.detach().reshape(-1).tolist()]}


def case(module, config, states, mask, targets, extra=None):
    for parameter in module.parameters():
        with torch.no_grad():
            parameter.copy_(torch.randn_like(parameter) * 0.7)
    logits, attention = module(states, mask)
    loss = F.binary_cross_entropy_with_logits(logits, targets)
    module.zero_grad()
    loss.backward()
    out = {
        "config": config,
        "weights": {name: tensor_json(p) for name, p in module.named_parameters()},
        "grads": {name: tensor_json(p.grad) for name, p in module.named_parameters()},
        "logits": tensor_json(logits),
        "loss": float(loss),
    }
    if attention is not None:
        out["labelAttention"] = tensor_json(attention)
    if extra:
        out.update(extra)
    return out


def main():
    states = torch.randn(BATCH, SEQUENCE, HIDDEN)
    mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0], [1, 1, 0, 0, 0, 0]], dtype=torch.float64)
    targets = torch.tensor([[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 1, 1]], dtype=torch.float64)
    padded_mask = mask.clone()
    padded_mask[2] = 0  # the third note fully padded
    labels = ["I10", "E11.9", "J18.9", "N18.3"]
    knowledge = torch.randn(TEXTS, HIDDEN)
    cases = {
        "cls_linear_mean": case(
            ClsHead("mean", "linear", "tanh"),
            {"labels": labels, "hiddenSize": HIDDEN, "pooling": "mean", "classifier": "linear"},
            states, mask, targets,
        ),
        "cls_mlp_cls_tanh": case(
            ClsHead("cls", "mlp", "tanh"),
            {"labels": labels, "hiddenSize": HIDDEN, "pooling": "cls", "classifier": "mlp",
             "intermediateSize": INTERMEDIATE, "activation": "tanh"},
            states, mask, targets,
        ),
        "cls_mlp_mean_gelu": case(
            ClsHead("mean", "mlp", "gelu"),
            {"labels": labels, "hiddenSize": HIDDEN, "pooling": "mean", "classifier": "mlp",
             "intermediateSize": INTERMEDIATE, "activation": "gelu"},
            states, mask, targets,
        ),
        "label_attention": case(
            LabelAttentionHead(), {"labels": labels, "hiddenSize": HIDDEN, "projectionSize": PROJECTION}, states, padded_mask, targets,
        ),
    }
    ki = KnowledgeLAAT(knowledge)
    # nn.Module names of the nested LAAT are label_attention.first_linear.weight, ...: icd's names.
    cases["knowledge_label_attention"] = case(
        ki, {"labels": labels, "hiddenSize": HIDDEN, "projectionSize": PROJECTION}, states, padded_mask, targets,
        {"knowledgeEmbeddings": tensor_json(knowledge)},
    )
    for name in ("label_attention", "knowledge_label_attention"):
        cases[name]["mask"] = tensor_json(padded_mask)
    fixture = {
        "generator": "packages/heads/scripts/layers_reference.py",
        "torch": torch.__version__,
        "hiddenStates": tensor_json(states),
        "attentionMask": tensor_json(mask),
        "targets": tensor_json(targets),
        "cases": cases,
    }
    path = Path(__file__).resolve().parent.parent / "fixtures" / "layers-reference.json"
    path.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
