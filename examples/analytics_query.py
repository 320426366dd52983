"""Analytics: sessions and page views per day for the last 7 days of one site.

The query API takes plain JSON (not JSON:API); the client picks the right content type
from the operation. The result is typed: rows are objects or arrays (the API sends arrays).
Runs against the sandbox or a real account (PIWIK_PRO_HOST / _CLIENT_ID / _CLIENT_SECRET).
"""

from __future__ import annotations

import datetime
import os

from piwik_pro import PiwikPro

SITE_ID = os.environ.get("PIWIK_PRO_SITE_ID", "00000000-0000-4000-8000-000000000001")


def main() -> None:
    today = datetime.date.today()
    query = {
        "website_id": SITE_ID,
        "date_from": str(today - datetime.timedelta(days=7)),
        "date_to": str(today - datetime.timedelta(days=1)),
        "columns": [
            {"column_id": "timestamp", "transformation_id": "to_date"},
            {"column_id": "sessions"},
            {"column_id": "page_views"},
        ],
        "order_by": [[0, "asc"]],
        "format": "json",
    }
    with PiwikPro.from_env() as pp:
        report = pp.analytics.execute_query(body=query)  # ExecuteQueryResponse200; error statuses raise
        print(f"{report.meta.count if report.meta else 0} row(s)")
        for row in report.data or []:
            print(row if isinstance(row, list) else row.to_dict())


if __name__ == "__main__":
    main()
