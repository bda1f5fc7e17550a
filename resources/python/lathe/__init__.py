"""Lathe's Python half: the interpreter probe, built-in algorithms, and (later) the SDK and model server."""
