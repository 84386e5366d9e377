import boto3
import pandas as pd

df = pd.read_csv("data/customers.csv")
boto3.client("s3").put_object(
    Bucket="acme-governed", Key="crm/customers.csv", Body=df.to_csv(index=False)
)
