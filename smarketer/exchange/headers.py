"""Which contact field each column of another app's export holds.

Known exporters and the header names they write (checked against their documentation and
sample exports; the test fixtures under tests/data/imports are written by hand in each shape):

- Google Contacts, new export: "First Name", "Middle Name", "Last Name", "E-mail 1 - Label",
  "E-mail 1 - Value", "Phone 1 - Value", "Organization Name", "Organization Title",
  "Address 1 - Street", "Labels" ("* myContacts ::: VIP"); one cell may hold several values
  separated by " ::: ".
- Google Contacts, old (Google CSV / Outlook-style): "Name", "Given Name", "Family Name",
  "E-mail 1 - Type" ("* Work": the star marks the primary), "E-mail 1 - Value",
  "Organization 1 - Name", "Organization 1 - Title", "Group Membership".
- Outlook (English, German, French, Spanish, Dutch, Italian): "E-mail Address",
  "E-mail 2 Address", "Business Phone", "Mobile Phone", "Job Title" (its "Title" is the
  honorific), "Business Street", "Categories"; "E-Mail-Adresse", "Telefon geschäftlich",
  "Adresse de messagerie", "Téléphone (bureau)", "Dirección de correo electrónico"…
- Apple (via Numbers / exporters), Thunderbird ("Primary Email", "Secondary Email",
  "Work Phone", "Mobile Number", "Work City", "Web Page 1"), LinkedIn Connections.csv
  ("Email Address", "Company", "Position", "URL"), Mailchimp ("Email Address", "OPTIN_TIME",
  "UNSUB_TIME", "CLEAN_TIME", "TAGS"), HubSpot ("Phone Number", "Mobile Phone Number",
  "Company Name", "Lifecycle Stage", "Original Source", "Website URL"), Pipedrive
  ("Person - Name", "Person - Email - Work", "Person - Phone - Mobile", "Person - Labels"),
  Zoho CRM ("Secondary Email", "Account Name", "Mailing Street", "Mailing Zip",
  "Email Opt Out", "Description", "Tag").
- Label-style headers of many address books and converters: "Email Home", "Email Work",
  "Email Other", "Business Phone", "Home Mobile", "Work City", "Website Work".

Several email columns give the primary address and others; several phone columns give the
primary phone, and the rest are kept in the notes under their column names, as are a second
address and a second website. Type and label columns ("E-mail 1 - Type") are not values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from anyascii import anyascii

from smarketer.exchange.records import MULTI


def compact(header: str) -> str:
    """'Téléphone (bureau)' -> 'telephonebureau'."""
    return re.sub(r"[^a-z0-9]", "", anyascii(header).lower())


def _words(header: str) -> list[str]:
    text = re.sub(r"^\s*(person|contact|lead)\s*-\s*", "", anyascii(header).lower())
    return re.findall(r"[a-z0-9]+", text.replace("e-mail", "email").replace("e mail", "email"))


# Exact header names (compacted) -> target. Checked before the patterns below.
EXACT: dict[str, str] = {}
for _target, _names in {
    "first_name": [
        "firstname",
        "givenname",
        "first",
        "forename",
        "vorname",
        "prenom",
        "nombre",
        "voornaam",
        "nome",
        "personfirstname",
        "imie",
        "imya",
    ],
    "middle_name": ["middlename", "additionalname", "weiterevornamen", "deuxiemeprenom", "segundonombre"],
    "last_name": [
        "lastname",
        "familyname",
        "surname",
        "last",
        "nachname",
        "nom",
        "apellidos",
        "apellido",
        "achternaam",
        "cognome",
        "personlastname",
        "nazwisko",
        "familiya",
    ],
    "full_name": [
        "name",
        "fullname",
        "displayname",
        "contactname",
        "contact",
        "personname",
        "nomcomplet",
        "vollstandigername",
        "nombrecompleto",
    ],
    "title": [
        "jobtitle",
        "position",
        "organizationtitle",
        "organization1title",
        "role",
        "title",
        "funktion",
        "fonction",
        "puesto",
        "cargo",
        "functie",
        "posizione",
        "persontitle",
    ],
    "company": [
        "company",
        "organization",
        "organizationname",
        "organization1name",
        "companyname",
        "organisation",
        "firma",
        "employer",
        "accountname",
        "societe",
        "organizacion",
        "empresa",
        "bedrijf",
        "societa",
        "personorganization",
        "associatedcompany",
        "organisationname",
    ],
    "notes": [
        "notes",
        "note",
        "comments",
        "description",
        "notizen",
        "remarques",
        "notas",
        "opmerkingen",
        "notizie",
        "personnote",
    ],
    "status": ["status", "lifecyclestatus", "lifecyclestage", "stage"],
    "lead_source": ["leadsource", "source", "originalsource", "personsource"],
    "tags": [
        "tags",
        "labels",
        "groupmembership",
        "categories",
        "groups",
        "tag",
        "kategorien",
        "categories",
        "categorias",
        "categorieen",
        "personlabels",
        "label",
    ],
    "consent": [
        "consent",
        "consentdate",
        "optintime",
        "confirmtime",
        "gdprconsent",
        "marketingconsent",
        "emailconsent",
    ],
    "unsubscribed": [
        "unsubscribed",
        "unsubtime",
        "optouttime",
        "unsubscribeddate",
        "emailoptout",
        "unsubscribedfromallemail",
    ],
    "do_not_email": ["donotemail", "nomail", "donotcontact"],
    "consent_source": ["consentsource", "optinsource"],
    "email_to_fix": ["emailtofix"],
    "other_emails": ["otheremails"],
    "bounced": ["bounced", "cleantime", "bounceddate", "hardbounced"],
    "street": ["street", "address", "streetaddress", "addressline1", "strasse", "rue", "calle", "adres"],
    "postal_code": [
        "postalcode",
        "zip",
        "zipcode",
        "postcode",
        "plz",
        "postleitzahl",
        "codepostal",
        "codigopostal",
        "cap",
    ],
    "city": ["city", "town", "locality", "ort", "stadt", "ville", "ciudad", "plaats", "citta"],
    "region": ["region", "state", "province", "stateregion", "bundesland", "provincia"],
    "country": ["country", "countryregion", "cc", "land", "pays", "pais", "landregion"],
    "website": [
        "website",
        "webpage",
        "website1value",
        "url",
        "homepage",
        "web",
        "websiteurl",
        "webseite",
        "siteweb",
        "sitioweb",
    ],
}.items():
    for _name in _names:
        EXACT.setdefault(_name, _target)

_ADDRESS_PARTS = {  # country before region: "Land/Region geschäftlich" is a country
    "street": {"street", "strasse", "rue", "calle", "addressline1", "line1"},
    "postal_code": {
        "postal",
        "postalcode",
        "zip",
        "zipcode",
        "postcode",
        "plz",
        "postleitzahl",
        "codepostal",
    },
    "city": {"city", "town", "locality", "ort", "ville", "ciudad"},
    "country": {"country", "countryregion", "land", "pays", "pais"},
    "region": {"state", "region", "province", "bundesland"},
}
_NOT_VALUES = {
    "type",
    "label",
    "display",
    "displayname",
    "status",
    "optout",
    "format",
    "kind",
    "typ",
    "phonetic",
    "yomi",
}
_LABELS = (
    "business",
    "work",
    "geschaftlich",
    "bureau",
    "trabajo",
    "mailing",
    "primary",
    "home",
    "privat",
    "personal",
    "domicile",
    "casa",
    "other",
    "weitere",
    "autre",
)


def _label(words: list[str]) -> str:
    """The address/phone label of a header: "work", "home", "" … and its number."""
    numbers = [w for w in words if w.isdigit()]
    found = next((w for w in words if w in _LABELS), "")
    return f"{found}{numbers[0] if numbers else ''}"


def classify(header: str) -> tuple[str | None, str]:
    """(target or None, label group) for one header, before primaries are chosen."""
    words = _words(header)
    joined = "".join(words)
    if not joined:
        return None, ""
    if joined in EXACT:
        return EXACT[joined], ""
    has = set(words)
    if has & _NOT_VALUES and words[-1] != "value":
        return None, ""  # "E-mail 1 - Type", "Phone 1 - Label": not values themselves
    label = _label(words)
    if has & {"mail", "emails", "emailaddress", "courriel", "correo", "messagerie"} or any(
        w.startswith("email") for w in words
    ):
        if has & {"name", "nom", "nombre", "angezeigter"}:
            return None, ""  # Outlook's "E-mail Display Name"
        return "email", label
    if "fax" in has or "pager" in has:
        return "notes_field", label
    if has & {
        "phone",
        "mobile",
        "mobil",
        "cell",
        "telephone",
        "telefon",
        "tel",
        "handy",
        "movil",
        "telefono",
        "mobiltelefon",
        "portable",
    } or any(w.startswith(("phone", "tele", "mobil")) for w in words):
        return "phone", label
    if has & {"website", "web", "url", "homepage", "webpage", "site", "webseite"}:
        return "website", label
    if "formatted" in has:
        return None, ""  # Google's formatted address repeats the parts
    for target, names in _ADDRESS_PARTS.items():
        if has & names or joined.endswith(tuple(names)):
            return target, label
    if has & {"address", "adresse", "direccion", "box", "extended"}:
        return "street", label
    if "organization" in has or "company" in has:
        return ("title" if "title" in has else "company"), label
    if "note" in has or "notes" in has:
        return "notes", label
    return None, label


def _group_rank(label: str) -> int:
    word = label.rstrip("0123456789")
    if word in ("", "business", "work", "geschaftlich", "bureau", "trabajo", "mailing", "primary"):
        return 0
    return 1 if word in ("home", "privat", "personal", "domicile", "casa") else 2


_SINGLE_GROUPED = {"street", "postal_code", "city", "region", "country"}


def guess_mapping(headers: Sequence[str]) -> dict[int, str]:
    """Column index -> target field. Each single-valued field is taken once, by the best
    column: "Job Title" wins over Outlook's honorific "Title"; the first address group
    (unlabelled, work, then home) wins and other groups' cells are kept in the notes."""
    classified = [classify(h) for h in headers]
    mapping: dict[int, str] = {}
    address_groups = [label for target, label in classified if target in _SINGLE_GROUPED]
    address_group = min(address_groups, key=_group_rank) if address_groups else None
    seen: set[str] = set()
    # Exact names first ("Job Title" before "Title"), in EXACT's order of preference.
    order = sorted(range(len(headers)), key=lambda i: _rank(headers[i], classified[i][0]))
    for i in order:
        target, label = classified[i]
        if target is None:
            continue
        if target in _SINGLE_GROUPED and label != address_group:
            mapping[i] = "notes_field"
        elif target in ("email", "phone"):
            mapping[i] = target  # several columns: per row, the first filled is primary
        elif target in MULTI or target == "notes_field":
            mapping[i] = target
        elif target in seen:
            if target == "website" or target in _SINGLE_GROUPED:
                mapping[i] = "notes_field"
        else:
            mapping[i] = target
            seen.add(target)
    return dict(sorted(mapping.items()))


def _rank(header: str, target: str | None) -> tuple[int, int]:
    """Sort key: exact names by their preference in EXACT, then the rest in file order
    (a street column before a whole-address one)."""
    joined = compact(header)
    if target and joined in EXACT and EXACT[joined] == target:
        names = list(EXACT)
        return 0, names.index(joined)
    return 1, int(target == "street" and not set(_words(header)) & _ADDRESS_PARTS["street"])


def ordered_mapping(mapping: dict[int, str], headers: Sequence[str]) -> list[tuple[int, str]]:
    """The mapping in the order cells are read: full and middle names last, and of several
    email or phone columns the best-labelled first."""
    return sorted(
        mapping.items(),
        key=lambda item: (item[1] in ("full_name", "middle_name"), priority(headers[item[0]])),
    )


def priority(header: str) -> int:
    """Which of several email or phone columns is read first for the primary one:
    unlabelled, work and business before home, before other."""
    return _group_rank(_label(_words(header)))


def is_known(header: str) -> bool:
    return classify(header)[0] is not None
