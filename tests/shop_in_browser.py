"""The shop's session cookie against a forged cross-site form, in Chromium.

Not part of the plain `pytest` run (the name does not start with ``test_``):
``python -m nox -s browser`` runs it, with the same Chromium as the site's
checks (``tests/browser_harness.py``).

A user logs in to the shop on 127.0.0.1; then a page of another site (a
``data:`` URL, whose origin is opaque and so never the shop's site) submits
the product form to the shop on its own. The shop sets
``SESSION_COOKIE_SAMESITE = "Lax"``: Chromium leaves the cookie off that
POST, and the forged product is refused with a 401. The same attack with
Flask's default, no ``SameSite`` attribute, succeeds in the same browser: a
cookie without the attribute is sent with it (Chromium treats it as Lax, but
lets a cookie set less than two minutes earlier go with a top-level POST).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import shop
from local_server import serving
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_harness import chromium, open_page

FORGED = "Forged kettle"


def forged_form(shop_url: str) -> str:
    """Another site's page that posts the product form as soon as it loads."""
    return (
        "<!doctype html><title>Win a prize</title>"
        f'<form method="post" action="{shop_url}/shop/products/new">'
        f'<input name="name" value="{FORGED}"><input name="price" value="1">'
        "</form><script>document.forms[0].submit()</script>"
    )


def attack(samesite: Any) -> tuple[str, str, bool]:
    """Log in, let the forged page post; the cookie's attribute, the answer
    page's first heading, and whether the forged product was stored."""
    app = shop.create_app()
    app.config["SESSION_COOKIE_SAMESITE"] = samesite
    app.logger.disabled = True
    with serving(app, threads=2) as url:
        browser = chromium()
        try:
            open_page(browser, f"{url}/shop/products/")
            browser.execute_script(  # the user logs in on the shop's own site
                "const form = document.createElement('form');"
                "form.method = 'post'; form.action = arguments[0];"
                "const name = document.createElement('input');"
                "name.name = 'username'; name.value = 'ada';"
                "form.append(name); document.body.append(form); form.submit();",
                f"{url}/shop/login",
            )
            WebDriverWait(browser, 30).until(lambda b: '"ada"' in b.page_source)
            cookie = browser.get_cookie("session") or {}
            browser.get("data:text/html," + quote(forged_form(url)))
            WebDriverWait(browser, 30).until(
                lambda b: (
                    b.current_url.startswith(url)
                    and b.execute_script("return document.readyState") == "complete"
                )
            )
            heading = browser.execute_script(
                "return document.querySelector('h1').textContent"
            )
        finally:
            browser.quit()
        stored = FORGED in app.test_client().get("/shop/products/").text
    return str(cookie.get("sameSite")), heading, stored


def test_the_shop_sets_samesite_lax() -> None:
    app = shop.create_app()
    response = app.test_client().post("/shop/login", data={"username": "ada"})
    assert "SameSite=Lax" in response.headers["Set-Cookie"]


def test_a_forged_cross_site_form_arrives_logged_out() -> None:
    assert shop.create_app().config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert attack("Lax") == ("Lax", "Unauthorized", False)


def test_without_samesite_the_same_attack_succeeds() -> None:
    """The control: the defence is the attribute, not something else here."""
    app = shop.create_app()
    app.config["SESSION_COOKIE_SAMESITE"] = None  # Flask's default
    response = app.test_client().post("/shop/login", data={"username": "ada"})
    assert "samesite" not in response.headers["Set-Cookie"].lower()
    # chromedriver reports such a cookie as "Lax", the browser's default for it,
    # and yet sends it with the forged POST.
    assert attack(None) == ("Lax", FORGED, True)
