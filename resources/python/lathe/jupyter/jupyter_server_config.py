"""Lathe's configuration for the Jupyter servers it starts (passed as ``--config=<this file>``).

jupyter_server 1.x never sets TCP_NODELAY on kernel WebSockets, so Nagle's algorithm holds back
the small frames of an execute round trip for the peer's delayed ACK: every ``1+1`` costs about
44 ms instead of a few. Each kernel WebSocket handler's ``open`` is wrapped to call
``set_nodelay(True)`` first. 1.x: ``jupyter_server.services.kernels.handlers.ZMQChannelsHandler``;
2.x: ``jupyter_server.services.kernels.websocket.KernelWebsocketHandler``. Standard library and
jupyter_server only; a module that is missing is skipped, so the server always starts.
"""
import importlib

HANDLERS = [
    ("jupyter_server.services.kernels.handlers", "ZMQChannelsHandler"),
    ("jupyter_server.services.kernels.websocket", "KernelWebsocketHandler"),
]


def _with_nodelay(open_):
    def open(self, *args, **kwargs):
        self.set_nodelay(True)
        return open_(self, *args, **kwargs)

    open.__wrapped__ = open_
    open._lathe_nodelay = True
    open.__name__ = getattr(open_, "__name__", "open")
    open.__doc__ = getattr(open_, "__doc__", None)
    return open


def install_nodelay():
    """Wraps every kernel WebSocket handler found; returns the names of those wrapped."""
    wrapped = []
    for module_name, class_name in HANDLERS:
        try:
            handler = getattr(importlib.import_module(module_name), class_name)
        except Exception:  # another jupyter_server version: that handler does not exist
            continue
        open_ = handler.__dict__.get("open")
        if open_ is None or getattr(open_, "_lathe_nodelay", False):
            continue
        handler.open = _with_nodelay(open_)
        wrapped.append("%s.%s" % (module_name, class_name))
    return wrapped


install_nodelay()


def keep_token_from_kernels(config, environ):
    """The server's token, taken out of the environment its kernels inherit: a cell that prints
    ``os.environ`` must not find the key to the server (the proxy token Lathe hands out is meant to
    be good for /jupyter/ only). Returns whether there was one."""
    token = environ.pop("JUPYTER_TOKEN", None)
    if token:
        config.ServerApp.token = token
    return bool(token)


def watch_parent(environ, interval=1.0, getppid=None, stop=None):
    """A server whose Lathe is gone (SIGKILLed, crashed) stops, with its kernels, instead of running
    on with nobody to use it: Lathe names its own pid in LATHE_PARENT_PID, and a daemon thread
    sends this process SIGTERM, which jupyter_server answers by shutting its kernels down, once
    its parent is another process. Returns the thread, or None when there is no parent to watch."""
    import os
    import signal
    import threading
    import time

    expected = environ.get("LATHE_PARENT_PID", "")
    if not expected.isdigit():
        return None
    getppid = getppid or os.getppid
    stop = stop or (lambda: os.kill(os.getpid(), signal.SIGTERM))

    def run():
        while getppid() == int(expected):
            time.sleep(interval)
        import sys

        sys.stderr.write("Lathe (pid %s) is gone; stopping this server and its kernels\n" % expected)
        stop()

    thread = threading.Thread(target=run, name="lathe-parent-watch", daemon=True)
    thread.start()
    return thread


try:
    keep_token_from_kernels(c, __import__("os").environ)  # noqa: F821 (c: the config object jupyter_server gives this file)
    watch_parent(__import__("os").environ)
except NameError:  # imported by a test, not loaded by jupyter_server
    pass
