"""Loads a HF checkpoint directory as Python transformers would
(AutoConfig, AutoTokenizer's files, AutoModelForSequenceClassification from
model.safetensors) and prints its logits for given token ids, computed in
NumPy (float64) by hf_numpy.py's transcription of transformers' forward pass.

    python3 hf_load_check.py CHECKPOINT_DIR ROWS_JSON

ROWS_JSON: {"rows": [{"input_ids": [...], "token_type_ids": [...]}, ...]}.
Prints {"architecture", "model_type", "num_labels", "parameters", "logits"}
as JSON. Anything transformers would refuse, or would silently fill with a
default or a random initialisation (a missing config key, a missing,
misnamed or mis-shaped tensor, missing tokenizer files), is an error: the
problems go to stderr and the exit code is 1.
"""
import json
import os
import sys

from hf_numpy import (ACTIVATIONS, CheckpointError, read_json, read_safetensors,
                      sequence_classification_shapes, sequence_logits)

ARCHITECTURES = {"distilbert": "DistilBertForSequenceClassification",
                 "bert": "BertForSequenceClassification"}
# The keys each config class would otherwise default (to a 768-wide, 12-layer
# model, say): a checkpoint must state them. (BERT's layer_norm_eps may be
# left out: transformers and hitloop both default it to 1e-12.)
REQUIRED_KEYS = {
    "distilbert": ["vocab_size", "max_position_embeddings", "dim", "n_layers", "n_heads", "hidden_dim",
                   "activation"],
    "bert": ["vocab_size", "max_position_embeddings", "hidden_size", "num_hidden_layers",
             "num_attention_heads", "intermediate_size", "hidden_act", "type_vocab_size"],
}
TORCH_DTYPES = {"float64": "F64", "float32": "F32", "float16": "F16", "bfloat16": "BF16"}
TOKENIZER_CLASSES = {"BertTokenizer", "BertTokenizerFast", "DistilBertTokenizer", "DistilBertTokenizerFast"}
ACTIVATION_KEY = {"distilbert": "activation", "bert": "hidden_act"}


def check_config(c):
    """config.json as AutoConfig reads it; returns the problems."""
    t = c.get("model_type")
    if t not in ARCHITECTURES:
        return ["config.json: model_type is %r; AutoConfig needs one of %s" % (t, ", ".join(ARCHITECTURES))]
    problems = []
    if c.get("architectures") != [ARCHITECTURES[t]]:
        problems.append("config.json: architectures is %r, not [%r]" % (c.get("architectures"), ARCHITECTURES[t]))
    for k in REQUIRED_KEYS[t]:
        if k not in c:
            problems.append("config.json: %s is missing" % k)
    act = c.get(ACTIVATION_KEY[t])
    if act is not None and act not in ACTIVATIONS:
        problems.append("config.json: %s %r is not one of %s" % (ACTIVATION_KEY[t], act, ", ".join(ACTIVATIONS)))
    id2label = c.get("id2label")
    if not isinstance(id2label, dict) or sorted(id2label) != [str(i) for i in range(len(id2label))]:
        problems.append("config.json: id2label %r does not map \"0\"..\"n-1\" to names" % (id2label,))
    elif c.get("label2id") not in (None, {v: int(k) for k, v in id2label.items()}):
        problems.append("config.json: label2id %r is not id2label inverted" % (c["label2id"],))
    elif "num_labels" in c and c["num_labels"] != len(id2label):
        problems.append("config.json: num_labels %r but id2label has %d" % (c["num_labels"], len(id2label)))
    if c.get("position_embedding_type", "absolute") != "absolute" or c.get("is_decoder", False):
        problems.append("config.json: not an absolute-position encoder")
    return problems


def check_tokenizer(d, c):
    """The files AutoTokenizer.from_pretrained reads; returns the problems."""
    vocab, fast = os.path.join(d, "vocab.txt"), os.path.join(d, "tokenizer.json")
    if not os.path.exists(vocab) and not os.path.exists(fast):
        return ["no vocab.txt or tokenizer.json: AutoTokenizer has nothing to load"]
    problems = []
    if os.path.exists(vocab):
        with open(vocab, encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > c.get("vocab_size", 0):
            problems.append("vocab.txt has %d tokens, more than vocab_size %s" % (n, c.get("vocab_size")))
    if os.path.exists(fast) and read_json(fast).get("model", {}).get("type") != "WordPiece":
        problems.append("tokenizer.json: not a WordPiece tokenizer")
    cls = read_json(os.path.join(d, "tokenizer_config.json"), {}).get("tokenizer_class")
    if cls is not None and cls not in TOKENIZER_CLASSES:
        problems.append("tokenizer_config.json: tokenizer_class %r is not a BERT tokenizer" % cls)
    return problems


def check_weights(info, metadata, c):
    """model.safetensors against the model transformers builds from c."""
    problems = []
    if (metadata or {}).get("format") != "pt":
        problems.append("model.safetensors: __metadata__ %r lacks {\"format\": \"pt\"}, which "
                        "save_pretrained writes and from_pretrained checks" % (metadata,))
    dtypes = sorted({dtype for dtype, _ in info.values()})
    if c.get("torch_dtype") is not None and [TORCH_DTYPES.get(c["torch_dtype"])] != dtypes:
        problems.append("config.json: torch_dtype %r but the weights are %s (from_pretrained(torch_dtype=\"auto\") "
                        "would load them as the former)" % (c["torch_dtype"], ", ".join(dtypes)))
    want = sequence_classification_shapes(c)
    missing = [k for k in want if k not in info]
    unexpected = [k for k in info if k not in want]
    if missing:
        problems.append("missing tensors (transformers would initialise them at random): " + ", ".join(missing))
    if unexpected:
        problems.append("unexpected tensors (transformers would ignore them): " + ", ".join(unexpected))
    for k, shape in want.items():
        if k in info and info[k][1] != shape:
            problems.append("tensor %s has shape %s, config.json implies %s" % (k, info[k][1], shape))
    return problems


def check_rows(rows, c):
    # DistilBERT's tokenizer gives no token types and its forward takes none.
    bert = c["model_type"] == "bert"
    types = c["type_vocab_size"] if bert else 1
    problems = []
    for i, r in enumerate(rows):
        ids = r["input_ids"]
        tt = r.get("token_type_ids") if bert and r.get("token_type_ids") else [0] * len(ids)
        if len(ids) != len(tt) or len(ids) > c["max_position_embeddings"]:
            problems.append("row %d: %d ids, %d token types, %d positions" % (i, len(ids), len(tt),
                                                                            c["max_position_embeddings"]))
        elif min(ids) < 0 or max(ids) >= c["vocab_size"] or min(tt) < 0 or max(tt) >= types:
            problems.append("row %d: a token id or token type is out of range" % i)
    return problems


def load_and_run(d, rows):
    c = read_json(os.path.join(d, "config.json"))
    if not isinstance(c, dict):
        raise CheckpointError("config.json: missing or not a JSON object")
    problems = check_config(c)
    if problems:
        raise CheckpointError("; ".join(problems))
    problems = check_tokenizer(d, c)
    if not os.path.exists(os.path.join(d, "model.safetensors")):
        raise CheckpointError("; ".join(problems + ["no model.safetensors"]))
    w, info, metadata = read_safetensors(os.path.join(d, "model.safetensors"))
    problems += check_weights(info, metadata, c) + check_rows(rows, c)
    if problems:
        raise CheckpointError("; ".join(problems))
    bert = c["model_type"] == "bert"
    logits = [sequence_logits(w, c, r["input_ids"], r.get("token_type_ids") if bert else None).tolist()
              for r in rows]
    return {"architecture": c["architectures"][0], "model_type": c["model_type"],
            "num_labels": len(c["id2label"]), "parameters": {k: v[1] for k, v in info.items()},
            "logits": logits}


def main(argv):
    if len(argv) != 3:
        print("usage: hf_load_check.py CHECKPOINT_DIR ROWS_JSON", file=sys.stderr)
        return 2
    try:
        out = load_and_run(argv[1], read_json(argv[2])["rows"])
    except CheckpointError as e:
        print("hf_load_check: %s: %s" % (argv[1], e), file=sys.stderr)
        return 1
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
