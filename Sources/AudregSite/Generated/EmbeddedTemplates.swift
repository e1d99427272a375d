// GENERATED FILE. DO NOT EDIT: edit templates/ and run scripts/embed-resources.py.

/// The default templates, compiled in so the binary needs no resource folder.
package enum EmbeddedTemplates {
    package static let files: [String: String] = {
        var files: [String: String] = [:]
        files["templates/assets/print.css"] = #"""
/* Print: no navigation or search, black on white, link targets written out. */
.site-header nav, .site-search, .search-page, .skip-link, #search-results-section { display: none !important; }
body, main { background: #fff !important; color: #000 !important; max-width: none; }
a { color: #000; text-decoration: underline; }
main a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.85em; }
table { page-break-inside: auto; }
tr, pre, dl.facts, .token-flow-figure { page-break-inside: avoid; }
.badge { border: 1px solid #000; background: none !important; color: #000 !important; }
.table-wrap { overflow: visible; }

"""#
        files["templates/assets/search.js"] = #"""
// Client-side search over search-index.js (loaded before this file). Results are built with
// textContent and relative links only, so nothing from the registry is ever parsed as HTML. A
// bidirectional control is shown as its code point (U+202E), as the pages show it, so a registry
// value cannot reorder a result line.
(function () {
  "use strict";
  var index = window.AUDREG_SEARCH_INDEX || [];
  var input = document.getElementById("search-query");
  var section = document.getElementById("search-results-section");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !section || !list || !status) { return; }

  function visible(text) {
    return String(text).replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, function (c) {
      return "U+" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    });
  }

  function search(query) {
    var needle = query.trim().toLowerCase();
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (needle === "") { section.hidden = true; return; }
    var matches = index.filter(function (entry) {
      return (entry.t + " " + entry.d).toLowerCase().indexOf(needle) !== -1;
    });
    matches.slice(0, 200).forEach(function (entry) {
      var item = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = visible(entry.k);
      var link = document.createElement("a");
      link.setAttribute("href", entry.u);
      link.textContent = visible(entry.t);
      var detail = document.createElement("span");
      detail.className = "muted";
      detail.textContent = " " + visible(entry.d);
      item.appendChild(kind);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(link);
      item.appendChild(detail);
      list.appendChild(item);
    });
    status.textContent = matches.length === 1 ? "1 match" : matches.length + " matches";
    section.hidden = false;
  }

  var params = new URLSearchParams(window.location.search);
  var initial = params.get("q") || "";
  input.value = initial;
  search(initial);
  input.addEventListener("input", function () { search(input.value); });
  var header = document.getElementById("site-search-input");
  if (header) { header.value = initial; }
})();

"""#
        files["templates/assets/style.css"] = #"""
/* audreg site: no external fonts, scripts or images. Colours meet WCAG AA in light and dark. */
:root {
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --surface: #f6f8fa;
  --link: #0550ae; --accent: #0550ae;
  --error-bg: #ffebe9; --error-fg: #82071e; --warning-bg: #fff8c5; --warning-fg: #6b4e00;
  --note-bg: #ddf4ff; --note-fg: #0a3069; --ok-bg: #dafbe1; --ok-fg: #116329;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --surface: #151b23;
    --link: #6cb6ff; --accent: #6cb6ff;
    --error-bg: #5d0f12; --error-fg: #ffdcd7; --warning-bg: #4d3800; --warning-fg: #fff1b3;
    --note-bg: #0c2d6b; --note-fg: #cae8ff; --ok-bg: #04260f; --ok-fg: #aff5b4;
  }
  .token-flow-figure svg { background: #f6f8fa; border-radius: 6px; }
}
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; line-height: 1.5; }
body { margin: 0; background: var(--bg); color: var(--fg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.9em; }
pre { background: var(--surface); border: 1px solid var(--border); padding: 0.75rem; overflow-x: auto; border-radius: 6px; }
.skip-link { position: absolute; left: -999px; top: 0; background: var(--bg); padding: 0.5rem; z-index: 10; }
.skip-link:focus { left: 0.5rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.site-header { border-bottom: 1px solid var(--border); padding: 0.75rem 1.5rem; background: var(--surface); display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; }
.site-title { margin: 0; font-weight: 700; }
.site-title a { color: var(--fg); text-decoration: none; }
.site-header nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
.site-header nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 2px; }
.site-search { display: flex; gap: 0.5rem; align-items: center; margin-left: auto; }
.site-search label { font-size: 0.9em; }
input[type="search"] { padding: 0.3rem 0.5rem; border: 1px solid var(--muted); border-radius: 4px; background: var(--bg); color: var(--fg); }
button { padding: 0.3rem 0.75rem; border: 1px solid var(--muted); border-radius: 4px; background: var(--surface); color: var(--fg); cursor: pointer; }
main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
main:focus { outline: none; }
.site-footer { border-top: 1px solid var(--border); padding: 1rem 1.5rem; color: var(--muted); font-size: 0.9em; }
.lead { font-size: 1.1em; color: var(--muted); max-width: 60rem; }
.muted { color: var(--muted); font-size: 0.9em; }
.empty { color: var(--muted); font-style: italic; }
.breadcrumb { font-size: 0.9em; margin-top: 0.5rem; }
.entity-name { font-size: 0.6em; color: var(--muted); font-weight: 400; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; min-width: 50%; }
th, td { border: 1px solid var(--border); padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
thead th { background: var(--surface); }
tbody th { font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: 0.75rem; }
.card a { display: block; border: 1px solid var(--border); border-radius: 8px; padding: 0.75rem; background: var(--surface); text-decoration: none; color: var(--fg); }
.card .count { display: block; font-size: 1.8em; font-weight: 700; color: var(--link); }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 1rem; font-size: 0.85em; font-weight: 600; border: 1px solid currentColor; }
.sev-error, .status-failing, .status-expired { background: var(--error-bg); color: var(--error-fg); }
.sev-warning, .status-excepted, .status-expiring, .status-incomplete { background: var(--warning-bg); color: var(--warning-fg); }
.sev-note, .sev-suppressed { background: var(--note-bg); color: var(--note-fg); }
.status-met, .status-active { background: var(--ok-bg); color: var(--ok-fg); }
.change-widening { background: var(--warning-bg); color: var(--warning-fg); }
.change-narrowing { background: var(--ok-bg); color: var(--ok-fg); }
.status-not-evidenced { color: var(--muted); }
/* Not assessed is no colour of a result: muted, hatched, with its own symbol and label. */
.status-not-assessed { color: var(--muted); background: repeating-linear-gradient(135deg, var(--surface) 0 4px, var(--bg) 4px 8px); border-style: dashed; }
td.status-not-assessed { border-style: solid; }
tr.flagged > th, tr.flagged > td { background: var(--warning-bg); color: var(--warning-fg); }
tr.flagged a { color: inherit; }
/* The matrix may use the whole window, not main's reading width: it scrolls inside itself beyond that. */
.matrix-wrap { width: calc(100vw - 4rem); max-width: max-content; }
.matrix td { text-align: center; min-width: 2.5rem; }
.matrix thead th, .matrix tbody th { white-space: nowrap; }
.matrix thead th { font-size: 0.85em; }
.hop { font-weight: 600; white-space: nowrap; }
.hop-token-exchange { color: var(--link); }
.hop-new-token { color: var(--ok-fg); }
.hop-passthrough { color: var(--error-fg); text-decoration: underline dotted; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }
.legend-swatch { vertical-align: middle; }
.token-flow-figure { margin: 1rem 0; overflow-x: auto; }
.token-flow-figure svg { max-width: 100%; height: auto; }
.token-flow-figure figcaption { color: var(--muted); font-size: 0.9em; }
.control-text { border-left: 4px solid var(--border); margin: 1rem 0; padding: 0.25rem 1rem; color: var(--fg); }
.search-all { columns: 2 24rem; }
.search-all .kind, #search-results .kind { display: inline-block; min-width: 5rem; color: var(--muted); font-size: 0.85em; }

"""#
        files["templates/html/audiences.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Audiences</h1>
<p class="lead">Every audience in the registry and the services that accept it. An audience accepted by more than one service, or flagged by an audience rule (collision, confusable, overlap), is highlighted.</p>
<div class="table-wrap">
<table class="audiences">
<caption class="visually-hidden">Audiences</caption>
<thead><tr><th scope="col">Audience</th><th scope="col">Accepted by</th><th scope="col">Flags</th></tr></thead>
<tbody>
{{#items}}
<tr id="{{anchor}}"{{#flagged}} class="flagged"{{/flagged}}><th scope="row"><code class="audience">{{value}}</code></th><td>{{#services}}<a href="{{pageHref}}">{{text}}</a> {{/services}}{{#shared}}<span class="badge sev-error">shared</span>{{/shared}}</td><td>{{#flags}}<p><a href="{{rule.pageHref}}">{{rule.text}}</a>: {{message}}</p>{{/flags}}</td></tr>
{{/items}}
</tbody>
</table>
</div>
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/control.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<nav aria-label="Breadcrumb" class="breadcrumb"><a href="{{root}}controls/index.html">Controls</a> › <a href="{{framework.pageHref}}">{{framework.text}}</a> › <span>{{id}}</span></nav>
<h1>{{id}}: {{title}}</h1>
<blockquote class="control-text"><p>{{text}}</p></blockquote>
<dl class="facts">
<dt>Framework</dt><dd>{{frameworkTitle}}</dd>
{{#url}}<dt>Source</dt><dd>{{> html/partials/external}}</dd>{{/url}}
{{#aliases}}<dt>Also known as</dt><dd>{{aliases}}</dd>{{/aliases}}
</dl>
<h2>Rules that provide evidence</h2>
{{^empty(rules)}}
<ul>
{{#rules}}
<li><a href="{{link.pageHref}}">{{id}}</a>: {{summary}} ({{findingCount}} open findings)</li>
{{/rules}}
</ul>
{{/empty(rules)}}
{{^rules}}
<p class="empty">No rule evidences this control yet; it needs evidence from elsewhere.</p>
{{/rules}}
{{#evidenced}}
<h2>Evidence</h2>
<div class="table-wrap">
<table class="evidence">
<caption class="visually-hidden">Evidence per rule: what it looks at, which run, for how many services, result</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">Looks at</th><th scope="col">Source and date</th><th scope="col">Ran</th><th scope="col">Result</th></tr></thead>
<tbody>
{{#evidence}}
<tr><th scope="row"><a href="{{rule.pageHref}}">{{rule.text}}</a></th><td>{{scope}}</td><td>{{source}}</td><td>{{ran}}</td><td><span class="badge status-{{status}}"><span aria-hidden="true">{{symbol}}</span> {{statusLabel}}</span> {{result}}</td></tr>
{{/evidence}}
</tbody>
</table>
</div>
<h2>Status per service</h2>
<p><span aria-hidden="true">✓</span> {{met}} met · <span aria-hidden="true">✗</span> {{failing}} failing · <span aria-hidden="true">E</span> {{excepted}} excepted · <span aria-hidden="true">?</span> {{notAssessed}} not assessed</p>
<h3>Failing or excepted</h3>
{{^empty(attention)}}
<div class="table-wrap">
<table>
<caption class="visually-hidden">Services where the control is failing or excepted</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Failing rules</th><th scope="col">Excepted rules</th></tr></thead>
<tbody>
{{/empty(attention)}}
{{#attention}}
<tr><th scope="row"><a href="{{service.pageHref}}">{{service.text}}</a></th><td><span class="badge status-{{status}}"><span aria-hidden="true">{{symbol}}</span> {{statusLabel}}</span></td><td>{{#failingRules}}<a href="{{pageHref}}">{{text}}</a> {{/failingRules}}</td><td>{{#exceptedRules}}<a href="{{pageHref}}">{{text}}</a> {{/exceptedRules}}{{#exceptedUntil}}until {{exceptedUntil}} (<a href="{{service.pageHref}}#exceptions-heading">the exception</a>){{/exceptedUntil}}</td></tr>
{{/attention}}
{{^empty(attention)}}
</tbody>
</table>
</div>
{{/empty(attention)}}
{{^attention}}
<p class="empty">No service fails this control or holds an exception for it.</p>
{{/attention}}
<h3>Not assessed</h3>
{{#unassessed}}
<p><span class="badge status-not-assessed"><span aria-hidden="true">?</span> Not assessed</span> {{count}} service(s): {{reason}}.</p>
<p class="service-list">{{#services}}<a href="{{pageHref}}">{{text}}</a> {{/services}}</p>
{{/unassessed}}
{{^unassessed}}
<p class="empty">None: every evidencing rule ran for every service.</p>
{{/unassessed}}
<h3>Met</h3>
<p class="service-list">{{#metServices}}<a href="{{pageHref}}">{{text}}</a> {{/metServices}}{{^metServices}}No service meets it.{{/metServices}}</p>
{{/evidenced}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/controls.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Controls</h1>
<p class="lead">The controls of each framework, the rules that provide evidence for them, and whether each service meets them. A control is met by a service only when every rule that evidences it ran for that service and none has an open finding there; when a rule did not run (no recent drift report, nothing deployed to check) it is not assessed.</p>
{{#frameworks}}
<section id="{{anchor}}" aria-labelledby="{{anchor}}.heading">
<h2 id="{{anchor}}.heading">{{title}}</h2>
<p>Version {{version}}{{#url}} · {{> html/partials/external}}{{/url}}</p>
<div class="table-wrap">
<table>
<caption class="visually-hidden">{{title}} controls</caption>
<thead><tr><th scope="col">Control</th><th scope="col">Title</th><th scope="col">Rules</th><th scope="col">Met</th><th scope="col">Failing</th><th scope="col">Excepted</th><th scope="col">Not assessed</th></tr></thead>
<tbody>
{{#controls}}
<tr><th scope="row"><a href="{{link.pageHref}}">{{id}}</a></th><td>{{title}}</td><td>{{ruleCount}}</td><td>{{met}}</td><td>{{failing}}</td><td>{{excepted}}</td><td>{{notAssessed}}</td></tr>
{{/controls}}
</tbody>
</table>
</div>
</section>
{{/frameworks}}
<section id="matrix" aria-labelledby="matrix-heading">
<h2 id="matrix-heading">Coverage matrix: services × controls</h2>
<p>✓ met · ✗ failing · E excepted · ? not assessed (an evidencing rule did not run) · – no rule evidences the control.</p>
{{#matrixInline}}
{{> html/partials/matrix-table}}
{{/matrixInline}}
{{^matrixInline}}
<p>With {{serviceCount}} services the matrix is split into pages of {{pageSize}} services, in name order:</p>
<ul class="matrix-pages">
{{#matrixPages}}
<li><a href="{{pageHref}}">{{text}}</a></li>
{{/matrixPages}}
</ul>
{{/matrixInline}}
</section>
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/drift.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Drift</h1>
<p class="lead">Where what issuers publish (discovery documents, JWKS) and what enforcement points enforce (gateways, frameworks, cloud authorizers, federation trusts) differs from the registry, as found by the last <code>audreg drift</code> run given to this build.</p>
{{#drift.reported}}
<p>Run of {{drift.when}}.</p>
<table class="severity-summary">
<caption class="visually-hidden">Drift findings by severity</caption>
<thead><tr><th scope="col">Severity</th><th scope="col">Count</th></tr></thead>
<tbody>
{{#severities}}
<tr><th scope="row"><span class="badge sev-{{severity}}">{{label}}</span></th><td>{{count}}</td></tr>
{{/severities}}
</tbody>
</table>
{{#hasUnmatched}}
<p><span class="badge sev-warning">Stale</span> {{unmatched}} finding(s) concern entities this registry does not have: the report is older than the registry.</p>
{{/hasUnmatched}}
{{/drift.reported}}
{{> html/partials/drift-findings}}
{{#hasNotes}}
<h2 id="run-notes">Run notes</h2>
<p>What the run observed that is not a finding: no control fails and no exit status changes because of a note.</p>
<ul class="run-notes">
{{#notes}}
<li><code>{{kind}}</code> <span class="note-subject">{{subject}}</span>: {{message}}</li>
{{/notes}}
</ul>
{{/hasNotes}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/enforcers.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Enforcers</h1>
<p class="lead">Every enforcement point the registry declares (a deployment of a service: the gateway, proxy or framework config that decides whether a token is accepted), whether it checks the token's audience, and what each kind of enforcer does when the audience is left out.</p>
{{#reported}}
<p>From the drift run of {{when}} (<a href="{{root}}drift.html">all drift</a>).{{#reportGap}} No enforcement point counts as checking: {{reportGap}}.{{/reportGap}}</p>
{{/reported}}
{{^reported}}
<p>This site was built without a drift report, so no enforcement point is assessed: run <code>audreg drift --format json</code> and build with <code>--drift-report</code>.</p>
{{/reported}}
<p>{{total}} enforcement points: <span class="badge status-failing"><span aria-hidden="true">✗</span> {{offCount}} with the audience check off</span> <span class="badge status-not-assessed"><span aria-hidden="true">?</span> {{unassessedCount}} not assessed</span> <span class="badge status-met"><span aria-hidden="true">✓</span> {{checkingCount}} checking</span></p>
{{^empty(undeclared)}}
<p>{{undeclaredCount}} service(s) declare no deployment, so where their audience is enforced is not known: {{#undeclared}}<a href="{{pageHref}}">{{text}}</a> {{/undeclared}}</p>
{{/empty(undeclared)}}

<section aria-labelledby="off-heading">
<h2 id="off-heading">Audience check off</h2>
<p>The config checks no audience (tokens minted for any other service of the same issuer pass), or does not verify tokens at all.</p>
{{^empty(off)}}
<div class="table-wrap">
<table class="enforcement">
<caption class="visually-hidden">Enforcement points whose audience check is off</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Kind</th><th scope="col">Enforcer</th><th scope="col">Config</th><th scope="col">Audience check</th><th scope="col">If the audience is omitted</th></tr></thead>
<tbody>
{{/empty(off)}}
{{#off}}
{{> html/partials/enforcement-row}}
{{/off}}
{{^empty(off)}}
</tbody>
</table>
</div>
{{/empty(off)}}
{{^off}}
<p class="empty">{{#reported}}None among the enforcement points the drift run read.{{/reported}}{{^reported}}Not known: nothing was assessed.{{/reported}}</p>
{{/off}}
</section>

<section aria-labelledby="unassessed-heading">
<h2 id="unassessed-heading">Not assessed</h2>
<p>Nothing was read that says whether these check the audience; what the enforcer does when the audience is omitted is what to look for in the config.</p>
{{^empty(unassessed)}}
<div class="table-wrap">
<table class="enforcement">
<caption class="visually-hidden">Enforcement points not assessed</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Kind</th><th scope="col">Enforcer</th><th scope="col">Config</th><th scope="col">Audience check</th><th scope="col">If the audience is omitted</th></tr></thead>
<tbody>
{{/empty(unassessed)}}
{{#unassessed}}
{{> html/partials/enforcement-row}}
{{/unassessed}}
{{^empty(unassessed)}}
</tbody>
</table>
</div>
{{/empty(unassessed)}}
{{^unassessed}}
<p class="empty">None.</p>
{{/unassessed}}
</section>

<section aria-labelledby="checking-heading">
<h2 id="checking-heading">Checking the audience</h2>
{{^empty(checking)}}
<div class="table-wrap">
<table class="enforcement">
<caption class="visually-hidden">Enforcement points that check the audience</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Kind</th><th scope="col">Enforcer</th><th scope="col">Config</th><th scope="col">Audience check</th><th scope="col">If the audience is omitted</th></tr></thead>
<tbody>
{{/empty(checking)}}
{{#checking}}
{{> html/partials/enforcement-row}}
{{/checking}}
{{^empty(checking)}}
</tbody>
</table>
</div>
{{/empty(checking)}}
{{^checking}}
<p class="empty">None{{^reported}}: nothing was assessed{{/reported}}.</p>
{{/checking}}
</section>

<section aria-labelledby="table-heading">
<h2 id="table-heading">What each enforcer does with the audience</h2>
<p>From each enforcer's own documentation; the kind is what a registry writes in <code>deployments[].kind</code>.</p>
<div class="table-wrap">
<table class="enforcer-table">
<caption class="visually-hidden">Enforcer facts</caption>
<thead><tr><th scope="col">Enforcer</th><th scope="col">Kind</th><th scope="col">Audience setting</th><th scope="col">When omitted</th><th scope="col">Matching</th><th scope="col">Documentation</th></tr></thead>
<tbody>
{{#enforcers}}
<tr><th scope="row">{{name}}</th><td>{{#hasReader}}<code>{{kind}}</code>{{/hasReader}}{{^hasReader}}<span class="muted">{{kind}}</span>{{/hasReader}}</td><td>{{audienceFields}}</td><td>{{whenOmitted}}{{#whenEmpty}}; empty: {{whenEmpty}}{{/whenEmpty}}{{#limitation}}<br><span class="muted">{{limitation}}</span>{{/limitation}}</td><td>{{matching}}</td><td>{{#reference}}{{> html/partials/external}}{{/reference}}{{#verified}}<br><span class="muted">Verified: {{verified}}</span>{{/verified}}</td></tr>
{{/enforcers}}
</tbody>
</table>
</div>
</section>
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/exceptions.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Exceptions</h1>
<p class="lead">Every exception declared in the registry: who approved it, the ticket, when it expires and how many findings it suppresses today.</p>
{{^empty(items)}}
<div class="table-wrap">
<table class="exceptions">
<caption class="visually-hidden">Exceptions</caption>
<thead><tr><th scope="col">Entity</th><th scope="col">Rule</th><th scope="col">Reason</th><th scope="col">Approved by</th><th scope="col">Ticket</th><th scope="col">Expires</th><th scope="col">Days left</th><th scope="col">Status</th><th scope="col">Suppressed</th></tr></thead>
<tbody>
{{/empty(items)}}
{{#items}}
<tr><td>{{#entity}}<a href="{{pageHref}}">{{entityText}}</a>{{/entity}}{{^entity}}{{entityText}}{{/entity}}</td><td>{{#rule}}<a href="{{pageHref}}">{{text}}</a>{{/rule}}{{^rule}}{{ruleText}}{{/rule}}</td><td>{{reason}}</td><td>{{approvedBy}}</td><td>{{ticket}}</td><td>{{expires}}</td><td>{{daysLeft}}</td><td><span class="badge status-{{status}}">{{statusLabel}}</span></td><td>{{suppressedCount}}</td></tr>
{{/items}}
{{^empty(items)}}
</tbody>
</table>
</div>
{{/empty(items)}}
{{^items}}
<p class="empty">No items.</p>
{{/items}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/findings.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Findings</h1>
<p class="lead">Every open finding, in file order. Findings suppressed by an approved exception are in the <a href="{{root}}exceptions.html">exceptions register</a>.</p>
{{^empty(items)}}
<div class="table-wrap">
<table class="findings">
<caption class="visually-hidden">Findings</caption>
<thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Entity</th><th scope="col">Message</th><th scope="col">Where</th></tr></thead>
<tbody>
{{/empty(items)}}
{{#items}}
<tr><td><span class="badge sev-{{severity}}">{{severityLabel}}</span></td><td><a href="{{rule.pageHref}}">{{rule.text}}</a></td><td>{{#entity}}<a href="{{pageHref}}">{{entityText}}</a>{{/entity}}{{^entity}}{{entityText}}{{/entity}}</td><td>{{message}}</td><td>{{#sourceURL}}<a href="{{sourceURL}}"><code>{{location}}</code></a>{{/sourceURL}}{{^sourceURL}}<code>{{location}}</code>{{/sourceURL}}</td></tr>
{{/items}}
{{^empty(items)}}
</tbody>
</table>
</div>
{{/empty(items)}}
{{^items}}
<p class="empty">No open items.</p>
{{/items}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/history.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Trust history</h1>
<p class="lead">Every change of the registry's history that widened or narrowed access, newest first: who may present which token to whom, changed in which commit, by whom, and the findings the change introduced. Each commit is compared with the one before it by the engine of <code>audreg diff</code>.</p>
{{#built}}
<p>{{commitCount}} commit(s) read (at most {{limit}}, following first parents): <span class="badge change-widening"><span aria-hidden="true">▲</span> {{widening}} widening</span> <span class="badge change-narrowing"><span aria-hidden="true">▼</span> {{narrowing}} narrowing</span>.</p>
{{#note}}<p class="note">{{note}}</p>{{/note}}
{{> html/partials/history-table}}
{{^history}}
<p class="empty">No commit in this history widened or narrowed access.</p>
{{/history}}
<h2 id="quiet-heading">Commits without a widening or narrowing</h2>
{{^empty(quiet)}}
<div class="table-wrap">
<table class="quiet">
<caption class="visually-hidden">Commits that changed the registry without widening or narrowing access</caption>
<thead><tr><th scope="col">Commit</th><th scope="col">Author</th><th scope="col">Date</th><th scope="col">Neutral changes</th></tr></thead>
<tbody>
{{/empty(quiet)}}
{{#quiet}}
<tr><td>{{#commitURL}}<a href="{{commitURL}}"><code>{{commit}}</code></a>{{/commitURL}}{{^commitURL}}<code>{{commit}}</code>{{/commitURL}} <span class="muted">{{subject}}</span></td><td>{{author}}</td><td>{{date}}</td><td>{{neutral}}</td></tr>
{{/quiet}}
{{^empty(quiet)}}
</tbody>
</table>
</div>
{{/empty(quiet)}}
{{^quiet}}
<p class="empty">None.</p>
{{/quiet}}
{{/built}}
{{^built}}
<p class="empty">{{reason}} Build from a git working tree, or pass <code>--history N</code>.</p>
{{/built}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/index.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Overview</h1>
<p class="lead">Which service accepts which JWT audiences, who issues the tokens, and what the rules found. Dates are checked against {{today}}.</p>
<section aria-labelledby="counts-heading">
<h2 id="counts-heading">The registry at a glance</h2>
<ul class="cards">
{{#counts}}
<li class="card"><a href="{{link.pageHref}}"><span class="count">{{value}}</span> <span class="label">{{label}}</span></a></li>
{{/counts}}
</ul>
</section>
<section aria-labelledby="findings-heading">
<h2 id="findings-heading">Findings by severity</h2>
<table class="severity-summary">
<caption class="visually-hidden">Findings by severity</caption>
<thead><tr><th scope="col">Severity</th><th scope="col">Count</th></tr></thead>
<tbody>
{{#severities}}
<tr><th scope="row"><span class="badge sev-{{severity}}">{{label}}</span></th><td>{{count}}</td></tr>
{{/severities}}
</tbody>
</table>
<p><a href="{{root}}findings.html">All findings</a> · <a href="{{root}}exceptions.html">All exceptions</a></p>
</section>
<section aria-labelledby="drift-heading">
<h2 id="drift-heading">Drift</h2>
{{#drift.reported}}
<p>The last drift run ({{drift.when}}) found <a href="{{root}}drift.html">{{driftCount}} difference(s)</a> between the registry and what is published and deployed.</p>
{{/drift.reported}}
{{^drift.reported}}
<p class="empty">No drift report was given to this build (<a href="{{root}}drift.html">how to add one</a>).</p>
{{/drift.reported}}
<dl class="facts">
<dt>Drift evidence</dt><dd>{{driftEvidence}} (it assesses controls while at most {{maxDriftAge}} days old)</dd>
<dt>Registry evidence</dt><dd>{{registryEvidence}}</dd>
</dl>
{{#driftGap}}<p><span class="badge status-not-assessed"><span aria-hidden="true">?</span> Not assessed</span> Controls evidenced by drift rules are not assessed: {{driftGap}}.</p>{{/driftGap}}
</section>
<section aria-labelledby="expiring-heading">
<h2 id="expiring-heading">Exceptions expired or expiring in the next {{expiringWindow}} days</h2>
{{^empty(expiringSoon)}}
<ul class="expiring">
{{/empty(expiringSoon)}}
{{#expiringSoon}}
<li>{{#entity}}<a href="{{pageHref}}">{{entityText}}</a>{{/entity}}{{^entity}}{{entityText}}{{/entity}}: {{ruleText}} {{when}}, approved by {{approvedBy}}{{#ticket}}, ticket {{ticket}}{{/ticket}}</li>
{{/expiringSoon}}
{{^empty(expiringSoon)}}
</ul>
{{/empty(expiringSoon)}}
{{^expiringSoon}}
<p class="empty">None.</p>
{{/expiringSoon}}
</section>
<section aria-labelledby="coverage-heading">
<h2 id="coverage-heading">Control coverage</h2>
<div class="table-wrap">
<table>
<caption class="visually-hidden">Control coverage per framework</caption>
<thead><tr><th scope="col">Framework</th><th scope="col">Controls</th><th scope="col">Evidenced by rules</th><th scope="col">Met by every service</th><th scope="col">Failing somewhere</th><th scope="col">Not assessed somewhere</th><th scope="col">Excepted somewhere</th></tr></thead>
<tbody>
{{#coverage}}
<tr><th scope="row"><a href="{{link.pageHref}}">{{link.text}}</a></th><td>{{controls}}</td><td>{{evidenced}}</td><td>{{met}}</td><td>{{failing}}</td><td>{{notAssessed}}</td><td>{{excepted}}</td></tr>
{{/coverage}}
</tbody>
</table>
</div>
<p><a href="{{root}}controls/index.html#matrix">Services × controls matrix</a></p>
</section>
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/issuers.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Issuers</h1>
<p class="lead">The token issuers services trust, their keys and the services that accept their tokens.</p>
{{#items}}
<section id="{{anchor}}" aria-labelledby="{{anchor}}.heading" class="entity">
<h2 id="{{anchor}}.heading">{{title}} <code class="entity-name">{{name}}</code></h2>
{{#description}}<p>{{description}}</p>{{/description}}
<dl class="facts">
<dt>Owner</dt><dd>{{#owner}}<a href="{{pageHref}}">{{text}}</a>{{/owner}}{{^owner}}{{ownerText}}{{/owner}}</dd>
<dt>Environment</dt><dd>{{environment}}</dd>
<dt><code>iss</code></dt><dd>{{#issuerURL}}<code>{{text}}</code>{{/issuerURL}}{{^issuerURL}}not set{{/issuerURL}}</dd>
<dt>Discovery</dt><dd>{{#discovery}}{{> html/partials/external}}{{/discovery}}{{^discovery}}not set{{/discovery}}</dd>
<dt>JWKS</dt><dd>{{#jwks}}{{> html/partials/external}}{{/jwks}}{{^jwks}}not set{{/jwks}}</dd>
<dt>Algorithms</dt><dd>{{algorithms}}</dd>
<dt>Accepted by</dt><dd>{{#acceptedBy}}<a href="{{pageHref}}">{{text}}</a> {{/acceptedBy}}{{^acceptedBy}}no service{{/acceptedBy}}</dd>
</dl>
<h3>Findings</h3>
{{> html/partials/findings-table}}
<h3>Drift from what it publishes</h3>
{{> html/partials/drift-status}}
</section>
{{/items}}
{{^items}}
<p class="empty">No issuers.</p>
{{/items}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/matrix.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<nav aria-label="Breadcrumb" class="breadcrumb"><a href="{{root}}controls/index.html#matrix">Controls</a> › <span>{{range}}</span></nav>
<h1>Coverage matrix: {{range}}</h1>
<p class="lead">Services {{range}} × the controls of every framework. ✓ met · ✗ failing · E excepted · ? not assessed (an evidencing rule did not run) · – no rule evidences the control.</p>
<p class="pager">{{#previous}}<a href="{{pageHref}}" rel="prev">← {{text}}</a>{{/previous}}{{#previous}}{{#next}} · {{/next}}{{/previous}}{{#next}}<a href="{{pageHref}}" rel="next">{{text}} →</a>{{/next}}</p>
{{> html/partials/matrix-table}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/partials/drift-findings.mustache"] = #"""
{{#drift}}
{{#reported}}
{{^empty(findings)}}
{{> html/partials/findings-table}}
{{/empty(findings)}}
{{#compared}}
{{#empty(findings)}}
<p class="empty">No drift: what is published and deployed matches the registry.</p>
{{/empty(findings)}}
{{/compared}}
{{^compared}}
<p class="empty">Not compared: {{notCompared}}. What was not compared is not known to match the registry.</p>
{{/compared}}
{{/reported}}
{{^reported}}
<p class="empty">This site was built without a drift report: run <code>audreg drift --format json &gt; drift.json</code>, then <code>audreg build --drift-report drift.json</code>.</p>
{{/reported}}
{{/drift}}

"""#
        files["templates/html/partials/drift-status.mustache"] = #"""
{{#drift.reported}}
<p>From the drift run of {{drift.when}} (<a href="{{root}}drift.html">all drift</a>).</p>
{{/drift.reported}}
{{> html/partials/drift-findings}}

"""#
        files["templates/html/partials/enforcement-row.mustache"] = #"""
<tr><th scope="row"><a href="{{service.pageHref}}">{{service.text}}</a></th><td><code>{{kind}}</code></td><td>{{enforcer}}</td><td>{{#configURL}}<a href="{{configURL}}"><code>{{source}}</code></a>{{/configURL}}{{^configURL}}<code>{{source}}</code>{{/configURL}}{{#provider}} (provider <code>{{provider}}</code>){{/provider}}</td><td>{{> html/partials/enforcement-state}}</td><td>{{whenOmitted}}</td></tr>

"""#
        files["templates/html/partials/enforcement-state.mustache"] = #"""
<span class="badge status-{{status}}"><span aria-hidden="true">{{symbol}}</span> {{stateLabel}}</span>{{#stateReason}} <span class="muted">{{stateReason}}</span>{{/stateReason}}{{#driftFindings}}<br><a href="{{rule.pageHref}}">{{rule.text}}</a>{{#sourceURL}} at <a href="{{sourceURL}}"><code>{{location}}</code></a>{{/sourceURL}}{{^sourceURL}} at <code>{{location}}</code>{{/sourceURL}}{{/driftFindings}}
"""#
        files["templates/html/partials/exceptions-table.mustache"] = #"""
{{^empty(exceptions)}}
<div class="table-wrap">
<table class="exceptions">
<caption class="visually-hidden">Exceptions</caption>
<thead><tr><th scope="col">Entity</th><th scope="col">Rule</th><th scope="col">Reason</th><th scope="col">Approved by</th><th scope="col">Ticket</th><th scope="col">Expires</th><th scope="col">Days left</th><th scope="col">Status</th><th scope="col">Suppressed</th></tr></thead>
<tbody>
{{/empty(exceptions)}}
{{#exceptions}}
<tr><td>{{#entity}}<a href="{{pageHref}}">{{entityText}}</a>{{/entity}}{{^entity}}{{entityText}}{{/entity}}</td><td>{{#rule}}<a href="{{pageHref}}">{{text}}</a>{{/rule}}{{^rule}}{{ruleText}}{{/rule}}</td><td>{{reason}}</td><td>{{approvedBy}}</td><td>{{ticket}}</td><td>{{expires}}</td><td>{{daysLeft}}</td><td><span class="badge status-{{status}}">{{statusLabel}}</span></td><td>{{suppressedCount}}</td></tr>
{{/exceptions}}
{{^empty(exceptions)}}
</tbody>
</table>
</div>
{{/empty(exceptions)}}
{{^exceptions}}
<p class="empty">No exceptions.</p>
{{/exceptions}}

"""#
        files["templates/html/partials/external.mustache"] = #"""
{{#externalURL}}<a href="{{externalURL}}" rel="noopener noreferrer">{{text}}</a>{{/externalURL}}{{^externalURL}}{{text}}{{/externalURL}}
"""#
        files["templates/html/partials/findings-table.mustache"] = #"""
{{^empty(findings)}}
<div class="table-wrap">
<table class="findings">
<caption class="visually-hidden">Findings</caption>
<thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Entity</th><th scope="col">Message</th><th scope="col">Where</th></tr></thead>
<tbody>
{{/empty(findings)}}
{{#findings}}
<tr><td><span class="badge sev-{{severity}}">{{severityLabel}}</span></td><td><a href="{{rule.pageHref}}">{{rule.text}}</a></td><td>{{#entity}}<a href="{{pageHref}}">{{entityText}}</a>{{/entity}}{{^entity}}{{entityText}}{{/entity}}</td><td>{{message}}</td><td>{{#sourceURL}}<a href="{{sourceURL}}"><code>{{location}}</code></a>{{/sourceURL}}{{^sourceURL}}<code>{{location}}</code>{{/sourceURL}}</td></tr>
{{/findings}}
{{^empty(findings)}}
</tbody>
</table>
</div>
{{/empty(findings)}}
{{^findings}}
<p class="empty">No open findings.</p>
{{/findings}}

"""#
        files["templates/html/partials/foot.mustache"] = #"""
</main>
<footer class="site-footer">
<p>Generated by <code>audreg build</code> from the registry. Page template: <code>{{chrome.template}}</code>.</p>
</footer>
</body>
</html>

"""#
        files["templates/html/partials/head.mustache"] = ##"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>{{chrome.pageTitle}} · {{chrome.siteTitle}}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{root}}assets/style.css">
<link rel="stylesheet" href="{{root}}assets/print.css" media="print">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<p class="site-title"><a href="{{root}}index.html">{{chrome.siteTitle}}</a></p>
<nav aria-label="Site">
<ul>
{{#chrome.nav}}
<li><a href="{{pageHref}}"{{#current}} aria-current="page"{{/current}}>{{text}}</a></li>
{{/chrome.nav}}
</ul>
</nav>
<form class="site-search" role="search" action="{{root}}search.html" method="get">
<label for="site-search-input">Search the registry</label>
<input id="site-search-input" name="q" type="search" placeholder="service, audience, rule…">
<button type="submit">Search</button>
</form>
</header>
<main id="main" tabindex="-1">

"""##
        files["templates/html/partials/history-table.mustache"] = #"""
{{^empty(history)}}
<div class="table-wrap">
<table class="history">
<caption class="visually-hidden">Widening and narrowing changes, newest first</caption>
<thead><tr><th scope="col">Change</th><th scope="col">Entity</th><th scope="col">What changed</th><th scope="col">Commit</th><th scope="col">Author</th><th scope="col">Date</th><th scope="col">Findings it introduced</th></tr></thead>
<tbody>
{{/empty(history)}}
{{#history}}
<tr class="history-{{kind}}"><td><span class="badge change-{{kind}}"><span aria-hidden="true">{{symbol}}</span> {{kindLabel}}</span></td><td>{{#entity}}<a href="{{pageHref}}">{{entityText}}</a>{{/entity}}{{^entity}}{{entityText}}{{/entity}}</td><td>{{summary}}</td><td>{{#commitURL}}<a href="{{commitURL}}"><code>{{commit}}</code></a>{{/commitURL}}{{^commitURL}}<code>{{commit}}</code>{{/commitURL}} <span class="muted">{{subject}}</span></td><td>{{author}}</td><td>{{date}}</td><td>{{#findings}}<span class="badge sev-{{severity}}">{{severityLabel}}</span> <a href="{{rule.pageHref}}">{{rule.text}}</a>: {{message}}{{#sourceURL}} (<a href="{{sourceURL}}"><code>{{location}}</code></a>){{/sourceURL}}<br>{{/findings}}{{^findings}}none{{/findings}}</td></tr>
{{/history}}
{{^empty(history)}}
</tbody>
</table>
</div>
{{/empty(history)}}

"""#
        files["templates/html/partials/hops-downstream.mustache"] = #"""
{{^empty(downstream)}}
<div class="table-wrap">
<table class="hops">
<caption class="visually-hidden">Downstream calls</caption>
<thead><tr><th scope="col">Calls</th><th scope="col">Token</th><th scope="col">What happens</th><th scope="col">Why</th></tr></thead>
<tbody>
{{/empty(downstream)}}
{{#downstream}}
<tr><th scope="row">{{#to}}<a href="{{pageHref}}">{{text}}</a>{{/to}}{{^to}}{{toText}}{{/to}}</th><td><span class="hop hop-{{mode}}">{{modeLabel}}</span></td><td>{{explanation}}</td><td>{{reason}}</td></tr>
{{/downstream}}
{{^empty(downstream)}}
</tbody>
</table>
</div>
{{/empty(downstream)}}
{{^downstream}}
<p class="empty">Calls no other service in the registry.</p>
{{/downstream}}

"""#
        files["templates/html/partials/hops-upstream.mustache"] = #"""
{{^empty(upstream)}}
<ul>
{{/empty(upstream)}}
{{#upstream}}
<li>{{#from}}<a href="{{pageHref}}">{{text}}</a>{{/from}}{{^from}}{{fromText}}{{/from}}: <span class="hop hop-{{mode}}">{{modeLabel}}</span>{{#reason}}. {{reason}}{{/reason}}</li>
{{/upstream}}
{{^empty(upstream)}}
</ul>
{{/empty(upstream)}}
{{^upstream}}
<p class="empty">No service in the registry calls it.</p>
{{/upstream}}

"""#
        files["templates/html/partials/link.mustache"] = #"""
<a href="{{pageHref}}">{{text}}</a>

"""#
        files["templates/html/partials/matrix-table.mustache"] = #"""
<div class="table-wrap matrix-wrap">
<table class="matrix">
<caption class="visually-hidden">Services × controls</caption>
<thead><tr><th scope="col">Service</th>{{#columns}}<th scope="col"><a href="{{control.pageHref}}" title="{{title}}">{{control.text}}</a></th>{{/columns}}</tr></thead>
<tbody>
{{#rows}}
<tr><th scope="row"><a href="{{service.pageHref}}">{{service.text}}</a></th>{{#cells}}<td class="status-{{status}}" title="{{label}}"><span aria-hidden="true">{{symbol}}</span><span class="visually-hidden">{{label}}</span></td>{{/cells}}</tr>
{{/rows}}
</tbody>
</table>
</div>

"""#
        files["templates/html/rule.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<nav aria-label="Breadcrumb" class="breadcrumb"><a href="{{root}}rules/index.html">Rules</a> › <span>{{id}}</span></nav>
<h1>{{name}} <code class="entity-name">{{id}}</code></h1>
<p class="lead">{{summary}}</p>
<dl class="facts">
<dt>Default severity</dt><dd><span class="badge sev-{{severity}}">{{severity}}</span></dd>
<dt>Stage</dt><dd>{{stage}}</dd>
<dt>Controls</dt><dd>{{#controls}}<a href="{{pageHref}}">{{text}}</a> {{/controls}}{{^controls}}none{{/controls}}</dd>
</dl>
<h2>Why it matters</h2>
<p>{{rationale}}</p>
<h2>How to fix</h2>
<p>{{remediation}}</p>
{{^empty(references)}}
<h2>References</h2>
<ul>
{{#references}}
<li>{{> html/partials/external}}</li>
{{/references}}
</ul>
{{/empty(references)}}
<h2>Examples that raise it</h2>
<p>The arrow ↓ marks where each finding starts.</p>
{{#triggering}}
<pre class="example"><code>{{yaml}}</code></pre>
{{/triggering}}
<h2>Examples that do not</h2>
{{#nonTriggering}}
<pre class="example"><code>{{yaml}}</code></pre>
{{/nonTriggering}}
<h2>Current findings</h2>
{{> html/partials/findings-table}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/rules.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Rules</h1>
<p class="lead">Every rule audreg checks, with its default severity and the findings it raises on this registry.</p>
<div class="table-wrap">
<table class="rules">
<caption class="visually-hidden">Rules</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Summary</th><th scope="col">Open findings</th></tr></thead>
<tbody>
{{#items}}
<tr><th scope="row"><a href="{{link.pageHref}}">{{id}}</a><br><span class="muted">{{name}}</span></th><td><span class="badge sev-{{severity}}">{{severity}}</span></td><td>{{summary}}</td><td>{{findingCount}}</td></tr>
{{/items}}
</tbody>
</table>
</div>
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/search.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Search</h1>
<form class="search-page" role="search" action="search.html" method="get">
<label for="search-query">Find a service, audience, issuer, team, rule or control</label>
<input id="search-query" name="q" type="search" autocomplete="off">
<button type="submit">Search</button>
</form>
<section aria-labelledby="results-heading" id="search-results-section" hidden>
<h2 id="results-heading">Results</h2>
<p id="search-status" role="status" aria-live="polite"></p>
<ul id="search-results"></ul>
</section>
<section aria-labelledby="everything-heading">
<h2 id="everything-heading">Everything in the registry</h2>
<p>Without JavaScript, use your browser's find in page on this list.</p>
<ul class="search-all" id="search-all">
{{#items}}
<li><span class="kind">{{kind}}</span> <a href="{{link.pageHref}}">{{title}}</a> <span class="muted">{{detail}}</span></li>
{{/items}}
</ul>
</section>
{{/page}}
<script src="{{root}}search-index.js"></script>
<script src="{{root}}assets/search.js"></script>
{{> html/partials/foot}}

"""#
        files["templates/html/service.mustache"] = ##"""
{{> html/partials/head}}
{{#page}}
<nav aria-label="Breadcrumb" class="breadcrumb"><a href="{{root}}services/index.html">Services</a> › <span>{{name}}</span></nav>
<h1>{{#titled}}{{title}} {{/titled}}<code class="entity-name">{{name}}</code></h1>
{{#description}}<p class="lead">{{description}}</p>{{/description}}
<dl class="facts">
<dt>Owner</dt><dd>{{#owner}}<a href="{{pageHref}}">{{text}}</a>{{/owner}}{{^owner}}{{ownerText}}{{/owner}}</dd>
<dt>Environment</dt><dd>{{environment}}</dd>
<dt>Defined in</dt><dd>{{#definedURL}}<a href="{{definedURL}}"><code>{{source}}</code></a>{{/definedURL}}{{^definedURL}}<code>{{source}}</code>{{/definedURL}}{{#editURL}} · <a class="edit-link" href="{{editURL}}">Edit this file</a>{{/editURL}}</dd>
{{#lastChange}}
<dt>Last changed</dt><dd>{{date}} in commit {{#commitURL}}<a href="{{commitURL}}"><code>{{commit}}</code></a>{{/commitURL}}{{^commitURL}}<code>{{commit}}</code>{{/commitURL}}</dd>
{{/lastChange}}
{{#labels}}
<dt>Label <code>{{key}}</code></dt><dd>{{value}}</dd>
{{/labels}}
</dl>

<section aria-labelledby="q-authentic">
<h2 id="q-authentic">1. Is the token authentic?</h2>
<p>Tokens are accepted only from these issuers, signed with these algorithms, of these types and lifetimes.</p>
{{^empty(accepts)}}
<div class="table-wrap">
<table>
<caption class="visually-hidden">Accepted issuers</caption>
<thead><tr><th scope="col">Issuer</th><th scope="col"><code>iss</code></th><th scope="col">Algorithms</th><th scope="col">Token types</th><th scope="col">Max lifetime</th><th scope="col">Required claims</th><th scope="col">JWKS</th></tr></thead>
<tbody>
{{/empty(accepts)}}
{{#accepts}}
<tr><th scope="row">{{#issuer}}<a href="{{pageHref}}">{{text}}</a>{{/issuer}}{{^issuer}}{{issuerName}} <span class="badge sev-error">unknown</span>{{/issuer}}</th><td>{{#issuerURL}}<code>{{text}}</code>{{/issuerURL}}</td><td>{{algorithms}}</td><td>{{tokenTypes}}</td><td>{{maxLifetime}}</td><td>{{requiredClaims}}</td><td>{{#jwks}}{{> html/partials/external}}{{/jwks}}</td></tr>
{{/accepts}}
{{^empty(accepts)}}
</tbody>
</table>
</div>
{{/empty(accepts)}}
{{^accepts}}
<p class="empty">No issuer is accepted: every token is rejected.</p>
{{/accepts}}
</section>

<section aria-labelledby="q-audience">
<h2 id="q-audience">2. Was it issued for this service?</h2>
<p>The <code>aud</code> claim must hold one of these audiences.</p>
<ul class="audiences">
{{#audiences}}
<li><a href="{{link.pageHref}}"><code class="audience">{{value}}</code></a>{{#flagged}} <span class="badge sev-warning">see findings</span>{{/flagged}}</li>
{{/audiences}}
</ul>
{{^audiences}}
<p class="empty">No audience: the service cannot tell tokens meant for it from tokens meant for others.</p>
{{/audiences}}
</section>

<section aria-labelledby="q-authorization">
<h2 id="q-authorization">3. What may the caller do?</h2>
<dl class="facts">
<dt>Scopes</dt><dd>{{#scopes}}<code>{{.}}</code> {{/scopes}}{{^scopes}}none{{/scopes}}</dd>
<dt>Roles</dt><dd>{{#roles}}<code>{{.}}</code> {{/roles}}{{^roles}}none{{/roles}}</dd>
</dl>
</section>

<section aria-labelledby="hops-heading">
<h2 id="hops-heading">Downstream calls and how tokens cross them</h2>
{{> html/partials/hops-downstream}}
<h3>Called by</h3>
{{> html/partials/hops-upstream}}
</section>

<section aria-labelledby="enforcement-heading">
<h2 id="enforcement-heading">Enforcement points</h2>
<p>The deployments that decide whether a token is accepted, and whether each checks the audience{{#drift.reported}}, as the drift run of {{drift.when}} found it{{/drift.reported}}{{^drift.reported}}: not assessed, since this site was built without a drift report{{/drift.reported}} (<a href="{{root}}enforcers.html">all enforcers</a>).</p>
{{^empty(enforcement)}}
<div class="table-wrap">
<table class="enforcement">
<caption class="visually-hidden">Enforcement points</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">Enforcer</th><th scope="col">Config</th><th scope="col">Audience check</th><th scope="col">If the audience is omitted</th></tr></thead>
<tbody>
{{/empty(enforcement)}}
{{#enforcement}}
<tr><td><code>{{kind}}</code></td><td>{{enforcer}}</td><td>{{#configURL}}<a href="{{configURL}}"><code>{{source}}</code></a>{{/configURL}}{{^configURL}}<code>{{source}}</code>{{/configURL}}{{#provider}} (provider <code>{{provider}}</code>){{/provider}}</td><td>{{> html/partials/enforcement-state}}</td><td>{{whenOmitted}}</td></tr>
{{/enforcement}}
{{^empty(enforcement)}}
</tbody>
</table>
</div>
{{/empty(enforcement)}}
{{^enforcement}}
<p class="empty">No deployment configuration is linked, so nothing says where this service's audience is enforced.</p>
{{/enforcement}}
</section>

<section aria-labelledby="findings-heading">
<h2 id="findings-heading">Findings</h2>
{{> html/partials/findings-table}}
{{^empty(exposedFindings)}}
<h3 id="exposed-heading">Findings elsewhere that expose this service</h3>
<p>Findings on an issuer it accepts (published keys included), its team, the policy, or the file it is defined in. They count against its controls.</p>
<div class="table-wrap">
<table class="findings">
<caption class="visually-hidden">Findings that expose this service</caption>
<thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Entity</th><th scope="col">Message</th><th scope="col">Where</th></tr></thead>
<tbody>
{{/empty(exposedFindings)}}
{{#exposedFindings}}
<tr><td><span class="badge sev-{{severity}}">{{severityLabel}}</span></td><td><a href="{{rule.pageHref}}">{{rule.text}}</a></td><td>{{#entity}}<a href="{{pageHref}}">{{entityText}}</a>{{/entity}}{{^entity}}{{entityText}}{{/entity}}</td><td>{{message}}</td><td>{{#sourceURL}}<a href="{{sourceURL}}"><code>{{location}}</code></a>{{/sourceURL}}{{^sourceURL}}<code>{{location}}</code>{{/sourceURL}}</td></tr>
{{/exposedFindings}}
{{^empty(exposedFindings)}}
</tbody>
</table>
</div>
{{/empty(exposedFindings)}}
</section>

<section aria-labelledby="drift-heading">
<h2 id="drift-heading">Drift from what is deployed</h2>
{{> html/partials/drift-status}}
</section>

<section aria-labelledby="exceptions-heading">
<h2 id="exceptions-heading">Exceptions</h2>
{{> html/partials/exceptions-table}}
</section>

<section aria-labelledby="history-heading">
<h2 id="history-heading">Trust history</h2>
{{#historyBuilt}}
{{> html/partials/history-table}}
{{^history}}
<p class="empty">No commit in the <a href="{{root}}history.html">trust history</a> widened or narrowed this service's access.</p>
{{/history}}
{{/historyBuilt}}
{{^historyBuilt}}
<p class="empty">This site was built without a <a href="{{root}}history.html">trust history</a>.</p>
{{/historyBuilt}}
</section>

<section aria-labelledby="evidence-heading">
<h2 id="evidence-heading">Evidence for this service</h2>
<dl class="facts evidence">
{{#evidence}}
<dt>{{label}}</dt><dd><span class="badge status-{{status}}">{{#ran}}<span aria-hidden="true">✓</span> Ran{{/ran}}{{^ran}}<span aria-hidden="true">?</span> Not run{{/ran}}</span> {{text}}</dd>
{{/evidence}}
</dl>
</section>

<section aria-labelledby="controls-heading">
<h2 id="controls-heading">Controls this service evidences</h2>
<p>✓ Met: every evidencing rule ran and none has a finding here · ✗ Failing: a finding · E Excepted: findings suppressed by an exception · ? Not assessed: an evidencing rule did not run for this service.</p>
<h3>Failing, excepted or not assessed</h3>
{{^empty(controlsAttention)}}
<div class="table-wrap">
<table>
<caption class="visually-hidden">Controls failing, excepted or not assessed</caption>
<thead><tr><th scope="col">Control</th><th scope="col">Framework</th><th scope="col">Status</th><th scope="col">Open or excepted findings, rules not run</th></tr></thead>
<tbody>
{{/empty(controlsAttention)}}
{{#controlsAttention}}
<tr><th scope="row"><a href="{{control.pageHref}}">{{controlID}}</a> <span class="muted">{{title}}</span></th><td>{{framework}}</td><td><span class="badge status-{{status}}"><span aria-hidden="true">{{symbol}}</span> {{statusLabel}}</span></td><td>{{#failingRules}}<a href="{{pageHref}}">{{text}}</a> (finding) {{/failingRules}}{{#exceptedRules}}<a href="{{pageHref}}">{{text}}</a> (excepted) {{/exceptedRules}}{{#exceptedUntil}}until {{exceptedUntil}} (<a href="#exceptions-heading">exceptions</a>) {{/exceptedUntil}}{{^empty(notRun)}}not run: {{#notRun}}<a href="{{rule.pageHref}}">{{rule.text}}</a> {{/notRun}}{{/empty(notRun)}}</td></tr>
{{/controlsAttention}}
{{^empty(controlsAttention)}}
</tbody>
</table>
</div>
{{/empty(controlsAttention)}}
{{^controlsAttention}}
<p class="empty">None: every rule that evidences a control ran for this service, and none has an open or excepted finding here.</p>
{{/controlsAttention}}
{{^empty(notRunReasons)}}
<h3>Rules that did not run</h3>
<ul>
{{#notRunReasons}}
<li>Because {{reason}}: {{#rules}}<a href="{{pageHref}}">{{text}}</a> {{/rules}}</li>
{{/notRunReasons}}
</ul>
{{/empty(notRunReasons)}}
<h3>Met</h3>
<p class="control-list">{{#controlsMet}}<a href="{{control.pageHref}}" title="{{title}}">{{controlID}}</a> {{/controlsMet}}{{^controlsMet}}None.{{/controlsMet}}</p>
</section>
{{/page}}
{{> html/partials/foot}}

"""##
        files["templates/html/services.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Services</h1>
<p class="lead">Every service in the registry, with its owner and the audiences it accepts.</p>
<div class="table-wrap">
<table class="services">
<caption class="visually-hidden">Services</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Owner</th><th scope="col">Environment</th><th scope="col">Audiences</th><th scope="col">Open findings</th></tr></thead>
<tbody>
{{#items}}
<tr><th scope="row"><a href="{{link.pageHref}}">{{link.text}}</a><br><span class="muted">{{title}}</span></th><td>{{#owner}}<a href="{{pageHref}}">{{text}}</a>{{/owner}}{{^owner}}{{ownerText}}{{/owner}}</td><td>{{environment}}</td><td>{{#audiences}}<code class="audience">{{.}}</code> {{/audiences}}</td><td>{{#hasFindings}}<span class="badge sev-warning">{{findingCount}}</span>{{/hasFindings}}{{^hasFindings}}0{{/hasFindings}}</td></tr>
{{/items}}
</tbody>
</table>
</div>
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/teams.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Teams</h1>
<p class="lead">Who owns which service and issuer, and the open findings on what they own.</p>
{{#items}}
<section id="{{anchor}}" aria-labelledby="{{anchor}}.heading" class="entity">
<h2 id="{{anchor}}.heading">{{title}} <code class="entity-name">{{name}}</code></h2>
{{#description}}<p>{{description}}</p>{{/description}}
<dl class="facts">
<dt>Contact</dt><dd>{{#contact}}{{> html/partials/external}}{{/contact}}{{^contact}}not set{{/contact}}</dd>
<dt>Services</dt><dd>{{#services}}<a href="{{pageHref}}">{{text}}</a> {{/services}}{{^services}}none{{/services}}</dd>
<dt>Issuers</dt><dd>{{#issuers}}<a href="{{pageHref}}">{{text}}</a> {{/issuers}}{{^issuers}}none{{/issuers}}</dd>
<dt>Open findings</dt><dd>{{findingCount}}</dd>
</dl>
<h3>Open findings</h3>
{{> html/partials/findings-table}}
</section>
{{/items}}
{{^items}}
<p class="empty">No teams.</p>
{{/items}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/html/token-flow.mustache"] = #"""
{{> html/partials/head}}
{{#page}}
<h1>Token flow</h1>
<p class="lead">Services grouped by environment, with an arrow for every downstream call. Click a service to open its page.</p>
<ul class="legend" aria-label="Legend">
{{#legend}}
<li data-mode="{{mode}}">{{{swatch}}} <span class="hop hop-{{mode}}">{{label}}</span>: {{description}}</li>
{{/legend}}
</ul>
<figure class="token-flow-figure">
{{{svg}}}
<figcaption>Layout: {{engine}}. The table below lists every hop as text.</figcaption>
</figure>
<h2 id="hops-heading">Every hop</h2>
{{^empty(hops)}}
<div class="table-wrap">
<table class="hops">
<caption class="visually-hidden">Every hop</caption>
<thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Token</th><th scope="col">Why</th></tr></thead>
<tbody>
{{/empty(hops)}}
{{#hops}}
<tr><th scope="row">{{#from}}<a href="{{pageHref}}">{{text}}</a>{{/from}}{{^from}}{{fromText}}{{/from}}</th><td>{{#to}}<a href="{{pageHref}}">{{text}}</a>{{/to}}{{^to}}{{toText}}{{/to}}</td><td><span class="hop hop-{{mode}}">{{modeLabel}}</span></td><td>{{reason}}</td></tr>
{{/hops}}
{{^empty(hops)}}
</tbody>
</table>
</div>
{{/empty(hops)}}
{{^hops}}
<p class="empty">No service declares a downstream call.</p>
{{/hops}}
{{/page}}
{{> html/partials/foot}}

"""#
        files["templates/markdown/audiences.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Audiences

Every audience and the services that accept it. Flagged audiences are marked ⚠.

| Audience | Accepted by | Flags |
| --- | --- | --- |
{{#items}}
| {{#flagged}}⚠ {{/flagged}}<a id="{{{anchor}}}"></a>{{value}} | {{#services}}[{{text}}]({{{pageMd}}}) {{/services}}{{#shared}}**shared**{{/shared}} | {{#flags}}[{{rule.text}}]({{{rule.pageMd}}}): {{message}} {{/flags}} |
{{/items}}
{{/page}}

"""#
        files["templates/markdown/control.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# {{id}}: {{title}}

> {{text}}

- **Framework:** [{{frameworkTitle}}]({{{framework.pageMd}}})
{{#url}}
- **Source:** {{> markdown/partials/external}}
{{/url}}
{{#aliases}}
- **Also known as:** {{aliases}}
{{/aliases}}

## Rules that provide evidence

{{#rules}}
- [{{id}}]({{{link.pageMd}}}): {{summary}} ({{findingCount}} open findings)
{{/rules}}
{{^rules}}
No rule evidences this control yet; it needs evidence from elsewhere.
{{/rules}}
{{#evidenced}}

## Evidence

| Rule | Looks at | Source and date | Ran | Result |
| --- | --- | --- | --- | --- |
{{#evidence}}
| [{{rule.text}}]({{{rule.pageMd}}}) | {{scope}} | {{source}} | {{ran}} | {{symbol}} {{statusLabel}}: {{result}} |
{{/evidence}}

## Status per service

✓ {{met}} met · ✗ {{failing}} failing · E {{excepted}} excepted · ? {{notAssessed}} not assessed

### Failing or excepted

{{^empty(attention)}}
| Service | Status | Failing rules | Excepted rules |
| --- | --- | --- | --- |
{{/empty(attention)}}
{{#attention}}
| [{{service.text}}]({{{service.pageMd}}}) | {{symbol}} {{statusLabel}} | {{#failingRules}}[{{text}}]({{{pageMd}}}) {{/failingRules}} | {{#exceptedRules}}[{{text}}]({{{pageMd}}}) {{/exceptedRules}}{{#exceptedUntil}}until {{exceptedUntil}}{{/exceptedUntil}} |
{{/attention}}
{{^attention}}
No service fails this control or holds an exception for it.
{{/attention}}

### Not assessed

{{#unassessed}}
? Not assessed, {{count}} service(s): {{reason}}.

{{#services}}[{{text}}]({{{pageMd}}}) {{/services}}

{{/unassessed}}
{{^unassessed}}
None: every evidencing rule ran for every service.

{{/unassessed}}
### Met

{{#metServices}}[{{text}}]({{{pageMd}}}) {{/metServices}}{{^metServices}}No service meets it.{{/metServices}}
{{/evidenced}}
{{/page}}

"""#
        files["templates/markdown/controls.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Controls

A control is met by a service only when every rule that evidences it ran for that service and none has an open finding there; when a rule did not run (no recent drift report, nothing deployed to check) it is not assessed.

{{#frameworks}}
<a id="{{{anchor}}}"></a>
## {{title}}

Version {{version}}{{#url}} · {{> markdown/partials/external}}{{/url}}

| Control | Title | Rules | Met | Failing | Excepted | Not assessed |
| --- | --- | --- | --- | --- | --- | --- |
{{#controls}}
| [{{id}}]({{{link.pageMd}}}) | {{title}} | {{ruleCount}} | {{met}} | {{failing}} | {{excepted}} | {{notAssessed}} |
{{/controls}}

{{/frameworks}}
<a id="matrix"></a>
## Coverage matrix: services × controls

✓ met · ✗ failing · E excepted · ? not assessed (an evidencing rule did not run) · – no rule evidences the control.

{{#matrixInline}}
{{> markdown/partials/matrix-table}}
{{/matrixInline}}
{{^matrixInline}}
With {{serviceCount}} services the matrix is split into pages of {{pageSize}} services, in name order:

{{#matrixPages}}
- [{{text}}]({{{pageMd}}})
{{/matrixPages}}
{{/matrixInline}}
{{/page}}

"""#
        files["templates/markdown/drift.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Drift

Where what issuers publish (discovery documents, JWKS) and what enforcement points enforce (gateways, frameworks, cloud authorizers, federation trusts) differs from the registry, as found by the last `audreg drift` run given to this build.

{{#drift.reported}}
Run of {{drift.when}}.

| Severity | Count |
| --- | --- |
{{#severities}}
| {{label}} | {{count}} |
{{/severities}}

{{#hasUnmatched}}
**Stale:** {{unmatched}} finding(s) concern entities this registry does not have: the report is older than the registry.

{{/hasUnmatched}}
{{/drift.reported}}
{{> markdown/partials/drift-findings}}
{{#hasNotes}}

## Run notes

What the run observed that is not a finding: no control fails and no exit status changes because of a note.

{{#notes}}
- **{{kind}}** {{subject}}: {{message}}
{{/notes}}
{{/hasNotes}}
{{/page}}

"""#
        files["templates/markdown/enforcers.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Enforcers

Every enforcement point the registry declares (a deployment of a service: the gateway, proxy or framework config that decides whether a token is accepted), whether it checks the token's audience, and what each kind of enforcer does when the audience is left out.

{{#reported}}
From the drift run of {{when}} ([all drift]({{{root}}}drift.md)).{{#reportGap}} No enforcement point counts as checking: {{reportGap}}.{{/reportGap}}

{{/reported}}
{{^reported}}
This site was built without a drift report, so no enforcement point is assessed: run `audreg drift --format json` and build with `--drift-report`.

{{/reported}}
{{total}} enforcement points: {{offCount}} with the audience check off, {{unassessedCount}} not assessed, {{checkingCount}} checking.
{{^empty(undeclared)}}

{{undeclaredCount}} service(s) declare no deployment, so where their audience is enforced is not known: {{#undeclared}}[{{text}}]({{{pageMd}}}) {{/undeclared}}
{{/empty(undeclared)}}

## Audience check off

{{^empty(off)}}
| Service | Kind | Enforcer | Config | Audience check | If the audience is omitted |
| --- | --- | --- | --- | --- | --- |
{{/empty(off)}}
{{#off}}
{{> markdown/partials/enforcement-row}}
{{/off}}
{{^off}}
{{#reported}}None among the enforcement points the drift run read.{{/reported}}{{^reported}}Not known: nothing was assessed.{{/reported}}
{{/off}}

## Not assessed

{{^empty(unassessed)}}
| Service | Kind | Enforcer | Config | Audience check | If the audience is omitted |
| --- | --- | --- | --- | --- | --- |
{{/empty(unassessed)}}
{{#unassessed}}
{{> markdown/partials/enforcement-row}}
{{/unassessed}}
{{^unassessed}}
None.
{{/unassessed}}

## Checking the audience

{{^empty(checking)}}
| Service | Kind | Enforcer | Config | Audience check | If the audience is omitted |
| --- | --- | --- | --- | --- | --- |
{{/empty(checking)}}
{{#checking}}
{{> markdown/partials/enforcement-row}}
{{/checking}}
{{^checking}}
None{{^reported}}: nothing was assessed{{/reported}}.
{{/checking}}

## What each enforcer does with the audience

| Enforcer | Kind | Audience setting | When omitted | Matching | Documentation |
| --- | --- | --- | --- | --- | --- |
{{#enforcers}}
| {{name}} | {{kind}} | {{audienceFields}} | {{whenOmitted}}{{#whenEmpty}}; empty: {{whenEmpty}}{{/whenEmpty}}{{#limitation}} ({{limitation}}){{/limitation}} | {{matching}} | {{#reference}}{{> markdown/partials/external}}{{/reference}} |
{{/enforcers}}
{{/page}}

"""#
        files["templates/markdown/exceptions.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Exceptions

{{^empty(items)}}
| Entity | Rule | Reason | Approved by | Ticket | Expires | Days left | Status | Suppressed |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
{{/empty(items)}}
{{#items}}
| {{#entity}}[{{entityText}}]({{{pageMd}}}){{/entity}}{{^entity}}{{entityText}}{{/entity}} | {{#rule}}[{{text}}]({{{pageMd}}}){{/rule}}{{^rule}}{{ruleText}}{{/rule}} | {{reason}} | {{approvedBy}} | {{ticket}} | {{expires}} | {{daysLeft}} | {{statusLabel}} | {{suppressedCount}} |
{{/items}}
{{^items}}
No exceptions.
{{/items}}
{{/page}}

"""#
        files["templates/markdown/findings.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Findings

Every open finding, in file order. Findings suppressed by an approved exception are in the [exceptions register]({{{root}}}exceptions.md).

{{^empty(items)}}
| Severity | Rule | Entity | Message | Where |
| --- | --- | --- | --- | --- |
{{/empty(items)}}
{{#items}}
| {{severityLabel}} | [{{rule.text}}]({{{rule.pageMd}}}) | {{#entity}}[{{entityText}}]({{{pageMd}}}){{/entity}}{{^entity}}{{entityText}}{{/entity}} | {{message}} | {{#sourceURL}}[{{location}}]({{{sourceURL}}}){{/sourceURL}}{{^sourceURL}}{{location}}{{/sourceURL}} |
{{/items}}
{{^items}}
No open findings.
{{/items}}
{{/page}}

"""#
        files["templates/markdown/history.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Trust history

Every change of the registry's history that widened or narrowed access, newest first: who may present which token to whom, changed in which commit, by whom, and the findings the change introduced. Each commit is compared with the one before it by the engine of `audreg diff`.

{{#built}}
{{commitCount}} commit(s) read (at most {{limit}}, following first parents): ▲ {{widening}} widening, ▼ {{narrowing}} narrowing.

{{#note}}
{{note}}

{{/note}}
{{> markdown/partials/history-table}}
{{^history}}
No commit in this history widened or narrowed access.
{{/history}}

## Commits without a widening or narrowing

{{^empty(quiet)}}
| Commit | Author | Date | Neutral changes |
| --- | --- | --- | --- |
{{/empty(quiet)}}
{{#quiet}}
| {{#commitURL}}[{{commit}}]({{{commitURL}}}){{/commitURL}}{{^commitURL}}{{commit}}{{/commitURL}} {{subject}} | {{author}} | {{date}} | {{neutral}} |
{{/quiet}}
{{^quiet}}
None.
{{/quiet}}
{{/built}}
{{^built}}
{{reason}} Build from a git working tree, or pass `--history N`.
{{/built}}
{{/page}}

"""#
        files["templates/markdown/index.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Overview

Which service accepts which JWT audiences, who issues the tokens, and what the rules found. Dates are checked against {{today}}.

## The registry at a glance

| What | Count |
| --- | --- |
{{#counts}}
| [{{label}}]({{{link.pageMd}}}) | {{value}} |
{{/counts}}

## Findings by severity

| Severity | Count |
| --- | --- |
{{#severities}}
| {{label}} | {{count}} |
{{/severities}}

## Drift

{{#drift.reported}}
The last drift run ({{drift.when}}) found [{{driftCount}} difference(s)]({{{root}}}drift.md) between the registry and what is published and deployed.
{{/drift.reported}}
{{^drift.reported}}
No drift report was given to this build ([how to add one]({{{root}}}drift.md)).
{{/drift.reported}}

- **Drift evidence:** {{driftEvidence}} (it assesses controls while at most {{maxDriftAge}} days old)
- **Registry evidence:** {{registryEvidence}}
{{#driftGap}}

? Not assessed: controls evidenced by drift rules are not assessed: {{driftGap}}.
{{/driftGap}}

## Exceptions expired or expiring in the next {{expiringWindow}} days

{{#expiringSoon}}
- {{entityText}}: {{ruleText}} {{when}}, approved by {{approvedBy}}
{{/expiringSoon}}
{{^expiringSoon}}
None.
{{/expiringSoon}}

## Control coverage

| Framework | Controls | Evidenced by rules | Met by every service | Failing somewhere | Not assessed somewhere | Excepted somewhere |
| --- | --- | --- | --- | --- | --- | --- |
{{#coverage}}
| [{{link.text}}]({{{link.pageMd}}}) | {{controls}} | {{evidenced}} | {{met}} | {{failing}} | {{notAssessed}} | {{excepted}} |
{{/coverage}}
{{/page}}

"""#
        files["templates/markdown/issuers.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Issuers

{{#items}}
<a id="{{{anchor}}}"></a>
## {{title}} ({{name}})

{{#description}}
{{description}}

{{/description}}
- **Owner:** {{ownerText}}
- **Environment:** {{environment}}
- **iss:** {{#issuerURL}}{{text}}{{/issuerURL}}{{^issuerURL}}not set{{/issuerURL}}
- **Discovery:** {{#discovery}}{{> markdown/partials/external}}{{/discovery}}{{^discovery}}not set{{/discovery}}
- **JWKS:** {{#jwks}}{{> markdown/partials/external}}{{/jwks}}{{^jwks}}not set{{/jwks}}
- **Algorithms:** {{algorithms}}
- **Accepted by:** {{#acceptedBy}}[{{text}}]({{{pageMd}}}) {{/acceptedBy}}{{^acceptedBy}}no service{{/acceptedBy}}

### Findings

{{> markdown/partials/findings-table}}

### Drift from what it publishes

{{> markdown/partials/drift-status}}

{{/items}}
{{/page}}

"""#
        files["templates/markdown/matrix.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Coverage matrix: {{range}}

Services {{range}} × the controls of every framework. ✓ met · ✗ failing · E excepted · ? not assessed (an evidencing rule did not run) · – no rule evidences the control.

{{#previous}}[← {{text}}]({{{pageMd}}}) {{/previous}}{{#next}}[{{text}} →]({{{pageMd}}}){{/next}}

{{> markdown/partials/matrix-table}}
{{/page}}

"""#
        files["templates/markdown/mkdocs.yml.mustache"] = #"""
# Written by audreg build. Publish with: mkdocs build -f mkdocs.yml (or Backstage TechDocs).
site_name: {{&siteName}}
docs_dir: docs
use_directory_urls: false
markdown_extensions:
  - tables
  - toc:
      permalink: true
nav:
{{#nav}}
  - "{{title}}": {{md}}
{{/nav}}

"""#
        files["templates/markdown/partials/drift-findings.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{#drift}}
{{#reported}}
{{^empty(findings)}}
{{> markdown/partials/findings-table}}
{{/empty(findings)}}
{{#compared}}
{{#empty(findings)}}
No drift: what is published and deployed matches the registry.
{{/empty(findings)}}
{{/compared}}
{{^compared}}
Not compared: {{notCompared}}. What was not compared is not known to match the registry.
{{/compared}}
{{/reported}}
{{^reported}}
This site was built without a drift report: run `audreg drift --format json > drift.json`, then `audreg build --drift-report drift.json`.
{{/reported}}
{{/drift}}

"""#
        files["templates/markdown/partials/drift-status.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{#drift.reported}}
From the drift run of {{drift.when}} ([all drift]({{{root}}}drift.md)).

{{/drift.reported}}
{{> markdown/partials/drift-findings}}

"""#
        files["templates/markdown/partials/enforcement-row.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
| [{{service.text}}]({{{service.pageMd}}}) | {{kind}} | {{enforcer}} | {{#configURL}}[{{source}}]({{{configURL}}}){{/configURL}}{{^configURL}}{{source}}{{/configURL}}{{#provider}} (provider {{provider}}){{/provider}} | {{> markdown/partials/enforcement-state}} | {{whenOmitted}} |

"""#
        files["templates/markdown/partials/enforcement-state.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
**{{stateLabel}}**{{#stateReason}}: {{stateReason}}{{/stateReason}}{{#driftFindings}} · [{{rule.text}}]({{{rule.pageMd}}}) at {{#sourceURL}}[{{location}}]({{{sourceURL}}}){{/sourceURL}}{{^sourceURL}}{{location}}{{/sourceURL}}{{/driftFindings}}
"""#
        files["templates/markdown/partials/exceptions-table.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{^empty(exceptions)}}
| Entity | Rule | Reason | Approved by | Ticket | Expires | Days left | Status | Suppressed |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
{{/empty(exceptions)}}
{{#exceptions}}
| {{#entity}}[{{entityText}}]({{{pageMd}}}){{/entity}}{{^entity}}{{entityText}}{{/entity}} | {{#rule}}[{{text}}]({{{pageMd}}}){{/rule}}{{^rule}}{{ruleText}}{{/rule}} | {{reason}} | {{approvedBy}} | {{ticket}} | {{expires}} | {{daysLeft}} | {{statusLabel}} | {{suppressedCount}} |
{{/exceptions}}
{{^exceptions}}
No exceptions.
{{/exceptions}}

"""#
        files["templates/markdown/partials/external.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{#externalURL}}[{{text}}](<{{{externalURL}}}>){{/externalURL}}{{^externalURL}}{{text}}{{/externalURL}}
"""#
        files["templates/markdown/partials/findings-table.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{^empty(findings)}}
| Severity | Rule | Entity | Message | Where |
| --- | --- | --- | --- | --- |
{{/empty(findings)}}
{{#findings}}
| {{severityLabel}} | [{{rule.text}}]({{{rule.pageMd}}}) | {{#entity}}[{{entityText}}]({{{pageMd}}}){{/entity}}{{^entity}}{{entityText}}{{/entity}} | {{message}} | {{#sourceURL}}[{{location}}]({{{sourceURL}}}){{/sourceURL}}{{^sourceURL}}{{location}}{{/sourceURL}} |
{{/findings}}
{{^findings}}
No open findings.
{{/findings}}

"""#
        files["templates/markdown/partials/history-table.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{^empty(history)}}
| Change | Entity | What changed | Commit | Author | Date | Findings it introduced |
| --- | --- | --- | --- | --- | --- | --- |
{{/empty(history)}}
{{#history}}
| {{symbol}} {{kindLabel}} | {{#entity}}[{{entityText}}]({{{pageMd}}}){{/entity}}{{^entity}}{{entityText}}{{/entity}} | {{summary}} | {{#commitURL}}[{{commit}}]({{{commitURL}}}){{/commitURL}}{{^commitURL}}{{commit}}{{/commitURL}} {{subject}} | {{author}} | {{date}} | {{#findings}}{{severityLabel}} [{{rule.text}}]({{{rule.pageMd}}}): {{message}}; {{/findings}}{{^findings}}none{{/findings}} |
{{/history}}

"""#
        files["templates/markdown/partials/matrix-table.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
| Service |{{#columns}} [{{control.text}}]({{{control.pageMd}}}) |{{/columns}}
| --- |{{#columns}} --- |{{/columns}}
{{#rows}}
| [{{service.text}}]({{{service.pageMd}}}) |{{#cells}} {{symbol}} |{{/cells}}
{{/rows}}

"""#
        files["templates/markdown/partials/nav.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{#chrome.nav}}{{^current}}[{{text}}]({{{pageMd}}}){{/current}}{{#current}}**{{text}}**{{/current}} · {{/chrome.nav}}

"""#
        files["templates/markdown/rule.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# {{name}} ({{id}})

{{summary}}

- **Default severity:** {{severity}}
- **Stage:** {{stage}}
- **Controls:** {{#controls}}[{{text}}]({{{pageMd}}}) {{/controls}}{{^controls}}none{{/controls}}

## Why it matters

{{rationale}}

## How to fix

{{remediation}}

{{^empty(references)}}
## References

{{/empty(references)}}
{{#references}}
- {{> markdown/partials/external}}
{{/references}}

## Examples that raise it

The arrow ↓ marks where each finding starts.

{{#triggering}}
{{{fence}}}yaml
{{{yaml}}}
{{{fence}}}

{{/triggering}}
## Examples that do not

{{#nonTriggering}}
{{{fence}}}yaml
{{{yaml}}}
{{{fence}}}

{{/nonTriggering}}
## Current findings

{{> markdown/partials/findings-table}}
{{/page}}

"""#
        files["templates/markdown/rules.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Rules

| Rule | Name | Severity | Summary | Open findings |
| --- | --- | --- | --- | --- |
{{#items}}
| [{{id}}]({{{link.pageMd}}}) | {{name}} | {{severity}} | {{summary}} | {{findingCount}} |
{{/items}}
{{/page}}

"""#
        files["templates/markdown/search.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Everything in the registry

| Kind | Name | Details |
| --- | --- | --- |
{{#items}}
| {{kind}} | [{{title}}]({{{link.pageMd}}}) | {{detail}} |
{{/items}}
{{/page}}

"""#
        files["templates/markdown/service.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# {{#titled}}{{title}} ({{/titled}}{{name}}{{#titled}}){{/titled}}

{{#description}}
{{description}}

{{/description}}
- **Owner:** {{#owner}}[{{text}}]({{{pageMd}}}){{/owner}}{{^owner}}{{ownerText}}{{/owner}}
- **Environment:** {{environment}}
- **Defined in:** {{#definedURL}}[{{source}}]({{{definedURL}}}){{/definedURL}}{{^definedURL}}{{source}}{{/definedURL}}{{#editURL}} · [Edit this file]({{{editURL}}}){{/editURL}}
{{#lastChange}}
- **Last changed:** {{date}} in commit {{#commitURL}}[{{commit}}]({{{commitURL}}}){{/commitURL}}{{^commitURL}}{{commit}}{{/commitURL}}
{{/lastChange}}
{{#labels}}
- **Label {{key}}:** {{value}}
{{/labels}}

## 1. Is the token authentic?

{{^empty(accepts)}}
| Issuer | iss | Algorithms | Token types | Max lifetime | Required claims | JWKS |
| --- | --- | --- | --- | --- | --- | --- |
{{/empty(accepts)}}
{{#accepts}}
| {{#issuer}}[{{text}}]({{{pageMd}}}){{/issuer}}{{^issuer}}{{issuerName}} (unknown){{/issuer}} | {{#issuerURL}}{{text}}{{/issuerURL}} | {{algorithms}} | {{tokenTypes}} | {{maxLifetime}} | {{requiredClaims}} | {{#jwks}}{{> markdown/partials/external}}{{/jwks}} |
{{/accepts}}
{{^accepts}}
No issuer is accepted: every token is rejected.
{{/accepts}}

## 2. Was it issued for this service?

{{#audiences}}
- {{value}}{{#flagged}} (see findings){{/flagged}}
{{/audiences}}
{{^audiences}}
No audience.
{{/audiences}}

## 3. What may the caller do?

- **Scopes:** {{scopesText}}
- **Roles:** {{rolesText}}

## Downstream calls and how tokens cross them

{{^empty(downstream)}}
| Calls | Token | What happens | Why |
| --- | --- | --- | --- |
{{/empty(downstream)}}
{{#downstream}}
| {{#to}}[{{text}}]({{{pageMd}}}){{/to}}{{^to}}{{toText}}{{/to}} | {{modeLabel}} | {{explanation}} | {{reason}} |
{{/downstream}}
{{^downstream}}
Calls no other service in the registry.
{{/downstream}}

### Called by

{{#upstream}}
- {{#from}}[{{text}}]({{{pageMd}}}){{/from}}{{^from}}{{fromText}}{{/from}}: {{modeLabel}}
{{/upstream}}
{{^upstream}}
No service in the registry calls it.
{{/upstream}}

## Enforcement points

The deployments that decide whether a token is accepted, and whether each checks the audience{{#drift.reported}}, as the drift run of {{drift.when}} found it{{/drift.reported}}{{^drift.reported}}: not assessed, since this site was built without a drift report{{/drift.reported}} ([all enforcers]({{{root}}}enforcers.md)).

{{^empty(enforcement)}}
| Kind | Enforcer | Config | Audience check | If the audience is omitted |
| --- | --- | --- | --- | --- |
{{/empty(enforcement)}}
{{#enforcement}}
| {{kind}} | {{enforcer}} | {{#configURL}}[{{source}}]({{{configURL}}}){{/configURL}}{{^configURL}}{{source}}{{/configURL}}{{#provider}} (provider {{provider}}){{/provider}} | {{> markdown/partials/enforcement-state}} | {{whenOmitted}} |
{{/enforcement}}
{{^enforcement}}
No deployment configuration is linked, so nothing says where this service's audience is enforced.
{{/enforcement}}

## Findings

{{> markdown/partials/findings-table}}
{{^empty(exposedFindings)}}

### Findings elsewhere that expose this service

Findings on an issuer it accepts (published keys included), its team, the policy, or the file it is defined in. They count against its controls.

| Severity | Rule | Entity | Message | Where |
| --- | --- | --- | --- | --- |
{{/empty(exposedFindings)}}
{{#exposedFindings}}
| {{severityLabel}} | [{{rule.text}}]({{{rule.pageMd}}}) | {{entityText}} | {{message}} | {{#sourceURL}}[{{location}}]({{{sourceURL}}}){{/sourceURL}}{{^sourceURL}}{{location}}{{/sourceURL}} |
{{/exposedFindings}}

## Drift from what is deployed

{{> markdown/partials/drift-status}}

## Exceptions

{{> markdown/partials/exceptions-table}}

## Trust history

{{#historyBuilt}}
{{> markdown/partials/history-table}}
{{^history}}
No commit in the [trust history]({{{root}}}history.md) widened or narrowed this service's access.
{{/history}}
{{/historyBuilt}}
{{^historyBuilt}}
This site was built without a [trust history]({{{root}}}history.md).
{{/historyBuilt}}

## Evidence for this service

{{#evidence}}
- **{{label}}:** {{#ran}}✓ Ran.{{/ran}}{{^ran}}? Not run.{{/ran}} {{text}}
{{/evidence}}

## Controls this service evidences

✓ Met: every evidencing rule ran and none has a finding here · ✗ Failing: a finding · E Excepted: findings suppressed by an exception · ? Not assessed: an evidencing rule did not run for this service.

### Failing, excepted or not assessed

{{^empty(controlsAttention)}}
| Control | Framework | Status | Open or excepted findings, rules not run |
| --- | --- | --- | --- |
{{/empty(controlsAttention)}}
{{#controlsAttention}}
| [{{controlID}}]({{{control.pageMd}}}) {{title}} | {{framework}} | {{symbol}} {{statusLabel}} | {{#failingRules}}[{{text}}]({{{pageMd}}}) (finding) {{/failingRules}}{{#exceptedRules}}[{{text}}]({{{pageMd}}}) (excepted) {{/exceptedRules}}{{#exceptedUntil}}until {{exceptedUntil}} {{/exceptedUntil}}{{^empty(notRun)}}not run: {{#notRun}}[{{rule.text}}]({{{rule.pageMd}}}) {{/notRun}}{{/empty(notRun)}} |
{{/controlsAttention}}
{{^controlsAttention}}
None: every rule that evidences a control ran for this service, and none has an open or excepted finding here.
{{/controlsAttention}}
{{^empty(notRunReasons)}}

### Rules that did not run

{{#notRunReasons}}
- Because {{reason}}: {{#rules}}[{{text}}]({{{pageMd}}}) {{/rules}}
{{/notRunReasons}}
{{/empty(notRunReasons)}}

### Met

{{#controlsMet}}[{{controlID}}]({{{control.pageMd}}}) {{/controlsMet}}{{^controlsMet}}None.{{/controlsMet}}
{{/page}}

"""#
        files["templates/markdown/services.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Services

| Service | Title | Owner | Environment | Audiences | Open findings |
| --- | --- | --- | --- | --- | --- |
{{#items}}
| [{{link.text}}]({{{link.pageMd}}}) | {{title}} | {{ownerText}} | {{environment}} | {{audiencesText}} | {{findingCount}} |
{{/items}}
{{/page}}

"""#
        files["templates/markdown/teams.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Teams

{{#items}}
<a id="{{{anchor}}}"></a>
## {{title}} ({{name}})

{{#description}}
{{description}}

{{/description}}
- **Contact:** {{#contact}}{{> markdown/partials/external}}{{/contact}}{{^contact}}not set{{/contact}}
- **Services:** {{#services}}[{{text}}]({{{pageMd}}}) {{/services}}{{^services}}none{{/services}}
- **Issuers:** {{#issuers}}[{{text}}]({{{pageMd}}}) {{/issuers}}{{^issuers}}none{{/issuers}}
- **Open findings:** {{findingCount}}

{{> markdown/partials/findings-table}}

{{/items}}
{{/page}}

"""#
        files["templates/markdown/token-flow.mustache"] = #"""
{{% CONTENT_TYPE: MARKDOWN}}
{{> markdown/partials/nav}}

{{#page}}
# Token flow

{{mermaidLegend}}

```mermaid
{{{mermaid}}}
```

## Every hop

{{^empty(hops)}}
| From | To | Token | Why |
| --- | --- | --- | --- |
{{/empty(hops)}}
{{#hops}}
| {{#from}}[{{text}}]({{{pageMd}}}){{/from}}{{^from}}{{fromText}}{{/from}} | {{#to}}[{{text}}]({{{pageMd}}}){{/to}}{{^to}}{{toText}}{{/to}} | {{modeLabel}} | {{reason}} |
{{/hops}}
{{^hops}}
No service declares a downstream call.
{{/hops}}
{{/page}}

"""#
        return files
    }()
}
