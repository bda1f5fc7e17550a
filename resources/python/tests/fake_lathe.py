"""A tiny in-process fake of Lathe's MLflow routes (with batch-id dedupe), for the tracking SDK's tests."""
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "test-token"


class FakeState:
    """What the fake Lathe stores; it outlives a server, as Lathe's database outlives a restart."""

    def __init__(self, artifact_root):
        self.lock = threading.Lock()
        self.artifact_root = str(artifact_root)
        self.experiments = {}  # name -> id
        self.runs = {}  # id -> {"info", "params", "tags", "metrics": [(key, value, timestamp, step)], "raw": [...]}
        self.batch_ids = set()
        self.batch_requests = 0
        self.duplicates = 0
        self.rejected = 0
        self.fail_after_store = 0  # the next N log-batch requests are stored, then answered 500

    def run(self, run_id=None):
        return self.runs[run_id] if run_id else next(iter(self.runs.values()))

    def points(self, run_id=None):
        with self.lock:
            return sum(len(r["metrics"]) for r in ([self.runs[run_id]] if run_id else self.runs.values()))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: a stopped server refuses at once

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        state = self.server.state
        url = urlsplit(self.path)
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.answer(401, {"error_code": "UNAUTHENTICATED", "message": "bad token"})
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}") if method == "POST" else {k: v[0] for k, v in parse_qs(url.query).items()}
        name = url.path.split("/api/2.0/mlflow/", 1)[-1]
        handler = getattr(self, f"{method}_{name.replace('/', '_').replace('-', '_')}", None)
        if handler is None:
            return self.answer(404, {"error_code": "ENDPOINT_NOT_FOUND", "message": name})
        with state.lock:
            status, out = handler(state, body)
        self.answer(status, out)

    @staticmethod
    def missing(what):
        return 404, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": what}

    @staticmethod
    def bad(message):
        return 400, {"error_code": "INVALID_PARAMETER_VALUE", "message": message}

    def GET_experiments_get_by_name(self, state, body):
        if body.get("experiment_name") not in state.experiments:
            return self.missing("no such experiment")
        return 200, {"experiment": {"experiment_id": state.experiments[body["experiment_name"]], "name": body["experiment_name"]}}

    def POST_experiments_create(self, state, body):
        if body["name"] in state.experiments:
            return 400, {"error_code": "RESOURCE_ALREADY_EXISTS", "message": "exists"}
        state.experiments[body["name"]] = str(len(state.experiments) + 1)
        return 200, {"experiment_id": state.experiments[body["name"]]}

    def POST_runs_create(self, state, body):
        run_id = f"run{len(state.runs) + 1:04d}"
        info = {
            "run_id": run_id,
            "experiment_id": body["experiment_id"],
            "run_name": body.get("run_name") or f"run-{run_id}",
            "status": "RUNNING",
            "start_time": body.get("start_time"),
            "artifact_uri": os.path.join(state.artifact_root, run_id, "artifacts"),
        }
        state.runs[run_id] = {"info": info, "params": {}, "tags": {t["key"]: t["value"] for t in body.get("tags", [])}, "metrics": [], "raw": []}
        return 200, {"run": {"info": info, "data": {}}}

    def GET_runs_get(self, state, body):
        run = state.runs.get(body.get("run_id"))
        return (200, {"run": {"info": run["info"]}}) if run else self.missing("no such run")

    def POST_runs_update(self, state, body):
        run = state.runs.get(body.get("run_id"))
        if not run:
            return self.missing("no such run")
        run["info"].update(status=body["status"], end_time=body.get("end_time"))
        return 200, {"run_info": run["info"]}

    def POST_runs_log_batch(self, state, body):
        state.batch_requests += 1
        run = state.runs.get(body.get("run_id"))
        if not run:
            return self.missing("no such run")
        metrics, params, tags = body.get("metrics", []), body.get("params", []), body.get("tags", [])
        if len(metrics) > 1000 or len(params) > 100 or len(tags) > 100 or len(metrics) + len(params) + len(tags) > 1000:
            return self.bad("over the limits")
        batch_id = self.headers.get("X-Lathe-Batch-Id")
        if batch_id in state.batch_ids:
            state.duplicates += 1
            return 200, {}
        values = []
        for m in metrics:
            value = m["value"]
            if isinstance(value, str):
                if value not in ("NaN", "Infinity", "-Infinity"):
                    return self.bad(f"bad value {value!r}")
                value = float(value.replace("Infinity", "inf"))
            values.append((m["key"], value, m["timestamp"], m.get("step", 0)))
        for p in params:
            if p["key"] in run["params"] and run["params"][p["key"]] != p["value"]:
                state.rejected += 1
                return self.bad(f"Changing param values is not allowed. Param with key='{p['key']}' was already logged")
        run["params"].update({p["key"]: p["value"] for p in params})
        run["tags"].update({t["key"]: t["value"] for t in tags})
        run["metrics"].extend(values)
        run["raw"].extend(m["value"] for m in metrics)
        if batch_id:
            state.batch_ids.add(batch_id)
        if state.fail_after_store:
            state.fail_after_store -= 1
            return 500, {"error_code": "INTERNAL_ERROR", "message": "stored, but the answer is lost"}
        return 200, {}

    def GET_metrics_get_history(self, state, body):
        run = state.runs.get(body.get("run_id"))
        if not run:
            return self.missing("no such run")
        return 200, {"metrics": [{"key": k, "value": v, "timestamp": t, "step": s} for k, v, t, s in run["metrics"] if k == body.get("metric_key")]}


class FakeLathe:
    def __init__(self, state, port=0):
        self.state = state
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.server.state = state
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
