"""HTTP to a SPARQL endpoint, for the endpoint engine and ``kg push``: one deadline, clear errors.

Every failure (down, hanging, an HTTP error, a dropped connection) becomes a
KgError that names the endpoint and says what to do; ``timeout`` bounds the
whole exchange, not each read, so a server that trickles bytes is cut off too.
urllib is imported here only, when an endpoint is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from kg.errors import KgError

MAX_ERROR_TEXT = 300  # characters of a server's error page kept in the message


class EndpointError(KgError):
    """A SPARQL endpoint could not be reached, did not answer in time, or answered with an error."""


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host; KgError otherwise."""
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0  # reading .port validates it
    except ValueError:
        parts, port_ok = None, False
    if parts is None or not port_ok or parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(
            f"not an endpoint URL: {url!r}: give an http(s) URL such as http://127.0.0.1:7878/query"
        )
    return url


def request(
    url: str,
    *,
    method: str = "POST",
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    what: str = "endpoint",
) -> tuple[str, bytes]:
    """Send one request; return (content type, body). ``what`` names the server in errors."""
    import threading

    outcome: dict[str, object] = {}

    def exchange() -> None:
        try:
            outcome["value"] = _exchange(url, method, data, dict(headers or {}), timeout, what)
        except BaseException as e:
            outcome["error"] = e

    # A thread gives one deadline for connect, headers and body together; a hung one is left to its
    # socket timeout (a daemon: it never holds up the exit).
    worker = threading.Thread(target=exchange, name="kg-http", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _timeout(url, timeout, what)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _exchange(
    url: str, method: str, data: bytes | None, headers: dict[str, str], timeout: float, what: str
) -> tuple[str, bytes]:
    import http.client
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as e:
        raise _http_error(url, e, what) from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise _timeout(url, timeout, what) from None
        raise _unreachable(url, e.reason, what) from None
    except TimeoutError:
        raise _timeout(url, timeout, what) from None
    except ValueError as e:  # urllib's word for a URL it cannot use
        raise EndpointError(f"{what} {url}: not a usable URL ({e}): correct it") from None
    except (http.client.HTTPException, ConnectionError, OSError) as e:
        raise EndpointError(
            f"{what} {url} broke off the answer ({type(e).__name__}: {e or 'no reason given'}): "
            "check that it is a SPARQL endpoint and that the server is healthy"
        ) from None


def _timeout(url: str, timeout: float, what: str) -> EndpointError:
    return EndpointError(
        f"{what} {url} did not answer within {timeout:g} s: check that the server is up, "
        "or allow more time with --timeout"
    )


def _unreachable(url: str, reason: object, what: str) -> EndpointError:
    if isinstance(reason, ConnectionRefusedError):
        detail = "connection refused"
    else:
        detail = str(getattr(reason, "strerror", None) or reason)
    return EndpointError(f"cannot reach {what} {url}: {detail}: check the URL and that the server is running")


def _http_error(url: str, error: object, what: str) -> EndpointError:
    code = getattr(error, "code", 0)
    # One line: urllib's message for a redirect loop has two.
    reason = " ".join(str(getattr(error, "reason", "") or "").split())
    try:
        body = error.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
    except Exception:
        body = ""
    text = " ".join(body.split())
    if len(text) > MAX_ERROR_TEXT:
        text = text[: MAX_ERROR_TEXT - 1] + "…"
    said = f": {text}" if text else ""
    status = f"HTTP {code} {reason}".rstrip()
    if code == 400:
        advice = "the server could not run the query: correct it"
    elif code in (401, 403):
        advice = "the server wants credentials kg does not send: use an endpoint open to queries"
    elif code in (404, 405):
        advice = "no SPARQL endpoint at this URL: check it (Oxigraph's is http://HOST:PORT/query)"
    elif code >= 500:
        advice = "the server failed: check its log, or try again later"
    else:
        advice = "check the URL and the server"
    return EndpointError(f"{what} {url} answered {status}{said}: {advice}")
