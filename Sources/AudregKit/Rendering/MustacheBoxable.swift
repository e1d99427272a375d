/// Hand-written boxes for the view models that appear thousands of times in a large site (links,
/// table rows, matrix cells), so boxing them costs a few dictionary stores instead of a `Mirror` walk.
/// Every other type is boxed by `MustacheBox` through `Mirror`; both give the same dictionaries.
/// Lists are stored as `[Any]`, so renderers take them without converting each element.
protocol MustacheBoxable {
    func box(root: String) -> [String: Any]
}

extension SiteLink: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["text": text, "href": href, "md": md, "pageHref": root + href, "pageMd": root + md]
    }
}

extension NavItem: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["text": text, "href": href, "md": md, "pageHref": root + href, "pageMd": root + md, "current": current]
    }
}

extension MatrixCell: MustacheBoxable {
    func box(root: String) -> [String: Any] { ["status": status, "symbol": symbol, "label": label] }
}

extension MatrixRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["service": service.box(root: root), "cells": cells.map { $0.box(root: root) as Any }]
    }
}

extension ControlStatusRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["control": control.box(root: root), "controlID": controlID, "title": title, "framework": framework, "status": status,
         "statusLabel": statusLabel, "ruleCount": ruleCount, "failingRules": failingRules.map { $0.box(root: root) as Any },
         "exceptedRules": exceptedRules.map { $0.box(root: root) as Any }]
    }
}

extension ServiceControlRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["service": service.box(root: root), "status": status, "statusLabel": statusLabel,
         "failingRules": failingRules.map { $0.box(root: root) as Any }, "exceptedRules": exceptedRules.map { $0.box(root: root) as Any }]
    }
}

extension SearchEntry: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["kind": kind, "title": title, "link": link.box(root: root), "detail": detail]
    }
}

extension ServiceRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        var box: [String: Any] = ["link": link.box(root: root), "title": title, "ownerText": ownerText, "environment": environment,
                                  "audiences": audiences as [Any], "audiencesText": audiencesText, "findingCount": findingCount,
                                  "hasFindings": hasFindings]
        if let owner { box["owner"] = owner.box(root: root) }
        return box
    }
}

extension AudienceRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["value": value, "anchor": anchor, "services": services.map { $0.box(root: root) as Any },
         "flags": flags.map { ["rule": $0.rule.box(root: root), "message": $0.message] as [String: Any] as Any },
         "flagged": flagged, "shared": shared]
    }
}

// The service page and what it holds: one page per service, so these are boxed 10,000 times on a
// 10,000-service site.

extension PageContext: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        var box: [String: Any] = ["root": self.root, "chrome": chrome.box(root: root)]
        if let page = MustacheBox.convert(page, root: root) { box["page"] = page }
        return box
    }
}

extension PageChrome: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["siteTitle": siteTitle, "pageTitle": pageTitle, "root": self.root, "nav": nav.map { $0.box(root: root) as Any }, "template": template]
    }
}

extension ExternalLink: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        var box: [String: Any] = ["text": text]
        if let externalURL { box["externalURL"] = externalURL }
        return box
    }
}

extension FindingRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        var box: [String: Any] = ["severity": severity, "severityLabel": severityLabel, "rule": rule.box(root: root),
                                  "entityText": entityText, "message": message, "location": location]
        if let entity { box["entity"] = entity.box(root: root) }
        return box
    }
}

extension ExceptionRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        var box: [String: Any] = ["entityText": entityText, "ruleText": ruleText, "reason": reason, "approvedBy": approvedBy,
                                  "expires": expires, "daysLeft": daysLeft, "status": status, "statusLabel": statusLabel,
                                  "suppressedCount": suppressedCount, "location": location]
        if let entity { box["entity"] = entity.box(root: root) }
        if let rule { box["rule"] = rule.box(root: root) }
        if let ticket { box["ticket"] = ticket }
        return box
    }
}

extension AcceptedIssuerRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        var box: [String: Any] = ["issuerName": issuerName, "tokenTypes": tokenTypes, "tokenTypesChecked": tokenTypesChecked,
                                  "algorithms": algorithms, "maxLifetime": maxLifetime, "requiredClaims": requiredClaims]
        if let issuer { box["issuer"] = issuer.box(root: root) }
        if let issuerURL { box["issuerURL"] = issuerURL.box(root: root) }
        if let jwks { box["jwks"] = jwks.box(root: root) }
        return box
    }
}

extension HopRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        var box: [String: Any] = ["fromText": fromText, "toText": toText, "mode": mode, "modeLabel": modeLabel, "explanation": explanation]
        if let from { box["from"] = from.box(root: root) }
        if let to { box["to"] = to.box(root: root) }
        if let reason { box["reason"] = reason }
        return box
    }
}

extension DeploymentRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        var box: [String: Any] = ["kind": kind, "source": source]
        if let provider { box["provider"] = provider }
        return box
    }
}

extension LabelRow: MustacheBoxable {
    func box(root: String) -> [String: Any] { ["key": key, "value": value] }
}

extension AudienceValue: MustacheBoxable {
    func box(root: String) -> [String: Any] { ["value": value, "link": link.box(root: root), "flagged": flagged] }
}

extension DriftStatus: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["reported": reported, "when": when, "findings": findings.map { $0.box(root: root) as Any }]
    }
}

extension ServicePage: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        func boxes<T: MustacheBoxable>(_ items: [T]) -> [Any] { items.map { $0.box(root: root) as Any } }
        var box: [String: Any] = [
            "chrome": chrome.box(root: root), "name": name, "title": title, "ownerText": ownerText, "environment": environment,
            "labels": boxes(labels), "source": source, "accepts": boxes(accepts), "audiences": boxes(audiences),
            "scopes": scopes as [Any], "roles": roles as [Any], "scopesText": scopesText, "rolesText": rolesText,
            "downstream": boxes(downstream), "upstream": boxes(upstream), "deployments": boxes(deployments),
            "findings": boxes(findings), "exceptions": boxes(exceptions), "controlsAttention": boxes(controlsAttention),
            "controlsMet": boxes(controlsMet), "drift": drift.box(root: root),
        ]
        if let description { box["description"] = description }
        if let owner { box["owner"] = owner.box(root: root) }
        return box
    }
}
