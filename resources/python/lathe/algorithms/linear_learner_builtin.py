"""The built-in `linear-learner` algorithm: SageMaker Linear Learner's main hyperparameters on scikit-learn.

Trains by stochastic gradient descent one epoch at a time, so objective and validation metrics are
reported per epoch, like the real thing. Features (and, for regression, nothing else) are normalized.
"""
import numpy as np
from sklearn import metrics as skm
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .contract import emit_metric, run
from .hyperparameters import load_spec, parse_hyperparameters
from .sklearn_common import check_labels, load_channels, report, save_model

SPEC = load_spec("linear-learner")

LOSSES = {"logistic": "log_loss", "hinge_loss": "hinge", "squared_loss": "squared_error", "absolute_loss": "epsilon_insensitive"}


def objective_loss(estimator, loss, x, y, classes):
    """The training objective after an epoch, in the loss the model optimizes."""
    if loss == "log_loss":
        return skm.log_loss(y, estimator.predict_proba(x), labels=classes)
    if loss == "hinge":
        return skm.hinge_loss(y, estimator.decision_function(x), labels=classes)
    if loss == "squared_error":
        return skm.mean_squared_error(y, estimator.predict(x))
    return skm.mean_absolute_error(y, estimator.predict(x))


def train(job):
    values = parse_hyperparameters(SPEC, job.hyperparameters())
    (x, y), validation = load_channels(job)
    predictor = values["predictor_type"]
    check_labels(predictor, y, values["num_classes"])
    regression = predictor == "regressor"
    loss = LOSSES.get(values["loss"]) or ("squared_error" if regression else "log_loss")
    penalty = "elasticnet" if values["l1"] > 0 else "l2"
    alpha = values["wd"] + values["l1"]
    options = dict(loss=loss, penalty=penalty, alpha=alpha, l1_ratio=(values["l1"] / alpha) if alpha else 0.15,
                   random_state=values["seed"])
    if values["learning_rate"] is not None:
        options.update(learning_rate="constant", eta0=values["learning_rate"])
    estimator = SGDRegressor(**options) if regression else SGDClassifier(**options)
    scaler = StandardScaler() if values["normalize_data"] else None
    x_fit = scaler.fit_transform(x) if scaler else x
    classes = None if regression else np.unique(y) if values["num_classes"] is None else np.arange(values["num_classes"])
    print("Training linear-learner (%s, %s) on %d rows x %d features for %d epochs" % (predictor, loss, x.shape[0], x.shape[1], values["epochs"]))
    model = make_pipeline(scaler, estimator) if scaler else make_pipeline(estimator)
    for epoch in range(values["epochs"]):
        if regression:
            estimator.partial_fit(x_fit, y)
        else:
            estimator.partial_fit(x_fit, y, classes=classes)
        emit_metric("train:objective_loss", objective_loss(estimator, loss, x_fit, y, classes), epoch)
        if validation:
            report(model, predictor, validation, "validation", epoch)
    report(model, predictor, (x, y), "train", values["epochs"] - 1)
    save_model(job, model, "linear-learner", predictor, x.shape[1])


if __name__ == "__main__":
    run(train)
