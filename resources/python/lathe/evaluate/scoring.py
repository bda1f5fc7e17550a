"""What the model says about each row, in the terms every report uses (scores, predicted labels)."""
import numpy as np

from . import EvaluationError

PROBLEM_TYPES = ("binary", "multiclass", "regression")
# model's own problem type -> the problem types it can be evaluated as
COMPATIBLE = {"binary": ("binary", "multiclass"), "multiclass": ("multiclass",), "regression": ("regression", "binary")}


def resolve_problem_type(model, requested):
    native = model.problem_type
    if requested in (None, "", "auto"):
        return native
    if requested not in COMPATIBLE[native]:
        what = "objective %s" % model.objective if model.objective else model.algorithm
        raise EvaluationError("--problem-type %s does not fit this model: its %s makes it a %s model (it can be "
                              "evaluated as %s)" % (requested, what, native, " or ".join(COMPATIBLE[native])))
    return requested


class Predictions:
    """scores: binary score of class 1 (n,) or regression predictions; probabilities: multiclass (n, k) or None;
    predicted: predicted labels for classifiers; classes: the class labels, in column order; threshold: binary
    predicted label is 1 when the score is above it."""

    def __init__(self, problem_type, scores=None, probabilities=None, predicted=None, classes=None, threshold=None):
        self.problem_type = problem_type
        self.threshold = threshold
        self.scores = scores
        self.probabilities = probabilities
        self.predicted = predicted
        self.classes = classes


def check_labels(problem_type, labels, classes, dataset):
    if problem_type == "regression":
        return
    allowed = [0, 1] if problem_type == "binary" else classes
    bad = np.flatnonzero(~np.isin(labels, np.asarray(allowed, dtype=np.float64)))
    if bad.size:
        raise EvaluationError("%s has label %s, but %s labels here must be %s" % (
            dataset.where(int(bad[0])), _number(labels[bad[0]]), problem_type, ", ".join(_number(c) for c in allowed)))


def _number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def check_inputs(model, problem_type, dataset):
    """The data fits the model and the problem type; returns the class labels (in score column order)."""
    features = dataset.features
    if model.num_features and dataset.width != model.num_features:
        raise EvaluationError("the model takes %d features but the data has %d feature columns after the label"
                              % (model.num_features, dataset.width))
    if model.algorithm != "xgboost":
        missing = np.argwhere(np.isnan(features))
        if missing.size:
            row, column = missing[0]
            raise EvaluationError("%s column %d is empty; %s models cannot take missing values (only xgboost can)"
                                  % (dataset.where(int(row)), column + 2, model.algorithm))
    classes = [0, 1] if problem_type != "multiclass" else list(model.classes)
    check_labels(problem_type, dataset.labels, classes, dataset)
    return classes


def predict(model, problem_type, dataset, threshold):
    """Runs the model once over the data set."""
    classes = check_inputs(model, problem_type, dataset)
    features = dataset.features
    outputs = model.outputs(features)
    if problem_type == "regression":
        return Predictions(problem_type, scores=outputs)
    if problem_type == "binary":
        return Predictions(problem_type, scores=outputs, predicted=(outputs > threshold).astype(np.float64),
                           classes=[0, 1], threshold=threshold)
    probabilities = outputs
    if model.problem_type == "binary" and outputs is not None:
        probabilities = np.column_stack([1.0 - outputs, outputs])
    if probabilities is not None:
        predicted = np.asarray(classes, dtype=np.float64)[np.argmax(probabilities, axis=1)]
    else:
        predicted = model.predicted_classes(features)
    return Predictions(problem_type, probabilities=probabilities, predicted=predicted, classes=classes)
