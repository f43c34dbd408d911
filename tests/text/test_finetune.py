"""Fine-tuning building blocks: config checks, length batches, weight averaging."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from uxlift.errors import InvalidInput
from uxlift.text.finetune import FineTuneConfig, _length_batches, _WeightAverage


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "adapter"}, "method"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"learning_rate": 0.0}, "learning rates"),
    ],
)
def test_bad_config_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        FineTuneConfig(**kwargs)  # type: ignore[arg-type]


def test_length_batches_cover_every_text_once_with_similar_lengths() -> None:
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 200, size=1000)
    batches = _length_batches(lengths, 32, np.random.default_rng(1))
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(1000))
    spread = np.mean([np.ptp(lengths[b]) for b in batches])
    assert spread < np.ptp(lengths) / 4
    again = _length_batches(lengths, 32, np.random.default_rng(1))
    assert all((a == b).all() for a, b in zip(batches, again, strict=True))


class _Tiny:
    def __init__(self, value: float) -> None:
        self.encoder = torch.nn.Linear(2, 2)
        self.head = torch.nn.Linear(2, 1)
        for module in (self.encoder, self.head):
            for parameter in module.parameters():
                parameter.data.fill_(value)


def test_weight_average_is_the_mean_of_the_added_epochs() -> None:
    average = _WeightAverage()
    for value in (1.0, 2.0, 6.0):
        average.add(_Tiny(value))  # type: ignore[arg-type]
    state = average.state()
    assert average.count == 3
    assert torch.allclose(state["encoder"]["weight"], torch.full((2, 2), 3.0))
    assert state["head"]["bias"].dtype == torch.float32
