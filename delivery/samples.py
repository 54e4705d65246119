"""Sample contexts for every slip: previews for admins restyling templates, tests and the bench."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from .constants import DocumentKind
from .pdf_contexts import (
    ApologyContext,
    BaseContext,
    ControlSheetContext,
    DocumentLine,
    Handover,
    LogbookContext,
    LogbookRow,
    PaymentLine,
    PaymentReceiptContext,
    PickupSlipContext,
    PostalLabelContext,
    ReceiptContext,
    RefusalContext,
    StopNoticeContext,
    SupplementRequestContext,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "000.17.22.H56-261125-0007"
UNIT = {"unit_name": "Phường Hải Châu", "parent_unit_name": "Thành phố Đà Nẵng",
        "committee_name": "Ủy ban nhân dân Phường Hải Châu", "desk_name": "Bộ phận Một cửa",
        "code": CODE}
RECEIVED = datetime(2026, 11, 25, 9, 5, tzinfo=TZ)


def sample_context(kind: str, **overrides) -> BaseContext:
    builders = {
        DocumentKind.RECEIPT: lambda: ReceiptContext(
            **UNIT, applicant_name="Nguyễn Thị Hồng Nhung",
            applicant_address="12 Lê Duẩn, phường Hải Châu, thành phố Đà Nẵng",
            applicant_phone="0905 123 456", applicant_email="nhung.nguyen@example.vn",
            procedure_name="Đăng ký khai sinh",
            documents=[DocumentLine(name="Tờ khai đăng ký khai sinh"),
                       DocumentLine(name="Giấy chứng sinh", form="Bản chính"),
                       DocumentLine(name="Giấy chứng nhận kết hôn của cha mẹ", form="Bản sao")],
            processing_time="01 ngày làm việc", received_at=RECEIVED,
            due_at=datetime(2026, 11, 26, 14, 0, tzinfo=TZ),
            return_place="Bộ phận Một cửa UBND phường Hải Châu, 270 Trần Phú",
            logbook_number="03/2026", clerk_name="Trần Văn Đức",
        ),
        DocumentKind.SUPPLEMENT_REQUEST: lambda: SupplementRequestContext(
            **UNIT, applicant_name="Nguyễn Thị Hồng Nhung", procedure_name="Đăng ký khai sinh",
            received_at=RECEIVED,
            items=["Bản sao Giấy chứng nhận kết hôn của cha mẹ có chứng thực",
                   "Tờ khai ghi thiếu ngày, tháng, năm sinh của trẻ"],
            reason="Thành phần hồ sơ chưa đầy đủ theo quy định.",
            contact_officer="ông Trần Văn Đức", contact_phone="0236 3821 000",
            clerk_name="Trần Văn Đức", issued_at=datetime(2026, 11, 25, 10, 0, tzinfo=TZ),
        ),
        DocumentKind.REFUSAL: lambda: RefusalContext(
            **UNIT, applicant_name="Lê Quang Huy", procedure_name="Xác nhận tình trạng hôn nhân",
            received_at=RECEIVED,
            reasons=["Người yêu cầu không cư trú trên địa bàn phường.",
                     "Yêu cầu thuộc thẩm quyền của cơ quan đại diện ở nước ngoài."],
            clerk_name="Trần Văn Đức", issued_at=datetime(2026, 11, 25, 10, 30, tzinfo=TZ),
        ),
        DocumentKind.APOLOGY: lambda: ApologyContext(
            **UNIT, applicant_name="Phạm Thị Thu Hương", procedure_name="Cấp giấy phép xây dựng",
            received_at=datetime(2026, 11, 2, 8, 15, tzinfo=TZ),
            original_due_at=datetime(2026, 11, 23, 16, 0, tzinfo=TZ),
            reason="Cần thêm ý kiến của Sở Xây dựng về chỉ giới xây dựng.",
            new_due_at=datetime(2026, 11, 30, 16, 0, tzinfo=TZ),
            head_name="Võ Minh Tuấn", head_title="CHỦ TỊCH",
            issued_at=datetime(2026, 11, 24, 9, 0, tzinfo=TZ),
        ),
        DocumentKind.STOP_NOTICE: lambda: StopNoticeContext(
            **UNIT, applicant_name="Lê Quang Huy", procedure_name="Đăng ký thành lập hộ kinh doanh",
            received_at=datetime(2026, 11, 2, 8, 15, tzinfo=TZ),
            supplement_requested_at=datetime(2026, 11, 3, 10, 0, tzinfo=TZ),
            reason="Quá thời hạn bổ sung hồ sơ mà Ông/Bà chưa bổ sung giấy tờ theo yêu cầu.",
            officer_name="Võ Minh Tuấn", head_title="CHỦ TỊCH",
            issued_at=datetime(2026, 11, 25, 15, 0, tzinfo=TZ),
        ),
        DocumentKind.CONTROL_SHEET: lambda: ControlSheetContext(
            **UNIT, applicant_name="Nguyễn Thị Hồng Nhung", procedure_name="Đăng ký khai sinh",
            received_at=RECEIVED, due_at=date(2026, 11, 26), handling_unit="Phường Hải Châu",
            handovers=[
                Handover(agency="Phường Hải Châu",
                         handed_at=datetime(2026, 11, 25, 9, 10, tzinfo=TZ),
                         giver="Trần Văn Đức (Bộ phận Một cửa)",
                         receiver="Hoàng Thị Lệ (Công chức Tư pháp – Hộ tịch)",
                         result="Đúng hạn", note="Chuyển bước tiếp theo"),
                Handover(agency="Phường Hải Châu",
                         handed_at=datetime(2026, 11, 25, 14, 0, tzinfo=TZ),
                         giver="Hoàng Thị Lệ (Công chức Tư pháp – Hộ tịch)",
                         receiver="Võ Minh Tuấn (Lãnh đạo UBND phường)", result="Trước hạn",
                         note="Chuyển bước tiếp theo"),
                Handover(agency="Phường Hải Châu",
                         handed_at=datetime(2026, 11, 26, 8, 30, tzinfo=TZ),
                         giver="Võ Minh Tuấn (Lãnh đạo UBND phường)",
                         receiver="Trần Văn Đức (Bộ phận Một cửa)", result="Đúng hạn",
                         note="Phê duyệt: Đã ký số"),
            ],
            issued_at=RECEIVED,
        ),
        DocumentKind.LOGBOOK: lambda: LogbookContext(
            **{**UNIT, "code": "000.17.22.H56"},
            period_start=date(2026, 11, 1), period_end=date(2026, 11, 30),
            rows=[
                LogbookRow(code=CODE, procedure_name="Đăng ký khai sinh",
                           applicant_name="Nguyễn Thị Hồng Nhung",
                           applicant_contact="12 Lê Duẩn, phường Hải Châu; 0905 123 456",
                           handling_unit="Phường Hải Châu", received_at=RECEIVED,
                           due_at=date(2026, 11, 26),
                           sent_at=datetime(2026, 11, 25, 9, 10, tzinfo=TZ),
                           result_at=datetime(2026, 11, 26, 8, 30, tzinfo=TZ),
                           returned_at=datetime(2026, 11, 26, 14, 0, tzinfo=TZ),
                           return_method="Tại bộ phận một cửa"),
                LogbookRow(code="000.17.22.H56-261125-0008",
                           procedure_name="Chứng thực bản sao từ bản chính",
                           applicant_name="Lê Quang Huy", applicant_contact="0905 000 111",
                           handling_unit="Phường Hải Châu",
                           received_at=datetime(2026, 11, 25, 10, 0, tzinfo=TZ),
                           due_at=date(2026, 11, 25), note="Đã dừng giải quyết"),
            ],
            issued_at=datetime(2026, 12, 1, 8, 0, tzinfo=TZ),
        ),
        DocumentKind.PICKUP_SLIP: lambda: PickupSlipContext(
            **UNIT, applicant_name="Nguyễn Thị Hồng Nhung", procedure_name="Đăng ký khai sinh",
            pickup_at=datetime(2026, 11, 26, 14, 0, tzinfo=TZ),
            pickup_place="Quầy số 3, Bộ phận Một cửa UBND phường Hải Châu, 270 Trần Phú",
            opening_hours="Thứ Hai – Thứ Sáu: 7:30–11:30, 13:30–17:00",
            bring=["Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Căn cước công dân"],
            issued_at=datetime(2026, 11, 26, 8, 45, tzinfo=TZ),
        ),
        DocumentKind.POSTAL_LABEL: lambda: PostalLabelContext(
            **UNIT, tracking_number="EB123456785VN", sender_name="UBND phường Hải Châu",
            sender_address="270 Trần Phú, phường Hải Châu, thành phố Đà Nẵng",
            sender_phone="0236 3821 000", receiver_name="Nguyễn Thị Hồng Nhung",
            receiver_phone="0905 123 456",
            receiver_address="12 Lê Duẩn, phường Hải Châu, thành phố Đà Nẵng",
            weight_grams=250, cod_amount=0, contents="Kết quả: Giấy khai sinh (bản chính)",
            issued_at=datetime(2026, 11, 26, 9, 0, tzinfo=TZ),
        ),
        DocumentKind.PAYMENT_RECEIPT: lambda: PaymentReceiptContext(
            **UNIT, receipt_series="HC-26E", receipt_number="0000125",
            payer_name="Nguyễn Thị Hồng Nhung",
            payer_address="12 Lê Duẩn, phường Hải Châu, thành phố Đà Nẵng",
            procedure_name="Chứng thực bản sao từ bản chính",
            lines=[PaymentLine(name="Phí chứng thực bản sao (6 trang)", amount=10000),
                   PaymentLine(name="Phí dịch vụ bưu chính công ích", amount=25000)],
            order_ref="DVC2611250001", gateway_name="Cổng thanh toán thử nghiệm",
            transaction_no="14022581", paid_at=datetime(2026, 11, 25, 9, 20, 31, tzinfo=TZ),
        ),
    }
    context = builders[kind]()
    if overrides:
        from dataclasses import replace

        context = replace(context, **overrides)
    return context
