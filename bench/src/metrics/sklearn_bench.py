#!/usr/bin/python3
"""scikit-learn side of `pnpm bench metrics`: times the same metrics on the same arrays.

Usage: sklearn_bench.py DATA_FILE ROWS COLS DEPTH REPEATS
DATA_FILE holds, back to back: y_true (uint8, rows*cols), y_score (float64, rows*cols), the ranked
label indices per document (int32, rows*depth). Prints one JSON object.
"""
import json
import sys
import time
import tracemalloc

import numpy as np
import sklearn
from sklearn.metrics import f1_score, roc_auc_score


def codiesp_map(gold, ranked, valid_codes, depth=1000):
    """CodiEsp MAP (lower-case, first occurrence kept, invalid codes dropped before ranking, mean over
    documents with a valid prediction), written plainly as the reference for the timing."""
    total, documents = 0.0, 0
    for document, codes in ranked.items():
        relevant = gold.get(document)
        seen, rank, hits, ap_sum = set(), 0, 0, 0.0
        for code in codes:
            if rank >= depth:
                break
            code = code.lower()
            if code in seen:
                continue
            seen.add(code)
            if code not in valid_codes:
                continue
            rank += 1
            if relevant is not None and code in relevant:
                hits += 1
                ap_sum += hits / rank
        if rank == 0:
            continue
        documents += 1
        if relevant:
            total += ap_sum / len(relevant)
    return total / documents if documents else 0.0


def timed(function, repeats):
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"value": float(value), "medianMs": float(np.median(times) * 1000), "peakBytes": int(peak)}


def main():
    path, rows, cols, depth, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    raw = open(path, "rb").read()
    y_true = np.frombuffer(raw, dtype=np.uint8, count=rows * cols).reshape(rows, cols)
    offset = rows * cols
    y_score = np.frombuffer(raw, dtype=np.float64, count=rows * cols, offset=offset).reshape(rows, cols)
    offset += rows * cols * 8
    ranked_indices = np.frombuffer(raw, dtype=np.int32, count=rows * depth, offset=offset).reshape(rows, depth)
    y_pred = (y_score >= 0.5).astype(np.uint8)
    codes = [f"C{index:05d}" for index in range(cols)]
    gold = {f"doc{row}": {codes[col].lower() for col in np.flatnonzero(y_true[row])} for row in range(rows)}
    ranked = {f"doc{row}": [codes[col] for col in ranked_indices[row]] for row in range(rows)}
    valid = {code.lower() for code in codes}
    result = {
        "sklearnVersion": sklearn.__version__,
        "numpyVersion": np.__version__,
        "python": sys.version.split()[0],
        "macroAuc": timed(lambda: roc_auc_score(y_true, y_score, average="macro"), repeats),
        "microF1": timed(lambda: f1_score(y_true, y_pred, average="micro"), repeats),
        "map": timed(lambda: codiesp_map(gold, ranked, valid), repeats),
    }
    print(json.dumps(result))


main()
