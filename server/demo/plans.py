"""Session plans: what a user does during a replay, as timed actions.

A plan is built once per replay when the data set is built (cheap: no rrweb yet).
The replay's summary fields (urls, clicks, dead/rage counts, errors) are derived
from it, and `recordings.py` renders it into rrweb segments on demand, so both
always agree.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from typing import Any

from .catalog import APPS, CLICK_FETCHES, INFOS, PAGE_FETCHES, WARNINGS, Issue
from .pages import ORIGIN, SITE, Element, Page


@dataclass
class Action:
    t: float  # seconds since the replay started
    kind: str  # load push click input fetch console slow vital mutations
    page: str
    el: Element | None = None
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class Visit:
    start: float
    end: float
    page: str
    url: str
    number: int  # the :id in the url, if any


@dataclass
class Plan:
    duration: float
    bounds: list[float]  # segment i covers [bounds[i], bounds[i+1]); empty => no segments
    actions: list[Action]
    visits: list[Visit]
    width: int
    height: int
    new_vitals: bool

    @property
    def segment_count(self) -> int:
        return max(0, len(self.bounds) - 1)

    def visit_at(self, t: float) -> Visit:
        starts = [v.start for v in self.visits]
        return self.visits[max(0, bisect.bisect_right(starts, t) - 1)]

    def actions_between(self, lo: float, hi: float) -> list[Action]:
        times = [a.t for a in self.actions]
        return self.actions[bisect.bisect_left(times, lo) : bisect.bisect_left(times, hi)]

    @property
    def urls(self) -> list[str]:
        return [a.info["url"] for a in self.actions if a.kind in ("load", "push")]

    @property
    def transactions(self) -> list[str]:
        seen: dict[str, None] = {}
        for visit in self.visits:
            seen[SITE.pages[visit.page].route] = None
        return list(seen)

    def clicks(self) -> list[Action]:
        return [a for a in self.actions if a.kind in ("click", "slow")]

    def dead_clicks(self) -> list[Action]:
        return [a for a in self.actions if a.kind == "slow" and is_dead(a)]

    def rage_clicks(self) -> list[Action]:
        return [a for a in self.dead_clicks() if a.info["count"] >= 5]

    def console(self, level: str) -> list[Action]:
        return [a for a in self.actions if a.kind == "console" and a.info["level"] == level]


def is_dead(action: Action) -> bool:
    el = action.el
    return (
        el is not None
        and action.info["end_reason"] == "timeout"
        and el.tag in ("a", "button", "input")
        and action.info["after_ms"] >= 7000
    )


def api_url(path: str, number: int) -> str:
    return ORIGIN + path.replace("{n}", str(number))


class PlanBuilder:
    """Accumulates actions; helpers keep the bookkeeping (visits, fetches) in one place."""

    def __init__(self, rng: random.Random, app: str, new_vitals: bool, mobile: bool) -> None:
        self.rng = rng
        self.app = app
        self.actions: list[Action] = []
        self.visits: list[Visit] = []
        self.new_vitals = new_vitals
        self.width, self.height = (390, 844) if mobile else rng.choice([(1440, 900), (1920, 1080)])

    def number_for(self, page: str) -> int:
        if page == "product_detail":
            return self.rng.randint(1001, 1099)
        if page == "admin_order_detail":
            return self.rng.randint(58000, 58999)
        return 0

    def add(self, t: float, kind: str, page: str, el: Element | None = None, **info: Any) -> None:
        self.actions.append(Action(round(t, 3), kind, page, el, info))

    def arrive(self, t: float, page: str, kind: str, number: int | None = None) -> Visit:
        if number is None:
            number = self.number_for(page)
        url = ORIGIN + SITE.pages[page].path_for(number)
        previous = self.visits[-1] if self.visits else None
        if previous:
            previous.end = t
        visit = Visit(t, t, page, url, number)
        self.visits.append(visit)
        if kind == "load" or previous is None:
            self.add(t, "load", page, url=url)
            if t == 0 or self.rng.random() < 0.5:
                self.vitals(t)
        else:
            self.add(t, "push", page, url=url, previous=previous.url, prev_page=previous.page)
        for i, (method, path, status) in enumerate(PAGE_FETCHES.get(page, [])):
            self.fetch(t + 0.15 + 0.2 * i, page, method, api_url(path, number), status)
        return visit

    def fetch(
        self, t: float, page: str, method: str, url: str, status: int, duration: float = 0.0
    ) -> None:
        rng = self.rng
        if not duration:
            duration = rng.uniform(0.04, 0.6)
        op = "resource.xhr" if page.startswith("admin") else "resource.fetch"
        req = rng.randint(80, 900) if method in ("POST", "PUT", "PATCH") else 0
        resp = rng.randint(120, 48000)
        if status == 204 or status == 0:
            resp = 0
        elif status >= 400:
            resp = rng.randint(40, 400)
        self.add(
            t,
            "fetch",
            page,
            op=op,
            method=method,
            url=url,
            status=status,
            duration=round(duration, 3),
            req=req,
            resp=resp,
        )

    def vitals(self, t: float) -> None:
        rng = self.rng
        lcp = rng.choice([rng.uniform(700, 2400), rng.uniform(2500, 4000), rng.uniform(4100, 6500)])
        cls = rng.choice([rng.uniform(0.0, 0.09), rng.uniform(0.1, 0.24), rng.uniform(0.26, 0.5)])
        self.add(
            t + rng.uniform(0.8, 2.5),
            "vital",
            self.visits[-1].page,
            name="largest-contentful-paint",
            value=round(lcp, 1),
            rating=_rating(lcp, 2500, 4000),
        )
        self.add(
            t + rng.uniform(2.6, 4.0),
            "vital",
            self.visits[-1].page,
            name="cumulative-layout-shift",
            value=round(cls, 4),
            rating=_rating(cls, 0.1, 0.25),
        )

    def click(self, t: float, page: str, el: Element, number: int) -> None:
        self.add(t, "click", page, el)
        spec = CLICK_FETCHES.get(el.key)
        if spec:
            method, path, status, slow = spec
            duration = self.rng.uniform(3.2, 8.5) if slow else 0.0
            self.fetch(t + 0.05, page, method, api_url(path, number), status, duration)

    def slow_click(self, t: float, page: str, el: Element, count: int, dead: bool = True) -> None:
        after = self.rng.randint(7000, 9500) if dead else self.rng.randint(2500, 6000)
        reason = "timeout" if dead else "mutation"
        self.add(t, "slow", page, el, count=count, after_ms=after, end_reason=reason)

    def console(self, t: float, page: str, level: str, message: str, **extra: Any) -> None:
        self.add(t, "console", page, level=level, message=message, **extra)

    def finish(self, duration: float, bounds: list[float]) -> Plan:
        if self.visits:
            self.visits[-1].end = duration
        self.actions = [a for a in self.actions if a.t < duration - 0.05]
        self.actions.sort(key=lambda a: a.t)
        return Plan(
            duration, bounds, self.actions, self.visits, self.width, self.height, self.new_vitals
        )


def _rating(value: float, good: float, poor: float) -> str:
    return "good" if value <= good else ("needs-improvement" if value <= poor else "poor")


@dataclass
class Wishes:
    """What a random replay should contain besides browsing."""

    issues: list[Issue]
    warnings: int
    infos: int
    dead: int
    rage: int
    landing: str


def random_plan(
    rng: random.Random,
    app: str,
    bounds: list[float],
    wishes: Wishes,
    new_vitals: bool,
    mobile: bool,
) -> tuple[Plan, list[tuple[float, Issue]]]:
    """A random walk through the app's pages; returns the plan and the placed errors."""
    duration = bounds[-1] if len(bounds) > 1 else rng.uniform(5, 30)
    b = PlanBuilder(rng, app, new_vitals, mobile)
    pages = APPS[app]
    t = 0.0
    visit = b.arrive(0.0, wishes.landing, "load")
    while True:
        end = min(t + rng.uniform(10, 75), duration - 0.5)
        last = duration - end < 6.0
        if last:
            end = duration - 0.3
        page = SITE.pages[visit.page]
        _browse(b, page, visit, t + 1.5, end - 1.0)
        if last:
            break
        all_els = SITE.all_elements(page)
        nav = [e for e in all_els.values() if e.goes_to in pages]
        if nav and rng.random() < 0.9:
            el = rng.choice(nav)
            b.click(end, page.name, el, visit.number)
            visit = b.arrive(end + 0.2, str(el.goes_to), "push")
        else:
            visit = b.arrive(end + 0.2, rng.choice(pages), "load")
        t = end + 0.2
    b.visits[-1].end = duration - 0.3
    placed = _place_extras(b, wishes)
    return b.finish(duration, bounds), placed


def _browse(b: PlanBuilder, page: Page, visit: Visit, lo: float, hi: float) -> None:
    rng = b.rng
    if hi - lo < 1:
        return
    local = [e for e in page.elements.values() if not e.goes_to]
    for _ in range(rng.randint(0, 3)):
        if not local:
            return
        el = rng.choice(local)
        t = rng.uniform(lo, hi)
        if el.is_input:
            b.add(t, "input", page.name, el, chars=rng.randint(3, 18))
        else:
            b.click(t, page.name, el, visit.number)
    if rng.random() < 0.08:
        b.add(rng.uniform(lo, hi), "mutations", page.name, count=rng.randint(1200, 4000))


def _clickables(page: Page) -> list[Element]:
    return [e for e in page.elements.values() if e.tag in ("a", "button") and not e.goes_to]


def _spot(b: PlanBuilder, visits: list[Visit]) -> tuple[Visit, float]:
    visit = b.rng.choice(visits)
    lo, hi = visit.start + 0.8, max(visit.start + 0.9, visit.end - 0.8)
    return visit, b.rng.uniform(lo, hi)


def _place_extras(b: PlanBuilder, wishes: Wishes) -> list[tuple[float, Issue]]:
    """Add the wished errors, console messages and slow clicks; returns the placed errors."""
    placed = _place_errors(b, wishes.issues)
    _place_console(b, "warning", wishes.warnings, WARNINGS)
    _place_console(b, "info", wishes.infos, INFOS)
    _place_slow_clicks(b, wishes)
    return placed


def _place_errors(b: PlanBuilder, issues: list[Issue]) -> list[tuple[float, Issue]]:
    """Each issue's error (after its failed request, if any) on a visit of its page."""
    placed: list[tuple[float, Issue]] = []
    for issue in issues:
        where = [v for v in b.visits if issue.page in (None, v.page)]
        if not where:
            continue
        visit, t = _spot(b, where)
        if issue.key == "cart500":
            b.fetch(t - 0.4, visit.page, "GET", ORIGIN + "/api/cart", 500, 0.3)
        elif issue.key == "fetch":
            b.fetch(t - 0.2, visit.page, "GET", ORIGIN + "/api/recommendations", 0, 0.1)
        b.console(t, visit.page, "error", issue.title, stack=issue.stack, issue=issue.key)
        placed.append((t, issue))
    return placed


def _place_console(b: PlanBuilder, level: str, count: int, messages: list[str]) -> None:
    for _ in range(count):
        visit, t = _spot(b, b.visits)
        b.console(t, visit.page, level, b.rng.choice(messages))


def _place_slow_clicks(b: PlanBuilder, wishes: Wishes) -> None:
    """Rage clicks, then dead clicks, then now and then one slow click that is neither."""
    rng = b.rng
    with_targets = [v for v in b.visits if _clickables(SITE.pages[v.page])]
    for i in range(wishes.dead + wishes.rage + (1 if rng.random() < 0.15 else 0)):
        if not with_targets:
            break
        visit, t = _spot(b, with_targets)
        el = rng.choice(_clickables(SITE.pages[visit.page]))
        if i < wishes.rage:
            b.slow_click(t, visit.page, el, rng.randint(5, 9))
        elif i < wishes.rage + wishes.dead:
            b.slow_click(t, visit.page, el, rng.randint(1, 3))
        else:
            b.slow_click(t, visit.page, el, 1, dead=False)
