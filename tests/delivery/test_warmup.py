"""A worker warms up for PDF slips at start, and says so when receipts will be slow."""

from __future__ import annotations

import logging

from delivery import documents, warmup


def test_warm_up_renders_once_and_keeps_the_font_configuration():
    assert warmup.warm_up() is not None
    assert documents._font_config.cache_info().currsize == 1


def test_preload_warns_when_harfbuzz_cannot_subset_fonts(monkeypatch, caplog):
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    assert warmup.has_harfbuzz_subsetter() is False
    with caplog.at_level(logging.WARNING, logger="delivery.warmup"):
        warmup.preload()
    assert "libharfbuzz-subset is not installed" in caplog.text


def test_an_old_harfbuzz_counts_as_missing(monkeypatch):
    from weasyprint.text import ffi

    monkeypatch.setattr(ffi, "harfbuzz_subset", object())
    old_harfbuzz = type("Harfbuzz", (), {"hb_version_atleast": staticmethod(lambda *v: 0)})
    monkeypatch.setattr(ffi, "harfbuzz", old_harfbuzz())
    assert warmup.has_harfbuzz_subsetter() is False
