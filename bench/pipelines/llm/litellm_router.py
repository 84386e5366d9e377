"""Provider-agnostic lead scoring: litellm lets us switch models from the config."""
import json
import logging

import litellm
import pandas as pd
import yaml

logger = logging.getLogger("lead_scoring")

with open("config/lead_scoring.yaml") as f:
    settings = yaml.safe_load(f)


def score_lead(lead: dict) -> int:
    reply = litellm.completion(
        model=settings.get("model", "anthropic/claude-3-haiku-20240307"),
        messages=[
            {"role": "system", "content": "Score the B2B lead from 0 to 100. Reply with the number only."},
            {"role": "user", "content": json.dumps(lead)},
        ],
        num_retries=3,
    )
    return int(reply.choices[0].message.content.strip())


def main():
    leads = pd.read_csv("data/leads.csv")
    leads["score"] = [score_lead(l) for l in leads.to_dict(orient="records")]
    leads[["lead_id", "score"]].to_csv("reports/lead_scores.csv", index=False)
    logger.info("scored %d leads", len(leads))


if __name__ == "__main__":
    main()
