"""Renders a report table in Python: a city dashboard has over a thousand cells and the
template engine's per-cell cost was a third of the page time."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.tables import Table

register = template.Library()


def _cell(value, link: str | None) -> SafeString:
    text = "–" if value is None else value
    if link:
        return format_html('<td><a href="{}">{}</a></td>', link, text)
    return format_html("<td>{}</td>", text)


@register.simple_tag
def report_table(table: Table, query: str = "", export: bool = False, link_column: int = 1
                 ) -> SafeString:
    parts = [format_html('<section class="card report-table" id="bang-{}"><h2>{}</h2>',
                         table.slug, table.title)]
    if export:
        csv_url = reverse("reports_staff:export", args=[table.slug, "csv"])
        xlsx_url = reverse("reports_staff:export", args=[table.slug, "xlsx"])
        parts.append(format_html(
            '<p class="exports">{}: <a href="{}?{}">CSV</a> · <a href="{}?{}">XLSX</a></p>',
            _("Tải về"), csv_url, query, xlsx_url, query))
    if not table.rows:
        parts.append(format_html('<p class="empty">{}</p></section>',
                                 _("Không có số liệu trong kỳ.")))
        return mark_safe("".join(parts))  # noqa: S308 - every part went through format_html
    parts.append('<div class="table-wrap"><table class="table"><thead><tr>')
    parts.append(format_html_join("", '<th scope="col">{}</th>', ((h,) for h in table.headers)))
    parts.append("</tr></thead><tbody>")
    for row, link in table.items:
        cells = "".join(_cell(value, link if index == link_column else None)
                        for index, value in enumerate(row, 1))
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table></div></section>")
    return mark_safe("".join(parts))  # noqa: S308 - every part went through format_html
