"""The first privacy notice (Law 91/2025/QH15 on personal data protection; Decree
356/2025/NĐ-CP), shown at registration and at /cong-dan/quyen-rieng-tu/."""

import datetime

from django.db import migrations

VERSION = "2026-01"

TEXT_VI = """THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN

1. Bên kiểm soát và xử lý dữ liệu: Ủy ban nhân dân thành phố (cơ quan chủ quản Cổng Dịch vụ công), qua Trung tâm Phục vụ hành chính công và các cơ quan giải quyết thủ tục hành chính.

2. Dữ liệu được xử lý: họ và tên, số định danh cá nhân (CCCD), ngày sinh, số điện thoại, thư điện tử, địa chỉ nhận kết quả, thành phần hồ sơ và giấy tờ bạn nộp, đánh giá của bạn.

3. Mục đích xử lý:
 a) Tiếp nhận và giải quyết thủ tục hành chính bạn yêu cầu;
 b) Thông báo cho bạn về tình trạng hồ sơ, kết quả và các việc cần bổ sung (SMS, thư điện tử);
 c) Thống kê, báo cáo theo quy định; số liệu thống kê đã được ẩn danh, không nhận diện được cá nhân.
Dữ liệu không được dùng cho quảng cáo và không được chuyển cho bên thứ ba ngoài cơ quan nhà nước có thẩm quyền theo quy định của pháp luật.

4. Thời gian lưu trữ: hồ sơ thủ tục hành chính và nhật ký xử lý được lưu theo quy định về lưu trữ hồ sơ của cơ quan nhà nước; hồ sơ nháp chưa nộp, mã xác thực và tệp không còn được dùng được xoá tự động sau thời hạn quy định.

5. Quyền của bạn theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15: được biết về việc xử lý dữ liệu; đồng ý hoặc không đồng ý, rút lại sự đồng ý; xem, tải về toàn bộ dữ liệu cá nhân của mình; yêu cầu chỉnh sửa; yêu cầu xoá dữ liệu (trừ dữ liệu mà cơ quan nhà nước phải lưu giữ theo luật); phản đối hoặc hạn chế việc xử lý; khiếu nại, tố cáo, khởi kiện và yêu cầu bồi thường thiệt hại. Yêu cầu gửi tại trang "Dữ liệu của tôi" được trả lời trong 02 ngày làm việc.

6. Ảnh giấy tờ tùy thân là dữ liệu cá nhân nhạy cảm: được lưu trữ tách biệt, có bảo vệ, không ghi vào nhật ký hệ thống.

7. Không đồng ý với thông báo này, bạn vẫn có thể nộp hồ sơ trực tiếp tại Bộ phận Một cửa."""

TEXT_EN = """PERSONAL DATA PROCESSING NOTICE

1. Controller and processor: the City People's Committee (owner of the Public Service Portal), through the Public Administration Service Centre and the agencies handling administrative procedures.

2. Data processed: full name, personal identification number (ID card), date of birth, phone number, e-mail, delivery addresses, the dossiers and documents you submit, your ratings.

3. Purposes:
 a) Receiving and handling the administrative procedures you request;
 b) Notifying you of your dossier's status, results and required additions (SMS, e-mail);
 c) Statistics and reports required by law; statistics are anonymised.
The data is not used for advertising and is not passed to third parties other than competent state agencies as the law provides.

4. Retention: dossiers and their processing log are kept as the rules on state records require; unsubmitted drafts, verification codes and unused files are deleted automatically after set periods.

5. Your rights under Law 91/2025/QH15 on Personal Data Protection: to be informed; to consent or refuse, and to withdraw consent; to view and download all your personal data; to request correction; to request deletion (except data the state must keep by law); to object to or restrict processing; to complain, denounce, sue and claim damages. Requests sent from the "My data" page are answered within 2 working days.

6. ID-card images are sensitive personal data: stored separately and protected, never written to system logs.

7. If you do not agree with this notice, you can still file in person at the One-Stop Desk."""


def seed(apps, schema_editor):
    PrivacyNotice = apps.get_model("citizens", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(version=VERSION, defaults={
        "text_vi": TEXT_VI, "text_en": TEXT_EN,
        "published_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)})


def unseed(apps, schema_editor):
    apps.get_model("citizens", "PrivacyNotice").objects.filter(version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("citizens", "0002_privacy_notice_consent_requests")]
    operations = [migrations.RunPython(seed, unseed)]
