# Push the weekly payroll extract to the accountant's bucket.  -- finance-eng
import io
import boto3
import pandas as pd

s3 = boto3.resource("s3")
session_client = boto3.Session(profile_name="finance").client("s3")

payroll = pd.read_csv("data/employees.csv")
payroll = payroll[["employee_id", "full_name", "ssn", "salary", "bank_account"]]

csv_body = payroll.to_csv(index=False)
s3.Object("ledgerly-accountants", "acme/payroll/latest.csv").put(Body=csv_body)

# also keep a parquet copy for their BI tool
buf = io.BytesIO()
payroll.to_parquet(buf, index=False)
buf.seek(0)
session_client.upload_fileobj(buf, "ledgerly-accountants", "acme/payroll/latest.parquet")
