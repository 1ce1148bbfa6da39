"""The story replay: products, cart, checkout, "Pay now" fails, then a rage click.

Its plan is written out by hand, so the README's example and the tests can
rely on fixed times, pages and errors.
"""

from __future__ import annotations

import random

from .catalog import ISSUE_BY_KEY, WARNINGS, Issue
from .pages import ORIGIN, SITE
from .plans import Plan, PlanBuilder


def story_plan(rng: random.Random, new_vitals: bool) -> tuple[Plan, list[tuple[float, Issue]]]:
    """The known story: products -> cart -> checkout -> Pay now fails -> rage click."""
    b = PlanBuilder(rng, "checkout", new_vitals, mobile=False)
    pages = SITE.pages
    b.arrive(0.0, "products", "load")
    b.add(6.0, "input", "products", pages["products"].elements["filter_search"], chars=6)
    b.click(12.0, "products", pages["products"].elements["product_1"], 0)
    b.arrive(12.2, "product_detail", "push", number=1042)
    b.click(25.0, "product_detail", pages["product_detail"].elements["add_to_cart"], 1042)
    b.click(33.0, "product_detail", SITE.all_elements(pages["cart"])["nav_cart"], 1042)
    b.arrive(33.2, "cart", "push")
    b.click(48.0, "cart", pages["cart"].elements["checkout"], 0)
    b.arrive(48.2, "checkout", "push")
    form = pages["checkout"].elements
    for i, key in enumerate(["email", "full_name", "address", "card_number", "card_expiry"]):
        b.add(58.0 + 11 * i, "input", "checkout", form[key], chars=8 + 2 * i)
    b.add(112.0, "input", "checkout", form["card_cvc"], chars=3)
    # The incident, inside segment 5 ([118, 148)): click, failed order, error, rage click.
    pay = form["pay_now"]
    b.add(125.0, "click", "checkout", pay)
    b.fetch(125.1, "checkout", "POST", ORIGIN + "/api/orders", 500, 1.2)
    issue = ISSUE_BY_KEY["total"]
    b.console(126.4, "checkout", "error", issue.title, stack=issue.stack, issue="total")
    b.slow_click(130.0, "checkout", pay, 6)
    b.actions[-1].info["after_ms"] = 7600
    b.console(139.0, "checkout", "warning", WARNINGS[1])
    b.click(156.0, "checkout", form["back_to_cart"], 0)
    b.arrive(156.2, "cart", "push")
    b.click(171.0, "cart", pages["cart"].elements["checkout"], 0)
    b.arrive(171.2, "checkout", "push")
    b.add(190.0, "click", "checkout", pay)
    b.fetch(190.1, "checkout", "POST", ORIGIN + "/api/orders", 500, 1.1)
    b.console(191.3, "checkout", "error", issue.title, stack=issue.stack, issue="total")
    b.click(232.0, "checkout", SITE.all_elements(pages["checkout"])["nav_products"], 0)
    b.arrive(232.2, "products", "push")
    bounds = [0.0, 15.0, 35.0, 60.0, 90.0, 118.0, 148.0, 180.0, 215.0, 262.0]
    placed = [(126.4, issue), (191.3, issue)]
    return b.finish(bounds[-1], bounds), placed
