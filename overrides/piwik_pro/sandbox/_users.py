"""Users v2 with state: invite, add, list, get, edit, change role, delete, and "me".

Validation errors are the users doc's own examples (read at runtime, values
filled in); our fallback wording serves only docs that lack an example.
"""

from __future__ import annotations

import datetime
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._call import Call, Reply
from ._clock import Clock
from ._docs import SandboxDocs
from ._errors import ApiError, error_object
from ._validate import NO_BODY, check_body, doc_error

USER_TYPE = "ppms/user"
OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "Sandbox-Passw0rd"
# Fallback only: the doc's "unsupported language" example lists the supported ones and wins when present.
_DEFAULT_LANGUAGES = ("ca", "de", "en", "es", "fi", "fr", "nl", "sv")
_ISO_3166 = frozenset(
    [
        "AD",
        "AE",
        "AF",
        "AG",
        "AI",
        "AL",
        "AM",
        "AO",
        "AQ",
        "AR",
        "AS",
        "AT",
        "AU",
        "AW",
        "AX",
        "AZ",
        "BA",
        "BB",
        "BD",
        "BE",
        "BF",
        "BG",
        "BH",
        "BI",
        "BJ",
        "BL",
        "BM",
        "BN",
        "BO",
        "BQ",
        "BR",
        "BS",
        "BT",
        "BV",
        "BW",
        "BY",
        "BZ",
        "CA",
        "CC",
        "CD",
        "CF",
        "CG",
        "CH",
        "CI",
        "CK",
        "CL",
        "CM",
        "CN",
        "CO",
        "CR",
        "CU",
        "CV",
        "CW",
        "CX",
        "CY",
        "CZ",
        "DE",
        "DJ",
        "DK",
        "DM",
        "DO",
        "DZ",
        "EC",
        "EE",
        "EG",
        "EH",
        "ER",
        "ES",
        "ET",
        "FI",
        "FJ",
        "FK",
        "FM",
        "FO",
        "FR",
        "GA",
        "GB",
        "GD",
        "GE",
        "GF",
        "GG",
        "GH",
        "GI",
        "GL",
        "GM",
        "GN",
        "GP",
        "GQ",
        "GR",
        "GS",
        "GT",
        "GU",
        "GW",
        "GY",
        "HK",
        "HM",
        "HN",
        "HR",
        "HT",
        "HU",
        "ID",
        "IE",
        "IL",
        "IM",
        "IN",
        "IO",
        "IQ",
        "IR",
        "IS",
        "IT",
        "JE",
        "JM",
        "JO",
        "JP",
        "KE",
        "KG",
        "KH",
        "KI",
        "KM",
        "KN",
        "KP",
        "KR",
        "KW",
        "KY",
        "KZ",
        "LA",
        "LB",
        "LC",
        "LI",
        "LK",
        "LR",
        "LS",
        "LT",
        "LU",
        "LV",
        "LY",
        "MA",
        "MC",
        "MD",
        "ME",
        "MF",
        "MG",
        "MH",
        "MK",
        "ML",
        "MM",
        "MN",
        "MO",
        "MP",
        "MQ",
        "MR",
        "MS",
        "MT",
        "MU",
        "MV",
        "MW",
        "MX",
        "MY",
        "MZ",
        "NA",
        "NC",
        "NE",
        "NF",
        "NG",
        "NI",
        "NL",
        "NO",
        "NP",
        "NR",
        "NU",
        "NZ",
        "OM",
        "PA",
        "PE",
        "PF",
        "PG",
        "PH",
        "PK",
        "PL",
        "PM",
        "PN",
        "PR",
        "PS",
        "PT",
        "PW",
        "PY",
        "QA",
        "RE",
        "RO",
        "RS",
        "RU",
        "RW",
        "SA",
        "SB",
        "SC",
        "SD",
        "SE",
        "SG",
        "SH",
        "SI",
        "SJ",
        "SK",
        "SL",
        "SM",
        "SN",
        "SO",
        "SR",
        "SS",
        "ST",
        "SV",
        "SX",
        "SY",
        "SZ",
        "TC",
        "TD",
        "TF",
        "TG",
        "TH",
        "TJ",
        "TK",
        "TL",
        "TM",
        "TN",
        "TO",
        "TR",
        "TT",
        "TV",
        "TW",
        "TZ",
        "UA",
        "UG",
        "UM",
        "US",
        "UY",
        "UZ",
        "VA",
        "VC",
        "VE",
        "VG",
        "VI",
        "VN",
        "VU",
        "WF",
        "WS",
        "YE",
        "YT",
        "ZA",
        "ZM",
        "ZW",
    ]
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]{2,8}))?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SORT_KEYS = ("email", "addedAt", "role")


@dataclass
class User:
    id: str
    email: str
    role: str
    language: str
    added_at: str
    seq: int
    password: str | None = None

    def resource(self, organization: str) -> dict[str, Any]:
        attributes = {
            "email": self.email,
            "role": self.role,
            "organization": organization,
            "addedAt": self.added_at,
            "language": self.language,
        }
        return {"id": self.id, "type": USER_TYPE, "attributes": attributes}


Handler = Callable[["UsersState", Call], Reply]
ROUTES: dict[tuple[str, str], Handler] = {}


def route(method: str, path: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES[(method, path)] = handler
        return handler

    return register


class UsersState:
    """In-memory users of one sandbox; the token's identity is the seeded owner ("me")."""

    organization = "sandbox"

    def __init__(self, docs: SandboxDocs, clock: Clock) -> None:
        self.docs = docs
        self.clock = clock
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self._seq = 0
        self.me = self._create(OWNER_EMAIL, "OWNER", "en-US", OWNER_PASSWORD)
        self.languages = self._supported_languages()

    def handle(self, call: Call) -> Reply | None:
        handler = ROUTES.get((call.op.method, call.op.path))
        if handler is None or call.op.package != "users":
            return None
        with self.lock:
            return handler(self, call)

    # -- helpers --------------------------------------------------------------------------

    def _create(self, email: str, role: str, language: str, password: str | None = None) -> User:
        self._seq += 1
        added = datetime.datetime.fromtimestamp(self.clock.now(), datetime.timezone.utc)
        user = User(str(uuid.uuid4()), email, role, language, added.isoformat(timespec="seconds"), self._seq, password)
        self.users[user.id] = user
        return user

    def _supported_languages(self) -> tuple[str, ...]:
        example = self.docs.error_example("unsupported_language") or {}
        found = re.search(r"supported are ([a-z, ]+)\)", str(example.get("detail", "")))
        return tuple(s.strip() for s in found.group(1).split(",")) if found else _DEFAULT_LANGUAGES

    def error(self, name: str, *values: str | None, fallback: dict[str, Any], status: int | None = None) -> ApiError:
        return doc_error(self.docs, name, values, fallback, status)

    def lookup(self, raw_id: str) -> User:
        if not _UUID.match(raw_id):
            raise self.error("invalid_uuid", raw_id, fallback=error_object(400, f'"{raw_id}" is not a valid UUID.'))
        user = self.users.get(raw_id.lower())
        if user is None:
            raise self.error(
                "user_does_not_exist",
                raw_id,
                fallback=error_object(404, f"User {raw_id} not found", code="users.error.user-does-not-exist"),
                status=404,
            )
        return user

    def resource_data(self, call: Call, *, need_id: bool) -> tuple[dict[str, Any], dict[str, Any]]:
        """(data, attributes) of a JSON:API users body, checking its shape and resource type."""
        body = call.body
        data = body.get("data") if isinstance(body, dict) else None
        if body is NO_BODY or not isinstance(data, dict):
            raise self.error(
                "invalid_json_api_content",
                fallback=error_object(400, "Invalid JSON:API document: expected an object with 'data'"),
            )
        if data.get("type") != USER_TYPE:
            sent = data.get("type")
            raise self.error(
                "invalid_json_api_type",
                sent if isinstance(sent, str) else str(sent),
                USER_TYPE,
                fallback=error_object(400, f"Resource type must be {USER_TYPE!r}", code="error.json-api-resource-type"),
            )
        if need_id and "id" not in data:
            raise self.error(
                "json_api_id_not_provided",
                fallback=error_object(400, "data.id is missing", code="error.json-api-resource-id-not-provided"),
            )
        attributes = data.get("attributes", {})
        if not isinstance(attributes, dict):
            raise self.error(
                "invalid_attributes",
                "attributes",
                _php_type(attributes),
                fallback=error_object(400, "data.attributes must be an object"),
            )
        return data, attributes

    def check_id_matches(self, call: Call, data: dict[str, Any], url_id: str) -> None:
        if str(data.get("id")).lower() != url_id.lower():
            # 409 as the users doc says; a doc that documents no 409 for the operation gets its 400.
            status = 409 if 409 in call.op.responses else 400
            sent = str(data.get("id"))
            raise self.error(
                "id_mismatch",
                sent,
                url_id,
                fallback=error_object(
                    status,
                    "data.id does not match the URL's id",
                    detail=f"data.id {sent} does not match the id in the URL, {url_id}",
                    pointer="/data",
                ),
                status=status,
            )

    def check_email(self, attributes: dict[str, Any]) -> str:
        email = attributes.get("email")
        if email is None or email == "":
            raise self.error(
                "email_should_not_be_blank", fallback=error_object(400, "email is blank", pointer="/email")
            )
        if not isinstance(email, str):
            raise self.error(
                "email_invalid_type", fallback=error_object(400, "email is not a string", pointer="/email")
            )
        if not _EMAIL.match(email):
            raise self.error(
                "email_invalid_value", email, fallback=error_object(400, "invalid email", pointer="/email")
            )
        return email

    def check_language(self, language: Any) -> str:
        if not isinstance(language, str) or not (found := _LANGUAGE_TAG.match(language)):
            raise self.error(
                "unsupported_language_tag",
                fallback=error_object(400, "use an IETF language tag such as en-US", pointer="/language"),
            )
        base, region = found.group(1), found.group(2)
        if base not in self.languages:
            raise self.error(
                "unsupported_language",
                base,
                fallback=error_object(400, f"language {base!r} is not supported", pointer="/language"),
            )
        if region is not None and region not in _ISO_3166:
            raise self.error(
                "unsupported_language_region",
                region,
                fallback=error_object(400, f"region {region!r} is not supported", pointer="/language"),
            )
        return language

    def check_role(self, role: Any) -> str:
        if role not in ("OWNER", "USER"):
            raise self.error("invalid_role", str(role), fallback=error_object(400, "invalid role", pointer="/role"))
        return str(role)

    def check_password(self, password: Any, example: str, pointer: str) -> str:
        # The doc's error example names the character classes only; its own valid example
        # ("Secret1337") is shorter than the 12 characters a description mentions, so no minimum.
        ok = isinstance(password, str) and 0 < len(password) <= 128
        ok = ok and all(re.search(p, str(password)) for p in (r"\d", "[A-Z]", "[a-z]"))
        if not ok:
            raise self.error(example, fallback=error_object(400, "password too weak", pointer=pointer))
        return str(password)

    def check_unique(self, email: str) -> None:
        if any(u.email.lower() == email.lower() for u in self.users.values()):
            raise self.error(
                "user_already_exists",
                email,
                fallback=error_object(400, "user exists", code="users.error.user-already-exists", pointer="/email"),
            )

    def one(self, user: User, status: int = 200) -> Reply:
        return Reply.json(status, {"data": user.resource(self.organization)})


def _php_type(value: Any) -> str:
    names = {bool: "bool", int: "int", float: "float", str: "string", list: "array", type(None): "null"}
    return names.get(type(value), type(value).__name__)


# -- handlers --------------------------------------------------------------------------------


@route("POST", "/api/users/v2/invite")
def invite(state: UsersState, call: Call) -> Reply:
    _, attributes = state.resource_data(call, need_id=False)
    email = state.check_email(attributes)
    language = state.check_language(attributes.get("language", "en-US"))
    check_body(state.docs, call.op, call.media or "", call.body)
    state.check_unique(email)
    return state.one(state._create(email, "USER", language), 201)


@route("POST", "/api/users/v2")
def add(state: UsersState, call: Call) -> Reply:
    _, attributes = state.resource_data(call, need_id=False)
    email = state.check_email(attributes)
    password = state.check_password(attributes.get("password"), "invalid_password_policy", "/password")
    role = state.check_role(attributes.get("role", "USER"))
    language = state.check_language(attributes.get("language", "en-US"))
    check_body(state.docs, call.op, call.media or "", call.body)
    state.check_unique(email)
    return state.one(state._create(email, role, language, password), 201)


@route("GET", "/api/users/v2")
def list_users(state: UsersState, call: Call) -> Reply:
    offset = _non_negative(state, call, "offset", 0, "invalid_offset")
    limit = _non_negative(state, call, "limit", 10, "invalid_limit")
    if limit > 1000:
        raise state.error(
            "invalid_limit_over",
            "1000",
            str(limit),
            fallback=error_object(400, "limit is over 1000", parameter="limit"),
        )
    sort = call.query_value("sort") or "-addedAt"
    if sort.lstrip("-") not in _SORT_KEYS:
        raise state.error(
            "invalid_sort", "sort", sort, fallback=error_object(400, f"cannot sort by {sort!r}", parameter="sort")
        )
    search = (call.query_value("search") or call.query_value("search_query") or "").lower()
    users = [u for u in state.users.values() if search in u.email.lower() or search in u.id]
    key = sort.lstrip("-")
    # Creation order breaks ties (addedAt has one-second resolution).
    users.sort(key=lambda u: (u.added_at if key == "addedAt" else getattr(u, key), u.seq), reverse=sort[0] == "-")
    page = users[offset : offset + limit]
    body = {"data": [u.resource(state.organization) for u in page], "meta": {"total": len(users)}}
    return Reply.json(200, body)


def _non_negative(state: UsersState, call: Call, name: str, default: int, example: str) -> int:
    raw = call.query_value(name)
    if raw is None:
        return default
    if not re.fullmatch(r"\d+", raw):
        raise state.error(example, name, raw, fallback=error_object(400, f"{name} must be >= 0", parameter=name))
    return int(raw)


@route("GET", "/api/users/v2/{userId}")
def get_user(state: UsersState, call: Call) -> Reply:
    return state.one(state.lookup(call.path_params["userId"]))


@route("PATCH", "/api/users/v2/{userId}")
def edit_user(state: UsersState, call: Call) -> Reply:
    user = state.lookup(call.path_params["userId"])
    data, attributes = state.resource_data(call, need_id=True)
    state.check_id_matches(call, data, user.id)
    return _edit(state, call, user, attributes)


@route("PATCH", "/api/users/v2/{userId}/change-role")
def change_role(state: UsersState, call: Call) -> Reply:
    user = state.lookup(call.path_params["userId"])
    data, attributes = state.resource_data(call, need_id=True)
    state.check_id_matches(call, data, user.id)
    if "role" not in attributes:
        raise ApiError.of(400, "Invalid form", code="error.not-blank", detail="role is required", pointer="/role")
    return _edit(state, call, user, {"role": attributes["role"]})


@route("PATCH", "/api/users/v2/me")
def edit_me(state: UsersState, call: Call) -> Reply:
    data, attributes = state.resource_data(call, need_id=False)
    if "id" in data:
        state.check_id_matches(call, data, state.me.id)
    return _edit(state, call, state.me, attributes)


def _edit(state: UsersState, call: Call, user: User, attributes: dict[str, Any]) -> Reply:
    role = state.check_role(attributes["role"]) if "role" in attributes else user.role
    if role != user.role and user is state.me:
        raise state.error(
            "cannot_change_own_role", fallback=error_object(400, "cannot change own role", code="users.error.default")
        )
    language = state.check_language(attributes["language"]) if "language" in attributes else user.language
    check_body(state.docs, call.op, call.media or "", call.body)
    user.role, user.language = role, language
    return Reply.empty()


@route("DELETE", "/api/users/v2/{userId}")
def delete_user(state: UsersState, call: Call) -> Reply:
    user = state.lookup(call.path_params["userId"])
    if user is state.me:
        raise state.error("cannot_delete_own_account", fallback=error_object(400, "cannot delete own account"))
    if user.role == "OWNER" and sum(u.role == "OWNER" for u in state.users.values()) == 1:
        raise state.error("cannot_delete_last_owner", fallback=error_object(400, "cannot delete last owner"))
    del state.users[user.id]
    return Reply.empty()


@route("GET", "/api/users/v2/me")
def me(state: UsersState, call: Call) -> Reply:
    return state.one(state.me)


@route("GET", "/api/users/v2/me/details")
def me_details(state: UsersState, call: Call) -> Reply:
    return state.one(state.me)


@route("PATCH", "/api/users/v2/me/change-password")
def change_password(state: UsersState, call: Call) -> Reply:
    _, attributes = state.resource_data(call, need_id=False)
    current = attributes.get("currentPassword")
    if not isinstance(current, str):
        raise state.error(
            "invalid_current_password_type", fallback=error_object(400, "not a string", pointer="/currentPassword")
        )
    if current != state.me.password:
        raise state.error(
            "invalid_current_password", fallback=error_object(400, "wrong password", pointer="/currentPassword")
        )
    new = state.check_password(attributes.get("newPassword"), "invalid_new_password", "/newPassword")
    check_body(state.docs, call.op, call.media or "", call.body)
    state.me.password = new
    return Reply.empty()
