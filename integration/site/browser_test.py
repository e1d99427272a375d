#!/usr/bin/env python3
"""Drives the built site in headless Chromium, as a person would.

Builds the example registry and integration/site/hostile-registry with the given audreg binary, serves the
example site from 127.0.0.1 with python3 -m http.server, and checks, over file:// and http://:
every internal link (and its #anchor) resolves, search finds a service by a fragment of its audience
(with JavaScript) and the site stays usable without it, the token-flow picture is there, injected
markup does not execute, no console errors, landmarks, heading order, labels, contrast, the print
stylesheet and dark mode. Screenshots of the overview and a service page go to .artifacts/site/.
"""
import argparse
import html.parser
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service as ChromeService
from selenium.webdriver.common.by import By

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, ".artifacts", "site")
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)
    return condition


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src", "xlink:href"):
            if key in attrs and attrs[key] is not None:
                self.links.append((tag, attrs[key]))


def parse(path):
    parser = Links()
    with open(path, encoding="utf-8") as handle:
        parser.feed(handle.read())
    return parser


def check_links_on_disk(site):
    """Every internal link of every HTML page points at a file that exists, and at an id on it."""
    pages = {}
    for folder, _, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                pages[os.path.join(folder, name)] = parse(os.path.join(folder, name))
    checked = 0
    for page, parsed in sorted(pages.items()):
        for tag, link in parsed.links:
            scheme = urllib.parse.urlsplit(link).scheme
            if scheme in ("http", "https"):
                continue
            check(scheme in ("", "data"), f"{os.path.relpath(page, site)}: link with scheme '{scheme}': {link}")
            if scheme == "data":
                continue
            target, _, fragment = link.partition("#")
            path = os.path.normpath(os.path.join(os.path.dirname(page), urllib.parse.unquote(target))) if target else page
            check(path.startswith(site + os.sep), f"{os.path.relpath(page, site)}: link leaves the site: {link}")
            if not check(os.path.isfile(path), f"{os.path.relpath(page, site)}: broken link {link}"):
                continue
            if fragment and path.endswith(".html"):
                ids = pages[path].ids if path in pages else parse(path).ids
                check(fragment in ids, f"{os.path.relpath(page, site)}: missing anchor {link}")
            checked += 1
    md_checked = 0
    docs = os.path.join(site, "markdown", "docs")
    for folder, _, files in os.walk(docs):
        for name in files:
            if not name.endswith(".md"):
                continue
            page = os.path.join(folder, name)
            text = open(page, encoding="utf-8").read()
            for link in re.findall(r"\]\(([^)<>\s]+\.md(?:#[^)\s]*)?)\)", text):
                target = link.split("#")[0]
                check(os.path.isfile(os.path.normpath(os.path.join(folder, target))), f"markdown {os.path.relpath(page, site)}: broken link {link}")
                md_checked += 1
    print(f"links: {checked} HTML links on {len(pages)} pages and {md_checked} Markdown links resolve", flush=True)
    check(len(pages) > 20 and checked > 200, f"too few pages or links checked ({len(pages)}, {checked})")
    return sorted(pages)


def build(audreg, registry, out, *extra):
    result = subprocess.run([audreg, "build", registry, "--out", out, "--today", "2026-12-01", *extra],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout, result.stderr, file=sys.stderr)
        raise SystemExit(f"audreg build {registry} failed with {result.returncode}")


def driver(javascript=True):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                     "--allow-file-access-from-files"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def console_errors(browser):
    return [entry for entry in browser.get_log("browser") if entry.get("level") == "SEVERE"]


def no_alert(browser, where):
    try:
        alert = browser.switch_to.alert
        text = alert.text
        alert.dismiss()
        check(False, f"{where}: an injected script ran (alert '{text}')")
    except NoAlertPresentException:
        pass


def check_accessibility(browser, where):
    result = browser.execute_script("""
      const out = {};
      out.lang = document.documentElement.getAttribute('lang');
      out.main = document.querySelectorAll('main').length;
      out.header = document.querySelectorAll('body > header').length;
      out.footer = document.querySelectorAll('body > footer').length;
      out.nav = document.querySelectorAll('nav[aria-label]').length;
      out.title = document.title;
      const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
      out.levels = levels;
      out.unlabelled = [...document.querySelectorAll('input,select,textarea')].filter(el => {
        if (el.type === 'hidden') return false;
        if (el.getAttribute('aria-label')) return false;
        return !(el.id && document.querySelector('label[for="' + el.id + '"]'));
      }).map(el => el.outerHTML);
      out.svgs = [...document.querySelectorAll('svg')].filter(s => !(s.getAttribute('role') === 'img' && s.querySelector('title'))).length;
      out.printSheet = !!document.querySelector('link[rel=stylesheet][media=print]');
      return out;
    """)
    check(result["lang"] == "en", f"{where}: html has no lang")
    check(result["main"] == 1, f"{where}: expected one main landmark, found {result['main']}")
    check(result["header"] == 1 and result["footer"] == 1 and result["nav"] >= 1, f"{where}: missing banner, contentinfo or labelled nav")
    check(bool(result["title"]), f"{where}: no title")
    levels = result["levels"]
    check(levels[:1] == [1] and levels.count(1) == 1, f"{where}: headings must start with one h1: {levels[:5]}")
    for previous, current in zip(levels, levels[1:]):
        check(current <= previous + 1, f"{where}: heading level jumps from h{previous} to h{current}")
    check(not result["unlabelled"], f"{where}: form fields without labels: {result['unlabelled']}")
    check(result["svgs"] == 0, f"{where}: svg without role=img and title")
    check(result["printSheet"], f"{where}: no print stylesheet")


CONTRAST_JS = """
  function rgb(text) { const m = text.match(/[\\d.]+/g).map(Number); return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3); }
  function lum(c) { const v = c.map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
  function background(el) { while (el) { const c = rgb(getComputedStyle(el).backgroundColor); if (c) return c; el = el.parentElement; } return [255, 255, 255]; }
  const worst = [];
  for (const el of document.querySelectorAll('main p, main a, main td, main th, .badge, .muted, nav a, footer p')) {
    if (!el.offsetParent || !el.textContent.trim()) continue;
    const fg = rgb(getComputedStyle(el).color), bg = background(el);
    const a = lum(fg), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) worst.push(el.tagName + '.' + el.className + ' ' + ratio.toFixed(2));
  }
  return { worst: worst.slice(0, 5), bg: getComputedStyle(document.body).backgroundColor,
           navShown: getComputedStyle(document.querySelector('header nav')).display !== 'none' };
"""


STATE_SYMBOLS = {"met": ("✓", "Met"), "failing": ("✗", "Failing"), "excepted": ("E", "Excepted"), "not-assessed": ("?", "Not assessed")}


def check_control_states(audreg, work):
    """The four control states on the coverage matrix and on control pages, as a person (and a screen
    reader) meets them: the example built with its drift run has all four, each with its own symbol and
    label, not colour alone; built without a drift run, nothing a drift rule evidences is met."""
    drift = subprocess.run([audreg, "drift", "registry", "--offline", "Tests/Fixtures/drift/example-offline",
                            "--format", "json", "--today", "2026-12-01"], cwd=ROOT, capture_output=True, text=True)
    check(drift.returncode == 1, f"drift of the example exited {drift.returncode}, expected 1 (it finds the planted drift)")
    report = os.path.join(work, "drift.json")
    with open(report, "w", encoding="utf-8") as handle:
        handle.write(drift.stdout)
    with_drift = os.path.join(work, "site-drift")
    build(audreg, "registry", with_drift, "--drift-report", report, "--no-git-evidence")
    without = os.path.join(work, "site-no-drift")
    build(audreg, "registry", without, "--no-git-evidence")

    browser = driver()
    try:
        browser.get("file://" + with_drift + "/controls/index.html")
        cells = browser.execute_script("""
          return [...document.querySelectorAll('table.matrix tbody td')].map(td => ({
            state: td.className.replace('status-', ''), visible: td.querySelector('[aria-hidden]').innerText.trim(),
            label: td.querySelector('.visually-hidden') ? td.querySelector('.visually-hidden').textContent : '',
            title: td.title, background: getComputedStyle(td).backgroundColor }));
        """)
        seen = {}
        for cell in cells:
            seen.setdefault(cell["state"], cell)
        for state, (symbol, label) in STATE_SYMBOLS.items():
            cell = seen.get(state)
            if not check(cell is not None, f"matrix with drift: no cell is {state}"):
                continue
            check(cell["visible"] == symbol, f"matrix: a {state} cell shows '{cell['visible']}', expected '{symbol}'")
            check(cell["label"] == label and cell["title"] == label, f"matrix: a {state} cell is labelled '{cell['label']}'/'{cell['title']}', expected '{label}'")
        symbols = {cell["visible"] for cell in seen.values()}
        check(len(symbols) == len(seen), f"matrix: states share a symbol: {symbols}")
        legend = browser.find_element(By.ID, "matrix").text
        check(all(f"{symbol} {label.lower()}" in legend for symbol, label in STATE_SYMBOLS.values()), "matrix: the legend does not name every state")
        check(not console_errors(browser), "controls page with drift: console errors")
        browser.save_screenshot(os.path.join(ARTIFACTS, "controls-four-states.png"))

        # A control evidenced by drift rules: the failing service with its rule, the services that could
        # not be checked and why, and the evidence per rule with its run and date.
        browser.get("file://" + with_drift + "/controls/nist-csf-2-0/de-cm-09.html")
        text = browser.find_element(By.TAG_NAME, "main").text
        check("✗ Failing" in text and "storefront-gateway" in text, "DE.CM-09 with drift: the failing service is not shown with its state")
        check("? Not assessed" in text and "the service has no deployment to check" in text, "DE.CM-09 with drift: unassessed services lack their reason")
        check("2026-11-30T09:00:00Z" in text and "Ran for 4 of 12 services" in text, "DE.CM-09 with drift: evidence lacks its run, date and reach")
        row = browser.execute_script("""
          const link = [...document.querySelectorAll('main table a')].find(a => a.textContent === 'storefront-gateway');
          return link ? link.closest('tr').innerText : '';""")
        check("config-audience-broadened" in row, f"DE.CM-09: the failing row does not link its rule: {row}")
        browser.save_screenshot(os.path.join(ARTIFACTS, "control-de-cm-09.png"))
        browser.get("file://" + with_drift + "/controls/nist-csf-2-0/pr-aa-05.html")
        text = browser.find_element(By.TAG_NAME, "main").text
        check("E Excepted" in text and "orders-api" in text, "PR.AA-05 with drift: orders-api's exception is not shown as excepted")

        # Without a drift run nothing a drift rule evidences is met: the matrix column and the page say so.
        browser.get("file://" + without + "/controls/index.html")
        column = browser.execute_script("""
          const heads = [...document.querySelectorAll('table.matrix thead th')].map(th => th.textContent.trim());
          const index = heads.indexOf('DE.CM-09');
          return [...document.querySelectorAll('table.matrix tbody tr')].map(tr => tr.children[index].className);""")
        check(column and all(state == "status-not-assessed" for state in column), f"no drift: DE.CM-09 column is not all not assessed: {set(column)}")
        browser.get("file://" + without + "/controls/nist-csf-2-0/de-cm-09.html")
        text = browser.find_element(By.TAG_NAME, "main").text
        check("✓ 0 met" in text and "? 12 not assessed" in text and "no drift report was given" in text,
              "no drift: DE.CM-09 does not say 0 met, 12 not assessed and why")
        browser.get("file://" + without + "/index.html")
        check("Controls evidenced by drift rules are not assessed" in browser.find_element(By.TAG_NAME, "main").text,
              "no drift: the overview does not say drift-evidenced controls are not assessed")

        # The Enforcers page, reached from the navigation: every deployment with its audience check. With
        # the drift run the broadened gateway is listed with its rule; without one nothing is claimed checking.
        browser.get("file://" + with_drift + "/index.html")
        browser.find_element(By.CSS_SELECTOR, "header nav a[href='enforcers.html']").click()
        check(browser.current_url.endswith("/enforcers.html"), f"the navigation's Enforcers link goes to {browser.current_url}")
        check(browser.find_element(By.TAG_NAME, "h1").text == "Enforcers", "Enforcers page: no h1")
        rows = browser.execute_script("""
          return [...document.querySelectorAll('#checking-heading ~ div table.enforcement tbody tr')].map(tr => tr.innerText);""")
        gateway = [row for row in rows if row.startswith("storefront-gateway")]
        check(len(rows) == 4 and gateway and "envoy-jwt-authn" in gateway[0] and "accepts others too" in gateway[0]
              and "config-audience-broadened" in gateway[0] and "not checked: every audience passes" in gateway[0],
              f"Enforcers page with drift: the deployments and the broadened gateway are not listed as expected: {rows}")
        facts = browser.execute_script("return [...document.querySelectorAll('table.enforcer-table tbody tr')].length")
        check(facts >= 10, f"Enforcers page: the enforcer table has {facts} rows")
        check(not console_errors(browser), "Enforcers page: console errors")
        browser.save_screenshot(os.path.join(ARTIFACTS, "enforcers.png"))
        browser.get("file://" + with_drift + "/services/payments-api.html")
        section = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby='enforcement-heading']").text
        check("spring-boot" in section and "✓ Checks the audience" in section, f"payments-api: enforcement point not shown checking: {section}")
        browser.get("file://" + without + "/enforcers.html")
        text = browser.find_element(By.TAG_NAME, "main").text
        check("Not known: nothing was assessed." in text and "✓ Checks the audience" not in text and "? Not assessed" in text,
              "Enforcers page without drift: points are not all not assessed")
        browser.get("file://" + without + "/services/payments-api.html")
        section = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby='enforcement-heading']").text
        check("? Not assessed" in section and "not checked: every audience passes" in section,
              f"payments-api without drift: enforcement point not shown as not assessed with the omitted-audience default: {section}")
    finally:
        browser.quit()
    print("control states: matrix and control pages show met, failing, excepted and not assessed; the Enforcers page lists every deployment", flush=True)


SERVICE = """apiVersion: audreg/v1
kind: Service
metadata:
  name: {name}
  owner: team-a
  environment: production
  description: {description}
spec:
  audiences: [{audiences}]
  accepts:
    - issuer: idp
      tokenTypes: [at+jwt]
      algorithms: [RS256]
      maxLifetime: 15m
{extra}"""

BASE = """apiVersion: audreg/v1
kind: Issuer
metadata: {name: idp, owner: team-a, environment: production}
spec:
  issuer: https://id.example.com
  jwksUri: https://id.example.com/keys
  algorithms: [RS256]
---
apiVersion: audreg/v1
kind: Team
metadata: {name: team-a, title: Team A}
spec: {contact: "#team-a"}
"""


def check_history_and_links(audreg, work):
    """A registry in a git repository with real commits (the registry added, a widening, a neutral
    change, a narrowing; hostile author and subject), its remote in scp form: the trust-history page,
    each service's history, "Defined in", "Edit this file", findings linked to file and line, --title,
    a hostile --repo-url refused, and the token-flow legend's line as thick as the drawing's."""
    repo = os.path.join(work, "history-repo")
    registry = os.path.join(repo, "registry")
    os.makedirs(os.path.join(registry, "services"))

    def write(relative, text):
        with open(os.path.join(registry, relative), "w", encoding="utf-8") as handle:
            handle.write(text)

    def git(*arguments, date="2026-11-01T10:00:00Z", author=("Ada", "ada@example.com")):
        environment = dict(os.environ, GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1], GIT_COMMITTER_NAME="CI",
                           GIT_COMMITTER_EMAIL="ci@example.com", GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
        result = subprocess.run(["git", "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", *arguments], cwd=repo,
                                capture_output=True, text=True, env=environment)
        if result.returncode != 0:
            raise SystemExit(f"git {arguments} failed: {result.stderr}")
        return result.stdout.strip()

    git("init", "-q", "-b", "main")
    git("remote", "add", "origin", "git@github.com:acme/registry.git")
    write("base.yaml", BASE)
    write("services/alpha.yaml", SERVICE.format(name="alpha", description="Alpha.", audiences="https://alpha.example.com",
                                                extra="  downstream:\n    - {service: beta, mode: passthrough}\n"))
    write("services/beta.yaml", SERVICE.format(name="beta", description="Beta.", audiences="https://beta.example.com", extra=""))
    git("add", "-A")
    git("commit", "-q", "-m", "Add the registry")
    write("services/alpha.yaml", SERVICE.format(name="alpha", description="Alpha.", audiences="https://alpha.example.com, https://beta.example.com",
                                                extra="  downstream:\n    - {service: beta, mode: passthrough}\n"))
    git("commit", "-q", "-am", "<img src=x onerror=alert('subject')> widen alpha", date="2026-11-02T10:00:00Z",
        author=("Eve \"<svg onload=alert(1)>\" & Co", "eve@example.com"))
    write("services/beta.yaml", SERVICE.format(name="beta", description="Beta, described again.", audiences="https://beta.example.com", extra=""))
    git("commit", "-q", "-am", "Describe beta", date="2026-11-03T10:00:00Z", author=("Bob", "bob@example.com"))
    write("services/alpha.yaml", SERVICE.format(name="alpha", description="Alpha.", audiences="https://alpha.example.com",
                                                extra="  downstream:\n    - {service: beta, mode: passthrough}\n"))
    git("commit", "-q", "-am", "Narrow alpha again", date="2026-11-04T10:00:00Z")
    head = git("rev-parse", "HEAD")
    commits = git("log", "--format=%H").split()

    site = os.path.join(work, "history-site")
    title = "Acme <b>registry</b>"
    build(audreg, registry, site, "--fail-on", "never", "--layout", "built-in", "--title", title)
    for hostile_url in ("javascript:alert(1)", "https://github.com/acme/registry\"onmouseover=\"x?", "https://u:p@github.com/acme/registry"):
        refused = subprocess.run([audreg, "build", registry, "--out", os.path.join(work, "refused"), "--today", "2026-12-01", "--fail-on", "never",
                                  "--repo-url", hostile_url, "--ref", "main"], cwd=ROOT, capture_output=True, text=True)
        check(refused.returncode == 2 and not os.path.exists(os.path.join(work, "refused")), f"--repo-url {hostile_url!r}: exit {refused.returncode}, expected 2 and no site")

    browser = driver()
    try:
        browser.get("file://" + site + "/history.html")
        no_alert(browser, "trust history")
        check(browser.title == "Trust history · " + title, f"--title: the page title is {browser.title!r}")
        check(browser.find_element(By.CSS_SELECTOR, ".site-title a").text == title, "--title: the header does not show the title as text")
        rows = browser.execute_script("""
          return [...document.querySelectorAll('table.history tbody tr')].map(tr => ({
            kind: tr.className, cells: [...tr.children].map(td => td.innerText.trim()),
            commit: (tr.querySelector('a[href*="/commit/"]') || {}).href || '' }));""")
        kinds = [row["kind"] for row in rows]
        check(kinds[:1] == ["history-narrowing"], f"trust history: the newest row is not the narrowing: {kinds}")
        widen = [row for row in rows if row["kind"] == "history-widening" and row["commit"].endswith(commits[2])]
        if check(len(widen) == 1, f"trust history: one widening in the widening commit expected, got {[r['cells'] for r in rows]}"):
            cells = widen[0]["cells"]
            check(cells[1] == "Service/alpha" and "https://beta.example.com" in cells[2], f"trust history: the widening names alpha's new audience: {cells}")
            check("<img src=x onerror=alert('subject')>" in cells[3] and cells[4].startswith('Eve "') and cells[4].endswith('" & Co'), f"trust history: subject or author not shown as text: {cells}")
            check(cells[5].startswith("2026-11-02") and "audience-collision" in cells[6], f"trust history: date or introduced finding missing: {cells}")
            check(widen[0]["commit"] == "https://github.com/acme/registry/commit/" + commits[2], "trust history: the commit does not link to the code host")
        check(not any(row["commit"].endswith(commits[1]) for row in rows), "trust history: the neutral commit is listed as widening or narrowing")
        quiet = browser.execute_script("return [...document.querySelectorAll('table.quiet tbody tr')].map(tr => tr.innerText);")
        check(len(quiet) == 1 and "Describe beta" in quiet[0], f"trust history: the neutral commit is not under 'without a widening or narrowing': {quiet}")
        check(not browser.find_elements(By.CSS_SELECTOR, "main img, main svg[onload], [onerror]"), "trust history: git text reached the DOM as markup")
        check(not console_errors(browser), "trust history: console errors")
        browser.save_screenshot(os.path.join(ARTIFACTS, "trust-history.png"))

        browser.get("file://" + site + "/services/alpha.html")
        defined = browser.execute_script("""
          const dt = [...document.querySelectorAll('dt')].find(d => d.textContent === 'Defined in');
          return [...dt.nextElementSibling.querySelectorAll('a')].map(a => [a.textContent, a.href]);""")
        blob = f"https://github.com/acme/registry/blob/{head}/registry/services/alpha.yaml#L2"
        check(defined[:1] == [["services/alpha.yaml", blob]], f"Defined in: {defined}")
        check(["Edit this file", f"https://github.com/acme/registry/edit/{head}/registry/services/alpha.yaml"] in defined, f"Edit this file: {defined}")
        main = browser.find_element(By.TAG_NAME, "main").text
        check(f"2026-11-04T10:00:00+00:00 in commit {head[:12]}" in main, "service page: the file's last change is not shown with its commit")
        own = browser.execute_script("return [...document.querySelectorAll('#history-heading ~ div table.history tbody tr')].map(tr => tr.className);")
        check("history-widening" in own and "history-narrowing" in own, f"service page: alpha's own history lacks its widening and narrowing: {own}")
        findings = browser.execute_script("""
          return [...document.querySelectorAll('table.findings a[href^="https://"]')].map(a => a.href);""")
        check(findings and all(link.startswith(f"https://github.com/acme/registry/blob/{head}/registry/") and "#L" in link for link in findings),
              f"service page: findings do not link to file and line: {findings}")
        browser.save_screenshot(os.path.join(ARTIFACTS, "service-source-links.png"))

        # The legend's passthrough line is drawn as thick as the picture's passthrough arrow, and thicker than the rest.
        browser.get("file://" + site + "/token-flow.html")
        widths = browser.execute_script("""
          const width = el => parseFloat(getComputedStyle(el).strokeWidth);
          const legend = {}; document.querySelectorAll('.legend li').forEach(li => legend[li.dataset.mode] = [width(li.querySelector('line')), li.textContent]);
          const drawn = document.querySelector('svg.token-flow line.hop.passthrough');
          return {legend, drawn: drawn ? width(drawn) : null};""")
        legend = widths["legend"]
        check(widths["drawn"] is not None and legend["passthrough"][0] == widths["drawn"], f"token flow: legend and drawing differ: {widths}")
        check("thick" in legend["passthrough"][1] and all("thick" not in text and width < legend["passthrough"][0]
                                                          for mode, (width, text) in legend.items() if mode != "passthrough"),
              f"token flow: only passthrough is described and drawn thick: {legend}")
    finally:
        browser.quit()
    print("trust history, source links, --title and the token-flow legend checked in a git repository with 4 commits", flush=True)


def set_media(browser, features=None, media=""):
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": media, "features": features or []})


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--audreg", required=True)
    options = arguments.parse_args()
    audreg = os.path.abspath(options.audreg)
    os.makedirs(ARTIFACTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="audreg-browser-")
    site = os.path.join(work, "site")
    hostile = os.path.join(work, "hostile")
    build(audreg, "registry", site)
    build(audreg, os.path.join("integration", "site", "hostile-registry"), hostile, "--fail-on", "never")

    # Findings at or above --fail-on (default: error) fail the build and leave the previous site as it was.
    before = {name: open(os.path.join(hostile, name), "rb").read() for name in ("index.html", "services/evil-api.html")}
    refused = subprocess.run([audreg, "build", os.path.join("integration", "site", "hostile-registry"), "--out", hostile, "--today", "2026-12-01"],
                             cwd=ROOT, capture_output=True, text=True)
    check(refused.returncode == 1, f"build with error findings exited {refused.returncode}, expected 1")
    check(all(open(os.path.join(hostile, name), "rb").read() == data for name, data in before.items()), "a failed build changed the previous site")

    check_control_states(audreg, work)
    check_history_and_links(audreg, work)

    # Without Graphviz the token-flow page still has a readable picture: the built-in layout.
    builtin = os.path.join(work, "builtin")
    build(audreg, "registry", builtin, "--layout", "built-in")
    flow = open(os.path.join(builtin, "token-flow.html"), encoding="utf-8").read()
    check("Layout: built-in layout" in flow and flow.count('<a href="services/') >= 12 and 'class="hop token-exchange"' in flow,
          "built-in token-flow layout: picture missing or incomplete")

    pages = check_links_on_disk(site)
    hostile_pages = check_links_on_disk_quiet(hostile)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", site],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    browser = driver()
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        bases = {"file": "file://" + site + "/", "http": f"http://127.0.0.1:{port}/"}
        for label, base in bases.items():
            # Every page loads without console errors and passes the accessibility basics.
            subset = pages if label == "file" else [p for p in pages if "/controls/" not in p or p.endswith("index.html")]
            for page in subset:
                relative = os.path.relpath(page, site)
                browser.get(base + relative)
                check(browser.find_element(By.TAG_NAME, "h1").text.strip() != "", f"{label} {relative}: empty h1")
                check_accessibility(browser, f"{label} {relative}")
                errors = console_errors(browser)
                check(not errors, f"{label} {relative}: console errors {errors}")
            print(f"{label}: {len(subset)} pages load without console errors", flush=True)

            # Clicking through: overview → services → a service → its owner's team, following real links.
            browser.get(base + "index.html")
            browser.find_element(By.CSS_SELECTOR, "a[href='services/index.html']").click()
            browser.find_element(By.LINK_TEXT, "orders-api").click()
            check(browser.current_url.endswith("services/orders-api.html"), f"{label}: overview link to orders-api goes to {browser.current_url}")
            headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
            for question in ("1. Is the token authentic?", "2. Was it issued for this service?", "3. What may the caller do?"):
                check(question in headings, f"{label}: service page lacks '{question}'")
            browser.find_element(By.CSS_SELECTOR, "dl.facts a[href*='teams.html']").click()
            check("teams.html#team-team-orders" in browser.current_url, f"{label}: owner link goes to {browser.current_url}")

            # Search by a fragment of an audience, from the header form of another page.
            browser.get(base + "rules/index.html")
            field = browser.find_element(By.ID, "site-search-input")
            field.send_keys("orders-legacy")
            field.submit()
            time.sleep(0.3)
            results = browser.find_elements(By.CSS_SELECTOR, "#search-results a")
            check([r.text for r in results if r.text == "orders-api"], f"{label}: search for 'orders-legacy' did not find orders-api: {[r.text for r in results]}")
            if results:
                first = [r for r in results if r.text == "orders-api"][0]
                first.click()
                check(browser.current_url.endswith("services/orders-api.html"), f"{label}: search result leads to {browser.current_url}")
            # Typing narrows the results live.
            browser.get(base + "search.html")
            box = browser.find_element(By.ID, "search-query")
            box.send_keys("catalog.api")
            time.sleep(0.2)
            texts = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#search-results a")]
            check("catalog-api" in texts and "orders-api" not in texts, f"{label}: live search for 'catalog.api' gave {texts}")
            check(not console_errors(browser), f"{label}: console errors during search")

            # The token-flow picture: an inline SVG with a linked node per service and the three hop kinds.
            browser.get(base + "token-flow.html")
            svg = browser.find_elements(By.CSS_SELECTOR, "figure svg.token-flow")
            if check(len(svg) == 1, f"{label}: token-flow page has no picture"):
                size = svg[0].size
                check(size["width"] > 200 and size["height"] > 100, f"{label}: token-flow picture is too small: {size}")
                nodes = browser.execute_script("return [...document.querySelectorAll('svg.token-flow a')].length")
                check(nodes >= 12, f"{label}: token-flow picture links {nodes} services, expected 12")
            if label == "file":
                browser.save_screenshot(os.path.join(ARTIFACTS, "token-flow.png"))

        browser.get("file://" + os.path.join(builtin, "token-flow.html"))
        check(browser.find_elements(By.CSS_SELECTOR, "figure svg.token-flow line.hop"), "built-in layout: no hop arrows in the browser")
        check(not console_errors(browser), "built-in layout: console errors")
        browser.save_screenshot(os.path.join(ARTIFACTS, "token-flow-built-in.png"))

        # Screenshots, dark mode and print, on the file:// site.
        browser.get(bases["file"] + "index.html")
        browser.save_screenshot(os.path.join(ARTIFACTS, "overview.png"))
        browser.get(bases["file"] + "services/orders-api.html")
        browser.save_screenshot(os.path.join(ARTIFACTS, "service-orders-api.png"))
        for scheme in ("light", "dark"):
            set_media(browser, [{"name": "prefers-color-scheme", "value": scheme}])
            for page in ("index.html", "services/orders-api.html", "controls/index.html", "findings.html"):
                browser.get(bases["file"] + page)
                result = browser.execute_script(CONTRAST_JS)
                check(not result["worst"], f"{scheme} {page}: text below 4.5:1 contrast: {result['worst']}")
                if scheme == "dark" and page == "index.html":
                    channels = [float(x) for x in re.findall(r"[\d.]+", result["bg"])[:3]]
                    check(sum(channels) < 150, f"dark mode does not follow the system setting: body background {result['bg']}")
                    browser.save_screenshot(os.path.join(ARTIFACTS, "overview-dark.png"))
        set_media(browser, [], "print")
        browser.get(bases["file"] + "services/orders-api.html")
        check(not browser.execute_script(CONTRAST_JS)["navShown"], "print: the navigation is still shown")
        set_media(browser, [], "")

        # Injection: the hostile registry's markup shows as text and nothing runs.
        for page in hostile_pages:
            relative = os.path.relpath(page, hostile)
            browser.get("file://" + page)
            time.sleep(0.05)
            no_alert(browser, f"hostile {relative}")
            flagged = browser.execute_script("""
              return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))
                .filter(h => /^\\s*(javascript|data|vbscript):/i.test(h))
                .concat([...document.querySelectorAll('script:not([src]), [onerror], [onload], main img, main svg[onload]')].map(e => e.outerHTML));
            """)
            check(not flagged, f"hostile {relative}: dangerous markup reached the DOM: {flagged[:3]}")
        browser.get("file://" + os.path.join(hostile, "services", "evil-api.html"))
        text = browser.find_element(By.TAG_NAME, "main").text
        check("<script>alert(1)</script>" in text, "hostile: the description is not shown as text")
        check("javascript:alert(1)" in text, "hostile: the javascript: audience is not shown as text")
        browser.get("file://" + os.path.join(hostile, "enforcers.html"))
        text = browser.find_element(By.TAG_NAME, "main").text
        check("</code><script>alert(10)</script>" in text and "<img src=x onerror=alert(9)>|x.yaml" in text,
              "hostile: the deployment's provider and source are not shown as text on the Enforcers page")
        browser.get("file://" + os.path.join(hostile, "search.html") + "?q=%3Cb%3EAPI")
        time.sleep(0.2)
        no_alert(browser, "hostile search")
        shown = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#search-results li")]
        check(any("Evil <b>API</b>" in text for text in shown), f"hostile: search for '<b>API' does not show the title as text: {shown}")
        check(not browser.find_elements(By.CSS_SELECTOR, "#search-results b"), "hostile: search results parsed registry text as HTML")
        # A bidirectional control is shown as its code point, as the pages show it, so it cannot reorder the line.
        check(any("U+202E" in text for text in shown) and not any("\u202e" in text for text in shown),
              f"hostile: a bidi control in a search result is not shown as U+202E: {shown!r}")
        print(f"hostile: {len(hostile_pages)} pages, nothing executed", flush=True)
    finally:
        browser.quit()
        server.kill()
        server.wait()

    # The Markdown trees build with MkDocs as they are (strict: every link and nav entry resolves), and
    # the hostile one's markup stays text in MkDocs' HTML too (Python-Markdown passes raw HTML through).
    for label, tree in (("example", site), ("hostile", hostile)):
        out = os.path.join(work, "mkdocs-" + label)
        result = subprocess.run(["mkdocs", "build", "--strict", "-q", "-f", os.path.join(tree, "markdown", "mkdocs.yml"), "-d", out],
                                capture_output=True, text=True)
        check(result.returncode == 0, f"mkdocs build --strict of the {label} Markdown tree failed: {result.stderr[-1500:]}")
        if result.returncode == 0 and label == "hostile":
            for name in (os.path.join("services", "evil-api.html"), "enforcers.html"):
                page = open(os.path.join(out, name), encoding="utf-8").read()
                # An onerror= in escaped text (&lt;img … onerror=…&gt;) is harmless; one inside a tag is not.
                check("<script>alert" not in page and not re.search(r"<[A-Za-z][^<>]*\sonerror\s*=", page)
                      and "javascript:alert" not in re.findall(r'href="([^"]*)"', page), f"hostile: registry markup reached MkDocs' {name}")
            page = open(os.path.join(out, "services", "evil-api.html"), encoding="utf-8").read()
            check("&lt;script&gt;alert(1)&lt;/script&gt;" in page, "hostile: the description is not shown as text by MkDocs")
    print("mkdocs: both Markdown trees build with --strict", flush=True)

    # Without JavaScript the site stays usable: navigation works and search.html lists everything.
    plain = driver(javascript=False)
    try:
        plain.get("file://" + site + "/search.html?q=orders-legacy")
        listed = [a.text for a in plain.find_elements(By.CSS_SELECTOR, "#search-all a")]
        check("orders-api" in listed and "https://orders-legacy.api.larkspur.example" in listed, "no-JS: search page does not list everything")
        check(not plain.find_element(By.ID, "search-results-section").is_displayed(), "no-JS: empty results section is shown")
        plain.find_element(By.LINK_TEXT, "Token flow").click()
        check(plain.find_elements(By.CSS_SELECTOR, "svg.token-flow"), "no-JS: token-flow picture missing")
    finally:
        plain.quit()

    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} browser check(s) failed", file=sys.stderr)
        return 1
    print("browser tests passed; screenshots in .artifacts/site/")
    return 0


def check_links_on_disk_quiet(site):
    pages = []
    for folder, _, files in os.walk(site):
        pages += [os.path.join(folder, name) for name in files if name.endswith(".html")]
    return sorted(pages)


if __name__ == "__main__":
    sys.exit(main())
