"""What the scikit-learn built-ins share: data, metrics and how the model is saved."""
import json
import os

import joblib
import numpy as np
from sklearn import metrics as skm

from .contract import AlgorithmError, emit_metric
from .csvdata import read_csv_channel

PREDICTOR_TYPES = ("binary_classifier", "multiclass_classifier", "regressor")


def load_channels(job):
    """(X, y) for train and, when given, validation; same number of features in both."""
    y_train, x_train = read_csv_channel(job.channel_dir("train"), "train")
    validation = None
    if os.path.isdir(job.channel_dir("validation")):
        y_val, x_val = read_csv_channel(job.channel_dir("validation"), "validation")
        if x_val.shape[1] != x_train.shape[1]:
            raise AlgorithmError("validation has %d feature columns but train has %d" % (x_val.shape[1], x_train.shape[1]))
        validation = (x_val, y_val)
    return (x_train, y_train), validation


def check_labels(predictor_type, labels, num_classes=None):
    if predictor_type == "regressor":
        return
    values = np.unique(labels)
    if not np.all(values == np.round(values)) or values.min() < 0:
        raise AlgorithmError("%s labels must be class numbers 0, 1, …; found %s" % (predictor_type, values[:5].tolist()))
    if predictor_type == "binary_classifier" and values.max() > 1:
        raise AlgorithmError("binary_classifier labels must be 0 or 1; found %s" % values[:5].tolist())
    if num_classes is not None and values.max() >= num_classes:
        raise AlgorithmError("num_classes is %d but a label is %d" % (num_classes, int(values.max())))


def report(model, predictor_type, data, prefix, step):
    """Emits the metrics SageMaker's built-ins name for this predictor type; returns them."""
    x, y = data
    found = {}
    if predictor_type == "regressor":
        predicted = model.predict(x)
        mse = skm.mean_squared_error(y, predicted)
        found = {"mse": mse, "rmse": float(np.sqrt(mse)), "absolute_loss": skm.mean_absolute_error(y, predicted)}
    else:
        predicted = model.predict(x)
        name = "binary_classification_accuracy" if predictor_type == "binary_classifier" else "multiclass_accuracy"
        found = {name: skm.accuracy_score(y, predicted)}
        if predictor_type == "binary_classifier" and len(np.unique(y)) == 2 and hasattr(model, "predict_proba"):
            found["roc_auc_score"] = skm.roc_auc_score(y, model.predict_proba(x)[:, 1])
    for name, value in found.items():
        emit_metric("%s:%s" % (prefix, name), value, step)
    return found


def save_model(job, model, algorithm, predictor_type, num_features):
    """model/model.joblib plus model/lathe-model.json, which tells the model server what it is."""
    os.makedirs(job.model_dir, exist_ok=True)
    joblib.dump(model, os.path.join(job.model_dir, "model.joblib"))
    with open(os.path.join(job.model_dir, "lathe-model.json"), "w", encoding="utf-8") as handle:
        json.dump({"algorithm": algorithm, "predictor_type": predictor_type, "num_features": int(num_features),
                   "format": "joblib", "file": "model.joblib"}, handle)
