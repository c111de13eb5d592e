"""The connector runtime: a REST executor driven by feelish expressions (`Runtime`, `Connector`,
`Outcome`, documents, transport warnings); docs/connector.md has every field and rule."""
from .documents import Documents
from .executor import Connector
from .fields import DEFAULTS as FIELD_DEFAULTS
from .fields import Literal
from .model import Outcome, RequestSpec
from .runtime import Runtime, default_runtime
from .transport import InsecureConnectionWarning

__all__ = ["Connector", "Documents", "FIELD_DEFAULTS", "InsecureConnectionWarning", "Literal",
           "Outcome", "RequestSpec", "Runtime", "default_runtime"]
