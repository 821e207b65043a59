"""The recipes in deploy/ and the README: HAProxy's configuration is valid and, running in
front of two real servers, refuses foreign origins and oversized bodies, checks health and
keeps a browser on its server; the README's nginx recipe passes ``nginx -t``."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest

from tests.deploy_set import REPO, running_set

HAPROXY_ENV = {
    "BEDROCK_LISTEN": "127.0.0.1:8500",
    "BEDROCK_ORIGIN": "https://workshop.example.org",
    "BEDROCK_SERVER_A": "127.0.0.1:8501",
    "BEDROCK_SERVER_B": "127.0.0.1:8502",
}


def need(program: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if not found:
        pytest.fail(f"{program} is missing: install Debian's package (see .ci/run).")
    return found


def test_the_haproxy_configuration_is_valid():
    done = subprocess.run(
        [need("haproxy"), "-c", "-f", str(REPO / "deploy" / "haproxy.cfg")],
        env={**os.environ, **HAPROXY_ENV},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_readme_nginx_recipe_passes_nginx_t(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", readme, flags=re.S)
    assert len(blocks) == 1
    (tmp_path / "logs").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n{blocks[0]}\n}}\n"
    )
    done = subprocess.run(
        [need("nginx"), "-t", "-p", str(tmp_path), "-c", str(config)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def request(url: str, path: str, *, method: str = "GET", headers=None, body: bytes | None = None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        reply = connection.getresponse()
        return reply.status, reply.headers, reply.read()
    finally:
        connection.close()


@pytest.fixture
def deploy_set(pg_url, tmp_path):
    with running_set(pg_url, tmp_path) as running:
        yield running


def test_the_proxy_passes_our_origin_and_refuses_another(deploy_set):
    ours = deploy_set.url
    assert request(ours, "/api/health", headers={"Origin": ours})[0] == 200
    assert request(ours, "/api/health")[0] == 200
    for foreign in ("https://evil.example", "null", ours + ".evil.example"):
        status, _headers, _body = request(ours, "/api/health", headers={"Origin": foreign})
        assert status == 403, foreign
    # A websocket from another site's page is refused before it reaches Bedrock.
    handshake = {
        "Origin": "https://evil.example",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Protocol": "streamlit",
    }
    assert request(ours, "/_stcore/stream", headers=handshake)[0] == 403


def announce(url: str, path: str, headers: dict[str, str]) -> int:
    """Send only a PUT's headers (announcing a body) and return the proxy's answer."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest("PUT", path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_proxy_refuses_large_bodies_and_bodies_of_unknown_length(deploy_set):
    path = "/_stcore/upload_file/session/file"
    assert announce(deploy_set.url, path, {"Content-Length": str(2 * 1024 * 1024 + 1)}) == 413
    assert announce(deploy_set.url, path, {"Transfer-Encoding": "chunked"}) == 400


def test_a_browser_gets_a_server_cookie_and_keeps_its_server(deploy_set):
    status, headers, _body = request(deploy_set.url, "/")
    assert status == 200
    cookie = headers["Set-Cookie"]
    chosen = re.match(r"SERVERID=([ab]);", cookie)
    assert chosen, cookie
    assert "HttpOnly" in cookie
    # With its cookie the browser stays where it is, ten times over; without, the next
    # browser is sent to the other server.
    for _ in range(10):
        _s, again, _b = request(deploy_set.url, "/", headers={"Cookie": f"SERVERID={chosen[1]}"})
        assert "Set-Cookie" not in again
    _s, other, _b = request(deploy_set.url, "/")
    assert re.match(r"SERVERID=([ab]);", other["Set-Cookie"])[1] != chosen[1]


def test_a_dead_server_is_taken_out_and_its_browsers_sent_to_the_live_one(deploy_set):
    deploy_set.kill_server("a")
    for _ in range(5):
        status, headers, _body = request(deploy_set.url, "/", headers={"Cookie": "SERVERID=a"})
        assert status == 200
        assert headers["Set-Cookie"].startswith("SERVERID=b;")
    assert request(deploy_set.url, "/api/health")[0] == 200
