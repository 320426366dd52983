"""Call one generated operation against its Prism mock and list what is wrong."""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from ._args import Doc, example_value, synthesize, to_python
from ._prism import PrismServer

STATIC_TOKEN = "contract-static-token"


@dataclass
class Call:
    """What was sent and what came back, with every problem found."""

    op_id: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # argument -> "example" | "schema"
    requests: list[httpx.Request] = field(default_factory=list)
    status: int | None = None
    body: bytes = b""
    log: str = ""
    problems: list[str] = field(default_factory=list)
    request_rejected: bool = False  # Prism found the request itself invalid (not the doc's answer)

    def report(self) -> str:
        sent = ", ".join(f"{k}<-{v}" for k, v in self.sources.items()) or "no arguments"
        lines = [f"{self.op_id}: {len(self.problems)} problem(s) (arguments: {sent})"]
        lines += [f"  - {p}" for p in self.problems]
        if self.requests:
            r = self.requests[-1]
            lines.append(f"  request: {r.method} {r.url}")
            if r.content:
                lines.append(f"  request body: {r.content[:600].decode('utf-8', 'replace')}")
        return "\n".join(lines)


class HttpxClientLike:
    """Stand-in ClientLike (used only while piwik_pro.PiwikPro is unavailable)."""

    def __init__(self, base_url: str, token: str) -> None:
        self._client = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    @property
    def raise_on_unexpected_status(self) -> bool:
        return False

    def get_httpx_client(self) -> httpx.Client:
        return self._client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        raise NotImplementedError

    def close(self) -> None:
        self._client.close()


def make_client(base_url: str) -> Any:
    """The real PiwikPro client in static-token mode (loopback plain HTTP allowed)."""
    try:
        from piwik_pro import PiwikPro
    except ImportError:
        return HttpxClientLike(base_url, STATIC_TOKEN)
    # No retries: every request is checked once, and Prism's log is read per request.
    return PiwikPro(host=base_url, token=STATIC_TOKEN, allow_insecure_http=True, max_retries=0)


class _ModelNames(dict[str, Any]):
    """Eval locals that fall back to the doc's lazy `models` package (names imported under TYPE_CHECKING)."""

    def __init__(self, models: Any) -> None:
        super().__init__()
        self.models = models

    def __missing__(self, name: str) -> Any:
        try:
            return getattr(self.models, name)
        except AttributeError:
            raise KeyError(name) from None


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """Annotations of `fn`, each evaluated alone; unknown names become Any."""
    package = fn.__module__.split(".api.")[0]
    try:
        names = _ModelNames(importlib.import_module(f"{package}.models"))
    except ImportError:
        names = _ModelNames(None)
    out: dict[str, Any] = {}
    for name, ann in inspect.signature(fn).parameters.items():
        annotation = ann.annotation
        if isinstance(annotation, str):
            try:
                annotation = eval(annotation, fn.__globals__, names)  # the generated module's own names
            except NameError:
                annotation = Any
        out[name] = annotation
    return out


def _norm(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def doc_parameter(doc: Doc, op: Mapping[str, Any], param: Mapping[str, Any]) -> dict[str, Any] | None:
    """The doc's parameter object for an index parameter: by (name, in), else by its Python name.

    The fallback keeps the call test independent of the index's wire names,
    which `test_index_matches_doc` checks on its own.
    """
    candidates = doc.parameters(op["method"], op["path"])
    exact = [c for c in candidates if c["name"] == param["name"] and c["in"] == param["in"]]
    if exact:
        return exact[0]
    loose = [c for c in candidates if c["in"] == param["in"] and _norm(c["name"]) == _norm(param["python_name"])]
    return loose[0] if len(loose) == 1 else None


def build_kwargs(
    doc: Doc, op: Mapping[str, Any], fn: Callable[..., Any]
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Keyword arguments for `fn` from the doc's examples (or synthesized from its schemas).

    A doc example that does not fit the generated type is a problem to report
    (the doc contradicts itself); the call then goes on with a value
    synthesized from the schema, so the rest of the operation is still checked.
    """
    hints = _hints(fn)
    kwargs: dict[str, Any] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []

    def convert(label: str, tp: Any, node: Mapping[str, Any], make: Callable[[Any], Any]) -> None:
        value, source = example_value(doc, node)
        try:
            kwargs[label] = make(value)
            sources[label] = source
            return
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            if source != "example":
                raise
            problems.append(
                f"the doc's example for {label} ({json.dumps(value)[:200]}) does not fit its type: {type(exc).__name__}: {exc}"
            )
        kwargs[label] = make(synthesize(doc, node.get("schema", {}), examples=False))
        sources[label] = "schema"

    for p in op["parameters"]:
        node = doc_parameter(doc, op, p)
        if node is None:
            raise AssertionError(f"index parameter {p['name']!r} ({p['in']}) is not in the doc's operation")
        if node.get("deprecated") and not p["required"]:
            continue  # an optional deprecated parameter: Prism warns about it, and a careful caller leaves it out
        tp = hints.get(p["python_name"], Any)
        convert(p["python_name"], tp, node, lambda v, tp=tp: to_python(tp, v))
    body = op.get("body")
    if body is not None:
        request_body = doc.resolve(doc.operation(op["method"], op["path"])["requestBody"])
        content = request_body["content"]
        media = op.get("request_content_type")
        media = media if media in content else next(iter(content))
        make: Callable[[Any], Any]
        if body.get("model") and body.get("module"):
            model = getattr(importlib.import_module(body["module"]), body["model"])
            make = model.from_dict if hasattr(model, "from_dict") else (lambda v: to_python(model, v))
        else:
            make = lambda v: to_python(hints.get("body", Any), v)  # noqa: E731
        convert("body", None, doc.resolve(content[media]), make)
    return kwargs, sources, problems


def _violations(header: str | None) -> list[str]:
    """Prism's `sl-violations` header as lines saying whose fault each one is."""
    if not header:
        return []
    try:
        items = json.loads(header)
    except ValueError:
        return [f"Prism violations: {header}"]
    out = []
    for v in items:
        where = list(v.get("location", []))
        side = where[0] if where else "?"
        blame = (
            "Prism rejected the request"
            if side == "request"
            else "the doc's response example contradicts its own schema"
            if side == "response"
            else "Prism violation"
        )
        out.append(f"{blame}: {v.get('message')} [{'.'.join(map(str, where))}, {v.get('code')}]")
    return out


def _media(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _accepts(accept: str, media: str) -> bool:
    for part in accept.split(","):
        want = _media(part)
        if want in ("*/*", media) or (want.endswith("/*") and media.startswith(want[:-1])):
            return True
    return False


def violations_in_log(log: str) -> list[str]:
    """Prism's error and warning lines (request/response violations, unmatched routes, ...)."""
    marker = "\u203a "  # Prism's log prefix ends with a single right-pointing angle quote
    return [line.split(marker, 1)[-1].strip() for line in log.splitlines() if "\u2716" in line or "\u26a0" in line]


def run_operation(
    doc: Doc,
    op: Mapping[str, Any],
    server: PrismServer,
    client: Any,
    tamper: Callable[[dict[str, Any]], None] | None = None,
) -> Call:
    """Call `op` with arguments from the doc and list every problem; `tamper` spoils them (negative tests)."""
    call = Call(op_id=f"{op['doc']}/{op['name']} {op['method']} {op['path']}")
    module = importlib.import_module(op["module"])
    call.kwargs, call.sources, call.problems = build_kwargs(doc, op, module.sync_detailed)
    if tamper is not None:
        tamper(call.kwargs)

    hooks = client.get_httpx_client().event_hooks
    answers: list[httpx.Response] = []
    capture, answer = call.requests.append, answers.append
    hooks["request"].append(capture)
    hooks["response"].append(answer)
    offset = server.log_offset()
    try:
        response = module.sync_detailed(client=client, **call.kwargs)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # The request went out but the generated parser choked on the answer.
        call.log = server.log_since(offset)
        if answers:
            call.status = answers[-1].status_code
            violations = _violations(answers[-1].headers.get("sl-violations"))
            call.problems += violations
            call.request_rejected = call.status in (406, 415, 422) or any(
                v.startswith("Prism rejected") for v in violations
            )
        call.problems.append(
            f"the {call.status} response did not parse into the typed model: {type(exc).__name__}: {exc}"
        )
        call.problems += [f"Prism log: {line}" for line in violations_in_log(call.log)]
        return call
    finally:
        hooks["request"].remove(capture)
        hooks["response"].remove(answer)
    call.log = server.log_since(offset)
    call.status = int(response.status_code)
    call.body = response.content

    violations = _violations(response.headers.get("sl-violations"))
    call.request_rejected = call.status in (406, 415, 422) or any(v.startswith("Prism rejected") for v in violations)
    if not 200 <= call.status < 300:
        detail = "; ".join(violations) or call.body[:500].decode("utf-8", "replace")
        call.problems.append(f"Prism answered {call.status}: {detail}")
    else:
        call.problems += violations
    operation = doc.operation(op["method"], op["path"])
    response_doc = doc.resolve(operation.get("responses", {}).get(str(call.status), {}))
    for line in violations_in_log(call.log):
        # A body-less answer (204) has no content to negotiate: Prism's "Unable to find content" is noise there.
        if "Unable to find content for" in line and not response_doc.get("content"):
            continue
        if violations and line.startswith("[VALIDATOR]"):
            continue  # the same violations as the sl-violations header, already listed
        call.problems.append(f"Prism log: {line}")

    if call.requests:
        request = call.requests[-1]
        request_body = operation.get("requestBody")
        if request.content and request_body is not None:
            declared = {_media(m) for m in doc.resolve(request_body)["content"]}
            sent = _media(request.headers.get("content-type"))
            if sent not in declared and not (sent == "multipart/form-data" and "multipart/form-data" in declared):
                call.problems.append(f"Content-Type {sent!r} is not one the doc declares: {sorted(declared)}")
        response_doc = doc.resolve(operation.get("responses", {}).get(str(call.status), {}))
        produced = [_media(m) for m in response_doc.get("content", {})]
        accept = request.headers.get("accept")
        if produced and not accept:
            call.problems.append(f"no Accept header; the doc's {call.status} response is {produced}")
        elif produced and not any(_accepts(accept or "", m) for m in produced):
            call.problems.append(f"Accept {accept!r} matches none of the doc's {call.status} media types {produced}")

    if 200 <= call.status < 300:
        response_doc = doc.resolve(operation.get("responses", {}).get(str(call.status), {}))
        has_schema = any("schema" in doc.resolve(m) for m in response_doc.get("content", {}).values())
        if has_schema and response.parsed is None:
            call.problems.append(f"the {call.status} response did not parse into a typed model (parsed is None)")
    return call


# Statuses with which the sandbox says "this request is malformed" (as opposed to 404/409 state answers).
SANDBOX_REJECTS = (400, 406, 415, 422)


def call_sandbox(op: Mapping[str, Any], kwargs: dict[str, Any], client: Any) -> httpx.Response:
    """Send the same arguments through the same generated function to the sandbox."""
    module = importlib.import_module(op["module"])
    sent: list[httpx.Response] = []
    hooks = client.get_httpx_client().event_hooks
    hooks["response"].append(sent.append)
    try:
        module.sync_detailed(client=client, **kwargs)
    except (KeyError, TypeError, ValueError, AttributeError):
        pass  # parsing is judged against Prism; here only the verdict on the request matters
    finally:
        hooks["response"].remove(sent.append)
    for r in sent:
        r.read()
    return sent[-1]
