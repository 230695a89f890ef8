"""What an incoming message means: a reply, an auto-reply, a bounce (hard or soft, for which
address), an unsubscribe by token, a plain-words opt-out, or nothing of ours.

Bounces are read from delivery status notifications (multipart/report with a
message/delivery-status part: Gmail, Microsoft 365/Exchange, Postfix) and from Exim's
X-Failed-Recipients header with the SMTP reply in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses, parseaddr

from smarketer.campaigns.compose import part_text

AUTO_SUBJECTS = re.compile(
    r"^(out of (the )?office|automatic reply|auto(matic)?[- ]?reply|autoreply|abwesenheit|"
    r"réponse automatique|respuesta automática|risposta automatica|afwezig|i am away|"
    r"i'm away|on vacation|vacation reply)",
    re.I,
)
OPT_OUT_WORDS = {
    "unsubscribe",
    "stop",
    "remove me",
    "remove",
    "unsubscribe me",
    "please unsubscribe",
    "please remove me",
    "opt out",
    "optout",
    "abmelden",
    "bitte abmelden",
    "austragen",
    "désabonner",
    "desinscrire",
    "désinscrire",
    "se désabonner",
    "baja",
    "darme de baja",
    "cancelar suscripción",
    "uitschrijven",
    "afmelden",
    "annulla iscrizione",
    "cancellami",
}
STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")


@dataclass
class Bounce:
    recipient: str
    status: str  # e.g. 5.1.1
    diagnostic: str = ""

    @property
    def hard(self) -> bool:
        return self.status.startswith("5")


@dataclass
class Classified:
    kind: str  # reply | auto_reply | hard_bounce | soft_bounce | unsubscribe | optout | other
    from_address: str = ""
    subject: str = ""
    references: list[str] = field(default_factory=list)
    bounces: list[Bounce] = field(default_factory=list)
    token: str = ""
    snippet: str = ""


def _text_of(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return part_text(part)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            return re.sub(r"<[^>]+>", " ", part_text(part))
    return ""


def own_words(text: str) -> str:
    """The reply without quoted lines, the quote header, or a signature."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if (
            stripped in ("--", "-- ")
            or re.match(r"^On .+ wrote:$", stripped)
            or re.match(r"^Am .+ schrieb .+:$", stripped)
            or stripped.startswith("-----Original")
        ):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def _ids(value: str | None) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def _dsn_bounces(msg: Message) -> list[Bounce]:
    found = []
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks: list[Message]
        if isinstance(payload, str):  # some parsers keep it as text
            from email import message_from_string

            blocks = [message_from_string(b) for b in re.split(r"\n\s*\n", payload) if b.strip()]
        elif isinstance(payload, list):
            blocks = [b for b in payload if isinstance(b, Message)]
        else:
            continue
        for block in blocks:
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
            status = block.get("Status", "")
            action = (block.get("Action") or "").lower()
            if not recipient or action in ("delivered", "relayed", "expanded"):
                continue
            address = recipient.split(";", 1)[-1].strip().strip("<>")
            match = STATUS.search(status)
            found.append(
                Bounce(
                    address.lower(),
                    match.group(0) if match else ("4.0.0" if action == "delayed" else "5.0.0"),
                    (block.get("Diagnostic-Code") or "").split(";", 1)[-1].strip(),
                )
            )
    return found


def _text_bounces(msg: Message) -> list[Bounce]:
    failed = [a for _n, a in getaddresses([msg.get("X-Failed-Recipients", "")]) if a]
    if not failed:
        return []
    text = _text_of(msg)
    match = STATUS.search(text)
    code = re.search(r"\b([45])\d\d\b", text)
    status = match.group(0) if match else (f"{code.group(1)}.0.0" if code else "5.0.0")
    diagnostic = next((line.strip() for line in text.splitlines() if re.search(r"\b[45]\d\d\b", line)), "")
    return [Bounce(a.lower(), status, diagnostic) for a in failed]


def classify(msg: Message, unsubscribe_address: str = "") -> Classified:
    from_name, from_address = parseaddr(msg.get("From", ""))
    subject = str(msg.get("Subject", "")).strip()
    references = _ids(msg.get("In-Reply-To")) + _ids(msg.get("References"))
    result = Classified("other", from_address.lower(), subject, references)
    bounces = []
    if msg.get_content_type() == "multipart/report":
        bounces = _dsn_bounces(msg)
    if not bounces:
        bounces = _text_bounces(msg)
    if bounces:
        result.bounces = bounces
        result.kind = "hard_bounce" if any(b.hard for b in bounces) else "soft_bounce"
        return result
    auto = (
        msg.get("Auto-Submitted", "no").lower() not in ("no", "")
        or msg.get("X-Autoreply")
        or msg.get("X-Autorespond")
        or (
            msg.get("Precedence", "").lower() in ("auto_reply", "bulk", "junk")
            and AUTO_SUBJECTS.search(subject)
        )
        or AUTO_SUBJECTS.search(subject)
    )
    if auto:
        result.kind = "auto_reply"
        return result
    token = re.search(r"unsubscribe\s+([A-Za-z0-9_-]{10,})", subject, re.I)
    to_addresses = {a.lower() for _n, a in getaddresses(msg.get_all("To", []))}
    if token and (not unsubscribe_address or unsubscribe_address.lower() in to_addresses):
        result.kind, result.token = "unsubscribe", token.group(1)
        return result
    words = own_words(_text_of(msg))
    result.snippet = " ".join(words.split())[:240]
    plain = re.sub(r"[^\w\s'-]", "", words.lower()).strip()
    plain = " ".join(plain.split())
    subject_plain = re.sub(r"^(re|aw|sv|antw)\s*:\s*", "", subject.lower()).strip()
    if plain in OPT_OUT_WORDS or (not plain and subject_plain in OPT_OUT_WORDS):
        result.kind = "optout"
        return result
    result.kind = "reply"
    return result
