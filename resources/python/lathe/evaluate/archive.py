"""The evaluation job's view of lathe.modelarchive: the same safe unpacking, failing with EvaluationError."""
from ..modelarchive import MAX_EXTRACTED_BYTES, ModelArchiveError, list_files
from ..modelarchive import extract_model_archive as _extract
from . import EvaluationError

__all__ = ["MAX_EXTRACTED_BYTES", "extract_model_archive", "list_files"]


def extract_model_archive(archive, target, max_bytes=MAX_EXTRACTED_BYTES):
    """Unpacks `archive` into the existing folder `target`; refuses links, devices, `..` and absolute paths."""
    try:
        return _extract(archive, target, max_bytes)
    except ModelArchiveError as error:
        raise EvaluationError(str(error))
