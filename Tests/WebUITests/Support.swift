import Model
@testable import WebUI

/// GETs `path` (with an optional query) from `ui`.
func get(_ ui: WebUI, _ path: String, _ query: String = "") async -> WebUIResponse {
    await ui.handle(WebUIRequest(method: "GET", path: path, query: query))
}

/// POSTs form fields to `path`.
func post(_ ui: WebUI, _ path: String, _ fields: [(String, String)], headers: [String: String] = [:]) async -> WebUIResponse {
    await ui.handle(WebUIRequest(method: "POST", path: path, body: Array(FormData.query(fields).utf8), headers: headers))
}

/// Occurrences of `needle` in `s`.
func count(_ needle: String, in s: String) -> Int { s.components(separatedBy: needle).count - 1 }

/// A label value full of markup, to check that every page escapes user data.
let evil = "<script>alert('x')</script>&\"q\""
let evilEscaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;q&quot;"
