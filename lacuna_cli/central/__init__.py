"""Lineage and classifications shared through the central PostgreSQL store: each repository
pushes what its code reads and writes and how it classified it (`push.py`); every repository's
check asks the store about what it reads but does not produce (`pull.py`), and answers
org-wide lineage questions (`query.py`). The schema is `schema.sql`, beside the audit log's."""
