import pytest

from procedures.models import Procedure
from tests.factories import make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    make_procedure()
    make_procedure(code="1.000894", name="Đăng ký kết hôn", name_en="Marriage registration")
    make_procedure(code="2.000815", name="Chứng thực bản sao từ bản chính", name_en="Copy",
                   sector={"code": "chung-thuc", "name": "Chứng thực"}, level=3,
                   delivery_methods=["pickup"], online_payment=False)
    make_procedure(code="1.000656", name="Đăng ký khai tử", name_en="Death", status="draft")


def codes(query):
    return sorted(Procedure.objects.published().search(query).values_list("code", flat=True))


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "dang ky khai sinh", "Đăng Ký Khai",
                                   "  khai   SINH ", "1.001193", "birth"])
def test_search_is_accent_and_case_insensitive(catalogue, query):
    assert codes(query) == ["1.001193"]


def test_search_requires_every_word(catalogue):
    assert codes("dang ky") == ["1.000894", "1.001193"]
    assert codes("dang ky chung thuc") == []


def test_draft_procedures_are_not_found(catalogue):
    assert codes("khai tu") == []
    assert Procedure.objects.search("khai tu").count() == 1


def test_catalogue_page_search_and_filters(client, catalogue):
    response = client.get("/thu-tuc/", {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Đăng ký khai sinh" in page
    assert "Đăng ký kết hôn" not in page
    assert "Tìm thấy 1 thủ tục" in page

    page = client.get("/thu-tuc/", {"sector": "chung-thuc"}).content.decode()
    assert "Chứng thực bản sao" in page and "Đăng ký kết hôn" not in page

    page = client.get("/thu-tuc/", {"level": "4"}).content.decode()
    assert "Đăng ký kết hôn" in page and "Chứng thực bản sao" not in page


def test_catalogue_paginates(client):
    for number in range(25):
        make_procedure(code=f"9.{number:06d}", name=f"Thủ tục thử nghiệm số {number:02d}")
    first = client.get("/thu-tuc/").content.decode()
    second = client.get("/thu-tuc/", {"page": 2}).content.decode()
    assert "Trang 1/2" in first and "số 19" in first and "số 20" not in first
    assert "số 24" in second
    assert client.get("/thu-tuc/", {"page": "abc"}).status_code == 200
    assert client.get("/thu-tuc/", {"level": "7"}).status_code == 200


def test_procedure_page_shows_what_a_citizen_needs(client, catalogue):
    response = client.get("/thu-tuc/1.001193/")
    page = response.content.decode()
    assert response.status_code == 200
    for text in ["Đăng ký khai sinh", "Giấy chứng sinh", "Dùng lại được", "Thẩm định",
                 "Luật Hộ tịch 2014", "Nộp hồ sơ trực tuyến", "Mức độ 4", "1 ngày làm việc",
                 "bưu chính công ích"]:
        assert text in page, text


def test_draft_or_unknown_procedure_page_is_404(client, catalogue):
    assert client.get("/thu-tuc/1.000656/").status_code == 404
    assert client.get("/thu-tuc/does-not-exist/").status_code == 404


def test_english_ui_uses_english_names(client, catalogue):
    page = client.get("/en/thu-tuc/1.001193/").content.decode()
    assert "Birth registration" in page
    assert '<html lang="en">' in page


def test_printable_guide_in_plain_language(client, catalogue):
    response = client.get("/thu-tuc/1.001193/huong-dan/")
    page = response.content.decode()
    assert response.status_code == 200
    for text in ["Hướng dẫn làm thủ tục hành chính", "1. Chuẩn bị giấy tờ", "Giấy chứng sinh",
                 "không cần tải lên lần nữa", "Họ và tên trẻ", "Mỗi tệp không quá 10 MB",
                 "qua bưu điện", "<svg", "http://testserver/thu-tuc/1.001193/"]:
        assert text in page, text
    # Mandatory documents come first on the checklist.
    assert client.get("/thu-tuc/1.000656/huong-dan/").status_code == 404
    assert "Hướng dẫn in được" in client.get("/thu-tuc/1.001193/").content.decode()


# --- How people ask (issue 15, item 8) -------------------------------------------------------


@pytest.mark.parametrize("query", ["giấy khai sinh", "làm giấy khai sinh cho con",
                                   "GIAY KHAI SINH", "khai sinh cho con", "thủ tục khai sinh"])
def test_everyday_phrasings_find_birth_registration(catalogue, query):
    assert codes(query) == ["1.001193"]


def test_the_catalogue_page_finds_what_people_type(client, catalogue):
    page = client.get("/thu-tuc/", {"q": "làm giấy khai sinh cho con"}).content.decode()
    assert "Đăng ký khai sinh" in page and "Tìm thấy 1 thủ tục" in page


def test_words_match_the_start_of_words_not_the_middle(catalogue):
    assert codes("hon") == ["1.000894"]      # "hôn", start of a word
    assert codes("on") == []                  # inside "hôn", "chính": no match


def test_admin_keywords_and_synonyms_are_searched_without_code(admin_client_2fa, catalogue):
    procedure = Procedure.objects.get(code="1.000894")
    assert codes("cưới") == []
    procedure.keywords = "giấy đăng ký kết hôn\ncưới, lấy vợ lấy chồng"
    procedure.save()
    assert codes("cưới") == ["1.000894"]
    assert codes("lay vo") == ["1.000894"]


def test_results_are_ranked_more_words_and_name_first(catalogue):
    make_procedure(code="1.999999", name="Cấp bản sao trích lục hộ tịch",
                   keywords=["bản sao giấy khai sinh"])
    birth = Procedure.objects.get(code="1.001193")
    birth.keywords = "giấy khai sinh"
    birth.save()
    ranked = list(Procedure.objects.published().search("giấy khai sinh")
                  .values_list("code", flat=True))
    assert ranked == ["1.001193", "1.999999"]  # all words in both; name words rank first
    ranked = list(Procedure.objects.published().search("khai sinh")
                  .values_list("code", flat=True))
    assert ranked == ["1.001193", "1.999999"]  # words in the name rank first


def test_keywords_travel_through_import_and_export(db):
    from procedures.services import procedure_export

    procedure = make_procedure(keywords=["giấy khai sinh", "khai sinh cho con"])
    assert procedure.keywords == "giấy khai sinh\nkhai sinh cho con"
    assert procedure_export(procedure=procedure)["keywords"] == ["giấy khai sinh",
                                                                 "khai sinh cho con"]
    assert "keywords" not in procedure.versions.get().document


def test_the_demo_birth_registration_has_keywords(db):
    import json
    from pathlib import Path

    from procedures.services import procedure_import

    path = Path(__file__).resolve().parents[2] / "procedures/demo/1.001193.json"
    procedure_import(document=json.loads(path.read_text(encoding="utf-8")))
    assert codes("làm giấy khai sinh cho bé") == ["1.001193"]
