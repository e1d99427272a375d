// What `audreg --version` says about the build. A plain `swift build` keeps these defaults;
// scripts/release.sh overwrites this file in its copy of the source tree (never in the working tree)
// with the commit it builds and that commit's date, so the answer comes from the build, not the clock.
public enum BuildInfo {
    public static let commit = "unknown"
    public static let date = "unknown (development build)"
}
