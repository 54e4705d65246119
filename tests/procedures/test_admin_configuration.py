"""A district admin configures a procedure in the admin with no code."""

import pytest

from procedures.models import Procedure, Sector
from tests.factories import make_procedure

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/procedures/procedure/add/"


def inline(prefix, rows, initial=0):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def form_data(**overrides):
    sector = Sector.objects.get_or_create(code="ho-tich", defaults={"name": "Hộ tịch"})[0]
    data = {
        "code": "1.004873", "name": "Xác nhận tình trạng hôn nhân", "name_en": "",
        "sector": str(sector.pk), "status": "published", "level": "3",
        "receiving_unit_kind": "ward", "processing_days": "3", "processing_time_note": "",
        "result_document": "Giấy xác nhận tình trạng hôn nhân", "offers_pickup": "on",
        "postal_postage": "0", "description": "", "legal_basis": "Nghị định 123/2015/NĐ-CP",
        "owner_unit": "",
    }
    data.update(inline("fees", [{"order": "0", "name": "Lệ phí", "amount": "5000", "note": ""}]))
    data.update(inline("fee_exemptions", []))
    data.update(inline("documents", [{"order": "0", "key": "to-khai", "name": "Tờ khai",
                                       "mandatory": "on", "form": "original", "quantity": "1"}]))
    data.update(inline("fields", [
        {"order": "0", "key": "muc_dich", "field_type": "select", "required": "on",
         "label": "Mục đích sử dụng", "choices": "ket_hon | Để kết hôn | Marriage\nkhac | Khác"},
        {"order": "1", "key": "ghi_chu", "field_type": "textarea", "label": "Ghi chú",
         "choices": ""},
    ]))
    data.update(inline("steps", [
        {"order": "0", "name": "Tiếp nhận", "role": "clerk", "unit_kind": "ward", "days": "0"},
        {"order": "1", "name": "Thẩm định", "role": "processor", "unit_kind": "ward", "days": "2"},
        {"order": "2", "name": "Ký", "role": "leader", "unit_kind": "ward", "days": "1"},
    ]))
    data.update(inline("versions", []))
    data.update(overrides)
    return data


def test_admin_creates_and_publishes_a_procedure_live(admin_client_2fa, client):
    response = admin_client_2fa.post(ADD_URL, form_data())
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    procedure = Procedure.objects.get(code="1.004873")
    assert procedure.current_version == 1
    assert procedure.fields.get(key="muc_dich").choices == [
        {"value": "ket_hon", "label": "Để kết hôn", "label_en": "Marriage"},
        {"value": "khac", "label": "Khác"},
    ]
    # No restart, no migration: the public catalogue and API list it at once.
    assert "Xác nhận tình trạng hôn nhân" in client.get("/thu-tuc/", {"q": "tinh trang hon nhan"}
                                                       ).content.decode()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"fields-1-key": "muc_dich"}, "Mã trường bị trùng: muc_dich."),
    ({"fields-0-choices": ""}, "Trường danh sách chọn phải có ít nhất một lựa chọn."),
    ({"steps-1-days": "5"}, "vượt quá thời hạn giải quyết"),
    ({"level": "4"}, "phải cho phép trả kết quả qua bưu chính"),
    ({"level": "4", "offers_postal": "on"}, "có thu phí phải bật thanh toán trực tuyến"),
    ({"offers_postal": "on"}, "chỉ áp dụng cho dịch vụ mức độ 4"),
    ({"offers_pickup": ""}, "Phải chọn ít nhất một hình thức trả kết quả."),
    ({"fields-0-regex": "(["}, "Biểu thức kiểm tra không hợp lệ"),
])
def test_admin_rejects_broken_configuration_in_vietnamese(admin_client_2fa, overrides, message):
    data = form_data(**overrides)
    if overrides.get("offers_pickup") == "":
        del data["offers_pickup"]
    response = admin_client_2fa.post(ADD_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Procedure.objects.filter(code="1.004873").exists()


def test_editing_a_published_procedure_in_admin_publishes_a_new_version(admin_client_2fa):
    procedure = make_procedure()
    url = f"/admin/procedures/procedure/{procedure.pk}/change/"
    page = admin_client_2fa.get(url)
    assert page.status_code == 200
    assert "Xem trước biểu mẫu công dân" in page.content.decode()

    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else ""
            for name in form.fields}
    data["processing_days"] = "2"
    data["offers_pickup"] = "on"
    data["offers_postal"] = "on"
    data["online_payment"] = "on"
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
        for child in formset.formset.forms:
            for name in child.fields:
                value = child[name].value()
                if isinstance(value, bool):
                    if value:
                        data[child.add_prefix(name)] = "on"
                    continue
                data[child.add_prefix(name)] = "" if value is None else value
    for key in [k for k, v in data.items() if v is False]:
        del data[key]
    fields_formset = next(f.formset for f in page.context["inline_admin_formsets"]
                          if f.formset.prefix == "fields")
    for child in fields_formset.forms:
        data[child.add_prefix("choices")] = child.fields["choices"].prepare_value(
            child.instance.choices)

    response = admin_client_2fa.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    procedure.refresh_from_db()
    assert procedure.current_version == 2
    assert procedure.versions.get(number=1).document["processing_days"] == 1
    assert procedure.versions.get(number=2).document["processing_days"] == 2


def test_admin_preview_renders_the_citizen_form_and_validates(admin_client_2fa):
    procedure = make_procedure()
    url = f"/admin/procedures/procedure/{procedure.pk}/preview/"
    page = admin_client_2fa.get(url).content.decode()
    assert "Họ và tên trẻ" in page and 'type="date"' in page
    response = admin_client_2fa.post(url, {"ho_ten_tre": "", "gioi_tinh": "khac",
                                           "ngay_sinh": "1800-01-01", "cccd_me": "123"})
    body = response.content.decode()
    assert "Trường này là bắt buộc" in body or "This field is required" in body
    assert "Số CCCD phải gồm đúng 12 chữ số." in body
    assert "Ngày phải từ 01/01/1900 trở đi." in body


def test_admin_import_page_reports_every_error(admin_client_2fa):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bad.json", b'{"schema_version": 1, "code": "x"}',
                                content_type="application/json")
    response = admin_client_2fa.post("/admin/procedures/procedure/import/", {"file": upload})
    body = response.content.decode()
    assert "<code>/code</code>" in body and "Thiếu mục bắt buộc" in body
    assert not Procedure.objects.exists()


def test_anonymous_cannot_reach_admin(client):
    response = client.get(ADD_URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_district_admin_configures_only_its_own_procedures(client, django_user_model):
    from accounts.models import StaffAssignment
    from accounts.services import district_admin_group
    from accounts.testing import login_verified
    from tests.factories import make_unit_tree

    units = make_unit_tree()
    admin_user = django_user_model.objects.create_user("qt.camle", password="x", is_staff=True)
    StaffAssignment.objects.create(user=admin_user, unit=units["district"],
                                   role="district_admin")
    admin_user.groups.add(district_admin_group())
    login_verified(client, admin_user)

    mine = make_procedure(code="1.000001")
    Procedure.objects.filter(pk=mine.pk).update(owner_unit=units["district"])
    theirs = make_procedure(code="1.000002")
    Procedure.objects.filter(pk=theirs.pk).update(owner_unit=units["other_district"])
    citywide = make_procedure(code="1.000003")

    def editable(procedure):
        page = client.get(f"/admin/procedures/procedure/{procedure.pk}/change/")
        assert page.status_code == 200
        return 'name="name"' in page.content.decode()

    assert editable(mine)
    assert not editable(theirs) and not editable(citywide)
    data = form_data(owner_unit=str(units["other_district"].pk))
    response = client.post(ADD_URL, data)
    assert response.status_code == 200  # another district's unit is not a valid choice
    assert not Procedure.objects.filter(code="1.004873").exists()
    response = client.post(ADD_URL, form_data(owner_unit=str(units["district"].pk)))
    assert response.status_code == 302
    assert Procedure.objects.get(code="1.004873").owner_unit == units["district"]
