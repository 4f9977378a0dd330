from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def service_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")
