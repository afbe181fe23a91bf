"""Where the input bytes come from: a file, stdin, or a URL fetched with an SSRF guard.

Every read is capped at `MAX_BYTES`. A URL is fetched with httpx, following redirects by hand so
that each hop's host is resolved and checked: unless private addresses are allowed, loopback,
private, link-local, multicast, reserved and unspecified addresses are refused (and the address
actually connected to is checked again, against DNS rebinding). Environment proxies are ignored
so that the address checked is the address connected to.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx

from propwatch.errors import BadInput, BadUrl, FetchFailed, TooLarge, Unreadable, UnsafeUrl
from propwatch.version import __version__

__all__ = [
    "MAX_BYTES",
    "Payload",
    "check_address",
    "check_size",
    "fetch",
    "is_url",
    "read_file",
    "read_stdin",
]

# Read at call time, so tests (and embedding applications) can tune them.
MAX_BYTES = 10 * 1024 * 1024  # far above any article page; past it the input is not an article
CONNECT_TIMEOUT = 10.0  # seconds
READ_TIMEOUT = 10.0  # seconds without a byte from the server
TOTAL_TIMEOUT = 60.0  # seconds for the whole fetch: a server dripping bytes cannot hold us
MAX_REDIRECTS = 5

ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_FILE_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".txt": "text/plain",
}
_HEADERS = {
    "User-Agent": f"Mozilla/5.0 (compatible; propwatch/{__version__})",  # some sites refuse bots
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
    "Accept-Encoding": "gzip, deflate",
}
_TYPE_NAMES = {
    "application/pdf": "a PDF document",
    "application/zip": "a ZIP archive",
    "application/json": "JSON data",
    "application/octet-stream": "binary data",
    "application/msword": "a Word document",
}
_TYPE_FAMILIES = {"image": "an image", "video": "a video", "audio": "audio"}

# Attribute of ipaddress addresses, and how the refusal names it; the first that holds wins.
_REFUSED_KINDS = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_site_local", "site-local"),
    ("is_reserved", "reserved"),
    ("is_private", "private"),
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HOST = re.compile(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%A-Za-z-]*")  # name, IPv4, IPv6


@dataclass(frozen=True)
class Payload:
    data: bytes
    content_type: str | None  # the server's Content-Type, or one implied by the file name
    name: str  # how messages refer to the input
    url: str | None = None  # the final URL, after redirects


def is_url(source: str) -> bool:
    return source.strip().lower().startswith(("http://", "https://"))


def check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise TooLarge(
            f"{name} is larger than the {MAX_BYTES / 2**20:g} MB limit for one article "
            f"({size / 2**20:.1f} MB or more); pass the article alone"
        )


# --- files and stdin -------------------------------------------------------------------------


def read_file(source: str) -> Payload:
    """The bytes of the file at `source`, refusing directories, devices and oversized files."""
    try:
        path = Path(source).expanduser()
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise BadInput(
                f"{source} is a folder, not an article file; give one .txt or .html file "
                "(a folder of articles is a corpus: use `propwatch batch`)"
            )
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(f"{source} is not a regular file; give a .txt or .html article")
        check_size(info.st_size, source)  # before reading any of it
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(f"no such file: {source}; {_url_hint(source)}") from None
    except PermissionError:
        raise BadInput(f"cannot read {source}: permission denied; check its permissions") from None
    except OSError as exc:
        raise BadInput(f"cannot read {source}: {_flat(exc.strerror or exc)}") from None
    except (ValueError, RuntimeError):  # a NUL byte in the path, "~nobody/" without a home
        raise BadInput(f"{source!r} is not a usable file path; check it") from None
    check_size(len(data), source)  # the file may have grown since stat()
    return Payload(data, _FILE_TYPES.get(path.suffix.lower()), source)


def read_stdin(stream: BinaryIO | None) -> Payload:
    """The bytes piped to stdin; refuses an interactive terminal, which would wait forever."""
    if stream is None:
        raise BadInput("there is no standard input to read; give a file path or a URL")
    if _is_terminal(stream):
        raise BadInput(
            "nothing was piped to stdin; pipe an article in (cat article.txt | propwatch "
            "analyze -) or give a file path or a URL"
        )
    try:
        data = stream.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read stdin: {_flat(exc)}") from None
    if isinstance(data, str):  # a text stream handed in by mistake: take it as UTF-8
        data = data.encode("utf-8", "surrogateescape")
    check_size(len(data), "stdin")
    return Payload(bytes(data), None, "stdin")


def _is_terminal(stream: BinaryIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _url_hint(source: str) -> str:
    """What to do about a missing path; it may be a web address without its scheme."""
    head = source.split("/", 1)[0]
    if source.startswith("www.") or ("/" in source and "." in head and " " not in source):
        return "for a web page give the full URL, starting with https://"
    return "check the path, or give an http(s) URL or - for stdin"


# --- URLs ------------------------------------------------------------------------------------


def fetch(url: str, *, allow_private: bool = False) -> Payload:
    """The body of the web page at `url` (http or https), following at most MAX_REDIRECTS."""
    deadline = time.monotonic() + TOTAL_TIMEOUT
    timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
    current = url.strip()
    with httpx.Client(
        timeout=timeout, follow_redirects=False, trust_env=False, headers=_HEADERS
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            host, port = _host_and_port(current)
            _check_host(host, port, current, allow_private)
            outcome = _get(client, current, allow_private, deadline)
            if isinstance(outcome, Payload):
                return outcome
            current = outcome
    raise FetchFailed(
        f"{url} redirects more than {MAX_REDIRECTS} times; open it in a browser and pass the "
        "address it finally shows"
    )


def check_address(address: str) -> str | None:
    """Why fetching from `address` (an IP literal) is refused, or None when it is public."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unrecognised"
    for candidate in (*_embedded_ipv4(ip), ip):  # the tunnelled address names the problem
        for attribute, kind in _REFUSED_KINDS:
            if getattr(candidate, attribute, False):
                return kind
        if not candidate.is_global:
            return "non-public"
    return None


def _embedded_ipv4(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address tunnels to (mapped, 6to4, NAT64): checked as well."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return []
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _host_and_port(url: str) -> tuple[str, int]:
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, ValueError, UnicodeError):
        raise BadUrl(f"{url} is not a valid URL; check the address") from None
    if parsed.scheme not in ("http", "https"):
        raise BadUrl(f"cannot fetch {url}: only http:// and https:// URLs are supported")
    if not host:
        raise BadUrl(f"{url} has no host name; check the address")
    if not _HOST.fullmatch(host):  # spaces, "%20" and the like never reach the resolver
        raise BadUrl(f"{url} is not a valid URL; check the address")
    return host, parsed.port or (443 if parsed.scheme == "https" else 80)


def _check_host(host: str, port: int, url: str, allow_private: bool) -> None:
    """Resolve `host` (for a clear DNS error) and refuse it if any address is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise FetchFailed(
            f"could not resolve the host name {host} ({url}); check the address and your "
            "network connection"
        ) from None
    if allow_private:
        return
    for info in infos:
        address = str(info[4][0])
        kind = check_address(address)
        if kind is not None:
            raise _refused(url, host, address, kind)


def _refused(url: str, host: str, address: str, kind: str) -> UnsafeUrl:
    where = f"{host} is" if host.strip("[]") == address else f"{host} resolves to {address},"
    article = "an" if kind[0] in "aeiou" else "a"
    return UnsafeUrl(
        f"refusing to fetch {url}: {where} {article} {kind} address; propwatch fetches only public "
        "web pages unless private addresses are allowed (--allow-private)"
    )


def _get(client: httpx.Client, url: str, allow_private: bool, deadline: float) -> Payload | str:
    """One request: the page as a Payload, or the URL a redirect points to."""
    try:
        with client.stream("GET", url) as response:
            if not allow_private:
                _check_peer(response, url)
            if response.is_redirect:
                return str(response.url.join(response.headers["location"]))
            _check_status(response, url)
            content_type = response.headers.get("content-type") or None
            _check_type(content_type, url)
            data = _read_capped(response, url, deadline)
            return Payload(data, content_type, url, str(response.url))
    except httpx.ConnectTimeout:
        raise FetchFailed(
            f"could not connect to {url} within {CONNECT_TIMEOUT:g} s; the site may be down or "
            "unreachable from here: try again later"
        ) from None
    except httpx.TimeoutException:
        raise FetchFailed(
            f"timed out reading {url} (no data for {READ_TIMEOUT:g} s); the site may be slow "
            "or down: try again later, or save the page and pass the .html file"
        ) from None
    except httpx.ConnectError as exc:
        raise _connect_error(url, exc) from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, ValueError) as exc:
        raise FetchFailed(f"could not fetch {url}: {_flat(exc)}") from None


def _check_peer(response: httpx.Response, url: str) -> None:
    """Refuse the address actually connected to, if DNS changed its answer since we checked."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer:
        kind = check_address(str(peer[0]))
        if kind is not None:
            raise _refused(url, response.url.host, str(peer[0]), kind)


def _check_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    answer = f"the server answered {status} {response.reason_phrase} for {url}".rstrip()
    if 300 <= status < 400:
        advice = "a redirect without a target; open it in a browser and pass the final address"
    elif status in (401, 403):
        advice = "the page needs a login or blocks programs; save it from a browser and pass it"
    elif status == 429:
        advice = "the site is limiting requests; wait and try again"
    elif status >= 500:
        advice = "the site has a problem; try again later"
    else:
        advice = "check the address"
    raise FetchFailed(f"{answer}; {advice}")


def _check_type(content_type: str | None, url: str) -> None:
    """Refuse PDFs, images and other non-text answers before reading their body."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if not mime or mime in ACCEPTED_TYPES:
        return  # no type given: the decoder's binary check decides
    described = _TYPE_NAMES.get(mime) or _TYPE_FAMILIES.get(mime.split("/", 1)[0])
    what = f"{mime} ({described})" if described else mime
    raise Unreadable(
        f"{url} is {what}, not a web page or plain text; give the URL of an HTML article "
        "page, or convert the document to text and pass the file"
    )


def _read_capped(response: httpx.Response, url: str, deadline: float) -> bytes:
    """The body, streamed: aborts past MAX_BYTES or TOTAL_TIMEOUT without reading the rest."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit():
        check_size(int(declared), url)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        check_size(size, url)
        if time.monotonic() > deadline:
            raise FetchFailed(
                f"gave up on {url} after {TOTAL_TIMEOUT:g} s; the site sends too slowly: try "
                "again later, or save the page and pass the .html file"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _connect_error(url: str, exc: httpx.ConnectError) -> FetchFailed:
    reason = _flat(exc)
    if "refused" in reason.lower():
        return FetchFailed(
            f"connection refused by the server of {url}; is the address right and the site up?"
        )
    return FetchFailed(f"could not connect to {url}: {reason}")


def _flat(problem: object) -> str:
    """A library's message on one short line (messages can hold newlines and dumps)."""
    text = " ".join(str(problem).split()) or type(problem).__name__
    return text if len(text) <= 200 else text[:197] + "..."
