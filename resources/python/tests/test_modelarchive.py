"""`python -m lathe.modelarchive ARCHIVE TARGET`: how Lathe unpacks a model for a container's
/opt/ml/model. A good archive lands whole; an unsafe or unreadable one is refused with one
`ClientError:` line and exit 2, and nothing is written outside the target."""
import io
import os
import subprocess
import sys
import tarfile

PYTHON_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def run(*args):
    return subprocess.run([sys.executable, "-m", "lathe.modelarchive", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": PYTHON_ROOT})


def archive(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type = tarfile.SYMTYPE
                info.linkname = "/etc/passwd"
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


def test_unpacks_a_model_into_a_new_folder(tmp_path):
    model = tmp_path / "model.tar.gz"
    archive(model, [("xgboost-model", b"{}"), ("code/inference.py", b"def model_fn(d): pass\n")])
    target = tmp_path / "out" / "model"
    result = run(str(model), str(target))
    assert result.returncode == 0, result.stderr
    assert (target / "xgboost-model").read_bytes() == b"{}"
    assert (target / "code" / "inference.py").exists()


def test_refuses_an_archive_that_leaves_its_folder(tmp_path):
    model = tmp_path / "model.tar.gz"
    archive(model, [("../escaped", b"x")])
    result = run(str(model), str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("ClientError: model archive member '../escaped' points outside the archive")
    assert not (tmp_path / "escaped").exists()


def test_refuses_links_and_files_that_are_not_archives(tmp_path):
    model = tmp_path / "model.tar.gz"
    archive(model, [("passwd", None)])
    linked = run(str(model), str(tmp_path / "out"))
    assert linked.returncode == 2 and "is a link; only regular files and folders are allowed" in linked.stderr
    text = tmp_path / "notes.txt"
    text.write_text("not a model")
    plain = run(str(text), str(tmp_path / "out2"))
    assert plain.returncode == 2 and "is not a tar archive" in plain.stderr
    assert run().returncode == 2
