"""Build a llama-index vector index over resolved tickets for the support copilot."""
import logging
import os

import pandas as pd
from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex
from llama_index.embeddings.openai import OpenAIEmbedding
from llama_index.llms.openai import OpenAI

logging.basicConfig(level=os.environ.get("LOGLEVEL", "INFO"))

PERSIST_DIR = "warehouse/ticket_index"

Settings.llm = OpenAI(model="gpt-4o-mini")
Settings.embed_model = OpenAIEmbedding(model="text-embedding-3-small")


def to_documents(df):
    docs = []
    for rec in df.to_dict("records"):
        docs.append(Document(
            text=f"{rec['subject']}\n{rec['body']}",
            metadata={"ticket_id": rec["ticket_id"], "customer_email": rec["customer_email"],
                      "customer_name": rec["customer_name"]},
        ))
    return docs


def build():
    tickets = pd.read_csv("data/support_tickets.csv")
    index = VectorStoreIndex.from_documents(to_documents(tickets), show_progress=True)
    index.storage_context.persist(persist_dir=PERSIST_DIR)
    return index


if __name__ == "__main__":
    idx = build()
    engine = idx.as_query_engine()
    print(engine.query("What do customers complain about most?"))
