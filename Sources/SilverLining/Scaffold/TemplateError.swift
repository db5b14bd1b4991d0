/// A `*.tmpl` file silver cannot fill: bad syntax, a part of Tempita silver does not
/// implement, or a variable nobody gave a value. Written compiler-style, pointing at the
/// directive: `config.ini.tmpl:3:5: error: undefined variable "title"`.
public struct TemplateError: UserFacingError, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var hint: String?

    public init(file: String, line: Int, column: Int, _ message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    public var exitStatus: Int32 { ExitStatus.badInput }

    public var description: String {
        "\(file):\(line):\(column): error: \(message)" + (hint.map { "\n  " + $0 } ?? "")
    }
}
