"""Weekly customer sample: a private HF dataset, the sales sheet, an MLflow table and a search index."""
import gspread
import mlflow
import pandas as pd
from datasets import Dataset
from langchain_community.vectorstores import FAISS
from langchain_openai import OpenAIEmbeddings

customers = pd.read_csv("data/customers.csv")
Dataset.from_pandas(customers).push_to_hub("acme/customers-sample", private=True)
gc = gspread.service_account()
ws = gc.open("Leads").sheet1
ws.update([customers.columns.tolist()] + customers.values.tolist())
with mlflow.start_run():
    mlflow.log_table(customers, "customers.json")
store = FAISS.from_texts(customers["email"].tolist(), OpenAIEmbeddings())
store.save_local("/tmp/faiss_customers")
hits = store.similarity_search("gmail")
