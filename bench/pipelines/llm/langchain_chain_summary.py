# LCEL chain that writes the "VIP customers this month" blurb for the sales standup.
import pandas as pd
from langchain_anthropic import ChatAnthropic
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

prompt = ChatPromptTemplate.from_messages([
    ("system", "You are a sales analyst. Be concise."),
    ("human", "Here are this month's top customers as JSON:\n{rows}\n\nWrite three bullet points."),
])
llm = ChatAnthropic(model="claude-3-5-haiku-latest", max_tokens=512)
chain = prompt | llm | StrOutputParser()

orders = pd.read_parquet("warehouse/orders.parquet")
customers = pd.read_csv("data/customers.csv")
top = (orders.groupby("customer_id", as_index=False)["amount"].sum()
       .nlargest(20, "amount")
       .merge(customers[["customer_id", "first_name", "last_name", "email", "city"]], on="customer_id"))

blurb = chain.invoke({"rows": top.to_json(orient="records")})
with open("reports/vip_blurb.txt", "w") as out:
    out.write(blurb)
