"""Every table the dashboard and the public page show, as plain headers and rows, so the page,
the CSV and the XLSX export are the same table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)

    @property
    def items(self) -> list[tuple[list[Any], str | None]]:
        links = self.links + [None] * (len(self.rows) - len(self.links))
        return list(zip(self.rows, links, strict=True))


def figure_headers(first: str, *, public: bool = False) -> list[str]:
    headers = [first, _("Tiếp nhận"), _("Trực tiếp"), _("Trực tuyến"), _("Bưu chính"),
               _("Tỷ lệ trực tuyến (%)"), _("Đã giải quyết"), _("Đúng hạn"), _("Trễ hạn"),
               _("Tỷ lệ đúng hạn (%)"), _("Thời gian xử lý TB (ngày làm việc)"),
               _("Thanh toán trực tuyến (%)"), _("Trả kết quả qua bưu chính"),
               _("Trả kết quả tại bộ phận một cửa"), _("Tái sử dụng dữ liệu (%)"),
               _("Số lượt đánh giá"), _("Tỷ lệ hài lòng (%)")]
    return [str(h) for h in headers]


def figure_cells(f: dict[str, Any]) -> list[Any]:
    return [f["received"], f["received_in_person"], f["received_online"], f["received_postal"],
            f["online_share"], f["resolved"], f["on_time"], f["late"], f["on_time_rate"],
            f["average_days"], f["online_payment_share"], f["result_postal"],
            f["result_pickup"], f["reuse_share"], f["ratings"], f["satisfaction_rate"]]


def units_table(rows: list[dict], link=None) -> Table:
    table = Table("don-vi", str(_("Theo đơn vị")), figure_headers(str(_("Đơn vị"))))
    for row in rows:
        name = row["unit"].name + (f" ({_('trực tiếp')})" if row.get("is_self") else "")
        table.rows.append([name, *figure_cells(row)])
        table.links.append(link(row) if link else None)
    return table


def wards_table(rows: list[dict], link=None) -> Table:
    table = Table("xep-hang-phuong", str(_("Xếp hạng phường, xã")),
                  [str(_("Hạng")), *figure_headers(str(_("Phường, xã")))])
    for row in rows:
        table.rows.append([row["rank"], row["unit"].name, *figure_cells(row)])
        table.links.append(link(row) if link else None)
    return table


def procedures_table(rows: list[dict], link=None) -> Table:
    table = Table("thu-tuc", str(_("Theo thủ tục")),
                  [str(_("Mã thủ tục")), *figure_headers(str(_("Thủ tục")))])
    for row in rows:
        table.rows.append([row["procedure"].code, row["procedure"].name, *figure_cells(row)])
        table.links.append(link(row) if link else None)
    return table


def series_table(rows: list[dict]) -> Table:
    table = Table("theo-thoi-gian", str(_("Theo thời gian")),
                  figure_headers(str(_("Kỳ"))))
    for row in rows:
        table.rows.append([row["label"], *figure_cells(row)])
        table.links.append(None)
    return table


HEADLINES = [
    ("received", _("Hồ sơ tiếp nhận")),
    ("received_online", _("Tiếp nhận trực tuyến")),
    ("received_in_person", _("Tiếp nhận trực tiếp")),
    ("received_postal", _("Tiếp nhận qua bưu chính")),
    ("online_share", _("Tỷ lệ hồ sơ trực tuyến (%)")),
    ("resolved", _("Hồ sơ đã giải quyết")),
    ("on_time", _("Giải quyết đúng hạn")),
    ("late", _("Giải quyết trễ hạn")),
    ("on_time_rate", _("Tỷ lệ đúng hạn (%)")),
    ("average_days", _("Thời gian xử lý trung bình (ngày làm việc)")),
    ("median_days", _("Thời gian xử lý trung vị (ngày làm việc)")),
    ("online_payment_share", _("Tỷ lệ thanh toán trực tuyến (%)")),
    ("postal_result_share", _("Tỷ lệ trả kết quả qua bưu chính (%)")),
    ("reuse_share", _("Tỷ lệ tái sử dụng dữ liệu số hóa (%)")),
    ("ratings", _("Số lượt đánh giá")),
    ("satisfaction_rate", _("Tỷ lệ hài lòng (%)")),
]


def change(current: Any, previous: Any) -> float | None:
    if current is None or previous is None:
        return None
    return round(float(current) - float(previous), 2)


def headline_table(current: dict, previous: dict, overdue_count: int | None = None,
                   late_to_acknowledge_count: int | None = None) -> Table:
    from ratings.constants import CRITERIA

    table = Table("tong-hop", str(_("Chỉ số tổng hợp")),
                  [str(_("Chỉ số")), str(_("Kỳ này")), str(_("Kỳ trước")), str(_("Thay đổi"))])
    for key, label in HEADLINES:
        table.rows.append([str(label), current.get(key), previous.get(key),
                           change(current.get(key), previous.get(key))])
    for field_name, _counter, label in CRITERIA:
        table.rows.append([str(_("Hài lòng: %(criterion)s (%%)") % {"criterion": label}),
                           current["criteria"][field_name], previous["criteria"][field_name],
                           change(current["criteria"][field_name],
                                  previous["criteria"][field_name])])
    for level in current.get("levels", []):
        table.rows.append([str(_("Tỷ lệ trực tuyến, mức độ %(level)s (%%)")
                               % {"level": level["level"]}), level["online_share"], None, None])
    if overdue_count is not None:
        table.rows.append([str(_("Đang quá hạn (hiện tại)")), overdue_count, None, None])
    if late_to_acknowledge_count is not None:
        table.rows.append([str(_("Trễ tiếp nhận (hiện tại)")), late_to_acknowledge_count,
                           None, None])
    table.links = [None] * len(table.rows)
    return table


def overdue_table(rows: list[dict], link=None) -> Table:
    table = Table("qua-han", str(_("Hồ sơ đang quá hạn")),
                  [str(_("Mã hồ sơ")), str(_("Thủ tục")), str(_("Đơn vị đang xử lý")),
                   str(_("Ngày hẹn trả")), str(_("Số ngày trễ (ngày làm việc)"))])
    for row in rows:
        d = row["dossier"]
        table.rows.append([d.code, d.procedure.name, row["owner"].name,
                           d.due_date.strftime("%d/%m/%Y"), row["days_late"]])
        table.links.append(link(row) if link else None)
    return table


# --- the service index (QĐ 766) ----------------------------------------------------------------


def index766_table(index, unit_name: str, week_label: str) -> Table:
    """One row per criterion (and one per group and the total): points, the figures behind
    them and what would raise them."""
    table = Table("chi-so-766", str(_("Chỉ số 766")),
                  [str(_("Đơn vị")), str(_("Tuần")), str(_("Nhóm")), str(_("Tiêu chí")),
                   str(_("Đạt")), str(_("Trên tổng số")), str(_("Tỷ lệ (%)")),
                   str(_("Chỉ tiêu (%)")), str(_("Điểm")), str(_("Điểm tối đa")),
                   str(_("Để tăng điểm"))])
    for group in index.groups:
        for c in group.criteria:
            table.rows.append([unit_name, week_label, group.group.label, c.criterion.label,
                               c.numerator, c.denominator, c.ratio, c.criterion.target,
                               c.score, c.criterion.points, c.advice or ""])
        table.rows.append([unit_name, week_label, group.group.label, str(_("Cộng nhóm")),
                           None, None, None, None, group.score, group.group.points, ""])
    table.rows.append([unit_name, week_label, str(_("Tổng điểm")), "", None, None, None, None,
                       index.total, sum(g.group.points for g in index.groups), ""])
    table.links = [None] * len(table.rows)
    return table


def index766_ranking_table(ranking, week_label: str, link=None) -> Table:
    first = ranking[0].index.groups if ranking else []
    table = Table("xep-hang-766", str(_("Xếp hạng phường, xã theo Chỉ số 766")),
                  [str(_("Hạng")), str(_("Phường, xã")), str(_("Tuần")), str(_("Tổng điểm")),
                   *[f"{g.group.label} ({g.group.points:g})" for g in first]])
    for row in ranking:
        table.rows.append([row.rank, row.unit.name, week_label, row.index.total,
                           *[g.score for g in row.index.groups]])
        table.links.append(link(row) if link else None)
    return table
