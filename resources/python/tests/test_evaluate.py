"""The model evaluation job (python3 -m lathe.evaluate) on real models: every number it writes is the one
sklearn.metrics / xgboost give on the same data, and bad input fails cleanly with exit code 2."""
import io
import json
import math
import os
import subprocess
import sys
import tarfile
import types

import joblib
import numpy as np
import pandas as pd
import pytest
import xgboost as xgb
from sklearn import metrics as skm
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance

PYTHON_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, PYTHON_ROOT)

from lathe.algorithms.sklearn_common import save_model  # noqa: E402
from lathe.evaluate.bias import bias_metrics  # noqa: E402
from lathe.evaluate.evaluation import thin_indices  # noqa: E402
from lathe.evaluate.output import dumps  # noqa: E402

NAMES = "amount,hour,merchant_risk,velocity_24h"
REL = 1e-9


def fraud_frame(n, seed):
    """The seed's fraud columns, with a label that depends on them (AUC about 0.8)."""
    rng = np.random.default_rng(seed)
    amount, hour = rng.exponential(200, n), rng.integers(0, 24, n)
    risk, velocity = rng.uniform(0, 1, n), rng.poisson(3, n)
    logit = -2.5 + 3 * risk + 0.004 * amount + 0.25 * velocity + 0.03 * hour + rng.normal(0, 0.7, n)
    label = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return np.column_stack([label, amount, hour, risk, velocity]).astype(float)


def write_csv(path, rows):
    pd.DataFrame(rows).to_csv(path, header=False, index=False)
    return path


def read_csv(path):
    """The data as the evaluator reads it (pandas), so expected and actual start from identical floats."""
    files = sorted(os.path.join(path, f) for f in os.listdir(path)) if os.path.isdir(path) else [path]
    data = np.concatenate([pd.read_csv(f, header=None).to_numpy(dtype=np.float64) for f in files])
    return data[:, 0], data[:, 1:]


def pack(folder, archive):
    with tarfile.open(archive, "w:gz") as tar:
        for name in sorted(os.listdir(folder)):
            tar.add(os.path.join(folder, name), arcname=name)
    return archive


def strict_load(path):
    def refuse(constant):
        raise AssertionError("non-strict JSON constant %s in %s" % (constant, path))
    with open(path, encoding="utf-8") as handle:
        return json.load(handle, parse_constant=refuse)


def evaluate(tmp, *args):
    out = os.path.join(tmp, "out")
    failure = os.path.join(tmp, "failure")
    env = dict(os.environ, PYTHONPATH=PYTHON_ROOT, OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-m", "lathe.evaluate", "--output", out, "--failure-file", failure, *args],
                            cwd=PYTHON_ROOT, env=env, capture_output=True, text=True, timeout=120)
    reports = {name[:-5]: strict_load(os.path.join(out, name)) for name in sorted(os.listdir(out))} if os.path.isdir(out) else {}
    failed = open(failure, encoding="utf-8").read() if os.path.exists(failure) else None
    return result, reports, failed


def metric_values(entries):
    return {entry["metric"] if "metric" in entry else entry["name"]: entry["value"] for entry in entries}


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    root = tmp_path_factory.mktemp("evaluate")
    train, test = fraud_frame(3000, 1), fraud_frame(1500, 2)
    folder = root / "test"
    folder.mkdir()
    test_with_gap = test.astype(object)
    test_with_gap[3, 2] = None  # a missing feature value, which xgboost takes as NaN
    write_csv(str(folder / "part-1.csv"), test_with_gap[:1000])
    write_csv(str(folder / "part-2.csv"), test[1000:])
    paths = {"root": str(root), "test_folder": str(folder), "test_file": write_csv(str(root / "test.csv"), test)}
    binary = xgb.train({"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "seed": 0},
                       xgb.DMatrix(train[:, 1:], label=train[:, 0]), num_boost_round=20)
    regression = xgb.train({"objective": "reg:squarederror", "max_depth": 3, "seed": 0},
                           xgb.DMatrix(train[:, 1:], label=train[:, 1] * 0.01 + train[:, 3]), num_boost_round=15)
    classes = np.digitize(train[:, 3], [0.33, 0.66])
    multiclass = xgb.train({"objective": "multi:softprob", "num_class": 3, "max_depth": 2, "seed": 0},
                           xgb.DMatrix(train[:, 1:], label=classes), num_boost_round=8)
    for name, booster in (("binary", binary), ("regression", regression), ("multiclass", multiclass)):
        (root / name).mkdir()
        booster.save_model(str(root / name / "xgboost-model"))
        paths[name] = pack(str(root / name), str(root / (name + ".tar.gz")))
    forest = RandomForestClassifier(n_estimators=15, max_depth=5, random_state=0, n_jobs=1).fit(train[:, 1:], train[:, 0])
    save_model(types.SimpleNamespace(model_dir=str(root / "forest")), forest, "random-forest", "binary_classifier", 4)
    paths["forest"] = pack(str(root / "forest"), str(root / "forest.tar.gz"))
    multi_test = test.copy()
    multi_test[:, 0] = np.digitize(test[:, 3], [0.33, 0.66])
    paths["multi_data"] = write_csv(str(root / "multi.csv"), multi_test)
    return paths


def expected_bias(labels, predicted, sensitive, positive=(1,)):
    """CI, DPL, DPPL, DI by hand with numpy (both facets non-empty here)."""
    d, a = sensitive, ~sensitive
    n_a, n_d = a.sum(), d.sum()
    q = lambda values, group: np.isin(values[group], positive).mean()  # noqa: E731
    return {"CI": (n_a - n_d) / (n_a + n_d), "DPL": q(labels, a) - q(labels, d),
            "DPPL": q(predicted, a) - q(predicted, d), "DI": q(predicted, d) / q(predicted, a)}, int(n_a), int(n_d)


def test_xgboost_binary_reports_equal_sklearn_metrics_tree_shap_and_hand_computed_bias(tmp_path, work):
    result, reports, failed = evaluate(str(tmp_path), "--model", work["binary"], "--data", work["test_folder"],
                                       "--reports", "evaluation,explainability,bias", "--feature-names", "amount,hour",
                                       "--feature-names", "merchant_risk,velocity_24h", "--facet", "hour", "--facet-threshold", "12")
    assert result.returncode == 0, result.stderr
    assert failed is None and set(reports) == {"evaluation", "explainability", "bias"}
    labels, features = read_csv(work["test_folder"])
    assert np.isnan(features[3, 1])
    booster = xgb.Booster(model_file=os.path.join(work["root"], "binary", "xgboost-model"))
    scores = booster.predict(xgb.DMatrix(features)).astype(np.float64)
    predicted = (scores > 0.5).astype(float)

    evaluation = reports["evaluation"]
    assert evaluation["format"] == "lathe.evaluation/1" and evaluation["problem_type"] == "binary"
    assert evaluation["dataset"] == {"rows": 1500, "features": NAMES.split(",")}
    assert evaluation["model"] == {"algorithm": "xgboost", "objective": "binary:logistic"}
    assert 0.7 < evaluation["metrics"]["auc"] < 0.95
    assert evaluation["metrics"] == pytest.approx({
        "auc": skm.roc_auc_score(labels, scores), "accuracy": skm.accuracy_score(labels, predicted),
        "precision": skm.precision_score(labels, predicted, zero_division=0),
        "recall": skm.recall_score(labels, predicted, zero_division=0), "f1": skm.f1_score(labels, predicted, zero_division=0),
        "log_loss": skm.log_loss(labels, scores, labels=[0, 1]), "threshold": 0.5}, rel=REL)
    assert evaluation["confusion_matrix"] == {"labels": [0, 1], "matrix": skm.confusion_matrix(labels, predicted).tolist()}
    fpr, tpr, thresholds = skm.roc_curve(labels, scores, drop_intermediate=True)
    assert len(fpr) <= 1000
    assert evaluation["roc"]["fpr"] == pytest.approx(fpr.tolist(), rel=REL)
    assert evaluation["roc"]["tpr"] == pytest.approx(tpr.tolist(), rel=REL)
    assert evaluation["roc"]["thresholds"] == pytest.approx(thresholds.tolist(), rel=REL)
    assert "warnings" not in evaluation

    explain = reports["explainability"]
    contributions = booster.predict(xgb.DMatrix(features), pred_contribs=True).astype(np.float64)
    assert (explain["format"], explain["method"], explain["rows"], explain["sampled"]) == ("lathe.explainability/1", "tree-shap", 1500, False)
    assert explain["expected_value"] == pytest.approx(contributions[:, -1].mean(), rel=REL)
    importance = np.abs(contributions[:, :-1]).mean(axis=0)
    order = sorted(range(4), key=lambda i: (-importance[i], NAMES.split(",")[i]))
    assert [f["name"] for f in explain["features"]] == [NAMES.split(",")[i] for i in order]
    for feature, i in zip(explain["features"], order):
        assert feature["importance"] == pytest.approx(importance[i], rel=REL)
        assert feature["mean_shap"] == pytest.approx(contributions[:, i].mean(), rel=REL)

    bias = reports["bias"]
    values, n_a, n_d = expected_bias(labels, predicted, features[:, 1] > 12)
    assert bias["format"] == "lathe.bias/1" and bias["counts"] == {"n_a": n_a, "n_d": n_d}
    assert bias["label_values_or_threshold"] == [1] and bias["probability_threshold"] == 0.5
    assert bias["facet"] == {"name_or_index": "hour", "index": 1, "value_or_threshold": "(12, 23]"}
    pre = bias["pre_training_bias_metrics"]["facets"]["hour"]
    post = bias["post_training_bias_metrics"]["facets"]["hour"]
    assert pre[0]["value_or_threshold"] == "(12, 23]"
    assert [m["description"] for m in pre[0]["metrics"] + post[0]["metrics"]] == [
        "Class Imbalance (CI)", "Difference in Positive Proportions in Labels (DPL)",
        "Difference in Positive Proportions in Predicted Labels (DPPL)", "Disparate Impact (DI)"]
    assert {**metric_values(pre[0]["metrics"]), **metric_values(post[0]["metrics"])} == pytest.approx(values, rel=REL)


def test_a_random_forest_gets_predict_proba_metrics_permutation_importance_and_bias_by_facet_values(tmp_path, work):
    result, reports, _ = evaluate(str(tmp_path), "--model", work["forest"], "--data", work["test_file"],
                                  "--reports", "evaluation,explainability,bias", "--probability-threshold", "0.4",
                                  "--facet", "1", "--facet-values", "0,1,2,3,4,5", "--label-values", "1")
    assert result.returncode == 0, result.stderr
    labels, features = read_csv(work["test_file"])
    meta_folder = os.path.join(work["root"], "forest")
    forest = joblib.load(os.path.join(meta_folder, "model.joblib"))
    scores = forest.predict_proba(features)[:, 1]
    predicted = (scores > 0.4).astype(float)
    evaluation = reports["evaluation"]
    assert evaluation["model"] == {"algorithm": "random-forest"}
    assert evaluation["dataset"]["features"] == ["f0", "f1", "f2", "f3"]
    assert evaluation["metrics"] == pytest.approx({
        "auc": skm.roc_auc_score(labels, scores), "accuracy": skm.accuracy_score(labels, predicted),
        "precision": skm.precision_score(labels, predicted, zero_division=0),
        "recall": skm.recall_score(labels, predicted, zero_division=0), "f1": skm.f1_score(labels, predicted, zero_division=0),
        "log_loss": skm.log_loss(labels, scores, labels=[0, 1]), "threshold": 0.4}, rel=REL)
    assert evaluation["confusion_matrix"]["matrix"] == skm.confusion_matrix(labels, predicted).tolist()

    explain = reports["explainability"]
    expected = permutation_importance(forest, features, labels, scoring="roc_auc", n_repeats=5, random_state=0)
    assert explain["method"] == "permutation" and "expected_value" not in explain
    got = {f["name"]: (f["importance"], f["importance_std"]) for f in explain["features"]}
    for i in range(4):
        assert got["f%d" % i] == pytest.approx((expected.importances_mean[i], expected.importances_std[i]), rel=REL)
    assert [f["importance"] for f in explain["features"]] == sorted(got[n][0] for n in got)[::-1]

    bias = reports["bias"]
    values, n_a, n_d = expected_bias(labels, predicted, np.isin(features[:, 1], [0, 1, 2, 3, 4, 5]))
    assert bias["facet"] == {"name_or_index": "f1", "index": 1, "value_or_threshold": [0, 1, 2, 3, 4, 5]}
    assert bias["counts"] == {"n_a": n_a, "n_d": n_d} and bias["probability_threshold"] == 0.4
    entry = bias["post_training_bias_metrics"]["facets"]["f1"][0]
    assert entry["value_or_threshold"] == "0,1,2,3,4,5"
    got = {**metric_values(bias["pre_training_bias_metrics"]["facets"]["f1"][0]["metrics"]), **metric_values(entry["metrics"])}
    assert got == pytest.approx(values, rel=REL)


def test_xgboost_regression_reports_rmse_mae_r2_and_shap(tmp_path, work):
    unpacked = os.path.join(work["root"], "regression")  # --model may be the folder model.tar.gz unpacks to
    result, reports, _ = evaluate(str(tmp_path), "--model", unpacked, "--data", work["test_file"],
                                  "--reports", "evaluation,explainability")
    assert result.returncode == 0, result.stderr
    labels, features = read_csv(work["test_file"])
    booster = xgb.Booster(model_file=os.path.join(work["root"], "regression", "xgboost-model"))
    predictions = booster.predict(xgb.DMatrix(features)).astype(np.float64)
    evaluation = reports["evaluation"]
    assert evaluation["problem_type"] == "regression" and "confusion_matrix" not in evaluation and "roc" not in evaluation
    assert evaluation["model"]["objective"] == "reg:squarederror"
    assert evaluation["metrics"] == pytest.approx({"rmse": math.sqrt(skm.mean_squared_error(labels, predictions)),
                                                   "mae": skm.mean_absolute_error(labels, predictions),
                                                   "r2": skm.r2_score(labels, predictions)}, rel=REL)
    contributions = booster.predict(xgb.DMatrix(features), pred_contribs=True).astype(np.float64)
    explain = reports["explainability"]
    assert explain["expected_value"] == pytest.approx(contributions[:, -1].mean(), rel=REL)
    assert {f["name"]: f["mean_shap"] for f in explain["features"]} == pytest.approx(
        {"f%d" % i: contributions[:, i].mean() for i in range(4)}, rel=REL)


def test_multiclass_xgboost_reports_macro_metrics_ovr_auc_and_per_class_shap(tmp_path, work):
    result, reports, _ = evaluate(str(tmp_path), "--model", work["multiclass"], "--data", work["multi_data"],
                                  "--reports", "evaluation,explainability,bias", "--facet", "f1",
                                  "--facet-threshold", "11.5", "--label-values", "2")
    assert result.returncode == 0, result.stderr
    labels, features = read_csv(work["multi_data"])
    booster = xgb.Booster(model_file=os.path.join(work["root"], "multiclass", "xgboost-model"))
    probabilities = booster.predict(xgb.DMatrix(features)).astype(np.float64)
    predicted = np.argmax(probabilities, axis=1).astype(float)
    evaluation = reports["evaluation"]
    assert evaluation["problem_type"] == "multiclass"
    assert evaluation["metrics"] == pytest.approx({
        "accuracy": skm.accuracy_score(labels, predicted),
        "precision_macro": skm.precision_score(labels, predicted, average="macro", zero_division=0),
        "recall_macro": skm.recall_score(labels, predicted, average="macro", zero_division=0),
        "f1_macro": skm.f1_score(labels, predicted, average="macro", zero_division=0),
        "auc_ovr_macro": skm.roc_auc_score(labels, probabilities, multi_class="ovr", average="macro", labels=[0, 1, 2])}, rel=REL)
    assert evaluation["confusion_matrix"] == {"labels": [0, 1, 2], "matrix": skm.confusion_matrix(labels, predicted).tolist()}
    contributions = booster.predict(xgb.DMatrix(features), pred_contribs=True).astype(np.float64)
    explain = reports["explainability"]
    assert explain["classes"] == [0, 1, 2]
    assert explain["expected_value"] == pytest.approx(contributions[:, :, -1].mean(axis=0).tolist(), rel=REL)
    by_name = {f["name"]: f for f in explain["features"]}
    assert by_name["f2"]["class_importance"] == pytest.approx(np.abs(contributions[:, :, 2]).mean(axis=0).tolist(), rel=REL)
    assert by_name["f2"]["importance"] == pytest.approx(np.abs(contributions[:, :, 2]).mean(), rel=REL)
    values, _, _ = expected_bias(labels, predicted, features[:, 1] > 11.5, positive=(2,))
    bias = reports["bias"]
    got = {**metric_values(bias["pre_training_bias_metrics"]["facets"]["f1"][0]["metrics"]),
           **metric_values(bias["post_training_bias_metrics"]["facets"]["f1"][0]["metrics"])}
    assert got == pytest.approx(values, rel=REL)


def test_one_class_data_gives_null_auc_with_a_warning_and_an_empty_facet_gives_metric_errors(tmp_path, work):
    _, features = read_csv(work["test_file"])
    data = write_csv(str(tmp_path / "zeros.csv"), np.column_stack([np.zeros(50), features[:50]]))
    result, reports, _ = evaluate(str(tmp_path), "--model", work["binary"], "--data", data, "--reports", "evaluation,bias",
                                  "--facet", "0", "--facet-values", "-1")
    assert result.returncode == 0, result.stderr
    evaluation = reports["evaluation"]
    assert evaluation["metrics"]["auc"] is None and evaluation["roc"] is None
    assert any("only label 0" in warning for warning in evaluation["warnings"])
    assert evaluation["metrics"]["recall"] == 0
    for section in ("pre_training_bias_metrics", "post_training_bias_metrics"):
        for metric in reports["bias"][section]["facets"]["f0"][0]["metrics"]:
            assert metric["value"] is None and metric["error"].startswith("facet d is empty")
    assert reports["bias"]["counts"] == {"n_a": 50, "n_d": 0}


def test_bias_metrics_follow_clarify_divide_and_write_infinity_as_a_string():
    labels = np.array([1, 0, 1, 0, 1, 0], dtype=float)
    sensitive = np.array([True, True, True, False, False, False])
    predicted = np.array([1, 1, 0, 0, 0, 0], dtype=float)  # q^_a = 0, q^_d = 2/3: DI = (2/3)/0 = +inf
    counts, pre, post = bias_metrics(labels, predicted, sensitive, [1], "x")
    assert counts == {"n_a": 3, "n_d": 3}
    assert [m["value"] for m in pre] == pytest.approx([0.0, 1 / 3 - 2 / 3])
    assert post[0]["value"] == pytest.approx(-2 / 3) and post[1]["value"] == math.inf
    text = dumps({"post": post, "nan": float("nan"), "low": -math.inf})
    parsed = json.loads(text, parse_constant=lambda c: pytest.fail("non-strict constant " + c))
    assert parsed["post"][1]["value"] == "Infinity" and parsed["nan"] is None and parsed["low"] == "-Infinity"
    _, _, zero = bias_metrics(labels, np.zeros(6), sensitive, [1], "x")
    assert zero[1]["value"] == 0.0  # 0/0 is 0


def test_roc_curves_longer_than_1000_points_keep_1000_evenly_spaced_including_the_ends():
    kept = thin_indices(5001)
    assert len(kept) == 1000 and kept[0] == 0 and kept[-1] == 5000 and np.all(np.diff(kept) >= 5)
    assert thin_indices(10).tolist() == list(range(10))


def test_explainability_is_capped_to_the_first_rows_and_says_it_sampled(work):
    from lathe.evaluate.data import read_dataset
    from lathe.evaluate.explain import explainability_report
    from lathe.evaluate.models import XGBoostModel

    model = XGBoostModel(os.path.join(work["root"], "binary", "xgboost-model"))
    report = explainability_report(model, read_dataset(work["test_file"]), NAMES.split(","), "binary", max_rows=100)
    assert report["rows"] == 100 and report["sampled"] is True
    _, features = read_csv(work["test_file"])
    contributions = model.booster.predict(xgb.DMatrix(features[:100]), pred_contribs=True).astype(np.float64)
    assert {f["name"]: f["importance"] for f in report["features"]} == pytest.approx(
        dict(zip(NAMES.split(","), np.abs(contributions[:, :-1]).mean(axis=0))), rel=REL)


def _tar_with(path, entries):
    with tarfile.open(path, "w:gz") as tar:
        for name, kind in entries:
            info = tarfile.TarInfo(name)
            if kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                tar.addfile(info)
            else:
                info.size = 5
                tar.addfile(info, io.BytesIO(b"hello"))
    return path


EVAL = ("--reports", "evaluation")
BIAS = ("--reports", "evaluation,bias")
BAD_INPUTS = {
    "semicolons": (lambda w, t: ["--model", w["binary"], "--data", _write(t, "semi.csv", "0;1.5;3;0.2;1\n1;2.5;4;0.9;2\n"), *EVAL],
                   "semi.csv is not separated by commas (it uses semicolons)"),
    "missing label": (lambda w, t: ["--model", w["binary"], "--data", _write(t, "gap.csv", "0,1.5,3,0.2,1\n1,2,4,0.9,2\n,2,4,0.9,2\n"),
                                    *EVAL], "gap.csv row 3 has no label in the first column"),
    "unknown facet": (lambda w, t: ["--model", w["binary"], "--data", w["test_file"], "--feature-names", NAMES,
                                    "--facet", "country", "--facet-values", "1", *BIAS], "'country' is not a feature name"),
    "facet index out of range": (lambda w, t: ["--model", w["binary"], "--data", w["test_file"], "--facet", "4",
                                               "--facet-values", "1", *BIAS], "--facet 4 is out of range"),
    "values and threshold": (lambda w, t: ["--model", w["binary"], "--data", w["test_file"], "--facet", "0",
                                           "--facet-values", "1", "--facet-threshold", "2", *BIAS], "not both"),
    "bias without facet": (lambda w, t: ["--model", w["binary"], "--data", w["test_file"], *BIAS], "needs --facet"),
    "regression bias": (lambda w, t: ["--model", w["regression"], "--data", w["test_file"], "--facet", "0",
                                      "--facet-threshold", "2", *BIAS], "bias report needs class labels"),
    "dot-dot member": (lambda w, t: ["--model", _tar_with(t + "/evil.tar.gz", [("../evil", "file")]), "--data",
                                     w["test_file"], *EVAL], "'../evil' points outside the archive"),
    "absolute member": (lambda w, t: ["--model", _tar_with(t + "/abs.tar.gz", [("/tmp/xgboost-model", "file")]),
                                      "--data", w["test_file"], *EVAL], "'/tmp/xgboost-model' has an absolute path"),
    "symlink member": (lambda w, t: ["--model", _tar_with(t + "/link.tar.gz", [("xgboost-model", "symlink")]),
                                     "--data", w["test_file"], *EVAL], "'xgboost-model' is a link"),
    "unsupported model": (lambda w, t: ["--model", _tar_with(t + "/other.tar.gz", [("model.pth", "file")]),
                                        "--data", w["test_file"], *EVAL], "the model holds model.pth; the evaluation supports"),
}


def _write(folder, name, text):
    with open(os.path.join(folder, name), "w") as handle:
        handle.write(text)
    return os.path.join(folder, name)


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_one_clear_message_and_writes_no_report(tmp_path, work, case):
    make_args, message = BAD_INPUTS[case]
    result, reports, failed = evaluate(str(tmp_path), *make_args(work, str(tmp_path)))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert failed == result.stderr.strip() and failed.startswith("ClientError: ")
    assert reports == {}
    assert not os.path.exists(os.path.join(str(tmp_path), "evil"))
