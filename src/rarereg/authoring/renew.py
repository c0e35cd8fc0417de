"""``rarereg renew``: move centres' labels to a new campaign, as a ministry decision does.

A plan first (which centres, their old and new campaign and end), then each file edited in
place with its comments kept: the label points at the new campaign, the old label's own dates
go (they belonged to the old label), and the decision joins the file's sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rarereg.authoring import canonical
from rarereg.authoring.files import AuthoringError, read_bytes
from rarereg.authoring.new import pick
from rarereg.labels import ENDED_STATUSES
from rarereg.model import Centre, Registry

COLUMNS = ("id", "old_campaign", "old_end", "new_campaign", "new_end", "action")


@dataclass(frozen=True, slots=True)
class Move:
    """One centre in the plan; ``action`` is 'renew' or why it is left alone."""

    centre: str
    path: str
    old_campaign: str | None
    old_end: str | None
    new_campaign: str
    new_end: str | None
    action: str

    @property
    def moves(self) -> bool:
        """True when the centre's file will be changed."""
        return self.action.startswith("renew")

    def as_row(self) -> dict[str, Any]:
        """The plan's row, with stable keys."""
        return {
            "id": self.centre,
            "old_campaign": self.old_campaign,
            "old_end": self.old_end,
            "new_campaign": self.new_campaign,
            "new_end": self.new_end,
            "action": self.action,
        }


def plan(reg: Registry, campaign: str, networks: list[str], ids: list[str]) -> list[Move]:
    """The centres of the named filières and the named centres, and what renewal does to each.

    Centres withdrawn or lapsed are left out when chosen by filière, renewed when named.
    """
    if not networks and not ids:
        raise AuthoringError("name the centres to renew: --network FILIERE, or centre ids")
    target = reg.campaigns[pick(reg, "campaign", campaign)]
    chosen: dict[str, bool] = {}  # centre id → named explicitly
    for name in networks:
        network = pick(reg, "network", name)
        for centre in reg.centres.values():
            if centre.network == network:
                chosen.setdefault(centre.id, False)
    for centre_id in ids:
        if centre_id not in reg.centres:
            raise AuthoringError(_unknown_centre(reg, centre_id))
        chosen[centre_id] = True
    if not chosen:
        raise AuthoringError("no centre in the filières named")
    return [
        _move(reg, reg.centres[i], target.id, target.end, named)
        for i, named in sorted(chosen.items())
    ]


def _unknown_centre(reg: Registry, centre_id: str) -> str:
    import difflib

    close = difflib.get_close_matches(centre_id, list(reg.centres), n=3, cutoff=0.6)
    hint = f"; did you mean: {', '.join(close)}?" if close else "; see 'rarereg list'"
    return f"no centre with id '{centre_id}'{hint}"


def _move(reg: Registry, centre: Centre, campaign: str, end: str | None, named: bool) -> Move:
    old = centre.label.campaign if centre.label else None
    _, old_end = reg.label_dates(centre)
    status = centre.raw.get("status")
    own_dates = centre.label is not None and (centre.label.start or centre.label.end)
    if old == campaign and not own_dates:
        action = f"already in {campaign}"
    elif status in ENDED_STATUSES and not named:
        action = f"left out: {status} (name it to renew it)"
    elif status in ENDED_STATUSES:
        action = f"renew ({status} → labelled)"
    else:
        action = "renew"
    path = reg.paths[centre.id]
    return Move(centre.id, path, old, old_end, campaign, end, action)


def decision_source(text: str, root: Path, today: dt.date, campaign: str) -> dict[str, str]:
    """The source recorded in each renewed file: the decision's URL or document."""
    from rarereg.authoring.new import source_entry

    entry = source_entry(text, root, today)
    entry["note"] = f"the decision that renews the label in {campaign}"
    return entry


def apply(move: Move, path: Path, source: dict[str, str]) -> str:
    """The centre file's new text for one move (nothing is written)."""
    tree, errors = canonical.read(read_bytes(path), "centre", move.path)
    if tree is None:
        first = errors[0] if errors else None
        where = f":{first.line}:{first.col}: {first.message}" if first else ""
        raise AuthoringError(f"{move.path}{where}; fix it before renewing")
    label = tree.get("label")
    if isinstance(label, dict):
        label["campaign"] = move.new_campaign
        for key in ("start", "end", "note"):
            label.pop(key, None)
    else:
        tree["label"] = {"campaign": move.new_campaign}
    if tree.get("status") in ENDED_STATUSES:
        tree["status"] = "labelled"
    add_source(tree, source)
    return canonical.render(tree, "centre", move.path)


def add_source(tree: Any, source: dict[str, str]) -> None:
    """Append a source unless one with the same URL or document is there already."""
    sources = tree.get("sources")
    if not isinstance(sources, list):
        tree["sources"] = sources = []
    key = ("url", source["url"]) if "url" in source else ("document", source["document"])
    if not any(isinstance(s, dict) and s.get(key[0]) == key[1] for s in sources):
        sources.append(dict(source))
