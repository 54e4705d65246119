"""The forms of TT 03/2025/TT-VPCP (Mẫu 01–07: the one-stop desk's slips, the control sheet
and the logbook), the pickup slip, the postal label and the electronic payment receipt,
rendered by WeasyPrint from Django templates.

Renderers take plain, typed contexts rather than models so that the dossier workflow (or a
Celery task holding only ids) builds them from whatever it has, and so that the same inputs give
the same bytes: the PDF dates come from the context and the file identifier from the content,
never from the clock.
"""

from __future__ import annotations

import atexit
import base64
import dataclasses
import gc
import hashlib
import io
import os
import re
import shutil
import threading
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .constants import FORM_NUMBERS, DocumentKind
from .exceptions import UnknownDocumentKind
from .pdf_contexts import CONTEXT_TYPES, TITLES, BaseContext, PostalLabelContext

# --- Helpers --------------------------------------------------------------------------------

# The slips' fonts, cut down to what Vietnamese slips print (see fonts/README.md).
FONT_DIR = (Path(__file__).resolve().parent / "fonts").as_uri() + "/"
# Each PDF embeds a subset of those fonts. Without HarfBuzz's subsetter (libharfbuzz-subset,
# not on every machine) WeasyPrint subsets with fontTools, which stamps the subset's "modified"
# time with the clock unless SOURCE_DATE_EPOCH is set (reproducible-builds.org): two renders
# of one slip a second apart then differed. The same data must give the same bytes, so the
# time is pinned (2024-01-01) unless the deployment pins its own.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1704067200")
QR_MASK = 1  # see qr_svg_data_uri
QR_SCALE = 4  # pixels per module
# The slips' own stylesheets: plain <style> elements (one with a media attribute stays put).
_STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def tracking_url(code: str) -> str:
    """The public page where anyone holding the slip can follow the dossier."""
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return f"{base}/ho-so/tra-cuu/?{urlencode({'code': code})}"


@lru_cache(maxsize=256)  # bounded: a worker renders a new code for every filing
def qr_svg_data_uri(data: str) -> str:
    """The QR code of ``data`` as an SVG data URI, 4 px per module and no quiet zone.

    The SVG holds the symbol as a greyscale PNG of 4 × 4 pixels per module shown without
    smoothing, so the PDF gets one small image instead of a vector path of several hundred
    segments (drawing that path was a tenth of a receipt's render time). Four pixels per
    module keep it crisp and readable by scanners even where a viewer smooths images enlarged
    less than four times (poppler does). A fixed mask pattern skips segno's scoring of all
    eight masks; any mask gives a valid code and the same data always gives the same symbol."""
    from PIL import Image

    qr = segno.make_qr(data, error="m", mask=QR_MASK)
    size = len(qr.matrix)
    pixels = bytes(0 if dark else 255 for row in qr.matrix for dark in row)
    image = Image.frombytes("L", (size, size), pixels).resize(
        (size * QR_SCALE, size * QR_SCALE), Image.Resampling.NEAREST
    )
    png = io.BytesIO()
    image.save(png, format="PNG")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="{size * QR_SCALE}" height="{size * QR_SCALE}" viewBox="0 0 {size} {size}">'
        f'<image width="{size}" height="{size}" image-rendering="optimizeSpeed"'
        f' xlink:href="data:image/png;base64,{base64.b64encode(png.getvalue()).decode()}"/>'
        "</svg>"
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg, safe=":/;,=+")


# Code 128 of a postal tracking number: narrowest bar 0.33 mm (13 characters: about 66 mm
# with the quiet zones), 10 mm high, no text under the bars (the label prints the number).
BARCODE_OPTIONS = {"module_width": 0.33, "module_height": 10.0, "quiet_zone": 3.5,
                   "write_text": False, "compress": False}
_SVG_ROOT = re.compile(r"<svg\b.*</svg>", re.DOTALL)
_XML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FILL_STYLE = re.compile(r'style="fill:(\w+);?"')


@lru_cache(maxsize=256)
def code128_svg(data: str) -> str:
    """The Code 128 barcode of ``data`` as an inline ``<svg>`` element (python-barcode's SVG
    writer, no raster image), marked with the data it encodes."""
    import barcode
    from barcode.writer import SVGWriter

    out = io.BytesIO()
    barcode.get("code128", data, writer=SVGWriter()).write(out, options=BARCODE_OPTIONS)
    svg = _XML_COMMENT.sub("", _SVG_ROOT.search(out.getvalue().decode()).group(0))
    # Presentation attributes rather than style="fill:…": inline in HTML, WeasyPrint reads
    # style attributes as CSS, where "fill" is unknown (a warning per bar).
    svg = _FILL_STYLE.sub(r'fill="\1"', svg)
    from django.utils.html import escape

    return svg.replace("<svg ", f'<svg class="barcode" data-code128="{escape(data)}" ', 1)


# The font configuration, the parsed stylesheets and the user-agent stylesheet are built once
# per process, on first use (a worker builds them before its first task: delivery.warmup).


@cache
def _font_config():
    # One FontConfiguration per process: loading the @font-face files once is most of the
    # difference between a 300 ms and a 60 ms render.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=32)
def _stylesheet(css: str):
    """The parsed stylesheet of a slip, once per process for each distinct text.

    The templates keep their CSS inline, so that a rendered slip previews on its own in a
    browser and an admin restyles one file; parsing it (and registering its @font-face rules)
    for every receipt is what this saves."""
    from weasyprint import CSS

    return CSS(string=css, base_url=str(settings.BASE_DIR), font_config=_font_config())


def _split_styles(html: str) -> tuple[str, str]:
    """Take the ``<style>`` elements out of a slip's HTML: (html without them, their CSS)."""
    css = []

    def take(match: re.Match) -> str:
        css.append(match.group(1))
        return ""

    return _STYLE_ELEMENT.sub(take, html), "\n".join(css)


@cache
def _user_agent_stylesheet():
    """WeasyPrint's HTML user-agent stylesheet, with the pseudo-element rules that match every
    element narrowed to where slips can use them.

    ``::marker`` and the five ``::footnote-*``/``::note-*`` rules select every element, so the
    cascade computed six pseudo-element styles per element, ten times the real ones: half
    the style step of a receipt. Markers only exist on list items, and slips have no
    footnotes (``float: footnote``), so ``::marker`` becomes ``li::marker`` and the note rules
    go. ``None`` (keep WeasyPrint's own) if the sheet does not look as expected."""
    from importlib.resources import files

    from weasyprint import CSS

    try:
        text = (files("weasyprint.css") / "html5_ua.css").read_text("utf-8")
    except (OSError, ModuleNotFoundError):  # pragma: no cover - another WeasyPrint layout
        return None
    text, markers = re.subn(r"^::marker ", "li::marker ", text, flags=re.MULTILINE)
    text = re.sub(r"^::(?:foot)?note-[a-z]+ \{[^}\n]*\}\n", "", text, flags=re.MULTILINE)
    if markers != 1:  # pragma: no cover - another WeasyPrint version
        return None
    # Its @counter-style rules go to a throwaway dict: documents get WeasyPrint's own.
    return CSS(string=text, counter_style={})


@cache
def _html_class():
    from weasyprint import HTML

    class SlipHTML(HTML):
        def _ua_stylesheets(self, *args, **kwargs):
            sheets = super()._ua_stylesheets(*args, **kwargs)
            narrowed = _user_agent_stylesheet()
            if narrowed is None or not sheets:  # pragma: no cover
                return sheets
            return [narrowed, *sheets[1:]]

    return SlipHTML


def _serialize_once(document, pdf) -> None:
    """WeasyPrint ``finisher``: make each PDF object serialize (and compress) only once.

    With a file identifier, pydyf serializes every object a second time to hash the file,
    compressing every stream (fonts, pages) twice; the bytes are the same both times."""
    import pydyf

    for obj in pdf.objects:
        if isinstance(obj, (pydyf.Stream, pydyf.Dictionary)):
            obj.__class__ = _serialized_once(type(obj))


@cache
def _serialized_once(cls: type) -> type:
    def data(self):
        serialized = self.__dict__.get("_serialized")
        if serialized is None:
            serialized = self.__dict__["_serialized"] = cls.data.fget(self)
        return serialized

    return type(cls.__name__, (cls,), {"data": property(data), "__module__": cls.__module__})


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def _cyclic_gc_paused():
    """Keep Python's cyclic garbage collector out of a render, and collect after it.

    A render allocates tens of thousands of objects that live until it ends; the collector
    kept scanning them (about ten young and one middle collection per receipt, a full one
    every dozen receipts), an eighth of the render time and most of its p95. What a render
    leaves in reference cycles (a few thousand objects) is young and goes in one collection
    of the youngest generation at its end, which also runs while another thread's render
    keeps the collector paused, so garbage never piles up. Concurrent renders share one
    pause; the collector comes back when the last one ends."""
    global _gc_pauses, _gc_was_enabled
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0 and _gc_was_enabled:
                gc.enable()
        gc.collect(0)


@atexit.register
def release_fonts() -> None:
    """Drop this process's font configuration and delete the copies of the font files that it
    keeps in a temporary folder. Runs at exit, while the modules still work (WeasyPrint's own
    clean-up at interpreter shutdown cannot), and in Celery's prefork children, which leave
    with ``os._exit`` (delivery.warmup)."""
    folder = None
    if _font_config.cache_info().currsize:
        folder = getattr(_font_config(), "_folder", None)
    _stylesheet.cache_clear()
    _font_config.cache_clear()
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _pdf_identifier(kind: str, html: str) -> bytes:
    return hashlib.md5(f"{kind}\0{html}".encode(), usedforsecurity=False).hexdigest().encode()


def _w3c(value: datetime | date) -> str:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    return value.isoformat()


# Written and signed by the committee itself (its head), rather than by the one-stop desk.
COMMITTEE_ISSUED = frozenset({DocumentKind.APOLOGY, DocumentKind.STOP_NOTICE})
_COMMITTEE = "ủy ban nhân dân "


def _heading(kind: str, context: BaseContext) -> dict[str, str]:
    """The issuing agency's two heading lines (Nghị định 30/2020 style): the committee over
    its desk ("UBND PHƯỜNG HẢI CHÂU" / "BỘ PHẬN MỘT CỬA"), or, for a letter of the committee
    itself, "ỦY BAN NHÂN DÂN" over its place ("PHƯỜNG HẢI CHÂU")."""
    committee = context.committee_name.strip()
    if not committee:
        return {"header_top": context.parent_unit_name, "header_main": context.unit_name}
    place = committee[len(_COMMITTEE):] if committee.lower().startswith(_COMMITTEE) else ""
    if kind in COMMITTEE_ISSUED or not context.desk_name:
        if place:
            return {"header_top": "Ủy ban nhân dân", "header_main": place}
        return {"header_top": "", "header_main": committee}
    short = f"UBND {place}" if place else committee
    return {"header_top": short, "header_main": context.desk_name}


def render_html(kind: str, context: BaseContext) -> str:
    """The filled-in HTML of a slip; useful to preview in a browser and in tests."""
    expected = CONTEXT_TYPES.get(kind)
    if expected is None:
        raise UnknownDocumentKind(kind)
    if not isinstance(context, expected):
        raise TypeError(f"{kind} needs a {expected.__name__}, got {type(context).__name__}")
    values = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    per_dossier = kind != DocumentKind.LOGBOOK  # the logbook has no dossier to track
    values.update(
        ctx=context,
        kind=kind,
        title=TITLES[kind],
        form_number=FORM_NUMBERS.get(kind, ""),
        tracking_url=tracking_url(context.code) if per_dossier else "",
        qr_data_uri=qr_svg_data_uri(tracking_url(context.code)) if per_dossier else "",
        document_date=_w3c(context.document_date()),
        font_dir=FONT_DIR,
        portal_name=settings.PORTAL_NAME,
    )
    values.update(_heading(kind, context))
    if isinstance(context, PostalLabelContext):
        from django.utils.safestring import mark_safe

        values["barcode_svg"] = mark_safe(code128_svg(context.tracking_number))  # noqa: S308 - our SVG
    # Slips are legal documents in Vietnamese whatever language the clerk's UI is in.
    with translation.override("vi"):
        return render_to_string(f"delivery/pdf/{kind}.html", values)


def render_pdf(kind: str, context: BaseContext) -> bytes:
    """Render one slip to PDF bytes; the same kind and context always give the same bytes."""
    html, css = _split_styles(render_html(kind, context))
    with _cyclic_gc_paused():
        document = _html_class()(string=html, base_url=str(settings.BASE_DIR)).render(
            font_config=_font_config(), stylesheets=[_stylesheet(css)]
        )
        return document.write_pdf(
            pdf_identifier=_pdf_identifier(kind, html + css),
            uncompressed_pdf=False,
            finisher=_serialize_once,
        )
