"""Anonymous visitors cannot fill the server's memory through Streamlit's upload route (a running server).

A session that never signed in gets upload addresses the way the frontend does (any session may ask),
then sends 19 MB files there with a valid XSRF token: each is refused with 403 before its body is read,
and the server's resident memory stays where it was. (Before the guard, 50 such files took the server
from 376 to 1,329 MB, still ~1 GB ten minutes later.) The signed-in editor's upload is
tests/browser/test_upload_in_browser.py.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from benchmarks.load import Session, server_rss_mb
from tests.conftest import demo_dashboard

ATTEMPTS = 20
FILE_MB = 19
MEMORY_TOLERANCE_MB = 50


@pytest.fixture(scope="module")
def server(tmp_path_factory, geo_dir):
    """A dashboard server on a demo store; its base URL and process id."""
    with demo_dashboard(tmp_path_factory.mktemp("upload-guard"), geo_dir) as server:
        yield server


def put_file(base_url: str, path: str, body: bytes) -> tuple[int, bytes]:
    """PUT ``body`` as a multipart file to ``path``, as the frontend does, with a valid XSRF token
    (so that only the guard can refuse it); the status and the response body."""
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    token = generate_xsrf_token_string()
    boundary = "----dashboard-test-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    host = urlsplit(base_url)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
    try:
        connection.putrequest("PUT", path)
        for name, value in {"Content-Type": f"multipart/form-data; boundary={boundary}",
                            "Content-Length": str(len(head) + len(body) + len(tail)),
                            "Cookie": f"_streamlit_xsrf={token}", "X-Xsrftoken": token,
                            "Origin": base_url}.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            connection.send(head)
            for start in range(0, len(body), 2 ** 20):
                connection.send(body[start:start + 2 ** 20])
            connection.send(tail)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass  # the server answered and closed without reading the rest: the point
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def uploaded_files_held(base_url: str) -> str:
    """Streamlit's upload store in its metrics ("" when it holds no file)."""
    with urllib.request.urlopen(f"{base_url}/_stcore/metrics", timeout=10) as response:
        return "\n".join(line for line in response.read().decode().splitlines() if "UploadedFileManager" in line)


def test_anonymous_uploads_are_refused_before_their_body_and_memory_stays_flat(server):
    base_url, pid = server
    visitor = Session(base_url)
    try:
        assert visitor.run("upload").errors == []
        assert visitor.session_id
        before_mb = server_rss_mb(pid)
        body = b"date,district,indicator,value\n" + b"2020-06-01,Panj,grants_awarded,7\n" * (FILE_MB * 2 ** 20 // 33)
        addresses = visitor.upload_urls([f"big-{n}.csv" for n in range(ATTEMPTS - 1)])
        assert len(addresses) == ATTEMPTS - 1 and all(visitor.session_id in a for a in addresses)
        addresses.append(f"/_stcore/upload_file/made-up-session/{'0' * 32}")
        answers = [put_file(base_url, address, body) for address in addresses]
        assert [status for status, _ in answers] == [403] * ATTEMPTS
        assert all(b"signed-in editors" in text for _, text in answers), answers[0]
        time.sleep(1)
        after_mb = server_rss_mb(pid)
    finally:
        visitor.close()
    print(f"\nserver memory: {before_mb:.0f} MB before, {after_mb:.0f} MB after {ATTEMPTS} refused "
          f"uploads of {FILE_MB} MB ({after_mb - before_mb:+.0f} MB)")
    assert after_mb - before_mb < MEMORY_TOLERANCE_MB
    assert uploaded_files_held(base_url) == ""
