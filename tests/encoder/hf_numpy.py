"""transformers' BERT and DistilBERT in NumPy (float64), independent of
hitloop's C++ code: the model definitions of modeling_bert.py and
modeling_distilbert.py (transformers 4.45, eager attention, inference:
dropout off), the parameter names and shapes their *ForSequenceClassification
classes have, and a reader of model.safetensors that checks what the
safetensors library checks when transformers opens the file.

Used by make_embed_goldens.py (sentence embeddings) and hf_load_check.py (a
saved checkpoint loaded as transformers loads it). Needs only NumPy.
"""
import json
import math
import os
import struct

import numpy as np

# Bytes per element of the dtypes a checkpoint's floating-point weights may
# have; transformers casts each to the model's float32 on load.
FLOAT_DTYPES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2}
MAX_HEADER_BYTES = 100_000_000  # the safetensors library's own limit


class CheckpointError(Exception):
    """What transformers (or the safetensors library under it) would refuse."""


def read_json(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def _no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise CheckpointError("duplicate tensor names in the header: " + ", ".join(dup))
    return dict(pairs)


def _as_float64(raw, dtype):
    if dtype == "BF16":  # NumPy has no bfloat16: it is the top half of a float32
        return (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view("<f4").astype(np.float64)
    return np.frombuffer(raw, dtype={"F64": "<f8", "F32": "<f4", "F16": "<f2"}[dtype]).astype(np.float64)


def read_safetensors(path):
    """(tensors as float64 arrays, {name: (dtype, shape)}, __metadata__).

    Refuses what safetensors' safe_open refuses: a header that is not a JSON
    object, byte ranges that do not tile the data exactly, a byte count that
    disagrees with dtype x shape; and, for hitloop's purpose, any dtype that is
    not a floating-point weight type."""
    with open(path, "rb") as f:
        data = f.read()
    name = os.path.basename(path)
    if len(data) < 8:
        raise CheckpointError("%s: %d bytes, shorter than the 8-byte header length" % (name, len(data)))
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_BYTES or 8 + n > len(data):
        raise CheckpointError("%s: header length %d does not fit a %d-byte file" % (name, n, len(data)))
    text = data[8:8 + n]
    if not text.startswith(b"{"):
        raise CheckpointError("%s: the header does not start with '{'" % name)
    try:
        header = json.loads(text.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except ValueError as e:
        raise CheckpointError("%s: the header is not JSON: %s" % (name, e))
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not all(isinstance(v, str) for v in metadata.values()):
        raise CheckpointError("%s: __metadata__ values must be strings" % name)
    base, size = 8 + n, len(data) - 8 - n
    spans, tensors, info = [], {}, {}
    for key, e in header.items():
        dtype, shape, (start, end) = e.get("dtype"), e.get("shape"), e.get("data_offsets", (-1, -1))
        if dtype not in FLOAT_DTYPES:
            raise CheckpointError("%s: tensor %s has dtype %s, not one of %s"
                                  % (name, key, dtype, ", ".join(FLOAT_DTYPES)))
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise CheckpointError("%s: tensor %s has shape %r" % (name, key, shape))
        if end - start != FLOAT_DTYPES[dtype] * math.prod(shape):
            raise CheckpointError("%s: tensor %s: %d bytes for %s %s" % (name, key, end - start, dtype, shape))
        spans.append((start, end, key))
        tensors[key] = _as_float64(data[base + start:base + end], dtype).reshape(shape)
        info[key] = (dtype, shape)
    at = 0
    for start, end, key in sorted(spans):
        if start != at:
            raise CheckpointError("%s: tensor %s starts at byte %d, not %d (gap or overlap)" % (name, key, start, at))
        at = end
    if at != size:
        raise CheckpointError("%s: the tensors cover %d of the %d data bytes" % (name, at, size))
    return tensors, info, metadata


# Where each architecture keeps the same parts (modeling_distilbert.py,
# modeling_bert.py); "pooler" is the head's first dense layer.
LAYOUT = {
    "distilbert": {"prefix": "distilbert.", "layer": "transformer.layer.%d.", "n_layers": "n_layers",
                   "width": "dim", "ffn": "hidden_dim",
                   "attention": ["attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin"],
                   "attention_norm": "sa_layer_norm", "ffn_in": "ffn.lin1", "ffn_out": "ffn.lin2",
                   "output_norm": "output_layer_norm", "pooler": "pre_classifier"},
    "bert": {"prefix": "bert.", "layer": "encoder.layer.%d.", "n_layers": "num_hidden_layers",
             "width": "hidden_size", "ffn": "intermediate_size",
             "attention": ["attention.self.query", "attention.self.key", "attention.self.value",
                           "attention.output.dense"],
             "attention_norm": "attention.output.LayerNorm", "ffn_in": "intermediate.dense",
             "ffn_out": "output.dense", "output_norm": "output.LayerNorm", "pooler": "bert.pooler.dense"},
}


def sequence_classification_shapes(c):
    """{name: shape} of every tensor in the state dict of transformers'
    DistilBertForSequenceClassification / BertForSequenceClassification for
    config c, in their order (the persistent parameters: position_ids and
    token_type_ids are non-persistent buffers, not saved)."""
    lay = LAYOUT[c["model_type"]]
    d, ffn, emb = c[lay["width"]], c[lay["ffn"]], lay["prefix"] + "embeddings."
    labels = len(c["id2label"]) if "id2label" in c else c.get("num_labels", 2)
    out = {emb + "word_embeddings.weight": [c["vocab_size"], d],
           emb + "position_embeddings.weight": [c["max_position_embeddings"], d]}
    if c["model_type"] == "bert":
        out[emb + "token_type_embeddings.weight"] = [c["type_vocab_size"], d]

    def lin(name, rows, cols):  # nn.Linear(cols, rows)
        out[name + ".weight"], out[name + ".bias"] = [rows, cols], [rows]

    def norm(name):  # nn.LayerNorm(d)
        out[name + ".weight"], out[name + ".bias"] = [d], [d]

    norm(emb + "LayerNorm")
    for i in range(c[lay["n_layers"]]):
        p = lay["prefix"] + lay["layer"] % i
        for name in lay["attention"]:
            lin(p + name, d, d)
        norm(p + lay["attention_norm"])
        lin(p + lay["ffn_in"], ffn, d)
        lin(p + lay["ffn_out"], d, ffn)
        norm(p + lay["output_norm"])
    lin(lay["pooler"], d, d)
    lin("classifier", labels, d)
    return out


_erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


# transformers' ACT2FN entries these models use.
ACTIVATIONS = {"gelu": gelu, "gelu_new": gelu_tanh, "gelu_pytorch_tanh": gelu_tanh,
               "relu": lambda x: np.maximum(x, 0.0)}


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def linear(x, w, b):
    return x @ w.T + b


def attention(q, k, v, heads):
    t, d = q.shape
    hd = d // heads
    out = np.zeros_like(q)
    for h in range(heads):
        s = slice(h * hd, (h + 1) * hd)
        scores = (q[:, s] / math.sqrt(hd)) @ k[:, s].T
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        out[:, s] = probs @ v[:, s]
    return out


def strip_prefix(w, prefix):
    return {k[len(prefix):] if k.startswith(prefix) else k: v for k, v in w.items()}


def bert_hidden(w, c, ids, token_type_ids=None):
    """BertModel's last hidden state of one unpadded row."""
    w = strip_prefix(w, "bert.")
    eps = c.get("layer_norm_eps", 1e-12)
    act = ACTIVATIONS[c.get("hidden_act", "gelu")]
    t = len(ids)
    types = [0] * t if token_type_ids is None else token_type_ids
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t]
         + w["embeddings.token_type_embeddings.weight"][types])
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(c["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        lin = lambda name, y: linear(y, w[p + name + ".weight"], w[p + name + ".bias"])
        ctx = attention(lin("attention.self.query", x), lin("attention.self.key", x),
                        lin("attention.self.value", x), c["num_attention_heads"])
        a = layer_norm(lin("attention.output.dense", ctx) + x, w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"], eps)
        h = act(lin("intermediate.dense", a))
        x = layer_norm(lin("output.dense", h) + a, w[p + "output.LayerNorm.weight"],
                       w[p + "output.LayerNorm.bias"], eps)
    return x


def distilbert_hidden(w, c, ids, token_type_ids=None):
    """DistilBertModel's last hidden state of one unpadded row (DistilBERT has
    no token types; its LayerNorm eps is hard-coded to 1e-12)."""
    w = strip_prefix(w, "distilbert.")
    eps = 1e-12
    act = ACTIVATIONS[c.get("activation", "gelu")]
    t = len(ids)
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(c["n_layers"]):
        p = "transformer.layer.%d." % i
        lin = lambda name, y: linear(y, w[p + name + ".weight"], w[p + name + ".bias"])
        ctx = attention(lin("attention.q_lin", x), lin("attention.k_lin", x), lin("attention.v_lin", x),
                        c["n_heads"])
        sa = layer_norm(lin("attention.out_lin", ctx) + x, w[p + "sa_layer_norm.weight"],
                        w[p + "sa_layer_norm.bias"], eps)
        h = lin("ffn.lin2", act(lin("ffn.lin1", sa)))
        x = layer_norm(h + sa, w[p + "output_layer_norm.weight"], w[p + "output_layer_norm.bias"], eps)
    return x


def hidden(w, c, ids, token_type_ids=None):
    fn = bert_hidden if c["model_type"] == "bert" else distilbert_hidden
    return fn(w, c, ids, token_type_ids)


def sequence_logits(w, c, ids, token_type_ids=None):
    """*ForSequenceClassification logits of one unpadded row: DistilBERT's
    pre_classifier + ReLU on [CLS], BERT's pooler (dense + tanh on [CLS]),
    then the classifier."""
    cls = hidden(w, c, ids, token_type_ids)[0]
    if c["model_type"] == "distilbert":
        pooled = np.maximum(linear(cls, w["pre_classifier.weight"], w["pre_classifier.bias"]), 0.0)
    else:
        pooled = np.tanh(linear(cls, w["bert.pooler.dense.weight"], w["bert.pooler.dense.bias"]))
    return linear(pooled, w["classifier.weight"], w["classifier.bias"])
