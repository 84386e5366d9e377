# Sync users to the support desk. Loguru because the support-tools team likes it.
import sys

import pandas as pd
import requests
from loguru import logger

logger.remove()
logger.add(sys.stderr, level="DEBUG")
logger.add("logs/support_sync_{time}.log", rotation="1 day", retention="30 days")

DESK_API = "https://acme.zendesk.example.com/api/v2/users/create_or_update"

users = pd.read_csv("data/users.csv")
for user in users.to_dict("records"):
    logger.debug(f"upserting {user}")
    resp = requests.post(DESK_API, json={"user": {"email": user["email"], "name": user["username"]}},
                         auth=("bot@acme.example/token", "xxx"))
    if not resp.ok:
        logger.error("failed for user_id={} status={}", user["user_id"], resp.status_code)
logger.success("synced {} users", len(users))
