/// The nodeset's secret for apps (`silversupport.secret.get_secret()`, PHP's `SILVER_SECRET`):
/// one value for the whole nodeset, since a session signed on one app server must verify on
/// another. setup-node finds it and writes it to every app server.
///
/// Why it is made on the first app server and kept on the app servers, not made by silver
/// and kept in the nodeset's record on this machine: the nodeset is often run from more
/// than one machine, and a record is lost with its laptop; the app servers are where the
/// secret is used and what every operator reaches. Made there with `link`, two setup-node
/// runs at once still agree on one value. When the first app server is new (rebuilt or
/// replaced), the secret another app server already holds is kept, so sessions survive.
/// It travels only inside the agent's JSON over SSH and is never printed.
public struct NodesetSecret: Sendable {
    public var agent: NodeAgent
    public var console: Console

    public init(agent: NodeAgent, console: Console) {
        self.agent = agent
        self.console = console
    }

    /// What a dry run plans when no app server has a secret yet: never written.
    static let notYetMade = "(made by setup-node)"

    public func obtain(appServers: [NodeRecord], parallel: Int, dryRun: Bool) async throws -> String {
        guard let first = appServers.first else { return Self.notYetMade }
        let held = try await forEachOrThrow(appServers, parallel: parallel, name: \.name) { node in
            try await agent.install(on: node.reach)
            return try await ask(node, create: false)
        }
        let found = zip(appServers, held).compactMap { node, value in value.map { (node, $0) } }
        if let (holder, value) = found.first {
            if Set(found.map(\.1)).count > 1 {
                console.warn("the app servers held different secrets; every app server now gets \(holder.name)'s")
            }
            return value
        }
        if dryRun { return Self.notYetMade }
        guard let made = try await ask(first, create: true) else {
            throw RemoteError.failed(node: first.name, step: "make the nodeset's secret", status: 0, errorOutput: "no secret was made")
        }
        console.say("made the nodeset's secret for apps", node: first.name)
        return made
    }

    /// The agent's answer carries the secret: a failure is reported without it.
    private func ask(_ node: NodeRecord, create: Bool) async throws -> String? {
        do {
            return try await agent.call("app-secret", request: NodesetSecretRequest(create: create), on: node.reach, as: NodesetSecretAnswer.self)
                .value
        } catch let RemoteError.failed(name, step, status, _) where status == 0 {
            throw RemoteError.failed(node: name, step: step, status: status, errorOutput: "the agent's answer was unreadable")
        }
    }
}
