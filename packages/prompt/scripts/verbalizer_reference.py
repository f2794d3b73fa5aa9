"""Reference outputs of OpenPrompt's ManualVerbalizer and KnowledgeableVerbalizer on fixed logits.

OpenPrompt is not installed here; its algorithms are re-typed below, line for line, from
thunlp/OpenPrompt (Apache-2.0): openprompt/prompt_base.py (Verbalizer.normalize, handle_multi_token),
openprompt/prompts/manual_verbalizer.py (generate_parameters, project, process_logits, aggregate,
calibrate) and openprompt/prompts/knowledgeable_verbalizer.py (delete_common_words, add_prefix,
generate_parameters with max_token_split, register_calibrate_logits, aggregate). Label words are given
as lists of token ids per word (the tokenizer's job in OpenPrompt); the TypeScript test builds the same
ids with a MockTokenizer whose word "vN" has id N.

Run: /usr/bin/python3 packages/prompt/scripts/verbalizer_reference.py
Writes: packages/prompt/fixtures/verbalizer-reference.json
"""

import json
from pathlib import Path

import torch
import torch.nn.functional as F

VOCAB = 20


def word_ids(word):
    # "v6 v7" -> [6, 7]: the MockTokenizer of the test splits on spaces and maps vN to id N.
    return [int(piece[1:]) for piece in word.split()]


def generate_parameters(label_words):
    all_ids = [[word_ids(w) for w in words] for words in label_words]
    max_len = max(max(len(ids) for ids in per_label) for per_label in all_ids)
    max_num_label_words = max(len(per_label) for per_label in all_ids)
    words_ids_mask = [
        [[1] * len(ids) + [0] * (max_len - len(ids)) for ids in per_label]
        + [[0] * max_len] * (max_num_label_words - len(per_label))
        for per_label in all_ids
    ]
    words_ids = [
        [ids + [0] * (max_len - len(ids)) for ids in per_label]
        + [[0] * max_len] * (max_num_label_words - len(per_label))
        for per_label in all_ids
    ]
    words_ids = torch.tensor(words_ids)
    words_ids_mask = torch.tensor(words_ids_mask, dtype=torch.float32)
    label_words_mask = torch.clamp(words_ids_mask.sum(dim=-1), max=1)
    return words_ids, words_ids_mask, label_words_mask


def handle_multi_token(handler, label_words_logits, mask):
    if handler == "first":
        return label_words_logits.select(dim=-1, index=0)
    if handler == "max":
        label_words_logits = label_words_logits - 1000 * (1 - mask.unsqueeze(0))
        return label_words_logits.max(dim=-1).values
    if handler == "mean":
        return (label_words_logits * mask.unsqueeze(0)).sum(dim=-1) / (mask.unsqueeze(0).sum(dim=-1) + 1e-15)
    raise ValueError(handler)


def normalize(logits):
    batch_size = logits.shape[0]
    return F.softmax(logits.reshape(batch_size, -1), dim=-1).reshape(*logits.shape)


class Manual:
    def __init__(self, label_words, handler="first", post_log_softmax=True):
        self.handler = handler
        self.post_log_softmax = post_log_softmax
        self.set_label_words(label_words)
        self.calibrate_logits = None

    def set_label_words(self, label_words):
        self.label_words = label_words
        self.label_words_ids, self.words_ids_mask, self.label_words_mask = generate_parameters(label_words)

    def project(self, logits):
        label_words_logits = logits[:, self.label_words_ids]
        label_words_logits = handle_multi_token(self.handler, label_words_logits, self.words_ids_mask)
        label_words_logits -= 10000 * (1 - self.label_words_mask)
        return label_words_logits

    def calibrate(self, label_words_probs):
        shape = label_words_probs.shape
        calibrate_label_words_probs = normalize(self.project(self.calibrate_logits.unsqueeze(0)))
        label_words_probs /= calibrate_label_words_probs + 1e-15
        norm = label_words_probs.reshape(shape[0], -1).sum(dim=-1, keepdim=True)
        label_words_probs = label_words_probs.reshape(shape[0], -1) / norm
        return label_words_probs.reshape(*shape)

    def aggregate(self, label_words_logits):
        return (label_words_logits * self.label_words_mask).sum(-1) / self.label_words_mask.sum(-1)

    def process_logits(self, logits):
        label_words_logits = self.project(logits)
        if self.post_log_softmax:
            label_words_probs = normalize(label_words_logits)
            if self.calibrate_logits is not None:
                label_words_probs = self.calibrate(label_words_probs)
            label_words_logits = torch.log(label_words_probs + 1e-15)
        return self.aggregate(label_words_logits)


class Knowledgeable(Manual):
    def __init__(self, label_words, handler="first", max_token_split=-1, candidate_frac=0.5, pred_temp=1.0):
        self.max_token_split = max_token_split
        self.candidate_frac = candidate_frac
        self.pred_temp = pred_temp
        self.training = True
        super().__init__(label_words, handler)

    def set_label_words(self, label_words):
        label_words = [list(words) for words in label_words]
        # delete_common_words
        word_count = {}
        for per_class in label_words:
            for w in per_class:
                word_count[w] = word_count.get(w, 0) + 1
        for w in word_count:
            if word_count[w] >= 2:
                for per_class in label_words:
                    if w in per_class[1:]:
                        per_class.pop(per_class[1:].index(w) + 1)
        # add_prefix (prefix " ", lstrip) is the identity on these words for the MockTokenizer ids.
        kept = [[w for w in words if not (self.max_token_split > 0 and len(word_ids(w)) > self.max_token_split)] for words in label_words]
        super().set_label_words(kept)
        self.label_words_weights = torch.zeros(len(kept), self.label_words_mask.shape[1])

    def register_calibrate_logits(self, logits):
        self.calibrate_logits = logits
        cur = self.label_words_ids.tolist()
        rm = set(torch.argsort(logits)[: int(self.candidate_frac * logits.shape[-1])].tolist())
        new_label_words = []
        for i_label, per_label in enumerate(cur):
            new_label_words.append([])
            for j_word, ids in enumerate(per_label):
                if j_word >= len(self.label_words[i_label]):
                    break
                if len((set(ids).difference({0})).intersection(rm)) == 0:
                    new_label_words[-1].append(self.label_words[i_label][j_word])
        self.set_label_words(new_label_words)

    def aggregate(self, label_words_logits):
        if not self.training:
            weights = F.softmax(self.pred_temp * self.label_words_weights - 10000 * (1 - self.label_words_mask), dim=-1)
        else:
            weights = F.softmax(self.label_words_weights - 10000 * (1 - self.label_words_mask), dim=-1)
        return (label_words_logits * self.label_words_mask * weights).sum(-1)


def main():
    torch.manual_seed(0)
    logits = (torch.randn(3, VOCAB) * 3).float()
    calibration = torch.randn(VOCAB).float()
    manual_words = [["v5", "v6 v7"], ["v8 v9 v10"], ["v11", "v5 v12", "v13"]]
    cases = []
    for handler in ["first", "mean", "max"]:
        for post_log_softmax in [True, False]:
            for calibrated in [False, True]:
                if calibrated and not post_log_softmax:
                    continue
                verbalizer = Manual(manual_words, handler, post_log_softmax)
                if calibrated:
                    verbalizer.calibrate_logits = calibration
                cases.append(
                    {
                        "handler": handler,
                        "postLogSoftmax": post_log_softmax,
                        "calibrated": calibrated,
                        "expected": verbalizer.process_logits(logits.clone()).tolist(),
                    }
                )

    kpt_words = [["v5", "v6", "v7"], ["v8", "v6", "v9 v10"], ["v11", "v7", "v12 v13 v14"]]
    kpt = Knowledgeable(kpt_words, handler="mean", max_token_split=2, candidate_frac=0.2, pred_temp=2.0)
    refined_words = [list(w) for w in kpt.label_words]
    kpt.label_words_weights = torch.tensor([[0.0, 0.0], [0.5, -0.25], [0.0, 0.0]])
    kpt.training = True
    kpt_train = kpt.process_logits(logits.clone()).tolist()
    kpt.training = False
    kpt_eval = kpt.process_logits(logits.clone()).tolist()
    kpt_calibration = torch.arange(VOCAB).float()
    kpt_calibration[10] = -1.0
    kpt.register_calibrate_logits(kpt_calibration)
    kpt_calibrated = kpt.process_logits(logits.clone()).tolist()

    out = {
        "source": "packages/prompt/scripts/verbalizer_reference.py (OpenPrompt's algorithms, re-typed)",
        "vocabSize": VOCAB,
        "logits": logits.tolist(),
        "calibration": calibration.tolist(),
        "manualWords": manual_words,
        "manual": cases,
        "knowledgeable": {
            "words": kpt_words,
            "refinedWords": refined_words,
            "wordWeights": [[0.0, 0.0], [0.5, -0.25], [0.0, 0.0]],
            "train": kpt_train,
            "eval": kpt_eval,
            "calibration": kpt_calibration.tolist(),
            "calibratedWords": kpt.label_words,
            "calibrated": kpt_calibrated,
        },
    }
    path = Path(__file__).resolve().parent.parent / "fixtures" / "verbalizer-reference.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
