"""Which library calls read, write, transform or send data — the extractor's knowledge base.

Only names and shapes live here; `python.py` decides what they mean for the dataflow. Adding a
library is adding rows, not logic.
"""

from __future__ import annotations

import re

# Qualified function -> index of the positional argument that names what is read.
READ_FUNCTIONS: dict[str, int] = {
    **{f"pandas.read_{fmt}": 0 for fmt in (
        "csv", "parquet", "excel", "json", "table", "feather", "orc", "pickle", "fwf", "xml",
        "html", "hdf", "stata", "sas", "spss")},
    **{f"polars.read_{fmt}": 0 for fmt in (
        "csv", "parquet", "excel", "json", "ndjson", "ipc", "avro", "delta")},
    **{f"polars.scan_{fmt}": 0 for fmt in ("csv", "parquet", "ndjson", "ipc", "delta")},
    **{f"duckdb.read_{fmt}": 0 for fmt in ("csv", "parquet", "json")},
    "duckdb.from_csv_auto": 0,
    "duckdb.from_parquet": 0,
    "numpy.load": 0,
    "numpy.loadtxt": 0,
    "numpy.genfromtxt": 0,
    "pickle.load": 0,
    "joblib.load": 0,
}
# Calls returning a writable handle on the file their first argument names.
HANDLE_FUNCTIONS = {"pandas.ExcelWriter": 0, "pandas.HDFStore": 0}
# Functions whose first argument names a table (read whole, no SQL).
TABLE_READ_FUNCTIONS = {"pandas.read_sql_table": 0, "pyspark.pandas.read_table": 0}
# Functions whose first argument is SQL text (a query string) — parsed with the SQL extractor.
SQL_FUNCTIONS = {
    "pandas.read_sql", "pandas.read_sql_query", "polars.read_database",
    "duckdb.sql", "duckdb.query", "duckdb.execute", "sqlalchemy.text",
}
# Methods on a connection, session or cursor whose first argument is SQL text.
SQL_METHODS = {"execute", "executemany", "executescript", "sql", "query", "read_sql"}
# Calls returning a database connection or engine (their reads come through SQL).
CONNECT_FUNCTIONS = {
    "sqlite3.connect", "duckdb.connect", "sqlalchemy.create_engine", "psycopg.connect",
    "psycopg2.connect", "pymysql.connect", "snowflake.connector.connect",
}
# Module-level functions that combine several frames into one.
COMBINE_FUNCTIONS = {"pandas.merge": "join", "pandas.concat": "union", "polars.concat": "union",
                     "pandas.merge_asof": "join", "pandas.merge_ordered": "join"}
# Module-level copies: (source argument index, destination argument index).
COPY_FUNCTIONS = {
    "shutil.copy": (0, 1), "shutil.copy2": (0, 1), "shutil.copyfile": (0, 1),
    "shutil.copytree": (0, 1), "shutil.move": (0, 1), "os.rename": (0, 1), "os.replace": (0, 1),
}
# HTTP clients that send a payload: module-level and session methods.
HTTP_SEND_METHODS = {"post", "put", "patch"}
HTTP_MODULES = ("requests", "httpx", "urllib3", "aiohttp")
HTTP_PAYLOAD_KEYWORDS = ("data", "json", "files", "content", "body")

# Methods that put a frame into a collection (`frames.append(df)`): the collection holds it.
COLLECT_METHODS = {"append", "extend", "insert", "add"}

# DataFrame methods.
PASSTHROUGH_METHODS = {
    "copy", "rename", "pipe", "reset_index", "set_index", "sort_values", "sort_index",
    "fillna", "dropna", "astype", "head", "tail", "sample", "drop_duplicates", "collect",
    "to_pandas", "toPandas", "df", "pl", "arrow", "fetchall", "fetchdf", "fetch_df", "fetchone",
    "fetchmany", "cache", "persist", "limit", "distinct", "dropDuplicates", "withColumnRenamed",
    "alias", "explode", "melt", "pivot", "pivot_table", "lazy", "orderBy", "sort", "to_frame",
    "reindex", "interpolate", "round", "transpose", "to_dict", "to_records", "to_numpy",
    "to_string", "to_list", "tolist", "values", "read", "readlines", "read_text", "read_bytes",
    "cursor", "mappings", "scalars", "all", "first", "one", "infer_objects", "convert_dtypes",
    "unique", "with_row_index", "repartition", "coalesce", "fetch_arrow_table", "result",
}
JOIN_METHODS = {
    "merge", "join", "union", "unionAll", "unionByName", "crossJoin", "combine_first",
    "append", "hstack", "vstack", "join_asof", "update",
}
FILTER_METHODS = {"query", "filter", "where", "mask", "isin_filter", "nlargest", "nsmallest"}
PROJECT_METHODS = {"select", "loc", "iloc", "get", "filter_columns"}
GROUP_METHODS = {"groupby", "group_by", "groupBy", "rollup", "cube", "resample"}
AGGREGATE_METHODS = {
    "agg", "aggregate", "sum", "mean", "count", "size", "max", "min", "median", "std", "var",
    "nunique", "describe", "value_counts", "quantile", "prod", "len",
}
# Terminal writes of a frame; the value is where the positional target argument sits.
WRITE_METHODS: dict[str, int] = {
    **{f"to_{fmt}": 0 for fmt in (
        "csv", "parquet", "excel", "json", "feather", "pickle", "hdf", "orc", "xml", "stata",
        "html", "markdown", "latex")},
    **{f"write_{fmt}": 0 for fmt in (
        "csv", "parquet", "json", "ndjson", "excel", "ipc", "avro", "delta", "database")},
    **{f"sink_{fmt}": 0 for fmt in ("csv", "parquet", "ipc", "ndjson")},
    "to_sql": 0,
    "write_text": -1,
    "write_bytes": -1,
}
# Writes without a target: the data leaves for the clipboard.
CLIPBOARD_WRITES = {"to_clipboard"}
# Spark `df.write....<terminal>(target)`: terminal method -> resource kind of its target.
SPARK_WRITER_TERMINALS = {"save": "file", "parquet": "file", "csv": "file", "json": "file",
                          "orc": "file", "text": "file", "saveAsTable": "table",
                          "insertInto": "table", "jdbc": "table"}
SPARK_READ_TERMINALS = {"csv", "parquet", "json", "orc", "text", "load", "table", "jdbc"}
# Writes through an open handle.
HANDLE_WRITE_METHODS = {"write", "writelines", "writerow", "writerows", "writeheader"}
DUMP_FUNCTIONS = {"json.dump", "pickle.dump", "yaml.dump", "yaml.safe_dump", "joblib.dump",
                  "numpy.save", "numpy.savetxt", "csv.writer", "csv.DictWriter"}
# Cloud uploads: method -> (keyword or index of the local file/body, bucket, key).
UPLOAD_METHODS = {"upload_file", "upload_fileobj", "put_object", "upload_blob", "upload_from_filename"}
MAIL_METHODS = {"sendmail", "send_message"}

# Functions that anonymize the values they are applied to (hash, mask, tokenise, ...).
ANONYMIZER = re.compile(
    r"(hash|sha\d*|md5|blake|mask|anonymi[sz]|pseudonymi[sz]|redact|tokeni[sz]|encrypt|"
    r"scrub|obfuscat|faker?)",
    re.IGNORECASE,
)
# String literals that stand in for masked characters: "*", "***", "#", "XXXX".
MASK_LITERAL = re.compile(r"\*+|#+|X{3,}|x{3,}")
