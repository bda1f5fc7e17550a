"""Lathe's jupyter_server config: TCP_NODELAY on kernel WebSockets, whatever the version."""
import importlib.util
import os

import json
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request

CONFIG = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lathe", "jupyter", "jupyter_server_config.py")


def load_config():
    spec = importlib.util.spec_from_file_location("lathe_jupyter_config_under_test", CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeHandler:
    def __init__(self):
        self.calls = []

    def set_nodelay(self, value):
        self.calls.append(("nodelay", value))

    def open(self, kernel_id):
        self.calls.append(("open", kernel_id))
        return "opened"


def test_the_wrapper_sets_nodelay_before_the_handler_opens():
    config = load_config()
    handler = FakeHandler()
    opened = config._with_nodelay(FakeHandler.open)(handler, "k1")
    assert opened == "opened"
    assert handler.calls == [("nodelay", True), ("open", "k1")]


def test_the_installed_jupyter_server_kernel_handler_is_wrapped_once():
    importlib.import_module("jupyter_server")  # installed by scripts/setup.sh: fail loudly if not
    config = load_config()
    wrapped = config.install_nodelay()  # the load above already wrapped it: nothing more to do
    assert wrapped == []
    found = False
    for module_name, class_name in config.HANDLERS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        handler = getattr(module, class_name, None)
        if handler is None:
            continue
        found = True
        assert getattr(handler.open, "_lathe_nodelay", False), f"{module_name}.{class_name}.open is not wrapped"
        assert not getattr(handler.open.__wrapped__, "_lathe_nodelay", False)
    assert found, "no kernel WebSocket handler in this jupyter_server"


def test_the_token_is_the_servers_and_not_its_kernels():
    from traitlets.config import Config

    module = load_config()
    config = Config()
    environ = {"JUPYTER_TOKEN": "secret", "LATHE_URL": "http://127.0.0.1:1"}
    assert module.keep_token_from_kernels(config, environ) is True
    assert config.ServerApp.token == "secret"
    assert environ == {"LATHE_URL": "http://127.0.0.1:1"}
    assert module.keep_token_from_kernels(Config(), {}) is False


def test_the_parent_watch_stops_the_server_once_its_parent_changes():
    module = load_config()
    assert module.watch_parent({}) is None
    assert module.watch_parent({"LATHE_PARENT_PID": "not a pid"}) is None
    parents = iter([41, 41, 1])
    stopped = []
    thread = module.watch_parent({"LATHE_PARENT_PID": "41"}, interval=0.001, getppid=lambda: next(parents), stop=lambda: stopped.append(True))
    thread.join(5)
    assert not thread.is_alive()
    assert stopped == [True]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def _wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("not within %d s: %s" % (seconds, what))


# The server's parent stands in for Lathe: it starts the server the way Lathe does (the config,
# LATHE_PARENT_PID = its own pid), prints the server's pid, and waits to be killed.
PARENT = """
import os, subprocess, sys
server = subprocess.Popen([sys.executable, "-m", "jupyter_server", "--config=" + sys.argv[1], "--no-browser",
    "--ServerApp.ip=127.0.0.1", "--ServerApp.port=" + sys.argv[2], "--ServerApp.port_retries=0",
    "--ServerApp.root_dir=" + sys.argv[3]] + (["--allow-root"] if os.geteuid() == 0 else []), env=dict(os.environ, LATHE_PARENT_PID=str(os.getpid())),
    stdout=subprocess.DEVNULL, stderr=open(sys.argv[4], "w"), start_new_session=True)
print(server.pid, flush=True)
server.wait()
"""


def test_a_server_whose_lathe_was_killed_stops_with_its_kernel(tmp_path):
    port = _free_port()
    token = secrets.token_hex(8)
    log = tmp_path / "server.log"
    env = dict(os.environ, JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CONFIG, str(port), str(tmp_path), str(log)], env=env, stdout=subprocess.PIPE, text=True)
    server_pid = None
    try:
        server_pid = int(parent.stdout.readline())
        base = "http://127.0.0.1:%d" % port
        headers = {"Authorization": "token " + token}

        def ready():
            assert _alive(server_pid), "the server exited at start: " + log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(urllib.request.Request(base + "/api/status", headers=headers), timeout=2) as reply:
                    return reply.status == 200
            except OSError:
                return False

        _wait(ready, 60, "the server answers /api/status (its log: %s)" % log)
        request = urllib.request.Request(base + "/api/kernels", data=b"{}", headers=dict(headers, **{"Content-Type": "application/json"}), method="POST")
        with urllib.request.urlopen(request, timeout=30) as reply:
            kernel = json.load(reply)
        kernel_pids = []

        def kernel_started():
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        with open("/proc/%s/cmdline" % entry, "rb") as cmdline:
                            if kernel["id"].encode() in cmdline.read():
                                kernel_pids.append(int(entry))
                                return True
                    except OSError:
                        continue
            return False

        _wait(kernel_started, 30, "the kernel process runs")

        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        _wait(lambda: not _alive(server_pid), 30, "the orphaned server stops")
        _wait(lambda: not any(_alive(pid) for pid in kernel_pids), 30, "its kernel stops")
        assert "is gone; stopping this server and its kernels" in log.read_text()
    finally:
        for pid in [server_pid] if server_pid else []:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        if parent.poll() is None:
            parent.kill()
