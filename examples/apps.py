"""Apps: create a website app, list every app page by page, read it back, delete it.

Runs against the sandbox or a real account (PIWIK_PRO_HOST / _CLIENT_ID / _CLIENT_SECRET).
"""

from __future__ import annotations

from piwik_pro import PiwikPro


def main() -> None:
    with PiwikPro.from_env() as pp:
        new_app = {
            "data": {
                "type": "ppms/app",
                "attributes": {"name": "Example shop", "urls": ["https://shop.example.com"], "timezone": "UTC"},
            }
        }
        created = pp.apps.create_app(body=new_app)
        app_id = created.data.id
        print(f"created app {created.data.attributes.name!r}: {app_id}")

        # paginate() follows the offset/limit pages until meta.total is reached.
        names = [app.attributes.name for app in pp.apps.list_apps.paginate(limit=50)]
        print(f"{len(names)} app(s) in the account")

        details = pp.apps.get_app(app_id=app_id)
        print(f"{details.data.attributes.name}: urls {details.data.attributes.urls}")

        pp.apps.delete_app(app_id=app_id)
        print("deleted it")


if __name__ == "__main__":
    main()
