"""Replaying spool files: sending their records that have no ack yet, in order, and the files of
other processes that are gone (in the background, or in the foreground with ``replay``)."""

from __future__ import annotations

import os
import threading
import time

from ._artifacts import _confined_source_ok, _copy_into, _drop_spooled_copy, _local_artifact_dir, _spooled_copy
from ._config import LOCAL_PREFIX, _Rejected, _Unreachable, _warn, spool_dir
from ._http import _create_run, _Http
from ._spool import _SpoolFile

# A spool written by code Lathe does not trust (a job in a container): replayed with
# ``replay --only-run RUN_ID``, only that run's records are sent, no run is created, and an
# artifact is only taken from a real file or folder (no symlinks) under <spool>/artifacts/<id>/.
_confined_run = None


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
