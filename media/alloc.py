"""Keep freed video frame buffers in the process heap (glibc).

A 720p yuv420p frame is a 1.4 MB ``av_malloc``; the test pattern, a camera track and
the self-view make a new one 30 times a second on the event loop's thread. glibc's
defaults hand such a block back to the kernel (heap trim or ``munmap``) once it is freed
and fault it in again, zero-filled, for the next frame: ~6,600 page faults a second on
the loop's thread at 720p, plus ``brk``/``munmap`` calls. Raising the trim and mmap
thresholds keeps a few frames' worth of heap around instead (see docs/calls.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 64 * 1024 * 1024
"""Free memory at the top of a heap kept before glibc trims it."""
MMAP_THRESHOLD = 32 * 1024 * 1024
"""Blocks from this size up still get their own mapping (glibc's own maximum)."""

_done = False


def keep_frame_buffers() -> bool:
    """Tune glibc's allocator once per process; False where it does not apply (not Linux
    with glibc) or fails."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and the like
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
    if not ok:
        log.debug("mallopt refused the frame buffer thresholds")
    _done = ok
    return ok
