"""The API's tags, one per app (portal/api/schema.py gives each operation its app's tag;
add an app here when it first serves an API operation).
Plain data: the settings import it before the apps are loaded."""

TAGS = [
    {"name": "accounts", "description": "Đăng nhập bằng mã truy cập (token), đăng xuất."},
    {"name": "citizens", "description": "Hồ sơ cá nhân và địa chỉ nhận kết quả của công dân."},
    {"name": "procedures", "description": "Danh mục thủ tục hành chính; nhập, xuất cấu hình "
                                          "thủ tục (cán bộ quản trị)."},
    {"name": "dossiers", "description": "Hồ sơ trực tuyến: tạo, đính kèm, nộp, xử lý, tra "
                                        "cứu."},
    {"name": "ratings", "description": "Đánh giá mức độ hài lòng."},
    {"name": "reports", "description": "Số liệu thống kê công khai và theo đơn vị."},
]
