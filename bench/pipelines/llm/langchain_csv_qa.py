"""Ask questions about the customer list in plain English (internal Streamlit tool backend).

usage: python langchain_csv_qa.py "which customers in Leeds are on the pro plan?"
"""
import sys

from langchain_community.document_loaders import CSVLoader
from langchain_core.prompts import PromptTemplate
from langchain_openai import ChatOpenAI

TEMPLATE = PromptTemplate.from_template(
    "Answer the question using only these customer records.\n\n{records}\n\nQuestion: {question}"
)


def load_records(path="data/customers.csv"):
    docs = CSVLoader(file_path=path).load()
    return "\n".join(d.page_content for d in docs)


def ask(question: str) -> str:
    llm = ChatOpenAI(model="gpt-4o-mini", temperature=0)
    prompt = TEMPLATE.format(records=load_records(), question=question)
    return llm.invoke(prompt).content


if __name__ == "__main__":
    q = " ".join(sys.argv[1:]) or "how many customers signed up last month?"
    print(ask(q))
