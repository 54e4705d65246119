"""What the portal accepts as text, checked where input is decoded.

PostgreSQL cannot store a NUL character, and a lone UTF-16 surrogate (``"\\ud800"`` in JSON, or
a charset such as ``unicode_escape`` in a Content-Type) is not encodable as UTF-8: SQLite stores
it and every page that later shows it fails, PostgreSQL fails on the write. JSON nested a few
thousand levels deep makes the parser raise ``RecursionError``. All three are refused with a 400
before any view sees them: ``portal.middleware.RejectInvalidInputMiddleware`` checks what Django
decodes (path, query string, forms, file names) and the raw text of every other body whatever its
Content-Type says; the parser classes below (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``) check
what the API itself parses, including the PUT and PATCH forms Django leaves unparsed.
"""

from __future__ import annotations

import codecs
import re

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings
from rest_framework.utils import json

from .exceptions import DomainError

MAX_JSON_DEPTH = 64

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
# One JSON escape at a time, left to right, so that "\\\\u0000" (an escaped backslash followed by
# the letters u0000) is not read as the escape \u0000.
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class InvalidInput(DomainError):
    """Input no view can store or show, refused at the edge (``portal.middleware``)."""

    code = "bad_request"


def invalid_characters() -> InvalidInput:
    return InvalidInput(_("Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự NUL hoặc ký tự "
                          "Unicode không ghép cặp)."), code="invalid_characters")


def text_encoding(encoding: str | None) -> str:
    """The request's charset when it is a text encoding; ``bz2_codec`` and the like (which
    ``codecs.lookup`` accepts) would decompress the body instead of decoding it."""
    encoding = encoding or settings.DEFAULT_CHARSET
    try:
        "".encode(encoding)
    except (LookupError, UnicodeError):
        raise InvalidInput(_("Bảng mã %(charset)s không được hỗ trợ.") % {"charset": encoding},
                           code="unsupported_charset") from None
    return encoding


def check_text(value: str) -> None:
    if _FORBIDDEN.search(value):
        raise invalid_characters()


def check_form(data: QueryDict, files: QueryDict | None = None) -> None:
    """Field names and values of a form, and the names of its files."""
    for key, values in data.lists():
        check_text(key)
        for value in values:
            check_text(value)
    for key, uploads in (files.lists() if files is not None else ()):
        check_text(key)
        for upload in uploads:
            check_text(upload.name or "")


def check_json_text(text: str) -> None:
    """Refuses, before any JSON parser runs: NUL and lone surrogates written as characters or
    as escapes (a surrogate pair such as ``\\ud83d\\ude00`` is one character, and is accepted),
    and nesting deeper than ``MAX_JSON_DEPTH``."""
    check_text(text)
    pending_low = None  # where the escape of a high surrogate ended, awaiting its low half
    for match in _ESCAPE.finditer(text):
        unit = int(match.group(1), 16) if match.group(1) else None
        if pending_low is not None:
            if match.start() != pending_low or unit is None or not 0xDC00 <= unit <= 0xDFFF:
                raise invalid_characters()
            pending_low = None
            continue
        if unit is None:
            continue
        if unit == 0 or 0xDC00 <= unit <= 0xDFFF:
            raise invalid_characters()
        if 0xD800 <= unit <= 0xDBFF:
            pending_low = match.end()
    if pending_low is not None:
        raise invalid_characters()
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(_("Dữ liệu JSON lồng nhau quá sâu (tối đa %(depth)d cấp).")
                               % {"depth": MAX_JSON_DEPTH}, code="too_deep")


def _parse_error(exc: InvalidInput) -> ParseError:
    return ParseError(exc.message, code=exc.code)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            encoding = text_encoding((parser_context or {}).get("encoding"))
            text = codecs.getreader(encoding)(stream).read()
            check_json_text(text)
            parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
            return json.loads(text, parse_constant=parse_constant)
        except InvalidInput as exc:
            raise _parse_error(exc) from exc
        except (ValueError, RecursionError) as exc:  # RecursionError: never a 500
            raise ParseError(_("Dữ liệu JSON không hợp lệ.")) from exc


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            text_encoding((parser_context or {}).get("encoding"))
            data = super().parse(stream, media_type, parser_context)
            check_form(data)
        except InvalidInput as exc:
            raise _parse_error(exc) from exc
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            text_encoding((parser_context or {}).get("encoding"))
            result = super().parse(stream, media_type, parser_context)
            check_form(result.data, result.files)
        except InvalidInput as exc:
            raise _parse_error(exc) from exc
        return result
