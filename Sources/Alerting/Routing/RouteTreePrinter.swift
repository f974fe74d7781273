/// amtool's route trees (`cli/routing.go`, `cli/test_routing.go`), drawn as `treeprint` does.
public enum RouteTreePrinter {
    /// `amtool config routes show`: every node with `continue` and receiver.
    public static func routingTree(_ root: Route) -> String {
        let tree = TreeNode(".")
        func add(_ r: Route, to parent: TreeNode) {
            let branch = parent.add(slug(r, showContinue: true, showReceiver: true))
            for c in r.routes { add(c, to: branch) }
        }
        add(root, to: tree)
        return "Routing tree:\n" + tree.rendered() + "\n"
    }

    /// `amtool config routes test --tree`: the path(s) an alert takes; only the final routes show their receiver.
    public static func matchingTree(_ root: Route, labels: [String: String]) -> String {
        let tree = TreeNode(".")
        func add(_ r: Route, to parent: TreeNode) {
            let branch = parent.add(slug(r, showContinue: false, showReceiver: false))
            var final = true
            for c in r.routes where c.matchers.matches(labels) {
                add(c, to: branch)
                final = false
                if !c.continue { break }
            }
            if final { branch.value = slug(r, showContinue: false, showReceiver: true) }
        }
        add(root, to: tree)
        return "Matching routes:\n" + tree.rendered() + "\n\n"
    }

    /// `getRouteTreeSlug`.
    static func slug(_ r: Route, showContinue: Bool, showReceiver: Bool) -> String {
        var s = r.matchers.isEmpty ? "default-route" : r.matchers.listDescription
        if r.continue && showContinue { s += "  continue: true" }
        if showReceiver { s += "  receiver: \(r.options.receiver)" }
        return s
    }

    /// The part of `github.com/xlab/treeprint` amtool uses.
    final class TreeNode {
        var value: String
        var children: [TreeNode] = []
        init(_ value: String) { self.value = value }

        func add(_ value: String) -> TreeNode {
            let n = TreeNode(value)
            children.append(n)
            return n
        }

        func rendered() -> String {
            var out = value + "\n"
            render(children, prefix: "", into: &out)
            return out
        }

        private func render(_ nodes: [TreeNode], prefix: String, into out: inout String) {
            for (i, n) in nodes.enumerated() {
                let last = i == nodes.count - 1
                let lines = n.value.split(separator: "\n", omittingEmptySubsequences: false)
                out += prefix + (last ? "└── " : "├── ") + lines[0] + "\n"
                // Continuation lines of a multi-line value line up under the value.
                for l in lines.dropFirst() { out += prefix + (last ? "    " : "│\u{a0}\u{a0} ") + "    " + l + "\n" }
                render(n.children, prefix: prefix + (last ? "    " : "│\u{a0}\u{a0} "), into: &out)
            }
        }
    }
}
