#!/usr/bin/python3
"""Checks every exported fixture (packages/onnx/fixtures/onnx/*.onnx) with the ONNX reference checker.

For each file: onnx.checker.check_model(model, full_check=True) (schema, types, and strict shape
inference), then onnx.shape_inference.infer_shapes(strict_mode=True) for the inferred output types.
Writes fixtures/onnx/check.json: per file the onnx version, IR version, opsets, operator counts, graph
inputs and outputs with their (symbolic) shapes, and the SHA-256 of the bytes checked, which the tests
compare with a fresh export so that the verdict applies to what the exporter writes now.

Debian's python3-onnx is 1.12.0: it has no onnx.reference (ReferenceEvaluator, added in 1.13), and
Python onnxruntime is not installed here, so numeric references come from make-reference.py (PyTorch).

Files exported with a label head (metadata icd.head, from exportOnnx(bert, { head })) are also checked
against the head's saved config: output `logits` is [batch_size, numLabels] float, LabelAttention files
also output `label_attention` [batch_size, numLabels, sequence_length], and every head weight is an
initializer under its @icd/heads name with the [in, out] shape the config implies.

Run: /usr/bin/python3 packages/onnx/scripts/check-onnx.py
"""
import collections
import glob
import hashlib
import json
import os

import onnx

FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "onnx")


def describe(values):
    result = []
    for value in values:
        tensor = value.type.tensor_type
        dims = [d.dim_param if d.dim_param else d.dim_value for d in tensor.shape.dim]
        result.append({"name": value.name, "elemType": onnx.TensorProto.DataType.Name(tensor.elem_type), "shape": dims})
    return result


def head_weight_shapes(head, hidden):
    labels = len(head["labels"])
    if head["headType"] == "cls":
        if head["classifier"] == "mlp":
            inner = head["intermediateSize"]
            return {"pre_classifier.weight": [hidden, inner], "pre_classifier.bias": [inner],
                    "classifier.weight": [inner, labels], "classifier.bias": [labels]}
        return {"classifier.weight": [hidden, labels], "classifier.bias": [labels]}
    if head["headType"] == "label_attention":
        projection = head["projectionSize"]
        return {"label_attention.first_linear.weight": [hidden, projection],
                "label_attention.second_linear.weight": [projection, labels],
                "label_attention.third_linear.weight": [hidden, labels],
                "label_attention.third_linear.bias": [labels]}
    raise AssertionError("unknown head type %r" % head["headType"])


def check_head(model, inferred, head):
    """The head outputs and weights agree with the config in icd.head; returns what was checked."""
    labels = len(head["labels"])
    outputs = {o["name"]: o for o in describe(inferred.graph.output)}
    assert outputs["logits"]["elemType"] == "FLOAT", outputs["logits"]
    assert outputs["logits"]["shape"] == ["batch_size", labels], outputs["logits"]
    if head["headType"] == "label_attention":
        attention = outputs["label_attention"]
        assert attention["shape"] == ["batch_size", labels, "sequence_length"], attention
    else:
        assert "label_attention" not in outputs
    initializers = {t.name: list(t.dims) for t in model.graph.initializer}
    expected = head_weight_shapes(head, head["hiddenSize"])
    for name, shape in expected.items():
        assert initializers.get(name) == shape, (name, initializers.get(name), shape)
    return {"headType": head["headType"], "labels": labels, "weights": expected}


def main():
    report = {"onnx": onnx.__version__, "fullCheck": True, "files": {}}
    for path in sorted(glob.glob(os.path.join(FOLDER, "*.onnx"))):
        with open(path, "rb") as f:
            data = f.read()
        model = onnx.load_from_string(data)
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        metadata = {p.key: p.value for p in model.metadata_props}
        head = check_head(model, inferred, json.loads(metadata["icd.head"])) if "icd.head" in metadata else None
        report["files"][os.path.basename(path)] = {
            "passed": True,
            "sha256": hashlib.sha256(data).hexdigest(),
            "irVersion": model.ir_version,
            "opsets": {(o.domain or "ai.onnx"): o.version for o in model.opset_import},
            "operators": dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items())),
            "initializers": len(model.graph.initializer),
            "inputs": describe(model.graph.input),
            "outputs": describe(inferred.graph.output),
            **({"head": head} if head else {}),
        }
        print("checked", os.path.basename(path))
    with open(os.path.join(FOLDER, "check.json"), "w") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
