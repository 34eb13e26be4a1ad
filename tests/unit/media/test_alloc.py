import sys

import pytest

import media.alloc as alloc


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_keep_frame_buffers_applies_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alloc, "_done", False)
    assert alloc.keep_frame_buffers() is True
    assert alloc.keep_frame_buffers() is True


def test_keep_frame_buffers_skips_other_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alloc, "_done", False)
    monkeypatch.setattr(alloc.sys, "platform", "darwin")
    assert alloc.keep_frame_buffers() is False
