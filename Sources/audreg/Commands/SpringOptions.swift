import ArgumentParser
import Foundation
import AudregCore

/// How Spring Boot configs are read: placeholder values and active profiles. `drift` and `import` read
/// Spring configs alike, so both take these options.
struct SpringOptions: ParsableArguments {
    @Option(name: .customLong("spring-property"), help: ArgumentHelp("A property for Spring ${…} placeholders, as KEY=VALUE (repeatable); wins over --spring-env-file and the file.", valueName: "KEY=VALUE"))
    var springProperties: [String] = []

    @Option(help: ArgumentHelp("A file of KEY=VALUE lines (a .env file, the deployment's environment) for Spring ${…} placeholders.", valueName: "FILE"))
    var springEnvFile: String?

    @Option(name: .customLong("spring-profile"), help: ArgumentHelp("An active Spring profile (repeatable); wins over spring.profiles.active in the file and the properties. Profile documents (spring.config.activate.on-profile) apply only when it matches.", valueName: "NAME"))
    var springProfiles: [String] = []

    func validate() throws {
        for property in springProperties where SpringProperties.parse(line: property) == nil {
            throw ValidationError("--spring-property '\(property)' is not KEY=VALUE; write it as issuer.base=https://idp.example.com")
        }
        if let springEnvFile, !FileManager.default.isReadableFile(atPath: springEnvFile) {
            throw ValidationError("--spring-env-file '\(springEnvFile)' cannot be read")
        }
    }

    /// The settings the config readers take: the env file's properties, then each --spring-property over them.
    func settings() throws -> DeploymentReadSettings {
        var settings = DeploymentReadSettings(springProfiles: springProfiles)
        if let springEnvFile {
            guard let data = FileManager.default.contents(atPath: springEnvFile) else {
                throw AudregCLIError("--spring-env-file '\(springEnvFile)' cannot be read")
            }
            settings.springProperties = SpringProperties.parse(envFile: String(decoding: data, as: UTF8.self))
        }
        for property in springProperties {
            if let (key, value) = SpringProperties.parse(line: property) { settings.springProperties[key] = value }
        }
        return settings
    }
}
