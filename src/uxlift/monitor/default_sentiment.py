"""The sentiment model uxlift ships, and the data it is trained from.

Only data the project may redistribute goes in:

* the UCI "Sentiment Labelled Sentences" of Amazon phone reviews and IMDb (1,000
  sentences each, positive/negative; CC BY 4.0, Kotzias et al., "From Group to
  Individual Labels using Deep Features", KDD 2015);
* sentences written for uxlift in English and Chinese (deliveries, hotels,
  shopping, apps, customer service, company news), including neutral ones, so
  the default knows three classes and reads Chinese.

The Chinese head learns from the English sentences too (multilingual-e5 aligns
languages), which is what makes 200 Chinese sentences enough to start with.
Rebuild the shipped weights with ``uxlift train sentiment --default`` after
changing the data; a test checks that the shipped weights match a rebuild.
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

from uxlift.monitor.sentiment import Encode, SentimentModel, normalize_label

DATA = "uxlift.monitor"
UCI_FILES = ("amazon_cells_labelled.txt", "imdb_labelled.txt")
SEED_FILES = ("sentiment_seed_en.tsv", "sentiment_seed_zh.tsv")


def data_dir() -> Path:
    return Path(str(resources.files(DATA).joinpath("data")))


def shipped_model_dir() -> Path:
    return data_dir() / "sentiment_default"


def training_data() -> tuple[list[str], list[str]]:
    """(texts, labels) of every sentence the default model learns from."""
    texts: list[str] = []
    labels: list[str] = []
    base = data_dir()
    for name in UCI_FILES:
        for line in (base / "uci_sentiment_labelled" / name).read_text("utf-8").splitlines():
            if "\t" not in line:
                continue
            text, label = line.rsplit("\t", 1)
            texts.append(text.strip())
            labels.append(normalize_label(label))
    for name in SEED_FILES:
        with (base / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                texts.append(row["text"].strip())
                labels.append(normalize_label(row["label"]))
    return texts, labels


def train_default(encoders: dict[str, Encode], encoder_ids: dict[str, str]) -> SentimentModel:
    texts, labels = training_data()
    return SentimentModel(encoders=encoders, balance=False).fit(
        texts, labels, encoder_ids=encoder_ids
    )


def load_default(encoders: dict[str, Encode]) -> SentimentModel:
    return SentimentModel.load(shipped_model_dir(), encoders=encoders)
