"""1:1 calls in the UI: the controller, the video widget, call settings and helpers.

The windows themselves live in ``ui/windows/`` (call.py, pip.py, incoming_call.py)."""
