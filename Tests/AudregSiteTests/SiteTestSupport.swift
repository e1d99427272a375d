import Foundation
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

/// Helpers for the site tests: small registries written to temporary folders, builds, and tree reads.
enum SiteTestSupport {
    static let today = Day("2026-12-01")!

    static var packageRoot: String { Paths.packageRoot }

    static var exampleRegistry: String { packageRoot + "/registry" }

    static func temporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "audreg-site-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func report(directory: String) throws -> ValidationReport {
        try Validator(today: today).validate(directory: directory)
    }

    static func report(yaml: String) -> ValidationReport {
        Validator(today: today).validate(RegistryLoader().load(text: yaml))
    }

    static func model(_ report: ValidationReport, engine: TokenFlowGraph.Engine = .builtIn) -> SiteModel {
        SiteModel.build(report: report, today: today, tokenFlow: TokenFlowGraph.picture(services: report.registry.services, engine: engine))
    }

    static func render(_ report: ValidationReport, templates: TemplateSet = .builtIn) throws -> [String: String] {
        try SiteBuilder.renderAll(model: model(report), templates: templates)
    }

    /// Every file under `directory`, relative path → bytes; but the incremental build's record of its
    /// files' stamps, which differs on every build by design and is never published or committed.
    static func tree(_ directory: String) -> [String: Data] {
        var result: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return result }
        while let relative = enumerator.nextObject() as? String {
            if relative == SiteFileStamps.fileName { continue }
            var isDirectory: ObjCBool = false
            let path = directory + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[relative] = FileManager.default.contents(atPath: path)
            }
        }
        return result
    }

    static func write(_ files: [String: String], under directory: String) throws {
        for (relative, text) in files {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    static func service(_ name: String, audience: String, description: String = "A service.", owner: String = "team-a",
                        extra: String = "") -> String {
        """
        apiVersion: audreg/v1
        kind: Service
        metadata:
          name: \(name)
          owner: \(owner)
          environment: production
          description: \(description)
        spec:
          audiences: [\(audience)]
          accepts:
            - issuer: idp
              tokenTypes: [at+jwt]
              algorithms: [RS256]
              maxLifetime: 15m
        \(extra)
        """
    }

    static let issuerAndTeam = """
        apiVersion: audreg/v1
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

    /// A registry folder with the given services (name → YAML) plus one issuer and one team.
    static func registry(_ services: [String: String]) throws -> String {
        let directory = try temporaryDirectory("registry")
        var files = ["base.yaml": issuerAndTeam]
        for (name, yaml) in services { files["services/\(name).yaml"] = yaml }
        try write(files, under: directory)
        return directory
    }
}

/// Each page's view model, built from the shared context by the function its descriptor calls, so
/// tests read a page as the renderer gets it.
extension SiteModel {
    var overview: OverviewPage { context.overviewPage() }
    var servicesIndex: ServicesPage { context.servicesIndexPage() }
    var services: ServicePages { ServicePages(builder: context) }
    var audiences: ListPage<AudienceRow> { context.audiencesPage() }
    var issuers: ListPage<IssuerSection> { context.issuersPage() }
    var teams: ListPage<TeamSection> { context.teamsPage() }
    var tokenFlow: TokenFlowPage { context.tokenFlowPage() }
    var rulesIndex: ListPage<RuleRow> { context.rulesIndexPage() }
    var rules: [RulePage] { context.catalog.descriptions.indices.map { context.rulePage(at: $0) } }
    var controlsIndex: ControlsPage { context.controlsIndexPage() }
    var controls: [(path: String, page: ControlPage)] { context.controls.controlPages.map { ($0.0, $0.1) } }
    var matrixPages: [(path: String, page: MatrixPage)] {
        context.controls.matrixPages.indices.map { (SitePage.matrix.path(context, $0), context.controls.matrixPages[$0]) }
    }
    var findings: ListPage<FindingRow> { context.findingsPage() }
    var exceptions: ListPage<ExceptionRow> { context.exceptionsPage() }
    var drift: DriftPage { context.driftPage() }
    var enforcers: EnforcersPage { context.enforcersPage() }
    var history: TrustHistoryPage { context.historyPage() }
    var search: SearchPage { context.searchPage() }
}
