"""Writes tests/fixtures/embed/goldens.json: sentence embeddings of the
sentence-transformers-layout fixtures in tests/fixtures/embed/, computed by a
forward pass in NumPy (float64) written from the model definitions
(transformers' modeling_bert.py / modeling_distilbert.py, eager attention)
and sentence-transformers' Pooling and Normalize modules, independently of
hitloop's C++ code.

Token ids come from tests/fixtures/hf-encoders/goldens.json (HF's tokenizer
output for each text, made with transformers 4.45.1), cut to each fixture's
max_seq_length as HF's single-text truncation does: [CLS] + the first
max_seq_length - 2 wordpieces + [SEP].

The forward pass and the reader of model.safetensors (parsed by hand: 8-byte
header length, JSON header, raw little-endian data) are hf_numpy.py's, shared
with hf_load_check.py, so the script needs only NumPy.

Run once from the repository root, and commit the output with this script:
    /usr/bin/python3 tests/encoder/make_embed_goldens.py
"""
import json
import math
import os
import sys

import numpy as np

from hf_numpy import hidden, read_json, read_safetensors

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
EMBED = os.path.join(ROOT, "embed")
CASES = ["simple_en", "accents_upper", "punctuation_runs", "numbers", "empty", "contractions",
         "long_review_truncated", "chatbot_user_message", "cjk_chinese", "emoji"]
VARIANTS = ["bert-mean-normalize", "bert-cls-normalize", "bert-max", "distilbert-mean",
            "distilbert-cls-mean", "distilbert-other-modes", "../hf-encoders/tiny-distilbert"]


def pooling_modes(cfg):
    """sentence-transformers' Pooling(**config): mean on by default; "pooling_mode" overrides."""
    keys = ["pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_tokens",
            "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens",
            "pooling_mode_lasttoken"]
    names = ["cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken"]
    on = {k: False for k in keys}
    on["pooling_mode_mean_tokens"] = True
    for k in keys:
        if k in cfg:
            on[k] = cfg[k]
    if cfg.get("pooling_mode"):
        on = {k: n == cfg["pooling_mode"] for k, n in zip(keys, names)}
    return [n for k, n in zip(keys, names) if on[k]]


def pool(x, modes, normalize):
    """One unpadded row: every token attended (mask all ones)."""
    t = x.shape[0]
    parts = []
    for m in modes:
        if m == "cls":
            parts.append(x[0])
        elif m == "max":
            parts.append(x.max(0))
        elif m == "mean":
            parts.append(x.sum(0) / max(t, 1e-9))
        elif m == "mean_sqrt_len_tokens":
            parts.append(x.sum(0) / math.sqrt(max(t, 1e-9)))
        elif m == "weightedmean":
            w = np.arange(1, t + 1, dtype=np.float64)[:, None]
            parts.append((x * w).sum(0) / max(w.sum(), 1e-9))
        elif m == "lasttoken":
            parts.append(x[t - 1])
    e = np.concatenate(parts)
    if normalize:
        e = e / max(np.linalg.norm(e), 1e-12)
    return e


def main():
    cases = {c["id"]: c for c in read_json(os.path.join(ROOT, "hf-encoders", "goldens.json"))["cases"]}
    texts = [cases[i]["text"] for i in CASES]
    wordpieces = [cases[i]["wordpiece_ids"] for i in CASES]
    out = {"generator": "tests/encoder/make_embed_goldens.py (NumPy %s, float64)" % np.__version__,
           "texts": texts, "variants": {}}
    for name in VARIANTS:
        d = os.path.normpath(os.path.join(EMBED, name))
        c = read_json(os.path.join(d, "config.json"))
        w, _, _ = read_safetensors(os.path.join(d, "model.safetensors"))
        modules = read_json(os.path.join(d, "modules.json"))
        if modules is None:
            modes, normalize = ["mean"], False
        else:
            modes = pooling_modes(read_json(os.path.join(d, modules[1]["path"], "config.json")))
            normalize = any(m["type"].endswith(".Normalize") for m in modules)
        sbert = read_json(os.path.join(d, "sentence_bert_config.json"), {})
        max_len = sbert.get("max_seq_length") or min(
            c["max_position_embeddings"], read_json(os.path.join(d, "tokenizer_config.json"))["model_max_length"])
        rows, ids_out = [], []
        for wp in wordpieces:
            ids = [101] + wp[:max_len - 2] + [102]
            rows.append([float("%.9g" % v) for v in pool(hidden(w, c, ids), modes, normalize)])
            ids_out.append(ids)
        out["variants"][name] = {"pooling": modes, "normalize": normalize, "max_seq_length": max_len,
                                 "input_ids": ids_out, "embeddings": rows}
        print(name, modes, "normalize" if normalize else "", max_len, len(rows[0]), file=sys.stderr)
    with open(os.path.join(EMBED, "goldens.json"), "w") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
