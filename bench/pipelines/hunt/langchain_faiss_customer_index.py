import pandas as pd
from langchain_community.vectorstores import FAISS
from langchain_core.documents import Document
from langchain_openai import OpenAIEmbeddings

df = pd.read_csv("data/customers.csv")
docs = [
    Document(page_content=f"{r['first_name']} {r['last_name']} ({r['email']}) from {r['country']}")
    for r in df.to_dict("records")
]
store = FAISS.from_documents(docs, OpenAIEmbeddings())
store.save_local("/tmp/customer_index")
