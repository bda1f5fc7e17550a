"""The model server worker (python3 -m lathe.serve) as Lathe runs it: a real process on a free port,
real models, called over HTTP. Every score it answers is the one xgboost / scikit-learn give."""
import http.client
import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import threading
import time
import types

import numpy as np
import pytest
import xgboost as xgb
from sklearn.ensemble import RandomForestClassifier

PYTHON_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, PYTHON_ROOT)

from lathe.algorithms.sklearn_common import save_model  # noqa: E402

TOKEN = "worker-secret"
ROW = [200.0, 14, 0.85, 5]
ANSWERS = "this model answers text/csv, application/json or application/x-npy"
SEND = "send text/csv, application/json or application/x-npy"


def fraud_data(n, seed=7):
    """The seed's fraud columns (amount, hour, merchant_risk, velocity_24h) and a label that depends on them."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.exponential(200, n), rng.integers(0, 24, n), rng.uniform(0, 1, n), rng.poisson(3, n)])
    logit = -2.5 + 3 * x[:, 2] + 0.004 * x[:, 0] + 0.25 * x[:, 3] + 0.03 * x[:, 1]
    return x.astype(float), (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)


def pack(folder, archive):
    with tarfile.open(archive, "w:gz") as tar:
        for name in sorted(os.listdir(folder)):
            tar.add(os.path.join(folder, name), arcname=name)
    return archive


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


class Worker:
    """One `python3 -m lathe.serve` process, started on --port 0 and read up to its ready line."""

    def __init__(self, tmp, model, token=TOKEN, env=None, args=()):
        self.tmp = tmp
        environment = dict(os.environ, PYTHONPATH=PYTHON_ROOT, TMPDIR=str(tmp))
        environment.pop("LATHE_WORKER_TOKEN", None)
        if token:
            environment["LATHE_WORKER_TOKEN"] = token
        environment.update(env or {})
        self.token = token
        self.stderr_path = os.path.join(str(tmp), "stderr-%d.txt" % time.monotonic_ns())
        self.stderr_file = open(self.stderr_path, "w+", encoding="utf-8")
        self.process = subprocess.Popen([sys.executable, "-m", "lathe.serve", "--model", str(model), "--port", "0", *args],
                                        cwd=PYTHON_ROOT, env=environment, stdout=subprocess.PIPE,
                                        stderr=self.stderr_file, text=True)
        line = self.process.stdout.readline()
        self.ready = json.loads(line) if line else None
        self.connection = http.client.HTTPConnection("127.0.0.1", self.ready["port"], timeout=30) if line else None

    def stderr(self):
        with open(self.stderr_path, encoding="utf-8") as handle:
            return handle.read()

    def exit_code(self, timeout=20):
        code = self.process.wait(timeout)
        self.process.stdout.close()
        self.stderr_file.close()
        return code

    def call(self, method, path, body=None, headers=None, token=True, connection=None):
        headers = dict(headers or {})
        if token and self.token:
            headers["X-Lathe-Worker-Token"] = self.token
        connection = connection or self.connection
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()

    def invoke(self, body, content_type="text/csv", accept=None, **extra):
        headers = {"Content-Type": content_type, **extra.pop("headers", {})}
        if accept:
            headers["Accept"] = accept
        status, headers, data = self.call("POST", "/invocations", body, headers, **extra)
        return status, dict((k.lower(), v) for k, v in headers), data

    def stop(self):
        if self.connection:
            self.connection.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.exit_code()


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def binary(tmp):
    x, y = fraud_data(400)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "nthread": 1}, xgb.DMatrix(x, label=y), 20)
    os.makedirs(tmp / "binary")
    booster.save_model(str(tmp / "binary" / "xgboost-model"))
    worker = Worker(tmp, pack(tmp / "binary", tmp / "binary.tar.gz"))
    yield worker, booster
    assert worker.stop() == 0


@pytest.fixture(scope="module")
def multiclass(tmp):
    x, _ = fraud_data(300, seed=3)
    labels = np.digitize(x[:, 2], [0.33, 0.66])
    booster = xgb.train({"objective": "multi:softprob", "num_class": 3, "max_depth": 2, "nthread": 1},
                        xgb.DMatrix(x, label=labels), 10)
    os.makedirs(tmp / "multi")
    booster.save_model(str(tmp / "multi" / "xgboost-model"))
    worker = Worker(tmp, pack(tmp / "multi", tmp / "multi.tar.gz"), env={"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"})
    yield worker, booster
    assert worker.stop() == 0


def test_csv_score_is_exactly_what_the_booster_predicts(binary):
    worker, booster = binary
    assert worker.ready == {"event": "ready", "port": worker.ready["port"], "pid": worker.process.pid, "model": "xgboost"}
    assert worker.call("GET", "/ping")[0::2] == (200, b"")
    status, headers, body = worker.invoke(b"200.0,14,0.85,5")
    expected = float(booster.predict(xgb.DMatrix([ROW]))[0])
    assert (status, headers["content-type"]) == (200, "text/csv")
    assert float(body.decode().split("\n")[0].split(",")[0]) == expected
    assert body == (repr(expected) + "\n").encode()
    assert "x-amzn-sagemaker-custom-attributes" not in headers


def test_several_rows_in_csv_json_and_npy(binary):
    worker, booster = binary
    rows = fraud_data(5, seed=11)[0]
    rows[2, 1] = np.nan
    expected = booster.predict(xgb.DMatrix(rows, missing=np.nan)).astype(np.float64)
    csv = "\n".join(",".join("" if np.isnan(v) else repr(v) for v in row) for row in rows) + "\n"
    status, _, body = worker.invoke(csv.encode(), "text/csv; charset=utf-8", accept="*/*")
    assert status == 200 and [float(line) for line in body.decode().splitlines()] == expected.tolist()
    plain = [[None if np.isnan(v) else v for v in row] for row in rows.tolist()]
    for payload in ({"instances": plain}, plain, {"instances": [{"features": row} for row in plain]}):
        status, headers, body = worker.invoke(json.dumps(payload), "application/json")
        assert (status, headers["content-type"]) == (200, "application/json")
        assert json.loads(body) == {"predictions": [{"score": v} for v in expected.tolist()]}
    for single in ({"features": ROW}, ROW):
        status, _, body = worker.invoke(json.dumps(single), "application/json", accept="text/csv")
        assert status == 200 and float(body) == float(booster.predict(xgb.DMatrix([ROW]))[0])
    buffer = io.BytesIO()
    np.save(buffer, rows)
    status, headers, body = worker.invoke(buffer.getvalue(), "application/x-npy", accept="application/x-npy")
    assert (status, headers["content-type"]) == (200, "application/x-npy")
    np.testing.assert_array_equal(np.load(io.BytesIO(body)), expected)
    buffer = io.BytesIO()
    np.save(buffer, np.array(ROW))
    status, headers, body = worker.invoke(buffer.getvalue(), "application/x-npy")
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["predictions"][0]["score"] == float(booster.predict(xgb.DMatrix([ROW]))[0])


@pytest.mark.parametrize("body, content_type, accept, status, message", [
    (b"200.0,14,0.85", "text/csv", None, 400, "the model takes 4 features; row 1 has 3"),
    (b"1,2,3,4\n1,2,3", "text/csv", None, 400, "the model takes 4 features; row 2 has 3"),
    (b"1,2,3,4\n1,2,abc,4", "text/csv", None, 400, 'row 2, column 3 is "abc", not a number'),
    (b"", "text/csv", None, 400, "the request body is empty; send text/csv rows of 4 features"),
    (b'{"instances": [[1, 2, "x", 4]]}', "application/json", None, 400, 'row 1, column 3 is "x", not a number'),
    (b"{oops", "application/json", None, 400, "the request body is not valid JSON: Expecting property name enclosed "
                                                "in double quotes: line 1 column 2 (char 1)"),
    (b"1,2,3,4", "text/plain", None, 415, "content type text/plain is not supported; " + SEND),
    (b"1,2,3,4", "text/csv", "image/png", 406, "cannot produce image/png; " + ANSWERS),
    (b"not npy", "application/x-npy", None, 400, "the request body is not a .npy array (it does not start with \\x93NUMPY)"),
])
def test_bad_requests_get_their_status_and_one_line(binary, body, content_type, accept, status, message):
    worker, _ = binary
    answer = worker.invoke(body, content_type, accept=accept)
    assert (answer[0], answer[1]["content-type"], answer[2].decode()) == (status, "text/plain; charset=utf-8", message)
    assert worker.invoke(b"1,2,3,4")[0] == 200  # the same kept-alive connection still works


def test_unknown_routes_are_404(binary):
    worker, _ = binary
    assert worker.call("GET", "/models")[0] == 404
    assert worker.call("POST", "/ping", b"")[0] == 404


def test_every_request_needs_the_worker_token(binary):
    worker, _ = binary
    fresh = http.client.HTTPConnection("127.0.0.1", worker.ready["port"], timeout=10)
    status, _, body = worker.call("GET", "/ping", token=False, connection=fresh)
    assert (status, body) == (403, b"this worker needs the X-Lathe-Worker-Token header")
    status, _, body = worker.call("POST", "/invocations", b"1,2,3,4", {"X-Lathe-Worker-Token": "guess"}, token=False,
                                  connection=http.client.HTTPConnection("127.0.0.1", worker.ready["port"], timeout=10))
    assert (status, body) == (403, b"the X-Lathe-Worker-Token header does not match this worker's token")


def test_multiclass_answers_one_probability_per_class(multiclass):
    worker, booster = multiclass
    rows = fraud_data(4, seed=5)[0]
    expected = booster.predict(xgb.DMatrix(rows)).astype(np.float64)
    body = json.dumps({"instances": rows.tolist()})
    status, headers, answer = worker.invoke(body, "application/json", accept="*/*")  # env says text/csv
    assert (status, headers["content-type"]) == (200, "text/csv")
    assert [[float(v) for v in line.split(",")] for line in answer.decode().splitlines()] == expected.tolist()
    status, _, answer = worker.invoke(body, "application/json", accept="application/json")
    assert json.loads(answer) == {"predictions": [{"scores": row} for row in expected.tolist()]}


def test_random_forest_answers_predict_proba_of_class_1(tmp):
    x, y = fraud_data(300, seed=9)
    forest = RandomForestClassifier(n_estimators=15, max_depth=4, random_state=0, n_jobs=1).fit(x, y)
    save_model(types.SimpleNamespace(model_dir=str(tmp / "forest")), forest, "random-forest", "binary_classifier", 4)
    worker = Worker(tmp, tmp / "forest")  # the unpacked folder works as well as the archive
    try:
        assert worker.ready["model"] == "random-forest"
        rows = x[:6]
        status, _, body = worker.invoke(json.dumps(rows.tolist()), "application/json", accept="text/csv")
        assert status == 200
        assert [float(line) for line in body.decode().splitlines()] == forest.predict_proba(rows)[:, 1].tolist()
        assert worker.invoke(b"1,2,,4")[2] == b"row 1, column 3 is empty; this random-forest model needs a number in every column"
    finally:
        assert worker.stop() == 0


HANDLERS = '''
import json
import os
import time


def model_fn(model_dir{c}):
    with open(os.path.join(model_dir, "weights.json")) as handle:
        return json.load(handle)


def input_fn(body, content_type{c}):
    assert isinstance(body, str) and content_type == "application/json"
    return json.loads(body)


def predict_fn(data, model{c}):
    if data.get("sleep"):
        time.sleep(data["sleep"])
    if min(data["x"]) < 0:
        raise ValueError("negative input %s is not allowed" % min(data["x"]))
    return sum(w * v for w, v in zip(model, data["x"]))


def output_fn(prediction, accept{c}):
    {extra}return json.dumps({{"y": prediction, "accept": accept{ids}}}), "application/vnd.lathe+json"
'''


def custom_model(tmp, name, source, weights=(1.0, 2.0), program="inference.py"):
    folder = tmp / name
    write(str(folder / "code" / program), source)
    write(str(folder / "weights.json"), json.dumps(list(weights)))
    return pack(folder, tmp / (name + ".tar.gz"))


def test_inference_py_handlers_without_context(tmp):
    worker = Worker(tmp, custom_model(tmp, "plain", HANDLERS.format(c="", extra="", ids="")))
    try:
        assert worker.ready["model"] == "custom"
        status, headers, body = worker.invoke(b'{"x": [3, 4]}', "application/json; charset=utf-8")
        assert (status, headers["content-type"], json.loads(body)) == (200, "application/vnd.lathe+json",
                                                                      {"y": 11.0, "accept": "application/json"})
        assert worker.invoke(b'{"x": [1, 1]}', "application/json", accept="text/csv")[2] == b'{"y": 3.0, "accept": "text/csv"}'
        status, headers, body = worker.invoke(b'{"x": [3, -4]}', "application/json")
        assert (status, headers["content-type"], body) == (500, "text/plain; charset=utf-8",
                                                           b"ValueError: negative input -4 is not allowed")
        assert "Traceback" in worker.stderr() and 'in predict_fn' in worker.stderr()
    finally:
        assert worker.stop() == 0


def test_inference_py_handlers_with_context_see_the_request(tmp):
    source = HANDLERS.format(c=", context", ids=', "id": context.request_id',
                             extra="context.response_custom_attributes = 'seen=' + context.custom_attributes\n    ")
    worker = Worker(tmp, custom_model(tmp, "context", source))
    try:
        status, headers, body = worker.invoke(b'{"x": [1, 2]}', "application/json", headers={
            "X-Amzn-SageMaker-Inference-Id": "req-7", "X-Amzn-SageMaker-Custom-Attributes": "trace=abc"})
        assert (status, json.loads(body)) == (200, {"y": 5.0, "accept": "application/json", "id": "req-7"})
        assert headers["x-amzn-sagemaker-custom-attributes"] == "seen=trace=abc"
    finally:
        assert worker.stop() == 0


def test_transform_fn_answers_alone_and_cannot_be_mixed(tmp):
    transform = ("def transform_fn(model, body, content_type, accept):\n"
                 "    return 'rows=%d %s->%s' % (len(body.splitlines()), content_type, accept)\n")
    model = custom_model(tmp, "transform", "def model_fn(model_dir):\n    return 1\n\n" + transform, program="entry.py")
    worker = Worker(tmp, model, env={"SAGEMAKER_PROGRAM": "entry.py"})
    try:
        status, headers, body = worker.invoke(b"1,2\n3,4\n", "text/csv", accept="application/json")
        assert (status, headers["content-type"], body) == (200, "application/json", b"rows=2 text/csv->application/json")
    finally:
        assert worker.stop() == 0
    mixed = Worker(tmp, custom_model(tmp, "mixed", transform + "\ndef input_fn(body, content_type):\n    return body\n"))
    assert (mixed.ready, mixed.exit_code()) == (None, 2)
    assert mixed.stderr().strip().splitlines()[-1] == (
        "ClientError: code/inference.py defines transform_fn and input_fn; transform_fn replaces input_fn, predict_fn "
        "and output_fn, so define either transform_fn or those")


# A script-mode training script, as SageMaker's XGBoost containers serve it: its training is behind
# __main__, it defines only some handlers, and model_fn falls back to loading xgboost-model.
SCRIPT = """import json
import os
import sys

import numpy as np

from helpers import scaled


def input_fn(body, content_type):
    return np.array([[float(v) for v in json.loads(body)["features"]]])


def output_fn(prediction, accept):
    return json.dumps({"fraud_probability": scaled(float(prediction[0]))}), "application/json"


if __name__ == "__main__":
    sys.exit("training is not what serving runs")
"""


def test_a_script_mode_entry_point_serves_from_the_submit_directory(tmp, binary):
    _, booster = binary
    source = tmp / "script-source"
    write(str(source / "src" / "train.py"), SCRIPT)
    write(str(source / "helpers.py"), "def scaled(p):\n    return round(p, 6)\n")
    expected = {"fraud_probability": round(float(booster.predict(xgb.DMatrix(np.array([ROW])))[0]), 6)}
    body = json.dumps({"features": ROW}).encode()
    # A folder (what Lathe resolves s3://…/source to), then a sourcedir.tar.gz as the SDK uploads it.
    for submit in (str(source), "file://" + pack(source, tmp / "sourcedir.tar.gz").as_posix()):
        worker = Worker(tmp, tmp / "binary.tar.gz", env={"SAGEMAKER_PROGRAM": "src/train.py", "SAGEMAKER_SUBMIT_DIRECTORY": submit})
        try:
            assert worker.ready["model"] == "xgboost", worker.stderr()
            status, headers, answer = worker.invoke(body, "application/json")
            assert (status, headers["content-type"], json.loads(answer)) == (200, "application/json", expected)
        finally:
            assert worker.stop() == 0


@pytest.mark.parametrize("env, message", [
    ({"SAGEMAKER_SUBMIT_DIRECTORY": "s3://lathe-demo/job/source", "SAGEMAKER_PROGRAM": "train.py"},
     "ClientError: SAGEMAKER_SUBMIT_DIRECTORY 's3://lathe-demo/job/source' is not on this machine: Lathe resolves the s3:// "
     "URIs of its own store when it starts the server; when starting it by hand, give a local folder"),
    ({"SAGEMAKER_SUBMIT_DIRECTORY": "/nonexistent/source", "SAGEMAKER_PROGRAM": "train.py"},
     "ClientError: SAGEMAKER_SUBMIT_DIRECTORY '/nonexistent/source' is neither a folder nor a .tar.gz on this machine"),
    ({"SAGEMAKER_PROGRAM": "../train.py"},
     "ClientError: SAGEMAKER_PROGRAM '../train.py' must name a .py file inside the model's code/"),
])
def test_a_submit_directory_or_program_that_cannot_be_used_exits_2_saying_why(tmp, binary, env, message):
    worker = Worker(tmp, tmp / "binary.tar.gz", env=env)
    assert (worker.ready, worker.exit_code()) == (None, 2)
    assert worker.stderr().strip().splitlines()[-1] == message


def test_a_program_missing_from_the_submit_directory_names_what_is_there(tmp, binary):
    write(str(tmp / "other-source" / "prepare.py"), "")
    worker = Worker(tmp, tmp / "binary.tar.gz", env={"SAGEMAKER_SUBMIT_DIRECTORY": str(tmp / "other-source"), "SAGEMAKER_PROGRAM": "train.py"})
    assert (worker.ready, worker.exit_code()) == (None, 2)
    assert worker.stderr().strip().splitlines()[-1] == (
        "ClientError: SAGEMAKER_PROGRAM names train.py, but SAGEMAKER_SUBMIT_DIRECTORY %s has no train.py (it has prepare.py)" % (tmp / "other-source"))


def test_models_that_cannot_be_served_exit_2_with_one_clear_line(tmp):
    evil = tmp / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        data = b"bad"
        member = tarfile.TarInfo("../x")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    worker = Worker(tmp, evil)
    assert (worker.ready, worker.exit_code()) == (None, 2)
    assert worker.stderr() == ("ClientError: model archive member '../x' points outside the archive (..); "
                               "refusing to unpack it\n")
    write(str(tmp / "readme" / "README.md"), "hello")
    worker = Worker(tmp, pack(tmp / "readme", tmp / "readme.tar.gz"))
    assert (worker.ready, worker.exit_code()) == (None, 2)
    assert worker.stderr().startswith("ClientError: the model holds README.md; the model server supports Lathe's built-in")
    worker = Worker(tmp, tmp / "readme", args=("--host", "0.0.0.0"))
    assert (worker.ready, worker.exit_code()) == (None, 2)
    assert "ClientError: --host 0.0.0.0 is not a loopback address" in worker.stderr()


def test_sigterm_finishes_the_request_in_flight_then_exits_0(tmp):
    scratch = tmp / "scratch"
    os.makedirs(scratch)
    worker = Worker(scratch, custom_model(tmp, "slow", HANDLERS.format(c="", extra="", ids="")))
    answers = []
    caller = threading.Thread(target=lambda: answers.append(worker.invoke(b'{"x": [1, 1], "sleep": 0.8}', "application/json")))
    caller.start()
    time.sleep(0.3)
    started = time.monotonic()
    worker.process.send_signal(signal.SIGTERM)
    caller.join(10)
    assert worker.exit_code() == 0 and time.monotonic() - started < 3
    assert answers[0][0] == 200 and json.loads(answers[0][2])["y"] == 3.0
    assert [name for name in os.listdir(scratch) if name.startswith("lathe-serve-")] == []  # the unpacked model is gone
