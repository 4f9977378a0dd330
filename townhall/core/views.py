from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers; touches no database (also the benchmarks' baseline)."""
    return HttpResponse("ok", content_type="text/plain")
