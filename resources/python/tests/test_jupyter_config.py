"""Lathe's jupyter_server config: TCP_NODELAY on kernel WebSockets, whatever the version."""
import importlib.util
import os

import pytest

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
    pytest.importorskip("jupyter_server")
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
