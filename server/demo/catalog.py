"""Fixed catalogues the data set draws from: issues, org members, people, browsers, fetches."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    key: str
    id: str  # numeric, as a string
    title: str
    page: str | None  # page the error happens on (None = anywhere)
    stack: str


ISSUES: list[Issue] = [
    Issue("total", "5102938471", "TypeError: Cannot read properties of undefined (reading 'total')",
          "checkout", "at OrderSummary (https://shop.acme.example/static/js/checkout.4f1a.js:212:31)"),
    Issue("chunk", "5102938472", "ChunkLoadError: Loading chunk 787 failed.", None,
          "at __webpack_require__.f.j (https://shop.acme.example/static/js/runtime.9c2e.js:1:5120)"),
    Issue("cart500", "5102938473", "Error: Failed to load cart (HTTP 500)", "cart",
          "at loadCart (https://shop.acme.example/static/js/cart.77b0.js:88:15)"),
    Issue("fetch", "5102938474", "TypeError: Failed to fetch", None,
          "at apiClient (https://shop.acme.example/static/js/main.1d3f.js:41:9)"),
    Issue("json", "5102938475",
          "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON", "products",
          "at JSON.parse (<anonymous>)"),
    Issue("hydration", "5102938476", "Error: Minified React error #418", "home",
          "at Za (https://shop.acme.example/static/js/framework.0a9b.js:9:44120)"),
    Issue("range", "5102938477", "RangeError: Invalid time value", "admin_reports",
          "at format (https://shop.acme.example/static/js/admin.5e21.js:310:22)"),
    Issue("refund", "5102938478", "Error: Refund failed: order already settled",
          "admin_order_detail", "at refundOrder (https://shop.acme.example/static/js/admin.5e21.js:128:11)"),
]  # fmt: skip
ISSUE_BY_KEY = {issue.key: issue for issue in ISSUES}

# Issue-platform (performance) issues: no error event carries them, so Sentry's replay-count
# finds their replays only with `data_source=search_issues` (the IssuePlatform dataset; see
# getsentry/sentry src/sentry/replays/usecases/replay_counts.py). Kept apart from ISSUES so
# that the random draws of the error data stay as they were.
PERFORMANCE_ISSUES: list[Issue] = [
    Issue("n_plus_one", "5102938480", "N+1 API Call", "product_detail",
          "GET /api/reviews?product={n}"),
]  # fmt: skip

WARNINGS = [
    'Warning: Each child in a list should have a unique "key" prop.',
    "ResizeObserver loop completed with undelivered notifications.",
    "[Deprecation] Listener added for a synchronous 'DOMNodeInserted' DOM Mutation Event.",
    "Slow network is detected. Fallback font will be used while loading.",
]
INFOS = ["[analytics] page_view queued", "[experiments] checkout_flow=v2", "[sw] cache refreshed"]

# Org members: (id, name, email). Member 0 owns the demo token, member 1 the read-only one.
MEMBERS: list[tuple[str, str, str]] = [
    ("1", "Demo Admin", "admin@acme.example"),
    ("2", "Riley Chen", "riley.chen@acme.example"),
    ("3", "Sam Patel", "sam.patel@acme.example"),
    ("4", "Jordan Brooks", "jordan.brooks@acme.example"),
    ("5", "Alex Kim", "alex.kim@acme.example"),
    ("6", "Morgan Lee", "morgan.lee@acme.example"),
]

FIRST_NAMES = [
    "maria", "james", "li", "fatima", "noah", "olivia", "lucas", "amara", "mateo", "sofia",
    "yuki", "ethan", "priya", "hannah", "omar", "chloe", "diego", "ava", "kenji", "zoe",
]  # fmt: skip
LAST_NAMES = [
    "lopez", "smith", "wang", "khan", "muller", "brown", "silva", "okafor", "rossi", "nguyen",
    "tanaka", "garcia", "patel", "johnson", "haddad", "martin", "fernandez", "kowalski",
]  # fmt: skip
GEOS: list[tuple[str, str, str, str]] = [
    ("San Francisco", "US", "United States", "CA"),
    ("New York", "US", "United States", "NY"),
    ("Austin", "US", "United States", "TX"),
    ("Berlin", "DE", "Germany", "BE"),
    ("London", "GB", "United Kingdom", "ENG"),
    ("Toronto", "CA", "Canada", "ON"),
    ("São Paulo", "BR", "Brazil", "SP"),
    ("Tokyo", "JP", "Japan", "13"),
    ("Sydney", "AU", "Australia", "NSW"),
    ("Madrid", "ES", "Spain", "MD"),
]

# (browser, versions, os name, os versions, device (name, brand, model, family), mobile)
PLATFORMS: list[tuple[str, list[str], str, list[str], tuple[str | None, ...], bool]] = [
    ("Chrome", ["124.0.0", "126.0.0", "127.0.0"], "Windows", ["10", "11"],
     (None, None, None, "Other"), False),
    ("Chrome", ["126.0.0", "127.0.0"], "Mac OS X", ["14.5", "13.6"],
     (None, "Apple", "Mac", "Mac"), False),
    ("Firefox", ["127.0", "128.0", "129.0"], "Windows", ["10", "11"],
     (None, None, None, "Other"), False),
    ("Firefox", ["128.0"], "Linux", ["6.5"], (None, None, None, "Other"), False),
    ("Safari", ["17.5", "17.4.1"], "Mac OS X", ["14.5"], (None, "Apple", "Mac", "Mac"), False),
    ("Mobile Safari", ["17.5", "17.4"], "iOS", ["17.5.1", "17.4"],
     ("iPhone", "Apple", "iPhone", "iPhone"), True),
    ("Chrome Mobile", ["127.0.0"], "Android", ["14", "13"],
     ("Samsung SM-S918B", "Samsung", "SM-S918B", "Samsung SM-S918B"), True),
    ("Edge", ["126.0.0", "127.0.0"], "Windows", ["10", "11"],
     (None, None, None, "Other"), False),
]  # fmt: skip

# Fetches each page makes when it appears: (method, path, usual status)
PAGE_FETCHES: dict[str, list[tuple[str, str, int]]] = {
    "home": [("GET", "/api/promotions", 200)],
    "products": [("GET", "/api/products?page=1", 200)],
    "product_detail": [("GET", "/api/products/{n}", 200), ("GET", "/api/reviews?product={n}", 200)],
    "cart": [("GET", "/api/cart", 200)],
    "checkout": [("GET", "/api/checkout/session", 200)],
    "checkout_success": [("GET", "/api/orders/latest", 200)],
    "account": [("GET", "/api/auth/session", 401)],
    "admin_orders": [("GET", "/api/admin/orders?status=open", 200)],
    "admin_order_detail": [("GET", "/api/admin/orders/{n}", 200)],
    "admin_customers": [("GET", "/api/admin/customers?page=1", 200)],
    "admin_reports": [("GET", "/api/admin/reports", 200)],
}
# Fetches a click starts: element key -> (method, path, usual status, slow)
CLICK_FETCHES: dict[str, tuple[str, str, int, bool]] = {
    "add_to_cart": ("POST", "/api/cart", 201, False),
    "apply_coupon": ("POST", "/api/cart/coupon", 422, False),
    "pay_now": ("POST", "/api/orders", 201, False),
    "sign_in": ("POST", "/api/auth/login", 200, False),
    "load_more": ("GET", "/api/products?page=2", 200, False),
    "remove_item": ("DELETE", "/api/cart/items/1", 204, False),
    "refund": ("POST", "/api/admin/orders/{n}/refund", 200, False),
    "resend": ("POST", "/api/admin/orders/{n}/receipt", 202, False),
    "export_csv": ("GET", "/api/admin/orders/export.csv", 200, True),
    "generate_report": ("POST", "/api/admin/reports", 202, True),
    "next_page": ("GET", "/api/admin/customers?page=2", 200, False),
}

APPS: dict[str, list[str]] = {
    "web-frontend": ["home", "products", "product_detail", "cart", "account"],
    "checkout": ["products", "product_detail", "cart", "checkout", "checkout_success"],
    "admin-dashboard": ["admin_orders", "admin_order_detail", "admin_customers", "admin_reports"],
}
LANDINGS: dict[str, list[str]] = {
    "web-frontend": ["home", "home", "products", "product_detail", "account"],
    "checkout": ["cart", "cart", "products", "product_detail"],
    "admin-dashboard": ["admin_orders", "admin_orders", "admin_reports", "admin_customers"],
}
