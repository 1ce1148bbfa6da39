"""The demo shop's pages and its two shells (shop and admin), written as node specs.

A spec is a tree of tuples; `pages.Site` turns it into rrweb nodes with ids and
collects the elements that carry a key (the ones recordings click or type into).
"""

from __future__ import annotations

# The SDK masks all page text by default (`maskAllText`); the shop opts its buttons and links
# out with `replayIntegration({unmask: ['[data-sentry-unmask]']})`, which the SDK turns into
# rrweb's unmask selector (getsentry/sentry-javascript
# packages/replay-internal/src/util/getPrivacyOptions.ts).
UNMASK = {"data-sentry-unmask": ""}

# A node spec: (tag, attributes, text-or-children, key-or-None, goes-to-page-or-None)
Spec = tuple[str, dict[str, str], "str | list[Spec] | None", str | None, str | None]


def _el(
    tag: str,
    attrs: dict[str, str] | None = None,
    content: str | list[Spec] | None = None,
    key: str | None = None,
    goes_to: str | None = None,
) -> Spec:
    return (tag, attrs or {}, content, key, goes_to)


def _btn(key: str, text: str, goes_to: str | None = None, **attrs: str) -> Spec:
    return _el("button", {**_attrs(attrs), **UNMASK}, text, key, goes_to)


def _link(key: str, text: str, goes_to: str | None = None, **attrs: str) -> Spec:
    return _el("a", {**_attrs(attrs), **UNMASK}, text, key, goes_to)


def _input(key: str, **attrs: str) -> Spec:
    return _el("input", _attrs(attrs), None, key)


def _attrs(attrs: dict[str, str]) -> dict[str, str]:
    renames = {"cls": "class", "testid": "data-testid", "component": "data-sentry-component"}
    out: dict[str, str] = {}
    for k, v in attrs.items():
        name = renames.get(k, k.replace("_", "-"))
        out[name] = v
    return out


# (name, route, title, content) of every page; the order fixes each page's node ids.
SHOP_PAGES: list[tuple[str, str, str, list[Spec]]] = [
    ("home", "/", "Acme Shop", [
        _el("h1", {}, "Summer sale"),
        _el("p", {"class": "lead"}, "Up to 40% off running gear"),
        _link("shop_now", "Shop now", "products", href="/products", cls="btn btn-primary"),
        _el("img", {"class": "hero-image", "alt": "Runners on a trail", "src": "/img/hero.jpg"}),
        _btn("close_banner", "×", None, cls="banner-close", aria_label="Close"),
    ]),
    ("products", "/products", "Products", [
        _el("h1", {}, "Products"),
        _input("filter_search", id="filter-search", type="search", placeholder="Filter"),
        _btn("filters", "Filters", None, cls="btn filter-toggle"),
        _link("product_1", "Trail Runner 2", "product_detail", href="/products/1042",
              cls="product-card"),
        _link("product_2", "City Sneaker", "product_detail", href="/products/1043",
              cls="product-card"),
        _link("product_3", "Rain Jacket", "product_detail", href="/products/1077",
              cls="product-card"),
        _btn("load_more", "Load more", None, cls="btn load-more", testid="load-more"),
    ]),
    ("product_detail", "/products/:id", "Product", [
        _el("h1", {"class": "product-name"}, "Trail Runner 2"),
        _el("img", {"class": "product-image", "alt": "Trail Runner 2", "src": "/img/p/1042.jpg"}),
        _input("quantity", id="quantity", type="number", value="1"),
        _btn("add_to_cart", "Add to cart", None, id="add-to-cart", cls="btn btn-primary",
             testid="add-to-cart", component="AddToCartButton"),
        _link("size_guide", "Size guide", None, href="#size-guide", cls="size-guide"),
        _btn("wishlist", "♡", None, cls="wishlist", aria_label="Add to wishlist"),
        _link("go_cart", "View cart", "cart", href="/cart", cls="view-cart"),
    ]),
    ("cart", "/cart", "Your cart", [
        _el("h1", {}, "Your cart"),
        _el("ul", {"class": "cart-items"}, [_el("li", {"class": "cart-item"}, "Trail Runner 2")]),
        _btn("remove_item", "Remove", None, cls="remove-item"),
        _input("coupon", id="coupon-code", type="text", placeholder="Coupon code"),
        _btn("apply_coupon", "Apply", None, id="apply-coupon", cls="btn"),
        _btn("checkout", "Checkout", "checkout", id="checkout-button", cls="btn btn-primary",
             component="CheckoutButton"),
        _link("continue", "Continue shopping", "products", href="/products", cls="continue"),
    ]),
    ("checkout", "/checkout", "Checkout", [
        _el("h1", {}, "Checkout"),
        _el("form", {"id": "checkout-form"}, [
            _input("email", id="email", type="email", name="email"),
            _input("full_name", id="full-name", type="text", name="name"),
            _input("address", id="address", type="text", name="address"),
            _input("card_number", id="card-number", type="text", name="card"),
            _input("card_expiry", id="card-expiry", type="text", name="expiry"),
            _input("card_cvc", id="card-cvc", type="text", name="cvc"),
            _btn("pay_now", "Pay now", "checkout_success", id="pay-now", cls="btn btn-primary",
                 type="submit", testid="pay-now", component="PayNowButton"),
        ]),
        _link("back_to_cart", "Back to cart", "cart", href="/cart", cls="back-to-cart"),
    ]),
    ("checkout_success", "/checkout/success", "Thank you", [
        _el("h1", {}, "Thank you!"),
        _el("p", {}, "Your order is on its way."),
        _link("keep_shopping", "Continue shopping", "products", href="/products", cls="btn"),
    ]),
    ("account", "/account", "Sign in", [
        _el("form", {"id": "login-form"}, [
            _input("login_email", id="login-email", type="email"),
            _input("login_password", id="login-password", type="password"),
            _btn("sign_in", "Sign in", "products", id="sign-in", cls="btn btn-primary"),
        ]),
        _link("forgot", "Forgot password?", None, href="/account/reset", cls="forgot-password"),
    ]),
    ("admin_orders", "/admin/orders", "Orders", [
        _el("h1", {}, "Orders"),
        _input("order_search", id="order-search", type="search"),
        _link("order_1", "#58121", "admin_order_detail", href="/admin/orders/58121",
              cls="order-link"),
        _link("order_2", "#58133", "admin_order_detail", href="/admin/orders/58133",
              cls="order-link"),
        _btn("export_csv", "Export CSV", None, id="export-csv", cls="btn"),
        _link("to_customers", "Customers", "admin_customers", href="/admin/customers",
              cls="side-link"),
        _link("to_reports", "Reports", "admin_reports", href="/admin/reports", cls="side-link"),
    ]),
    ("admin_order_detail", "/admin/orders/:id", "Order", [
        _el("h1", {}, "Order"),
        _btn("refund", "Refund", None, id="refund-order", cls="btn btn-danger", role="button"),
        _btn("resend", "Resend receipt", None, id="resend-receipt", cls="btn"),
        _link("back_orders", "Back to orders", "admin_orders", href="/admin/orders", cls="back"),
    ]),
    ("admin_customers", "/admin/customers", "Customers", [
        _el("h1", {}, "Customers"),
        _input("customer_search", id="customer-search", type="search"),
        _btn("next_page", "Next", None, cls="page-next", aria_label="Next page"),
        _link("back_orders2", "Orders", "admin_orders", href="/admin/orders", cls="side-link"),
    ]),
    ("admin_reports", "/admin/reports", "Reports", [
        _el("h1", {}, "Reports"),
        _btn("generate_report", "Generate report", None, id="generate-report",
             cls="btn btn-primary", title="Generate"),
        _link("back_orders3", "Orders", "admin_orders", href="/admin/orders", cls="side-link"),
    ]),
]  # fmt: skip


# The shop's stylesheet, in a <style> of the document (rrweb records its text as the style
# element's text node with `isStyle`: rrweb-io/rrweb packages/rrweb-snapshot/src/snapshot.ts).
# No url(…): a replay of the demo loads nothing.
SHOP_CSS = (
    "body{margin:0;font:15px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1d2330}"
    ".navbar{display:flex;gap:20px;align-items:center;padding:14px 32px;background:#1f2a44}"
    ".navbar a{color:#fff;text-decoration:none}.logo{font-weight:700;font-size:20px;"
    "margin-right:auto}main#content{padding:28px 32px}.page{background:#fff;padding:28px;"
    "border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.12);max-width:880px}"
    "h1{margin:0 0 16px;font-size:26px}p{color:#4b5563}.btn{display:inline-block;"
    "padding:10px 18px;margin:6px 8px 6px 0;border:0;border-radius:6px;background:#e5e7eb;"
    "color:#1d2330;text-decoration:none}.btn-primary{background:#6d28d9;color:#fff}"
    ".btn-danger{background:#dc2626;color:#fff}input{display:block;width:320px;"
    "padding:9px 11px;margin:8px 0;border:1px solid #cbd5e1;border-radius:6px}"
    "img{display:block;width:100%;max-width:420px;height:160px;background:#dbe4f0;"
    "border-radius:8px;margin:12px 0}.product-card{display:inline-block;width:170px;"
    "margin:8px 12px 8px 0;padding:14px;border:1px solid #e2e8f0;border-radius:8px;"
    "color:#1d2330;text-decoration:none}"
)
ADMIN_CSS = SHOP_CSS.replace("#1f2a44", "#0f766e")


def shell_spec(admin: bool) -> Spec:
    """The document around a page: head, nav bar and an empty `main#content`."""
    if admin:
        links = [
            _link(
                "nav_orders",
                "Orders",
                "admin_orders",
                id="nav-orders",
                cls="nav-link",
                href="/admin/orders",
            ),
            _link(
                "nav_reports",
                "Reports",
                "admin_reports",
                id="nav-reports",
                cls="nav-link",
                href="/admin/reports",
            ),
        ]
    else:
        links = [
            _link(
                "nav_products",
                "Products",
                "products",
                id="nav-products",
                cls="nav-link",
                href="/products",
            ),
            _link("nav_cart", "Cart", "cart", id="nav-cart", cls="nav-link", href="/cart"),
            _link(
                "nav_account",
                "Account",
                "account",
                id="nav-account",
                cls="nav-link",
                href="/account",
            ),
        ]
    head = _el(
        "head",
        {},
        [
            _el("meta", {"charset": "utf-8"}),
            _el("title", {}, "Acme Shop"),
            _el("style", {}, ADMIN_CSS if admin else SHOP_CSS),
        ],
    )
    nav = _el(
        "nav", {"class": "navbar"}, [_el("a", {"class": "logo", "href": "/"}, "Acme"), *links]
    )
    body = _el("body", {}, [_el("div", {"id": "app"}, [nav, _el("main", {"id": "content"}, [])])])
    return _el("html", {"lang": "en"}, [head, body])


def page_spec(name: str, content: list[Spec]) -> Spec:
    """A page's content in its `div.page.page-<name>` wrapper."""
    return _el("div", {"class": f"page page-{name.replace('_', '-')}"}, content)
