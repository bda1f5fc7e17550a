"""Command line of the model server worker.

    python3 -m lathe.serve --model PATH [--host 127.0.0.1] [--port N]

--model is a model.tar.gz (unpacked safely into a temporary folder, removed on exit) or the folder it
was unpacked to. The port is --port, else env SAGEMAKER_BIND_TO_PORT, else 8080; 0 picks a free one.
The host must be a loopback address unless env LATHE_SERVE_ALLOW_ANY_HOST=1. Env LATHE_WORKER_TOKEN,
when set, is required in the X-Lathe-Worker-Token header of every request.

The model is loaded before the port is opened; then stdout gets exactly one line,
`{"event": "ready", "port": <port>, "pid": <pid>, "model": "<kind>"}`, and nothing else (anything
the model's code prints goes to stderr). A model that cannot be served prints `ClientError: …` to
stderr and exits 2. SIGTERM (or SIGINT) stops accepting, lets requests in flight finish, exits 0.
"""
import argparse
import ipaddress
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time

from . import ClientError

DEFAULT_PORT = 8080
MAX_EXTRACTED_BYTES = 4 * 1024 ** 3
DEFAULT_MAX_BODY_MB = 100
DRAIN_SECONDS = 25  # SageMaker sends SIGKILL 30 s after SIGTERM


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ClientError("%s (usage: python3 -m lathe.serve --model PATH [--host 127.0.0.1] [--port N])" % message)


def parse_arguments(argv):
    parser = _Parser(prog="python3 -m lathe.serve", allow_abbrev=False,
                     description="Serve one model over HTTP (GET /ping, POST /invocations): one worker process.")
    parser.add_argument("--model", required=True, help="model.tar.gz, or the folder it unpacks to")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    parser.add_argument("--port", help="port; 0 picks a free one (default: SAGEMAKER_BIND_TO_PORT, else 8080)")
    args = parser.parse_args(argv)
    args.port = _port(args.port, "--port") if args.port is not None else _port(
        os.environ.get("SAGEMAKER_BIND_TO_PORT", str(DEFAULT_PORT)), "SAGEMAKER_BIND_TO_PORT")
    args.family = _check_host(args.host)
    return args


def _port(text, source):
    try:
        port = int(text)
    except ValueError:
        raise ClientError("%s %r is not a port number" % (source, text))
    if not 0 <= port <= 65535:
        raise ClientError("%s %d is not a port number (0-65535)" % (source, port))
    return port


def _check_host(host):
    """The address family for `host`; refuses a non-loopback address unless LATHE_SERVE_ALLOW_ANY_HOST=1."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    allowed = os.environ.get("LATHE_SERVE_ALLOW_ANY_HOST") == "1"
    if not allowed and host != "localhost" and not (address and address.is_loopback):
        raise ClientError("--host %s is not a loopback address; the worker listens on 127.0.0.1 (or ::1) only, "
                          "unless env LATHE_SERVE_ALLOW_ANY_HOST=1" % host)
    return socket.AF_INET6 if address is not None and address.version == 6 else socket.AF_INET


def _max_body():
    text = os.environ.get("SAGEMAKER_MAX_PAYLOAD_IN_MB")
    if not text:
        return DEFAULT_MAX_BODY_MB * 1024 * 1024
    try:
        megabytes = float(text)
    except ValueError:
        raise ClientError("SAGEMAKER_MAX_PAYLOAD_IN_MB %r is not a number" % text)
    if megabytes <= 0:
        raise ClientError("SAGEMAKER_MAX_PAYLOAD_IN_MB must be above 0")
    return int(megabytes * 1024 * 1024)


def _model_dir(path, scratch):
    from ..modelarchive import ModelArchiveError, extract_model_archive

    if os.path.isdir(path):
        return os.path.abspath(path)
    if not os.path.isfile(path):
        raise ClientError("--model %s does not exist" % path)
    try:
        return extract_model_archive(path, scratch, MAX_EXTRACTED_BYTES)
    except ModelArchiveError as error:
        raise ClientError(str(error))


def _ready_stream():
    """A private copy of stdout for the ready line; fd 1 (and sys.stdout) then point at stderr, so
    prints from the model's code and libraries cannot break the one-line contract."""
    sys.stdout.flush()
    ready = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return ready


def serve(args, scratch, ready):
    from .pipeline import Worker
    from .server import WorkerServer

    max_body = _max_body()
    token = os.environ.pop("LATHE_WORKER_TOKEN", "") or None  # the model's code need not see it
    worker = Worker.load(_model_dir(args.model, scratch))
    try:
        server = WorkerServer((args.host, args.port), args.family, worker, token, max_body)
    except OSError as error:
        raise ClientError("cannot listen on %s:%d: %s" % (args.host, args.port, error.strerror or error))
    stopping = []  # set by the signal handler; not an Event, whose lock the handler could find held by main
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="accept", daemon=True)
    thread.start()
    ready.write(json.dumps({"event": "ready", "port": server.server_address[1], "pid": os.getpid(), "model": worker.kind}) + "\n")
    ready.flush()
    # A worker whose parent (Lathe) is gone stops too, rather than serve on with nobody to route to it.
    parent = os.getppid() if os.environ.get("LATHE_WORKER_WATCH_PARENT", "1") == "1" else None
    while not stopping:
        time.sleep(0.1)
        if parent is not None and os.getppid() != parent:
            sys.stderr.write("Lathe (pid %d) is gone; stopping\n" % parent)
            break
    server.draining = True
    server.shutdown()
    server.server_close()
    if not server.wait_idle(DRAIN_SECONDS):
        sys.stderr.write("stopping with requests still in flight after %d s\n" % DRAIN_SECONDS)
    return 0


def _stop_while_loading(signum, frame):
    raise SystemExit(0)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _stop_while_loading)
    ready = _ready_stream()
    try:
        args = parse_arguments(argv)
        with tempfile.TemporaryDirectory(prefix="lathe-serve-") as scratch:
            return serve(args, scratch, ready)
    except ClientError as error:
        sys.stderr.write("ClientError: %s\n" % " ".join(str(error).split()))
        return 2
