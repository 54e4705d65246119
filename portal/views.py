from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from procedures.models import Procedure, Sector

from .pagecache import public_page


@public_page(query_params=())
def home(request):
    return render(request, "home.html", {
        "sectors": Sector.objects.all(),
        "procedure_count": Procedure.objects.published().count(),
    })


def healthz(request):
    return JsonResponse({"status": "ok"})


def trivial(request):
    """The baseline every benchmark compares against: no database, no template."""
    return HttpResponse(b"ok", content_type="text/plain")
