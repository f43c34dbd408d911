"""Embeddings over HTTP: the default model's vectors, batched under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np

from tests.conftest import auth
from uxlift.services import Services
from uxlift.text.encoders import encoder_from_spec


def test_embed_returns_the_reference_vectors(http: httpx.Client, keys: dict[str, str]) -> None:
    texts = ["where is my parcel", "退款多久到账"]
    response = http.post("/v1/embed", json={"texts": texts}, headers=auth(keys["read"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dim"] == 384 and body["encoder"].startswith("all-MiniLM-L6-v2@")
    reference = encoder_from_spec("minilm").encode(texts)
    cosine = (np.array(body["vectors"]) * reference).sum(axis=1)
    assert cosine.min() > 0.9999


def test_concurrent_single_text_requests_are_batched(
    server_url: str, services: Services, keys: dict[str, str]
) -> None:
    def one(i: int) -> int:
        with httpx.Client(base_url=server_url, timeout=60) as client:
            payload = {"texts": [f"order {i} has not arrived"]}
            return client.post("/v1/embed", json=payload, headers=auth(keys["read"])).status_code

    one(-1)  # builds the encoder
    before = services.query_encoder.batches
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(one, range(64)))
    assert codes == [200] * 64
    assert services.query_encoder.batches - before < 64


def test_bad_embed_bodies_name_the_field(http: httpx.Client, keys: dict[str, str]) -> None:
    empty = http.post("/v1/embed", json={"texts": []}, headers=auth(keys["read"]))
    assert empty.status_code == 422 and empty.json()["error"]["details"][0]["field"] == "texts"
    wrong = http.post("/v1/embed", json={"texts": ["ok", 5]}, headers=auth(keys["read"]))
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "texts.1"
