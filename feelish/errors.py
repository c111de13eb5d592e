"""One hierarchy of errors, and the warnings evaluation produces: an error about source text carries
a `Span` and renders the line with a caret, and no error ever holds a secret value."""
from __future__ import annotations

from .records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


@record
class Span:
    """A half-open range of character offsets `[start, end)` into a source text."""

    start: int
    end: int

    def line_col(self, source: str) -> tuple[int, int]:
        """1-based line and column of `start` in `source`."""
        return line_col(source, self.start)


def line_col(source: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(source)))
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return line, column


def caret_snippet(source: str, start: int, end: int | None = None, *, origin: str | None = None) -> str:
    """Render `origin:line:column`, the source line and a caret line under `[start, end)`.

    Long lines are cut around the position so the caret stays readable.
    """
    start = max(0, min(start, len(source)))
    end = start + 1 if end is None or end <= start else min(end, max(len(source), start + 1))
    line_no, col = line_col(source, start)
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    if line_end == -1:
        line_end = len(source)
    text = source[line_start:line_end].replace("\t", " ")
    caret_from = start - line_start
    caret_len = max(1, min(end, line_end) - start)
    width = 100
    if len(text) > width:  # keep a window of the line around the caret
        left = max(0, caret_from - width // 2)
        shown = text[left:left + width]
        prefix = "…" if left > 0 else ""
        suffix = "…" if left + width < len(text) else ""
        text = prefix + shown + suffix
        caret_from = caret_from - left + len(prefix)
        caret_len = min(caret_len, width - (caret_from - len(prefix)))
    where = f"{origin}:{line_no}:{col}" if origin else f"line {line_no}, column {col}"
    gutter = f"{line_no} | "
    return f"{where}\n{gutter}{text}\n{' ' * len(gutter)}{' ' * caret_from}{'^' * caret_len}"


# --------------------------------------------------------------------------- warnings


@record
class Warning:  # noqa: A001 - FEEL's own word; never confused with the builtin at call sites
    """A suppressed failure: evaluation went on with `null`.

    kind is one of the `WarningKind` names below; span points into the expression text.
    """

    kind: str
    message: str
    span: Span | None = None

    def render(self, source: str | None = None) -> str:
        head = f"{self.kind}: {self.message}"
        if source is None or self.span is None:
            return head
        return f"{head}\n{caret_snippet(source, self.span.start, self.span.end)}"


class WarningKind:
    NO_VARIABLE_FOUND = "no-variable-found"
    NO_CONTEXT_ENTRY_FOUND = "no-context-entry-found"
    NO_PROPERTY_FOUND = "no-property-found"
    NOT_COMPARABLE = "not-comparable"
    INVALID_TYPE = "invalid-type"
    NO_FUNCTION_FOUND = "no-function-found"
    FUNCTION_INVOCATION_FAILURE = "function-invocation-failure"
    INVALID_ARGUMENTS = "invalid-arguments"
    DIVISION_BY_ZERO = "division-by-zero"
    UNSUPPORTED = "unsupported"


# --------------------------------------------------------------------------- errors


class FeelishError(Exception):
    """Base of every error feelish raises on purpose."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # subclasses add position snippets
        return self.message


class SourceError(FeelishError):
    """An error at a position in some source text (an expression or a template file)."""

    def __init__(self, message: str, *, source: str = "", span: Span | None = None,
                 origin: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.source = source
        self.span = span
        self.origin = origin
        self.hint = hint

    @property
    def line(self) -> int | None:
        return line_col(self.source, self.span.start)[0] if self.span else None

    @property
    def column(self) -> int | None:
        return line_col(self.source, self.span.start)[1] if self.span else None

    def __str__(self) -> str:
        text = self.message
        if self.span is not None:
            text += "\n" + caret_snippet(self.source, self.span.start, self.span.end, origin=self.origin)
        if self.hint:
            text += f"\nhint: {self.hint}"
        return text


class FeelSyntaxError(SourceError):
    """The text is not a valid expression. `expected` lists what would have been accepted."""

    def __init__(self, message: str, *, source: str, span: Span, expected: tuple[str, ...] = (),
                 origin: str | None = None, hint: str | None = None):
        super().__init__(message, source=source, span=span, origin=origin, hint=hint)
        self.expected = expected


class LimitExceeded(SourceError):
    """Evaluation or parsing hit a resource bound (nesting depth, iterations, string size, regex time)."""


class EvaluationError(SourceError):
    """Evaluation failed for real: `assert` failed, `?` outside a unary test, or a warning in strict mode.

    `warnings` holds every warning collected up to the failure.
    """

    def __init__(self, message: str, *, source: str = "", span: Span | None = None,
                 warnings: tuple[Warning, ...] = (), kind: str | None = None):
        super().__init__(message, source=source, span=span)
        self.warnings = warnings
        self.kind = kind


class SecretError(FeelishError):
    """A secret is missing or a provider failed. Names the secret, never prints a value."""

    def __init__(self, message: str, *, name: str | None = None):
        super().__init__(message)
        self.name = name


class TemplateError(SourceError):
    """A connector template is invalid (syntax, unknown field, undeclared input, bad type, ...).

    `problems` holds every problem found when a check collects several.
    """

    def __init__(self, message: str, *, source: str = "", span: Span | None = None,
                 origin: str | None = None, hint: str | None = None,
                 problems: tuple["TemplateError", ...] = ()):
        super().__init__(message, source=source, span=span, origin=origin, hint=hint)
        self.problems = problems


class ConnectorError(FeelishError):
    """A connector call failed. Nothing was mapped.

    code: the HTTP status as a string ("404"), or a symbolic code ("TIMEOUT", "INPUT_ERROR", ...).
    response: the (redacted) response context `{status, reason, headers, body, document}` or None.
    variables: variables a business error carries (from an errorExpression), else {}.
    retryable: whether a retry policy may try again.
    job_retries / job_backoff: what a `jobError(message, variables, retries, timeout)` asked the
    engine for (the retries left, the seconds to wait before the next one); None when not said.
    warnings: the call's warnings up to the failure (a field's, the response's, the error
    expression's), so a failed call does not lose what would have explained it.
    """

    warnings: tuple = ()

    def __init__(self, code: str, message: str, *, response: dict[str, Any] | None = None,
                 variables: dict[str, Any] | None = None, retryable: bool = False,
                 field: str | None = None, job_retries: int | None = None,
                 job_backoff: float | None = None):
        super().__init__(message)
        self.code = code
        self.response = response
        self.variables = variables or {}
        self.retryable = retryable
        self.field = field
        self.job_retries = job_retries
        self.job_backoff = job_backoff

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"{self.code}{where}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def redact(self, redactor: Any) -> "ConnectorError":
        """Mask every secret value (a `feelish.secrets.Redactor`) in the message, the response and
        the variables, in place; returns self."""
        if redactor:
            self.message = redactor.text(self.message)
            self.args = (self.message,)
            if self.response is not None:
                self.response = redactor.value(self.response)
            if self.variables:
                self.variables = redactor.value(self.variables)
        return self

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            out["field"] = self.field
        if self.response is not None:
            out["status"] = self.response.get("status")
            out["response"] = self.response
        if self.variables:
            out["variables"] = self.variables
        return out


class BusinessError(ConnectorError):
    """Raised by an errorExpression (`bpmn error(code, message, variables)`): a modelled outcome."""


class JobError(ConnectorError):
    """Raised by an errorExpression's `jobError(message, variables, retries, retryBackoff)` (code
    JOB_ERROR): a technical failure the engine handles.  `retries` / `backoff` are what the engine's
    fail-job command takes, with Camunda's defaults (0 retries left = an incident, 0 s) when the
    expression did not say; `job_retries` / `job_backoff` are None then, for engines with their own
    modelled retries."""

    def __init__(self, message: str, *, retries: int | None = None, backoff: float | None = None,
                 response: dict[str, Any] | None = None, variables: dict[str, Any] | None = None):
        super().__init__("JOB_ERROR", message, response=response, variables=variables,
                         job_retries=retries, job_backoff=backoff)

    @property
    def retries(self) -> int:
        return 0 if self.job_retries is None else self.job_retries

    @property
    def backoff(self) -> float:
        return 0.0 if self.job_backoff is None else self.job_backoff

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["retries"] = self.retries
        out["retryBackoff"] = f"PT{self.backoff:g}S"
        return out


class AuthError(ConnectorError):
    """Authentication failed: a token request was refused or answered nonsense."""
