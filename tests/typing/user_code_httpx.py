"""The baseline for tests/bench/bench_typing.py: tests/typing/user_code.py's calls written against raw
httpx (what a user without this client writes). Only type-checked for timing, never run."""

from __future__ import annotations

import asyncio
import os

import httpx

HOST = os.environ.get("PIWIK_PRO_HOST", "https://acme.piwik.pro")
APP_ID = os.environ.get("PIWIK_PRO_APP_ID", "00000000-0000-4000-8000-000000000001")
SITE_ID = os.environ.get("PIWIK_PRO_SITE_ID", "00000000-0000-4000-8000-000000000001")
JSON_API = {"Content-Type": "application/vnd.api+json", "Accept": "application/vnd.api+json"}


def token(client: httpx.Client) -> str:
    body = {
        "grant_type": "client_credentials",
        "client_id": os.environ.get("PIWIK_PRO_CLIENT_ID", ""),
        "client_secret": os.environ.get("PIWIK_PRO_CLIENT_SECRET", ""),
    }
    answer: dict[str, object] = client.post("/auth/token", json=body).raise_for_status().json()
    return str(answer["access_token"])


def walkthrough(client: httpx.Client) -> None:
    invite = {"data": {"type": "ppms/user", "attributes": {"email": "typed@example.com", "language": "en-US"}}}
    invited: dict[str, dict[str, str]] = client.post("/api/users/v2/invite", json=invite, headers=JSON_API).json()
    user_id = invited["data"]["id"]
    user = client.get(f"/api/users/v2/{user_id}", headers=JSON_API)
    print(user.status_code, user.text[:100])
    edit = {"data": {"id": user_id, "type": "ppms/user", "attributes": {"language": "de-DE"}}}
    client.patch(f"/api/users/v2/{user_id}", json=edit, headers=JSON_API).raise_for_status()
    client.delete(f"/api/users/v2/{user_id}", headers=JSON_API).raise_for_status()
    gone = client.get(f"/api/users/v2/{user_id}", headers=JSON_API)
    if gone.status_code == 404:
        print("deleted")


def lists(client: httpx.Client) -> None:
    offset, emails = 0, []
    while True:
        page = client.get("/api/users/v2", params={"limit": 2, "offset": offset}, headers=JSON_API).json()
        items: list[dict[str, dict[str, str]]] = page["data"]
        emails += [item["attributes"]["email"] for item in items]
        offset += len(items)
        if not items or offset >= int(page["meta"]["total"]):
            break
    print(len(emails))


def tag_manager_and_analytics(client: httpx.Client) -> None:
    tags = client.get(f"/api/tag/v1/{APP_ID}/tags", headers=JSON_API).json()
    print(len(tags["data"]))
    query = {
        "website_id": SITE_ID,
        "date_from": "2026-01-01",
        "date_to": "2026-01-07",
        "columns": [{"column_id": "sessions"}],
    }
    report = client.post("/api/analytics/v1/query/", json=query).json()
    print(report["meta"]["count"])


async def walkthrough_async(bearer: str) -> None:
    async with httpx.AsyncClient(base_url=HOST, headers={"Authorization": f"Bearer {bearer}"}) as client:
        users = await client.get("/api/users/v2", params={"limit": 1}, headers=JSON_API)
        print(users.status_code)


def main() -> None:
    with httpx.Client(base_url=HOST) as client:
        bearer = token(client)
        client.headers["Authorization"] = f"Bearer {bearer}"
        walkthrough(client)
        lists(client)
        tag_manager_and_analytics(client)
    asyncio.run(walkthrough_async(bearer))


if __name__ == "__main__":
    main()
