#!/usr/bin/env python3
"""Drives 'audreg serve' in headless Chromium, as a person editing the registry would.

Serves a starter registry ('audreg init') with --port 0, opens its service page, and checks that the page
follows the files without a manual reload: an added audience shows within two seconds; a broken file
shows the overlay with file:line:column; the fix removes it. Also: the server listens on 127.0.0.1 only,
the served page is the built file plus the inline script, and Ctrl-C exits 130 and removes the
temporary builds. Screenshots go to .artifacts/serve/.
"""
import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "site"))
from browser_test import ROOT, driver  # noqa: E402  (the site tests' Chromium setup)

ARTIFACTS = os.path.join(ROOT, ".artifacts", "serve")
# The bound for a change to reach an open page.
WITHIN = 2.0
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)
    return condition


def wait_for(condition, seconds):
    """Polls `condition` every 20 ms; returns the seconds it took, or None when it never held."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if condition():
                return time.monotonic() - start
        except Exception:  # a page in the middle of reloading
            pass
        time.sleep(0.02)
    return None


def listening_addresses(port):
    """The local addresses of listening TCP sockets on `port`, from /proc (no packet sent)."""
    addresses = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not os.path.exists(table):
            continue
        for line in open(table).read().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                if width == 8:
                    addresses.append(".".join(str(int(address[i:i + 2], 16)) for i in (6, 4, 2, 0)))
                else:
                    addresses.append(address)
    return addresses


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--audreg", required=True)
    audreg = os.path.abspath(arguments.parse_args().audreg)
    os.makedirs(ARTIFACTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="audreg-serve-test-")
    registry = os.path.join(work, "registry")
    subprocess.run([audreg, "init", registry], check=True, capture_output=True)
    # Two audiences are allowed here, so adding one is an edit, not a finding.
    policy = os.path.join(registry, "policy.yaml")
    text = open(policy).read()
    open(policy, "w").write(text.replace("maxAudiencesPerService: 1", "maxAudiencesPerService: 2"))
    service = os.path.join(registry, "services", "example-api.yaml")
    original = open(service).read()

    temporary = os.path.join(work, "tmp")
    os.makedirs(temporary)
    environment = dict(os.environ, TMPDIR=temporary)
    started = time.monotonic()
    # cwd is the work folder, so no ./templates of the caller's is taken as overrides.
    server = subprocess.Popen([audreg, "serve", registry, "--port", "0", "--today", "2026-12-01"], cwd=work, env=environment,
                              stdout=subprocess.PIPE, stderr=open(os.path.join(work, "serve.log"), "w"), text=True)
    browser = None
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not check(match is not None, f"serve printed no 127.0.0.1 URL: {line!r}"):
            return finish(work, server)
        port = int(match.group(1))
        url = match.group(0)
        print(f"serving at {url} after {time.monotonic() - started:.2f} s", flush=True)
        check(listening_addresses(port) == ["127.0.0.1"], f"listens on {listening_addresses(port)}, expected 127.0.0.1 only")

        # Served pages are the built file plus the inline script; nothing external.
        served = ""
        for _ in range(600):
            try:
                with urllib.request.urlopen(url + "services/example-api.html", timeout=5) as response:
                    served = response.read().decode()
                break
            except urllib.error.HTTPError as error:  # 503 until the first build is done
                check(error.code == 503, f"before the first build: HTTP {error.code}, expected 503")
                time.sleep(0.1)
        check("new EventSource(\"/__audreg/events\")" in served and served.count("<script") == 1,
              "the served page lacks the inline reload script, or has another script")

        browser = driver()
        # The server listens before the first build ends; a page opened earlier reloads when it is built.
        browser.get(url + "services/example-api.html")
        took = wait_for(lambda: "https://example-api.example.com" in browser.find_element(By.TAG_NAME, "main").text, 60)
        check(took is not None, "the service page does not show its audience")
        # Survives only as long as this page: a reload (by the page itself) clears it.
        browser.execute_script("window.audregTestMarker = 1")

        edited = original.replace("    - https://example-api.example.com\n",
                                  "    - https://example-api.example.com\n    - https://added-audience.example.com\n")
        check(edited != original, "the starter service changed shape; update this test")
        write(service, edited)
        took = wait_for(lambda: "https://added-audience.example.com" in browser.find_element(By.TAG_NAME, "main").text, 10)
        check(took is not None and took <= WITHIN, f"the added audience showed after {took} s, expected within {WITHIN} s")
        check(browser.execute_script("return window.audregTestMarker === undefined"), "the page did not reload itself (the marker set before the edit survived)")
        print(f"added audience shown after {took:.2f} s" if took else "added audience never shown", flush=True)

        write(service, edited + "kind: [\n")
        # The overlay must name the place 'audreg validate' names.
        validated = subprocess.run([audreg, "validate", registry, "--today", "2026-12-01"], cwd=work, capture_output=True, text=True)
        found = re.search(r"^(\S+:\d+:\d+): error: .*\[yaml-syntax\]", validated.stdout, re.MULTILINE)
        check(found is not None and found.group(1).startswith(service + ":"), f"validate reported no yaml-syntax error: {validated.stdout!r}")
        location = found.group(1) if found else service
        took = wait_for(lambda: location in browser.find_element(By.ID, "audreg-serve-overlay").text, 10)
        check(took is not None and took <= WITHIN, f"the overlay with {location} showed after {took} s, expected within {WITHIN} s")
        if took is not None:
            overlay = browser.find_element(By.ID, "audreg-serve-overlay")
            check(overlay.is_displayed(), "the overlay is not visible")
            check("yaml-syntax" in overlay.text, f"the overlay does not name the rule: {overlay.text!r}")
            check("https://added-audience.example.com" in browser.find_element(By.TAG_NAME, "main").text,
                  "the last good build is not shown under the overlay")
            browser.save_screenshot(os.path.join(ARTIFACTS, "overlay.png"))
            print(f"overlay shown after {took:.2f} s", flush=True)

        write(service, edited)
        took = wait_for(lambda: not browser.find_elements(By.ID, "audreg-serve-overlay")
                        and "https://added-audience.example.com" in browser.find_element(By.TAG_NAME, "main").text, 10)
        check(took is not None and took <= WITHIN, f"the overlay went away after {took} s, expected within {WITHIN} s")
        print(f"overlay removed after {took:.2f} s" if took else "overlay never removed", flush=True)
        browser.save_screenshot(os.path.join(ARTIFACTS, "fixed.png"))
        errors = [entry for entry in browser.get_log("browser") if entry.get("level") == "SEVERE"]
        check(not errors, f"console errors: {errors}")
    finally:
        if browser is not None:
            browser.quit()

    # Ctrl-C: exit 130 at once, temporary builds removed.
    server.send_signal(signal.SIGINT)
    try:
        code = server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        code = None
    check(code == 130, f"serve exited {code} after SIGINT, expected 130")
    check(not glob.glob(os.path.join(temporary, "audreg-serve-*")), f"temporary builds left: {os.listdir(temporary)}")
    return finish(work, None)


def write(path, text):
    # Written in place, as most editors save, so the watcher sees a changed file rather than a new one.
    with open(path, "w") as handle:
        handle.write(text)


def finish(work, server):
    if server is not None:
        server.kill()
        server.wait()
    if failures:
        print(open(os.path.join(work, "serve.log")).read(), file=sys.stderr)
        print(f"{len(failures)} serve check(s) failed", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("serve browser test passed; screenshots in .artifacts/serve/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
