"""Synthetic datasets at portfolio scale, written as the app's three CSV files.

Deterministic (a fixed seed), vectorised, and shaped like real data: quoted notes with
commas, quotes, accents and the odd line break, blank axis cells, optional spreads,
targets at the last round, and an organisation's name as a perspective now and then.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: The default sizes, in partnerships.
SIZES = (1_000, 10_000, 40_000)
PERSPECTIVES = ("public", "private", "civil society")
N_DATES = 10
#: Changes whenever the generated data would change, so kept datasets are remade.
GENERATOR_VERSION = "1"
AXES = (
    ("delivery_policy", "Delivering services", "Informing policy"),
    ("regulation_innovation", "Regulating delivery", "Stimulating innovation"),
    ("rules_task", "Rules-oriented", "Task-oriented"),
    ("outputs_systems", "Project outputs", "Systemic change"),
)
AXIS_IDS = tuple(a[0] for a in AXES)

_COUNTRIES = (
    "Kenya",
    "Uganda",
    "Tanzania",
    "Ghana",
    "Nigeria",
    "Senegal",
    "Burkina Faso",
    "Mali",
    "Ethiopia",
    "Mozambique",
    "Zambia",
    "Malawi",
    "South Africa",
    "Bangladesh",
    "India",
    "Nepal",
    "Pakistan",
    "Indonesia",
    "Philippines",
    "Vietnam",
    "Cambodia",
    "Peru",
    "Bolivia",
    "Colombia",
    "Ecuador",
    "Guatemala",
    "Honduras",
    "Haiti",
    "Côte d'Ivoire",
    "Bénin",
    "Niger",
    "Rwanda",
    "Burundi",
    "Madagascar",
    "Egypt",
    "Jordan",
    "Yemen",
    "Myanmar",
    "Laos",
    "Timor-Leste",
)
_SECTORS = (
    "Water supply",
    "Sanitation",
    "Faecal sludge management",
    "Hygiene",
    "WASH in schools",
    "WASH in health care",
    "Water resources",
    "Solid waste",
)
_ARRANGEMENTS = ("alliance", "platform", "network", "joint venture", "contract", "programme")
_PLACES = (
    "Lake",
    "River",
    "Valley",
    "Highlands",
    "Coast",
    "Delta",
    "Basin",
    "Plateau",
    "Hills",
    "Savannah",
)
_WORDS = (
    "Water",
    "Sanitation",
    "Hygiene",
    "Clean",
    "Safe",
    "Blue",
    "Rural",
    "Urban",
    "Small Towns",
    "Schools",
    "Health",
    "Resilience",
    "Agua",
    "Maji",
    "Eau",
    "Pani",
)
_KINDS = ("Alliance", "Platform", "Network", "Venture", "Programme", "Partnership")
_ORGS = (
    "Ministry of Water",
    "District Council",
    "Regional Utility",
    "Maji Bora Trust",
    "Sonali Sanitation Services Ltd",
    "Fundo Lusófono para a Água",
    "Anchor Impact Investors",
    "Association des Usagers",
    "Women's Water Committee",
    "Nordwater Development Bank",
)
_NOTES = (
    "Utility runs the kiosks; the district only signs off.",
    'Partners call it "joint", but the donor writes the agenda.',
    "Moved toward policy after the tariff review, as agreed.",
    "No change since last round.",
    "Operators formed an association, and now lobby directly.",
    "Ownership is shared: the province co-funds, the users' committee monitors.",
    "Água para todos — the users' association sits on the panel.",
    "Plans arrive from consultants, in English; villagers dig the check dams.",
    "Regulation first, innovation later — the ministry's line.",
    "We disagree with the others' view of where we are, not of where to go.",
    "Target set by the general assembly; audits published in full.",
    "Trying prepaid meters in two towns, paid for partly from own revenue.",
)
_NOTE_WITH_BREAK = "First line of a workshop note,\nand a second line typed with Alt+Enter."


@dataclass(frozen=True)
class Synthetic:
    """A generated dataset folder and its size."""

    folder: Path
    partnerships: int
    placements: int


def _number_strings(tenths: np.ndarray) -> np.ndarray:
    """Positions in tenths as people write them: 2.5, -3, 0 (as the app writes them too)."""
    table = {}
    for t in range(-50, 51):
        whole, frac = divmod(abs(t), 10)
        text = f"{whole}.{frac}" if frac else f"{whole}"
        table[t] = ("-" + text) if t < 0 else text
    lookup = np.array([table[t] for t in range(-50, 51)], dtype=object)
    return lookup[tenths + 50]


def partnership_ids(n: int) -> np.ndarray:
    """Ids of the n synthetic partnerships."""
    return np.array([f"partnership-{i:05d}" for i in range(n)], dtype=object)


def make_dataset(folder: Path | str, n_partnerships: int, *, seed: int = 6) -> Synthetic:
    """Write axes.csv, partnerships.csv and placements.csv for n partnerships into folder.

    Every partnership has 3 perspectives × 10 dates = 30 placements on 4 axes.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    n = n_partnerships
    rows = n * N_DATES * len(PERSPECTIVES)
    stamp = folder / ".generated"
    made = f"{GENERATOR_VERSION} {n} {seed}"
    if stamp.exists() and stamp.read_text() == made:
        return Synthetic(folder, n, rows)  # made by this generator already (--data-dir)
    rng = np.random.default_rng(seed)

    pd.DataFrame(
        {
            "axis_id": AXIS_IDS,
            "low_pole": [a[1] for a in AXES],
            "high_pole": [a[2] for a in AXES],
            "description": [f"How far the partnership leans toward {a[2].lower()}" for a in AXES],
        }
    ).to_csv(folder / "axes.csv", index=False, lineterminator="\n")

    ids = partnership_ids(n)
    pick = lambda pool, size=n: np.asarray(pool, dtype=object)[rng.integers(0, len(pool), size)]  # noqa: E731
    names = pick(_WORDS) + " " + pick(_PLACES) + " " + pick(_KINDS) + " " + np.arange(n).astype(str)
    partners = pick(_ORGS) + "; " + pick(_ORGS) + "; " + pick(_ORGS)
    started = pd.to_datetime("2012-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D")
    started_text = np.where(rng.random(n) < 0.1, "", started.strftime("%Y-%m-%d").to_numpy())
    pd.DataFrame(
        {
            "partnership_id": ids,
            "name": names,
            "country": pick(_COUNTRIES),
            "sector": pick(_SECTORS),
            "arrangement": pick(_ARRANGEMENTS),
            "partners": partners,
            "started": started_text,
            "description": "Links " + pick(_ORGS) + ", " + pick(_ORGS).astype(str) + " and others.",
        }
    ).to_csv(folder / "partnerships.csv", index=False, lineterminator="\n")

    # Placements: partnership-major, then round, then perspective (as workshops add them).
    n_p = len(PERSPECTIVES)
    part = np.repeat(np.arange(n), N_DATES * n_p)
    rnd = np.tile(np.repeat(np.arange(N_DATES), n_p), n)
    persp_idx = np.tile(np.arange(n_p), n * N_DATES)
    base = pd.Timestamp("2016-01-01")
    offset_days = rng.integers(0, 120, n)[part] + rnd * 365
    dates = (base + pd.to_timedelta(offset_days, unit="D")).strftime("%Y-%m-%d").to_numpy()
    perspective = np.asarray(PERSPECTIVES, dtype=object)[persp_idx]
    org = rng.random(n) < 0.1  # some partnerships name an organisation instead
    perspective = np.where(org[part] & (persp_idx == n_p - 1), pick(_ORGS, n)[part], perspective)
    kind = np.where((rnd == N_DATES - 1) & (rng.random(rows) < 0.3), "target", "actual")

    cells = {}
    start = rng.integers(-40, 41, (n, n_p, len(AXIS_IDS)))
    steps = rng.integers(-6, 7, (n, N_DATES, n_p, len(AXIS_IDS)))
    walk = np.clip(start[:, None, :, :] + np.cumsum(steps, axis=1), -50, 50)
    walk = walk.reshape(rows, len(AXIS_IDS))
    blank = rng.random((rows, len(AXIS_IDS))) < 0.05
    blank[blank.all(axis=1), 0] = False  # every row keeps at least one position
    for j, axis_id in enumerate(AXIS_IDS):
        cells[axis_id] = np.where(blank[:, j], "", _number_strings(walk[:, j]))
    spread = np.where(rng.random(rows) < 0.2, _number_strings(rng.integers(5, 21, rows)), "")
    note = np.where(rng.random(rows) < 0.3, pick(_NOTES, rows), "")
    note = np.where(rng.random(rows) < 0.0005, _NOTE_WITH_BREAK, note)
    pd.DataFrame(
        {
            "partnership_id": ids[part],
            "date": dates,
            "perspective": perspective,
            "kind": kind,
            **cells,
            "spread": spread,
            "note": note,
        }
    ).to_csv(folder / "placements.csv", index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    stamp.write_text(made)
    return Synthetic(folder, n, rows)
