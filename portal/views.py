from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render

from procedures.models import Procedure, Sector

from .pagecache import public_page


@public_page(query_params=())
def home(request):
    return render(request, "home.html", {
        "sectors": Sector.objects.all(),
        "procedure_count": Procedure.objects.published().count(),
    })


def trivial(request):
    """The baseline every benchmark compares against: no database, no template. Only where
    benchmarks run (BENCH_ENDPOINTS): in production it is one more unauthenticated URL."""
    if not settings.BENCH_ENDPOINTS:
        raise Http404
    return HttpResponse(b"ok", content_type="text/plain")
