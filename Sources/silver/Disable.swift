import ArgumentParser

struct Disable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put an app under maintenance: every app server answers its visitors with a 503 maintenance page.",
        discussion: """
            The page is the app's own static/disabled.html if its active instance has one, else \
            Silver Lining's; it is sent with Retry-After. Requests made on an app server itself \
            still reach the app, as in Silver Lining, and the balancer keeps the app servers in \
            rotation. Updates keep the app disabled until `silver enable`.
            """)

    @OptionGroup var selection: AppSelection

    func run() async throws {
        try await selection.setDisabled(true)
    }
}
