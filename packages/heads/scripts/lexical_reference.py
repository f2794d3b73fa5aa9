"""Reference for LexicalCoder: scikit-learn TfidfVectorizer + one-vs-rest LogisticRegression.

Run from the repository root with Debian's Python (scikit-learn installed):
    /usr/bin/python3 packages/heads/scripts/lexical_reference.py
Writes packages/heads/fixtures/lexical-reference.json.
"""
import json
import random
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

random.seed(7)
# newton-cg warns at tol=1e-9 although the gradient is ~1e-8 (checked below and written to the fixture).
warnings.filterwarnings("ignore")
phrases = {
    "I48.91": ["atrial fibrillation", "irregularly irregular rhythm", "fibrilación auricular"],
    "I10": ["essential hypertension", "high blood pressure", "HTN_on_lisinopril"],
    "E11.9": ["type 2 diabetes", "metformin 500 mg", "HbA1c 8.2%"],
    "J18.9": ["pneumonia", "right lower lobe consolidation", "neumonía basal"],
    "N18.3": ["chronic kidney disease stage 3", "eGFR 45", "creatinine 1.9"],
}
filler = [
    "the patient was seen in clinic", "no acute distress", "follow up in two weeks",
    "vital signs stable", "denies chest pain", "Señora de 72 años", "reviewed labs today",
    "plan discussed with family", "ECG obtained", "continue current medications",
]
codes = sorted(phrases)
train_docs, train_labels = [], []
for index in range(40):
    chosen = [code for code in codes if random.random() < 0.35] or [random.choice(codes)]
    parts = [random.choice(filler) for _ in range(3)]
    for code in chosen:
        parts.append(random.choice(phrases[code]))
    random.shuffle(parts)
    train_docs.append(". ".join(parts) + ".")
    train_labels.append(chosen)
test_docs = [
    "Atrial fibrillation, irregularly irregular rhythm; metformin 500 mg daily.",
    "Pneumonia of the right lower lobe. Vital signs stable. eGFR 45.",
    "Nothing relevant here: a_b_c 123 ÁRBOL árbol.",
    "",
]

C = 4.0
vectorizer = TfidfVectorizer(
    lowercase=True, token_pattern=r"[^\W_]+", ngram_range=(1, 2), min_df=2,
    sublinear_tf=True, smooth_idf=True, norm="l2",
)
x_train = vectorizer.fit_transform(train_docs)
x_test = vectorizer.transform(test_docs)
vocabulary = list(vectorizer.get_feature_names_out())


def sparse_rows(matrix):
    matrix = matrix.tocsr()
    matrix.sort_indices()
    return [
        {"indices": matrix.indices[matrix.indptr[r]:matrix.indptr[r + 1]].tolist(),
         "values": matrix.data[matrix.indptr[r]:matrix.indptr[r + 1]].tolist()}
        for r in range(matrix.shape[0])
    ]


coefficients, intercepts, probabilities = [], [], []
max_gradient = 0.0
for code in codes:
    y = np.array([1 if code in labels else 0 for labels in train_labels])
    # newton-cg reaches the optimum to ~1e-10 (lbfgs stops on its ftol with gradients ~1e-4 here).
    model = LogisticRegression(C=C, penalty="l2", solver="newton-cg", tol=1e-9, max_iter=200)
    model.fit(x_train, y)
    coefficients.append(model.coef_[0].tolist())
    intercepts.append(float(model.intercept_[0]))
    residual = -(2 * y - 1) / (1 + np.exp((2 * y - 1) * model.decision_function(x_train)))
    gradient = C * (x_train.T @ residual) + model.coef_[0]
    max_gradient = max(max_gradient, float(np.abs(gradient).max()), abs(C * residual.sum()))
    probabilities.append(model.predict_proba(x_test)[:, 1].tolist())

out = {
    "generator": "packages/heads/scripts/lexical_reference.py",
    "sklearn": sklearn.__version__,
    "C": C,
    "maxGradient": max_gradient,
    "minDf": 2,
    "trainDocs": train_docs,
    "trainLabels": train_labels,
    "testDocs": test_docs,
    "codes": codes,
    "vocabulary": vocabulary,
    "idf": vectorizer.idf_.tolist(),
    "trainRows": sparse_rows(x_train),
    "testRows": sparse_rows(x_test),
    "coefficients": coefficients,
    "intercepts": intercepts,
    # probabilities[t][code index] for test doc t
    "probabilities": np.array(probabilities).T.tolist(),
}
path = Path(__file__).resolve().parent.parent / "fixtures" / "lexical-reference.json"
path.write_text(json.dumps(out, ensure_ascii=False) + "\n")
print(f"wrote {path}: {len(vocabulary)} features, {len(train_docs)} train docs")
