"""``rarereg new``: a valid file for a centre, hospital, network or campaign, from field values.

Values come as the user typed them (names, not ids, for what they point at); they are resolved
with the same matching as the query filters (:func:`rarereg.query.match_names`), the id is
derived from the name unless given, and the document is checked with the whole registry
before it may be written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rarereg.authoring.files import FOLDER_OF, AuthoringError, check_slug, shown, slugify
from rarereg.model import Registry, orpha_number

KINDS = ("centre", "hospital", "network", "campaign")
CENTRE_KINDS = ("crmr", "ccmr", "crc", "platform")
NETWORK_KINDS = ("fsmr", "ern")
ROLES = ("coordinating", "constitutive", "competence")
STATUSES = ("labelled", "withdrawn", "lapsed")

_CENTRE_WORDS = (
    "centre-reference-",
    "centre-competence-",
    "centre-ressources-competences-",
    "centre-",
)
Answers = dict[str, Any]
"""Field name → what the user gave: text, or a list of texts for repeatable fields."""


@dataclass(frozen=True, slots=True)
class Field:
    """One thing `new` asks for: its answer key, question, and how to read the answer."""

    key: str
    question: str
    required: bool = False
    choices: tuple[str, ...] = ()
    refers_to: str | None = None
    """What the answer names (hospital, network, ern, campaign, crmr): picked by name."""
    many: bool = False


def _regions() -> tuple[str, ...]:
    from rarereg.query import regions_of_schema

    return regions_of_schema()


def asked(kind: str) -> list[Field]:
    """The fields `new KIND` asks for on a terminal, in order (optional ones may be skipped)."""
    name = Field("name", "Name", required=True)
    sources = Field(
        "sources",
        "Source (a URL, or a document in the registry's sources/)",
        required=True,
        many=True,
    )
    if kind == "centre":
        return [
            name,
            Field("kind", "Kind", required=True, choices=CENTRE_KINDS),
            Field("acronym", "Acronym"),
            Field("network", "Filière (FSMR)", refers_to="network"),
            Field("reference_centre", "Reference centre (for a CCMR)", refers_to="crmr"),
            Field("campaign", "Labelling campaign", refers_to="campaign"),
            Field(
                "hospitals", "Hospital of a site", required=True, refers_to="hospital", many=True
            ),
            sources,
        ]
    if kind == "hospital":
        return [
            name,
            Field("parent", "Legal entity it belongs to (for a site)", refers_to="hospital"),
            Field("city", "City"),
            Field("region", "Region", choices=_regions()),
            Field("finess", "FINESS number"),
            sources,
        ]
    if kind == "network":
        return [
            name,
            Field("acronym", "Acronym", required=True),
            Field("kind", "Kind", required=True, choices=NETWORK_KINDS),
            Field("host", "Host hospital", refers_to="hospital"),
            sources,
        ]
    return [name, Field("start", "First day (YYYY-MM-DD)"), Field("end", "Last day"), sources]


def candidates(reg: Registry, what: str, text: str) -> list[tuple[str, str]]:
    """(id, name) of the entities of one sort that ``text`` names, best matches only.

    Raises :class:`AuthoringError` with the closest names when none matches.
    """
    from rarereg.query import QueryError, match_names

    pool: Sequence[Any]
    if what == "hospital":
        pool = list(reg.hospitals.values())
    elif what in ("network", "ern"):
        wanted = "fsmr" if what == "network" else "ern"
        pool = [n for n in reg.networks.values() if n.kind == wanted]
    elif what == "campaign":
        pool = list(reg.campaigns.values())
    else:
        pool = [c for c in reg.centres.values() if c.kind == "crmr"]
    label = {"crmr": "reference centre", "network": "filière"}.get(what, what)
    if text in {e.id for e in pool}:
        return [(text, next(e.name for e in pool if e.id == text))]
    try:
        ids = match_names(text, pool, label)
    except QueryError as exc:
        raise AuthoringError(str(exc)) from None
    names = {e.id: e.name for e in pool}
    return [(i, names[i]) for i in ids]


def pick(reg: Registry, what: str, text: str) -> str:
    """The one id ``text`` names; several matches are an error listing them."""
    found = candidates(reg, what, text)
    if len(found) > 1:
        listed = "; ".join(f"{name} ({i})" for i, name in found[:8])
        raise AuthoringError(f"'{text}' matches several: {listed}; give the id")
    return found[0][0]


def choose(text: str, options: Sequence[str], what: str) -> str:
    """One of a fixed list, case and accents ignored."""
    from rarereg.query import QueryError, match_choice

    try:
        return match_choice(text, options, what)
    except QueryError as exc:
        raise AuthoringError(str(exc)) from None


def source_entry(text: str, root: Path, today: dt.date) -> dict[str, str]:
    """A source from a URL (retrieved today) or the name of a document in ``sources/``."""
    text = text.strip()
    if text.startswith(("http://", "https://")):
        return {"url": text, "retrieved": today.isoformat()}
    folder = root / "sources"
    if "/" in text or "\\" in text or text.startswith(".") or not (folder / text).is_file():
        raise AuthoringError(
            f"source '{text}' is neither a web address (http:// or https://) nor a file in "
            f"{shown(folder)}; put the document there first"
        )
    return {"document": text}


def derive_id(kind: str, name: str, acronym: str | None = None) -> str:
    """An id from the acronym (networks, centres that have one) or the name."""
    base = acronym if acronym and kind in ("network", "centre") else name
    entity_id = slugify(base)
    if kind == "centre":
        for word in _CENTRE_WORDS:  # 'Centre de référence X' is known as X
            if entity_id.startswith(word) and len(entity_id) > len(word):
                entity_id = entity_id[len(word) :]
                break
    if not entity_id:
        raise AuthoringError(f"cannot make an id from '{base}'; pass --id")
    return entity_id


def ensure_free(entity_id: str, kind: str, reg: Registry, root: Path) -> Path:
    """The path the new file gets; refused when the id or the file is taken."""
    check_slug(entity_id)
    taken = reg.paths.get(entity_id)
    if taken is not None:
        raise AuthoringError(f"id '{entity_id}' is taken by {taken}; choose another with --id")
    for folder in FOLDER_OF.values():
        other = root / folder / f"{entity_id}.yaml"
        if other.exists() or other.is_symlink():
            raise AuthoringError(f"{shown(other)} exists; choose another id with --id")
    return root / FOLDER_OF[kind] / f"{entity_id}.yaml"


def build(kind: str, answers: Answers, reg: Registry, root: Path, today: dt.date) -> Answers:
    """The document for a new entity, references resolved; :class:`AuthoringError` if unusable."""
    if kind not in KINDS:
        raise AuthoringError(f"unknown kind '{kind}'; one of: {', '.join(KINDS)}")
    name = _text(answers, "name")
    if name is None:
        raise AuthoringError("a name is needed (--name)")
    acronym = _text(answers, "acronym")
    entity_id = _text(answers, "id") or derive_id(kind, name, acronym)
    ensure_free(entity_id, kind, reg, root)
    data: Answers = {"id": entity_id, "name": name}
    _put(data, "aliases", _texts(answers, "aliases"))
    data.update(_BUILDERS[kind](answers, reg))
    for key in ("website", "notes"):
        _put(data, key, _text(answers, key))
    sources = _texts(answers, "sources")
    if not sources:
        raise AuthoringError("a source is needed (--source URL or --source DOCUMENT)")
    data["sources"] = [source_entry(s, root, today) for s in sources]
    return data


def _centre(answers: Answers, reg: Registry) -> Answers:
    kind = _text(answers, "kind")
    if kind is None:
        raise AuthoringError(f"a centre needs a kind (--kind): {', '.join(CENTRE_KINDS)}")
    data: Answers = {
        "acronym": _text(answers, "acronym"),
        "kind": choose(kind, CENTRE_KINDS, "kind"),
    }
    network = _text(answers, "network")
    _put(data, "network", pick(reg, "network", network) if network else None)
    _put(data, "erns", [pick(reg, "ern", e) for e in _texts(answers, "erns")])
    crmr = _text(answers, "reference_centre")
    _put(data, "reference_centre", pick(reg, "crmr", crmr) if crmr else None)
    _put(data, "diseases", [_disease(d) for d in _texts(answers, "diseases")])
    campaign = _text(answers, "campaign")
    if campaign:
        label = {"campaign": pick(reg, "campaign", campaign)}
        _put(label, "start", _text(answers, "label_start"))
        _put(label, "end", _text(answers, "label_end"))
        data["label"] = label
    elif _text(answers, "label_start") or _text(answers, "label_end"):
        raise AuthoringError("label dates need the campaign they belong to (--campaign)")
    status = _text(answers, "status")
    _put(data, "status", choose(status, STATUSES, "status") if status else None)
    _put(data, "labelled_since", _text(answers, "labelled_since"))
    data["sites"] = _sites(answers, reg)
    if answers.get("sites_incomplete"):
        data["sites_incomplete"] = True
    return {k: v for k, v in data.items() if v is not None}


_WITH_CODE = re.compile(r"(.*?)\s*\(\s*ORPHA:\s*([0-9]+)\s*\)", re.ASCII | re.IGNORECASE)


def _disease(text: str) -> Answers:
    """``Lupus systémique (ORPHA:536)`` is a name and its code; a bare name has no code."""
    found = _WITH_CODE.fullmatch(text)
    if found is None:
        return {"name": text}
    code = orpha_number(found.group(2))
    if not found.group(1) or code is None:
        raise AuthoringError(f"'{text}' is not 'NAME' or 'NAME (ORPHA:CODE)'")
    return {"name": found.group(1), "orpha": code}


def _sites(answers: Answers, reg: Registry) -> list[Answers]:
    hospitals = [pick(reg, "hospital", h) for h in _texts(answers, "hospitals")]
    if not hospitals:
        raise AuthoringError("a centre needs at least one site (--hospital NAME)")
    columns = {key: _column(answers, key) for key in ("roles", "departments", "leads")}
    for key, values in columns.items():
        if len(values) > len(hospitals):
            raise AuthoringError(
                f"{len(values)} --{key[:-1]} for {len(hospitals)} --hospital; they pair up in order"
            )
    sites = []
    for i, hospital in enumerate(hospitals):
        site: Answers = {"hospital": hospital}
        role = columns["roles"][i] if i < len(columns["roles"]) else None
        _put(site, "role", choose(role, ROLES, "role") if role else None)
        for key, field in (("departments", "department"), ("leads", "lead")):
            _put(site, field, columns[key][i] if i < len(columns[key]) else None)
        sites.append(site)
    return sites


def _hospital(answers: Answers, reg: Registry) -> Answers:
    data: Answers = {}
    parent = _text(answers, "parent")
    _put(data, "parent", pick(reg, "hospital", parent) if parent else None)
    _put(data, "city", _text(answers, "city"))
    region = _text(answers, "region")
    _put(data, "region", choose(region, _regions(), "region") if region else None)
    _put(data, "finess", _text(answers, "finess"))
    return data


def _network(answers: Answers, reg: Registry) -> Answers:
    kind = _text(answers, "kind")
    acronym = _text(answers, "acronym")
    if kind is None or acronym is None:
        raise AuthoringError("a network needs --acronym and --kind (fsmr or ern)")
    data: Answers = {"acronym": acronym, "kind": choose(kind, NETWORK_KINDS, "kind")}
    host = _text(answers, "host")
    _put(data, "host", pick(reg, "hospital", host) if host else None)
    _put(data, "coordinator", _text(answers, "coordinator"))
    _put(data, "erns", [pick(reg, "ern", e) for e in _texts(answers, "erns")])
    return data


def _campaign(answers: Answers, reg: Registry) -> Answers:
    data: Answers = {}
    for key in ("start", "end", "legal_basis"):
        _put(data, key, _text(answers, key))
    return data


_BUILDERS: dict[str, Callable[[Answers, Registry], Answers]] = {
    "centre": _centre,
    "hospital": _hospital,
    "network": _network,
    "campaign": _campaign,
}


def _text(answers: Answers, key: str) -> str | None:
    value = answers.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _texts(answers: Answers, key: str) -> list[str]:
    value = answers.get(key) or []
    values = [value] if isinstance(value, str) else list(value)
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _column(answers: Answers, key: str) -> list[str | None]:
    """Values that pair with the sites by position: a blank keeps its place, as None."""
    value = answers.get(key) or []
    values = [value] if isinstance(value, str) else list(value)
    while values and not (isinstance(values[-1], str) and values[-1].strip()):
        values.pop()  # trailing blanks pair with nothing
    return [v.strip() if isinstance(v, str) and v.strip() else None for v in values]


def _put(data: Answers, key: str, value: Any) -> None:
    if value not in (None, [], ""):
        data[key] = value


def interview(
    kind: str,
    answers: Answers,
    reg: Registry,
    ask: Callable[[str], str],
    say: Callable[[str], None],
) -> Answers:
    """Ask for the fields not given, on a terminal; an empty answer skips an optional field.

    A name that matches several entities is shown as a numbered list to pick from; a fixed
    list (regions, kinds) is shown with numbers too. ``ask`` and ``say`` do the talking.
    """
    out = dict(answers)
    for field in asked(kind):
        if out.get(field.key):
            continue
        values: list[str] = []
        while True:
            answer = _ask_one(field, reg, ask, say, again=bool(values))
            if answer is None:
                break
            values.append(answer)
            if field.key == "hospitals" and not answers.get("roles"):
                role = _ask_one(_ROLE, reg, ask, say, again=False)
                out.setdefault("roles", []).append(role or "")
            if not field.many:
                break
        if values:
            out[field.key] = values if field.many else values[0]
    return out


_ROLE = Field("role", "Role of this site", choices=ROLES)


def _ask_one(
    field: Field, reg: Registry, ask: Callable[[str], str], say: Callable[[str], None], again: bool
) -> str | None:
    suffix = " (another, or empty to stop)" if again else ("" if field.required else " (optional)")
    if field.choices:
        say("\n".join(f"  {i}. {c}" for i, c in enumerate(field.choices, start=1)))
    while True:
        text = ask(f"{field.question}{suffix}").strip()
        if not text:
            if field.required and not again:
                say(f"{field.question} is needed.")
                continue
            return None
        try:
            return _read_answer(field, text, reg, ask, say)
        except AuthoringError as exc:
            say(str(exc))


def _read_answer(
    field: Field, text: str, reg: Registry, ask: Callable[[str], str], say: Callable[[str], None]
) -> str:
    if field.choices:
        if text.isascii() and text.isdigit() and 1 <= int(text) <= len(field.choices):
            return field.choices[int(text) - 1]
        return choose(text, field.choices, field.key)
    if field.refers_to is None:
        return text
    found = candidates(reg, field.refers_to, text)
    if len(found) == 1:
        say(f"  → {found[0][1]} ({found[0][0]})")
        return found[0][0]
    say("\n".join(f"  {i}. {name} ({eid})" for i, (eid, name) in enumerate(found, start=1)))
    while True:
        number = ask("Which one (number)").strip()
        if number.isascii() and number.isdigit() and 1 <= int(number) <= len(found):
            return found[int(number) - 1][0]
        say(f"Give a number from 1 to {len(found)}.")
