"""Finding Lathe (environment, server file) and talking to its MLflow REST routes."""

from __future__ import annotations

import http.client
import json
import os
import socket
import sys
import urllib.parse

from ._config import _http_timeout, _Rejected, _Unreachable


def _default_home():
    if os.environ.get("LATHE_HOME"):
        return os.environ["LATHE_HOME"]
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        return os.path.join(os.environ.get("APPDATA") or os.path.join(home, "AppData", "Roaming"), "Lathe")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "Lathe")
    return os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "Lathe")


def _read_server_file(path):
    try:
        with open(path, encoding="utf-8") as handle:
            info = json.load(handle)
        return info.get("url"), info.get("token")
    except (OSError, ValueError, AttributeError):
        return None, None


def _endpoint():
    """(url, token) of Lathe, read afresh on every connection so a changed environment counts.

    A job started by Lathe gets ``LATHE_SERVER_FILE`` too: the server file of its data folder, which
    a restarted Lathe rewrites with its new port and token. It wins over ``LATHE_URL`` so a job that
    outlives the Lathe that launched it still reaches the next one.
    """
    server_file = os.environ.get("LATHE_SERVER_FILE")
    if server_file:
        url, token = _read_server_file(server_file)
        if url:
            return url, token
    if os.environ.get("LATHE_URL"):
        return os.environ["LATHE_URL"], os.environ.get("LATHE_TOKEN")
    uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    if uri.startswith(("http://", "https://")):
        return uri, os.environ.get("MLFLOW_TRACKING_TOKEN")
    return _read_server_file(os.path.join(_default_home(), "server.json"))


# ---------------------------------------------------------------------------------------------
# HTTP


class _Http:
    """One keep-alive connection to Lathe's MLflow routes; one per thread (http.client is not thread-safe)."""

    def __init__(self, timeout=None):
        self.timeout = timeout if timeout is not None else _http_timeout()
        self._conn = None
        self._target = None

    def close(self):
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
        self._conn = None

    def call(self, method, route, body=None, query=None, headers=None):
        url, token = _endpoint()
        if not url:
            raise _Unreachable("no Lathe to talk to: set LATHE_URL and LATHE_TOKEN")
        parts = urllib.parse.urlsplit(url)
        target = (parts.scheme, parts.hostname, parts.port)
        if target != self._target:
            self.close()
            self._target = target
        path = f"{parts.path.rstrip('/')}/api/2.0/mlflow/{route}"
        if query:
            path += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body, separators=(",", ":"), allow_nan=False).encode("utf-8")
        sent = {"Accept": "application/json"}
        if data is not None:
            sent["Content-Type"] = "application/json"
        if token:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        for attempt in (0, 1):
            reused = self._conn is not None
            if self._conn is None:
                kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
                self._conn = kind(parts.hostname or "127.0.0.1", parts.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=data, headers=sent)
                response = self._conn.getresponse()
                raw = response.read()
                status = response.status
                if response.will_close:
                    self.close()
                break
            except (OSError, http.client.HTTPException) as error:
                self.close()
                # A kept-alive socket the server closed meanwhile: once more on a fresh one.
                if reused and attempt == 0 and not isinstance(error, socket.timeout):
                    continue
                raise _Unreachable(f"{url}: {type(error).__name__}: {error}") from None
        try:
            payload = json.loads(raw.decode("utf-8")) if raw else {}
        except ValueError:
            payload = {}
        if not isinstance(payload, dict):
            payload = {}
        if 200 <= status < 300:
            return payload
        code = payload.get("error_code", "")
        message = payload.get("message", raw[:200].decode("utf-8", "replace"))
        if status >= 500 or status in (401, 403, 408, 429):
            raise _Unreachable(f"{url}: HTTP {status} {code}: {message}")
        raise _Rejected(status, code, message)


def _ensure_experiment(client, name):
    """The id of the experiment of that name, created when missing (a concurrent create is fine)."""
    try:
        return client.call("GET", "experiments/get-by-name", query={"experiment_name": name})["experiment"]["experiment_id"]
    except _Rejected as refusal:
        if refusal.status != 404:
            raise
    try:
        return client.call("POST", "experiments/create", {"name": name})["experiment_id"]
    except _Rejected as refusal:
        if refusal.code != "RESOURCE_ALREADY_EXISTS":
            raise
    return client.call("GET", "experiments/get-by-name", query={"experiment_name": name})["experiment"]["experiment_id"]


def _create_run(client, record):
    """runs/create for a create-run record; the run's info (run_id, artifact_uri…)."""
    experiment_id = _ensure_experiment(client, record["experiment_name"])
    body = {"experiment_id": experiment_id, "start_time": record["start_time"], "tags": record.get("tags") or []}
    if record.get("run_name"):
        body["run_name"] = record["run_name"]
    return client.call("POST", "runs/create", body)["run"]["info"]

