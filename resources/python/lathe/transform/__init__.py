"""Batch transform, in-process: `python3 -m lathe.transform --model PATH --input PATH --output DIR …`.

SageMaker's batch transform data path without HTTP (docs: shared/reference/sagemaker-contracts.md
§2.2). The model is loaded once, exactly as the model server worker (lathe.serve) loads it; every
input file is cut into requests (SplitType, BatchStrategy, MaxPayloadInMB), each request goes through
the same handler chain as POST /invocations, and the answers of `a/b.csv` are written, in input order,
to `<output>/a/b.csv.out`. See cli.py for the command line, job.py for the data path.
"""
