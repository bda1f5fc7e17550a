"""`lathe.sagemaker` against a tiny in-process fake of Lathe's /api/call/<channel> door: the requests
it sends, what it prints and its errors (its serializers: test_sagemaker_serializers.py)."""
import json
import os
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

RESOURCES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RESOURCES)

import lathe.sagemaker as sagemaker  # noqa: E402
from lathe.sagemaker import get_execution_role  # noqa: E402
from lathe.sagemaker.xgboost import XGBoost, XGBoostModel  # noqa: E402

TOKEN = "facade-token"
SEED_HPS = {"num_round": 100, "max_depth": 5, "eta": 0.2, "objective": "binary:logistic", "eval_metric": "auc", "subsample": 0.8}


class Refusal(Exception):
    def __init__(self, code, message, details=None):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details


class FakeLathe:
    """Answers each channel from `handlers` (channel -> function(body) -> value, or raise Refusal);
    records every call as (channel, body)."""

    def __init__(self, home):
        self.home = str(home)
        self.calls = []
        self.handlers = {"app.info": lambda body: {"name": "Lathe", "home": self.home}}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self.answer(401, {"ok": False, "error": {"code": "permission-denied", "message": "token"}})
                channel = self.path.split("/api/call/", 1)[1]
                fake.calls.append((channel, body))
                handler = fake.handlers.get(channel)
                if handler is None:
                    return self.answer(200, {"ok": False, "error": {"code": "not-found", "message": f"no fake for {channel}"}})
                try:
                    value = handler(body)
                except Refusal as refusal:
                    error = {"code": refusal.code, "message": refusal.message}
                    if refusal.details is not None:
                        error["details"] = refusal.details
                    return self.answer(200, {"ok": False, "error": error})
                self.answer(200, {"ok": True, "value": value})

            def answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def sent(self, channel):
        return [body for name, body in self.calls if name == channel]

    def completed_job(self, status="Completed", failure=None, lines=("[0]\ttrain-auc:0.9\tvalidation-auc:0.8",)):
        """training.create / describe / logs for one job that has already ended."""
        jobs = {}

        def create(body):
            jobs[body["TrainingJobName"]] = body
            return {"TrainingJobArn": "arn:training-job/" + body["TrainingJobName"]}

        def describe(body):
            name = body["TrainingJobName"]
            out = os.path.join(self.home, "s3", "lathe-default", name, "output", "model.tar.gz")
            return {"TrainingJobName": name, "TrainingJobStatus": status, "SecondaryStatus": status,
                    "SecondaryStatusTransitions": [{"Status": "Training", "StartTime": "2026-01-01T10:00:00Z", "StatusMessage": "Training on this machine"},
                                                   {"Status": status, "StartTime": "2026-01-01T10:00:09Z", "StatusMessage": failure or "done"}],
                    "TrainingTimeInSeconds": 9, "BillableTimeInSeconds": 9, "ModelArtifacts": {"S3ModelArtifacts": out},
                    "HyperParameters": jobs.get(name, {}).get("HyperParameters", {}),
                    **({"FailureReason": failure} if failure else {})}

        def logs(body):
            page = list(lines)[body["start"]:]
            return {"lines": page, "start": body["start"], "next": body["start"] + len(page), "total": len(lines), "complete": True}

        self.handlers.update({"training.create": create, "training.describe": describe, "training.logs": logs})
        return jobs


@pytest.fixture
def lathe(tmp_path, monkeypatch):
    fake = FakeLathe(tmp_path / "home")
    for name in ("LATHE_SERVER_FILE", "MLFLOW_TRACKING_URI", "LATHE_HTTP_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LATHE_URL", fake.url)
    monkeypatch.setenv("LATHE_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    yield fake
    fake.stop()


def notes(text):
    return [line for line in text.splitlines() if line.startswith("lathe.sagemaker: ")]


# ---------------------------------------------------------------------------------------------
# Session, role, uploads


def test_role_and_session_upload_into_the_object_store(lathe, tmp_path, capsys):
    assert get_execution_role().startswith("arn:aws:iam::")
    sess = sagemaker.Session()
    assert sess.default_bucket() == "lathe-default"
    (tmp_path / "train.csv").write_text("0,1,2\n")
    uri = sess.upload_data("train.csv", "lathe-default", "sagemaker/fraud-detection/train")
    assert uri == "s3://lathe-default/sagemaker/fraud-detection/train/train.csv"
    assert (tmp_path / "home" / "s3" / "lathe-default" / "sagemaker" / "fraud-detection" / "train" / "train.csv").read_text() == "0,1,2\n"
    (tmp_path / "data" / "part").mkdir(parents=True)
    (tmp_path / "data" / "part" / "a.csv").write_text("1\n")
    assert sess.upload_data("data", key_prefix="folder") == "s3://lathe-default/folder"
    assert sess.list_s3_files("lathe-default", "folder/") == ["folder/part/a.csv"]
    with pytest.raises(FileNotFoundError, match="no file or folder at"):
        sess.upload_data("missing.csv", "lathe-default", "x")
    assert notes(capsys.readouterr().out) == ["lathe.sagemaker: get_execution_role() answers a local stand-in role; jobs run as you on this machine"]
    assert [channel for channel, _ in lathe.calls] == ["app.info"]  # the object store is asked for once


# ---------------------------------------------------------------------------------------------
# Training requests


def seed_estimator(bucket="lathe-default", prefix="sagemaker/fraud-detection", **extra):
    return XGBoost(entry_point="train.py", framework_version="1.7-1", instance_type="ml.m5.xlarge", instance_count=1,
                   role="arn:aws:iam::000000000000:role/r", sagemaker_session=sagemaker.Session(), use_spot_instances=True,
                   max_wait=3600, checkpoint_s3_uri=f"s3://{bucket}/{prefix}/checkpoints", hyperparameters=dict(SEED_HPS), **extra)


def test_script_mode_sends_the_seed_job_and_stages_the_code(lathe, tmp_path, capsys):
    (tmp_path / "train.py").write_text("print('hi')\n")
    lathe.completed_job()
    estimator = seed_estimator()
    estimator.fit({"train": "s3://lathe-default/p/train/train.csv", "validation": "s3://lathe-default/p/test/test.csv"})
    (request,) = lathe.sent("training.create")
    name = request["TrainingJobName"]
    assert re.fullmatch(r"sagemaker-xgboost-\d{4}(-\d\d){5}-\d{3}", name)
    assert estimator.latest_training_job.name == name
    assert request["AlgorithmSpecification"]["TrainingImage"] == "lathe:process"
    hps = request["HyperParameters"]
    assert {k: json.loads(v) for k, v in hps.items() if not k.startswith("sagemaker_")} == SEED_HPS
    assert json.loads(hps["sagemaker_program"]) == "train.py"
    assert json.loads(hps["sagemaker_submit_directory"]) == f"s3://lathe-default/{name}/source"
    assert (tmp_path / "home" / "s3" / "lathe-default" / name / "source" / "train.py").read_text() == "print('hi')\n"
    assert request["EnableManagedSpotTraining"] is True
    assert request["StoppingCondition"] == {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 3600}
    assert request["CheckpointConfig"] == {"S3Uri": "s3://lathe-default/sagemaker/fraud-detection/checkpoints"}
    assert request["ResourceConfig"] == {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30}
    assert request["OutputDataConfig"] == {"S3OutputPath": "s3://lathe-default/"}
    assert [(c["ChannelName"], c["DataSource"]["S3DataSource"]["S3Uri"]) for c in request["InputDataConfig"]] == [
        ("train", "s3://lathe-default/p/train/train.csv"), ("validation", "s3://lathe-default/p/test/test.csv")]
    # xgboost's evaluation lines become metrics named as SageMaker names them.
    metrics = {m["Name"]: m["Regex"] for m in request["AlgorithmSpecification"]["MetricDefinitions"]}
    assert set(metrics) == {"train:auc", "validation:auc"}
    assert re.search(metrics["validation:auc"], "[99]\ttrain-auc:0.99542\tvalidation-auc:0.50985").group(1) == "0.50985"
    out = capsys.readouterr().out
    assert notes(out) == [
        "lathe.sagemaker: framework_version is ignored locally (1.7-1 names a SageMaker container; jobs here use the xgboost of Lathe's Python)",
        "lathe.sagemaker: use_spot_instances runs as an interruptible job (EnableManagedSpotTraining; checkpoints in s3://lathe-default/sagemaker/fraud-detection/checkpoints)",
    ]


def test_builtin_xgboost_without_entry_point(lathe, capsys):
    lathe.completed_job()
    estimator = XGBoost(hyperparameters={"num_round": 5, "objective": "binary:logistic", "verbose": True}, subnets=["subnet-1"],
                        security_group_ids=["sg-1"], instance_count=2)
    estimator.fit("s3://lathe-default/data/train.csv")
    (request,) = lathe.sent("training.create")
    assert request["AlgorithmSpecification"] == {"AlgorithmName": "xgboost", "TrainingInputMode": "File"}
    assert request["HyperParameters"] == {"num_round": "5", "objective": "binary:logistic", "verbose": "true"}
    assert request["InputDataConfig"][0]["ChannelName"] == "training"
    assert request["ResourceConfig"]["InstanceCount"] == 1
    assert "MetricDefinitions" not in request["AlgorithmSpecification"]
    assert "EnableManagedSpotTraining" not in request
    assert notes(capsys.readouterr().out) == [
        "lathe.sagemaker: subnets is ignored locally (there is no VPC on this machine)",
        "lathe.sagemaker: security_group_ids is ignored locally (there is no VPC on this machine)",
        "lathe.sagemaker: instance_count=2 is ignored locally (Lathe trains on one machine: InstanceCount 1)",
    ]


def test_an_image_uri_of_sagemaker_xgboost_trains_the_builtin(lathe):
    lathe.completed_job()
    uri = sagemaker.image_uris.retrieve("xgboost", "us-east-1", "1.7-1")
    sagemaker.estimator.Estimator(uri, hyperparameters={"num_round": 3}).fit({"train": "s3://lathe-default/t"}, logs=False)
    assert lathe.sent("training.create")[0]["AlgorithmSpecification"]["AlgorithmName"] == "xgboost"
    sagemaker.estimator.Estimator("my-trainer:latest").fit({"train": "s3://lathe-default/t"}, logs=False)
    assert lathe.sent("training.create")[1]["AlgorithmSpecification"]["TrainingImage"] == "my-trainer:latest"


def test_fit_streams_the_log_without_lathe_metric_lines(lathe, capsys):
    lathe.completed_job(lines=["Training on 8000 rows", '#lathe {"metric": "validation:auc", "value": 0.8, "step": 0}', "[0]\ttrain-auc:0.9"])
    XGBoost(hyperparameters={"num_round": 1}).fit({"train": "s3://lathe-default/t"})
    out = capsys.readouterr().out
    assert "Training on 8000 rows\n[0]\ttrain-auc:0.9\n" in out
    assert "#lathe" not in out
    assert "2026-01-01 10:00:00 Training - Training on this machine" in out
    assert "Training seconds: 9" in out


def test_a_failed_job_raises_with_its_failure_reason(lathe):
    lathe.completed_job(status="Failed", failure="AlgorithmError: ValueError: the data has no label column")
    with pytest.raises(sagemaker.UnexpectedStatusException, match=r"Failed\. Reason: AlgorithmError: ValueError: the data has no label column") as raised:
        XGBoost(hyperparameters={"num_round": 1}).fit({"train": "s3://lathe-default/t"})
    assert raised.value.actual_status == "Failed"


def test_a_missing_entry_point_names_where_it_looked(lathe, tmp_path):
    with pytest.raises(ValueError, match=re.escape(f"no file at {tmp_path / 'train.py'}")):
        XGBoost(entry_point="train.py", hyperparameters={})
    (tmp_path / "src").mkdir()
    with pytest.raises(ValueError, match=r"entry_point 'train\.py': no file at .*src/train\.py; entry_point is relative to source_dir"):
        XGBoost(entry_point="train.py", source_dir="src")
    assert lathe.sent("training.create") == []


def test_source_dir_is_staged_whole_with_the_program_relative_to_it(lathe, tmp_path):
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "train.py").write_text("")
    (tmp_path / "src" / "util.py").write_text("")
    lathe.completed_job()
    XGBoost(entry_point="pkg/train.py", source_dir="src", hyperparameters={}).fit({"train": "s3://lathe-default/t"}, logs=False)
    hps = lathe.sent("training.create")[0]["HyperParameters"]
    assert json.loads(hps["sagemaker_program"]) == "pkg/train.py"
    staged = tmp_path / "home" / "s3" / json.loads(hps["sagemaker_submit_directory"])[5:]
    assert sorted(str(p.relative_to(staged)) for p in staged.rglob("*.py")) == ["pkg/train.py", "util.py"]


# ---------------------------------------------------------------------------------------------
# Register, deploy, predict, delete


def test_register_creates_the_group_and_registers_the_job(lathe, tmp_path):
    (tmp_path / "train.py").write_text("")
    lathe.completed_job()
    estimator = seed_estimator()
    estimator.fit({"train": "s3://lathe-default/t"})

    def describe_group(body):
        raise Refusal("not-found", "no group")

    lathe.handlers.update({"registry.describeGroup": describe_group, "registry.createGroup": lambda body: {},
                           "registry.createVersion": lambda body: {"ModelPackageArn": "arn:aws:sagemaker:local:0:model-package/frauddetectionmodels/1"}})
    package = estimator.register(model_package_group_name="FraudDetectionModels", approval_status="Approved",
                                 description="XGBoost Fraud v1.0 - AUC 0.97", content_types=["text/csv"], response_types=["text/csv"])
    assert package.model_package_arn.endswith("model-package/frauddetectionmodels/1")
    assert lathe.sent("registry.createGroup") == [{"ModelPackageGroupName": "FraudDetectionModels"}]
    job = estimator.latest_training_job.name
    assert lathe.sent("registry.createVersion") == [{
        "ModelPackageGroupName": "FraudDetectionModels", "ModelApprovalStatus": "Approved",
        "ModelPackageDescription": "XGBoost Fraud v1.0 - AUC 0.97", "SourceTrainingJobName": job,
        # The training script serves too (its model_fn & co., where it defines them), as in SageMaker.
        "InferenceSpecification": {"Containers": [{"Image": "xgboost", "ModelDataUrl": f"s3://lathe-default/{job}/output/model.tar.gz",
                                                   "Environment": {"SAGEMAKER_PROGRAM": "train.py", "SAGEMAKER_SUBMIT_DIRECTORY": f"s3://lathe-default/{job}/source"}}],
                                   "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
    }]


def test_an_approval_the_gates_refuse_is_registered_pending_with_a_note(lathe, capsys):
    lathe.completed_job()
    estimator = XGBoost(hyperparameters={})
    estimator.fit({"train": "s3://lathe-default/t"}, logs=False)
    statuses = []

    def create_version(body):
        statuses.append(body["ModelApprovalStatus"])
        if body["ModelApprovalStatus"] == "Approved":
            raise Refusal("failed-precondition", "fails the gates", {"Unmet": ["validation:auc >= 0.9 (is 0.51)"]})
        return {"ModelPackageArn": "arn:aws:sagemaker:local:0:model-package/g/1"}

    lathe.handlers.update({"registry.describeGroup": lambda body: {}, "registry.createVersion": create_version})
    estimator.register(model_package_group_name="g", approval_status="Approved")
    assert statuses == ["Approved", "PendingManualApproval"]
    assert "is registered as PendingManualApproval, not Approved: it fails the gates of g: validation:auc >= 0.9 (is 0.51)" in capsys.readouterr().out


def serve_endpoints(lathe, final="InService", failure=None):
    state = {"polls": 0}

    def describe(body):
        if body["EndpointName"] not in state:
            raise Refusal("not-found", "no endpoint")
        state["polls"] += 1
        status = "Creating" if state["polls"] < 2 else final
        return {"EndpointName": body["EndpointName"], "EndpointConfigName": state[body["EndpointName"]], "EndpointStatus": status,
                **({"FailureReason": failure} if failure and status == final else {})}

    def create(body):
        state[body["EndpointName"]] = body["EndpointConfigName"]
        return {}

    configs = {}
    lathe.handlers.update({
        "endpoints.createModel": lambda body: {}, "endpoints.create": create, "endpoints.describe": describe,
        "endpoints.createConfig": lambda body: configs.update({body["EndpointConfigName"]: body}) or {},
        "endpoints.describeConfig": lambda body: configs[body["EndpointConfigName"]],
        "endpoints.invoke": lambda body: {"Body": "0.0134\n", "BodyEncoding": "utf8", "ContentType": "text/csv"},
        "endpoints.delete": lambda body: {}, "endpoints.deleteConfig": lambda body: {}, "endpoints.deleteModel": lambda body: {},
    })


def test_deploy_waits_for_in_service_and_predict_answers_the_seed_shape(lathe, capsys):
    lathe.completed_job()
    serve_endpoints(lathe)
    estimator = XGBoost(hyperparameters={})
    estimator.fit({"train": "s3://lathe-default/t"}, logs=False)
    predictor = estimator.deploy(endpoint_name="fraud-detection-prod", instance_type="ml.m5.xlarge", initial_instance_count=1,
                                 serializer=sagemaker.serializers.CSVSerializer(), deserializer=sagemaker.deserializers.CSVDeserializer(),
                                 accelerator_type="ml.eia1.medium")
    (model,) = lathe.sent("endpoints.createModel")
    job = estimator.latest_training_job.name
    assert model["PrimaryContainer"] == {"Image": "xgboost", "ModelDataUrl": f"s3://lathe-default/{job}/output/model.tar.gz"}
    assert lathe.sent("endpoints.createConfig") == [{"EndpointConfigName": "fraud-detection-prod", "ProductionVariants": [
        {"VariantName": "AllTraffic", "ModelName": model["ModelName"], "InitialInstanceCount": 1, "InitialVariantWeight": 1.0, "InstanceType": "ml.m5.xlarge"}]}]
    assert lathe.sent("endpoints.create") == [{"EndpointName": "fraud-detection-prod", "EndpointConfigName": "fraud-detection-prod"}]
    response = predictor.predict("200.0,14,0.85,5")
    assert float(response[0][0]) == 0.0134
    assert lathe.sent("endpoints.invoke") == [{"EndpointName": "fraud-detection-prod", "ContentType": "text/csv", "Accept": "text/csv", "Body": "200.0,14,0.85,5"}]
    assert "lathe.sagemaker: accelerator_type is ignored locally (Elastic Inference does not exist on this machine)" in capsys.readouterr().out

    predictor.delete_endpoint()
    assert lathe.sent("endpoints.delete") == [{"EndpointName": "fraud-detection-prod"}]
    assert lathe.sent("endpoints.deleteConfig") == [{"EndpointConfigName": "fraud-detection-prod"}]
    assert lathe.sent("endpoints.deleteModel") == [{"ModelName": model["ModelName"]}]


def test_a_script_mode_deploy_serves_with_the_training_script(lathe, tmp_path):
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "train.py").write_text("def output_fn(prediction, accept):\n    return 'mine'\n")
    lathe.completed_job()
    serve_endpoints(lathe)
    estimator = XGBoost(entry_point="pkg/train.py", source_dir="src", hyperparameters={"num_round": 5})
    estimator.fit({"train": "s3://lathe-default/t"}, logs=False)
    estimator.deploy(endpoint_name="fraud-script", initial_instance_count=1, instance_type="ml.m5.xlarge", env={"MY_FLAG": "1"})
    (model,) = lathe.sent("endpoints.createModel")
    job = estimator.latest_training_job.name
    assert model["PrimaryContainer"] == {"Image": "xgboost", "ModelDataUrl": f"s3://lathe-default/{job}/output/model.tar.gz", "Environment": {
        "SAGEMAKER_PROGRAM": "pkg/train.py", "SAGEMAKER_SUBMIT_DIRECTORY": f"s3://lathe-default/{job}/source", "MY_FLAG": "1"}}


def test_an_xgboost_model_with_an_entry_point_stages_its_code(lathe, tmp_path):
    (tmp_path / "serve").mkdir()
    (tmp_path / "serve" / "inference.py").write_text("def input_fn(body, content_type):\n    return body\n")
    (tmp_path / "serve" / "notes.txt").write_text("kept")
    serve_endpoints(lathe)
    model = XGBoostModel(model_data="s3://lathe-default/m/model.tar.gz", entry_point="inference.py", source_dir="serve",
                         framework_version="1.7-1", role="arn:aws:iam::000000000000:role/r")
    model.deploy(endpoint_name="fraud-custom", initial_instance_count=1, instance_type="ml.m5.xlarge")
    (created,) = lathe.sent("endpoints.createModel")
    environment = created["PrimaryContainer"]["Environment"]
    assert environment["SAGEMAKER_PROGRAM"] == "inference.py"
    submit = environment["SAGEMAKER_SUBMIT_DIRECTORY"]
    assert re.fullmatch(r"s3://lathe-default/sagemaker-xgboost-[0-9-]+/source", submit)
    staged = tmp_path / "home" / "s3" / submit[len("s3://"):]
    assert sorted(os.listdir(staged)) == ["inference.py", "notes.txt"]
    with pytest.raises(ValueError, match="source_dir needs an entry_point"):
        XGBoostModel(model_data="s3://lathe-default/m/model.tar.gz", source_dir="serve")


def test_a_failed_endpoint_raises_with_its_failure_reason(lathe):
    lathe.completed_job()
    serve_endpoints(lathe, final="Failed", failure="the worker exited with code 1: no xgboost-model in the model")
    estimator = XGBoost(hyperparameters={})
    estimator.fit({"train": "s3://lathe-default/t"}, logs=False)
    with pytest.raises(sagemaker.UnexpectedStatusException, match="Error hosting endpoint e1: Failed. Reason: the worker exited with code 1"):
        estimator.deploy(endpoint_name="e1", initial_instance_count=1, instance_type="ml.m5.large")


def test_deploying_over_an_existing_endpoint_is_refused_before_anything_is_made(lathe):
    lathe.handlers["endpoints.describe"] = lambda body: {"EndpointName": "e1", "EndpointStatus": "InService"}
    with pytest.raises(ValueError, match=r"endpoint e1 already exists; delete it first .* or deploy with update_endpoint=True"):
        sagemaker.Model(model_data="s3://lathe-default/m/model.tar.gz").deploy(endpoint_name="e1", initial_instance_count=1)
    assert lathe.sent("endpoints.createModel") == []


def test_binary_bodies_travel_as_base64(lathe):
    lathe.handlers["endpoints.invoke"] = lambda body: {"Body": "AAEC", "BodyEncoding": "base64", "ContentType": "application/octet-stream"}
    answer = sagemaker.Predictor("e1").predict(b"\xff\x00")
    assert answer == b"\x00\x01\x02"
    assert lathe.sent("endpoints.invoke")[0]["BodyEncoding"] == "base64"


# ---------------------------------------------------------------------------------------------
# Reaching Lathe


def test_an_unreachable_lathe_names_lathe_url(monkeypatch, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.delenv("LATHE_SERVER_FILE", raising=False)
    monkeypatch.setenv("LATHE_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(sagemaker.LatheUnreachable, match=rf"cannot reach Lathe at http://127\.0\.0\.1:{port} \(LATHE_URL\)"):
        sagemaker.Session().default_bucket()


def test_no_lathe_at_all_says_to_set_lathe_url(monkeypatch, tmp_path):
    for name in ("LATHE_SERVER_FILE", "LATHE_URL", "MLFLOW_TRACKING_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LATHE_HOME", str(tmp_path / "nowhere"))
    with pytest.raises(sagemaker.LatheUnreachable, match="LATHE_URL is not set"):
        sagemaker.Predictor("e1").predict("1,2")


def test_a_wrong_token_says_so(lathe, monkeypatch):
    monkeypatch.setenv("LATHE_TOKEN", "wrong")
    with pytest.raises(sagemaker.LatheUnreachable, match="refused the token in LATHE_TOKEN"):
        sagemaker.Session().default_bucket()


def test_a_refusal_carries_lathes_code_and_message(lathe):
    def refuse(body):
        raise Refusal("invalid-argument", "InputDataConfig: xgboost needs the channel train")

    lathe.handlers["training.create"] = refuse
    with pytest.raises(sagemaker.LatheError, match="training.create: InputDataConfig: xgboost needs the channel train") as raised:
        XGBoost(hyperparameters={}).fit({"validation": "s3://lathe-default/v"})
    assert raised.value.code == "invalid-argument"
