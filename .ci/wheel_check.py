"""The installed wheel works on its own: `nox -s wheel_check` (CI runs it from .ci/run).

For each Python given (the oldest supported one too, when the machine has it),
install the wheel with the [sandbox] extra into a fresh venv in a temporary
folder outside the checkout and, from there, as a new user would:
start `piwik-pro sandbox --docs DOCS` and reach it, run examples/walkthrough.py
against it, run the README's CLI walkthrough (token, invite_user, get_user,
update_user, delete_user) and `python -m piwik_pro.sandbox --help`.
Every process it starts is stopped by its PID; the folder is removed.

    python .ci/wheel_check.py --wheel dist/X.whl --docs DIR [--python PY]...
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class CheckFailed(Exception):
    pass


def run(cmd: list[str], *, cwd: Path, env: dict[str, str], stdin: str | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300, check=False)
    if proc.returncode != 0:
        raise CheckFailed(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-1500:]}{proc.stderr[-1500:]}")
    return proc.stdout


def start_sandbox(exe: Path, docs: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """`piwik-pro sandbox`, started in its own process group; returns it and the URL it prints."""
    cmd = [str(exe), "sandbox", "--docs", docs, "--port", "0", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.strip().startswith("URL"):
            return proc, line.split()[-1]
    stop(proc)
    raise CheckFailed("piwik-pro sandbox printed no URL:\n" + "".join(seen)[-2000:])


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    if proc.stdout is not None:
        proc.stdout.close()


def check_python(python: str, wheel: Path, docs: str, work: Path) -> None:
    venv = work / "venv"
    run([python, "-m", "venv", str(venv)], cwd=work, env=dict(os.environ))
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIWIK_PRO_", "PYTHON"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", HOME=str(work), XDG_CACHE_HOME=str(work / "cache"))
    env["XDG_CONFIG_HOME"] = str(work / "config")
    started = time.perf_counter()
    run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", f"{wheel}[sandbox]"], cwd=work, env=env)
    print(f"  pip install {wheel.name}[sandbox]: {time.perf_counter() - started:.1f} s")
    py = str(bin_dir / "python")
    # Everything comes from the venv, nothing from the checkout.
    where = run(
        [py, "-c", "import piwik_pro, piwik_pro_api, piwik_pro_spec.sources as s; print(s.SOURCES_FILE)"],
        cwd=work,
        env=env,
    )
    if not where.strip().startswith(str(venv)):
        raise CheckFailed(f"the docs list does not come from the venv: {where.strip()}")
    run([py, "-m", "piwik_pro.sandbox", "--help"], cwd=work, env=env)
    sandbox, url = start_sandbox(bin_dir / "piwik-pro", docs, work, env)
    try:
        env.update(
            PIWIK_PRO_HOST=url, PIWIK_PRO_CLIENT_ID="demo-client-id", PIWIK_PRO_CLIENT_SECRET="demo-client-secret"
        )
        cli = str(bin_dir / "piwik-pro")
        token = json.loads(run([cli, "token"], cwd=work, env=env))
        if token.get("token_type") != "Bearer":
            raise CheckFailed(f"piwik-pro token: unexpected answer {token}")
        print(f"  sandbox at {url} reached: piwik-pro token")
        walkthrough = work / "walkthrough.py"
        shutil.copy(ROOT / "examples" / "walkthrough.py", walkthrough)  # a copy: nothing beside it to import
        run([py, str(walkthrough)], cwd=work, env=env)
        print("  examples/walkthrough.py: ok")
        invite = {"data": {"type": "ppms/user", "attributes": {"email": "wheel@example.com", "language": "en-US"}}}
        user_id = json.loads(run([cli, "call", "invite_user", "--data", json.dumps(invite)], cwd=work, env=env))[
            "data"
        ]["id"]
        got = json.loads(run([cli, "call", "get_user", f"user_id={user_id}"], cwd=work, env=env))
        if got["data"]["attributes"]["email"] != "wheel@example.com":
            raise CheckFailed(f"get_user: unexpected answer {got}")
        edit = {"data": {"id": user_id, "type": "ppms/user", "attributes": {"language": "de-DE"}}}
        run(
            [cli, "call", "update_user", f"user_id={user_id}", "--data", "-"], cwd=work, env=env, stdin=json.dumps(edit)
        )
        got = json.loads(run([cli, "call", "get_user", f"user_id={user_id}"], cwd=work, env=env))
        if got["data"]["attributes"]["language"] != "de-DE":
            raise CheckFailed(f"update_user did not change the language: {got}")
        run([cli, "call", "delete_user", f"user_id={user_id}"], cwd=work, env=env)
        print("  CLI walkthrough (token, invite_user, get_user, update_user, delete_user): ok")
    finally:
        stop(sandbox)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True)
    parser.add_argument("--docs", required=True, help="docs folder or loopback URL for the sandbox")
    parser.add_argument("--python", action="append", default=[], help="interpreter to check (repeatable)")
    args = parser.parse_args(argv)
    failed = 0
    for python in args.python or [sys.executable]:
        version = run(
            [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], cwd=ROOT, env=dict(os.environ)
        )
        print(f"Python {version.strip()} ({python}):", flush=True)
        work = Path(tempfile.mkdtemp(prefix="piwik-pro-wheel-"))
        try:
            check_python(python, args.wheel.resolve(), args.docs, work)
        except CheckFailed as exc:
            failed += 1
            print(f"  FAILED: {exc}", flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
