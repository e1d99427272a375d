/// Hand-written boxes for the view models that appear thousands of times in a large site (links,
/// table rows, matrix cells), so boxing them costs a few dictionary stores instead of a `Mirror` walk.
/// Every other type is boxed by `MustacheBox` through `Mirror`; both give the same dictionaries.
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
        ["service": service.box(root: root), "cells": cells.map { $0.box(root: root) }]
    }
}

extension ControlStatusRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["control": control.box(root: root), "controlID": controlID, "title": title, "framework": framework, "status": status,
         "statusLabel": statusLabel, "ruleCount": ruleCount, "failingRules": failingRules.map { $0.box(root: root) },
         "exceptedRules": exceptedRules.map { $0.box(root: root) }]
    }
}

extension ServiceControlRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["service": service.box(root: root), "status": status, "statusLabel": statusLabel,
         "failingRules": failingRules.map { $0.box(root: root) }, "exceptedRules": exceptedRules.map { $0.box(root: root) }]
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
                                  "audiences": audiences, "audiencesText": audiencesText, "findingCount": findingCount,
                                  "hasFindings": hasFindings]
        if let owner { box["owner"] = owner.box(root: root) }
        return box
    }
}

extension AudienceRow: MustacheBoxable {
    func box(root: String) -> [String: Any] {
        ["value": value, "anchor": anchor, "services": services.map { $0.box(root: root) },
         "flags": flags.map { ["rule": $0.rule.box(root: root), "message": $0.message] as [String: Any] },
         "flagged": flagged, "shared": shared]
    }
}
