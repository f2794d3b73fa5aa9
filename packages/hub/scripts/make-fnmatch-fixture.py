#!/usr/bin/python3
"""Reference answers of Python's fnmatch.fnmatch (what huggingface_hub's filter_repo_objects uses for
allow_patterns / ignore_patterns; a pattern ending in "/" gets "*" appended first) for matchesPattern.

Run: /usr/bin/python3 packages/hub/scripts/make-fnmatch-fixture.py  (standard library only)
"""
import fnmatch
import json
import os

PATHS = [
    "config.json",
    "model.safetensors",
    "model-00001-of-00002.safetensors",
    "pytorch_model.bin",
    "plm/config.json",
    "plm/model.safetensors",
    "plm/tokenizer/vocab.txt",
    "prompt.json",
    "a[1].txt",
    "README.md",
    ".gitattributes",
    "onnx/model.onnx",
    "x.y",
    "xay",
]
PATTERNS = [
    "*.json",
    "*.safetensors",
    "plm/*",
    "plm/",
    "*/config.json",
    "model-?????-of-?????.safetensors",
    "model*.safetensors",
    "[a-c]*",
    "[!p]*",
    "a[[]1].txt",
    "x.y",
    "*",
    "*.bin",
    "onnx/*.onnx",
    "README.*",
]


def matches(path, pattern):
    if pattern.endswith("/"):
        pattern += "*"
    # fnmatch.fnmatchcase: huggingface_hub calls fnmatch.fnmatch, which normalises case only on Windows.
    return fnmatch.fnmatchcase(path, pattern)


cases = [{"path": p, "pattern": q, "matches": matches(p, q)} for p in PATHS for q in PATTERNS]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "fnmatch-cases.json")
with open(out, "w") as f:
    json.dump({"source": "Python fnmatch.fnmatchcase (packages/hub/scripts/make-fnmatch-fixture.py)", "cases": cases}, f, indent=1)
    f.write("\n")
print(len(cases), "cases ->", out)
