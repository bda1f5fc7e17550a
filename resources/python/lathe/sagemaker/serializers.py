"""``sagemaker.serializers``: what Predictor.predict sends, and its Content-Type.

Standard library only; numpy arrays and pandas frames are taken through their ``tolist()``.
"""

from __future__ import annotations

import io
import json


def _plain(data):
    """numpy arrays, pandas frames and series as nested lists; anything else as given."""
    if hasattr(data, "to_numpy") and callable(data.to_numpy):
        data = data.to_numpy()
    if hasattr(data, "tolist") and callable(data.tolist) and not isinstance(data, (str, bytes)):
        return data.tolist()
    return data


def _read(data):
    if hasattr(data, "read") and callable(data.read):
        return data.read()
    return None


class BaseSerializer:
    CONTENT_TYPE = "application/octet-stream"

    @property
    def content_type(self):
        return self.CONTENT_TYPE

    def serialize(self, data):
        raise NotImplementedError


class SimpleBaseSerializer(BaseSerializer):
    def __init__(self, content_type=None):
        if content_type is not None:
            self.CONTENT_TYPE = content_type


class IdentitySerializer(SimpleBaseSerializer):
    """The data as is (bytes or str)."""

    def serialize(self, data):
        read = _read(data)
        return read if read is not None else data


class CSVSerializer(SimpleBaseSerializer):
    """text/csv: a str passes through; a row (list, 1-d array) is one line, rows are lines."""

    CONTENT_TYPE = "text/csv"

    def serialize(self, data):
        read = _read(data)
        if read is not None:
            return read.decode("utf-8") if isinstance(read, bytes) else read
        if isinstance(data, bytes):
            return data.decode("utf-8")
        if isinstance(data, str):
            return data
        data = _plain(data)
        if isinstance(data, dict):
            raise ValueError("CSVSerializer cannot serialize a dict; give a row, a list of rows or a CSV string")
        rows = list(data)
        if not rows:
            raise ValueError("CSVSerializer got nothing to serialize")
        if all(_is_row(row) for row in rows):
            return "\n".join(self._line(row) for row in rows)
        return self._line(rows)

    @staticmethod
    def _line(row):
        return ",".join(_csv_value(value) for value in _plain(row))


def _is_row(value):
    return not isinstance(value, (str, bytes)) and (isinstance(value, (list, tuple)) or hasattr(value, "tolist"))


def _csv_value(value):
    if isinstance(value, bool):
        return str(int(value))
    text = str(value)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


class JSONSerializer(SimpleBaseSerializer):
    """application/json: json.dumps, numpy arrays as lists; a str or a file passes through."""

    CONTENT_TYPE = "application/json"

    def serialize(self, data):
        read = _read(data)
        if read is not None:
            return read
        if isinstance(data, (str, bytes)):
            return data
        return json.dumps(data, default=_plain)


class JSONLinesSerializer(SimpleBaseSerializer):
    CONTENT_TYPE = "application/jsonlines"

    def serialize(self, data):
        if isinstance(data, (str, bytes)):
            return data
        return "\n".join(json.dumps(item, default=_plain) for item in data)


class StringSerializer(SimpleBaseSerializer):
    CONTENT_TYPE = "text/plain"

    def serialize(self, data):
        if isinstance(data, str):
            return data
        raise ValueError(f"StringSerializer takes a str, not {type(data).__name__}")


class NumpySerializer(SimpleBaseSerializer):
    """application/x-npy through numpy.save (numpy needed only here)."""

    CONTENT_TYPE = "application/x-npy"

    def serialize(self, data):
        import numpy as np

        buffer = io.BytesIO()
        np.save(buffer, np.asarray(data))
        return buffer.getvalue()


__all__ = ["BaseSerializer", "SimpleBaseSerializer", "IdentitySerializer", "CSVSerializer", "JSONSerializer",
           "JSONLinesSerializer", "StringSerializer", "NumpySerializer"]
