from openai import OpenAI

client = OpenAI()
uploaded = client.files.create(file=open("data/customers.csv", "rb"), purpose="assistants")
print(uploaded.id)
