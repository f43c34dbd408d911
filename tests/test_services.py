"""Opening an installation: the secret must be the one the store was made with."""

from __future__ import annotations

import pytest

from uxlift.config import Settings
from uxlift.errors import ConfigError
from uxlift.services import open_services


def test_a_changed_secret_is_refused(settings: Settings) -> None:
    open_services(settings).close()
    changed = Settings(data_dir=settings.data_dir, secret_key="another-secret-" + "z" * 40)
    with pytest.raises(ConfigError, match="differs"):
        open_services(changed)
    open_services(settings).close()
