"""Model.register / Estimator.register: a version in Lathe's model registry (``registry.createVersion``).

The group is created when missing. A version asked for as Approved that fails the group's approval
gates is registered as PendingManualApproval instead, with a note saying which gates it fails.
"""

from __future__ import annotations

from . import _client

REGISTER_IGNORED = {
    "marketplace_cert": "there is no AWS Marketplace here",
    "metadata_properties": "Lathe records the source training job as the version's lineage",
    "drift_check_baselines": "Model Monitor baselines are attached in the Registry pane",
    "compile_model_family": "SageMaker Neo does not run locally",
    "validation_specification": "Lathe does not run validation jobs on registration",
    "sample_payload_url": "inference recommendations are a cloud feature",
    "nearest_model_name": "inference recommendations are a cloud feature",
    "data_input_configuration": "inference recommendations are a cloud feature",
    "skip_model_validation": "Lathe does not validate models on registration",
}


def ensure_group(name, description=None):
    if _client.try_call("registry.describeGroup", {"ModelPackageGroupName": name}) is not None:
        return
    request = {"ModelPackageGroupName": name}
    if description:
        request["ModelPackageGroupDescription"] = description[:1024]
    _client.try_call("registry.createGroup", request, missing=("conflict",))
    _client.note(f"created model package group {name}")


def _request_dict(value):
    return value._to_request_dict() if hasattr(value, "_to_request_dict") else value


def register_version(container, model_package_group_name=None, model_package_name=None, content_types=None,
                     response_types=None, inference_instances=None, transform_instances=None, model_metrics=None,
                     approval_status=None, description=None, customer_metadata_properties=None,
                     source_training_job=None, domain=None, task=None, framework=None, framework_version=None,
                     **ignored):
    """Registers `container` (Image + ModelDataUrl) as a new version; answers its ARN."""
    _client.warn_ignored({k: v for k, v in ignored.items() if k in REGISTER_IGNORED}, REGISTER_IGNORED)
    _client.warn_ignored({k: v for k, v in ignored.items() if k not in REGISTER_IGNORED}, {})
    group = model_package_group_name or model_package_name
    if not group:
        raise ValueError("register: give model_package_group_name (Lathe keeps versions in model package groups)")
    if model_package_group_name is None:
        _client.note(f"model_package_name {group} is registered as a version of group {group} (Lathe has no unversioned packages)")
    ensure_group(group)
    spec = {"Containers": [container]}
    for key, value in (("SupportedContentTypes", content_types), ("SupportedResponseMIMETypes", response_types),
                       ("SupportedRealtimeInferenceInstanceTypes", inference_instances),
                       ("SupportedTransformInstanceTypes", transform_instances)):
        if value:
            spec[key] = list(value)
    request = {"ModelPackageGroupName": group, "InferenceSpecification": spec,
               "ModelApprovalStatus": approval_status or "PendingManualApproval"}
    if description:
        request["ModelPackageDescription"] = description
    if source_training_job:
        request["SourceTrainingJobName"] = source_training_job
    if model_metrics is not None:
        request["ModelMetrics"] = _request_dict(model_metrics)
    metadata = dict(customer_metadata_properties or {})
    for key, value in (("Domain", domain), ("Task", task), ("Framework", framework), ("FrameworkVersion", framework_version)):
        if value:
            metadata.setdefault(key, str(value))
    if metadata:
        request["CustomerMetadataProperties"] = {str(k): str(v) for k, v in metadata.items()}
    try:
        return _client.call("registry.createVersion", request)["ModelPackageArn"]
    except _client.LatheError as error:
        unmet = (error.details or {}).get("Unmet") if isinstance(error.details, dict) else None
        if error.code != "failed-precondition" or request["ModelApprovalStatus"] != "Approved" or not unmet:
            raise
    request["ModelApprovalStatus"] = "PendingManualApproval"
    arn = _client.call("registry.createVersion", request)["ModelPackageArn"]
    _client.note(f"{arn} is registered as PendingManualApproval, not Approved: it fails the gates of {group}: {'; '.join(unmet)}")
    return arn
