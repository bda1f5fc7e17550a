"""``sagemaker.inputs.TrainingInput``: one channel of a training job."""

from __future__ import annotations

from . import _client


class TrainingInput:
    """A channel's data: an s3:// URI (Lathe's object store), a file:// URI or a local path."""

    def __init__(self, s3_data, distribution=None, compression=None, content_type=None, record_wrapping=None,
                 s3_data_type="S3Prefix", instance_groups=None, input_mode=None, attribute_names=None,
                 target_attribute_name=None, shuffle_config=None):
        _client.warn_ignored(
            {"record_wrapping": record_wrapping, "instance_groups": instance_groups, "attribute_names": attribute_names,
             "target_attribute_name": target_attribute_name, "shuffle_config": shuffle_config},
            {"instance_groups": "Lathe trains on one machine"})
        if input_mode not in (None, "File"):
            _client.note(f"input_mode {input_mode} runs as File here: channels are copied (or linked) into the job folder")
        self.config = {
            "DataSource": {"S3DataSource": {"S3DataType": s3_data_type, "S3Uri": _client.data_uri(s3_data)}},
        }
        if distribution:
            self.config["DataSource"]["S3DataSource"]["S3DataDistributionType"] = distribution
        if compression:
            self.config["CompressionType"] = compression
        if content_type:
            self.config["ContentType"] = content_type


s3_input = TrainingInput


def channels_of(inputs):
    """InputDataConfig from fit()'s `inputs`: a URI (the ``training`` channel, as the SDK names it),
    a TrainingInput, or a dict of channel name to either."""
    if inputs is None:
        return []
    if isinstance(inputs, (str, TrainingInput)):
        inputs = {"training": inputs}
    if not isinstance(inputs, dict):
        raise TypeError(f"fit(inputs=...) takes a URI, a TrainingInput or a dict of them, not {type(inputs).__name__}")
    channels = []
    for name, value in inputs.items():
        if isinstance(value, TrainingInput):
            config = {**value.config}
        elif isinstance(value, str):
            config = TrainingInput(value).config
        else:
            raise TypeError(f"channel {name!r}: give a URI or a TrainingInput, not {type(value).__name__}")
        channels.append({"ChannelName": name, **config})
    return channels
