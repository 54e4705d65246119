"""The OpenAPI schema's shared parts (drf-spectacular's ``DEFAULT_SCHEMA_CLASS``).

Every operation gets:

- one tag, the app that serves it (``procedures``, ``dossiers``, ``accounts``, …);
- a summary: ``extend_schema(summary=…)`` if the view gives one, else :data:`SUMMARIES`
  (by operation id), else one made from the action and the model, else the first line of the
  docstring;
- the error answers it can give, each with the one error shape of the API
  (``portal/api/errors.py``), the ``Error`` component ``{"error": {"code", "message",
  "details"}}``: 429 on every throttled operation (with ``Retry-After``), 400 and 409 on every
  write (and 400 where query parameters are read), 404 where the path names an object, 401 and
  403 where the operation needs a signed-in user or a permission. A response the view documents
  itself keeps its description and body; one documented without a body gets the envelope.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, get_view_model
from rest_framework.permissions import AllowAny

ERROR_SCHEMA = {
    "type": "object",
    "description": "Mọi lỗi của API có cùng một dạng.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "Mã lỗi máy đọc được, ví dụ "
                         "invalid, not_authenticated, permission_denied, not_found, conflict, "
                         "throttled.", "example": "invalid"},
                "message": {"type": "string", "description": "Thông báo cho người dùng.",
                            "example": "Dữ liệu không hợp lệ."},
                "details": {"description": "Chi tiết theo từng trường (lỗi 400), thời gian chờ "
                            "(lỗi 429), hoặc null.", "nullable": True},
            },
            "required": ["code", "message", "details"],
        },
    },
    "required": ["error"],
}

ERROR_DESCRIPTIONS = {
    "400": "Dữ liệu không hợp lệ (details: lỗi theo từng trường).",
    "401": "Chưa đăng nhập hoặc mã truy cập (token) không hợp lệ, đã hết hạn.",
    "403": "Không có quyền thực hiện thao tác này.",
    "404": "Không tìm thấy (hoặc không có quyền xem).",
    "409": "Xung đột: trạng thái đã thay đổi hoặc dữ liệu trùng; tải lại rồi thử lại.",
    "429": "Quá nhiều yêu cầu; thử lại sau số giây trong Retry-After "
           "(details.retry_after_seconds).",
}

APP_TAGS = {
    "accounts": "accounts",
    "citizens": "citizens",
    "procedures": "procedures",
    "dossiers": "dossiers",
    "delivery": "delivery",
    "ratings": "ratings",
    "reports": "reports",
    "units": "units",
}


# The tags themselves, with descriptions: portal/api/tags.py (read by the settings).

# Summaries of operations whose view gives none (extend_schema(summary=…) in a view wins).
SUMMARIES = {
    "v1_auth_token_create": "Lấy mã truy cập (token) bằng tài khoản và mật khẩu",
    "v1_auth_token_destroy": "Đăng xuất thiết bị này (thu hồi token)",
    "v1_auth_logout_create": "Đăng xuất thiết bị này (thu hồi token)",
    "v1_auth_logout_all_create": "Đăng xuất khỏi mọi thiết bị",
    "v1_dossiers_list": "Danh sách hồ sơ của công dân đang đăng nhập",
    "v1_dossiers_create": "Tạo hồ sơ nháp",
    "v1_dossiers_retrieve": "Chi tiết một hồ sơ",
    "v1_dossiers_attachments_create": "Đính kèm thành phần hồ sơ",
    "v1_dossiers_submit_create": "Nộp hồ sơ",
    "v1_dossiers_transitions_create": "Chuyển bước xử lý hồ sơ (cán bộ)",
    "dossier_rating_read": "Xem đánh giá của hồ sơ",
    "dossier_rating_put": "Gửi hoặc sửa đánh giá của hồ sơ",
    "v1_me_retrieve": "Thông tin tài khoản đang đăng nhập",
    "v1_me_partial_update": "Cập nhật thông tin tài khoản",
    "v1_me_addresses_list": "Danh sách địa chỉ nhận kết quả",
    "v1_me_addresses_create": "Thêm địa chỉ nhận kết quả",
    "v1_me_addresses_retrieve": "Chi tiết một địa chỉ nhận kết quả",
    "v1_me_addresses_partial_update": "Sửa địa chỉ nhận kết quả",
    "v1_me_addresses_destroy": "Xóa địa chỉ nhận kết quả",
    "v1_procedures_list": "Danh mục thủ tục đang công bố",
    "v1_procedures_retrieve": "Chi tiết một thủ tục",
    "v1_queue_list": "Hàng đợi hồ sơ của cán bộ",
    "v1_staff_procedures_list": "Danh sách thủ tục trong phạm vi quản trị",
    "v1_staff_procedures_export_retrieve": "Xuất cấu hình thủ tục (JSON procedure-v1)",
    "v1_staff_procedures_import_create": "Nhập hoặc thay cấu hình thủ tục (JSON procedure-v1)",
    "stats_figures": "Số liệu tổng hợp giải quyết hồ sơ",
    "stats_units": "Số liệu theo đơn vị",
    "stats_procedures": "Số liệu theo thủ tục",
    "stats_overdue": "Hồ sơ quá hạn theo đơn vị",
    "v1_track_retrieve": "Tra cứu tình trạng hồ sơ theo mã",
}

ACTION_SUMMARIES = {
    "list": "Danh sách {plural}",
    "retrieve": "Chi tiết {name}",
    "create": "Tạo {name}",
    "update": "Cập nhật {name}",
    "partial_update": "Cập nhật {name}",
    "destroy": "Xóa {name}",
}

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class PortalAutoSchema(AutoSchema):
    def get_summary(self):
        summary = super().get_summary()
        if summary:
            return summary
        summary = SUMMARIES.get(self.get_operation_id())
        if summary:
            return summary
        action = getattr(self.view, "action", None) or ""
        model = get_view_model(self.view, emit_warnings=False)
        if action in ACTION_SUMMARIES and model is not None:
            return ACTION_SUMMARIES[action].format(
                name=model._meta.verbose_name, plural=model._meta.verbose_name_plural)
        description = (self.get_description() or "").strip()
        if description:
            return description.splitlines()[0].strip()[:120]
        return self.get_operation_id().replace("_", " ")

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        operation["tags"] = [self._app_tag()]
        component = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA,
                                      object="portal.api.errors.Error", schema=ERROR_SCHEMA)
        registry.register_on_missing(component)
        responses = operation.setdefault("responses", {})
        for status in self._error_statuses(operation, method.upper(), path):
            answer = responses.setdefault(status, {"description": ERROR_DESCRIPTIONS[status]})
            answer.setdefault("content", {"application/json": {"schema": component.ref}})
            if not answer.get("description"):
                answer["description"] = ERROR_DESCRIPTIONS[status]
            if status == "429":
                answer.setdefault("headers", {"Retry-After": {
                    "schema": {"type": "integer"},
                    "description": "Số giây cần chờ trước khi gửi lại."}})
        return operation

    def _app_tag(self) -> str:
        app = type(self.view).__module__.split(".")[0]
        return APP_TAGS.get(app, app)

    def _error_statuses(self, operation: dict, method: str, path: str) -> list[str]:
        statuses = []
        write = method in WRITE_METHODS
        reads_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        if write or reads_query:
            statuses.append("400")
        if self._needs_authentication(operation):
            statuses += ["401", "403"]
        if "{" in path:
            statuses.append("404")
        if write:
            statuses.append("409")
        if self.view.get_throttles():
            statuses.append("429")
        return statuses

    def _needs_authentication(self, operation: dict) -> bool:
        if any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            return False
        security = operation.get("security")
        if security is None:  # no authentication scheme applies: nothing to be refused for
            return False
        return all(requirement for requirement in security)
