"""python run_extract.py  -> ~/exports/active_customers.csv"""
import sqlite3

from exporter import CsvExporter, CustomerRepository

if __name__ == "__main__":
    conn = sqlite3.connect("warehouse/crm_replica.db")
    repo = CustomerRepository(conn)
    active = repo.fetch_active()
    CsvExporter().export(active, "active_customers")
