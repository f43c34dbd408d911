"""Names and plain-words meanings of the ranker's features (kept free of heavy imports)."""

from __future__ import annotations

FEATURES: tuple[tuple[str, str], ...] = (
    ("sequential_score", "fits what this user did most recently"),
    ("sequential_rank", "rank by recent activity"),
    ("ease_score", "fits this user's whole history"),
    ("ease_rank", "rank by whole history"),
    ("als_score", "liked by users with similar tastes"),
    ("als_rank", "rank by similar users"),
    ("knn_score", "similar to items this user touched recently"),
    ("knn_rank", "rank by similar items"),
    ("covisit_score", "visited in the same sessions as this user's recent items"),
    ("covisit_rank", "rank by co-visits"),
    ("trending_score", "interactions in the week before this visit"),
    ("trending_rank", "rank by this week's interactions"),
    ("content_score", "described like the items this user touched recently"),
    ("content_rank", "rank by description"),
    ("popularity", "popular overall"),
    ("trending_90d", "popular in the 90 days before this visit"),
    ("popular_around_visit", "popular within a year of this visit"),
    ("item_age_years", "how long the item had been around at this visit"),
    ("history_length", "how much this user has done"),
    ("sequential_share", "recent-activity score relative to this user's best candidate"),
)
FEATURE_NAMES = tuple(name for name, _ in FEATURES)
