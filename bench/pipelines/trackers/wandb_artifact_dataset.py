# version the raw customer extract as a W&B artifact so training runs can reference it
import wandb

RAW = "data/customers.csv"

with wandb.init(project="churn", job_type="upload-data") as run:
    art = wandb.Artifact("customers-raw", type="dataset", description="CRM extract, unmodified")
    art.add_file(RAW)
    run.log_artifact(art)
