"""Shared fixtures: small datasets written to tmp_path, never to data/."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data"

AXES = """axis_id,low_pole,high_pole,description
delivery_policy,Delivering services,Informing policy,What the partnership spends its energy on
regulation_innovation,Regulating delivery,Stimulating innovation,How it steers providers
rules_task,Rules-oriented,Task-oriented,How partners work together
"""
PARTNERSHIPS = """partnership_id,name,country,sector,arrangement,partners,started,description,region
alpha,Alpha Water Alliance,Kenya,Water supply,alliance,Ministry; Utility; NGO,2020-01-15,"Kiosks, pipes and ""policy"" work",East Africa
beta,Beta Sanitation Platform,Ghana,Sanitation,platform,District; SME association,2021-06-01,Faecal sludge,West Africa
gamma,Gamma Schools WASH,Peru,WASH in schools,network,Ministerio de Educación; ONG,,,Latin America
"""
PLACEMENTS = """partnership_id,date,perspective,kind,delivery_policy,regulation_innovation,rules_task,spread,note
alpha,2023-03-01,public,actual,-3,-2,1,,Utility runs kiosks
alpha,2023-03-01,private,actual,-1,2,,1.0,"Private sees ""clearly"" innovation"
alpha,2024-03-01,public,actual,-1.5,-1,0.5,,Moving to policy
alpha,2024-03-01,public,target,2,1,,,Where we want to be
beta,2023-05-01,civil society,actual,1,3,-2,,Advocacy focus
beta,2024-05-01,civil society,actual,2,2.5,-2,,
gamma,2024-01-10,joint,actual,0,,,,"Only one axis
assessed"
"""

#: A placement to save into the datasets above (its note holds a comma, to be quoted).
NEW_PLACEMENT = {
    "partnership_id": "alpha",
    "date": dt.date(2025, 3, 1),
    "perspective": "donor",
    "kind": "actual",
    "delivery_policy": 2.5,
    "regulation_innovation": -1.0,
    "note": "Moved, clearly",
}


def write_dataset(
    folder: Path, axes: str = AXES, partnerships: str = PARTNERSHIPS, placements: str = PLACEMENTS
) -> Path:
    """Write a dataset folder from CSV texts."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "axes.csv").write_text(axes, encoding="utf-8")
    (folder / "partnerships.csv").write_text(partnerships, encoding="utf-8")
    (folder / "placements.csv").write_text(placements, encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A small valid dataset: 3 axes, 3 partnerships, 7 placements."""
    return write_dataset(tmp_path / "tiny")


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the sample dataset in data/."""
    dest = tmp_path / "sample"
    shutil.copytree(SAMPLE, dest)
    return dest


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`python -m plotting ARGS` from the repository, without PLOTTING_DATA_DIR (so data/
    is the default), its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "plotting", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PLOTTING_DATA_DIR"},
    )
