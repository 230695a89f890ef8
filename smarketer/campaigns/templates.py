"""Merge-field templates: Markdown with Jinja2 fields, rendered in a sandbox.

``{{ contact.first_name | default("there") }}``: a field that is empty for a contact is
*undefined*, so ``default`` applies, and a template that uses it without a default fails for
that contact (``StrictUndefined``) — ``missing_fields`` lists those recipients before sending.
Values are HTML-escaped in the HTML part; the text part is the rendered Markdown itself.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import markdown
from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from smarketer.errors import UserError

_text_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                 keep_trailing_newline=True)
_html_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True,
                                 keep_trailing_newline=True)
CONTACT_FIELDS = ("first_name", "last_name", "full_name", "email", "title", "company", "city",
                  "country", "phone", "website")


class TemplateProblem(UserError, ValueError):
    """A template that does not render; the message says where and why."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None  # None for plain-text-only emails


def contact_context(contact) -> dict:
    """Only the fields the contact has: an empty one is undefined in the template."""
    values = {
        "first_name": contact.first_name, "last_name": contact.last_name,
        "full_name": contact.full_name, "email": contact.email, "title": contact.title,
        "company": contact.company.name if contact.company_id else "", "city": contact.city,
        "country": contact.country, "phone": contact.phone, "website": contact.website,
    }
    return {k: v for k, v in values.items() if v}


def one_line(text: str) -> str:
    """Headers never carry a line break, whatever the data holds."""
    return re.sub(r"[\r\n\t\x00-\x1f\x7f]+", " ", text).strip()


def check(subject: str, body: str) -> None:
    for name, source in (("subject", subject), ("body", body)):
        try:
            _text_env.parse(source)
        except TemplateError as exc:
            raise TemplateProblem(f"The {name} has a template error: {exc}") from None


@lru_cache(maxsize=64)
def _compiled(source: str, html: bool):
    """Compiling a template costs about a millisecond: once per text, not per recipient."""
    return (_html_env if html else _text_env).from_string(source)


_markdown = markdown.Markdown(extensions=["sane_lists"])
_markdown_lock = threading.Lock()


def _to_html(text: str) -> str:
    with _markdown_lock:  # one converter, reset between uses (the GUI and a worker may share)
        return _markdown.reset().convert(text)


def render(subject: str, body: str, context: dict, plain_only: bool = False) -> Rendered:
    """Render for one recipient; UndefinedError when a field is missing."""
    try:
        rendered_subject = one_line(_compiled(subject, False).render(context))
        text = _compiled(body, False).render(context)
        html = None
        if not plain_only:
            escaped_markdown = _compiled(body, True).render(context)
            html = _to_html(str(escaped_markdown))
    except UndefinedError:
        raise
    except TemplateError as exc:
        raise TemplateProblem(str(exc)) from None
    return Rendered(rendered_subject, text, html)


def missing_field(subject: str, body: str, context: dict) -> str | None:
    """The first field this recipient lacks, or None when the template renders."""
    try:
        render(subject, body, context, plain_only=True)
    except UndefinedError as exc:
        match = re.search(r"has no attribute '(\w+)'|'(\w+)' is undefined", str(exc))
        return (match.group(1) or match.group(2)) if match else str(exc)
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
                return value.strip().strip('"\''), front.group(2).lstrip("\n")
        raise TemplateProblem("The front matter has no subject: line.")
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        return first.split(":", 1)[1].strip(), rest.lstrip("\n")
    if first.startswith("# "):
        return first[2:].strip(), rest.lstrip("\n")
    raise TemplateProblem("Put the subject on the first line (Subject: …) or in front matter.")
