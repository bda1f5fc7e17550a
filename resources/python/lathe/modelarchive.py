"""Unpacking model.tar.gz without trusting it: regular files and folders only, all inside the target.

Shared by the evaluation job (lathe.evaluate) and the model server worker (lathe.serve).
"""
import os
import posixpath
import shutil
import tarfile

MAX_EXTRACTED_BYTES = 2 * 1024 ** 3
MAX_MEMBERS = 10000
CHUNK = 1024 * 1024


class ModelArchiveError(Exception):
    """The archive is unreadable or unsafe to unpack; the message says which member and why."""


def _member_path(name):
    """The member's path as a list of parts, or an error when it would leave the target folder."""
    if name.startswith("/") or name.startswith("\\") or (len(name) > 1 and name[1] == ":"):
        raise ModelArchiveError("model archive member %r has an absolute path; refusing to unpack it" % name)
    if ".." in name.replace("\\", "/").split("/"):
        raise ModelArchiveError("model archive member %r points outside the archive (..); refusing to unpack it" % name)
    return [part for part in posixpath.normpath(name.replace("\\", "/")).split("/") if part not in ("", ".")]


def _kind(member):
    if member.isdir():
        return "dir"
    if member.isreg():
        return "file"
    if member.issym() or member.islnk():
        return "link"
    if member.ischr() or member.isblk():
        return "device"
    if member.isfifo():
        return "fifo"
    return "special file"


def extract_model_archive(archive, target, max_bytes=MAX_EXTRACTED_BYTES):
    """Unpacks `archive` into the existing folder `target`; refuses links, devices, `..` and absolute paths."""
    if not tarfile.is_tarfile(archive):
        raise ModelArchiveError("--model %s is not a tar archive (model.tar.gz) or a folder" % archive)
    total = 0
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = []
            for member in tar:
                members.append(member)
                if len(members) > MAX_MEMBERS:
                    raise ModelArchiveError("model archive %s has more than %d members" % (archive, MAX_MEMBERS))
                kind = _kind(member)
                if kind not in ("dir", "file"):
                    raise ModelArchiveError("model archive member %r is a %s; only regular files and folders are "
                                            "allowed" % (member.name, kind))
                _member_path(member.name)
                total += member.size if kind == "file" else 0
                if total > max_bytes:
                    raise ModelArchiveError("model archive %s unpacks to more than %d bytes; refusing to unpack it"
                                            % (archive, max_bytes))
            for member in members:
                parts = _member_path(member.name)
                if not parts:
                    continue
                path = os.path.join(target, *parts)
                if member.isdir():
                    os.makedirs(path, exist_ok=True)
                    continue
                os.makedirs(os.path.dirname(path), exist_ok=True)
                source = tar.extractfile(member)
                with source, open(path, "xb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ModelArchiveError("cannot unpack model archive %s: %s" % (archive, error))
    return target


def list_files(folder, limit=20):
    """Relative paths of the files under folder (at most `limit`), for messages."""
    found = []
    for root, subfolders, names in os.walk(folder):
        subfolders.sort()
        for name in sorted(names):
            found.append(os.path.relpath(os.path.join(root, name), folder))
    shown = ", ".join(found[:limit]) + (", …" if len(found) > limit else "")
    return shown or "nothing"


def main(argv=None):
    """`python -m lathe.modelarchive ARCHIVE TARGET`: unpacks into TARGET (made if missing); exit 2 with one `ClientError:` line when unsafe or unreadable."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        sys.stderr.write("usage: python -m lathe.modelarchive ARCHIVE TARGET\n")
        return 2
    archive, target = args
    os.makedirs(target, exist_ok=True)
    try:
        extract_model_archive(archive, target)
    except ModelArchiveError as error:
        sys.stderr.write("ClientError: %s\n" % error)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
