from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from units.constants import UnitKind

from .constants import ServiceLevel
from .models import Sector
from .selectors import procedure_catalogue, procedure_detail_queryset


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, max_length=200)
    sector = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    level = forms.TypedChoiceField(
        label=_("Mức độ"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Tất cả mức độ")), *ServiceLevel.choices],
    )
    unit_kind = forms.ChoiceField(
        label=_("Cơ quan thực hiện"), required=False,
        choices=[("", _("Tất cả các cấp")), *UnitKind.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [
            ("", _("Tất cả lĩnh vực")),
            *((s.code, s.localized("name")) for s in Sector.objects.all()),
        ]


def catalogue(request):
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    procedures = procedure_catalogue(
        query=filters.get("q", ""), sector=filters.get("sector", ""),
        level=filters.get("level"), unit_kind=filters.get("unit_kind", ""),
    )
    page = Paginator(procedures, 20).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(request, "procedures/catalogue.html", {
        "form": form, "page": page, "query_string": query_without_page.urlencode(),
    })


def detail(request, code: str):
    procedure = get_object_or_404(procedure_detail_queryset(), code=code)
    return render(request, "procedures/detail.html", {"procedure": procedure})
