"""Small, real PDFs for tests: a cross-reference table that pypdf reads without repairs, so
an upload check that parses the file sees exactly the objects a test wrote."""

from __future__ import annotations

import io

PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> %s>>")
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def build_pdf(*objects: bytes, root: bytes = b"1 0 R", trailer_extra: bytes = b"") -> bytes:
    """Objects numbered from 1, in order, with a correct xref table and trailer."""
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %s %s>>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, root, trailer_extra, xref))
    return out.getvalue()


def one_page_pdf(*, catalog_extra: bytes = b"", page_extra: bytes = b"",
                 font: bytes = FONT, more: tuple[bytes, ...] = ()) -> bytes:
    """Catalog (1), pages (2), one page (3), its font (4), then ``more`` from object 5."""
    return build_pdf(
        b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog_extra,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE % page_extra,
        font,
        *more,
    )


PDF = one_page_pdf()
