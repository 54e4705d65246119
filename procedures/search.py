"""Catalogue search as people ask: words, not one substring; filler words ignored; ranked.

Both the stored columns (``Procedure.search_text``, ``search_name``) and the query are folded
(``portal.text.fold``: no accents, lower case), and each column starts with a space, so a query
word matches the start of a stored word (``" khai"``) with a plain ``LIKE`` that behaves the
same on SQLite and PostgreSQL, without database extensions.

Matching: every content word must match. When no procedure has them all, at least two thirds
of them are enough, so "giấy khai sinh" still finds "Đăng ký khai sinh" through "khai sinh".
Ranking: more matched words first, then words found in the name, then the name."""

from __future__ import annotations

import math
import re

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce

from portal.text import fold

# Words people put around what they look for ("làm giấy khai sinh cho con", "thủ tục xin cấp
# ..."), folded. Data, not logic: add to it when the search log shows new filler.
STOP_WORDS = frozenset({
    # Kept out on purpose, though filler in some questions: words that fold to a content word
    # ("thẻ", "căn cước", "bảo hiểm", "đầu tư", "đề nghị", "công dân" -> the, can, bao, dau,
    # de, dan).
    "lam", "nao", "cho", "con", "cua", "toi", "minh", "muon", "xin", "thu", "tuc", "giup",
    "voi", "va", "hoac", "gi", "nhu", "lau", "nhieu", "o", "khong", "ko", "k", "duoc", "thi",
    "la", "nhung", "cac", "mot", "nhe", "a", "ah", "oi", "ban",
})
# Each search term is a word-prefix LIKE; a long query must not become a huge statement.
MAX_TERMS = 8
_SPLIT = re.compile(r"[\s,;:/()\"'?!–-]+")


def search_terms(query: str) -> list[str]:
    """Folded content words of the query, in order, without repeats; the filler words are
    kept only when the query is nothing but filler ("thủ tục")."""
    words = [w for w in _SPLIT.split(fold(query)) if w]
    content = [w for w in words if w not in STOP_WORDS] or words
    return list(dict.fromkeys(content))[:MAX_TERMS]


def _hits(column: str, terms: list[str]):
    return sum(
        (Case(When(**{f"{column}__contains": f" {term}"}, then=Value(1)), default=Value(0),
              output_field=IntegerField()) for term in terms),
        Value(0),
    )


def search(queryset: QuerySet, query: str) -> QuerySet:
    """``queryset`` narrowed to the procedures matching ``query``, annotated with
    ``search_rank`` and ``search_name_rank`` and ordered by them (best first)."""
    terms = search_terms(query)
    if not terms:
        return queryset
    ranked = queryset.annotate(
        search_rank=Coalesce(_hits("search_text", terms), Value(0)),
        search_name_rank=Coalesce(_hits("search_name", terms), Value(0)),
    )
    ordered = ranked.order_by("-search_rank", "-search_name_rank", "name", "code")
    every = ordered.filter(search_rank=len(terms))
    if len(terms) < 3 or every.exists():
        return every
    return ordered.filter(search_rank__gte=math.ceil(len(terms) * 2 / 3))


def split_keywords(text: str) -> list[str]:
    """Admin-entered keywords: one per line or separated by commas/semicolons."""
    return [k.strip() for k in re.split(r"[\n,;]+", text or "") if k.strip()]
