"""all-MiniLM-L6-v2 sentence vectors computed with numpy: layer 2 without importing torch.

Layer 2 embeds a few short column descriptions per run. Through sentence-transformers that
meant importing torch, about 7 s of CPU and a process near 540 MB (shared/notes/embeddings.md):
on a cold check of a large project, more than the whole extraction. The model itself is small
(a 6-layer BERT, 384 wide, 22M weights): its forward pass is a few matrix products per layer,
written here in float32 as BERT defines it, over the weights and tokenizer the packaged model
folder ships (`model.safetensors`, `tokenizer.json`). Each text is encoded alone, so there is
no padding to mask; the sentence vector is the mean of the token states, normalised, as the
folder's sentence-transformers configuration (mean pooling, then Normalize) says. A test holds
these vectors to sentence-transformers' own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Matrix = NDArray[np.float32]

TOKEN_LIMIT_FILE = "sentence_bert_config.json"  # its max_seq_length truncates every text


class MiniLM:
    """The encoder of one sentence-transformers folder holding a BERT model with mean pooling
    and normalisation."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.epsilon = np.float32(config["layer_norm_eps"])
        self.weights: dict[str, Matrix] = load_file(str(folder / "model.safetensors"))
        # Dense layers multiply by the transposed weight: stored transposed and contiguous,
        # BLAS runs six times faster than through the transposed view.
        self.kernels = {name.removesuffix(".weight"): np.ascontiguousarray(array.T)
                        for name, array in self.weights.items()
                        if array.ndim == 2 and not name.startswith("embeddings.")}
        limit = json.loads((folder / TOKEN_LIMIT_FILE).read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(limit["max_seq_length"]))
        self.tokenizer.no_padding()

    def encode(self, texts: list[str]) -> list[Matrix]:
        """One unit-length vector per text. Texts of the same token count run as one batch:
        large matrix products instead of many small ones, and still no padding to mask. BLAS
        runs on one thread: its idle threads spin, and cost five times the CPU of the work on a
        short batch (measured: 10 s vs 2 s for 143 texts on this project's 2-core machine)."""
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> list[Matrix]:
        tokenized = [self.tokenizer.encode(text).ids for text in texts]
        by_length: dict[int, list[int]] = {}
        for index, ids in enumerate(tokenized):
            by_length.setdefault(len(ids), []).append(index)
        vectors: list[Matrix | None] = [None] * len(texts)
        for indexes in by_length.values():
            batch = np.array([tokenized[i] for i in indexes], dtype=np.int64)
            for index, vector in zip(indexes, self._vectors(batch), strict=True):
                vectors[index] = vector
        return [v for v in vectors if v is not None]

    def _vectors(self, ids: NDArray[np.int64]) -> Matrix:
        """The sentence vectors of a batch of token id rows of one length."""
        weights = self.weights
        states = (weights["embeddings.word_embeddings.weight"][ids]
                  + weights["embeddings.position_embeddings.weight"][: ids.shape[1]]
                  + weights["embeddings.token_type_embeddings.weight"][0])
        states = self._norm(states, "embeddings.LayerNorm")
        for layer in range(self.layers):
            states = self._layer(states, f"encoder.layer.{layer}.")
        pooled: Matrix = states.mean(axis=1)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), np.float32(1e-12))
        return pooled / norms

    def _layer(self, states: Matrix, prefix: str) -> Matrix:
        """Self-attention over every token, then the feed-forward block, each with its residual
        connection and layer norm (BERT's post-norm order)."""
        texts, tokens, width = states.shape
        size = width // self.heads

        def per_head(name: str) -> Matrix:
            projected = self._dense(states, f"{prefix}attention.self.{name}")
            return projected.reshape(texts, tokens, self.heads, size).transpose(0, 2, 1, 3)

        query, key, value = per_head("query"), per_head("key"), per_head("value")
        scores = query @ key.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size))
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        attended = (scores @ value).transpose(0, 2, 1, 3).reshape(texts, tokens, width)
        attended = self._norm(self._dense(attended, f"{prefix}attention.output.dense") + states,
                              f"{prefix}attention.output.LayerNorm")
        inner = gelu(self._dense(attended, f"{prefix}intermediate.dense"))
        return self._norm(self._dense(inner, f"{prefix}output.dense") + attended,
                          f"{prefix}output.LayerNorm")

    def _dense(self, states: Matrix, name: str) -> Matrix:
        # One matrix product over every token of the batch (3-D operands loop per text).
        flat = states.reshape(-1, states.shape[-1]) @ self.kernels[name]
        return flat.reshape(*states.shape[:-1], -1) + self.weights[f"{name}.bias"]

    def _norm(self, states: Matrix, name: str) -> Matrix:
        mean = states.mean(axis=-1, keepdims=True)
        variance = ((states - mean) ** 2).mean(axis=-1, keepdims=True)
        normal = (states - mean) / np.sqrt(variance + self.epsilon)
        return normal * self.weights[f"{name}.weight"] + self.weights[f"{name}.bias"]


def gelu(values: Matrix) -> Matrix:
    """BERT's exact GELU, x * Phi(x). numpy has no erf, so erf comes from the Chebyshev fit of
    erfc in Numerical Recipes (fractional error below 1.2e-7, float32's own resolution)."""
    x = values / np.float32(np.sqrt(2.0))
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    exponent = (-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (
        0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (
            1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
    erfc = t * np.exp(exponent)
    erf = np.where(x >= 0, 1.0 - erfc, erfc - 1.0)
    return values * np.float32(0.5) * (np.float32(1.0) + erf)
