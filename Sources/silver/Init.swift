import ArgumentParser
import SilverLining

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lay out a new app directory as Silver Lining did.",
        discussion: """
            Writes DIR/app.ini (app_name from the directory's name, commented service.NAME \
            lines, the runner), a runner, static/ for files served as they are, lib/python/ \
            for bundled libraries, and README.txt. Without flags the runner is main.py, a \
            WSGI application, so `silver update DIR` deploys the layout as written.

            Run it again at any time: a file already there with the same content is left \
            alone; one with other content is kept, and said so, unless -f is given. app.ini \
            and README.txt are never replaced, as in Silver Lining.
            """
    )

    @Argument(help: "The app's directory, made if missing; its name is the app's name.")
    var directory: String

    @Flag(help: "Write main.py, a WSGI application, as the runner (the default).")
    var main = false

    @Flag(help: "Write a Paste Deploy config.ini as the runner, with its factory in lib/python/.")
    var config = false

    @Flag(name: [.customShort("f"), .long], help: "Replace main.py and config.ini even if they differ from what init writes.")
    var force = false

    func run() async throws {
        try await runCommand {
            let skeleton = try AppSkeleton(directory: directory, main: main, config: config)
            for step in try skeleton.write(force: force) {
                print(step.line(in: directory))
            }
        }
    }
}
