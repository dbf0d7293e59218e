"""JSON read with offsets: every value keeps its span in the raw text (json.loads gives none).

A saved API response is read as far as it is whole: a page cut mid-value (a browser's "save as" of a
long response, a tester's 2,000-byte excerpt) or broken by a stray character gives the members and
items completed before the break, never an exception. One pass over the text with a stack, so the
time is linear and nesting depth is no recursion limit.

A string's `text` is its decoded value ("Beh\\u00e7et" is "Behçet"); when it held escapes, `offsets` gives the
raw offset of each of its characters, so a span of the text is still a span of the raw document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SPACE = re.compile(r"[ \t\r\n\ufeff]*")
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)")
_SIMPLE = {"n": "\n", "t": " ", "r": " ", "b": " ", "f": " ", "/": "/", "\\": "\\", '"': '"'}
MAX_DEPTH = 200  # deeper nesting is no record anyone saves: read as broken there


@dataclass(slots=True)
class Node:
    """A JSON value and its span: a string's span is inside its quotes; `key_start` is where its member's key
    starts (the value's own start for an array item), so a quote can show `"count": 35`."""

    kind: str  # "object", "array", "string", "number", "literal"
    start: int
    end: int
    key_start: int
    text: str = ""  # a string's decoded text, a number's or literal's token
    offsets: tuple[int, ...] | None = None  # a string with escapes: the raw offset of each character of `text`
    value: object = None  # a number's or literal's Python value
    closed: bool = True  # False for an object or array the text ends inside (a cut page): maybe not all of it
    members: dict[str, Node] = field(default_factory=dict)  # an object's (empty and shared by no one otherwise)
    items: list[Node] = field(default_factory=list)  # an array's

    def get(self, *names: str) -> Node | None:
        """The member under the first of `names` present, compared case-insensitively (the API's "nctId" is
        the classic format's "NCTId")."""
        if self.kind != "object":
            return None
        for name in names:
            if name in self.members:
                return self.members[name]
            found = next((v for k, v in self.members.items() if k.lower() == name.lower()), None)
            if found is not None:
                return found
        return None

    def path(self, *steps: str) -> Node | None:
        """Follow member names (each step may list alternatives as "a|b")."""
        node: Node | None = self
        for step in steps:
            node = node.get(*step.split("|")) if node is not None else None
        return node

    def list(self) -> list[Node]:
        """An array's items; a single value as a list of one (the classic format's lists of one are values)."""
        return self.items if self.kind == "array" else [self]

    def raw_span(self, i: int, j: int) -> tuple[int, int]:
        """The raw span of characters [i, j) of a string's text."""
        if self.offsets is None:
            return self.start + i, self.start + j
        return (self.offsets[i] if i < len(self.offsets) else self.end,
                self.offsets[j] if j < len(self.offsets) else self.end)

    def scalar(self) -> str | None:
        """A string's or number's text as read (stripped), or None."""
        if self.kind == "string":
            return self.text.strip() or None
        if self.kind == "number":
            return self.text
        return None


def _string_text(raw: str, start: int) -> tuple[str, tuple[int, ...] | None]:
    """A string's decoded text and, when it held escapes, each character's raw offset (`start` is the first's)."""
    if "\\" not in raw:
        return raw, None
    chars: list[str] = []
    offsets: list[int] = []
    at = 0
    for m in _ESCAPE.finditer(raw):
        chars.extend(raw[at : m.start()])
        offsets.extend(range(start + at, start + m.start()))
        token = m.group(0)
        if token[1] == "u" and len(token) == 6:
            char = chr(int(token[2:], 16))
            char = char if char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF else " "
        else:
            char = _SIMPLE.get(token[1], token[1])
        chars.append(char)
        offsets.append(start + m.start())
        at = m.end()
    chars.extend(raw[at:])
    offsets.extend(range(start + at, start + len(raw)))
    return "".join(chars), tuple(offsets)


def parse(text: str) -> Node | None:
    """The object or array the text opens with (after blanks), as far as it is whole; None if it opens with
    neither."""
    pos = _SPACE.match(text, 0).end()
    if pos >= len(text) or text[pos] not in "{[":
        return None
    root: Node | None = None
    stack: list[tuple[Node, str | None]] = []  # open containers, and for an object the key awaiting its value
    key_start = pos
    while True:
        pos = _SPACE.match(text, pos).end()
        if pos >= len(text):
            break
        char = text[pos]
        top = stack[-1][0] if stack else None
        if top is not None and char in ",:":
            pos += 1
            continue
        if top is not None and char == ("}" if top.kind == "object" else "]"):
            top.end, top.closed = pos + 1, True
            stack.pop()
            pos += 1
            if not stack:
                break
            continue
        if top is not None and top.kind == "object" and stack[-1][1] is None:  # a key
            m = _STRING.match(text, pos)
            if not m:
                break
            stack[-1] = (top, _string_text(m.group(1), m.start(1))[0])
            key_start = pos
            pos = m.end()
            continue
        node, pos = _value(text, pos, key_start if top is not None and top.kind == "object" else pos)
        if node is None:
            break
        if top is None:
            root = node
        elif top.kind == "object":
            top.members[stack[-1][1] or ""] = node
            stack[-1] = (top, None)
        else:
            top.items.append(node)
        if node.kind in ("object", "array"):
            if len(stack) >= MAX_DEPTH:
                break
            stack.append((node, None))
        elif top is None:
            break
    return root


def key_of(text: str, member: Node) -> Node | None:
    """A member's key as a string node of its own (OpenAlex writes an abstract's words as keys)."""
    m = _STRING.match(text, member.key_start) if member.key_start != member.start else None
    if m is None:
        return None
    decoded, offsets = _string_text(m.group(1), m.start(1))
    return Node("string", m.start(1), m.end(1), m.start(), decoded, offsets=offsets)


def _value(text: str, pos: int, key_start: int) -> tuple[Node | None, int]:
    """The value opening at `pos` (a container is returned open: its members come later)."""
    char = text[pos]
    if char in "{[":
        return Node("object" if char == "{" else "array", pos, len(text), key_start, closed=False), pos + 1
    if char == '"':
        m = _STRING.match(text, pos)
        if not m:
            return None, pos
        text, offsets = _string_text(m.group(1), m.start(1))
        return Node("string", m.start(1), m.end(1), key_start, text, offsets=offsets), m.end()
    m = _NUMBER.match(text, pos)
    if m and m.end() < len(text) and not text[m.end()].isalnum():  # a number ending the text may be cut short
        number = float(m.group(0)) if re.search(r"[.eE]", m.group(0)) else int(m.group(0))
        return Node("number", pos, m.end(), key_start, m.group(0), value=number), m.end()
    for word, literal in _LITERALS.items():
        if text.startswith(word, pos):
            return Node("literal", pos, pos + len(word), key_start, word, value=literal), pos + len(word)
    return None, pos
