"""bias.json (lathe.bias/1): Clarify's CI, DPL (pre-training) and DPPL, DI (post-training) for one facet.

Facet d (sensitive) is the rows whose facet value is in the given values, or above the threshold;
facet a is every other row (a row with no facet value included). Definitions: sagemaker-contracts-2.md §6.4.
"""
import math
import warnings

import numpy as np

from . import EvaluationError

DESCRIPTIONS = {
    "CI": "Class Imbalance (CI)",
    "DPL": "Difference in Positive Proportions in Labels (DPL)",
    "DPPL": "Difference in Positive Proportions in Predicted Labels (DPPL)",
    "DI": "Disparate Impact (DI)",
}


def divide(a, b):
    """Clarify's divide: 0 for 0/0, ±inf for x/0."""
    if b == 0:
        return 0.0 if a == 0 else math.copysign(math.inf, a)
    return a / b


def number_text(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


class FacetSpec:
    """Which feature is the facet and which rows form facet d (values, or a threshold)."""

    def __init__(self, index, name, values=None, threshold=None):
        self.index, self.name, self.values, self.threshold = index, name, values, threshold

    def sensitive(self, column):
        if self.threshold is not None:
            with np.errstate(invalid="ignore"):
                return column > self.threshold
        return np.isin(column, np.asarray(self.values, dtype=np.float64))

    def label(self, column):
        """value_or_threshold as Clarify writes it: a list of values, or "(t, max]"."""
        if self.threshold is None:
            return [_plain(v) for v in self.values]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            top = np.nanmax(column) if column.size else math.nan
        return "(%s, %s]" % (number_text(self.threshold), number_text(top) if np.isfinite(top) else "nan")

    def describe(self, column):
        shown = self.label(column)
        if isinstance(shown, str):
            return "%s in %s" % (self.name, shown)
        return "%s in [%s]" % (self.name, ", ".join(number_text(v) for v in shown))


def _plain(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def resolve_facet(given, names):
    """(index, name) of --facet: a feature name, or a 0-based index counting features only."""
    if given in names:
        index = names.index(given)
        return index, names[index]
    text = given.strip()
    if text.lstrip("-").isdigit():
        index = int(text)
        if not 0 <= index < len(names):
            raise EvaluationError("--facet %s is out of range: the data has %d features (0 to %d; the label column is "
                                  "not counted)" % (given, len(names), len(names) - 1))
        return index, names[index]
    raise EvaluationError("--facet %r is not a feature name; the features are %s" % (given, ", ".join(names)))


def check_label_values(label_values, problem_type, classes):
    known = [0, 1] if problem_type == "binary" else list(classes)
    unknown = [v for v in label_values if float(v) not in [float(c) for c in known]]
    if unknown:
        raise EvaluationError("--label-values %s: %s is not a label of this %s problem (labels are %s)" % (
            ",".join(number_text(v) for v in label_values), number_text(unknown[0]), problem_type,
            ", ".join(number_text(c) for c in known)))


def _metric(name, value=None, error=None):
    entry = {"name": name, "description": DESCRIPTIONS[name], "value": value}
    if error is not None:
        entry["error"] = error
    return entry


def _empty_error(n_a, n_d, description):
    if n_d == 0:
        return "facet d is empty: no row has %s" % description
    if n_a == 0:
        return "facet a is empty: every row has %s" % description
    return None


def bias_metrics(labels, predicted, sensitive, label_values, description):
    """(counts, pre-training metrics, post-training metrics) for facet d = rows where `sensitive` is true."""
    positives = np.asarray(label_values, dtype=np.float64)
    observed = np.isin(labels, positives)
    guessed = np.isin(predicted, positives)
    d, a = sensitive, ~sensitive
    n_d, n_a = int(d.sum()), int(a.sum())
    error = _empty_error(n_a, n_d, description)
    if error:
        pre = [_metric("CI", error=error), _metric("DPL", error=error)]
        post = [_metric("DPPL", error=error), _metric("DI", error=error)]
        return {"n_a": n_a, "n_d": n_d}, pre, post
    q_a, q_d = divide(int(observed[a].sum()), n_a), divide(int(observed[d].sum()), n_d)
    qhat_a, qhat_d = divide(int(guessed[a].sum()), n_a), divide(int(guessed[d].sum()), n_d)
    pre = [_metric("CI", divide(n_a - n_d, n_a + n_d)), _metric("DPL", q_a - q_d)]
    post = [_metric("DPPL", qhat_a - qhat_d), _metric("DI", divide(qhat_d, qhat_a))]
    return {"n_a": n_a, "n_d": n_d}, pre, post


def bias_report(dataset, predictions, facet, label_values, threshold):
    column = dataset.features[:, facet.index]
    shown = facet.label(column)
    counts, pre, post = bias_metrics(dataset.labels, predictions.predicted, facet.sensitive(column), label_values,
                                     facet.describe(column))
    entry_label = shown if isinstance(shown, str) else ",".join(number_text(v) for v in shown)
    return {
        "format": "lathe.bias/1",
        "label_values_or_threshold": [_plain(v) for v in label_values],
        "probability_threshold": float(threshold),
        "facet": {"name_or_index": facet.name, "index": facet.index, "value_or_threshold": shown},
        "counts": counts,
        "pre_training_bias_metrics": {"facets": {facet.name: [{"value_or_threshold": entry_label, "metrics": pre}]}},
        "post_training_bias_metrics": {"facets": {facet.name: [{"value_or_threshold": entry_label, "metrics": post}]}},
    }
