"""A court with one person in every role, for the procedures' rule tables."""

from __future__ import annotations

from typing import Any

import pytest

from opskit.config.load import load
from opskit.config.schema import ROLES


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import yaml

    directory = tmp_path_factory.mktemp("court")
    path = directory / "opskit.yaml"
    people = [{"name": f"Orang {role}", "roles": [role]} for role in ROLES]
    path.write_text(
        yaml.safe_dump(
            {
                "organisation": {"name": "Pengadilan Agama Uji", "timezone": "Asia/Makassar"},
                "paths": {"state_dir": str(directory / "state")},
                "people": people,
            }
        )
    )
    return load(path)
