"""The seed fraud model served by Flask under gunicorn, for `npm run bench` (bench/endpoints.ts).

SageMaker's framework containers' serving stack (gunicorn + Flask) minus nginx, doing what Lathe's
worker does for this model: GET /ping; POST /invocations with text/csv rows (an empty cell is NaN)
answers text/csv, one probability per line written as repr of the float64. MODEL_DIR holds the
training job's `xgboost-model`. Started as
    gunicorn -w W -b 127.0.0.1:PORT --chdir bench endpointsFlask:app
with OMP_NUM_THREADS=1 (one compute thread per worker, as Lathe's workers).
"""
import math
import os

import numpy as np
import xgboost as xgb
from flask import Flask, Response, request

booster = xgb.Booster()
booster.load_model(os.path.join(os.environ["MODEL_DIR"], "xgboost-model"))
app = Flask(__name__)


@app.get("/ping")
def ping():
    return Response("", status=200)


@app.post("/invocations")
def invocations():
    if request.mimetype != "text/csv":
        return Response("send text/csv\n", status=415, mimetype="text/plain")
    try:
        rows = [[float(cell) if cell.strip() else math.nan for cell in line.split(",")]
                for line in request.get_data(as_text=True).splitlines() if line.strip()]
    except ValueError as error:
        return Response("%s\n" % error, status=400, mimetype="text/plain")
    if not rows:
        return Response("the request has no rows\n", status=400, mimetype="text/plain")
    predictions = booster.predict(xgb.DMatrix(np.array(rows, dtype=np.float64), missing=np.nan))
    return Response("".join(repr(float(p)) + "\n" for p in predictions), mimetype="text/csv")
