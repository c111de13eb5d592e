"""An outcome's repr never shows a secret value the call used, even when the mapped data holds it
(a server echoed it back and a result expression mapped it): the data stays as mapped, the repr
masks it."""
from __future__ import annotations

from feelish import Connector, Literal, Runtime

SECRET = "Zq9-echoed-secret-value"


def test_outcome_repr_masks_an_echoed_secret_but_keeps_the_data(httpbin_url, tmp_path):
    with Runtime(trust_env=False, document_folder=tmp_path, secrets={"K": SECRET}) as runtime:
        connector = Connector.from_mapping({
            "method": '"POST"', "url": Literal(f"{httpbin_url}/anything"),
            "body": '{token: "<<secrets.K>>"}',
            "resultExpression": "{echo: response.body.json.token}",
        }, runtime=runtime)
        outcome = connector.run()
    assert outcome.outputs == {"echo": SECRET}          # the data the process asked for
    assert SECRET not in repr(outcome) and "***" in repr(outcome)
    assert SECRET not in str(outcome)


def test_outcome_repr_without_secrets_is_plain(httpbin_url, tmp_path):
    with Runtime(trust_env=False, document_folder=tmp_path) as runtime:
        outcome = Connector.from_mapping({"url": Literal(f"{httpbin_url}/get"),
                                          "resultExpression": "{ok: true}"}, runtime=runtime).run()
    assert repr(outcome).startswith("Outcome(outputs={'ok': True}")
