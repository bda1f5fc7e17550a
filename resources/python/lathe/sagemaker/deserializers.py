"""``sagemaker.deserializers``: what Predictor.predict makes of the endpoint's answer.

``deserialize(stream, content_type)`` reads a stream with ``read()`` as the SDK's do (Lathe hands
them an ``io.BytesIO`` of the answer's body).
"""

from __future__ import annotations

import csv
import io
import json


class BaseDeserializer:
    ACCEPT = ("*/*",)

    @property
    def accept(self):
        return self.ACCEPT

    def deserialize(self, stream, content_type):
        raise NotImplementedError


class SimpleBaseDeserializer(BaseDeserializer):
    def __init__(self, accept=None):
        if accept is not None:
            self.ACCEPT = (accept,) if isinstance(accept, str) else tuple(accept)


def _text(stream, encoding="utf-8"):
    try:
        data = stream.read()
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    return data.decode(encoding) if isinstance(data, bytes) else data


class BytesDeserializer(SimpleBaseDeserializer):
    def deserialize(self, stream, content_type):
        try:
            return stream.read()
        finally:
            stream.close()


class StringDeserializer(SimpleBaseDeserializer):
    ACCEPT = ("application/json",)

    def __init__(self, encoding="UTF-8", accept="application/json"):
        super().__init__(accept)
        self.encoding = encoding

    def deserialize(self, stream, content_type):
        return _text(stream, self.encoding)


class CSVDeserializer(SimpleBaseDeserializer):
    """text/csv → a list of rows, each a list of str: ``float(response[0][0])`` is the first value."""

    ACCEPT = ("text/csv",)

    def __init__(self, encoding="utf-8", accept="text/csv"):
        super().__init__(accept)
        self.encoding = encoding

    def deserialize(self, stream, content_type):
        return list(csv.reader(io.StringIO(_text(stream, self.encoding))))


class JSONDeserializer(SimpleBaseDeserializer):
    ACCEPT = ("application/json",)

    def deserialize(self, stream, content_type):
        return json.loads(_text(stream))


class JSONLinesDeserializer(SimpleBaseDeserializer):
    ACCEPT = ("application/jsonlines",)

    def deserialize(self, stream, content_type):
        return [json.loads(line) for line in _text(stream).splitlines() if line.strip()]


class NumpyDeserializer(SimpleBaseDeserializer):
    """application/x-npy, text/csv or application/json into a numpy array (numpy needed only here)."""

    ACCEPT = ("application/x-npy",)

    def __init__(self, dtype=None, accept="application/x-npy", allow_pickle=False):
        super().__init__(accept)
        self.dtype = dtype
        self.allow_pickle = allow_pickle

    def deserialize(self, stream, content_type):
        import numpy as np

        kind = (content_type or "").split(";")[0].strip()
        if kind == "text/csv":
            return np.genfromtxt(io.StringIO(_text(stream)), delimiter=",", dtype=self.dtype)
        if kind == "application/json":
            return np.array(json.loads(_text(stream)), dtype=self.dtype)
        try:
            return np.load(io.BytesIO(stream.read()), allow_pickle=self.allow_pickle)
        finally:
            stream.close()


__all__ = ["BaseDeserializer", "SimpleBaseDeserializer", "BytesDeserializer", "StringDeserializer",
           "CSVDeserializer", "JSONDeserializer", "JSONLinesDeserializer", "NumpyDeserializer"]
