"""Merge-field templates: Markdown with Jinja2 fields, rendered in a bounded sandbox.

``{{ contact.first_name | default("there") }}``: a field that is empty for a contact is
*undefined*, so ``default`` applies, and a template that uses it without a default fails for
that contact (``StrictUndefined``) — ``missing_fields`` lists those recipients before sending,
and the sender marks such a recipient failed with the field's name and goes on.

Merge values never reach Markdown: each ``{{ … }}`` output becomes an opaque token, Markdown
turns the owner's text into HTML (single line breaks kept) and into readable plain text, and
only then are the tokens replaced by the values, HTML-escaped in the HTML part. A contact named
``[Click me](javascript:…)`` or ``![x](http://tracker/p.gif)`` stays text.

Rendering is bounded: ``range`` and ``*`` cannot build huge values, a part may not exceed
``MAX_PART_CHARS`` and one message may not take more than ``MAX_RENDER_SECONDS``.
"""

from __future__ import annotations

import html as html_lib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from smarketer.errors import UserError

if TYPE_CHECKING:
    from jinja2 import UndefinedError

# Jinja2 and Markdown are imported when a template is first checked or filled in (in a worker,
# as a rule), not when the app starts or the Campaigns section is built.

CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "email",
    "title",
    "company",
    "city",
    "country",
    "phone",
    "website",
)
MAX_PART_CHARS = 500_000
MAX_RENDER_SECONDS = 2.0
MAX_RANGE = 10_000


class TemplateProblem(UserError, ValueError):
    """A template that does not render; the message says where and why."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None  # None for plain-text-only emails


_bounds = threading.local()  # the running render's deadline and merge values (per thread)
# Tokens look the same for every recipient whose message takes the same path through the
# template, so Markdown runs once per path, not once per recipient (see _converted).
_NONCE = "MRG" + secrets.token_hex(4).upper()
_TOKEN = re.compile(_NONCE + r"(\d+)Z")


def _check_deadline() -> None:
    deadline = getattr(_bounds, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        from jinja2.sandbox import SecurityError

        raise SecurityError(
            f"the template took longer than {MAX_RENDER_SECONDS:g} s to fill in (a loop too long?)"
        )


def _bounded_range(*args):
    items = range(*args)
    if len(items) > MAX_RANGE:
        from jinja2.sandbox import SecurityError

        raise SecurityError(f"range() is limited to {MAX_RANGE:,} items in a template")

    def checked():
        for i, item in enumerate(items):
            if i % 256 == 0:
                _check_deadline()
            yield item

    return checked()


def _token_for(value) -> str:
    """``{{ … }}`` output while filling in for Markdown: a token standing for the value."""
    from jinja2 import Undefined

    if isinstance(value, Undefined):
        str(value)  # StrictUndefined: raises UndefinedError naming the field
    values = getattr(_bounds, "values", None)
    if values is None:  # not inside render(): plain output
        return value
    values.append("" if value is None else str(value))
    return f"{_NONCE}{len(values) - 1}Z"


@lru_cache(maxsize=1)
def _environments():
    """(the plain sandbox, the one whose output becomes tokens), made on first use."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    class _BoundedSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def __init__(self, **options):
            super().__init__(undefined=StrictUndefined, keep_trailing_newline=True, **options)
            self.globals["range"] = _bounded_range

        def call_binop(self, context, operator, left, right):
            _check_deadline()
            if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
                raise SecurityError("the exponent is too large")
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if (
                        isinstance(seq, str | list | tuple)
                        and isinstance(times, int)
                        and (len(seq) * times > MAX_PART_CHARS)
                    ):
                        raise SecurityError("the value would be too long")
            return super().call_binop(context, operator, left, right)

        def call(self, __context, __obj, *args, **kwargs):  # noqa: N807 - Jinja's signature
            _check_deadline()
            return super().call(__context, __obj, *args, **kwargs)

    return _BoundedSandbox(), _BoundedSandbox(finalize=_token_for)


def contact_context(contact) -> dict:
    """Only the fields the contact has: an empty one is undefined in the template."""
    values = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "full_name": contact.full_name,
        "email": contact.email,
        "title": contact.title,
        "company": contact.company.name if contact.company_id else "",
        "city": contact.city,
        "country": contact.country,
        "phone": contact.phone,
        "website": contact.website,
    }
    return {k: v for k, v in values.items() if v}


#: What every field looks like when a template is checked before it is saved.
SAMPLE_CONTEXT = {
    "contact": {name: f"Sample {name.replace('_', ' ')}" for name in CONTACT_FIELDS},
    "sender": {"name": "Sample Sender", "business": "Sample Business", "email": "sender@example.com"},
    "unsubscribe": "reply with the word unsubscribe",
    "token": "sample-token",
}


def one_line(text: str) -> str:
    """Headers never carry a line break, whatever the data holds."""
    return re.sub(r"[\r\n\t\x00-\x1f\x7f]+", " ", text).strip()


def check(subject: str, body: str) -> None:
    """Refuse a template that cannot be parsed, that the sandbox refuses, or that uses a
    field Smarketer does not know (tried with every known field filled in)."""
    from jinja2 import TemplateError, UndefinedError

    text_env, _tokens = _environments()
    for name, source in (("subject", subject), ("body", body)):
        try:
            text_env.parse(source)
        except TemplateError as exc:
            raise TemplateProblem(f"The {name} has a template error: {exc}") from None
    try:
        render(subject, body, SAMPLE_CONTEXT)
    except UndefinedError as exc:
        raise TemplateProblem(
            f"The template uses {undefined_name(exc)!r}, which is not a "
            "field Smarketer knows (see Insert field)."
        ) from None
    except TemplateProblem as exc:
        raise TemplateProblem(f"The template cannot be filled in: {exc}") from None


@lru_cache(maxsize=64)
def _compiled(source: str, tokens: bool):
    """Compiling a template costs about a millisecond: once per text, not per recipient."""
    text_env, token_env = _environments()
    return (token_env if tokens else text_env).from_string(source)


_markdown_lock = threading.Lock()


@lru_cache(maxsize=1)
def _markdown():
    import markdown

    return markdown.Markdown(extensions=["sane_lists", "nl2br"])


def _to_html(text: str) -> str:
    with _markdown_lock:  # one converter, reset between uses (the GUI and a worker may share)
        return _markdown().reset().convert(text)


class _PlainText(HTMLParser):
    """The HTML Markdown made, as the plain text a person would have typed."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # [kind (0 bullet, 1 numbered), counter]
        self.links: list[str | None] = []
        self.pre = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "br":
            self.out.append("\n")
        elif tag in ("ul", "ol"):
            self._block()
            self.lists.append([1 if tag == "ol" else 0, 0])
        elif tag == "li" and self.lists:
            self.lists[-1][1] += 1
            kind, n = self.lists[-1]
            indent = "  " * (len(self.lists) - 1)
            self.out.append(f"\n{indent}{n}. " if kind else f"\n{indent}- ")
        elif tag == "a":
            self.links.append(attrs.get("href"))
            self.out.append("\x00")  # where the link text starts
        elif tag == "img":
            self.out.append(attrs.get("alt") or "")
        elif tag == "hr":
            self._block()
            self.out.append("———")
            self._block()
        elif tag in self.BLOCKS:
            self.pre += tag == "pre"
            self._block()

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            start = len(self.out) - 1 - self.out[::-1].index("\x00")
            label = "".join(self.out[start + 1 :])
            del self.out[start:]
            shown = href and href.removeprefix("mailto:") not in (label, "")
            self.out.append(f"{label} ({href})" if shown else label)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._block()
        elif tag in self.BLOCKS:
            self.pre -= tag == "pre" and self.pre > 0
            self._block()

    def handle_data(self, data):
        if not self.pre:  # line breaks that matter are <br>s (nl2br); the rest is layout
            data = data.replace("\n", "")
        self.out.append(data)

    def _block(self):
        self.out.append("\n\n")

    def text(self) -> str:
        joined = "".join(self.out).replace("\x00", "")
        joined = re.sub(r"[ \t]+\n", "\n", joined)
        return re.sub(r"\n{3,}", "\n\n", joined).strip("\n") + "\n"


def _to_plain(html: str) -> str:
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return parser.text()


@lru_cache(maxsize=256)
def _converted(tokens: str) -> tuple[str, str]:
    """(HTML, plain text) of the owner's Markdown, merge values still as tokens."""
    html = _to_html(tokens)
    return html, _to_plain(html)


def _fill(text: str, values: list[str], escape: bool) -> str:
    def value(match: re.Match) -> str:
        found = values[int(match.group(1))]
        return html_lib.escape(found) if escape else found

    return _TOKEN.sub(value, text)


def _generate(template, context: dict) -> str:
    chunks, size = [], 0
    for chunk in template.generate(context):
        size += len(chunk)
        if size > MAX_PART_CHARS:
            raise TemplateProblem(f"the message would be longer than {MAX_PART_CHARS:,} characters")
        _check_deadline()
        chunks.append(chunk)
    return "".join(chunks)


def render(subject: str, body: str, context: dict, plain_only: bool = False) -> Rendered:
    """Render for one recipient; UndefinedError when a field is missing, TemplateProblem when
    the template cannot be filled in (refused by the sandbox, too long, too slow)."""
    from jinja2 import TemplateError, UndefinedError

    _bounds.deadline = time.monotonic() + MAX_RENDER_SECONDS
    _bounds.values = []
    try:
        rendered_subject = one_line(_generate(_compiled(subject, False), context))
        tokens = _generate(_compiled(body, True), context)
        values = _bounds.values
        if plain_only:
            text, html = _fill(tokens, values, escape=False), None
        else:
            html_tokens, text_tokens = _converted(tokens)
            text = _fill(text_tokens, values, escape=False)
            html = _fill(html_tokens, values, escape=True)
    except UndefinedError:
        raise
    except TemplateError as exc:
        raise TemplateProblem(str(exc)) from None
    except (OverflowError, MemoryError, RecursionError, TypeError, ValueError) as exc:
        if isinstance(exc, TemplateProblem):
            raise
        raise TemplateProblem(f"the template cannot be filled in ({exc})") from None
    finally:
        _bounds.deadline = _bounds.values = None
    return Rendered(rendered_subject, text, html)


def undefined_name(exc: UndefinedError) -> str:
    """The field an UndefinedError is about ("city"), or its message."""
    match = re.search(r"has no attribute '(\w+)'|'(\w+)' is undefined", str(exc))
    return (match.group(1) or match.group(2)) if match else str(exc)


def missing_field(subject: str, body: str, context: dict) -> str | None:
    """The first field this recipient lacks, or None when the template renders."""
    from jinja2 import UndefinedError

    try:
        render(subject, body, context, plain_only=True)
    except UndefinedError as exc:
        return undefined_name(exc)
    return None


def parse_template_file(text: str) -> tuple[str, str]:
    """(subject, body) from a template file: YAML-style front matter with ``subject:``, or a
    first line ``Subject: …``, or a first Markdown heading."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    front = re.match(r"^---\n(.*?)\n---\n?(.*)$", text, re.S)
    if front:
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "subject":
                return value.strip().strip("\"'"), front.group(2).lstrip("\n")
        raise TemplateProblem("The front matter has no subject: line.")
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        return first.split(":", 1)[1].strip(), rest.lstrip("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest.lstrip("\n")
    raise TemplateProblem("Put the subject on the first line (Subject: …) or in front matter.")
