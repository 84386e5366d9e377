"""Stage a partner upload for validation; the batch stays in the repository's staging area."""
import sys

import pandas as pd

batch = pd.read_csv(sys.argv[1])
batch.to_parquet("staging/partner_batch.parquet")
