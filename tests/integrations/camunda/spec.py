"""The job endpoints of the Orchestration Cluster REST API (v2) that the worker uses, written as
JSON Schema from the published OpenAPI specification (jobs.yaml, keys.yaml; OpenAPI's
`nullable: true` written as a `null` type): request bodies, the job key, and the answer of an
activation.  The stand-in validates every request against these."""
from __future__ import annotations

INT32 = {"type": "integer", "minimum": -2 ** 31, "maximum": 2 ** 31 - 1}
INT64 = {"type": "integer", "minimum": -2 ** 63, "maximum": 2 ** 63 - 1}

#: LongKey: a Java long serialised as a string
JOB_KEY = r"^-?[0-9]+$"
JOB_KEY_MAX_LENGTH = 25

JOB_ACTIVATION_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "maxJobsToActivate", "timeout"],
    "properties": {
        "type": {"type": "string"},
        "worker": {"type": "string"},
        "timeout": INT64,
        "maxJobsToActivate": INT32,
        "fetchVariable": {"type": "array", "items": {"type": "string"}},
        "requestTimeout": INT64,
        "tenantIds": {"type": "array", "items": {"type": "string"}},
        "tenantFilter": {"enum": ["PROVIDED", "ASSIGNED"]},
    },
}

JOB_COMPLETION_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "variables": {"type": ["object", "null"]},
        "result": {"type": ["object", "null"]},
    },
}

JOB_FAIL_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "retries": INT32,
        "errorMessage": {"type": "string"},
        "retryBackOff": INT64,
        "variables": {"type": "object"},
    },
}

JOB_ERROR_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["errorCode"],
    "properties": {
        "errorCode": {"type": "string"},
        "errorMessage": {"type": ["string", "null"]},
        "variables": {"type": ["object", "null"]},
    },
}

_KEY = {"type": "string", "pattern": JOB_KEY, "minLength": 1, "maxLength": JOB_KEY_MAX_LENGTH}

#: ActivatedJobResult's required fields (the stand-in checks its own answers against these)
ACTIVATED_JOB = {
    "type": "object",
    "required": ["type", "processDefinitionId", "processDefinitionVersion", "elementId",
                 "customHeaders", "worker", "retries", "deadline", "variables", "tenantId", "jobKey",
                 "processInstanceKey", "processDefinitionKey", "elementInstanceKey", "kind",
                 "listenerEventType", "rootProcessInstanceKey", "tags", "userTask", "priority"],
    "properties": {
        "jobKey": _KEY, "processInstanceKey": _KEY, "processDefinitionKey": _KEY,
        "elementInstanceKey": _KEY, "retries": INT32, "deadline": INT64,
        "customHeaders": {"type": "object"}, "variables": {"type": "object"},
        "kind": {"enum": ["BPMN_ELEMENT", "EXECUTION_LISTENER", "TASK_LISTENER", "AD_HOC_SUB_PROCESS"]},
    },
}

JOB_ACTIVATION_RESULT = {
    "type": "object",
    "required": ["jobs"],
    "properties": {"jobs": {"type": "array", "items": ACTIVATED_JOB}},
}

#: path suffix after /v2/jobs/{jobKey}/ -> the request body schema, and whether a body is required
COMMANDS = {
    "completion": (JOB_COMPLETION_REQUEST, False),
    "failure": (JOB_FAIL_REQUEST, False),
    "error": (JOB_ERROR_REQUEST, True),
}
