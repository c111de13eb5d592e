"""Camunda 8: a job worker that serves the REST connector's job types with feelish's runtime.

    from feelish.integrations.camunda import Worker
    Worker("http://127.0.0.1:8080", job_types=["io.camunda:http-json:1"]).run()

See docs/engines.md ("Camunda 8") for the contract and what is proven only against a stand-in.
"""
from .cluster import ClusterClient, ClusterError, rest_base
from .inputs import INPUT_VARIABLES, connector_fields
from .job import Job, parse_duration
from .outcome import Complete, Fail, ThrowError, on_failure, on_success
from .worker import REST_JOB_TYPE, Worker

__all__ = ["ClusterClient", "ClusterError", "Complete", "Fail", "INPUT_VARIABLES", "Job",
           "REST_JOB_TYPE", "ThrowError", "Worker", "connector_fields", "on_failure", "on_success",
           "parse_duration", "rest_base"]
