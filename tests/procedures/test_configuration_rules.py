
from procedures.documents import document_errors
from tests.factories import procedure_document


def paths(document):
    return {error.path: error.message for error in document_errors(document)}


def test_the_base_document_is_valid():
    assert document_errors(procedure_document()) == []


def test_duplicate_field_keys():
    document = procedure_document()
    document["fields"].append({"key": "ho_ten_tre", "label": "Lặp", "type": "text"})
    assert "Mã trường bị trùng: ho_ten_tre." in paths(document)["/fields"]


def test_select_without_choices():
    document = procedure_document()
    document["fields"][1]["choices"] = []
    assert "ít nhất một lựa chọn" in paths(document)["/fields/1/choices"]


def test_steps_longer_than_the_legal_deadline():
    document = procedure_document(processing_days=1)
    document["steps"][1]["days"] = 3
    message = paths(document)["/steps"]
    assert "3.5 ngày làm việc" in message and "(1 ngày làm việc)" in message


def test_level_4_requires_postal_and_online_payment_of_fees():
    document = procedure_document(level=4, delivery_methods=["pickup"], online_payment=False,
                                  fees=[{"name": "Lệ phí", "amount": 10000}])
    errors = paths(document)
    assert "bưu chính" in errors["/delivery_methods"]
    assert "thanh toán trực tuyến" in errors["/online_payment"]


def test_postal_only_at_level_4():
    document = procedure_document(level=3, online_payment=False)
    assert "chỉ áp dụng cho dịch vụ mức độ 4" in paths(document)["/delivery_methods"]


def test_bad_regex_and_bounds():
    document = procedure_document()
    document["fields"][0]["regex"] = "([a-z"
    document["fields"][2].update({"min": "2030-01-01", "max": "2020-01-01"})
    errors = paths(document)
    assert "Biểu thức kiểm tra không hợp lệ" in errors["/fields/0/regex"]
    assert "không nhỏ hơn" in errors["/fields/2/max"]


def test_schema_errors_carry_json_pointers():
    document = procedure_document(level=5, code="abc")
    del document["steps"]
    document["fields"][0]["type"] = "colour"
    errors = paths(document)
    assert {"/", "/code", "/level", "/fields/0/type"} <= set(errors)
