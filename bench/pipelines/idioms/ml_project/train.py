"""Train the churn model.

    python train.py            # time-based split
    python train.py --random   # random split (for the notebook comparison)
"""
import argparse
import logging
from pathlib import Path

import joblib
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split

from features import add_ratios, load
from settings import DATA_DIR, FEATURES, MODEL_DIR, RANDOM_STATE

log = logging.getLogger("train")


def time_split(df, frac=0.8):
    n = int(len(df) * frac)
    train, test = df[:n], df[n:]
    return train, test


def main(random_split=False):
    df = add_ratios(load(DATA_DIR / "customers.csv"))
    if random_split:
        train, test = train_test_split(df, test_size=0.2, random_state=RANDOM_STATE)
    else:
        train, test = time_split(df)
    model = GradientBoostingClassifier(random_state=RANDOM_STATE)
    model.fit(train[FEATURES], train["churned"])
    MODEL_DIR.mkdir(exist_ok=True)
    joblib.dump(model, MODEL_DIR / "churn.joblib")

    # analysts want the holdout with predictions to eyeball in Excel
    scored = test.assign(pred=model.predict_proba(test[FEATURES])[:, 1])
    scored.to_csv(Path.home() / "Downloads" / "churn_holdout_scored.csv", index=False)
    log.info("holdout AUC-ish: %.3f", scored["pred"].mean())


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--random", action="store_true")
    main(ap.parse_args().random)
