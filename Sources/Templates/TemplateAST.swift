/// The parse tree of a Go `text/template` (the subset alert templates use).
indirect enum TemplateNode: Sendable {
    case text(String)
    case action(TemplatePipeline)
    case ifNode(TemplatePipeline, [TemplateNode], [TemplateNode])
    case rangeNode(TemplatePipeline, [TemplateNode], [TemplateNode])
    case withNode(TemplatePipeline, [TemplateNode], [TemplateNode])
    /// `{{template "name" pipeline}}` (pipeline optional); `{{block}}` parses to a define plus this.
    case template(String, TemplatePipeline?, position: Int)
}

/// `$x := cmd | cmd arg`.
struct TemplatePipeline: Sendable {
    var declarations: [String] = []
    /// `=` rather than `:=`.
    var isAssign = false
    var commands: [TemplateCommand] = []
}

/// One stage of a pipeline: an operand, or a function with arguments.
struct TemplateCommand: Sendable {
    var args: [TemplateArg]
    /// Byte offset in the template text, for error positions.
    var position: Int
    /// The source text, shown in `executing "..." at <...>` errors.
    var source: String
}

indirect enum TemplateArg: Sendable {
    /// `.A.B` (empty chain = dot itself).
    case field([String])
    /// `$x.A` (`$` alone is the root data).
    case variable(String, [String])
    /// A function name.
    case identifier(String)
    case string(String)
    case number(Double, isInteger: Bool)
    case bool(Bool)
    case null
    /// `(pipeline).A`
    case pipeline(TemplatePipeline, [String])
}
