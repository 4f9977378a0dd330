"""Townhall's URLs plus the plain page (bench/wrk_settings.py)."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

PLAIN = engines["django"].from_string(
    "<!DOCTYPE html><html lang='en'><head><title>Plain</title></head><body>"
    "<p>{% if user.is_authenticated %}Signed in{% else %}Not signed in{% endif %}</p>"
    "<form method='post'>{% csrf_token %}<button>Go</button></form></body></html>"
)


def plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PLAIN.render({}, request))


urlpatterns = [
    path("bench/plain", plain),
    path("", include("config.urls")),
]
