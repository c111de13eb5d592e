"""The shared input data: every engine and the hand-written floor get the same objects."""
from __future__ import annotations

import json


def response_body() -> dict:
    """A ~2 KB JSON document shaped like a typical REST API response."""
    items = [
        {"sku": f"SKU-{i:04d}", "name": f"Item number {i}", "price": 9.5 + i, "qty": i % 4,
         "tags": ["catalog", f"group-{i % 3}"]}
        for i in range(17)
    ]
    return {
        "data": {
            "id": "ord-7f3a9c",
            "status": "confirmed",
            "tags": ["priority", "export", "fragile"],
            "owner": {"id": 4411, "name": "Ada Lovelace",
                      "address": {"street": "12 Analytical Row", "city": "London", "zip": "NW1"}},
            "items": items,
        },
        "meta": {"page": 1, "pages": 1, "requestId": "c0ffee-1234", "took": 12},
    }


def orders(n: int = 100) -> list[dict]:
    statuses = ("open", "closed", "pending", "open")
    return [{"id": f"o-{i}", "status": statuses[i % 4], "total": (i * 37) % 250,
             "customer": f"c-{i % 17}"} for i in range(n)]


def amounts(n: int = 1000) -> list[float]:
    return [round(((i * 7919) % 10000) / 100, 2) for i in range(n)]


def size_of(obj) -> int:
    return len(json.dumps(obj))
