"""Meta sites: group apps into a meta site (roll-up reporting) and list what it contains.

Runs against the sandbox or a real account (PIWIK_PRO_HOST / _CLIENT_ID / _CLIENT_SECRET).
"""

from __future__ import annotations

from piwik_pro import PiwikPro


def main() -> None:
    with PiwikPro.from_env() as pp:
        # Any two apps of the account; a real script would pick them by name.
        apps = pp.apps.list_apps(limit=2).data
        print(f"grouping {len(apps)} app(s): {', '.join(a.attributes.name for a in apps)}")

        body = {"data": {"type": "ppms/meta-site", "attributes": {"name": "All shops", "currency": "EUR"}}}
        meta_site = pp.meta_sites.add_meta_site(body=body)
        meta_site_id = meta_site.data.id
        print(f"created meta site {meta_site.data.attributes.name!r}: {meta_site_id}")

        members = {"data": [{"type": "ppms/app", "id": str(a.id)} for a in apps]}
        pp.meta_sites.add_apps_to_meta_site(meta_site_id=meta_site_id, body=members)

        inside = pp.meta_sites.list_apps_in_meta_site(meta_site_id=meta_site_id)
        print(f"the meta site now reports on {len(inside.data)} app(s)")


if __name__ == "__main__":
    main()
