import ArgumentParser
import AudregCore
import AudregDrift
import Foundation

extension Drift {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Combine the JSON reports of 'drift --shard K/N' jobs into the report of one unsharded run.",
            usage: "audreg drift merge REPORT… [-o FILE] [--allow-partial]",
            discussion: """
                Every report must come from the same registry (drift.registry, a digest of its files), the \
                same settings (--today, --cert-warn-days, --skip-issuers, --skip-deployments, live or \
                --offline, Spring properties) and the same N, with each shard 1…N given once. The result \
                is byte for byte the JSON an unsharded 'audreg drift --format json' writes, except \
                drift.checkedAt, which is the earliest of the shards' times (the evidence is as old as its \
                oldest part). Give it to 'audreg build --drift-report' or 'audreg export oscal --drift-report'.

                Examples:
                  audreg drift merge drift-*.json -o drift.json

                Exit status: 0 when merged; 2 when the reports cannot be read or do not belong together.
                """)

        @Argument(help: "The shard reports (JSON of 'audreg drift --shard K/N --format json').", completion: .file(extensions: ["json"]))
        var reports: [String] = []

        @Option(name: .shortAndLong, help: "Write the merged report here instead of standard output.")
        var output: String?

        @Flag(help: "Merge even when shards are missing: the report lists them in drift.missingShards, and its coverage names only what the shards given checked.")
        var allowPartial = false

        func validate() throws {
            guard !reports.isEmpty else { throw ValidationError("give the shard reports to merge, as in 'audreg drift merge drift-*.json'") }
        }

        func run() throws {
            let merged: String
            do {
                merged = try DriftMerge.merge(try DriftMerge.read(paths: reports), allowPartial: allowPartial)
            } catch {
                throw AudregCLIError(error.message)
            }
            if let output {
                do { try Data(merged.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                    throw AudregCLIError("cannot write '\(output)': \(error.localizedDescription)")
                }
            } else {
                Terminal.write(merged)
            }
        }
    }
}
