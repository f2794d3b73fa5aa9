#!/usr/bin/python3
"""Reference values for @icd/metrics tests, computed with scikit-learn and numpy.

Run from the repository root with Debian's Python (it has scikit-learn and numpy):

    /usr/bin/python3 packages/metrics/scripts/make-fixtures.py

Writes packages/metrics/fixtures/sklearn.json. Cases are drawn from fixed seeds, so the output is
deterministic for a given scikit-learn / numpy version (recorded in the file).
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics

warnings.filterwarnings("ignore")
rng = np.random.default_rng(20241124)
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "sklearn.json")


def tolist(value):
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return [tolist(v) for v in value] if value.ndim > 1 else [float(v) if np.issubdtype(value.dtype, np.floating) or np.issubdtype(value.dtype, np.integer) else v for v in value.tolist()]
    if isinstance(value, (np.floating, np.integer)):
        return float(value)
    return value


def rounded_scores(shape, decimals):
    """Scores with few decimals, so that ties are common."""
    return np.round(rng.random(shape), decimals)


def multilabel(rows, cols, density):
    return (rng.random((rows, cols)) < density).astype(int)


# ---------------------------------------------------------------- classification (vectors and matrices)
classification = []


def add_classification(name, y_true, y_pred, averages, labels=None):
    case = {"name": name, "yTrue": tolist(np.asarray(y_true)), "yPred": tolist(np.asarray(y_pred)), "results": []}
    if labels is not None:
        case["labels"] = labels
    for average in averages:
        for zero_division in (0, 1):
            kwargs = dict(average=average, zero_division=zero_division)
            if labels is not None:
                kwargs["labels"] = labels
            p, r, f, s = metrics.precision_recall_fscore_support(y_true, y_pred, **kwargs)
            f2 = metrics.fbeta_score(y_true, y_pred, beta=2, **kwargs)
            j = metrics.jaccard_score(y_true, y_pred, **kwargs)
            case["results"].append(
                {"average": average, "zeroDivision": zero_division, "precision": tolist(p), "recall": tolist(r),
                 "fScore": tolist(f), "support": tolist(s), "f2": tolist(f2), "jaccard": tolist(j)}
            )
    case["accuracy"] = float(metrics.accuracy_score(y_true, y_pred))
    if np.asarray(y_true).ndim == 1:
        case["confusionMatrix"] = tolist(metrics.confusion_matrix(y_true, y_pred, labels=labels))
    else:
        yt, yp = np.asarray(y_true), np.asarray(y_pred)
        p_macro = metrics.precision_score(yt, yp, average="macro", zero_division=0)
        r_macro = metrics.recall_score(yt, yp, average="macro", zero_division=0)
        # CAML's macro-F1: harmonic mean of macro-precision and macro-recall.
        case["camlMacroF1"] = 0.0 if p_macro + r_macro == 0 else float(2 * p_macro * r_macro / (p_macro + r_macro))
        case["meanOfPerLabelF1"] = float(metrics.f1_score(yt, yp, average="macro", zero_division=0))
    classification.append(case)


y = rng.integers(0, 2, 40)
add_classification("binary random", y, np.where(rng.random(40) < 0.3, 1 - y, y), ["binary", "micro", "macro", "weighted", None])
add_classification("binary never predicts positive", [0, 1, 1, 0, 1], [0, 0, 0, 0, 0], ["binary", "macro", None])
add_classification("binary all negative", [0, 0, 0, 0], [0, 0, 0, 0], ["binary", "micro", "macro", "weighted", None])
y = rng.integers(0, 5, 60)
add_classification("multiclass random", y, np.where(rng.random(60) < 0.4, rng.integers(0, 5, 60), y), ["micro", "macro", "weighted", None])
add_classification("multiclass label subset", [0, 1, 2, 0, 1, 2, 3], [0, 2, 1, 0, 0, 1, 3], ["micro", "macro", "weighted", None], labels=[2, 0, 1, 3])
add_classification("multiclass strings", ["cat", "dog", "pig", "cat", "dog", "pig"], ["cat", "pig", "dog", "cat", "cat", "dog"], ["micro", "macro", "weighted", None])
add_classification("multiclass absent predicted class", [0, 1, 2, 2, 1], [0, 1, 1, 1, 3], ["micro", "macro", "weighted", None])
yt = multilabel(30, 7, 0.3)
yt[:, 6] = 0  # a label that is never gold
yp = np.where(rng.random((30, 7)) < 0.2, 1 - yt, yt)
yp[:, 5] = 0  # a label that is never predicted
yp[3] = 0
yt[3] = 0  # a document with nothing gold and nothing predicted
add_classification("multilabel with empty label and row", yt, yp, ["micro", "macro", "weighted", "samples", None])
add_classification("multilabel column subset", yt, yp, ["micro", "macro", None], labels=[4, 0, 2])
add_classification("multilabel all zero", np.zeros((4, 3), int), np.zeros((4, 3), int), ["micro", "macro", "weighted", "samples", None])
add_classification("multilabel no gold some predicted", np.zeros((3, 2), int), [[1, 0], [0, 0], [0, 1]], ["micro", "macro", "weighted", "samples", None])

# ---------------------------------------------------------------- curves, AUC, AP
binary_ranking = []
for name, y_true, y_score in [
    ("docstring", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
    ("random continuous", rng.integers(0, 2, 50), rng.random(50)),
    ("many ties", rng.integers(0, 2, 60), rounded_scores(60, 1)),
    ("all tied", [0, 1, 0, 1, 1], [0.5] * 5),
    ("perfect", [0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.9, 0.9]),
    ("inverted with ties", [1, 1, 0, 0, 1, 0], [0.1, 0.1, 0.9, 0.9, 0.5, 0.5]),
    ("minus one labels", [-1, 1, -1, 1, 1, -1, -1], [0.3, 0.7, 0.3, 0.2, 0.9, -0.5, 0.0]),
]:
    y_true, y_score = np.asarray(y_true), np.asarray(y_score, dtype=float)
    fpr, tpr, thr = metrics.roc_curve(y_true, y_score)
    fpr_all, tpr_all, thr_all = metrics.roc_curve(y_true, y_score, drop_intermediate=False)
    prec, rec, pr_thr = metrics.precision_recall_curve(y_true, y_score)
    binary_ranking.append({
        "name": name, "yTrue": tolist(y_true), "yScore": tolist(y_score),
        "rocAuc": float(metrics.roc_auc_score(y_true, y_score)),
        "averagePrecision": float(metrics.average_precision_score(y_true, y_score)),
        # thresholds[0] is max + 1 in scikit-learn 1.2 and +inf from 1.3: tests compare thresholds[1:].
        "roc": {"fpr": tolist(fpr), "tpr": tolist(tpr), "thresholdsAfterFirst": tolist(thr[1:])},
        "rocAll": {"fpr": tolist(fpr_all), "tpr": tolist(tpr_all), "thresholdsAfterFirst": tolist(thr_all[1:])},
        "precisionRecall": {"precision": tolist(prec), "recall": tolist(rec), "thresholds": tolist(pr_thr)},
    })

multilabel_ranking = []
for name, rows, cols, density, decimals in [("continuous", 40, 6, 0.3, 6), ("tied scores", 35, 5, 0.4, 1)]:
    y_true = multilabel(rows, cols, density)
    for row in range(rows):  # every row and every label gets a positive and a negative
        y_true[row, row % cols] = 1
        y_true[row, (row + 1) % cols] = 0
    y_score = rounded_scores((rows, cols), decimals)
    case = {"name": name, "yTrue": tolist(y_true), "yScore": tolist(y_score), "rocAuc": {}, "averagePrecision": {}}
    for average in ("micro", "macro", "weighted", "samples", None):
        case["rocAuc"][str(average)] = tolist(metrics.roc_auc_score(y_true, y_score, average=average))
        case["averagePrecision"][str(average)] = tolist(metrics.average_precision_score(y_true, y_score, average=average))
    multilabel_ranking.append(case)

# Labels with no positive / all positive: scikit-learn raises; 'skip' must equal scikit-learn on the
# labels that remain.
y_true = multilabel(30, 6, 0.3)
y_true[:, 2] = 0
y_true[:, 4] = 1
y_true[0, [0, 1, 3, 5]] = [1, 1, 1, 1]
y_true[1, [0, 1, 3, 5]] = [0, 0, 0, 0]
y_score = rounded_scores((30, 6), 2)
keep = [0, 1, 3, 5]
skip_case = {
    "yTrue": tolist(y_true), "yScore": tolist(y_score), "skippedLabels": [2, 4],
    "macroOverDefined": float(metrics.roc_auc_score(y_true[:, keep], y_score[:, keep], average="macro")),
    "weightedOverDefined": float(metrics.roc_auc_score(y_true[:, keep], y_score[:, keep], average="weighted")),
    "perLabelDefined": tolist(metrics.roc_auc_score(y_true[:, keep], y_score[:, keep], average=None)),
    "averagePrecisionMacro": float(metrics.average_precision_score(y_true, y_score, average="macro")),
    "averagePrecisionPerLabel": tolist(metrics.average_precision_score(y_true, y_score, average=None)),
}

multiclass_ranking = []
for name, rows, classes in [("four classes", 50, 4), ("three classes tied", 40, 3)]:
    y_true = rng.integers(0, classes, rows)
    y_true[:classes] = np.arange(classes)
    raw = rng.random((rows, classes))
    if name.endswith("tied"):
        raw = np.round(raw, 1) + 0.05
    y_score = raw / raw.sum(axis=1, keepdims=True)
    case = {"name": name, "yTrue": tolist(y_true), "yScore": tolist(y_score), "rocAuc": {}}
    for average in ("micro", "macro", "weighted", None):
        case["rocAuc"][str(average)] = tolist(metrics.roc_auc_score(y_true, y_score, multi_class="ovr", average=average))
    multiclass_ranking.append(case)

# ---------------------------------------------------------------- ranking at k (numpy, stable tie order)
def gold_in_top(y_true, y_score, ks):
    order = np.argsort(-y_score, axis=1, kind="stable")  # ties: lower column first
    return np.array([y_true[i, order[i, : ks[i]]].sum() for i in range(len(y_true))], dtype=float)


at_k = []
for name, rows, cols, decimals in [("continuous", 25, 12, 6), ("ties", 25, 12, 1)]:
    y_true = multilabel(rows, cols, 0.25)
    y_true[2] = 0
    y_score = rounded_scores((rows, cols), decimals)
    gold = y_true.sum(axis=1)
    case = {"name": name, "yTrue": tolist(y_true), "yScore": tolist(y_score), "precisionAtK": {}, "recallAtK": {}, "recallAtKSkip": {}}
    for k in (1, 3, 5, 12, 20):
        hits = gold_in_top(y_true, y_score, [k] * rows)
        case["precisionAtK"][str(k)] = float(np.mean(hits / k))
        with np.errstate(invalid="ignore", divide="ignore"):
            recall = hits / gold
        case["recallAtKSkip"][str(k)] = float(np.mean(recall[gold > 0]))
        recall[np.isnan(recall)] = 0.0
        case["recallAtK"][str(k)] = float(np.mean(recall))
    hits = gold_in_top(y_true, y_score, gold)
    case["rPrecision"] = float(np.mean(hits[gold > 0] / gold[gold > 0]))
    at_k.append(case)

# ---------------------------------------------------------------- threshold tuning (brute force)
def micro_f1(y_true, y_score, thresholds):
    return metrics.f1_score(y_true, (y_score >= thresholds).astype(int), average="micro", zero_division=0)


def best_threshold(candidates, evaluate):
    """Highest F1; among equal F1 (within 1e-12) the highest threshold."""
    best_value, best_f1 = None, -1.0
    for candidate in sorted(candidates, reverse=True):
        f1 = evaluate(candidate)
        if f1 > best_f1 + 1e-12:
            best_value, best_f1 = candidate, f1
    return best_value, best_f1


tuning = []
for name, decimals in [("continuous", 3), ("ties", 1)]:
    y_true = multilabel(30, 5, 0.3)
    y_score = np.clip(y_true * 0.3 + rounded_scores((30, 5), decimals) * 0.8, 0, 1)
    y_score = np.round(y_score, decimals)
    global_threshold, global_f1 = best_threshold(np.unique(y_score), lambda t: micro_f1(y_true, y_score, t))
    # Per label: coordinate ascent from the global threshold, labels in order, until a sweep changes nothing.
    thresholds = np.full(y_score.shape[1], global_threshold)
    for sweep in range(10):
        changed = False
        for label in range(y_score.shape[1]):
            def evaluate(candidate):
                trial = thresholds.copy()
                trial[label] = candidate
                return micro_f1(y_true, y_score, trial)
            current = evaluate(thresholds[label])
            candidate, f1 = best_threshold(list(np.unique(y_score[:, label])) + [np.inf], evaluate)
            if f1 > current + 1e-12:
                thresholds[label] = candidate
                changed = True
        if not changed:
            break
    tuning.append({
        "name": name, "yTrue": tolist(y_true), "yScore": tolist(y_score),
        "globalThreshold": float(global_threshold), "globalMicroF1": float(global_f1),
        "perLabelThresholds": [float(t) if np.isfinite(t) else "Infinity" for t in thresholds],
        "perLabelMicroF1": float(micro_f1(y_true, y_score, thresholds)),
    })

# ---------------------------------------------------------------- percentiles (numpy's linear method)
samples = rng.random(37)
percentiles = {"samples": tolist(samples), "q": [0, 2.5, 50, 97.5, 100], "values": tolist(np.percentile(samples, [0, 2.5, 50, 97.5, 100]))}

# ---------------------------------------------------------------- classification_report text
reports = []
for name, y_true, y_pred, kwargs in [
    ("multiclass strings", ["cat", "dog", "pig", "cat", "dog", "pig", "cat"], ["cat", "pig", "dog", "cat", "cat", "dog", "cat"], {}),
    ("multiclass ints digits 4", [0, 1, 2, 2, 0, 1, 1, 2], [0, 2, 2, 2, 0, 1, 0, 1], {"digits": 4}),
    ("multilabel", [[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 1], [1, 0, 0], [0, 0, 1]], {"digits": 3}),
    ("binary ties to even", [1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1], {"digits": 2}),
    # An explicit labels list that covers every label still shows `accuracy` (sklearn's micro_is_accuracy:
    # set(labels) >= set(unique_labels(y_true, y_pred))), in the given order and with unseen labels.
    ("multiclass strings, full labels reordered", ["cat", "dog", "pig", "cat", "dog", "pig", "cat"], ["cat", "pig", "dog", "cat", "cat", "dog", "cat"], {"labels": ["pig", "cat", "dog"]}),
    ("multiclass ints, labels with an unseen class", [0, 1, 2, 2, 0, 1, 1, 2], [0, 2, 2, 2, 0, 1, 0, 1], {"labels": [0, 1, 2, 3], "digits": 3}),
    ("binary, full labels", [1, 0, 1, 1, 0], [1, 1, 0, 1, 0], {"labels": [0, 1]}),
    ("multilabel, labels subset", [[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]], [[1, 0, 0], [0, 1, 1], [1, 0, 0], [0, 0, 1]], {"labels": [0, 2]}),
]:
    reports.append({"name": name, "yTrue": y_true, "yPred": y_pred, "digits": kwargs.get("digits", 2),
                    **({"labels": kwargs["labels"]} if "labels" in kwargs else {}),
                    "text": metrics.classification_report(y_true, y_pred, zero_division=0, **kwargs)})

fixture = {
    "classificationReport": reports,
    "generator": "packages/metrics/scripts/make-fixtures.py",
    "sklearnVersion": sklearn.__version__,
    "numpyVersion": np.__version__,
    "classification": classification,
    "binaryRanking": binary_ranking,
    "multilabelRanking": multilabel_ranking,
    "undefinedLabels": skip_case,
    "multiclassRanking": multiclass_ranking,
    "atK": at_k,
    "thresholdTuning": tuning,
    "percentiles": percentiles,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as handle:
    json.dump(fixture, handle, separators=(",", ":"))
print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes")
