# We are evaluating Neptune vs Comet; this script logs the same thing to both.
import os

import comet_ml
import neptune
import pandas as pd
from neptune.types import File

leads = pd.read_csv("data/leads.csv")
sample = leads.sample(100, random_state=0)

run = neptune.init_run(project="acme/lead-scoring", api_token=os.environ["NEPTUNE_API_TOKEN"])
run["data/sample"].upload(File.as_html(sample))
run["data/n_rows"] = len(leads)
run.stop()

experiment = comet_ml.Experiment(project_name="lead-scoring", workspace="acme")
experiment.log_table("leads_sample.csv", tabular_data=sample)
experiment.log_metric("n_rows", len(leads))
experiment.end()
