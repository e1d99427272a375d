public enum AudregVersion {
    // The one place the version is written: SARIF, OSCAL, the site's footer, `--version` and
    // scripts/release.sh (which reads this line for the archive's name) all take it from here.
    public static let current = "0.1.0"
    /// `audreg --version`: the version, then the commit and date the release script stamped into
    /// BuildInfo (the commit's own date, so the same commit always says the same).
    public static var long: String {
        "audreg \(current) (commit \(BuildInfo.commit), built \(BuildInfo.date))"
    }
    public static let informationURI = "https://github.com/audreg/audreg"
}
