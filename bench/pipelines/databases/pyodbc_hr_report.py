# HR headcount + salary report, pulled from the HR SQL Server.
# Output goes to the shared drive the HR business partners use.
import datetime
import pyodbc
import pandas as pd

CONN_STR = (
    "DRIVER={ODBC Driver 18 for SQL Server};SERVER=hr-sql01;DATABASE=HR;"
    "Trusted_Connection=yes;Encrypt=yes"
)

def get_employees(conn):
    cur = conn.cursor()
    cur.execute("SELECT employee_id, full_name, ssn, salary, department FROM hr.employees WHERE active = ?", 1)
    cols = [c[0] for c in cur.description]
    return pd.DataFrame.from_records(cur.fetchall(), columns=cols)

if __name__ == "__main__":
    with pyodbc.connect(CONN_STR) as conn:
        emp = get_employees(conn)
    stamp = datetime.date.today().strftime("%Y%m%d")
    emp.to_csv("/mnt/shared/hr_partners/employees.csv", index=False)
    summary = emp.groupby("department").agg(headcount=("employee_id", "count"), payroll=("salary", "sum"))
    summary.to_csv("reports/hr_headcount.csv")
