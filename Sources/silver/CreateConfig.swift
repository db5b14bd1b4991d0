import ArgumentParser
import Foundation
import SilverLining

struct CreateConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-config",
        abstract: "Make a configuration directory from the app's config.template.",
        discussion: """
            Copies the directory app.ini's config.template names into NEW_DIR, for \
            `silver update APP_DIR --config NEW_DIR`. The [variables] of its template.ini \
            are asked on standard input (answers can be piped, one per line, in name \
            order) unless given as var=value. Files ending in .tmpl are filled with \
            Tempita and lose the .tmpl; +var+ in a path is replaced by var's value (dot is \
            "."). A file already in NEW_DIR with other content is first copied to FILE.1.

            Tempita as far as silver fills it: {{name}}, {{if name}} / {{if not name}} / \
            {{elif ...}} / {{else}} / {{endif}}, and {{# comments}}; anything else is an \
            error naming the file and line.
            """
    )

    @Argument(help: "The app's directory (holding app.ini).")
    var appDirectory: String

    @Argument(help: "The directory to write (needed unless --info).")
    var newDirectory: String?

    @Argument(help: "Values for the template's variables, as var=value.")
    var variables: [String] = []

    @Flag(help: "Show the template's variables and what they are for, and write nothing.")
    var info = false

    func run() async throws {
        try await runCommand {
            let template = try ConfigTemplate.load(app: try AppLoader.load(directory: appDirectory))
            if info {
                print(template.info, terminator: "")
                return
            }
            guard let newDirectory else {
                throw UsageError("give the directory to write", hint: "silver create-config APP_DIR NEW_DIR [var=value ...]")
            }
            let values = try template.values(given: try ConfigTemplate.assignments(variables)) { variable in
                print("\(variable.name) (\(variable.description)): ", terminator: "")
                fflush(nil)
                guard let answer = readLine() else {
                    throw UsageError("no answer for \(variable.name): standard input ended", hint: "or give it as \(variable.name)=VALUE")
                }
                // A piped answer is not echoed: end the prompt's line so the report starts on its own.
                if isatty(0) == 0 { print() }
                return answer
            }
            for step in try TemplateFill(source: template.directory, destination: newDirectory, values: values).run() {
                print(step.line(in: newDirectory))
            }
        }
    }
}
