"""Batch transform (python3 -m lathe.transform) on a real xgboost binary:logistic model: every answer
is the score booster.predict gives for that input row, in input order, however the file is cut."""
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import xgboost as xgb

PYTHON_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, PYTHON_ROOT)

from lathe.serve.pipeline import Worker  # noqa: E402
from lathe.transform.cli import main  # noqa: E402


def write(path, text):
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(str(path), "w", encoding="utf-8") as handle:
        handle.write(text)


def read(path):
    with open(str(path), encoding="utf-8") as handle:
        return handle.read()


def csv_text(rows):
    return "".join(",".join(repr(float(value)) for value in row) + "\n" for row in rows)


def all_files(folder):
    return sorted(os.path.relpath(os.path.join(root, name), str(folder)).replace(os.sep, "/")
                  for root, _, names in os.walk(str(folder)) for name in names)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A binary:logistic booster on 4 features (saved as a folder and as model.tar.gz) and two CSVs."""
    tmp = tmp_path_factory.mktemp("transform")
    rng = np.random.default_rng(11)
    x = np.column_stack([rng.exponential(200, 500), rng.integers(0, 24, 500), rng.uniform(0, 1, 500), rng.poisson(3, 500)])
    y = (rng.uniform(size=500) < 1 / (1 + np.exp(-(-2 + 3 * x[:, 2] + 0.004 * x[:, 0])))).astype(int)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "nthread": 1}, xgb.DMatrix(x, label=y), 15)
    os.makedirs(tmp / "model")
    booster.save_model(str(tmp / "model" / "xgboost-model"))
    with tarfile.open(str(tmp / "model.tar.gz"), "w:gz") as tar:
        tar.add(str(tmp / "model" / "xgboost-model"), arcname="xgboost-model")
    first, second = x[:30], x[30:75]
    write(tmp / "in" / "a.csv", csv_text(first[:10]) + "\n" + csv_text(first[10:]))  # a blank line is skipped
    write(tmp / "in" / "sub" / "b.csv", csv_text(second).replace("\n", "\r\n"))
    write(tmp / "in" / ".hidden.csv", "not,a,row\n")
    write(tmp / "in" / ".cache" / "c.csv", "not,a,row\n")
    scores = [float(value) for value in booster.predict(xgb.DMatrix(np.vstack([first, second])))]
    return {"tmp": tmp, "booster": booster, "first": first, "second": second,
            "expected": {"a.csv.out": scores[:30], "sub/b.csv.out": scores[30:]}}


def transform(*args):
    """(exit code, progress lines) of one in-process run."""
    stream = io.StringIO()
    code = main([str(arg) for arg in args], progress_stream=stream)
    return code, stream.getvalue().splitlines()


def scores_of(folder):
    return {name: [float(line) for line in read(os.path.join(str(folder), name)).splitlines()] for name in all_files(folder)}


def test_multirecord_lines_of_a_folder_are_the_boosters_scores_in_order(setup):
    tmp = setup["tmp"]
    code, lines = transform("--model", tmp / "model.tar.gz", "--input", tmp / "in", "--output", tmp / "out-multi",
                            "--split-type", "Line", "--batch-strategy", "MultiRecord", "--assemble-with", "Line",
                            "--progress-file", tmp / "progress" / "multi.json")
    assert code == 0
    assert all_files(tmp / "out-multi") == ["a.csv.out", "sub/b.csv.out"]
    assert scores_of(tmp / "out-multi") == setup["expected"]
    assert json.loads(read(tmp / "progress" / "multi.json")) == {
        "files_total": 2, "files_done": 2, "records_total": 75, "records_done": 75, "current_file": None}
    assert lines[-1] == "progress: 100% (75 of 75 records)"
    assert all(line.startswith("progress: ") for line in lines) and len(lines) <= 10


def test_single_record_and_a_tiny_payload_give_the_same_answers(setup, monkeypatch):
    tmp = setup["tmp"]
    calls = []
    invoke = Worker.invoke
    monkeypatch.setattr(Worker, "invoke", lambda self, body, *rest: calls.append(body) or invoke(self, body, *rest))
    common = ["--model", tmp / "model", "--input", tmp / "in", "--split-type", "line", "--assemble-with", "Line"]
    assert transform(*common, "--output", tmp / "out-single", "--batch-strategy", "SingleRecord")[0] == 0
    assert len(calls) == 75 and all(b"\n" not in body for body in calls)
    assert scores_of(tmp / "out-single") == setup["expected"]
    del calls[:]
    assert transform(*common, "--output", tmp / "out-tiny", "--max-payload-mb", "0.0001")[0] == 0
    assert 20 < len(calls) < 75 and max(len(body) for body in calls) <= 104
    assert scores_of(tmp / "out-tiny") == setup["expected"]
    del calls[:]
    assert transform(*common, "--output", tmp / "out-big")[0] == 0
    assert len(calls) == 2  # one request per file
    for name in ("a.csv.out", "sub/b.csv.out"):
        assert read(tmp / "out-tiny" / name) == read(tmp / "out-single" / name) == read(tmp / "out-big" / name)


def test_split_type_none_sends_the_whole_file(setup):
    tmp = setup["tmp"]
    code, lines = transform("--model", tmp / "model", "--input", tmp / "in" / "a.csv", "--output", tmp / "out-none",
                            "--progress-file", tmp / "progress" / "none.json")
    assert code == 0 and lines == ["progress: 100% (1 of 1 records)"]
    assert scores_of(tmp / "out-none") == {"a.csv.out": setup["expected"]["a.csv.out"]}
    assert json.loads(read(tmp / "progress" / "none.json"))["records_done"] == 1


def test_json_lines_one_per_call_and_a_json_file(setup, capsys):
    tmp, first = setup["tmp"], setup["first"]
    write(tmp / "json" / "rows.jsonl", "".join(json.dumps({"features": row.tolist()}) + "\n" for row in first))
    write(tmp / "json-file" / "all.json", json.dumps({"instances": first.tolist()}))
    expected = setup["expected"]["a.csv.out"]
    code, _ = transform("--model", tmp / "model", "--input", tmp / "json", "--output", tmp / "out-json",
                        "--content-type", "application/json", "--accept", "application/json",
                        "--split-type", "Line", "--batch-strategy", "SingleRecord", "--assemble-with", "Line")
    assert code == 0
    answers = [json.loads(line) for line in read(tmp / "out-json" / "rows.jsonl.out").splitlines()]
    assert answers == [{"predictions": [{"score": score}]} for score in expected]
    code, _ = transform("--model", tmp / "model", "--input", tmp / "json-file", "--output", tmp / "out-json-file",
                        "--content-type", "application/json", "--accept", "application/json")
    assert code == 0
    assert json.loads(read(tmp / "out-json-file" / "all.json.out")) == {"predictions": [{"score": s} for s in expected]}
    capsys.readouterr()
    code, _ = transform("--model", tmp / "model", "--input", tmp / "json", "--output", tmp / "out-json-multi",
                        "--content-type", "application/json", "--split-type", "Line")
    assert code == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("ClientError: rows.jsonl lines 1-30: the request body is not valid JSON")
    assert "use --batch-strategy SingleRecord" in error and error.endswith("(status 400)")


def test_a_bad_row_stops_the_job_names_file_and_line_and_keeps_finished_files(setup):
    tmp = setup["tmp"]
    write(tmp / "bad" / "a.csv", csv_text(setup["first"]))
    write(tmp / "bad" / "b.csv", csv_text(setup["second"][:5]) + "\n1,2,3\n" + csv_text(setup["second"][5:]))
    write(tmp / "out-bad" / "b.csv.out", "left from an earlier run\n")
    process = subprocess.run(
        [sys.executable, "-m", "lathe.transform", "--model", str(tmp / "model"), "--input", str(tmp / "bad"),
         "--output", str(tmp / "out-bad"), "--split-type", "Line", "--assemble-with", "Line",
         "--max-payload-mb", "0.001", "--failure-file", str(tmp / "failure.txt"),
         "--progress-file", str(tmp / "progress" / "bad.json")],
        cwd=PYTHON_ROOT, env=dict(os.environ, PYTHONPATH=PYTHON_ROOT), capture_output=True, text=True, timeout=60)
    message = "ClientError: b.csv line 7: the model takes 4 features; row 6 has 3 (status 400)"
    assert process.returncode == 2
    assert process.stderr.strip() == message
    assert read(tmp / "failure.txt") == message + "\n"
    assert all_files(tmp / "out-bad") == ["a.csv.out"]  # no partial b.csv.out, no temporary files
    assert scores_of(tmp / "out-bad")["a.csv.out"] == setup["expected"]["a.csv.out"]
    progress = json.loads(read(tmp / "progress" / "bad.json"))
    assert progress["files_done"] == 1 and progress["current_file"] == "b.csv" and progress["records_total"] == 76
    assert all(line.startswith("progress: ") for line in process.stdout.splitlines())


def test_single_record_error_and_payload_limits_name_the_line(setup, capsys):
    tmp = setup["tmp"]
    write(tmp / "bad-cell" / "x.csv", "1,2,3,4\n\n1,2,oops,4\n")
    assert transform("--model", tmp / "model", "--input", tmp / "bad-cell", "--output", tmp / "out-cell",
                     "--split-type", "Line", "--batch-strategy", "SingleRecord")[0] == 2
    assert capsys.readouterr().err.strip() == 'ClientError: x.csv line 3: row 1, column 3 is "oops", not a number (status 400)'
    assert transform("--model", tmp / "model", "--input", tmp / "bad-cell", "--output", tmp / "out-cell",
                     "--split-type", "None")[0] == 2
    assert capsys.readouterr().err.strip() == 'ClientError: x.csv line 3: row 2, column 3 is "oops", not a number (status 400)'
    write(tmp / "long" / "y.csv", "1,2,3,4\n" + ",".join(["1.5"] * 40) + "\n")
    assert transform("--model", tmp / "model", "--input", tmp / "long", "--output", tmp / "out-long",
                     "--split-type", "Line", "--max-payload-mb", "0.0001")[0] == 2
    assert capsys.readouterr().err.strip() == ("ClientError: y.csv line 2: the record is 159 bytes, "
                                              "over the payload limit of 104 bytes (--max-payload-mb)")
    assert transform("--model", tmp / "model", "--input", tmp / "long", "--output", tmp / "out-long",
                     "--max-payload-mb", "0.0001")[0] == 2
    assert "ClientError: y.csv: the file is 168 bytes, over the payload limit of 104 bytes (--max-payload-mb);" in capsys.readouterr().err
    assert all_files(tmp / "out-cell") == [] and all_files(tmp / "out-long") == []


def test_model_code_errors_and_prints(setup, capsys):
    tmp = setup["tmp"]
    os.makedirs(tmp / "custom" / "code")
    os.link(str(tmp / "model" / "xgboost-model"), str(tmp / "custom" / "xgboost-model"))
    write(tmp / "custom" / "code" / "inference.py",
          "import os\n"
          "def predict_fn(data, model):\n"
          "    assert os.environ['SAGEMAKER_BATCH'] == 'True' and os.environ['SAGEMAKER_BATCH_STRATEGY'] == 'SINGLE_RECORD'\n"
          "    if data[0][0] < 0:\n"
          "        raise ValueError('negative amount')\n"
          "    return model.predict(data)\n")
    write(tmp / "neg" / "n.csv", "1,2,0.5,3\n-1,2,0.5,3\n")
    code, _ = transform("--model", tmp / "custom", "--input", tmp / "neg", "--output", tmp / "out-neg",
                        "--split-type", "Line", "--batch-strategy", "SingleRecord", "--failure-file", tmp / "neg.txt")
    assert code == 2 and "SAGEMAKER_BATCH" not in os.environ
    assert read(tmp / "neg.txt") == "ClientError: n.csv line 2: ValueError: negative amount (inference.py line 5) (status 500)\n"
    assert "Traceback" in capsys.readouterr().err


def test_empty_or_missing_input_exits_2_with_a_clear_message(setup, capsys):
    tmp = setup["tmp"]
    os.makedirs(tmp / "empty" / ".git")
    write(tmp / "empty" / ".git" / "HEAD", "ref\n")
    assert transform("--model", tmp / "model", "--input", tmp / "empty", "--output", tmp / "out-empty",
                     "--failure-file", tmp / "empty.txt")[0] == 2
    message = "ClientError: --input %s holds no files to transform (files and folders whose names start with \".\" are skipped)" % (tmp / "empty")
    assert capsys.readouterr().err.strip() == message and read(tmp / "empty.txt") == message + "\n"
    assert transform("--model", tmp / "model", "--input", tmp / "nowhere", "--output", tmp / "o")[0] == 2
    assert capsys.readouterr().err.strip() == "ClientError: --input %s does not exist" % (tmp / "nowhere")
    assert transform("--model", tmp / "model", "--input", tmp / "in", "--output", tmp / "in" / "out")[0] == 2
    assert "is inside --input" in capsys.readouterr().err
    assert transform("--model", tmp / "model", "--input", tmp / "in", "--output", tmp / "o", "--split-type", "Lines")[0] == 2
    assert "ClientError: --split-type 'Lines' is not one of Line, None" in capsys.readouterr().err


class _Scorer(BaseHTTPRequestHandler):
    """A model server as a Docker image would run one: /ping, and /invocations scoring CSV rows."""

    protocol_version = "HTTP/1.1"
    booster = None

    def _answer(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._answer(200 if self.path == "/ping" else 404, "")

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        rows = [[float(v) for v in line.split(",")] for line in body.splitlines()]
        if any(len(row) != 4 for row in rows):
            return self._answer(400, "expected 4 columns")
        if any(row[0] < 0 for row in rows):
            return self._answer(500, "negative amount: the model crashed")
        self._answer(200, "\n".join(repr(float(s)) for s in self.booster.predict(xgb.DMatrix(np.array(rows)))))

    def log_message(self, *args):
        pass


@pytest.fixture()
def scorer(setup):
    _Scorer.booster = setup["booster"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Scorer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_model_server_url_answers_as_the_in_process_model_does(setup, scorer):
    tmp = setup["tmp"]
    url = "http://127.0.0.1:%d" % scorer.server_address[1]
    code, _ = transform("--server-url", url, "--input", tmp / "in", "--output", tmp / "out-remote",
                        "--split-type", "Line", "--assemble-with", "Line", "--max-payload-mb", "0.001")
    assert code == 0
    assert scores_of(tmp / "out-remote") == setup["expected"]


def test_a_model_server_that_refuses_fails_or_is_gone_stops_the_job_saying_so(setup, scorer, capsys):
    tmp = setup["tmp"]
    url = "http://127.0.0.1:%d" % scorer.server_address[1]
    write(tmp / "remote-bad" / "a.csv", csv_text(setup["first"][:3]) + "1,2,3\n")
    write(tmp / "remote-crash" / "a.csv", "-1,2,3,4\n")
    lines = ["--split-type", "Line", "--batch-strategy", "SingleRecord"]
    assert transform("--server-url", url, "--input", tmp / "remote-bad", "--output", tmp / "out-rb", *lines)[0] == 2
    assert "ClientError: a.csv line 4: expected 4 columns (status 400)" in capsys.readouterr().err
    assert transform("--server-url", url, "--input", tmp / "remote-crash", "--output", tmp / "out-rc", *lines)[0] == 2
    assert "ClientError: a.csv line 1: the model server answered 500: negative amount: the model crashed (status 500)" in capsys.readouterr().err
    scorer.shutdown()
    scorer.server_close()
    assert transform("--server-url", url, "--input", tmp / "remote-bad", "--output", tmp / "out-gone", *lines)[0] == 2
    assert "ClientError: the model server at %s did not answer" % url in capsys.readouterr().err
    assert transform("--server-url", "http://10.0.0.1:8080", "--input", tmp / "in", "--output", tmp / "out-far")[0] == 2
    assert "--server-url http://10.0.0.1:8080 must be http://127.0.0.1:<port>" in capsys.readouterr().err
