"""Bodies as plain dicts: typed by the generated TypedDicts, checked by from_dict before anything is sent.

Over real HTTP against the sandbox: a dict body reaches the API exactly as a model would send it; a
wrong dict raises BodyValidationError naming the JSON path and the model, and the sandbox sees no
request.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from typing import Any

import pytest
from piwik_pro import AsyncPiwikPro, BodyValidationError, PiwikPro, PiwikProError
from piwik_pro._operations import match_path
from piwik_pro.sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox

from .conftest import api_requests

pytestmark = pytest.mark.timeout(60)

INVITE = {"data": {"type": "ppms/user", "attributes": {"email": "dict@example.com", "language": "en-US"}}}
NO_EMAIL = {"data": {"type": "ppms/user", "attributes": {"language": "en-US"}}}


def _invite() -> Any:
    info = match_path("POST", "/api/users/v2/invite")
    assert info is not None
    return info


def test_a_dict_body_is_sent_like_the_model(sandbox: Sandbox, pp: PiwikPro) -> None:
    info = _invite()
    invited = info.load().sync(client=pp, body=INVITE)
    assert invited.data.attributes.email == "dict@example.com"
    (sent,) = [r for r in api_requests(sandbox) if r.path == "/api/users/v2/invite"]
    model = getattr(importlib.import_module(info.body.module), info.body.model)
    assert json.loads(sent.body) == model.from_dict(INVITE).to_dict() == INVITE
    assert sent.headers["content-type"] == "application/vnd.api+json"


def test_a_wrong_dict_names_the_path_and_the_model_and_sends_nothing(sandbox: Sandbox, pp: PiwikPro) -> None:
    fn = _invite().load()
    with pytest.raises(BodyValidationError) as caught:
        fn.sync(client=pp, body=NO_EMAIL)
    assert str(caught.value) == "data.attributes.email: required (JsonApiUserInvite)"
    assert (caught.value.path, caught.value.problem) == ("data.attributes.email", "required")
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, PiwikProError)
    wrong_type = {"data": {"type": "ppms/usr", "attributes": {"email": "x@example.com"}}}
    with pytest.raises(BodyValidationError, match=r"^data\.type: 'ppms/usr' is not a valid .* \(JsonApiUserInvite\)$"):
        fn.sync(client=pp, body=wrong_type)
    with pytest.raises(BodyValidationError, match=r"^data: expected a JSON object \(JsonApiUserInvite\)$"):
        fn.sync(client=pp, body={"data": "ppms/user"})
    assert api_requests(sandbox) == []


def test_from_dict_raises_the_named_error_not_a_bare_key_error() -> None:
    info = _invite()
    model = getattr(importlib.import_module(info.body.module), info.body.model)
    with pytest.raises(BodyValidationError, match=r"^data\.attributes\.email: required \(JsonApiUserInvite\)$"):
        model.from_dict(NO_EMAIL)


def test_async_dict_body(sandbox: Sandbox) -> None:
    fn = _invite().load()

    async def run() -> Any:
        async with AsyncPiwikPro(sandbox.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as app:
            with pytest.raises(BodyValidationError):
                await fn.asyncio(client=app, body=NO_EMAIL)
            return await fn.asyncio(client=app, body=INVITE)

    assert asyncio.run(run()).data.attributes.email == "dict@example.com"
    assert [r.path for r in api_requests(sandbox)] == ["/api/users/v2/invite"]


def _request_examples() -> list[Any]:
    from tests.generated._examples import docs_source, fixed_docs, request_examples

    if not docs_source():
        return [pytest.param(None, marks=pytest.mark.skip(reason="needs PIWIK_PRO_DOCS_SOURCE"))]
    return [pytest.param(e, id=e.id) for pkg, doc in fixed_docs().items() for e in request_examples(pkg, doc)]


@pytest.mark.parametrize("example", _request_examples())
def test_every_request_example_as_a_dict_is_sent_as_written(example: Any) -> None:
    """Each doc request example, given as a plain dict, goes on the wire exactly as written
    (the body is read into its model, union bodies into the member it fits)."""
    import inspect
    import re

    from piwik_pro_api._index import OPERATIONS

    def shape(path: str) -> str:
        return re.sub(r"{[^{}]*}", "{}", path)

    (op,) = [
        o
        for o in OPERATIONS
        if o["doc"] == example.doc and o["method"] == example.method.upper() and shape(o["path"]) == shape(example.path)
    ]
    module = importlib.import_module(op["module"])
    required = [
        n
        for n, p in inspect.signature(module._get_kwargs).parameters.items()
        if p.default is inspect.Parameter.empty and n != "body"
    ]
    path_params = {p["python_name"] for p in op["parameters"] if p["in"] == "path"}
    if set(required) - path_params:
        pytest.skip("a required query or header parameter")  # building those is not what this test is about
    kwargs = module._get_kwargs(body=example.value, **{n: "00000000-0000-0000-0000-000000000001" for n in required})
    assert kwargs["json"] == example.value


def test_a_dict_no_member_of_a_union_body_fits_is_refused(sandbox: Sandbox, pp: PiwikPro) -> None:
    info = match_path("POST", "/api/tag/v1/00000000-0000-0000-0000-000000000001/tags")
    assert info is not None  # create_tag: its body is a union of one model per tag template
    with pytest.raises(BodyValidationError, match=r"^fits none of the body's \d+ models: data\.attributes\.\w+: "):
        info.load().sync(
            client=pp, app_id="00000000-0000-0000-0000-000000000001", body={"data": {"type": "tag", "attributes": {}}}
        )
    assert api_requests(sandbox) == []


def _lenient_models() -> tuple[type[Any], type[Any]]:
    """Two generated-style models a dict {"x", "y"} both read and send back as written: Narrow keeps
    "y" as an extra key, Wide declares it (a tighter fit)."""
    import attrs

    @attrs.define
    class Narrow:
        x: int
        additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)

        @classmethod
        def from_dict(cls, d: dict[str, Any]) -> Any:
            d = dict(d)
            made = cls(x=d.pop("x"))
            made.additional_properties = d
            return made

        def to_dict(self) -> dict[str, Any]:
            return {"x": self.x, **self.additional_properties}

    @attrs.define
    class Wide:
        x: int
        y: int
        additional_properties: dict[str, Any] = attrs.field(init=False, factory=dict)

        @classmethod
        def from_dict(cls, d: dict[str, Any]) -> Any:
            return cls(x=d["x"], y=d["y"])

        def to_dict(self) -> dict[str, Any]:
            return {"x": self.x, "y": self.y}

    return Narrow, Wide


def test_a_union_dict_body_becomes_the_same_member_whatever_the_members_order() -> None:
    narrow, wide = _lenient_models()
    for order in ((narrow, wide), (wide, narrow)):
        chosen = BodyValidationError.best_fit({"x": 1, "y": 2}, order)
        assert type(chosen) is wide, order  # the member that declares every key, as the CLI's --data picks
    assert type(BodyValidationError.best_fit({"x": 1}, (wide, narrow))) is narrow  # the one that reads it


_TYPED_USE = """
from piwik_pro import PiwikPro
from piwik_pro_api.users.api.default import invite_user
from piwik_pro_api.users.models.json_api_user_invite import JsonApiUserInviteDict


def ok(pp: PiwikPro) -> None:
    invite_user.sync(client=pp, body={"data": {"type": "ppms/user", "attributes": {"email": "a@example.com"}}})
    body: JsonApiUserInviteDict = {"data": {"type": "ppms/user", "attributes": {"email": "b@example.com"}}}
    invite_user.sync(client=pp, body=body)


def wrong_enum() -> JsonApiUserInviteDict:
    return {"data": {"type": "ppms/usr", "attributes": {"email": "a@example.com"}}}  # line 14


def missing_email() -> JsonApiUserInviteDict:
    return {"data": {"type": "ppms/user", "attributes": {"language": "en-US"}}}  # line 18


def wrong_type() -> JsonApiUserInviteDict:
    return {"data": {"type": "ppms/user", "attributes": {"email": 5}}}  # line 22


def unknown_key() -> JsonApiUserInviteDict:
    return {"data": {"type": "ppms/user", "attributes": {"email": "a@example.com"}, "typo": 1}}  # line 26
"""


@pytest.mark.timeout(300)
def test_dict_bodies_are_typed_for_mypy(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The TypedDicts: Literal enums, required and NotRequired keys, nested models, no unknown keys."""
    api = pytest.importorskip("mypy.api", reason="mypy is not installed in this environment")
    import os

    from tests.conftest import ROOT

    (tmp_path / "use.py").write_text(_TYPED_USE)
    monkeypatch.setenv("MYPYPATH", os.pathsep.join([str(ROOT / "generated"), str(ROOT / "overrides")]))
    out, err, _ = api.run(
        ["--strict", "--python-version", "3.10", "--no-incremental", "--follow-imports=silent",
         "--cache-dir", str(tmp_path / ".mypy"), str(tmp_path / "use.py")]
    )  # fmt: skip
    lines = sorted({int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line})
    assert lines == [14, 18, 22, 26], out + err
