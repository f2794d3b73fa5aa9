"""Reference values for @icd/keybert's cosine ranking, MMR, Max Sum and seed keywords.

KeyBERT's algorithms (keybert/_mmr.py, keybert/_maxsum.py and the ranking / seed-keyword lines of
keybert/_model.py, https://github.com/MaartenGr/KeyBERT, MIT licence, (c) Maarten Grootendorst) are
re-typed below on plain numpy arrays with scikit-learn's cosine_similarity, WITHOUT the final
round(..., 4), so the tests can compare unrounded scores.

Run: /usr/bin/python3 packages/keybert/scripts/make-keybert-fixtures.py
Writes: packages/keybert/fixtures/keybert.json
"""

import itertools
import json
import os

import numpy as np
from sklearn.metrics.pairwise import cosine_similarity


def rank(doc_embedding, word_embeddings, words, top_n):
    # keybert/_model.py: distances = cosine_similarity(doc_embedding, candidate_embeddings)
    #   keywords = [(candidates[index], round(float(distances[0][index]), 4))
    #               for index in distances.argsort()[0][-top_n:]][::-1]
    distances = cosine_similarity(doc_embedding, word_embeddings)
    return [(words[i], float(distances[0][i])) for i in distances.argsort()[0][-top_n:]][::-1]


def mmr(doc_embedding, word_embeddings, words, top_n, diversity):
    # keybert/_mmr.py
    word_doc_similarity = cosine_similarity(word_embeddings, doc_embedding)
    word_similarity = cosine_similarity(word_embeddings)
    keywords_idx = [np.argmax(word_doc_similarity)]
    candidates_idx = [i for i in range(len(words)) if i != keywords_idx[0]]
    for _ in range(min(top_n - 1, len(words) - 1)):
        candidate_similarities = word_doc_similarity[candidates_idx, :]
        target_similarities = np.max(word_similarity[candidates_idx][:, keywords_idx], axis=1)
        mmr_scores = (1 - diversity) * candidate_similarities - diversity * target_similarities.reshape(-1, 1)
        if mmr_scores.size == 0:
            continue
        mmr_idx = candidates_idx[np.argmax(mmr_scores)]
        keywords_idx.append(mmr_idx)
        candidates_idx.remove(mmr_idx)
    keywords = [(words[idx], float(word_doc_similarity.reshape(1, -1)[0][idx])) for idx in keywords_idx]
    # keybert/_mmr.py: keywords = sorted(keywords, key=itemgetter(1), reverse=True) (stable)
    return sorted(keywords, key=lambda keyword: keyword[1], reverse=True)


def max_sum_distance(doc_embedding, word_embeddings, words, top_n, nr_candidates):
    # keybert/_maxsum.py
    if nr_candidates < top_n:
        raise Exception("Make sure that the number of candidates exceeds the number of keywords to return.")
    elif top_n > len(words):
        return []
    distances = cosine_similarity(doc_embedding, word_embeddings)
    distances_words = cosine_similarity(word_embeddings, word_embeddings)
    words_idx = list(distances.argsort()[0][-nr_candidates:])
    words_vals = [words[index] for index in words_idx]
    candidates = distances_words[np.ix_(words_idx, words_idx)]
    min_sim = 100_000
    candidate = None
    for combination in itertools.combinations(range(len(words_idx)), top_n):
        sim = sum([candidates[i][j] for i in combination for j in combination if i != j])
        if sim < min_sim:
            candidate = combination
            min_sim = sim
    return [(words_vals[idx], float(distances[0][words_idx[idx]])) for idx in candidate]


def seeded(doc_embedding, seed_embeddings):
    # keybert/_model.py: seed_embeddings = self.model.embed([" ".join(seed_keywords)]) (or the mean of
    # several seed embeddings); doc_embedding = np.average([doc_embedding, seed_embeddings], axis=0, weights=[3, 1])
    seed = np.mean(seed_embeddings, axis=0, keepdims=True)
    return np.average([doc_embedding, seed], axis=0, weights=[3, 1])


def pairs(result):
    return [{"text": text, "score": score} for text, score in result]


rng = np.random.default_rng(20201)
cases = []
for case_index, (count, width) in enumerate([(12, 8), (25, 16), (40, 32)]):
    # Candidates share a few directions with the document, so MMR and Max Sum have real trade-offs.
    basis = rng.normal(size=(4, width))
    doc = basis[0] + 0.5 * basis[1] + 0.1 * rng.normal(size=width)
    words_emb = rng.normal(size=(count, 4)) @ basis + 0.6 * rng.normal(size=(count, width))
    doc = np.round(doc, 6).reshape(1, -1)
    words_emb = np.round(words_emb, 6)
    words = [f"w{case_index}_{i}" for i in range(count)]
    seeds = np.round(rng.normal(size=(2, width)), 6)
    seeded_doc = seeded(doc, seeds)
    case = {
        "document": doc[0].tolist(),
        "candidates": words,
        "embeddings": words_emb.tolist(),
        "seeds": seeds.tolist(),
        "seededDocument": seeded_doc[0].tolist(),
        "rank": {str(n): pairs(rank(doc, words_emb, words, n)) for n in (1, 5, count)},
        "seededRank": pairs(rank(seeded_doc, words_emb, words, 5)),
        "mmr": [
            {"topN": n, "diversity": d, "result": pairs(mmr(doc, words_emb, words, n, d))}
            for n in (1, 5, 10) for d in (0.0, 0.3, 0.7, 1.0)
        ],
        "maxSum": [
            {"topN": n, "candidateCount": c, "result": pairs(max_sum_distance(doc, words_emb, words, n, c))}
            for n, c in ((3, 6), (5, 10), (5, 12), (2, count + 5))
        ],
    }
    cases.append(case)

out = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keybert.json")
with open(out, "w") as handle:
    json.dump({"generator": "scripts/make-keybert-fixtures.py", "cases": cases}, handle, indent=1)
print("wrote", os.path.normpath(out))
