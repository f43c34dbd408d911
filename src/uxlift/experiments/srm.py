"""Sample-ratio mismatch: does the observed traffic split match the configured one?

If an experiment is set to split users 50/50 but 10,000 land in control and 10,400 in the
treatment, something between the assignment and the logging is broken (a redirect that
loses users, a bot filter that favours one variant, a crash in the new code), and the
units that remain are no longer comparable. No effect estimate can be trusted then;
Fabijan et al. 2019, "Diagnosing sample ratio mismatch in online controlled experiments",
list the usual causes.

The check is Pearson's chi-square goodness-of-fit test of the observed counts ``o_i``
against the counts the weights predict, ``e_i = N w_i / sum(w)``: the statistic
``sum((o_i - e_i)^2 / e_i)`` is compared with a chi-square distribution with ``k - 1``
degrees of freedom. Because traffic counts are large, tiny imbalances are detectable, and
because the check runs on every experiment, often, its threshold is strict: a mismatch is
reported below ``p = 0.001`` by default, common practice in the industry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scipy import special

from uxlift.errors import InvalidInput
from uxlift.experiments._common import check_alpha, check_count, check_positive, to_dict

NAN = float("nan")


@dataclass(frozen=True)
class SrmResult:
    """Chi-square test of the traffic split of ``variants``."""

    variants: tuple[str, ...]
    observed: tuple[int, ...]
    expected: tuple[float, ...]
    statistic: float
    dof: int
    p_value: float
    threshold: float
    insufficient_data: str | None = None

    @property
    def mismatch(self) -> bool:
        """Whether the split is implausible under the configured weights."""
        return self.insufficient_data is None and self.p_value < self.threshold

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self, ("mismatch",))


def srm_test(
    counts: Mapping[str, int], weights: Mapping[str, float], *, threshold: float = 0.001
) -> SrmResult:
    """Test the observed unit ``counts`` per variant against the configured ``weights``
    (any positive numbers; they are normalized)."""
    threshold = check_alpha(threshold, "srm_threshold")
    if set(counts) != set(weights):
        raise InvalidInput(
            "counts and weights must name the same variants, got "
            f"{sorted(counts)} and {sorted(weights)}"
        )
    variants = tuple(counts)
    observed = tuple(check_count(f"counts[{v!r}]", counts[v]) for v in variants)
    shares = [check_positive(f"weights[{v!r}]", weights[v]) for v in variants]
    total, weight = sum(observed), sum(shares)
    expected = tuple(total * w / weight for w in shares)
    dof = len(variants) - 1
    reason = None
    if dof < 1:
        reason = "a single variant: there is no split to check"
    elif total == 0:
        reason = "no units assigned yet"
    if reason is not None:
        return SrmResult(variants, observed, expected, NAN, max(dof, 0), NAN, threshold, reason)
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    return SrmResult(
        variants=variants,
        observed=observed,
        expected=expected,
        statistic=statistic,
        dof=dof,
        p_value=float(special.chdtrc(dof, statistic)),
        threshold=threshold,
    )
