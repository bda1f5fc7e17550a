"""evaluation.json (lathe.evaluation/1): quality metrics, confusion matrix and ROC curve."""
import warnings

import numpy as np

MAX_ROC_POINTS = 1000


def _quietly(function, *args, **kwargs):
    """Calls a sklearn metric with its UndefinedMetricWarning (and friends) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def thin_indices(count, limit=MAX_ROC_POINTS):
    """`limit` indices evenly spaced over range(count), first and last included (all of them if count <= limit)."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, limit)).astype(int))


def binary_metrics(labels, scores, threshold):
    from sklearn import metrics as skm

    predicted = (scores > threshold).astype(np.float64)
    warnings_list = []
    two_classes = np.unique(labels).size == 2
    if two_classes:
        auc = float(skm.roc_auc_score(labels, scores))
    else:
        auc = None
        warnings_list.append("auc is null: the data has only label %s, and AUC needs rows of both classes (0 and 1)"
                             % int(labels[0]))
    metrics = {
        "auc": auc,
        "accuracy": float(skm.accuracy_score(labels, predicted)),
        "precision": float(_quietly(skm.precision_score, labels, predicted, zero_division=0)),
        "recall": float(_quietly(skm.recall_score, labels, predicted, zero_division=0)),
        "f1": float(_quietly(skm.f1_score, labels, predicted, zero_division=0)),
        "log_loss": float(_quietly(skm.log_loss, labels, scores, labels=[0, 1])),
        "threshold": float(threshold),
    }
    roc = None
    if two_classes:
        fpr, tpr, thresholds = skm.roc_curve(labels, scores, drop_intermediate=True)
        keep = thin_indices(len(fpr))
        roc = {"fpr": fpr[keep].tolist(), "tpr": tpr[keep].tolist(), "thresholds": thresholds[keep].tolist()}
    else:
        warnings_list.append("roc is null: a ROC curve needs rows of both classes")
    return metrics, predicted, roc, warnings_list


def multiclass_metrics(labels, probabilities, predicted, classes):
    from sklearn import metrics as skm

    metrics = {
        "accuracy": float(skm.accuracy_score(labels, predicted)),
        "precision_macro": float(_quietly(skm.precision_score, labels, predicted, average="macro", zero_division=0)),
        "recall_macro": float(_quietly(skm.recall_score, labels, predicted, average="macro", zero_division=0)),
        "f1_macro": float(_quietly(skm.f1_score, labels, predicted, average="macro", zero_division=0)),
    }
    found = []
    if probabilities is not None:
        missing = [c for c in classes if not np.any(labels == c)]
        if missing:
            metrics["auc_ovr_macro"] = None
            found.append("auc_ovr_macro is null: the data has no rows of class %s, and one-vs-rest AUC needs rows of "
                         "every class" % ", ".join(str(c) for c in missing))
        else:
            try:
                metrics["auc_ovr_macro"] = float(_quietly(skm.roc_auc_score, labels, probabilities, multi_class="ovr",
                                                          average="macro", labels=classes))
            except ValueError as error:
                metrics["auc_ovr_macro"] = None
                found.append("auc_ovr_macro is null: %s" % error)
    return metrics, found


def regression_metrics(labels, predictions):
    from sklearn import metrics as skm

    return {
        "rmse": float(np.sqrt(skm.mean_squared_error(labels, predictions))),
        "mae": float(skm.mean_absolute_error(labels, predictions)),
        "r2": float(_quietly(skm.r2_score, labels, predictions)),
    }


def confusion(labels, predicted, classes):
    from sklearn import metrics as skm

    matrix = skm.confusion_matrix(labels, predicted, labels=np.asarray(classes, dtype=np.float64))
    return {"labels": list(classes), "matrix": matrix.astype(int).tolist()}


def evaluation_report(model, dataset, feature_names, predictions):
    problem = predictions.problem_type
    report = {
        "format": "lathe.evaluation/1",
        "problem_type": problem,
        "dataset": {"rows": dataset.rows, "features": list(feature_names)},
        "model": model.describe(),
    }
    notes = []
    labels = dataset.labels
    if problem == "binary":
        threshold = predictions.threshold
        metrics, predicted, roc, notes = binary_metrics(labels, predictions.scores, threshold)
        report["metrics"] = metrics
        report["confusion_matrix"] = confusion(labels, predicted, [0, 1])
        report["roc"] = roc
    elif problem == "multiclass":
        report["metrics"], notes = multiclass_metrics(labels, predictions.probabilities, predictions.predicted,
                                                      predictions.classes)
        report["confusion_matrix"] = confusion(labels, predictions.predicted, predictions.classes)
    else:
        report["metrics"] = regression_metrics(labels, predictions.scores)
    if notes:
        report["warnings"] = notes
    return report
