"""``sagemaker.Session`` on Lathe: the default bucket, uploads into Lathe's object store, job helpers.

Lathe's object store is a folder on this machine (``<LATHE_HOME>/s3/<bucket>/<key>``); ``s3://`` URIs
in every Lathe request resolve there. ``upload_data`` copies into it and answers the ``s3://`` URI,
as the SDK uploads to S3 and answers its URI.
"""

from __future__ import annotations

import os
import shutil

from . import _client

DEFAULT_BUCKET = "lathe-default"
LOCAL_ROLE = "arn:aws:iam::000000000000:role/lathe-local-execution-role"
SKIPPED_NAMES = ("__pycache__", ".ipynb_checkpoints", ".git")


def get_execution_role(sagemaker_session=None, use_default=False):
    """A stand-in role ARN: jobs on this machine run as you, so there is no role to assume."""
    _client.note("get_execution_role() answers a local stand-in role; jobs run as you on this machine")
    return LOCAL_ROLE


class Session:
    """What the SDK's Session does for a notebook, against the Lathe on this machine.

    ``boto_session``, ``sagemaker_client`` and the other AWS clients of the SDK's constructor are
    accepted and ignored: every call goes to Lathe (``LATHE_URL``).
    """

    def __init__(self, boto_session=None, sagemaker_client=None, sagemaker_runtime_client=None,
                 default_bucket=None, default_bucket_prefix=None, **kwargs):
        given = {"boto_session": boto_session, "sagemaker_client": sagemaker_client,
                 "sagemaker_runtime_client": sagemaker_runtime_client, **kwargs}
        _client.warn_ignored(given, {name: "every call goes to Lathe at LATHE_URL" for name in given})
        self._bucket = default_bucket or DEFAULT_BUCKET
        self.default_bucket_prefix = default_bucket_prefix
        self._store = None
        self._boto = {}

    # -- the object store ------------------------------------------------------------------

    @property
    def boto_region_name(self):
        return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"

    @property
    def local_mode(self):
        return False

    def object_store(self):
        """The local folder behind s3:// (asked of Lathe once)."""
        if self._store is None:
            self._store = _client.object_store()
        return self._store

    def default_bucket(self):
        """A stable local bucket (``lathe-default`` unless the Session was given one); made if missing."""
        os.makedirs(os.path.join(self.object_store(), self._bucket), exist_ok=True)
        return self._bucket

    def upload_data(self, path, bucket=None, key_prefix="data", extra_args=None, callback=None):
        """Copies a file (or a folder's files) to s3://bucket/key_prefix/ in Lathe's object store.

        A file answers ``s3://bucket/key_prefix/<basename>``, a folder ``s3://bucket/key_prefix``,
        as the SDK's upload_data does.
        """
        if extra_args:
            _client.ignored("extra_args", "S3 upload options such as encryption do not apply to a local folder")
        bucket = bucket or self.default_bucket()
        prefix = (key_prefix or "").strip("/")
        source = os.path.abspath(os.path.expanduser(path))
        if not os.path.exists(source):
            raise FileNotFoundError(f"upload_data: no file or folder at {source}")
        if os.path.isdir(source):
            target_uri = f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}"
            for folder, dirs, files in os.walk(source):
                dirs[:] = [d for d in dirs if d not in SKIPPED_NAMES]
                for name in files:
                    relative = os.path.relpath(os.path.join(folder, name), source).replace(os.sep, "/")
                    self._copy(os.path.join(folder, name), f"{target_uri}/{relative}")
            return target_uri
        key = f"{prefix}/{os.path.basename(source)}" if prefix else os.path.basename(source)
        uri = f"s3://{bucket}/{key}"
        self._copy(source, uri)
        return uri

    def upload_string_as_file_body(self, body, bucket, key, kms_key=None):
        target = _client.local_path(f"s3://{bucket}/{key}", self.object_store())
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(body)
        return f"s3://{bucket}/{key}"

    def download_data(self, path, bucket, key_prefix="", extra_args=None):
        """Copies the objects under s3://bucket/key_prefix into the folder `path`; answers the files written."""
        source = _client.local_path(f"s3://{bucket}/{key_prefix}", self.object_store())
        os.makedirs(path, exist_ok=True)
        if os.path.isfile(source):
            target = os.path.join(path, os.path.basename(source))
            shutil.copyfile(source, target)
            return [target]
        written = []
        for folder, _dirs, files in os.walk(source):
            for name in files:
                target = os.path.join(path, os.path.relpath(os.path.join(folder, name), source))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(os.path.join(folder, name), target)
                written.append(target)
        return written

    def list_s3_files(self, bucket, key_prefix):
        """The keys under s3://bucket/key_prefix."""
        root = os.path.join(self.object_store(), bucket)
        found = []
        for folder, _dirs, files in os.walk(root):
            for name in files:
                key = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
                if key.startswith(key_prefix):
                    found.append(key)
        return sorted(found)

    def read_s3_file(self, bucket, key_prefix):
        with open(_client.local_path(f"s3://{bucket}/{key_prefix}", self.object_store()), encoding="utf-8") as handle:
            return handle.read()

    def _copy(self, source, uri):
        target = _client.local_path(uri, self.object_store())
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.abspath(source) != os.path.abspath(target):
            shutil.copyfile(source, target)

    # -- jobs and endpoints ----------------------------------------------------------------

    def describe_training_job(self, job_name):
        return _client.call("training.describe", {"TrainingJobName": job_name})

    def logs_for_job(self, job_name, wait=False, poll=1, log_type="All", timeout=None):
        """Prints the job's log; with wait=True follows it until the job ends (raising if it failed)."""
        from .estimator import follow_training_job

        return follow_training_job(job_name, logs=True, wait=wait)

    def wait_for_job(self, job, poll=5):
        from .estimator import follow_training_job

        return follow_training_job(job, logs=False, wait=True)

    def describe_endpoint(self, endpoint_name):
        return _client.call("endpoints.describe", {"EndpointName": endpoint_name})

    def wait_for_endpoint(self, endpoint, poll=30):
        from .model import wait_for_endpoint

        return wait_for_endpoint(endpoint)

    def delete_endpoint(self, endpoint_name):
        _client.call("endpoints.delete", {"EndpointName": endpoint_name})

    def delete_endpoint_config(self, endpoint_config_name):
        _client.call("endpoints.deleteConfig", {"EndpointConfigName": endpoint_config_name})

    def delete_model(self, model_name):
        _client.call("endpoints.deleteModel", {"ModelName": model_name})

    # -- boto3 clients, for code that reaches past the SDK ----------------------------------

    @property
    def sagemaker_client(self):
        return self._boto_client("sagemaker")

    @property
    def sagemaker_runtime_client(self):
        return self._boto_client("sagemaker-runtime")

    def _boto_client(self, service):
        """A boto3 client on Lathe's SageMaker wire (access key ``lathe``, the token as secret)."""
        if service not in self._boto:
            import boto3  # only when asked: the facade itself needs no boto3

            url, token = _client._endpoint()
            self._boto[service] = boto3.client(service, endpoint_url=url, region_name=self.boto_region_name,
                                               aws_access_key_id="lathe", aws_secret_access_key=token or "")
        return self._boto[service]
