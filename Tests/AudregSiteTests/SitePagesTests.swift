import Foundation
import Testing
@testable import AudregSite
import AudregTestHelpers

/// The page descriptors are the one list of the site's pages: these tests fail when a template has no
/// descriptor, a descriptor names a template that is not built in, or a built site differs from it.
@Suite("Rendering: pages are declared once")
struct SitePagesTests {
    @Test func everyPageTemplateHasOneDescriptorAndEveryDescriptorItsTemplates() {
        let builtIn = Set(TemplateSet.builtIn.entries.map(\.name))
        for page in SitePage.all {
            #expect(builtIn.contains(page.html), "\(page.name): no \(page.html)")
            #expect(builtIn.contains(page.markdown), "\(page.name): no \(page.markdown)")
        }
        // Every top-level page template (not a partial, not mkdocs.yml) is some descriptor's.
        let pageTemplates = builtIn.filter { name in
            (name.hasPrefix("html/") || name.hasPrefix("markdown/")) && !name.contains("/partials/")
                && name.hasSuffix(".mustache") && name != "markdown/mkdocs.yml.mustache"
        }
        let declared = Set(SitePage.all.flatMap { [$0.html, $0.markdown] })
        #expect(pageTemplates == declared)
        #expect(Set(SitePage.all.map(\.template)).count == SitePage.all.count)
        #expect(Set(SitePage.all.map(\.name)).count == SitePage.all.count)
    }

    @Test func navigationAndListingFollowTheDescriptors() {
        let inNavigation = SitePage.all.compactMap { page -> String? in
            guard case .single(_, let title, true) = page.shape else { return nil }
            return title
        }
        #expect(SiteModel.navigation.map(\.0) == inNavigation)
        #expect(SiteModel.navigation.first?.1 == "index")
        #expect(TemplateSet.pages.map(\.page) == SitePage.all.map(\.name))
        let listing = TemplateListing.text(TemplateSet.builtIn)
        #expect(listing.contains("Trust history"))
        #expect(listing.contains("html/enforcers.mustache (built-in)  /  markdown/enforcers.mustache (built-in)"))
    }

    @Test func everyJobIsADescribedPageAtItsPathWithItsTemplate() throws {
        let model = SiteTestSupport.model(try SiteTestSupport.report(directory: SiteTestSupport.exampleRegistry))
        let jobs = SiteBuilder.jobs(model)
        #expect(jobs.count == SitePage.all.reduce(0) { $0 + $1.count(model) })
        var paths = Set<String>()
        for job in jobs {
            let page = SiteBuilder.page(job, model: model)
            let (path, chrome) = (page.path, page.chrome)
            #expect(SiteBuilder.path(job, model: model) == path)
            #expect(paths.insert(path).inserted, "two pages at \(path)")
            #expect(chrome.template == job.descriptor.html)
            let (_, _, html, markdown) = SiteBuilder.pageContext(job, model: model)
            #expect(html + ".mustache" == job.descriptor.html && markdown + ".mustache" == job.descriptor.markdown)
            if case .single(let declared, let title, _) = job.descriptor.shape {
                #expect(path == declared)
                #expect(chrome.pageTitle == title)
            }
        }
        #expect(paths.contains("enforcers") && paths.contains("index"))
        // The folders a previous site's pages per entity are in, removed first and in parallel.
        #expect(SitePage.entityFolders == ["services", "rules", "controls"])
        for job in jobs where !job.descriptor.isSingle {
            let path = SiteBuilder.page(job, model: model).path
            #expect(SitePage.entityFolders.contains { path.hasPrefix($0 + "/") }, "\(path) is outside the entity folders")
        }
    }

    /// The matrix pages' paths come from their descriptor (`SitePage.matrixPath(part:)`), which the
    /// controls code also links through: every link to a matrix page, from the controls page and from
    /// the matrix pages' previous/next, is to a page the descriptor makes, and every such page is
    /// linked from the controls page, in order.
    @Test func everyLinkToAMatrixPageIsToAPageItsDescriptorMakes() {
        let model = SiteTestSupport.model(SiteScalingTests.registry(2 * SiteModel.matrixPageSize + 5))
        let made = (0..<SitePage.matrix.count(model)).map { SitePage.matrix.page($0, of: model) }
        #expect(made.count == 3)
        let madePaths = made.map(\.path)
        #expect(Set(madePaths).count == madePaths.count)
        let allPaths = Set(SiteBuilder.jobs(model).map { SiteBuilder.path($0, model: model) })
        #expect(Set(madePaths).isSubset(of: allPaths))
        // A link is `path.html` / `path.md`, root-relative: the page it names is its path.
        func target(_ link: SiteLink) -> String? {
            guard link.href.hasSuffix(".html"), link.md == String(link.href.dropLast(5)) + ".md" else { return nil }
            return String(link.href.dropLast(5))
        }
        let fromControls = model.controlsIndex.matrixPages.map(target)
        #expect(fromControls == madePaths.map(Optional.some), "the controls page links to \(fromControls), the descriptor makes \(madePaths)")
        for (index, page) in made.enumerated() {
            let matrix = page.model as! MatrixPage
            #expect(matrix.previous.flatMap(target) == (index > 0 ? madePaths[index - 1] : nil))
            #expect(matrix.next.flatMap(target) == (index + 1 < made.count ? madePaths[index + 1] : nil))
        }
    }
}
