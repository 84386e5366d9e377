"""An object of a library called like a function: `llm = OpenAI(); llm(prompt)` is LangChain's
legacy call form, which sends the prompt as `llm.invoke(prompt)` does. The catalog describes it
as the class's `__call__`; making the object, configured with values, sends nothing."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import operation_rows, write_files

CUSTOMERS = "customer_id,email,full_name\n1,ada@example.com,Ada Lovelace\n"


def test_a_langchain_model_called_with_the_customers_sends_them(tmp_path: Path) -> None:
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd
from langchain.chains import LLMChain
from langchain.llms import OpenAI

customers = pd.read_csv("data/customers.csv")
llm = OpenAI(temperature=0)
summary = llm(customers.to_string())
chain = LLMChain(llm=llm, prompt=PROMPT)
chain({"text": customers.to_json()})
llm("Write a haiku about spreadsheets")
'''})
    sent = {(line, destination, allowed) for _, line, action, _, destination, allowed
            in operation_rows(project) if action == "export"}
    assert sent == {(7, "langchain", False), (9, "langchain", False)}


def test_a_method_of_a_library_object_is_not_its_call(tmp_path: Path) -> None:
    """`template.format(records=...)` is a method no row describes, not the template called: the
    prompt it makes carries the customers to the model it is sent to, and nothing is sent where
    it is made."""
    project = write_files(tmp_path, {"lacuna.toml": "embeddings = false\n",
                                     "data/customers.csv": CUSTOMERS, "job.py": '''\
import pandas as pd
from langchain_core.prompts import PromptTemplate
from langchain_openai import ChatOpenAI

TEMPLATE = PromptTemplate.from_template("Answer using these records: {records}")
customers = pd.read_csv("data/customers.csv")
prompt = TEMPLATE.format(records=customers.to_string())
ChatOpenAI(model="gpt-4o-mini").invoke(prompt)
'''})
    sent = {(line, destination, allowed) for _, line, action, _, destination, allowed
            in operation_rows(project) if action == "export"}
    assert sent == {(8, "langchain", False)}


def test_a_chain_piped_from_another_modules_prompt_sends_to_the_model(tmp_path: Path) -> None:
    """`PROMPT | ChatOpenAI()` with `PROMPT` made in `prompts.py`: the chain was named after
    the other file's prompt, so `chain.invoke({...})` with the employees was no operation."""
    project = write_files(tmp_path, {
        "lacuna.toml": "embeddings = false\n",
        "data/employees.csv": "employee_id,full_name,salary,ssn\n",
        "prompts.py": '''\
from langchain_core.prompts import ChatPromptTemplate

PROMPT = ChatPromptTemplate.from_messages([("user", "Review these salaries: {table}")])
''',
        "chain.py": '''\
import pandas as pd
from langchain_openai import ChatOpenAI

from prompts import PROMPT

employees = pd.read_csv("data/employees.csv")
chain = PROMPT | ChatOpenAI(model="gpt-4o")
chain.invoke({"table": employees.to_markdown()})
'''})
    sent = {(path, line, allowed) for path, line, action, _, _, allowed
            in operation_rows(project) if action == "export"}
    assert ("chain.py", 8, False) in sent
