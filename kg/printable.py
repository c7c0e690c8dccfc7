r"""Text that is safe to print: nothing read from a graph may drive the terminal.

A label or quote can hold an escape sequence (``\x1b]...``), a C1 control or a
bidirectional override that makes a terminal show something other than what
the graph holds. Text output writes them as visible escapes; JSON output as
``\uXXXX`` (json.dumps escapes C0 controls only).
"""

from __future__ import annotations

# DEL, the C1 controls, and the invisible bidirectional and line-separator marks.
_BEYOND_C0 = [0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029]
_BEYOND_C0 += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}

# str.translate tables (cheaper to build at import than a regular expression).
_TEXT = {
    code: _NAMED.get(chr(code)) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    for code in [*range(0x20), *_BEYOND_C0]
}
_JSON = {code: f"\\u{code:04x}" for code in _BEYOND_C0}


def printable(text: str) -> str:
    r"""``text`` with every terminal control character written as an escape (``\n``, ``\x1b``, ``\u202e``)."""
    return text.translate(_TEXT)


def json_printable(text: str) -> str:
    """JSON text with DEL, C1 controls and bidi marks inside its strings written as ``\\uXXXX``.

    Outside its strings JSON is ASCII, so every such character is inside a string: the value is unchanged.
    """
    return text.translate(_JSON)
