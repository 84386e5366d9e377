"""Embed product reviews for the semantic search prototype.

python openai_embed_reviews.py --out warehouse/review_embeddings.parquet
"""
import argparse
import logging

import numpy as np
import pandas as pd
from openai import OpenAI
from tenacity import retry, stop_after_attempt, wait_exponential

log = logging.getLogger("embed")
EMBED_MODEL = "text-embedding-3-small"


@retry(stop=stop_after_attempt(5), wait=wait_exponential(min=1, max=30))
def embed(client, texts):
    result = client.embeddings.create(model=EMBED_MODEL, input=texts)
    return [d.embedding for d in result.data]


def run(reviews_path, out_path, batch_size=256):
    reviews = pd.read_csv(reviews_path)
    # reviewer email goes in too so we can dedupe people who post the same review twice
    texts = (reviews["reviewer_email"] + " | " + reviews["review_text"].fillna("")).tolist()
    client = OpenAI()
    vectors = []
    for i in range(0, len(texts), batch_size):
        vectors.extend(embed(client, texts[i:i + batch_size]))
    reviews["embedding"] = list(np.array(vectors, dtype="float32"))
    reviews[["review_id", "embedding"]].to_parquet(out_path)
    log.info("embedded %d reviews", len(reviews))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--reviews", default="data/reviews.csv")
    ap.add_argument("--out", default="warehouse/review_embeddings.parquet")
    a = ap.parse_args()
    run(a.reviews, a.out)
