"""explainability.json (lathe.explainability/1): which features the model leans on.

xgboost models get exact TreeSHAP (booster.predict(pred_contribs=True)), in the model's margin space
(log-odds for binary:logistic); scikit-learn models get permutation importance.
"""
import numpy as np

MAX_ROWS = 100000
PERMUTATION_SCORING = {"binary": "roc_auc", "multiclass": "accuracy", "regression": "r2"}
PERMUTATION_REPEATS = 5


def _sorted(features):
    """By importance, largest first; ties (and nulls, last) by name."""
    return sorted(features, key=lambda f: (f["importance"] is None, -(f["importance"] or 0.0), f["name"]))


def tree_shap(model, features, names):
    contributions = model.contributions(features)
    if contributions.ndim == 2:
        shap = contributions[:, :-1]
        entries = [{"name": name, "importance": float(np.mean(np.abs(shap[:, i]))), "mean_shap": float(np.mean(shap[:, i]))}
                   for i, name in enumerate(names)]
        return {"expected_value": float(np.mean(contributions[:, -1])), "features": _sorted(entries)}, []
    # multiclass: (rows, classes, features + 1)
    shap = contributions[:, :, :-1]
    per_class_abs = np.mean(np.abs(shap), axis=0)  # (classes, features)
    per_class_mean = np.mean(shap, axis=0)
    entries = [{"name": name, "importance": float(np.mean(per_class_abs[:, i])),
                "class_importance": per_class_abs[:, i].tolist(), "class_mean_shap": per_class_mean[:, i].tolist()}
               for i, name in enumerate(names)]
    return {"classes": list(model.classes), "expected_value": np.mean(contributions[:, :, -1], axis=0).tolist(),
            "features": _sorted(entries)}, []


def permutation(model, features, labels, names, problem_type):
    from sklearn.inspection import permutation_importance

    scoring = PERMUTATION_SCORING[problem_type]
    if problem_type == "binary" and np.unique(labels).size < 2:
        entries = [{"name": name, "importance": None, "importance_std": None} for name in names]
        return {"scoring": scoring, "features": _sorted(entries)}, [
            "importances are null: permutation importance scores with roc_auc, which needs rows of both classes (0 and 1)"]
    result = permutation_importance(model.estimator, features, labels, scoring=scoring,
                                    n_repeats=PERMUTATION_REPEATS, random_state=0)
    entries = [{"name": name, "importance": float(result.importances_mean[i]), "importance_std": float(result.importances_std[i])}
               for i, name in enumerate(names)]
    return {"scoring": scoring, "n_repeats": PERMUTATION_REPEATS, "features": _sorted(entries)}, []


def explainability_report(model, dataset, names, problem_type, max_rows=MAX_ROWS):
    rows = min(dataset.rows, max_rows)
    features, labels = dataset.features[:rows], dataset.labels[:rows]
    report = {"format": "lathe.explainability/1"}
    if model.algorithm == "xgboost":
        report["method"] = "tree-shap"
        body, notes = tree_shap(model, features, names)
    else:
        report["method"] = "permutation"
        body, notes = permutation(model, features, labels, names, problem_type)
    report.update(rows=rows, sampled=rows < dataset.rows)
    report.update(body)
    if notes:
        report["warnings"] = notes
    return report
