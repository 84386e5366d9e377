# DROP TABLES

customer_table_drop = "DROP TABLE IF EXISTS crm.customers_staging"

# CREATE TABLES

customer_table_create = """
CREATE TABLE IF NOT EXISTS crm.customers_staging (
    customer_id INT PRIMARY KEY,
    first_name VARCHAR,
    last_name VARCHAR,
    email VARCHAR,
    phone VARCHAR,
    city VARCHAR
)
"""

# INSERT RECORDS

customer_table_insert = """
INSERT INTO crm.customers_staging (customer_id, first_name, last_name, email, phone, city)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (customer_id) DO UPDATE SET email = EXCLUDED.email, phone = EXCLUDED.phone
"""

# SELECTS

customer_export_select = """
SELECT customer_id, first_name, last_name, email, phone
FROM crm.customers_staging
WHERE city IS NOT NULL
"""

# QUERY LISTS

create_table_queries = [customer_table_create]
drop_table_queries = [customer_table_drop]
