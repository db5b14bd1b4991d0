/// Runs `body` for every element, at most `parallel` at once, and returns each element's
/// outcome in input order. One element failing does not stop the others: callers decide
/// what a failure means (a rollout stops; a status listing shows it).
public func forEach<Element: Sendable, Value: Sendable>(
    _ elements: [Element],
    parallel: Int,
    _ body: @escaping @Sendable (Element) async throws -> Value
) async -> [Result<Value, any Error>] {
    let limit = max(1, parallel)
    return await withTaskGroup(of: (Int, Result<Value, any Error>).self) { group in
        var outcomes = [Result<Value, any Error>?](repeating: nil, count: elements.count)
        var next = 0
        func start(_ index: Int) {
            let element = elements[index]
            group.addTask {
                do {
                    return (index, .success(try await body(element)))
                } catch {
                    return (index, .failure(error))
                }
            }
        }
        while next < min(limit, elements.count) {
            start(next)
            next += 1
        }
        for await (index, outcome) in group {
            outcomes[index] = outcome
            if next < elements.count {
                start(next)
                next += 1
            }
        }
        return outcomes.map { $0! }
    }
}

/// Like `forEach`, but throws a `FanOutError` naming every element that failed once all
/// have finished, so that one node's failure is reported together with the rest.
@discardableResult
public func forEachOrThrow<Element: Sendable, Value: Sendable>(
    _ elements: [Element],
    parallel: Int,
    name: @escaping @Sendable (Element) -> String,
    _ body: @escaping @Sendable (Element) async throws -> Value
) async throws -> [Value] {
    let outcomes = await forEach(elements, parallel: parallel, body)
    var failures: [(String, any Error)] = []
    var values: [Value] = []
    for (element, outcome) in zip(elements, outcomes) {
        switch outcome {
        case .success(let value): values.append(value)
        case .failure(let error): failures.append((name(element), error))
        }
    }
    if !failures.isEmpty { throw FanOutError(failures: failures) }
    return values
}

public struct FanOutError: UserFacingError {
    public var failures: [(node: String, error: any Error)]

    public init(failures: [(String, any Error)]) {
        self.failures = failures.map { (node: $0.0, error: $0.1) }
    }

    public var exitStatus: Int32 {
        failures.map { ($0.error as? any UserFacingError)?.exitStatus ?? ExitStatus.failure }.max() ?? ExitStatus.failure
    }

    public var description: String {
        let count = failures.count == 1 ? "1 node" : "\(failures.count) nodes"
        return "\(count) failed:\n" + failures.map { "  \($0.node): \($0.error)" }.joined(separator: "\n")
    }
}
