"""The 20 user complaints of FEATURES.md Part B, each shown impossible here.

| #  | complaint                                         | test                                                  |
|----|---------------------------------------------------|-------------------------------------------------------|
| 1  | OAuth2 token fetched on every call                | test_auth_and_dry_run::test_oauth_token_fetched_once_for_many_calls |
| 2  | embedded JSON escaped twice                       | test_body::test_string_body_is_sent_as_written        |
| 3  | a string body lost its quotes                     | test_body::test_string_body_is_sent_as_written        |
| 4  | text/plain with `/` came back null                | test_response::test_text_with_slash_and_charset       |
| 5  | JSON Content-Type sent without a body             | test_body::test_no_body_no_content_type               |
| 6  | headers missing on 204                            | test_response::test_204_keeps_headers                 |
| 7  | URL re-encoding broke `%2F` and `+`               | test_request::test_url_encoding_never_mangles         |
| 8  | Set-Cookie collapsed / shape changed              | test_response::test_repeated_headers_are_lists_single_ones_strings |
| 9  | 4xx body unreachable in the error expression      | test_errors::test_error_expression_sees_the_4xx_body  |
| 10 | read timeout reported as a generic error          | test_transport::test_read_timeout_says_it_was_a_timeout |
| 11 | retries not configurable, tight loops, no FEEL backoff | here: test_backoff_from_an_expression_and_no_tight_loop |
| 12 | a FEEL error in the error expression -> incident  | test_errors::test_a_broken_error_expression_keeps_the_original_failure |
| 13 | null / non-context result expression crashes      | test_errors::test_result_expression_must_return_a_context |
| 14 | secrets only as whole fields, not in bodies       | test_body::test_secret_inside_body_at_any_depth       |
| 15 | DELETE with a payload unsupported                 | test_request::test_delete_with_a_body_sends_it        |
| 16 | self-signed certificates, mTLS                    | test_transport::test_tls_custom_ca_as_file_and_as_pem_text, test_mtls |
| 17 | no per-destination proxy bypass                   | test_transport::test_no_proxy_list_bypasses_the_proxy |
| 18 | URL starting with a secret rejected; no FEEL in token endpoint | test_auth_and_dry_run::test_secret_at_the_start_of_the_url; here: test_token_endpoint_from_an_expression |
| 19 | large / binary payloads do not fit in variables   | test_response::test_binary_download_becomes_a_document, test_huge_body_within_the_cap_streams_to_disk |
| 20 | a 400 does not fail by default (Bonita)           | test_errors::test_4xx_fails_by_default_with_status_reason_and_response |
"""
from __future__ import annotations

import time
import uuid

from feelish import Connector, Literal, Runtime
from feelish.connector.retry import RetryPolicy
from tests.auth.oauth_server import State, make_app
from tests.servers import serve_wsgi


def test_backoff_from_an_expression_and_no_tight_loop(make, fault_server):
    key = uuid.uuid4().hex[:8]
    c = make({"url": Literal(f"{fault_server.url}/retry?key={key}&fail=2"), "retries": "maxRetries",
              "retryBackoff": '{delay: duration("PT0.1S"), factor: 2, jitter: 0}'},
             inputs=["maxRetries"])
    started = time.monotonic()
    out = c.run({"maxRetries": 2})
    assert out.attempts == 3 and time.monotonic() - started >= 0.3  # 0.1 s + 0.2 s
    default = RetryPolicy.from_fields(3, None, None, 30, False)
    assert default.wait(1, None) >= 0.9 and default.wait(3, None) >= 3.6  # never a tight loop


def test_token_endpoint_from_an_expression(tmp_path):
    state = State()
    server = serve_wsgi(make_app(state))
    try:
        with Runtime(secrets={"IDP": server.url}, trust_env=False, document_folder=tmp_path) as runtime:
            c = Connector.from_mapping({
                "url": '"<<secrets.IDP>>" + "/api/me"', "readTimeoutInSeconds": 5,
                "authentication": '{type: "oauth-client-credentials-flow", '
                                  'tokenEndpoint: "<<secrets.IDP>>" + tokenPath, clientId: client, '
                                  'clientSecret: secretValue, clientAuthentication: "credentialsBody"}',
            }, inputs=["tokenPath", "client", "secretValue"], runtime=runtime)
            out = c.run({"tokenPath": "/token", "client": "post-client", "secretValue": "post-secret-1"})
            assert out.response["body"]["client_id"] == "post-client"
    finally:
        server.close()
