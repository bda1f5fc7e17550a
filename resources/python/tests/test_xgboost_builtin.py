"""The built-in xgboost algorithm run as a job would run it: a folder laid out like /opt/ml."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import xgboost as xgb

PYTHON_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, PYTHON_ROOT)

from lathe.algorithms.xgboost_builtin import latest_checkpoint  # noqa: E402
from lathe.datasets import write_seed_fraud_csv  # noqa: E402

SEED_HYPERPARAMETERS = {
    "num_round": "100", "max_depth": "5", "eta": "0.2", "objective": "binary:logistic",
    "eval_metric": "auc", "subsample": "0.8",
}


@pytest.fixture(scope="module")
def seed_data(tmp_path_factory):
    return write_seed_fraud_csv(str(tmp_path_factory.mktemp("seed")))


def make_job(root, data, hyperparameters, validation=True):
    for channel, source in (("train", data["train"]), ("validation", data["test"] if validation else None)):
        if source:
            os.makedirs(os.path.join(root, "input", "data", channel))
            shutil.copy(source, os.path.join(root, "input", "data", channel, channel + ".csv"))
    os.makedirs(os.path.join(root, "input", "config"))
    with open(os.path.join(root, "input", "config", "hyperparameters.json"), "w") as handle:
        json.dump(hyperparameters, handle)
    return root


def start(root):
    env = dict(os.environ, LATHE_ML_ROOT=root, PYTHONPATH=PYTHON_ROOT, OMP_NUM_THREADS="1")
    return subprocess.Popen(
        [sys.executable, "-m", "lathe.algorithms.xgboost_builtin"], env=env, cwd=root,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def run_job(root):
    process = start(root)
    stdout, stderr = process.communicate(timeout=300)
    return process.returncode, stdout, stderr


def metric_points(stdout, name):
    points = [json.loads(line[len("#lathe "):]) for line in stdout.splitlines() if line.startswith("#lathe ")]
    return [point for point in points if point["metric"] == name]


def failure(root):
    with open(os.path.join(root, "output", "failure")) as handle:
        return handle.read()


def test_seed_poc_training_completes_with_auc_per_round_and_a_model_that_predicts(tmp_path, seed_data):
    root = make_job(str(tmp_path), seed_data, SEED_HYPERPARAMETERS)
    code, stdout, stderr = run_job(root)
    assert code == 0, stderr
    auc = metric_points(stdout, "validation:auc")
    assert [point["step"] for point in auc] == list(range(100))
    assert all(0 <= point["value"] <= 1 for point in auc)
    assert len(metric_points(stdout, "train:auc")) == 100
    assert "[99]\ttrain-auc:" in stdout
    booster = xgb.Booster()
    booster.load_model(os.path.join(root, "model", "xgboost-model"))
    assert booster.num_boosted_rounds() == 100
    test = np.loadtxt(seed_data["test"], delimiter=",")
    predictions = booster.predict(xgb.DMatrix(test[:, 1:]))
    assert predictions.shape == (2000,)
    assert ((predictions >= 0) & (predictions <= 1)).all()


def test_an_interrupted_job_resumes_from_its_checkpoint_and_ends_with_every_round(tmp_path, seed_data):
    root = make_job(str(tmp_path), seed_data, dict(SEED_HYPERPARAMETERS, num_round="150"))
    process = start(root)
    checkpoints = os.path.join(root, "checkpoints")
    deadline = time.time() + 120
    while latest_checkpoint(checkpoints)[1] < 10:
        assert time.time() < deadline and process.poll() is None, "no checkpoint after 10 rounds"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)  # a spot interruption gives no chance to clean up
    process.communicate()
    assert not os.path.exists(os.path.join(root, "model", "xgboost-model"))

    code, stdout, stderr = run_job(root)
    assert code == 0, stderr
    assert "Resuming from checkpoint" in stdout
    resumed_steps = [point["step"] for point in metric_points(stdout, "validation:auc")]
    assert resumed_steps[-1] == 149
    assert resumed_steps[0] > 0
    booster = xgb.Booster()
    booster.load_model(os.path.join(root, "model", "xgboost-model"))
    assert booster.num_boosted_rounds() == 150
    assert len([name for name in os.listdir(checkpoints) if not name.endswith(".partial")]) <= 5


@pytest.mark.parametrize(
    "hyperparameters, message",
    [
        ({"num_round": "ten"}, "hyperparameter num_round must be an integer, got 'ten'"),
        ({"num_round": "10", "max_depth": "3.5"}, "hyperparameter max_depth must be an integer, got '3.5'"),
        ({"num_round": "10", "eta": "2"}, "hyperparameter eta must be at most 1"),
        ({"num_round": "10", "objective": "binary:magic"}, "hyperparameter objective must be one of"),
        ({"num_round": "10", "max_dept": "3"}, "unknown hyperparameter max_dept"),
        ({"max_depth": "3"}, "hyperparameter num_round is required"),
    ],
)
def test_a_bad_hyperparameter_fails_with_a_reason_naming_it(tmp_path, seed_data, hyperparameters, message):
    root = make_job(str(tmp_path), seed_data, hyperparameters)
    code, _, _ = run_job(root)
    assert code == 2
    assert failure(root).startswith("ClientError: ")
    assert message in failure(root)
    assert not os.path.exists(os.path.join(root, "model"))


def test_data_problems_fail_with_a_reason_naming_the_file(tmp_path, seed_data):
    missing = make_job(str(tmp_path / "missing"), {"train": None, "test": seed_data["test"]}, {"num_round": "5"})
    assert run_job(missing)[0] == 2
    assert "channel train is missing" in failure(missing)

    semicolons = make_job(str(tmp_path / "semicolons"), seed_data, {"num_round": "5"}, validation=False)
    with open(os.path.join(semicolons, "input", "data", "train", "train.csv"), "w") as handle:
        handle.write("0;1.5;3\n1;2.5;4\n")
    assert run_job(semicolons)[0] == 2
    assert "train.csv is separated by semicolons" in failure(semicolons)

    header = make_job(str(tmp_path / "header"), seed_data, {"num_round": "5"}, validation=False)
    with open(os.path.join(header, "input", "data", "train", "train.csv"), "w") as handle:
        handle.write("fraud,amount,hour\n0,1.5,3\n1,2.5,4\n")
    assert run_job(header)[0] == 2
    assert "row 1 column 1 is 'fraud', not a number" in failure(header)


def test_missing_values_are_trained_on_as_missing(tmp_path, seed_data):
    root = make_job(str(tmp_path), seed_data, {"num_round": "3", "objective": "binary:logistic"}, validation=False)
    with open(os.path.join(root, "input", "data", "train", "train.csv"), "a") as handle:
        handle.write("1,,5,,2\n0,12.5,,0.3,\n")
    code, stdout, stderr = run_job(root)
    assert code == 0, stderr
    assert len(metric_points(stdout, "train:logloss")) == 3
