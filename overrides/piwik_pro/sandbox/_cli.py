"""`piwik-pro sandbox` / `python -m piwik_pro.sandbox`: run the sandbox until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import warnings
from types import FrameType


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="piwik-pro sandbox",
        description="Run a local emulator of the Piwik PRO API (answers as the docs say; users v2 keep state).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: 0, an ephemeral port)")
    parser.add_argument("--docs", metavar="DIR|URL", help="docs source (default: env PIWIK_PRO_DOCS_SOURCE)")
    parser.add_argument("--admin", action="store_true", help="serve the /__sandbox__/ admin endpoint")
    parser.add_argument("--client-id", default=None, help="client id to accept (default: demo-client-id)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    args = parser.parse_args(argv)

    try:
        from piwik_pro_spec.docs import MissingDocsWarning
        from piwik_pro_spec.download import DownloadError

        from ._docs import SandboxDocs
        from ._sandbox import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Sandbox
    except ImportError as exc:  # jsonschema missing
        print(
            f"piwik-pro sandbox: a dependency is missing ({exc}). "
            "Install the extra: pip install 'piwik-pro-client[sandbox]'",
            file=sys.stderr,
        )
        return 2
    try:
        with warnings.catch_warnings(record=True) as missing:
            warnings.simplefilter("always", MissingDocsWarning)
            docs = SandboxDocs.load(args.docs)
    except DownloadError as exc:
        print(f"piwik-pro sandbox: {exc}", file=sys.stderr)
        return 2
    for warning in missing:  # docs this release lacks: served without them
        print(f"piwik-pro sandbox: {warning.message}", file=sys.stderr)
    if not args.quiet:
        logging.basicConfig(format="%(message)s", level=logging.WARNING)
        logging.getLogger("piwik_pro.sandbox").setLevel(logging.DEBUG)
    client_id = args.client_id or DEMO_CLIENT_ID
    sandbox = Sandbox(docs, client_id=client_id, host=args.host, port=args.port, admin=args.admin)
    try:
        sandbox.start()
    except OSError as exc:
        print(f"piwik-pro sandbox: cannot listen on {args.host}:{args.port} ({exc.strerror})", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    print(f"Piwik PRO sandbox: {len(docs.operations)} operations from {len(docs.docs)} docs", flush=True)
    print(f"  URL            {sandbox.url}", flush=True)
    print(f"  client id      {client_id}", flush=True)
    print(f"  client secret  {DEMO_CLIENT_SECRET}  (demo credential)", flush=True)
    if args.admin:
        print(f"  admin          {sandbox.url}/__sandbox__/state", flush=True)
    print(
        f"Try: export PIWIK_PRO_HOST={sandbox.url} PIWIK_PRO_CLIENT_ID={client_id} "
        f"PIWIK_PRO_CLIENT_SECRET={DEMO_CLIENT_SECRET}",
        flush=True,
    )
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        signal.signal(signal.SIGTERM, previous)
    print("Sandbox stopped.", flush=True)
    return 0
