"""The worker's default input and output: text/csv, application/json and application/x-npy.

Input becomes a 2-D float64 array (rows x features; an empty CSV cell or a JSON null is NaN).
Output writes every number so that `float(text)` gives back exactly the value the model returned
(repr of the float64; a float32 prediction widens to float64 without change).
"""
import io
import json
import math
import os

import numpy as np

from . import RequestError

CSV = "text/csv"
JSON = "application/json"
NPY = "application/x-npy"
FORMATS = (CSV, JSON, NPY)
UTF8_TYPES = (CSV, JSON)  # bodies of these types reach input_fn / transform_fn as str (as in SageMaker's toolkit)
NPY_MAGIC = b"\x93NUMPY"
SEND = "send text/csv, application/json or application/x-npy"
ANSWERS = "this model answers text/csv, application/json or application/x-npy"
JSON_SHAPES = 'a JSON body must be {"instances": [[...], ...]}, {"features": [...]}, a list of rows or one row'


def media_type(header):
    """'text/csv; charset=utf-8' -> 'text/csv'; no header -> ''."""
    return (header or "").split(";", 1)[0].strip().lower()


def shown(value, limit=80):
    """A value for a one-line message, as JSON writes it ("abc", true, [1, 2]), cut to `limit` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def text_of(body):
    if isinstance(body, str):
        return body
    try:
        return bytes(body).decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestError(400, "the request body is not UTF-8 text (byte %d)" % error.start)


def _features(count):
    return "%d feature%s" % (count, "" if count == 1 else "s")


def decode(body, content_type, num_features=None):
    """The request as a (rows, features) float64 array; `num_features` (when known) is checked."""
    if content_type not in FORMATS:
        if not content_type:
            raise RequestError(415, "the request has no Content-Type; " + SEND)
        raise RequestError(415, "content type %s is not supported; %s" % (content_type, SEND))
    text = text_of(body) if content_type != NPY else None
    if not body or (text is not None and not text.strip()):
        raise RequestError(400, "the request body is empty; send %s rows of %s" % (
            content_type, _features(num_features) if num_features else "numbers"))
    if content_type == NPY:
        return _npy_rows(body, num_features)
    return _matrix(_csv_rows(text) if content_type == CSV else _json_rows(text), num_features)


def _csv_rows(text):
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = line.split(",")
        try:
            rows.append([float(cell) if cell.strip() else math.nan for cell in cells])
        except ValueError:
            for column, cell in enumerate(cells, 1):
                try:
                    float(cell) if cell.strip() else None
                except ValueError:
                    raise RequestError(400, "row %d, column %d is %s, not a number"
                                       % (len(rows) + 1, column, shown(cell.strip(), 40)))
    return rows


def _json_number(row, column, value):
    if value is None:
        return math.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            pass
    raise RequestError(400, "row %d, column %d is %s, not a number" % (row, column, shown(value, 40)))


def _json_rows(text):
    try:
        value = json.loads(text)
    except ValueError as error:
        raise RequestError(400, "the request body is not valid JSON: %s" % error)
    if isinstance(value, dict):
        if "instances" in value:
            rows = value["instances"]
            if not isinstance(rows, list):
                raise RequestError(400, JSON_SHAPES)
            rows = [row["features"] if isinstance(row, dict) and "features" in row else row for row in rows]
        elif "features" in value:
            rows = [value["features"]]
        else:
            raise RequestError(400, JSON_SHAPES)
    elif isinstance(value, list):
        rows = value if value and isinstance(value[0], (list, dict)) else [value]
    else:
        raise RequestError(400, JSON_SHAPES)
    parsed = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, list):
            raise RequestError(400, "row %d is %s, not a list of numbers" % (number, shown(row, 40)))
        parsed.append([_json_number(number, column, cell) for column, cell in enumerate(row, 1)])
    return parsed


def _check_width(widths, num_features):
    """`widths`: the length of each row, in order."""
    expected = num_features or (widths[0] if widths else 0)
    for number, width in enumerate(widths, 1):
        if width != expected:
            if num_features:
                raise RequestError(400, "the model takes %s; row %d has %d" % (_features(num_features), number, width))
            raise RequestError(400, "row %d has %d values but row 1 has %d" % (number, width, expected))


def _matrix(rows, num_features):
    if not rows:
        raise RequestError(400, "the request has no rows")
    _check_width([len(row) for row in rows], num_features)
    if not rows[0]:
        raise RequestError(400, "row 1 has no values")
    return np.array(rows, dtype=np.float64)


def _npy_rows(body, num_features):
    body = bytes(body)
    if not body.startswith(NPY_MAGIC):
        raise RequestError(400, "the request body is not a .npy array (it does not start with \\x93NUMPY)")
    try:
        array = np.load(io.BytesIO(body), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise RequestError(400, "the request body is not a readable .npy array: %s" % " ".join(str(error).split()))
    if array.dtype.kind not in "biuf":
        raise RequestError(400, "the .npy array holds %s values; send numbers" % array.dtype)
    if array.ndim == 1:
        array = array.reshape(1, -1)
    if array.ndim != 2:
        raise RequestError(400, "the .npy array has %d dimensions; send 1 (one row) or 2 (rows x features)" % array.ndim)
    if array.shape[0] == 0:
        raise RequestError(400, "the request has no rows")
    if num_features and array.shape[1] != num_features:
        raise RequestError(400, "the model takes %s; row 1 has %d" % (_features(num_features), array.shape[1]))
    return array.astype(np.float64)


def _accept_choices(header):
    """The media types of an Accept header, most preferred first (q=0 dropped)."""
    choices = []
    for index, part in enumerate((header or "").split(",")):
        fields = part.split(";")
        media = fields[0].strip().lower()
        quality = 1.0
        for field in fields[1:]:
            key, _, value = field.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            choices.append((-quality, index, media))
    return [media for _, _, media in sorted(choices)]


def default_accept(content_type):
    """What to answer when the request has no Accept, or */*."""
    configured = media_type(os.environ.get("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT"))
    if configured:
        return configured
    return content_type if content_type in (CSV, JSON) else JSON


def choose_accept(header, content_type, formats=FORMATS):
    """The media type to answer in. With `formats` None (the user's output_fn writes the answer),
    the most preferred type is passed through; otherwise it must be one of `formats` (406 if none is)."""
    fallback = default_accept(content_type)
    choices = _accept_choices(header) or ["*/*"]
    for media in choices:
        if media == "*/*":
            media = fallback
        elif media == "text/*" and formats is not None:
            media = CSV
        elif media == "application/*" and formats is not None:
            media = fallback if fallback.startswith("application/") else JSON
        if formats is None or media in formats:
            return media
    asked = " ".join((header or "").split())[:120] or fallback
    raise RequestError(406, "cannot produce %s; %s" % (asked, ANSWERS))


def _numeric(prediction):
    try:
        array = np.asarray(prediction)
    except (ValueError, TypeError):
        return None
    return array if array.dtype.kind in "biuf" and array.ndim <= 2 else None


def _csv_number(value):
    return repr(float(value)) if isinstance(value, float) else str(int(value))


def _json_value(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return int(value)


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError("%s is not JSON serializable" % type(value).__name__)


def encode(prediction, accept):
    """The default output_fn: the prediction as `accept` (one of FORMATS)."""
    array = _numeric(prediction)
    if array is None:
        if accept == JSON:
            try:
                return json.dumps({"predictions": prediction}, default=_plain, allow_nan=False).encode("utf-8")
            except (TypeError, ValueError):
                pass
        raise TypeError("the prediction is a %s, which the default output_fn cannot write as %s; return numbers "
                        "(rows x values) from predict_fn or define output_fn" % (type(prediction).__name__, accept))
    if array.ndim == 0:
        array = array.reshape(1)
    if array.dtype.kind == "b":
        array = array.astype(np.int64)
    if accept == NPY:
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return buffer.getvalue()
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    rows = array.tolist()
    if accept == CSV:
        if array.ndim == 1:
            return "".join(_csv_number(value) + "\n" for value in rows).encode("ascii")
        return "".join(",".join(map(_csv_number, row)) + "\n" for row in rows).encode("ascii")
    if array.ndim == 1:
        predictions = [{"score": _json_value(value)} for value in rows]
    else:
        predictions = [{"scores": [_json_value(value) for value in row]} for row in rows]
    return json.dumps({"predictions": predictions}).encode("utf-8")
