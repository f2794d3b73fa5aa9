#!/usr/bin/python3
"""Checks every exported fixture (packages/onnx/fixtures/onnx/*.onnx) with the ONNX reference checker.

For each file: onnx.checker.check_model(model, full_check=True) (schema, types, and strict shape
inference), then onnx.shape_inference.infer_shapes(strict_mode=True) for the inferred output types.
Writes fixtures/onnx/check.json: per file the onnx version, IR version, opsets, operator counts, graph
inputs and outputs with their (symbolic) shapes, and the SHA-256 of the bytes checked, which the tests
compare with a fresh export so that the verdict applies to what the exporter writes now.

Debian's python3-onnx is 1.12.0: it has no onnx.reference (ReferenceEvaluator, added in 1.13), and
Python onnxruntime is not installed here, so numeric references come from make-reference.py (PyTorch).

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


def main():
    report = {"onnx": onnx.__version__, "fullCheck": True, "files": {}}
    for path in sorted(glob.glob(os.path.join(FOLDER, "*.onnx"))):
        with open(path, "rb") as f:
            data = f.read()
        model = onnx.load_from_string(data)
        onnx.checker.check_model(model, full_check=True)
        inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        report["files"][os.path.basename(path)] = {
            "passed": True,
            "sha256": hashlib.sha256(data).hexdigest(),
            "irVersion": model.ir_version,
            "opsets": {(o.domain or "ai.onnx"): o.version for o in model.opset_import},
            "operators": dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items())),
            "initializers": len(model.graph.initializer),
            "inputs": describe(model.graph.input),
            "outputs": describe(inferred.graph.output),
        }
        print("checked", os.path.basename(path))
    with open(os.path.join(FOLDER, "check.json"), "w") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
