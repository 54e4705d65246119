"""Vietnamese text folding for accent- and case-insensitive search.

Stored search columns and user queries go through the same function, so the match works the same
on SQLite and PostgreSQL without database extensions.
"""

import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """'Đăng ký KHAI SINH' -> 'dang ky khai sinh'."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
