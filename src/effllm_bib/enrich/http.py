"""HTTP with manners: one client for every outside service.

- an explicit on-disk cache of responses (200 and 404) in the user cache directory, with an
  expiry, so a second run over the same entries sends no request; ``offline`` serves from it alone;
- a rate limiter that reads ``x-rate-limit-limit``/``x-rate-limit-interval`` from responses;
- retries with exponential backoff and jitter on 429, 5xx and timeouts, honouring ``Retry-After``;
  a refused connection or an unknown host is not retried (:class:`Unreachable`);
- every wait (rate limit, back-off) through a :class:`Clock` given to the constructor, the real
  one by default, so a caller (a test) can count the waits instead of sitting through them.

A 404 is an answer, not a fault: it is returned (and cached), never retried.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx2

from ..cache import cache_root
from ..errors import EffllmBibError

DEFAULT_EXPIRY_DAYS = 30.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class ServiceError(EffllmBibError):
    """An outside service could not give an answer (after retries), or is not in the cache."""

    def __init__(self, service: str, message: str, status: int | None = None) -> None:
        self.service = service
        self.status = status
        super().__init__(f"{service}: {message}")


class NotCached(ServiceError):
    """``--offline`` and the cache has no answer for this request."""


class Unreachable(ServiceError):
    """The connection was refused or the host name did not resolve: most likely no network.
    Not retried, and the client sends nothing more once it happened."""


def unreachable_message(url: str, exc: Exception) -> str:
    """What to say when ``url``'s host cannot be reached (``exc`` a connect error)."""
    text = str(exc)
    low = text.lower()
    if "refused" in low or "errno 111" in low:
        reason = "connection refused"
    elif any(m in low for m in ("name or service", "name resolution", "nodename", "getaddrinfo")):
        reason = "host name not found"
    else:
        reason = text or exc.__class__.__name__
    host = urlsplit(url).netloc or url
    return (
        f"cannot reach {host} ({reason}): no network? check your connection, or run with "
        "--offline to answer from earlier runs' cached responses alone."
    )


class Clock(Protocol):
    """Where the client waits: ``now()`` (seconds, monotonic) and ``sleep(seconds)``."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class RealClock:
    """``time.monotonic`` and ``time.sleep``."""

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


REAL_CLOCK: Clock = RealClock()


def default_cache_dir() -> Path:
    return cache_root() / "http"


class ResponseCache:
    """Responses on disk, one JSON file per request (method, URL, sorted parameters)."""

    def __init__(self, directory: Path, expiry_days: float = DEFAULT_EXPIRY_DAYS) -> None:
        self.directory = directory
        self.expiry = expiry_days * 86400

    @staticmethod
    def key(url: str, params: Mapping[str, Any] | None) -> str:
        canonical = json.dumps([url, sorted((params or {}).items())], default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str, now: float | None = None) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing or damaged: treated as a miss, re-fetched and rewritten
        now = time.time() if now is None else now
        if not isinstance(record, dict) or now - float(record.get("fetched", 0)) > self.expiry:
            return None
        return record

    def put(self, key: str, url: str, response: httpx2.Response) -> None:
        self.put_text(
            key, url, response.status_code, response.text, response.headers.get("content-type", "")
        )

    def put_text(self, key: str, url: str, status: int, body: str, content_type: str) -> None:
        from ..files import write_atomic

        record = {
            "url": url,
            "status": status,
            "content_type": content_type,
            "body": body,
            "fetched": time.time(),
        }
        write_atomic(self._path(key), json.dumps(record))


@dataclass
class RateLimiter:
    """Spaces requests so that at most ``limit`` start in any ``interval`` seconds."""

    limit: float
    interval: float = 1.0
    ceiling: float | None = None  # requests a second never exceeded, whatever is announced
    clock: Clock = REAL_CLOCK
    _next: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self) -> None:
        with self._lock:
            now = self.clock.now()
            if now < self._next:
                self.clock.sleep(self._next - now)
                now = self._next
            self._next = now + self.interval / self.limit

    def update(self, headers: Mapping[str, str]) -> None:
        """Follow the service's announced limit (never speed up past what it allows)."""
        limit = headers.get("x-rate-limit-limit")
        interval = headers.get("x-rate-limit-interval")
        try:
            if limit:
                self.limit = max(0.1, float(limit))
            if interval:
                m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", interval)
                if m:
                    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[m.group(2)]
                    self.interval = float(m.group(1)) * scale
        except ValueError:
            pass  # a malformed header changes nothing
        if self.ceiling is not None and self.limit / self.interval > self.ceiling:
            self.limit = self.ceiling * self.interval


def retry_after(response: httpx2.Response, now: float | None = None) -> float | None:
    """Seconds to wait as ``Retry-After`` says (seconds or an HTTP date), or None."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


@dataclass
class Stats:
    sent: int = 0
    cache_hits: int = 0
    retries: int = 0
    seconds: float = 0.0  # the clock's time in requests, rate-limit waits and back-offs included


class HttpClient:
    """GET with cache, rate limit and retries. One instance per service; a source gives the
    client without a limiter one of its own, on the client's ``clock``."""

    def __init__(
        self,
        service: str,
        user_agent: str,
        *,
        timeout: float = 20.0,
        limiter: RateLimiter | None = None,
        cache: ResponseCache | None = None,
        offline: bool = False,
        retries: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        clock: Clock = REAL_CLOCK,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.service = service
        self.user_agent = user_agent
        self.timeout = timeout
        self.limiter = limiter
        self.cache = cache
        self.offline = offline
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.clock = clock
        self.stats = Stats()
        self.unreachable = ""  # set by the first refused connection: nothing is sent after it
        self._client = httpx2.Client(transport=transport, follow_redirects=True)

    def close(self) -> None:
        self._client.close()

    def _from_cache(self, url: str, params: Mapping[str, Any] | None) -> httpx2.Response | None:
        if self.cache is None:
            return None
        record = self.cache.get(ResponseCache.key(url, params))
        if record is None:
            return None
        self.stats.cache_hits += 1
        return httpx2.Response(
            int(record["status"]),
            headers={"content-type": record.get("content_type", "")},
            content=str(record.get("body", "")).encode("utf-8"),
            request=httpx2.Request("GET", url, params=params),
        )

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> httpx2.Response:
        """GET through the cache, limiter and retries; ``timeout`` (seconds) overrides the
        client's for this request."""
        merged = {"User-Agent": self.user_agent, **(headers or {})}
        wait = self.timeout if timeout is None else timeout
        return self.through(
            url,
            params,
            lambda: self._client.get(url, params=params, headers=merged, timeout=wait),
        )

    def through(
        self, url: str, params: Mapping[str, Any] | None, send: Callable[[], httpx2.Response]
    ) -> httpx2.Response:
        """The cached answer for (url, params), or ``send()``'s under rate limit and retries.

        ``send`` performs the request however the service's client does it (our own httpx2
        client, or habanero's) and returns the response or raises ``httpx2.TransportError``.
        """
        cached = self._from_cache(url, params)
        if cached is not None:
            return cached
        if self.offline:
            raise NotCached(
                self.service, f"{url} is not in the cache (--offline); run once online."
            )
        if self.unreachable:
            raise Unreachable(self.service, self.unreachable)
        start = self.clock.now()
        try:
            return self._send(url, params, send)
        finally:
            self.stats.seconds += self.clock.now() - start

    def _send(
        self, url: str, params: Mapping[str, Any] | None, send: Callable[[], httpx2.Response]
    ) -> httpx2.Response:
        attempt = 0
        while True:
            if self.limiter is not None:
                self.limiter.wait()
            self.stats.sent += 1
            try:
                response = send()
            except httpx2.ConnectError as exc:  # refused or no such host: a retry would not help
                self.unreachable = unreachable_message(url, exc)
                raise Unreachable(self.service, self.unreachable) from None
            except httpx2.TransportError as exc:  # timeouts included
                if attempt >= self.retries:
                    what = (
                        f"timed out {attempt + 1} times on {url}; try again later."
                        if isinstance(exc, httpx2.TimeoutException)
                        else f"cannot connect ({exc.__class__.__name__}); check the URL."
                    )
                    raise ServiceError(self.service, what) from None
                self._pause(attempt, None)
                attempt += 1
                continue
            if self.limiter is not None:
                self.limiter.update(response.headers)
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                self._pause(attempt, retry_after(response))
                attempt += 1
                continue
            if self.cache is not None and response.status_code in (200, 404):
                self.cache.put(ResponseCache.key(url, params), url, response)
            return response

    def remember(self, url: str, params: Mapping[str, Any] | None, body: str) -> None:
        """Cache ``body`` as the 200 answer to (url, params) without asking: a record seen in
        a search is stored under its own look-up, so the next run does not fetch it again."""
        if self.cache is not None:
            self.cache.put_text(ResponseCache.key(url, params), url, 200, body, "application/json")

    def _pause(self, attempt: int, announced: float | None) -> None:
        self.stats.retries += 1
        if announced is not None:
            delay = announced
        else:
            delay = self.backoff * (2**attempt) * (0.5 + random.random())  # full jitter around 2^n
        self.clock.sleep(min(delay, self.max_backoff))
