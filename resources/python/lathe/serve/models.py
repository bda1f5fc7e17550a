"""Models of Lathe's built-in algorithms, answering what SageMaker's built-in containers answer.

- xgboost (`xgboost-model`): Booster.predict as is: binary:logistic a probability per row,
  binary:logitraw the margin, multi:softprob one probability per class, multi:softmax the class
  index, regression objectives the value.
- linear-learner / random-forest (`lathe-model.json` + model.joblib): binary_classifier the
  probability of class 1, multiclass_classifier the probability of each class, regressor the value.
  A classifier without predict_proba (linear-learner with hinge_loss) answers the predicted class.
"""
import json
import os

import numpy as np

from . import ClientError, RequestError
from ..evaluate import EvaluationError
from ..evaluate.models import SKLEARN_META, XGBOOST_FILE, SklearnModel, XGBoostModel
from ..modelarchive import list_files

SUPPORTED = ("Lathe's built-in algorithms (xgboost: an `xgboost-model` file; linear-learner, random-forest: "
             "`lathe-model.json` with `model.joblib`) or a code/inference.py that defines model_fn")


def find_model_folder(folder):
    """The folder that holds the model files: the root, or its only subfolder (a tarball of `model/`)."""
    if os.path.exists(os.path.join(folder, XGBOOST_FILE)) or os.path.exists(os.path.join(folder, SKLEARN_META)):
        return folder
    entries = [entry for entry in os.listdir(folder) if not entry.startswith(".")]
    if len(entries) == 1 and entries[0] != "code" and os.path.isdir(os.path.join(folder, entries[0])):
        return find_model_folder(os.path.join(folder, entries[0]))
    return folder


def load_builtin(model_dir):
    """The built-in model in `model_dir`, or a ClientError that says what the folder holds."""
    folder = find_model_folder(model_dir)
    try:
        if os.path.isfile(os.path.join(folder, XGBOOST_FILE)):
            return BuiltinModel(XGBoostModel(os.path.join(folder, XGBOOST_FILE)))
        if os.path.isfile(os.path.join(folder, SKLEARN_META)):
            try:
                with open(os.path.join(folder, SKLEARN_META), encoding="utf-8") as handle:
                    meta = json.load(handle)
            except (ValueError, OSError) as error:
                raise ClientError("%s is not valid JSON: %s" % (SKLEARN_META, error))
            if not isinstance(meta, dict):
                raise ClientError("%s must be a JSON object" % SKLEARN_META)
            return BuiltinModel(SklearnModel(folder, meta))
    except EvaluationError as error:
        raise ClientError(str(error))
    raise ClientError("the model holds %s; the model server supports %s" % (list_files(model_dir), SUPPORTED))


class BuiltinModel:
    """What the default predict_fn calls for a built-in model; model_fn's result when there is no model_fn."""

    def __init__(self, inner):
        self.inner = inner
        self.algorithm = inner.algorithm
        self.num_features = inner.num_features or None
        self.is_xgboost = isinstance(inner, XGBoostModel)

    def predict(self, features):
        features = np.asarray(features, dtype=np.float64)
        if features.ndim == 1:
            features = features.reshape(1, -1)
        if self.is_xgboost:
            return self.inner.booster.predict(self.inner.matrix(features))
        missing = np.argwhere(np.isnan(features))
        if len(missing):
            row, column = missing[0]
            raise RequestError(400, "row %d, column %d is empty; this %s model needs a number in every column"
                               % (row + 1, column + 1, self.algorithm))
        estimator = self.inner.estimator
        if self.inner.problem_type == "regression" or not self.inner.has_probabilities:
            return np.asarray(estimator.predict(features), dtype=np.float64)
        probabilities = np.asarray(estimator.predict_proba(features), dtype=np.float64)
        return probabilities[:, 1] if self.inner.problem_type == "binary" else probabilities


def feature_count(model):
    """How many features a model from model_fn takes, when it says (scikit-learn, xgboost); else None."""
    if isinstance(model, BuiltinModel):
        return model.num_features
    count = getattr(model, "n_features_in_", None)
    if count is None and type(model).__module__.startswith("xgboost") and callable(getattr(model, "num_features", None)):
        try:
            count = model.num_features()
        except Exception:  # noqa: BLE001 - an unfitted or odd booster just has no known width
            count = None
    try:
        return int(count) if count else None
    except (TypeError, ValueError):
        return None


def default_predict(model, data):
    """The default predict_fn: built-in models as above, a Booster on a DMatrix, else model.predict(data)."""
    if isinstance(model, BuiltinModel):
        return model.predict(data)
    if type(model).__module__.startswith("xgboost"):
        import xgboost as xgb

        if isinstance(model, xgb.Booster):
            return model.predict(xgb.DMatrix(data, missing=np.nan))
    return model.predict(data)
