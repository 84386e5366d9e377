"""Secrets never reach output: the one function every printed error, warning or reason about a
URL or connection goes through.

It masks a URL's password (`https://user:secret@host` -> `https://user:***@host`), the value
of secret-looking URL query and connection-string parameters (`?token=...`, `password=...`,
`X-Amz-Signature=...`), and the value of every secret Lacuna reads from the environment
wherever it appears (a token pasted into a URL as its user name included).
"""

from __future__ import annotations

import os
import re

MASK = "***"
# The environment variables holding credentials (values are masked wherever they appear).
SECRET_ENVIRONMENT = ("LACUNA_OPA_TOKEN", "LACUNA_LLM_API_KEY")
# Shorter values would mask ordinary words; every real token is longer.
SHORTEST_MASKED_VALUE = 4

# scheme://user:password@ — the password may itself hold `@` (the last one before the host
# ends it), never `/`, `?`, `#` or white space.
_URL_PASSWORD = re.compile(r"\b(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*):[^/?#\s]*@")
_SECRET_PARAMETER = re.compile(
    r"(?i)\b(?P<name>[\w-]*(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key"
    r"|signature))=(?P<value>[^&\s'\"]+)")


def redact(text: str) -> str:
    """`text` with every password, secret parameter and known secret value masked."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}:{MASK}@", text)
    text = _SECRET_PARAMETER.sub(lambda m: f"{m['name']}={MASK}", text)
    for name in SECRET_ENVIRONMENT:
        value = os.environ.get(name, "")
        if len(value) >= SHORTEST_MASKED_VALUE:
            text = text.replace(value, MASK)
    return text
