"""The scikit-learn built-ins (linear-learner, random-forest) run as jobs would run them."""
import json
import os
import shutil
import subprocess
import sys

import joblib
import numpy as np
import pytest

PYTHON_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, PYTHON_ROOT)

from lathe.datasets import write_seed_fraud_csv  # noqa: E402


@pytest.fixture(scope="module")
def seed_data(tmp_path_factory):
    return write_seed_fraud_csv(str(tmp_path_factory.mktemp("seed")))


def run_job(root, module, files, hyperparameters):
    for channel, source in files.items():
        os.makedirs(os.path.join(root, "input", "data", channel))
        shutil.copy(source, os.path.join(root, "input", "data", channel, "data.csv"))
    os.makedirs(os.path.join(root, "input", "config"))
    with open(os.path.join(root, "input", "config", "hyperparameters.json"), "w") as handle:
        json.dump(hyperparameters, handle)
    env = dict(os.environ, LATHE_ML_ROOT=root, PYTHONPATH=PYTHON_ROOT, OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-m", "lathe.algorithms." + module], env=env, cwd=root,
                            capture_output=True, text=True, timeout=300)
    points = [json.loads(line[7:]) for line in result.stdout.splitlines() if line.startswith("#lathe ")]
    return result, points


def load(root):
    with open(os.path.join(root, "model", "lathe-model.json")) as handle:
        meta = json.load(handle)
    return meta, joblib.load(os.path.join(root, "model", meta["file"]))


@pytest.mark.parametrize("module, algorithm", [("random_forest_builtin", "random-forest"), ("linear_learner_builtin", "linear-learner")])
def test_a_binary_classifier_on_the_seed_data_reports_metrics_and_saves_a_model_that_predicts(tmp_path, seed_data, module, algorithm):
    hps = {"predictor_type": "binary_classifier", "num_trees": "20"} if algorithm == "random-forest" else {"predictor_type": "binary_classifier", "epochs": "5"}
    result, points = run_job(str(tmp_path), module, {"train": seed_data["train"], "validation": seed_data["test"]}, hps)
    assert result.returncode == 0, result.stderr
    names = {point["metric"] for point in points}
    assert {"validation:binary_classification_accuracy", "validation:roc_auc_score", "train:binary_classification_accuracy"} <= names
    meta, model = load(str(tmp_path))
    assert meta == {"algorithm": algorithm, "predictor_type": "binary_classifier", "num_features": 4, "format": "joblib", "file": "model.joblib"}
    test = np.loadtxt(seed_data["test"], delimiter=",")
    assert set(np.unique(model.predict(test[:, 1:]))) <= {0.0, 1.0}
    assert model.predict_proba(test[:, 1:]).shape == (2000, 2)


def test_linear_learner_reports_the_objective_every_epoch_and_learns_a_regression(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 3))
    y = 3 * x[:, 0] - 2 * x[:, 1] + 0.5 + rng.normal(scale=0.01, size=500)
    data = tmp_path / "data.csv"
    np.savetxt(data, np.column_stack([y, x]), delimiter=",")
    result, points = run_job(str(tmp_path / "job"), "linear_learner_builtin", {"train": str(data), "validation": str(data)},
                             {"predictor_type": "regressor", "epochs": "8"})
    assert result.returncode == 0, result.stderr
    assert [p["step"] for p in points if p["metric"] == "train:objective_loss"] == list(range(8))
    rmse = [p["value"] for p in points if p["metric"] == "validation:rmse"]
    assert len(rmse) == 8 and rmse[-1] < 0.1
    _, model = load(str(tmp_path / "job"))
    assert abs(model.predict(np.array([[1.0, 0.0, 0.0]]))[0] - 3.5) < 0.1


@pytest.mark.parametrize("module", ["random_forest_builtin", "linear_learner_builtin"])
def test_bad_settings_fail_with_a_reason(tmp_path, seed_data, module):
    result, _ = run_job(str(tmp_path / "a"), module, {"train": seed_data["train"]}, {"predictor_type": "classifier"})
    assert result.returncode == 2
    with open(str(tmp_path / "a" / "output" / "failure")) as handle:
        assert "hyperparameter predictor_type must be one of binary_classifier, multiclass_classifier, regressor" in handle.read()
    regression = tmp_path / "reg.csv"
    regression.write_text("2.5,1\n0.5,2\n")
    result, _ = run_job(str(tmp_path / "b"), module, {"train": str(regression)}, {"predictor_type": "binary_classifier"})
    assert result.returncode == 2
    with open(str(tmp_path / "b" / "output" / "failure")) as handle:
        assert "binary_classifier labels must be class numbers" in handle.read()
