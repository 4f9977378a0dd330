"""Whole public pages kept in the shared cache for anonymous visitors (issue 18).

A page the council shows the same to every anonymous visitor (home, the A to Z and its search,
start pages, accessibility, privacy, Open311's public reads) is rendered once per language and
kept in Redis with the GENERATIONS of what it shows, as read before it was rendered: a service
saved bumps the "catalogue" generation, a request accepted or a case changed the "open311"
one, a migration (a deploy) the "site" one that every page includes. A kept page whose
generations are no longer current is a miss, at once; the timeout only bounds memory.

`PageCacheMiddleware` sits above sessions, authentication, CSRF and messages, so a hit costs
one cache round trip (the page and the generations together) and none of those. It serves
only visitors who carry no session and no messages cookie: a signed-in person always has a
session cookie, and never gets the kept page. A page is kept only when rendering it set no
cookie (a CSRF token, a session, a message) and showed nobody's personal data, so nobody's
token or page is ever served to someone else. Every kept page carries an ETag and
Last-Modified, and a conditional GET that matches gets 304.
"""

import gzip
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

SITE = "site"  # every page's: bumped by each migration, so a deploy shows new templates at once
MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage
# Headers recomputed on each answer rather than kept.
NOT_KEPT = {"content-length", "content-encoding", "vary", "etag", "last-modified", "set-cookie"}


def generation_key(scope: str) -> str:
    """The cache key holding `scope`'s generation."""
    return f"generation:{scope}"


def _fresh() -> int:
    # Never a number used before: after a key is evicted, pages kept under an earlier
    # generation must not be served again.
    return time.time_ns()


def generations_current(scopes: tuple[str, ...]) -> tuple[int, ...]:
    """The generation of each scope now (one cache read for them all)."""
    keys = [generation_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    values = []
    for key in keys:
        value = found.get(key)
        if value is None:
            cache.add(key, _fresh(), timeout=None)
            value = cache.get(key)
        values.append(int(value or 0))
    return tuple(values)


def generation_bump(scope: str) -> None:
    """Start a new generation of `scope` now: pages kept under the old one stop being served."""
    try:
        cache.incr(generation_key(scope))
    except ValueError:  # not set yet, evicted, or the cache is down
        cache.set(generation_key(scope), _fresh(), timeout=None)


def generation_bump_on_commit(scope: str) -> None:
    """Bump `scope` when the current transaction commits (at once outside one), so a page
    rendered before the commit is never kept under the new generation."""
    transaction.on_commit(lambda: generation_bump(scope))


@dataclass(frozen=True)
class PageCachePolicy:
    scopes: tuple[str, ...]
    # Decides before the cache is read: a response to send instead (a 429), or None.
    guard: Callable[[HttpRequest], HttpResponse | None] | None = None
    # True when this request must go to the view (e.g. it carries an API key to log).
    bypass: Callable[[HttpRequest], bool] | None = None
    # The page shows what is due from today (bin days): kept per day as well.
    daily: bool = False


def page_cached(
    *scopes: str,
    guard: Callable[[HttpRequest], HttpResponse | None] | None = None,
    bypass: Callable[[HttpRequest], bool] | None = None,
    daily: bool = False,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Mark a view whose anonymous GET answer may be kept whole until one of `scopes` (or the
    site) gets a new generation (and, when `daily`, until the day ends). The view itself is
    unchanged."""

    def mark(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        view.page_cache_policy = PageCachePolicy(  # type: ignore[attr-defined]
            scopes=(SITE, *scopes), guard=guard, bypass=bypass, daily=daily
        )
        return view

    return mark


# Views another library builds (django-ninja's API operations) cannot carry the mark: they
# are named here by their URL name instead.
_BY_VIEW_NAME: dict[str, PageCachePolicy] = {}


def page_cached_by_name(
    view_name: str,
    *scopes: str,
    guard: Callable[[HttpRequest], HttpResponse | None] | None = None,
    daily: bool = False,
) -> None:
    """As `page_cached`, for the view whose URL name (with its namespace) is `view_name`."""
    _BY_VIEW_NAME[view_name] = PageCachePolicy(scopes=(SITE, *scopes), guard=guard, daily=daily)


def _policy(request: HttpRequest) -> PageCachePolicy | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, "page_cache_policy", None) or _BY_VIEW_NAME.get(match.view_name)


def _anonymous_without_state(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and MESSAGES_COOKIE not in cookies
        and "Authorization" not in request.headers
    )


def _key(request: HttpRequest, policy: PageCachePolicy) -> str:
    params = sorted((name, value) for name in request.GET for value in request.GET.getlist(name))
    language = translation.get_language_from_request(request)
    # Scheme and host too: some answers carry absolute links (Open311's discovery).
    where = f"{request.scheme}://{request.get_host()}{request.path}"
    raw = f"{language}:{where}?{urlencode(params)}"
    if policy.daily:
        raw += f"@{timezone.localdate()}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _lookup(key: str, scopes: tuple[str, ...]) -> tuple[tuple[int, ...], dict[str, Any] | None]:
    """The scopes' generations now, and the page kept under `key` if it was rendered under
    those same generations. One cache round trip for both: a page is kept with the
    generations it was rendered under, so a bump makes it a miss without a key of its own."""
    keys = [generation_key(scope) for scope in scopes]
    found = cache.get_many([*keys, key])
    if any(found.get(k) is None for k in keys):
        return generations_current(scopes), None
    generations = tuple(int(found[k]) for k in keys)
    kept = found.get(key)
    if kept is None or tuple(kept["generations"]) != generations:
        return generations, None
    return generations, kept


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    """Only a page that would be the same for every anonymous visitor."""
    user = getattr(request, "user", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies  # a CSRF token, a session, a message: this visitor's own
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a token was put in the page
        and not getattr(request, "personal_data", False)
        and not (user is not None and user.is_authenticated)
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    )


def _kept(response: HttpResponse, generations: tuple[int, ...]) -> dict[str, Any]:
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        zipped = body
    else:
        zipped = gzip.compress(body, compresslevel=6, mtime=0)
    headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_KEPT]
    return {
        "generations": generations,
        "headers": headers,
        "zipped": zipped,
        "etag": hashlib.sha256(zipped).hexdigest()[:32],
        "modified": int(time.time()),
    }


def _answer(request: HttpRequest, kept: dict[str, Any]) -> HttpResponse:
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    # Each encoding is its own representation, so its own ETag (as Apache does).
    etag = f'"{kept["etag"]}{"-gz" if accepts_gzip else ""}"'
    modified = kept["modified"]
    if _not_modified(request, etag, modified):
        response: HttpResponse = HttpResponseNotModified()
    else:
        body = kept["zipped"] if accepts_gzip else gzip.decompress(kept["zipped"])
        response = HttpResponse(b"" if request.method == "HEAD" else body)
        for name, value in kept["headers"]:
            response[name] = value
        if accepts_gzip:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        response["Last-Modified"] = http_date(modified)
    response["ETag"] = etag
    if "Cache-Control" not in response:
        response["Cache-Control"] = next(
            (v for n, v in kept["headers"] if n.lower() == "cache-control"), "no-cache"
        )
    patch_vary_headers(response, ("Cookie", "Accept-Language", "Accept-Encoding"))
    return response


def _not_modified(request: HttpRequest, etag: str, modified: int) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return since is not None and modified <= since


class PageCacheMiddleware:
    """Serve kept public pages to anonymous visitors before sessions, auth and CSRF run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method not in ("GET", "HEAD")
            or not _anonymous_without_state(request)
        ):
            return self.get_response(request)
        policy = _policy(request)
        if policy is None or (policy.bypass is not None and policy.bypass(request)):
            return self.get_response(request)
        if policy.guard is not None:
            refused = policy.guard(request)
            if refused is not None:
                return refused
            request.page_cache_guarded = True  # type: ignore[attr-defined]  # not twice
        key = _key(request, policy)
        # Generations read before rendering: a write committed meanwhile leaves this page
        # kept under the older generations, so the next visitor gets a fresh render.
        generations, kept = _lookup(key, policy.scopes)
        if kept is None:
            response = self.get_response(request)
            if request.method != "GET" or not _keepable(request, response):
                return response
            kept = _kept(response, generations)
            cache.set(key, kept, seconds)
        return _answer(request, kept)
