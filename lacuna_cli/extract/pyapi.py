"""Python-level conventions the interpreter recognises whatever the library.

Library calls live in the catalog (`rules/apis/*.yaml`, read by `catalog.py`); what is left
here are conventions of the language and of naming: list methods that collect frames, and the
names and literals that say a value is being hashed or masked.
"""

from __future__ import annotations

import re

# Methods that put a frame into a collection (`frames.append(df)`): the collection holds it.
COLLECT_METHODS = {"append", "extend", "insert", "add", "update", "appendleft", "extendleft"}

# Methods of a function that run it later, elsewhere, with the arguments given (a task
# queue's `task.delay(rows, url)`; `apply_async` takes them as `args=`/`kwargs=`).
DEFERRED_CALLS = {"delay", "apply_async", "send_task"}
# A task decorated with this keyword set (`@app.task(bind=True)`) gets the task itself as its
# first argument, before the ones `delay` is given.
BOUND_TASK_KEYWORD = "bind"

# Functions that anonymize the values they are applied to (hash, mask, tokenise, ...).
ANONYMIZER = re.compile(
    r"(hash|sha\d*|md5|blake|mask|anonymi[sz]|pseudonymi[sz]|redact|tokeni[sz]|encrypt|"
    r"scrub|obfuscat|faker?)",
    re.IGNORECASE,
)
# String literals that stand in for masked characters: runs of `*` or `#`, or of three or more
# `X` or `x` ("***", "#", "xxx").
MASK_LITERAL = re.compile(r"\*+|#+|X{3,}|x{3,}")
