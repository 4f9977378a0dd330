"""GeoReport v2 endpoints: translate HTTP to the services and selectors, and back.

Every route answers in JSON or XML by its suffix (JSON without one). The API is keyed, not
cookie-based, so it is exempt from CSRF. GET requests and GET requests/{id} read through one
selector (`selectors.requests_search`): a request is in both, and in every list it matches,
from the moment its POST is answered, whether or not the worker has opened its case.
"""

import gzip
import hashlib
import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt

from townhall.core.client_address import client_ip
from townhall.core.downloads import download_response
from townhall.core.pagecache import page_cached
from townhall.open311 import clients, formats, request_checks, selectors, services, throttle
from townhall.open311.generation import SCOPE, generation_current
from townhall.open311.models import ApiClient, Open311RequestLog
from townhall.open311.openapi import openapi_document

logger = logging.getLogger(__name__)

View = Callable[..., HttpResponse]


def _fmt(fmt: str | None) -> str:
    return formats.XML if fmt == formats.XML else formats.JSON


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", ""}


def _body_params(request: HttpRequest) -> MultiValueDict | str:
    """The posted parameters: form-encoded as the spec says, or a JSON object. Otherwise
    the reason the body cannot be read."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return "The body is not valid JSON: send form fields or a JSON object."
        if not isinstance(body, dict):
            return "The body is not valid: send form fields or a JSON object, not a list."
        params: MultiValueDict = MultiValueDict()
        for name, value in body.items():
            values = [v for v in (value if isinstance(value, list) else [value]) if v is not None]
            params.setlist(str(name), [v if isinstance(v, str) else json.dumps(v) for v in values])
        return params
    if request.content_type not in FORM_TYPES:
        return (
            f"A body of type {(request.content_type or '')[:60]} is not accepted: send form fields "
            "(application/x-www-form-urlencoded or multipart/form-data) or a JSON object."
        )
    if request.content_type != "multipart/form-data":
        try:
            request.body.decode("utf-8")
        except UnicodeDecodeError:
            return "The body is not valid UTF-8: encode the form fields as UTF-8."
    return request.POST


def _too_many(fmt: str, wait: int) -> HttpResponse:
    response = formats.errors_respond(
        fmt, 429, [(429, f"Too many requests: wait {wait} seconds, then try again.")]
    )
    response["Retry-After"] = str(wait)
    return response


def _request_log(request: HttpRequest, response: HttpResponse) -> None:
    """Every request made with a key (or posting) is kept against its client for the desk;
    anonymous reads only go to the log file."""
    client = getattr(request, "open311_client", None)
    if client is None and request.GET.get("api_key"):
        client = clients.api_client_for_key(request.GET["api_key"])
    presented = "api_key" in request.GET or request.method == "POST"
    if client is None and not presented:
        return
    Open311RequestLog.objects.create(
        client=client,
        method=request.method or "",
        path=request.path[:300],
        status=response.status_code,
        ip_address=client_ip(request),
    )


def _shared_cache(view: View) -> View:
    """Public reads are the same for every caller (a key changes nothing on them), so their
    answers are kept for OPEN311_CACHE_SECONDS in the shared cache, and clients may keep them
    as long: a feed polled by many clients costs one query per window."""

    @wraps(view)
    def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.OPEN311_CACHE_SECONDS
        if request.method not in READ or not seconds:
            return view(request, *args, **kwargs)
        params = sorted(
            (name, value)
            for name in request.GET
            if name != "api_key"
            for value in request.GET.getlist(name)
        )
        # Every accepted request and every new or changed case starts a new generation, so
        # no client reads a list older than the last request accepted or its last change.
        generation = generation_current()
        raw = f"{generation}:{request.path}?{urlencode(params)}"
        key = "open311:response:" + hashlib.sha256(raw.encode()).hexdigest()
        hit = cache.get(key)
        if hit is None:
            response = view(request, *args, **kwargs)
            if response.status_code not in (200, 404):
                return response
            # Kept compressed, once: a 1,000-request feed is ~0.5 MB, ~35 KB gzipped, and
            # most clients take gzip as it is.
            hit = (
                response.status_code,
                response["Content-Type"],
                gzip.compress(response.content, compresslevel=6, mtime=0),
            )
            cache.set(key, hit, seconds)
        status, content_type, zipped = hit
        accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
        response = HttpResponse(
            zipped if accepts_gzip else gzip.decompress(zipped),
            status=status,
            content_type=content_type,
        )
        if accepts_gzip:
            response["Content-Encoding"] = "gzip"
        response["Vary"] = "Accept-Encoding"
        response["Cache-Control"] = f"public, max-age={seconds}"
        return response

    return cached


def _rate_wait(request: HttpRequest) -> int:
    """Seconds to wait before the next request, or 0. A keyed client is counted by its key,
    never by its address (a partner's one server may send for many councils, or share a NAT);
    a read without a key by its address. A POST's key is in its body: `_requests_post` counts
    it once the key is read."""
    if request.method == "POST" or getattr(request, "page_cache_guarded", False):
        return 0
    client = clients.api_client_for_key(request.GET.get("api_key"))
    if client is not None:
        return throttle.client_wait(client.pk)
    return throttle.ip_wait(client_ip(request))


def _methods(*allowed: str) -> Callable[[View], View]:
    """Refuse other HTTP methods with a spec-shaped 405 error list, slow down addresses
    over their rate limit, and log every request."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = formats.errors_respond(
                    _fmt(kwargs.get("fmt")),
                    405,
                    [(405, f"{request.method} is not allowed here; use {' or '.join(allowed)}.")],
                )
                response["Allow"] = ", ".join(allowed)
            elif wait := _rate_wait(request):
                response = _too_many(_fmt(kwargs.get("fmt")), wait)
            else:
                response = view(request, *args, **kwargs)
            logger.info(
                "open311 %s %s %s ip=%s",
                request.method,
                request.path,
                response.status_code,
                client_ip(request),
            )
            _request_log(request, response)
            return response

        # Open311 clients authenticate with keys, never cookies: CSRF does not apply, and an
        # unknown method must reach the view to get its spec-shaped 405.
        guarded.csrf_exempt = True  # type: ignore[attr-defined]
        return guarded

    return decorate


READ = ("GET", "HEAD")


def _rate_guard(request: HttpRequest) -> HttpResponse | None:
    """The per-address limit, checked before a kept answer is served (core/pagecache.py)."""
    if wait := throttle.ip_wait(client_ip(request)):
        return _too_many(_fmt("xml" if request.path.endswith(".xml") else None), wait)
    return None


def _keyed_read(request: HttpRequest) -> bool:
    # A read with a key is logged against its client (the desk shows it): it goes to the view.
    return "api_key" in request.GET


# Public reads kept whole for callers without a key, until the next Open311 generation.
_kept_whole = page_cached(SCOPE, guard=_rate_guard, bypass=_keyed_read)


@_methods(*READ)
@_shared_cache
@_kept_whole
def discovery(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    data = formats.discovery_data(
        base_url=request.build_absolute_uri(reverse("open311:discovery").removesuffix("discovery")),
        contact=request.build_absolute_uri("/"),
    )
    return formats.respond(_fmt(fmt), "discovery", data)


@_methods(*READ)
@_shared_cache
@_kept_whole
def service_list(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    data = [
        formats.service_data(service, bool(selectors.service_attributes(service)))
        for service in selectors.services_listed()
    ]
    return formats.respond(_fmt(fmt), "services", data)


@_methods(*READ)
@_shared_cache
@_kept_whole
def service_definition(request: HttpRequest, code: str, fmt: str | None = None) -> HttpResponse:
    service = selectors.service_by_code(code, retired_too=True)
    if service is None:
        return formats.errors_respond(
            _fmt(fmt), 404, [(404, f"No service has the code '{code[:60]}'. GET services.")]
        )
    data = formats.service_definition_data(service, selectors.service_attributes(service))
    return formats.respond(_fmt(fmt), "service_definition", data)


def _keyed(request: HttpRequest, fmt: str) -> tuple[QueryDict, ApiClient] | HttpResponse:
    """The request's parameters (body over query string) and its client, or the error
    response to send when the body is unreadable or the key missing or wrong."""
    merged = QueryDict(mutable=True)
    merged.update(request.GET)
    if request.method == "POST":
        params = _body_params(request)
        if isinstance(params, str):
            return formats.errors_respond(fmt, 400, [(400, params)])
        for name in params:
            merged.setlist(name, params.getlist(name))
    client = clients.api_client_for_key(merged.get("api_key"))
    request.open311_client = client  # type: ignore[attr-defined]  # for the request log
    if client is None:
        description = (
            "api_key is wrong or revoked." if merged.get("api_key") else "api_key is required."
        )
        return formats.errors_respond(fmt, 403, [(403, description)])
    return merged, client


def _requests_post(request: HttpRequest, fmt: str) -> HttpResponse:
    keyed = _keyed(request, fmt)
    if isinstance(keyed, HttpResponse):
        # No client to count by (no key, a wrong one, an unreadable body): the address is.
        if wait := throttle.ip_wait(client_ip(request)):
            return _too_many(fmt, wait)
        return keyed
    merged, client = keyed
    if wait := throttle.client_wait(client.pk):
        logger.warning("open311 client=%r over its rate limit", client.name)
        return _too_many(fmt, wait)
    try:
        reference, created = services.service_request_create(
            client=client, data=merged, files=request.FILES
        )
    except request_checks.RequestRejected as rejected:
        logger.info("open311 client=%r post refused: %d errors", client.name, len(rejected.errors))
        return formats.errors_respond(fmt, rejected.status, rejected.errors)
    logger.info(
        "open311 client=%r %s %s", client.name, "accepted" if created else "retried", reference
    )
    data = [formats.request_created_data(reference, services.SERVICE_NOTICE)]
    return formats.respond(fmt, "service_requests", data)


@csrf_exempt
@_methods(*READ, "POST")
@_shared_cache
@_kept_whole
def request_list(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    if request.method == "POST":
        return _requests_post(request, _fmt(fmt))
    query, errors = request_checks.requests_query_check(data=request.GET)
    if errors:
        return formats.errors_respond(_fmt(fmt), 400, errors)
    found = selectors.requests_search(
        references=query.references,
        service_codes=query.service_codes,
        statuses=query.statuses,
        start=query.start,
        end=query.end,
    )
    data = [formats.request_data(service_request) for service_request in found]
    return formats.respond(_fmt(fmt), "service_requests", data)


@_methods(*READ)
@_shared_cache
@_kept_whole
def request_detail(request: HttpRequest, reference: str, fmt: str | None = None) -> HttpResponse:
    service_request = selectors.request_find(reference)
    if service_request is None:
        return formats.errors_respond(
            _fmt(fmt), 404, [(404, f"No service request has the id '{reference[:40]}'.")]
        )
    data = [formats.request_data(service_request)]
    return formats.respond(_fmt(fmt), "service_requests", data)


@_methods(*READ)
def token_detail(request: HttpRequest, token: str, fmt: str | None = None) -> HttpResponse:
    # Requests get their id at once, so no token is ever issued and none can be found.
    return formats.errors_respond(
        _fmt(fmt),
        404,
        [(404, "Tokens are not issued here: POST requests returns the service_request_id.")],
    )


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    fmt = formats.XML if path.endswith(".xml") else formats.JSON
    return formats.errors_respond(
        fmt, 404, [(404, "No such Open311 resource. See discovery for the routes.")]
    )


@csrf_exempt
@_methods(*READ, "POST")
def update_list(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """mySociety's extension: the council's updates to a client, and the client's to us."""
    out = _fmt(fmt)
    keyed = _keyed(request, out)
    if isinstance(keyed, HttpResponse):
        return keyed
    data, client = keyed
    if request.method == "POST":
        try:
            event = services.request_update_create(client=client, data=data)
        except request_checks.RequestRejected as rejected:
            return formats.errors_respond(out, rejected.status, rejected.errors)
        logger.info("open311 client=%r update %s on %s", client.name, event.pk, event.case_id)
        return formats.respond(out, "service_request_updates", [formats.update_created_data(event)])
    query, errors = request_checks.request_updates_query_check(data=data)
    if errors:
        return formats.errors_respond(out, 400, errors)
    events = selectors.request_updates(client_id=client.pk, start=query.start, end=query.end)
    return formats.respond(
        out, "service_request_updates", [formats.update_data(event) for event in events]
    )


@_methods(*READ)
def media(request: HttpRequest, reference: str, photo_id: str) -> HttpResponse:
    """A request's public photo (its media_url)."""
    photo = selectors.request_photo(reference[:20], int(photo_id))
    if photo is None:
        return formats.errors_respond(formats.JSON, 404, [(404, "No such photo.")])
    with photo.file.open("rb") as stored:
        response = download_response(
            stored.read(),
            filename=f"{reference[:20]}-photo-{photo.pk}",
            content_type=photo.content_type,
        )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI description of these routes."""
    from django.http import JsonResponse

    return JsonResponse(openapi_document(reverse("open311:discovery").removesuffix("/discovery")))
