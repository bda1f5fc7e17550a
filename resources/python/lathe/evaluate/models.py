"""Models made by Lathe's built-in algorithms, loaded from model.tar.gz (or its unpacked folder).

- xgboost: the archive holds `xgboost-model` (Booster.save_model); the objective decides the problem.
- linear-learner, random-forest: `lathe-model.json` plus the joblib file it names.
"""
import json
import os

import numpy as np

from . import EvaluationError
from .archive import extract_model_archive, list_files

XGBOOST_FILE = "xgboost-model"
SKLEARN_META = "lathe-model.json"
PREDICTOR_TYPES = {"binary_classifier": "binary", "multiclass_classifier": "multiclass", "regressor": "regression"}
SUPPORTED = ("Lathe's built-in algorithms: xgboost (an `xgboost-model` file) and linear-learner / random-forest "
             "(`lathe-model.json` with `model.joblib`)")


def problem_of_objective(objective):
    if objective.startswith("binary:"):
        return "binary"
    if objective in ("multi:softprob", "multi:softmax"):
        return "multiclass"
    return "regression"


def _softmax(margins):
    shifted = margins - margins.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


class XGBoostModel:
    algorithm = "xgboost"

    def __init__(self, file):
        import xgboost as xgb

        self._xgb = xgb
        self.booster = xgb.Booster()
        try:
            self.booster.load_model(file)
            config = json.loads(self.booster.save_config())
            self.objective = config["learner"]["objective"]["name"]
            self.num_class = int(config["learner"]["learner_model_param"].get("num_class", "0"))
        except (xgb.core.XGBoostError, ValueError, KeyError) as error:
            raise EvaluationError("cannot load %s as an XGBoost model: %s" % (XGBOOST_FILE, str(error).splitlines()[0]))
        self.problem_type = problem_of_objective(self.objective)
        self.num_features = int(self.booster.num_features())
        self.feature_names = list(self.booster.feature_names) if self.booster.feature_names else None
        self.classes = list(range(self.num_class)) if self.problem_type == "multiclass" else [0, 1]

    def describe(self):
        return {"algorithm": self.algorithm, "objective": self.objective}

    def matrix(self, features):
        return self._xgb.DMatrix(features, feature_names=self.feature_names, missing=np.nan)

    def outputs(self, features):
        """binary: probability of class 1; multiclass: (n, k) probabilities; regression: predictions."""
        dm = self.matrix(features)
        if self.objective == "multi:softmax":
            return _softmax(self.booster.predict(dm, output_margin=True).astype(np.float64))
        values = self.booster.predict(dm).astype(np.float64)
        if self.objective == "binary:logitraw":
            values = 1.0 / (1.0 + np.exp(-values))
        return values

    def contributions(self, features):
        """TreeSHAP values: (n, f + 1), or (n, k, f + 1) for multiclass; the last column is the bias."""
        return self.booster.predict(self.matrix(features), pred_contribs=True).astype(np.float64)


class SklearnModel:
    def __init__(self, folder, meta):
        import joblib

        self.algorithm = str(meta.get("algorithm") or "scikit-learn")
        self.objective = None
        predictor = meta.get("predictor_type")
        if predictor not in PREDICTOR_TYPES:
            raise EvaluationError("%s: predictor_type %r is not one of %s" % (SKLEARN_META, predictor, ", ".join(PREDICTOR_TYPES)))
        if meta.get("format", "joblib") != "joblib":
            raise EvaluationError("%s: format %r is not supported (only joblib)" % (SKLEARN_META, meta.get("format")))
        name = meta.get("file", "model.joblib")
        if not isinstance(name, str) or os.path.basename(name) != name or name in ("", ".", ".."):
            raise EvaluationError("%s: file %r must be a file name beside it" % (SKLEARN_META, name))
        if not os.path.isfile(os.path.join(folder, name)):
            raise EvaluationError("%s names %s, which the model does not hold (it holds %s)" % (SKLEARN_META, name, list_files(folder)))
        try:
            self.estimator = joblib.load(os.path.join(folder, name))
        except Exception as error:  # noqa: BLE001 - unpickling can fail in many ways; all mean "not loadable"
            raise EvaluationError("cannot load %s with joblib: %s: %s" % (name, type(error).__name__, error))
        if not hasattr(self.estimator, "predict"):
            raise EvaluationError("%s holds a %s, which has no predict()" % (name, type(self.estimator).__name__))
        self.problem_type = PREDICTOR_TYPES[predictor]
        self.num_features = int(meta.get("num_features") or getattr(self.estimator, "n_features_in_", 0))
        self.feature_names = None
        classes = getattr(self.estimator, "classes_", None)
        self.classes = [_int_if_whole(c) for c in classes] if classes is not None else [0, 1]
        self.has_probabilities = hasattr(self.estimator, "predict_proba")

    def describe(self):
        return {"algorithm": self.algorithm}

    def outputs(self, features):
        if self.problem_type == "regression":
            return np.asarray(self.estimator.predict(features), dtype=np.float64)
        if not self.has_probabilities:
            if self.problem_type == "binary":
                raise EvaluationError("this %s model gives no probabilities (predict_proba), which the binary evaluation "
                                      "needs; train it with a logistic loss" % self.algorithm)
            return None
        probabilities = np.asarray(self.estimator.predict_proba(features), dtype=np.float64)
        return probabilities[:, 1] if self.problem_type == "binary" else probabilities

    def predicted_classes(self, features):
        return np.asarray(self.estimator.predict(features), dtype=np.float64)


def _int_if_whole(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def _model_folder(folder):
    """The folder that holds the model files: the root, or its only subfolder."""
    if os.path.exists(os.path.join(folder, XGBOOST_FILE)) or os.path.exists(os.path.join(folder, SKLEARN_META)):
        return folder
    entries = [e for e in os.listdir(folder) if not e.startswith(".")]
    if len(entries) == 1 and os.path.isdir(os.path.join(folder, entries[0])):
        return _model_folder(os.path.join(folder, entries[0]))
    return folder


def load_model(path, scratch):
    """The model at --model (a model.tar.gz or a folder); `scratch` is an empty folder to unpack into."""
    if os.path.isdir(path):
        folder = path
    elif os.path.isfile(path):
        folder = extract_model_archive(path, scratch)
    else:
        raise EvaluationError("--model %s does not exist" % path)
    folder = _model_folder(folder)
    if os.path.isfile(os.path.join(folder, XGBOOST_FILE)):
        return XGBoostModel(os.path.join(folder, XGBOOST_FILE))
    if os.path.isfile(os.path.join(folder, SKLEARN_META)):
        try:
            with open(os.path.join(folder, SKLEARN_META), encoding="utf-8") as handle:
                meta = json.load(handle)
        except (ValueError, OSError) as error:
            raise EvaluationError("%s is not valid JSON: %s" % (SKLEARN_META, error))
        if not isinstance(meta, dict):
            raise EvaluationError("%s must be a JSON object" % SKLEARN_META)
        return SklearnModel(folder, meta)
    raise EvaluationError("the model holds %s; the evaluation supports %s" % (list_files(folder), SUPPORTED))
