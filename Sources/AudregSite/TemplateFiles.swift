import AudregCore
import Foundation

extension Scaffold {
    /// The default templates compiled into the binary (`templates/…` entries), to be written under `folder`.
    public static func templateFiles(into folder: String) -> [ScaffoldFile] {
        EmbeddedTemplates.files.keys.filter { $0.hasPrefix("templates/") }.sorted().map { key in
            let relative = String(key.dropFirst("templates/".count))
            return ScaffoldFile(path: (folder as NSString).appendingPathComponent(relative), contents: EmbeddedTemplates.files[key]!)
        }
    }
}
