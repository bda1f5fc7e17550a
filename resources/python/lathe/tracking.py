"""Lathe's tracking SDK: log params, metrics, tags and artifacts of a run from a script or notebook.

Use it as ``import lathe.tracking as lt`` (or ``from lathe import tracking``)::

    import lathe.tracking as lt

    with lt.start_run(run_name="xgb-eta-0.1", experiment_name="fraud"):
        lt.log_params({"eta": 0.1, "max_depth": 5})
        for step in range(100):
            lt.log_metric("auc", auc, step=step)
        lt.log_artifact("model.json")

Standard library only. Lathe is found through ``LATHE_URL`` and ``LATHE_TOKEN`` (set by Lathe's job
runner and notebook servers), else ``MLFLOW_TRACKING_URI`` and ``MLFLOW_TRACKING_TOKEN``, else the
``server.json`` a running ``lathe serve`` leaves in LATHE_HOME. It speaks Lathe's MLflow REST 2.0
routes (``/api/2.0/mlflow/...``) with the token as a bearer token. The experiment is the
``experiment_name`` argument, else ``LATHE_EXPERIMENT``, else "Default" (created when missing). In
a Lathe training job (``LATHE_RUN_ID`` set by the runner) ``start_run`` attaches to the job's run
instead of creating one, and leaves its status to the runner.

Design
------
*Off the training thread.* ``log_metric`` & co. append a tuple to an in-memory deque and return;
they never touch the network or the disk. One daemon sender thread per run wakes every 0.2 s (or
when 1,000 items are waiting), packs the deque into batches within MLflow's limits (metrics in
batches of at most 1,000 points; params and tags in batches of at most 100 each), gives each batch
a fresh ``uuid4().hex`` id, and posts it to ``runs/log-batch`` with the id in ``X-Lathe-Batch-Id``.
Lathe stores a batch id once, so sending a batch again (after a lost answer, from the spool) never
stores anything twice.

*Outcomes.* 2xx: acknowledged. A connection error, a timeout, 5xx, 401, 403, 408 or 429: Lathe is
"unreachable" for now: the batch is kept and retried with backoff (0.5 s doubling to 30 s). Any
other 4xx (a changed param, a key over the limit, an unknown run): acknowledged but refused; a
batch of several params, tags or metric keys is split into one batch per param, tag or key (ids
``<id>-<n>``) so only the culprit is lost; a refused part is dropped with a warning on stderr and
never retried.

*Spool.* When Lathe is unreachable the batches are appended to a spool file, JSON lines written
with ``fsync``: ``$LATHE_SPOOL_DIR`` or ``~/.cache/lathe/spool/``, one file per run and process,
``<run_id>-<pid>-<random>.jsonl``, held with an exclusive ``flock`` while its process lives (so no
other process replays it under its feet). Records::

    {"type": "create-run", "id": "local-…", "experiment_name", "run_name", "start_time", "tags"}
    {"type": "batch", "id", "run_id", "metrics": [{key, value, timestamp, step}], "params", "tags"}
    {"type": "update-run", "id", "run_id", "status", "end_time"}
    {"type": "artifact", "id", "run_id", "path" (a copy under <spool>/artifacts/), "artifact_path"}
    {"type": "ack", "id"}                          a record above was acknowledged
    {"type": "run-created", "local_id", "run_id"}  the create-run record was played

The file is append-only: replaying it sends every record that has no ack, in order, appending an
ack after each answer; once all are acknowledged the file is deleted. A crash anywhere at worst
sends a record again, which Lathe's batch ids (and the idempotent runs/update) absorb.

*A run started while Lathe is down* gets a client-made id ``local-<hex>``; its creation is
spooled as a create-run record and its batches name the local id. Replay creates the run first,
records the mapping (run-created), and sends the batches to the real run id. The same process's
sender replays its own spool as soon as Lathe answers again, so ``run.info.run_id`` becomes the
real id then; ``log_artifact`` before that keeps a copy in the spool and places it later.

*Replay by others.* ``start_run`` (in the background) and each sender (every 60 s while Lathe
answers) replay the spool files of other processes that are gone (their lock is free). ``python
-m lathe.tracking replay`` does the same in the foreground and exits 0 when the spool is empty.

*Exit.* An atexit hook ends the active run (FINISHED, or FAILED after an uncaught exception) and
waits at most ``LATHE_FLUSH_TIMEOUT`` seconds (default 10) for everything to be acknowledged or
spooled; what is still in memory then is written to the spool. A process killed by a signal loses
what had not reached Lathe or the spool yet (at most the last 0.2 s of logging while Lathe is
down).
"""

from __future__ import annotations

import atexit
import collections
import getpass
import http.client
import json
import math
import os
import re
import shutil
import socket
import sys
import threading
import time
import urllib.parse
import uuid

try:
    import fcntl
except ImportError:  # Windows: no flock; a spool file may then be replayed twice, which dedupes.
    fcntl = None

__all__ = [
    "Run",
    "RunInfo",
    "LatheTrackingError",
    "start_run",
    "active_run",
    "end_run",
    "log_param",
    "log_params",
    "log_metric",
    "log_metrics",
    "set_tag",
    "set_tags",
    "log_artifact",
    "flush",
    "replay",
]

# MLflow's log-batch limits, which Lathe enforces.
MAX_METRICS = 1000
MAX_PARAMS = 100
MAX_TAGS = 100
MAX_ENTITIES = 1000

LOCAL_PREFIX = "local-"
STATUSES = ("FINISHED", "FAILED", "KILLED")
_TICK = 0.2  # seconds between sender cycles
_WAKE_AT = 1000  # queued items that wake the sender early
_FOREIGN_EVERY = 60.0  # seconds between scans for other processes' spool files


class LatheTrackingError(Exception):
    """Lathe refused a request that the caller has to fix (start_run with a bad experiment…)."""


class _Unreachable(Exception):
    """No answer worth keeping: retry later (connection error, timeout, 5xx, 401/403/408/429)."""


class _Rejected(Exception):
    """A 4xx answer: acknowledged but refused; retrying would not help."""

    def __init__(self, status, code, message):
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status = status
        self.code = code


# ---------------------------------------------------------------------------------------------
# Configuration


def _warn(message):
    try:
        sys.stderr.write(f"lathe.tracking: {message}\n")
        sys.stderr.flush()
    except Exception:
        pass


def _env_float(name, default):
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def _flush_timeout():
    return _env_float("LATHE_FLUSH_TIMEOUT", 10.0)


def _http_timeout():
    return _env_float("LATHE_HTTP_TIMEOUT", 15.0)


def spool_dir():
    """Where unsent batches wait: LATHE_SPOOL_DIR, else ~/.cache/lathe/spool (XDG_CACHE_HOME)."""
    chosen = os.environ.get("LATHE_SPOOL_DIR")
    if not chosen:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        chosen = os.path.join(cache, "lathe", "spool")
    return os.path.abspath(chosen)


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


# ---------------------------------------------------------------------------------------------
# Artifacts


def _local_artifact_dir(uri):
    """A local folder for an artifact URI, or None when it is not on this machine's disk."""
    if not uri:
        return None
    if uri.startswith("file://"):
        return urllib.parse.unquote(urllib.parse.urlsplit(uri).path)
    if "://" in uri or uri.startswith("mlflow-artifacts:"):
        return None
    return uri


def _safe_artifact_path(artifact_path):
    """An artifact_path as given to log_artifact: relative, "/"-separated, no ".." (else None)."""
    if not artifact_path:
        return ""
    text = str(artifact_path).replace("\\", "/")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if text.startswith("/") or ".." in parts or "\0" in text or re.match(r"^[A-Za-z]:", text):
        return None
    return "/".join(parts)


def _inside(parent, child):
    parent, child = os.path.realpath(parent), os.path.realpath(child)
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


def _copy_into(source, root, artifact_path=None):
    relative = _safe_artifact_path(artifact_path)
    if relative is None:
        raise OSError(f"artifact_path {artifact_path!r} must be a relative path without '..'")
    folder = os.path.join(root, relative) if relative else root
    os.makedirs(folder, exist_ok=True)
    if not _inside(root, folder):
        raise OSError(f"artifact_path {artifact_path!r} leads outside the run's artifacts")
    target = os.path.join(folder, os.path.basename(os.path.normpath(source)))
    if os.path.isdir(source):
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)
    return target


# ---------------------------------------------------------------------------------------------
# Spool files


def _lock(handle, blocking):
    if fcntl is None:
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        return True
    except OSError:
        return False


def _line(record):
    return json.dumps(record, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"


class _SpoolFile:
    """One append-only JSON-lines spool file, flock'ed by the process that writes or replays it."""

    def __init__(self, path, handle):
        self.path = path
        self._handle = handle
        self._lock = threading.Lock()

    @classmethod
    def create(cls, directory, stem):
        """A new file, locked before it gets its .jsonl name so no replayer ever sees it unlocked."""
        os.makedirs(directory, exist_ok=True)
        stem = f"{stem}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        temp = os.path.join(directory, f".{stem}.tmp")
        handle = open(temp, "a+b")
        _lock(handle, blocking=True)
        final = os.path.join(directory, f"{stem}.jsonl")
        os.replace(temp, final)
        return cls(final, handle)

    @classmethod
    def open_existing(cls, path):
        """Another process's file, or None when it is gone or still held by a live process."""
        try:
            handle = open(path, "a+b")
        except OSError:
            return None
        if not _lock(handle, blocking=False):
            handle.close()
            return None
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
        except OSError:
            same = False
        if not same:  # deleted (and maybe made again) by its replayer meanwhile
            handle.close()
            return None
        spool = cls(path, handle)
        size = os.fstat(handle.fileno()).st_size
        if size:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":  # a line cut short by a crash: keep our appends on lines of their own
                handle.write(b"\n")
                handle.flush()
        return spool

    def append(self, records, sync=True):
        if not records:
            return
        data = b"".join(_line(record) for record in records)
        with self._lock:
            self._handle.write(data)
            self._handle.flush()
            if sync:
                os.fsync(self._handle.fileno())

    def records(self):
        with self._lock:
            self._handle.flush()
            self._handle.seek(0)
            data = self._handle.read()
        out = []
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue  # cut short by a crash
            if isinstance(record, dict) and isinstance(record.get("type"), str):
                out.append(record)
        return out

    def remove(self):
        with self._lock:
            try:
                os.unlink(self.path)
            except OSError:
                pass
            self._handle.close()

    def close(self):
        with self._lock:
            self._handle.close()


def _drop_spooled_copy(path, spool_dir=None):
    """Removes <spool>/artifacts/<id>/ of an artifact once placed (and nothing outside such a folder)."""
    holder = os.path.dirname(path or "")
    if not holder or os.path.basename(os.path.dirname(holder)) != "artifacts":
        return
    if spool_dir is not None and not _inside(os.path.join(spool_dir, "artifacts"), holder):
        return
    shutil.rmtree(holder, ignore_errors=True)


# A spool written by code Lathe does not trust (a job in a container): replayed with
# ``replay --only-run RUN_ID``, only that run's records are sent, no run is created, and an
# artifact is only taken from a real file or folder (no symlinks) under <spool>/artifacts/<id>/.
_confined_run = None


def _confined_source_ok(source, spool_dir):
    holder = os.path.join(spool_dir, "artifacts")
    if not source or not _inside(holder, source) or os.path.islink(source):
        return False
    if os.path.isdir(source):
        for folder, dirs, files in os.walk(source):
            if any(os.path.islink(os.path.join(folder, name)) for name in dirs + files):
                return False
    return os.path.isfile(source) or os.path.isdir(source)


def _split(record):
    """A refused batch as one batch per param, per tag and per metric key (or [] when it is one already)."""
    parts = [{"params": [p]} for p in record.get("params") or []]
    parts += [{"tags": [t]} for t in record.get("tags") or []]
    by_key = {}
    for point in record.get("metrics") or []:
        by_key.setdefault(point.get("key"), []).append(point)
    parts += [{"metrics": points} for points in by_key.values()]
    if len(parts) <= 1:
        return []
    return [dict(part, type="batch", id=f"{record['id']}-{n}", run_id=record["run_id"]) for n, part in enumerate(parts)]


def _describe(record):
    if record.get("type") == "batch":
        counts = [(len(record.get(k) or []), k) for k in ("metrics", "params", "tags")]
        what = ", ".join(f"{n} {k}" for n, k in counts if n)
        keys = sorted({e.get("key") for k in ("metrics", "params", "tags") for e in record.get(k) or []})
        return f"a batch ({what}; keys {', '.join(map(str, keys[:5]))}{'…' if len(keys) > 5 else ''})"
    return f"a {record.get('type')} record"


def _spooled_copy(source, spool_dir):
    """Where an artifact's spooled copy is now. A spool written in a container names its copies by
    the container's paths (/opt/ml/.lathe-spool/artifacts/<id>/…); replayed on the host, the same
    copy lies under this spool folder."""
    if not source or os.path.exists(source) or not spool_dir:
        return source
    parts = source.replace("\\", "/").split("/")
    if "artifacts" not in parts:
        return source
    at = len(parts) - 1 - parts[::-1].index("artifacts")
    moved = os.path.join(spool_dir, *parts[at:])
    return moved if os.path.exists(moved) else source


def _send_record(client, record, run_id, spool_dir=None):
    """Sends one record. Answers the parts to send instead when a batch was refused and split;
    raises _Unreachable when it has to be retried later."""
    kind = record.get("type")
    if kind == "artifact":
        record = dict(record, path=_spooled_copy(record.get("path"), spool_dir))
        if _confined_run is not None and not _confined_source_ok(record["path"], spool_dir):
            _warn(f"dropped artifact {record.get('path')!r} of run {run_id}: a confined spool's artifact must be a file under its own artifacts folder")
            return None
    try:
        if kind == "batch":
            body = {"run_id": run_id, "metrics": record.get("metrics") or [], "params": record.get("params") or [], "tags": record.get("tags") or []}
            client.call("POST", "runs/log-batch", body, headers={"X-Lathe-Batch-Id": record["id"]})
        elif kind == "update-run":
            client.call("POST", "runs/update", {"run_id": run_id, "status": record["status"], "end_time": record["end_time"]})
        elif kind == "artifact":
            source = record.get("path") or ""
            if os.path.exists(source):  # else placed already by a replay whose ack was lost
                info = client.call("GET", "runs/get", query={"run_id": run_id})["run"]["info"]
                root = _local_artifact_dir(info.get("artifact_uri"))
                if root is None:
                    _warn(f"run {run_id} keeps artifacts at {info.get('artifact_uri')!r}, not on this disk; {source} was not placed")
                else:
                    _copy_into(source, root, record.get("artifact_path"))
                _drop_spooled_copy(source, spool_dir)
        else:
            _warn(f"skipped a spool record of unknown type {kind!r}")
    except _Rejected as refusal:
        parts = _split(record) if kind == "batch" else []
        if parts:
            return parts
        if kind == "artifact":
            _drop_spooled_copy(record.get("path"), spool_dir)
        _warn(f"Lathe refused {_describe(record)} of run {run_id}: {refusal}. Dropped, not retried.")
    except OSError as error:  # an artifact that cannot be copied: no use retrying
        _warn(f"could not place artifact {record.get('path')} of run {run_id}: {error}")
    return None


def _replay_file(spool, client, mapping, on_created=None):
    """Sends the records of a spool file that have no ack yet, in order, appending acks.

    Answers (complete, sent): complete when every record is acknowledged (the file can go), not
    when Lathe stopped answering. `mapping` maps local run ids to real ones (None: never created)."""
    records = spool.records()
    done = set()
    for record in records:
        if record["type"] == "ack":
            done.add(record.get("id"))
        elif record["type"] == "run-created":
            mapping[record.get("local_id")] = record.get("run_id")
            done.add(record.get("local_id"))
    index = 0
    sent = 0
    try:
        while index < len(records):
            record = records[index]
            index += 1
            kind = record["type"]
            if kind in ("ack", "run-created") or record.get("id") in done:
                continue
            if kind == "create-run" and _confined_run is not None:
                _warn(f"dropped the creation of run {record.get('run_name') or record['id']}: a confined spool only logs to run {_confined_run}")
                mapping[record["id"]] = None
                spool.append([{"type": "run-created", "local_id": record["id"], "run_id": None}])
                done.add(record["id"])
                continue
            if kind == "create-run":
                local = record["id"]
                try:
                    info = _create_run(client, record)
                except _Rejected as refusal:
                    _warn(f"Lathe refused to create run {record.get('run_name') or local}: {refusal}. Its data is dropped.")
                    info = None
                mapping[local] = info and info.get("run_id")
                spool.append([{"type": "run-created", "local_id": local, "run_id": mapping[local]}])
                done.add(local)
                sent += 1
                if on_created is not None and info:
                    on_created(local, info)
                continue
            run_id = record.get("run_id") or ""
            if run_id.startswith(LOCAL_PREFIX):
                run_id = mapping.get(run_id)
            if not run_id:
                _warn(f"dropped {_describe(record)}: its run {record.get('run_id')} was never created")
            elif _confined_run is not None and run_id != _confined_run:
                _warn(f"dropped {_describe(record)} of run {run_id}: a confined spool only logs to run {_confined_run}")
            else:
                parts = _send_record(client, record, run_id, os.path.dirname(spool.path))
                if parts:
                    spool.append(parts)
                    records.extend(parts)
            spool.append([{"type": "ack", "id": record.get("id")}], sync=False)
            done.add(record.get("id"))
            sent += 1
        return True, sent
    except _Unreachable:
        return False, sent


# ---------------------------------------------------------------------------------------------
# Replaying other processes' spool files

_own_spools = set()  # paths of spool files this process writes (never replayed as foreign)
_foreign_lock = threading.Lock()
_foreign_busy = False


def _replay_dir(directory, client):
    """Replays the spool files nobody holds. Answers (records sent, files left)."""
    sent = 0
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return 0, []
    reachable = True
    for name in names:
        path = os.path.join(directory, name)
        if name.startswith(".") and name.endswith(".tmp"):
            try:  # a creator that died before naming its file (it names it right after opening it)
                stale = time.time() - os.stat(path).st_mtime > 600 and _SpoolFile.open_existing(path)
            except OSError:
                stale = None
            if stale:
                stale.remove()
            continue
        if not name.endswith(".jsonl") or path in _own_spools or not reachable:
            continue
        spool = _SpoolFile.open_existing(path)
        if spool is None:
            continue
        try:
            complete, played = _replay_file(spool, client, {})
            sent += played
            if complete:
                spool.remove()
            else:
                reachable = False
                spool.close()
        except Exception as error:
            _warn(f"could not replay {path}: {error!r}")
            spool.close()
    artifacts = os.path.join(directory, "artifacts")
    try:
        if os.path.isdir(artifacts) and not os.listdir(artifacts):
            os.rmdir(artifacts)
    except OSError:
        pass
    left = [os.path.join(directory, n) for n in sorted(os.listdir(directory)) if n.endswith(".jsonl")] if os.path.isdir(directory) else []
    return sent, left


def _kick_foreign_replay(directory):
    """Replays other processes' leftovers in a background thread (one at a time)."""
    global _foreign_busy
    with _foreign_lock:
        if _foreign_busy:
            return
        if not os.path.isdir(directory) or not any(n.endswith(".jsonl") for n in os.listdir(directory)):
            return
        _foreign_busy = True

    def work():
        global _foreign_busy
        try:
            _replay_dir(directory, _Http())
        except Exception as error:
            _warn(f"replaying the spool failed: {error!r}")
        finally:
            with _foreign_lock:
                _foreign_busy = False

    threading.Thread(target=work, name="lathe-tracking-replay", daemon=True).start()


def replay(directory=None):
    """Sends what the spool holds (except files of live processes). Answers the files left."""
    return _replay_dir(directory or spool_dir(), _Http())[1]


# ---------------------------------------------------------------------------------------------
# The sender


def _metric_value(value):
    number = float(value)
    if math.isfinite(number):
        return number
    if math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


class _Sender:
    """A run's daemon thread: drains the deque into batches and gets them acknowledged or spooled."""

    def __init__(self, run):
        self.run = run
        self.items = collections.deque()
        self.wake = threading.Event()
        self.lock = threading.Lock()  # pending, spool, abandoned
        self.pending = collections.deque()  # packed records, neither acknowledged nor spooled
        self.spool = None
        self.spool_dirty = False  # the spool holds records without an ack
        self.abandoned = False
        self.offline = False
        self.backoff = 0.0
        self.retry_at = 0.0
        self.last_foreign = time.monotonic()
        self.client = _Http()
        self.thread = threading.Thread(target=self._loop, name=f"lathe-tracking-{run.info.run_id[:12]}", daemon=True)
        self.thread.start()

    # -- calling threads

    def put(self, item):
        self.items.append(item)
        if len(self.items) >= _WAKE_AT:
            self.wake.set()

    def flush(self, timeout=None):
        """True once everything put before the call is acknowledged by Lathe or in the spool."""
        if not self.thread.is_alive():  # done: the run ended and all of it was acknowledged
            return not self.items
        marker = threading.Event()
        item = ("f", marker)
        self.items.append(item)
        self.wake.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        while not marker.wait(0.05):
            if not self.thread.is_alive():  # it finished just as the marker went in
                try:
                    self.items.remove(item)
                except ValueError:
                    pass
                return marker.is_set() or not self.items
            if deadline is not None and time.monotonic() >= deadline:
                return False
        return True

    def spool_now(self, records):
        """Writes records straight to the spool (the create-run of a run Lathe could not create)."""
        with self.lock:
            self._spool_file().append(records)
            self.spool_dirty = True

    def abandon(self):
        """At exit: whatever is not acknowledged yet goes to the spool; the thread stops counting."""
        with self.lock:
            if self.abandoned:
                return
            self.abandoned = True
            self._pack([])
            records = [self._resolved(r) for r in self.pending]
            if records:
                self._spool_file().append(records)
                self.spool_dirty = True
            self.pending.clear()
            if self.spool is not None and not self.spool_dirty:
                self.spool.remove()
                self.spool = None

    # -- the sender thread

    def _loop(self):
        while True:
            self.wake.wait(_TICK)
            self.wake.clear()
            markers = []
            try:
                if not self._cycle(markers):
                    return
            except Exception as error:  # never die silently: report, and keep going next tick
                _warn(f"sender error: {error!r}")
            finally:
                for marker in markers:
                    marker.set()

    def _cycle(self, markers):
        with self.lock:
            if self.abandoned:
                return False
            self._pack(markers)
        forced = bool(markers)
        if self.offline and not forced and time.monotonic() < self.retry_at:
            self._spool_pending()
        else:
            was_offline = self.offline
            self._send()
            if forced and self.offline and not was_offline:
                # A passing failure (one 5xx, a reset connection): once more before a flush settles for the spool.
                time.sleep(0.5)
                self._send()
        if not self.offline and time.monotonic() - self.last_foreign > _FOREIGN_EVERY:
            self.last_foreign = time.monotonic()
            _kick_foreign_replay(spool_dir())
        with self.lock:
            finished = self.run._ended and not self.items and not self.pending and self.spool is None
        return not finished

    def _pack(self, markers):
        """Drains the deque into self.pending (called with self.lock held)."""
        run_id = self.run._wire_id
        metrics, params, tags = [], {}, []

        def close_metrics():
            if metrics:
                self.pending.append({"type": "batch", "id": uuid.uuid4().hex, "run_id": run_id, "metrics": metrics[:]})
                metrics.clear()

        def close_meta():
            if params or tags:
                record = {"type": "batch", "id": uuid.uuid4().hex, "run_id": run_id}
                if params:
                    record["params"] = [{"key": k, "value": v} for k, v in params.items()]
                if tags:
                    record["tags"] = [{"key": k, "value": v} for k, v in tags]
                self.pending.append(record)
                params.clear()
                tags.clear()

        items = self.items
        while True:
            try:
                item = items.popleft()
            except IndexError:
                break
            kind = item[0]
            if kind == "m":
                metrics.append({"key": item[1], "value": item[2], "timestamp": item[3], "step": item[4]})
                if len(metrics) >= MAX_METRICS:
                    close_metrics()
            elif kind == "p":
                if item[1] in params and params[item[1]] != item[2]:
                    close_meta()  # the same key twice with two values: Lathe refuses the second alone
                params[item[1]] = item[2]
                if len(params) >= MAX_PARAMS:
                    close_meta()
            elif kind == "t":
                tags.append((item[1], item[2]))
                if len(tags) >= MAX_TAGS:
                    close_meta()
            elif kind == "r":  # a ready record: update-run, artifact
                close_metrics()
                close_meta()
                self.pending.append(item[1])
            elif kind == "f":
                markers.append(item[1])
        close_metrics()
        close_meta()

    def _resolved(self, record):
        run_id = record.get("run_id") or ""
        if run_id.startswith(LOCAL_PREFIX) and self.run._mapping.get(run_id):
            return dict(record, run_id=self.run._mapping[run_id])
        return record

    def _spool_file(self):
        if self.spool is None:
            self.spool = _SpoolFile.create(spool_dir() if self.run._spool_dir is None else self.run._spool_dir, self.run.info.run_id)
            _own_spools.add(self.spool.path)
        return self.spool

    def _spool_pending(self):
        with self.lock:
            if self.abandoned or not self.pending:
                return
            records = [self._resolved(r) for r in self.pending]
            self._spool_file().append(records)
            self.pending.clear()
            self.spool_dirty = True

    def _went_offline(self, error):
        if not self.offline:
            _warn(f"Lathe is unreachable ({error}); spooling to {self.run._spool_dir or spool_dir()} and retrying.")
        self.offline = True
        self.backoff = min(30.0, max(0.5, self.backoff * 2))
        self.retry_at = time.monotonic() + self.backoff
        self._spool_pending()

    def _back_online(self):
        if self.offline:
            _warn("Lathe answers again; sending the spooled batches.")
        self.offline = False
        self.backoff = 0.0

    def _send(self):
        # The spool first: it holds the older records (and the create-run of a local run).
        if self.spool is not None and self.spool_dirty:
            try:
                complete = _replay_file(self.spool, self.client, self.run._mapping, self.run._created)[0]
            except OSError as error:
                _warn(f"could not read the spool {self.spool.path}: {error}")
                complete = False
            if not complete:
                self._went_offline("no answer while replaying the spool")
                return
            with self.lock:
                if self.abandoned:
                    return
                _own_spools.discard(self.spool.path)
                self.spool.remove()
                self.spool = None
                self.spool_dirty = False
            self._back_online()
        while True:
            with self.lock:
                if self.abandoned or not self.pending:
                    return
                record = self.pending[0]
            run_id = record.get("run_id") or ""
            if run_id.startswith(LOCAL_PREFIX):
                run_id = self.run._mapping.get(run_id)
            try:
                parts = _send_record(self.client, record, run_id) if run_id else None
            except _Unreachable as error:
                self._went_offline(error)
                return
            if not run_id:
                _warn(f"dropped {_describe(record)}: its run was never created")
            with self.lock:
                if self.abandoned:
                    return
                self.pending.popleft()
                if parts:
                    self.pending.extendleft(reversed(parts))
            self._back_online()


# ---------------------------------------------------------------------------------------------
# Runs


class RunInfo:
    """What MLflow's ``run.info`` carries; run_id is ``local-…`` until Lathe has created the run."""

    def __init__(self, run_id, experiment_id=None, run_name=None, artifact_uri=None, start_time=None):
        self.run_id = run_id
        self.experiment_id = experiment_id
        self.run_name = run_name
        self.artifact_uri = artifact_uri
        self.start_time = start_time
        self.end_time = None
        self.status = "RUNNING"

    def __repr__(self):
        return f"RunInfo(run_id={self.run_id!r}, experiment_id={self.experiment_id!r}, run_name={self.run_name!r}, status={self.status!r})"


class Run:
    """A run being logged to. A context manager: on exit it ends FINISHED, or FAILED when an exception escaped."""

    def __init__(self, info, attached=False, spool_directory=None):
        self.info = info
        self._wire_id = info.run_id  # the id batches name: local-… for a run Lathe has not created yet
        self._mapping = {}
        self._attached = attached
        self._ended = False
        self._spool_dir = spool_directory
        self._sender = _Sender(self)
        with _state_lock:
            _senders.append(self._sender)

    @property
    def run_id(self):
        """The run's id (also at run.info.run_id, as in MLflow)."""
        return self.info.run_id

    def __repr__(self):
        return f"<lathe.tracking.Run {self.info.run_id} {self.info.status}>"

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None or (kind is SystemExit and error.code in (None, 0)):
            status = "FINISHED"
        elif issubclass(kind, KeyboardInterrupt):
            status = "KILLED"
        else:
            status = "FAILED"
        if active_run() is self:
            end_run(status)
        else:
            self.end(status)
        return False

    def _created(self, local_id, info):
        """The sender created this run in Lathe (it started while Lathe was down)."""
        if local_id != self._wire_id:
            return
        self._mapping[local_id] = info.get("run_id")
        self._wire_id = info.get("run_id")
        self.info.run_id = info.get("run_id")
        self.info.experiment_id = info.get("experiment_id")
        self.info.artifact_uri = info.get("artifact_uri")

    def _check_open(self):
        if self._ended:
            raise LatheTrackingError(f"run {self.info.run_id} has ended")

    def log_param(self, key, value):
        self._check_open()
        self._sender.put(("p", str(key), str(value)))

    def log_params(self, params):
        for key, value in dict(params).items():
            self.log_param(key, value)

    def log_metric(self, key, value, step=None, timestamp=None):
        """Queues one point; never blocks. NaN and ±inf are sent as MLflow spells them."""
        if self._ended:
            raise LatheTrackingError(f"run {self.info.run_id} has ended")
        self._sender.put(("m", str(key), _metric_value(value), int(timestamp if timestamp is not None else time.time() * 1000), int(step or 0)))

    def log_metrics(self, metrics, step=None):
        now = int(time.time() * 1000)
        for key, value in dict(metrics).items():
            self.log_metric(key, value, step, now)

    def set_tag(self, key, value):
        self._check_open()
        self._sender.put(("t", str(key), str(value)))

    def set_tags(self, tags):
        for key, value in dict(tags).items():
            self.set_tag(key, value)

    def log_artifact(self, local_path, artifact_path=None):
        """Copies a file (or folder) into the run's artifact folder; answers where it went."""
        self._check_open()
        if not os.path.exists(local_path):
            raise FileNotFoundError(local_path)
        root = _local_artifact_dir(self.info.artifact_uri)
        if root is not None:
            return _copy_into(local_path, root, artifact_path)
        if self.info.artifact_uri:
            _warn(f"run {self.info.run_id} keeps artifacts at {self.info.artifact_uri!r}, not on this disk; {local_path} was not logged")
            return None
        # Lathe was down when the run started: keep a copy in the spool, placed once the run exists.
        holder = os.path.join(self._spool_dir or spool_dir(), "artifacts", uuid.uuid4().hex)
        copy = _copy_into(local_path, holder)
        self._sender.put(("r", {"type": "artifact", "id": uuid.uuid4().hex, "run_id": self._wire_id, "path": copy, "artifact_path": artifact_path}))
        return copy

    def flush(self, timeout=None):
        return self._sender.flush(timeout)

    def end(self, status="FINISHED", timeout=None):
        """Ends the run (not a job's run, whose status is the runner's) and waits for its data:
        True when all of it is acknowledged by Lathe or in the spool within the timeout."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        if self._ended:
            return True
        now = int(time.time() * 1000)
        if not self._attached:
            self._sender.put(("r", {"type": "update-run", "id": uuid.uuid4().hex, "run_id": self._wire_id, "status": status, "end_time": now}))
        self.info.status = status
        self.info.end_time = now
        self._ended = True
        return self._sender.flush(_flush_timeout() if timeout is None else timeout)


_state_lock = threading.RLock()
_active = None
_senders = []
_hooks_installed = False
_uncaught = None  # the type of an exception that reached sys.excepthook


def _install_hooks():
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True
    previous = sys.excepthook

    def hook(kind, error, traceback):
        global _uncaught
        _uncaught = kind
        previous(kind, error, traceback)

    sys.excepthook = hook
    atexit.register(_at_exit)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork)


def _after_fork():
    """A forked child (a DataLoader worker…) starts with no run: the parent's sender is not its own."""
    global _active, _senders
    _active = None
    _senders = []
    _own_spools.clear()


def _at_exit():
    deadline = time.monotonic() + _flush_timeout()
    left = lambda: max(0.0, deadline - time.monotonic())  # noqa: E731
    try:
        run = _active
        if run is not None:
            status = "FINISHED" if _uncaught is None else "KILLED" if issubclass(_uncaught, KeyboardInterrupt) else "FAILED"
            end_run(status, timeout=left())
        for sender in list(_senders):
            sender.flush(left())
    finally:
        for sender in list(_senders):
            try:
                sender.abandon()
            except Exception as error:
                _warn(f"could not spool what was left: {error!r}")


def start_run(run_name=None, experiment_name=None, tags=None):
    """Starts a run (and makes it the active one); use it as a context manager.

    In a Lathe training job (LATHE_RUN_ID set) it attaches to the job's run. When Lathe cannot be
    reached the run is created later from the spool; its info.run_id is ``local-…`` until then."""
    global _active
    with _state_lock:
        if _active is not None:
            raise LatheTrackingError(f"run {_active.info.run_id} is already active: end it first (end_run())")
        _install_hooks()
        _senders[:] = [s for s in _senders if s.thread.is_alive()]
        directory = spool_dir()
        client = _Http(timeout=min(5.0, _http_timeout()))
        start = int(time.time() * 1000)
        tag_list = [{"key": str(k), "value": str(v)} for k, v in dict(tags or {}).items()]
        attached = os.environ.get("LATHE_RUN_ID")
        if attached:
            info = RunInfo(attached, os.environ.get("LATHE_EXPERIMENT_ID"), run_name, None, start)
            try:
                known = client.call("GET", "runs/get", query={"run_id": attached})["run"]["info"]
                info.artifact_uri = known.get("artifact_uri")
                info.run_name = known.get("run_name")
            except (_Unreachable, _Rejected):
                pass
            run = Run(info, attached=True, spool_directory=directory)
            run.set_tags({t["key"]: t["value"] for t in tag_list})
        else:
            experiment = experiment_name or os.environ.get("LATHE_EXPERIMENT") or "Default"
            defaults = {"mlflow.source.name": os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python", "mlflow.source.type": "LOCAL"}
            try:
                defaults["mlflow.user"] = getpass.getuser()
            except Exception:
                pass
            given = {t["key"] for t in tag_list}
            tag_list += [{"key": k, "value": v} for k, v in defaults.items() if k not in given]
            record = {"type": "create-run", "id": LOCAL_PREFIX + uuid.uuid4().hex, "experiment_name": experiment, "run_name": run_name, "start_time": start, "tags": tag_list}
            try:
                created = _create_run(client, record)
                info = RunInfo(created["run_id"], created.get("experiment_id"), created.get("run_name") or run_name, created.get("artifact_uri"), start)
                run = Run(info, spool_directory=directory)
            except _Unreachable as error:
                info = RunInfo(record["id"], None, run_name, None, start)
                run = Run(info, spool_directory=directory)
                run._sender.spool_now([record])
                run._sender.offline = True
                run._sender.backoff = 0.5
                run._sender.retry_at = time.monotonic() + 0.5
                _warn(f"Lathe is unreachable ({error}); run {record['id']} is spooled to {directory} and will be created when Lathe answers.")
            except _Rejected as refusal:
                raise LatheTrackingError(f"Lathe refused to start a run in experiment {experiment!r}: {refusal}") from None
        client.close()
        _active = run
    _kick_foreign_replay(directory)
    return run


def active_run():
    """The active run, or None."""
    return _active


def _run():
    """The active run; one is started (as MLflow does) when a script logs without start_run()."""
    run = _active
    return run if run is not None else start_run()


def end_run(status="FINISHED", timeout=None):
    """Ends the active run (see Run.end); does nothing when there is none."""
    global _active
    with _state_lock:
        run = _active
        _active = None
    return True if run is None else run.end(status, timeout)


def log_param(key, value):
    _run().log_param(key, value)


def log_params(params):
    _run().log_params(params)


def log_metric(key, value, step=None):
    """Queues one point of the active run; returns at once (sent in batches by a background thread)."""
    _run().log_metric(key, value, step)


def log_metrics(metrics, step=None):
    _run().log_metrics(metrics, step)


def set_tag(key, value):
    _run().set_tag(key, value)


def set_tags(tags):
    _run().set_tags(tags)


def log_artifact(local_path, artifact_path=None):
    return _run().log_artifact(local_path, artifact_path)


def flush(timeout=None):
    """Waits until everything logged so far is acknowledged by Lathe or safely in the spool (True),
    or the timeout passed (False). Lathe being down makes it return quickly: the spool counts."""
    deadline = None if timeout is None else time.monotonic() + timeout
    complete = True
    for sender in list(_senders):
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        complete = sender.flush(remaining) and complete
    return complete


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m lathe.tracking", description="Lathe tracking SDK tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    replay_cmd = commands.add_parser("replay", help="send what the spool holds to Lathe (exit 0 when the spool is empty afterwards)")
    replay_cmd.add_argument("--spool-dir", default=None, help="default: LATHE_SPOOL_DIR, else ~/.cache/lathe/spool")
    replay_cmd.add_argument(
        "--only-run",
        default=None,
        help="a spool written by untrusted code (a container): send only this run's records, create no run, take artifacts only from the spool",
    )
    args = parser.parse_args(argv)
    global _confined_run
    _confined_run = args.only_run
    directory = args.spool_dir or spool_dir()
    sent, left = _replay_dir(directory, _Http())
    print(f"lathe.tracking replay: {sent} spool records played from {directory}; {len(left)} file(s) left")
    for path in left:
        print(f"  left: {path}")
    return 0 if not left else 1


if __name__ == "__main__":
    sys.exit(main())
