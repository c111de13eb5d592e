"""Expression workloads (a)-(l): one definition per workload, the same data for every engine.

Each workload carries the feelish text, the hand-written Python floor as lambda source (the same
source is handed to CPython's ``compile()`` as the parse+compile reference), and the text for each
peer that can express it.  A peer that cannot gets a reason instead of a text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from . import data

#: globals of the hand-written lambdas (what a Python programmer would import)
PY_GLOBALS = {"date": date, "timedelta": timedelta}


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    variables: dict
    python: str                      # `lambda v: ...` source: the floor, and CPython's compile() input
    feelish: str
    texts: dict = field(default_factory=dict)     # peer name -> expression text
    cannot: dict = field(default_factory=dict)    # peer name -> why it cannot express the workload


# NB: in FEEL a context entry shadows a variable of the same name for later entries, so no
# entry here is named like a variable it reads (an entry `region` would change `label`).
def _l_feel() -> str:
    return """{
  reference: "ORD-" + string(order.id) + "-" + order.currency,
  customer: order.customer.first + " " + order.customer.last,
  total: order.subtotal + order.shipping - order.discount,
  needsApproval: order.subtotal + order.shipping - order.discount > limit,
  tier: if order.customer.tier = "gold" then 3 else if order.customer.tier = "silver" then 2 else 1,
  loyaltyYears: year - order.customer.since,
  loyal: year - order.customer.since >= 10 and order.customer.tier != "bronze",
  freeShipping: order.subtotal >= 1000 or order.customer.tier = "gold",
  regionName: if region = "emea" then "Europe" else "Rest of world",
  lineFee: order.lines * 2 + 5,
  label: order.customer.last + "/" + region + "/" + string(year),
  priority: if order.subtotal > 2000 then "high" else if order.subtotal > 500 then "normal" else "low",
  net: (order.subtotal - order.discount) * 100,
  currencyOk: order.currency = "EUR" or order.currency = "USD",
  linesLeft: 10 - order.lines
}"""


def _l_python() -> str:
    return """lambda v: {
  "reference": "ORD-" + str(v["order"]["id"]) + "-" + v["order"]["currency"],
  "customer": v["order"]["customer"]["first"] + " " + v["order"]["customer"]["last"],
  "total": v["order"]["subtotal"] + v["order"]["shipping"] - v["order"]["discount"],
  "needsApproval": v["order"]["subtotal"] + v["order"]["shipping"] - v["order"]["discount"] > v["limit"],
  "tier": 3 if v["order"]["customer"]["tier"] == "gold" else (2 if v["order"]["customer"]["tier"] == "silver" else 1),
  "loyaltyYears": v["year"] - v["order"]["customer"]["since"],
  "loyal": v["year"] - v["order"]["customer"]["since"] >= 10 and v["order"]["customer"]["tier"] != "bronze",
  "freeShipping": v["order"]["subtotal"] >= 1000 or v["order"]["customer"]["tier"] == "gold",
  "regionName": "Europe" if v["region"] == "emea" else "Rest of world",
  "lineFee": v["order"]["lines"] * 2 + 5,
  "label": v["order"]["customer"]["last"] + "/" + v["region"] + "/" + str(v["year"]),
  "priority": "high" if v["order"]["subtotal"] > 2000 else ("normal" if v["order"]["subtotal"] > 500 else "low"),
  "net": (v["order"]["subtotal"] - v["order"]["discount"]) * 100,
  "currencyOk": v["order"]["currency"] == "EUR" or v["order"]["currency"] == "USD",
  "linesLeft": 10 - v["order"]["lines"]
}"""


def _l_simpleeval() -> str:
    return """{
  "reference": "ORD-" + str(order["id"]) + "-" + order["currency"],
  "customer": order["customer"]["first"] + " " + order["customer"]["last"],
  "total": order["subtotal"] + order["shipping"] - order["discount"],
  "needsApproval": order["subtotal"] + order["shipping"] - order["discount"] > limit,
  "tier": 3 if order["customer"]["tier"] == "gold" else (2 if order["customer"]["tier"] == "silver" else 1),
  "loyaltyYears": year - order["customer"]["since"],
  "loyal": year - order["customer"]["since"] >= 10 and order["customer"]["tier"] != "bronze",
  "freeShipping": order["subtotal"] >= 1000 or order["customer"]["tier"] == "gold",
  "regionName": "Europe" if region == "emea" else "Rest of world",
  "lineFee": order["lines"] * 2 + 5,
  "label": order["customer"]["last"] + "/" + region + "/" + str(year),
  "priority": "high" if order["subtotal"] > 2000 else ("normal" if order["subtotal"] > 500 else "low"),
  "net": (order["subtotal"] - order["discount"]) * 100,
  "currencyOk": order["currency"] == "EUR" or order["currency"] == "USD",
  "linesLeft": 10 - order["lines"]
}"""


def _l_cel() -> str:
    return """{
  "reference": "ORD-" + string(order.id) + "-" + order.currency,
  "customer": order.customer.first + " " + order.customer.last,
  "total": order.subtotal + order.shipping - order.discount,
  "needsApproval": order.subtotal + order.shipping - order.discount > limit,
  "tier": order.customer.tier == "gold" ? 3 : (order.customer.tier == "silver" ? 2 : 1),
  "loyaltyYears": year - order.customer.since,
  "loyal": year - order.customer.since >= 10 && order.customer.tier != "bronze",
  "freeShipping": order.subtotal >= 1000 || order.customer.tier == "gold",
  "regionName": region == "emea" ? "Europe" : "Rest of world",
  "lineFee": order.lines * 2 + 5,
  "label": order.customer.last + "/" + region + "/" + string(year),
  "priority": order.subtotal > 2000 ? "high" : (order.subtotal > 500 ? "normal" : "low"),
  "net": (order.subtotal - order.discount) * 100,
  "currencyOk": order.currency == "EUR" || order.currency == "USD",
  "linesLeft": 10 - order.lines
}"""


NO_ARITH_JP = "no arithmetic and no conditional operator in JMESPath"
BK_NO_IF = "no if-then-else in its grammar"


def workloads() -> list[Workload]:
    body = data.response_body()
    return [
        Workload(
            "a", "4-entry query-parameter context (literals + variables)",
            {"query": "red shoes", "page": 3, "region": "emea"},
            'lambda v: {"q": v["query"], "page": v["page"], "limit": 50, "format": "json"}',
            '{q: query, page: page, limit: 50, format: "json"}',
            texts={
                "simpleeval": '{"q": query, "page": page, "limit": 50, "format": "json"}',
                "jmespath": "{q: query, page: page, limit: `50`, format: 'json'}",
                "cel-python": '{"q": query, "page": page, "limit": 50, "format": "json"}',
                "bkflow-feel": '{q: query, page: page, limit: 50, format: "json"}',
            }),
        Workload(
            "b", "result context: 3 nested paths out of a 2 KB response, 1-based index",
            {"response": {"status": 200, "body": body}},
            'lambda v: {"id": v["response"]["body"]["data"]["id"], '
            '"firstTag": v["response"]["body"]["data"]["tags"][0], '
            '"city": v["response"]["body"]["data"]["owner"]["address"]["city"]}',
            "{id: response.body.data.id, firstTag: response.body.data.tags[1], "
            "city: response.body.data.owner.address.city}",
            texts={
                "simpleeval": '{"id": response["body"]["data"]["id"], '
                              '"firstTag": response["body"]["data"]["tags"][0], '
                              '"city": response["body"]["data"]["owner"]["address"]["city"]}',
                "jmespath": "{id: response.body.data.id, firstTag: response.body.data.tags[0], "
                            "city: response.body.data.owner.address.city}",
                "cel-python": '{"id": response.body.data.id, "firstTag": response.body.data.tags[0], '
                              '"city": response.body.data.owner.address.city}',
            },
            cannot={"bkflow-feel": "a list index applies only to a bare variable, not to a path"}),
        Workload(
            "c", "string concatenation with a conversion",
            {"orderId": 12345, "customer": {"name": "Ada"}},
            'lambda v: "Order " + str(v["orderId"]) + " for " + v["customer"]["name"]',
            '"Order " + string(orderId) + " for " + customer.name',
            texts={
                "simpleeval": '"Order " + str(orderId) + " for " + customer["name"]',
                "jmespath": "join('', ['Order ', to_string(orderId), ' for ', customer.name])",
                "cel-python": '"Order " + string(orderId) + " for " + customer.name',
                # its grammar has one `+` per level: the chain needs explicit parentheses
                "bkflow-feel": '(("Order " + string(orderId)) + " for ") + customer.name',
            }),
        Workload(
            "d", "arithmetic, comparison and if-then-else",
            {"price": 19.99, "quantity": 7, "discountLimit": 100},
            'lambda v: v["price"] * v["quantity"] * 0.9 if v["price"] * v["quantity"] >= '
            'v["discountLimit"] else v["price"] * v["quantity"]',
            "if price * quantity >= discountLimit then price * quantity * 0.9 else price * quantity",
            texts={
                "simpleeval": "price * quantity * 0.9 if price * quantity >= discountLimit "
                              "else price * quantity",
                # CEL never mixes int and double: explicit conversions
                "cel-python": "price * double(quantity) >= double(discountLimit) ? "
                              "price * double(quantity) * 0.9 : price * double(quantity)",
            },
            cannot={"jmespath": NO_ARITH_JP, "bkflow-feel": BK_NO_IF}),
        Workload(
            "e", "filter 100 contexts by a predicate, project a field",
            {"orders": data.orders(100)},
            'lambda v: [o["id"] for o in v["orders"] if o["status"] == "open" and o["total"] > 100]',
            'orders[status = "open" and total > 100].id',
            texts={
                "simpleeval": '[o["id"] for o in orders if o["status"] == "open" and o["total"] > 100]',
                "jmespath": "orders[?status == 'open' && total > `100`].id",
                "cel-python": 'orders.filter(o, o.status == "open" && o.total > 100).map(o, o.id)',
            },
            cannot={"bkflow-feel": "no projection of a field over a (filtered) list"}),
        Workload(
            "f", "for x in 1..100 return x * 2",
            {},
            "lambda v: [x * 2 for x in range(1, 101)]",
            "for x in 1..100 return x * 2",
            texts={"simpleeval": "[x * 2 for x in range(1, 101)]"},
            cannot={"jmespath": "no ranges and no arithmetic",
                    "cel-python": "no range constructor (only macros over existing lists)",
                    "bkflow-feel": "no for expression"}),
        Workload(
            "g", "some / every over 100 items",
            {"scores": [(i * 13) % 98 for i in range(100)]},
            'lambda v: [any(x > 98 for x in v["scores"]), all(x >= 0 for x in v["scores"])]',
            "[some x in scores satisfies x > 98, every x in scores satisfies x >= 0]",
            texts={
                "simpleeval": "[any([x > 98 for x in scores]), all([x >= 0 for x in scores])]",
                "jmespath": "[length(scores[?@ > `98`]) > `0`, length(scores[?@ < `0`]) == `0`]",
                "cel-python": "[scores.exists(x, x > 98), scores.all(x, x >= 0)]",
            },
            cannot={"bkflow-feel": "some/every iterate over list literals only"}),
        Workload(
            "h", "string built-ins",
            {"name": "Ada Lovelace", "email": "ada@example.com"},
            'lambda v: [v["name"].upper(), v["name"][0:3], "@" in v["email"], '
            'v["email"].startswith("ada"), len(v["name"])]',
            '[upper case(name), substring(name, 1, 3), contains(email, "@"), '
            'starts with(email, "ada"), string length(name)]',
            texts={"simpleeval": '[name.upper(), name[0:3], "@" in email, '
                                 'email.startswith("ada"), len(name)]'},
            cannot={"jmespath": "no upper-case or substring function",
                    "cel-python": "no upper-case or substring function in the standard library",
                    "bkflow-feel": "no upper case, substring or string length"}),
        Workload(
            "i", "3-level nested context from variables",
            {"customerId": 4411, "name": "Ada Lovelace", "street": "12 Analytical Row",
             "city": "London", "zip": "NW1"},
            'lambda v: {"customer": {"id": v["customerId"], "name": v["name"], "address": '
            '{"street": v["street"], "city": v["city"], "zip": v["zip"]}}, "source": "crm"}',
            '{customer: {id: customerId, name: name, address: {street: street, city: city, '
            'zip: zip}}, source: "crm"}',
            texts={
                "simpleeval": '{"customer": {"id": customerId, "name": name, "address": '
                              '{"street": street, "city": city, "zip": zip}}, "source": "crm"}',
                "jmespath": "{customer: {id: customerId, name: name, address: {street: street, "
                            "city: city, zip: zip}}, source: 'crm'}",
                "cel-python": '{"customer": {"id": customerId, "name": name, "address": '
                              '{"street": street, "city": city, "zip": zip}}, "source": "crm"}',
                "bkflow-feel": '{customer: {id: customerId, name: name, address: {street: street, '
                               'city: city, zip: zip}}, source: "crm"}',
            }),
        Workload(
            "j", "sum / count over 1,000 numbers",
            {"amounts": data.amounts(1000)},
            'lambda v: {"total": sum(v["amounts"]), "n": len(v["amounts"])}',
            "{total: sum(amounts), n: count(amounts)}",
            texts={
                "simpleeval": '{"total": sum(amounts), "n": len(amounts)}',
                "jmespath": "{total: sum(amounts), n: length(amounts)}",
            },
            cannot={"cel-python": "no sum aggregate in the standard library",
                    "bkflow-feel": "count() over list literals only; no sum"}),
        Workload(
            "k", "date plus duration",
            {"shipDate": "2026-01-25"},
            'lambda v: date.fromisoformat(v["shipDate"]) + timedelta(days=10)',
            'date(shipDate) + duration("P10D")',
            texts={"simpleeval": "date(shipDate) + timedelta(days=10)"},
            cannot={"jmespath": "no date type",
                    "cel-python": "no calendar date type (timestamps only)",
                    "bkflow-feel": "date() takes a literal string only; no durations"}),
        Workload(
            "l", "a ~1 KB expression (15-entry mapping)",
            {"order": {"id": 981, "lines": 4, "subtotal": 1250, "shipping": 45, "discount": 100,
                       "currency": "EUR",
                       "customer": {"first": "Ada", "last": "Lovelace", "tier": "gold",
                                    "since": 2015}},
             "limit": 1000, "year": 2026, "region": "emea"},
            _l_python(), _l_feel(),
            texts={"simpleeval": _l_simpleeval(), "cel-python": _l_cel()},
            cannot={"jmespath": NO_ARITH_JP, "bkflow-feel": BK_NO_IF}),
    ]
