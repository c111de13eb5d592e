"""The connector runtime: a REST executor driven by feelish expressions.

    runtime = Runtime(secrets={"TOKEN": "..."})
    connector = Connector.from_mapping({
        "method": '"POST"',
        "url": '"https://api.example.com/orders/" + orderId',
        "headers": '{"Authorization": "Bearer <<secrets.TOKEN>>"}',
        "body": '{item: item, quantity: quantity}',
        "resultExpression": '{orderStatus: response.body.status}',
    }, inputs=["orderId", "item", "quantity"], runtime=runtime)
    outcome = connector.run({"orderId": 7, "item": "pen", "quantity": 2})
    outcome.outputs   # {"orderStatus": "accepted"}

See docs/connector.md for every field and rule.
"""
from .documents import Documents
from .executor import Connector
from .fields import DEFAULTS as FIELD_DEFAULTS
from .fields import Literal
from .model import Outcome, RequestSpec
from .runtime import Runtime, default_runtime
from .transport import InsecureConnectionWarning

__all__ = ["Connector", "Documents", "FIELD_DEFAULTS", "InsecureConnectionWarning", "Literal",
           "Outcome", "RequestSpec", "Runtime", "default_runtime"]
