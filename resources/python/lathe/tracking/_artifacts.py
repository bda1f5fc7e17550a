"""Artifact files: where a run keeps them on this disk, copying into it, and the spool's copies."""

from __future__ import annotations

import os
import re
import shutil
import urllib.parse


def _local_artifact_dir(uri):
    """A local folder for an artifact URI, or None when it is not on this machine's disk."""
    if not uri:
        return None
    if uri.startswith("file://"):
        return urllib.parse.unquote(urllib.parse.urlsplit(uri).path)
    if "://" in uri or uri.startswith("mlflow-artifacts:"):
        return None
    return uri


def _safe_artifact_path(artifact_path):
    """An artifact_path as given to log_artifact: relative, "/"-separated, no ".." (else None)."""
    if not artifact_path:
        return ""
    text = str(artifact_path).replace("\\", "/")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if text.startswith("/") or ".." in parts or "\0" in text or re.match(r"^[A-Za-z]:", text):
        return None
    return "/".join(parts)


def _inside(parent, child):
    parent, child = os.path.realpath(parent), os.path.realpath(child)
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


def _copy_into(source, root, artifact_path=None):
    relative = _safe_artifact_path(artifact_path)
    if relative is None:
        raise OSError(f"artifact_path {artifact_path!r} must be a relative path without '..'")
    folder = os.path.join(root, relative) if relative else root
    os.makedirs(folder, exist_ok=True)
    if not _inside(root, folder):
        raise OSError(f"artifact_path {artifact_path!r} leads outside the run's artifacts")
    target = os.path.join(folder, os.path.basename(os.path.normpath(source)))
    if os.path.isdir(source):
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)
    return target


def _drop_spooled_copy(path, spool_dir=None):
    """Removes <spool>/artifacts/<id>/ of an artifact once placed (and nothing outside such a folder)."""
    holder = os.path.dirname(path or "")
    if not holder or os.path.basename(os.path.dirname(holder)) != "artifacts":
        return
    if spool_dir is not None and not _inside(os.path.join(spool_dir, "artifacts"), holder):
        return
    shutil.rmtree(holder, ignore_errors=True)


def _confined_source_ok(source, spool_dir):
    holder = os.path.join(spool_dir, "artifacts")
    if not source or not _inside(holder, source) or os.path.islink(source):
        return False
    if os.path.isdir(source):
        for folder, dirs, files in os.walk(source):
            if any(os.path.islink(os.path.join(folder, name)) for name in dirs + files):
                return False
    return os.path.isfile(source) or os.path.isdir(source)


def _spooled_copy(source, spool_dir):
    """Where an artifact's spooled copy is now. A spool written in a container names its copies by
    the container's paths (/opt/ml/.lathe-spool/artifacts/<id>/…); replayed on the host, the same
    copy lies under this spool folder."""
    if not source or os.path.exists(source) or not spool_dir:
        return source
    parts = source.replace("\\", "/").split("/")
    if "artifacts" not in parts:
        return source
    at = len(parts) - 1 - parts[::-1].index("artifacts")
    moved = os.path.join(spool_dir, *parts[at:])
    return moved if os.path.exists(moved) else source

