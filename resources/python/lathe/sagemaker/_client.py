"""Talking to Lathe for the facade: one JSON call per channel, its object store, names and notes.

Lathe is found as the tracking SDK finds it (``lathe.tracking._http._endpoint``): ``LATHE_SERVER_FILE``,
else ``LATHE_URL`` and ``LATHE_TOKEN``, else the ``server.json`` of a running ``lathe serve``. Every
call is ``POST <url>/api/call/<channel>`` with a JSON body and ``Authorization: Bearer <token>``;
Lathe answers ``{"ok": true, "value": ...}`` or ``{"ok": false, "error": {code, message, details}}``.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import socket
import sys
import urllib.parse

from ..tracking._http import _endpoint

DEFAULT_TIMEOUT = 60.0
NAME_MAX = 63


class LatheError(Exception):
    """Lathe refused a call: ``code`` is Lathe's error code (not-found, conflict, invalid-argument…)."""

    def __init__(self, channel, code, message, details=None):
        super().__init__(f"{channel}: {message}" if channel else message)
        self.channel = channel
        self.code = code
        self.message = message
        self.details = details


class LatheUnreachable(LatheError):
    """No answer from Lathe: it is not running, or LATHE_URL / LATHE_TOKEN are wrong."""

    def __init__(self, message):
        super().__init__(None, "unavailable", message)


def _timeout():
    try:
        return float(os.environ.get("LATHE_HTTP_TIMEOUT", "") or DEFAULT_TIMEOUT)
    except ValueError:
        return DEFAULT_TIMEOUT


def call(channel, payload=None, timeout=None):
    """The value of one Lathe call; raises LatheError (refused) or LatheUnreachable."""
    url, token = _endpoint()
    if not url:
        raise LatheUnreachable(
            "lathe.sagemaker: no Lathe to talk to: LATHE_URL is not set (Lathe sets LATHE_URL and "
            "LATHE_TOKEN in its notebooks and jobs; from a script, set them, or run `lathe serve`)"
        )
    parts = urllib.parse.urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    body = json.dumps(payload or {}, separators=(",", ":"), allow_nan=False).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "X-Lathe-Actor": os.environ.get("LATHE_ACTOR", "lathe.sagemaker")[:64]}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    path = f"{parts.path.rstrip('/')}/api/call/{urllib.parse.quote(channel, safe='.')}"
    connection = kind(parts.hostname or "127.0.0.1", parts.port, timeout=timeout or _timeout())
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        what = "timed out" if isinstance(error, socket.timeout) else f"{type(error).__name__}: {error}"
        raise LatheUnreachable(
            f"lathe.sagemaker: cannot reach Lathe at {url} (LATHE_URL): {what}. Is Lathe running, "
            "and are LATHE_URL and LATHE_TOKEN those of this Lathe?"
        ) from None
    finally:
        connection.close()
    try:
        answer = json.loads(raw.decode("utf-8"))
    except ValueError:
        answer = None
    if status == 401:
        raise LatheUnreachable(f"lathe.sagemaker: Lathe at {url} (LATHE_URL) refused the token in LATHE_TOKEN")
    if not isinstance(answer, dict) or "ok" not in answer:
        raise LatheUnreachable(f"lathe.sagemaker: {url} (LATHE_URL) answered HTTP {status} without a Lathe result; is it Lathe?")
    if answer["ok"]:
        return answer.get("value")
    error = answer.get("error") or {}
    raise LatheError(channel, error.get("code", "internal"), error.get("message", "refused"), error.get("details"))


def try_call(channel, payload, missing=("not-found",)):
    """The value, or None when Lathe answers one of the `missing` codes."""
    try:
        return call(channel, payload)
    except LatheError as error:
        if isinstance(error, LatheUnreachable) or error.code not in missing:
            raise
        return None


# ---------------------------------------------------------------------------------------------
# The object store: s3://bucket/key is <LATHE_HOME>/s3/bucket/key on this machine.


def object_store():
    """The folder s3:// URIs resolve into, from app.info (Lathe runs on this machine)."""
    info = call("app.info", {})
    root = info.get("objectStore") or os.path.join(info["home"], "s3")
    return root


def split_s3(uri):
    """(bucket, key) of an s3:// URI."""
    if not uri.startswith("s3://"):
        raise ValueError(f"{uri!r} is not an s3:// URI")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


def local_path(uri, root=None):
    """Where an s3:// or file:// URI lives on this disk."""
    if uri.startswith("file://"):
        return urllib.parse.unquote(urllib.parse.urlsplit(uri).path)
    bucket, key = split_s3(uri)
    if ".." in key.replace("\\", "/").split("/"):
        raise ValueError(f"{uri!r} contains a '..' segment")
    return os.path.join(root or object_store(), bucket, *[part for part in key.split("/") if part])


def to_uri(path, root=None):
    """The s3:// URI of a local path inside the object store, else its file:// URI."""
    if path.startswith(("s3://", "file://")):
        return path
    absolute = os.path.abspath(path)
    store = os.path.abspath(root or object_store())
    relative = os.path.relpath(absolute, store)
    if relative != "." and not relative.startswith(".."):
        return "s3://" + relative.replace(os.sep, "/")
    return "file://" + urllib.parse.quote(absolute)


def data_uri(value):
    """A channel's or an output's location as Lathe takes it: s3:// and file:// as given, a local path as file://."""
    if value.startswith(("s3://", "file://")):
        return value
    if "://" in value:
        raise ValueError(f"{value!r}: Lathe reads s3:// URIs (its local object store), file:// URIs and local paths")
    return "file://" + urllib.parse.quote(os.path.abspath(value))


# ---------------------------------------------------------------------------------------------
# Names and notes


def name_from_base(base, now=None):
    """``<base>-YYYY-MM-DD-HH-MM-SS-mmm`` in at most 63 characters, as the SDK names jobs and models."""
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).strftime("%Y-%m-%d-%H-%M-%S-%f")[:-3]
    base = "".join(c if c.isalnum() or c == "-" else "-" for c in base).strip("-") or "lathe"
    return f"{base[:NAME_MAX - len(stamp) - 1].rstrip('-')}-{stamp}"


def note(message):
    """One line for the person running the notebook."""
    print(f"lathe.sagemaker: {message}", flush=True)


def ignored(arg, why):
    note(f"{arg} is ignored locally ({why})")


def warn_ignored(values, reasons):
    """A note for each cloud-only argument given a value (None and False count as not given)."""
    for arg, value in values.items():
        if value is None or value is False or value == [] or value == {}:
            continue
        note(f"{arg} is ignored locally ({reasons.get(arg, 'Lathe does not use it')})")


def stdout_write(text):
    sys.stdout.write(text)
    sys.stdout.flush()
