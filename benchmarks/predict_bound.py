"""How well can anyone predict demo purchases from the log? A Bayes bound beside the ceiling.

    python benchmarks/predict_bound.py [--json] [--seed N]

The demo store's ceiling (``ceiling_roc_auc`` in ``uxlift train predictor``)
scores test views with the generator's hidden utility. Part of that utility is
each shopper's taste for materials, styles, uses and brands, which shows only
through what they did. This script asks what the log can reveal about those
tastes, helped by an oracle that no real model has:

- category affinity, price fit and item quality are taken *exactly* from the
  hidden truth, and so are every item's material, style, use and brand;
- the four taste vectors get a Gaussian prior with the population's true mean
  and variance;
- each user's posterior (MAP) is fitted to the generator's own likelihood: every
  view's click, add-to-cart and purchase draw (the true funnel coefficients) and
  every search's choice among the category's materials or styles.

The fit uses everything before the test period starts. Scoring the test
period's labelled views with "exact part + posterior taste" gives the
``history_bound_roc_auc``: a real model must learn the exact part too, so it
cannot expect to beat it by much. It is compared with the ceiling and with the
prior alone (tastes unknown).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import machine
from uxlift.demo.assembly import SimulationResult
from uxlift.demo.catalog import ItemLatents
from uxlift.demo.generator import generate_store, simulate_store
from uxlift.demo.preferences import PreferenceModel
from uxlift.predict.event_source import catalog_from_records, log_from_records
from uxlift.predict.examples import chronological_split, label_anchors

TASTES = (
    ("material", "material_taste"),
    ("style", "style_taste"),
    ("use", "use_taste"),
    ("brand", "brand_affinity"),
)
SEARCH_TEMPERATURE = 2.0  # the generator picks a query with logits 2 * taste
NEWTON_STEPS = 25


def exact_part(truth: PreferenceModel, users: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Category affinity + quality - price misfit: the utility terms given to the oracle."""
    u, it = truth.users, truth.items
    return (
        u.category_affinity[users, it.category[items]]
        + u.quality_weight[users] * it.quality[items]
        - u.price_sensitivity[users] * np.abs(it.log_price_ratio[items] - u.price_center[users])
    )


class TasteLayout:
    """One-hot columns of every (attribute, value) that enters the taste term."""

    def __init__(self, truth: PreferenceModel) -> None:
        self.truth = truth
        widths = [getattr(truth.users, field).shape[1] for _, field in TASTES]
        self.offsets = np.concatenate([[0], np.cumsum(widths)])
        matrices = [getattr(truth.users, field) for _, field in TASTES]
        self.prior_mean = np.concatenate([m.mean(axis=0) for m in matrices])
        self.prior_var = np.concatenate([m.var(axis=0) for m in matrices]) + 1e-6
        self.true_tastes = np.hstack(matrices)

    def design(self, items: np.ndarray) -> np.ndarray:
        X = np.zeros((len(items), int(self.offsets[-1])))
        for block, (attribute, _) in enumerate(TASTES):
            values = getattr(self.truth.items, attribute)[items]
            X[np.arange(len(items)), self.offsets[block] + values] = 1.0
        return X


def posterior_tastes(
    layout: TasteLayout, sim: SimulationResult, latents: ItemLatents, cutoff: float
) -> np.ndarray:
    """Per-user MAP taste vectors from funnel draws and searches before ``cutoff``."""
    plan, outcome, truth = sim.plan, sim.outcome, layout.truth
    bought = np.zeros(len(plan.view_item), dtype=bool)
    bought[outcome.purchase_view] = True
    view_user = plan.user[plan.view_session]
    past_view = outcome.view_time < cutoff
    past_search = (plan.query_field > 0) & (outcome.search_time < cutoff)
    columns = {1: latents.material, 2: latents.style}
    options = {
        (int(c), f): np.unique(columns[f][latents.category == c])
        for c in np.unique(latents.category)
        for f in columns
    }
    n_users = len(truth.user_ids)
    theta = np.tile(layout.prior_mean, (n_users, 1))
    for user in range(n_users):
        views = np.flatnonzero(past_view & (view_user == user))
        searches = np.flatnonzero(past_search & (plan.user == user))
        if len(views) == 0 and len(searches) == 0:
            continue
        items = plan.view_item[views]
        funnel = [
            ("click", np.ones(len(views), dtype=bool), outcome.clicked[views]),
            ("add_to_cart", outcome.clicked[views], outcome.carted[views]),
            ("purchase", outcome.carted[views], bought[views]),
        ]
        chosen = [
            (layout.offsets[plan.query_field[s] - 1]
             + options[(int(plan.category[s]), int(plan.query_field[s]))],
             options[(int(plan.category[s]), int(plan.query_field[s]))] == plan.query_value[s])
            for s in searches
        ]  # fmt: skip
        theta[user] = _map_estimate(
            layout, layout.design(items), exact_part(truth, np.full(len(items), user), items),
            funnel, chosen, truth.coefficients,
        )  # fmt: skip
    return theta


def _map_estimate(
    layout: TasteLayout,
    X: np.ndarray,
    exact: np.ndarray,
    funnel: list[tuple[str, np.ndarray, np.ndarray]],
    chosen: list[tuple[np.ndarray, np.ndarray]],
    coefficients: dict[str, tuple[float, float]],
) -> np.ndarray:
    """Newton's method on the log posterior (concave: logistic stages + softmax choices)."""
    theta = layout.prior_mean.copy()
    for _ in range(NEWTON_STEPS):
        gradient = -(theta - layout.prior_mean) / layout.prior_var
        hessian = np.diag(1.0 / layout.prior_var)
        for stage, reached, passed in funnel:
            a, b = coefficients[stage]
            Xs = X[reached]
            p = 1.0 / (1.0 + np.exp(-(a + b * (exact[reached] + Xs @ theta))))
            gradient += b * Xs.T @ (passed[reached] - p)
            hessian += (b * b) * (Xs.T * (p * (1 - p))) @ Xs
        for columns, picked in chosen:
            logits = SEARCH_TEMPERATURE * theta[columns]
            p = np.exp(logits - logits.max())
            p /= p.sum()
            gradient[columns] += SEARCH_TEMPERATURE * (picked - p)
            hessian[np.ix_(columns, columns)] += SEARCH_TEMPERATURE**2 * (
                np.diag(p) - np.outer(p, p)
            )
        step = np.linalg.solve(hessian, gradient)
        theta += step
        if np.abs(step).max() < 1e-7:
            break
    return theta


def run(seed: int) -> dict:
    store = generate_store(seed=seed)
    simulation = simulate_store(seed=seed)
    truth = simulation.truth
    catalog = catalog_from_records(store.items, np.zeros((len(store.items), 1), np.float32))
    log = log_from_records(store.events, catalog)
    anchors, labels = label_anchors(log, len(catalog), target="purchase", horizon_s=86_400.0)
    split = chronological_split(log.time[anchors], horizon_s=86_400.0)
    test = split.assign(log.time[anchors]) == 2
    anchors, labels = anchors[test], labels[test]
    user_index = np.array([truth._user_index[key] for key in log.user_keys])
    item_index = np.array([truth._item_index[item] for item in catalog.item_ids])
    users, items = user_index[log.user[anchors]], item_index[log.item[anchors]]
    layout = TasteLayout(truth)
    theta = posterior_tastes(layout, simulation.result, simulation.item_latents, split.test_start)
    X = layout.design(items)
    exact = exact_part(truth, users, items)
    scores = {
        "ceiling_roc_auc": exact + (X * layout.true_tastes[users]).sum(axis=1),
        "history_bound_roc_auc": exact + (X * theta[users]).sum(axis=1),
        "prior_only_roc_auc": exact + X @ layout.prior_mean,
    }
    report = {name: round(float(roc_auc_score(labels, s)), 4) for name, s in scores.items()}
    lift = report["ceiling_roc_auc"] - 0.5
    report["bound_share_of_ceiling_lift"] = round((report["history_bound_roc_auc"] - 0.5) / lift, 3)
    report["auc_for_0.9_of_ceiling_lift"] = round(0.5 + 0.9 * lift, 4)
    report["test_views"] = len(labels)
    report["test_purchases"] = int(labels.sum())
    report["searches_before_test"] = int(
        ((simulation.result.plan.query_field > 0)
         & (simulation.result.outcome.search_time < split.test_start)).sum()
    )  # fmt: skip
    report["seed"] = seed
    report["machine"] = machine()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = run(args.seed)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
