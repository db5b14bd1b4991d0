import Testing

@testable import SilverNode

@Suite struct DeployLockTests {
    let root: TemporaryRoot
    let lock: DeployLock
    let alice = LockHolder(who: "alice@laptop", machine: "laptop", pid: 4242, since: 1709210096, doing: "update blog", token: "token-a")
    let bob = LockHolder(who: "bob@desk", machine: "desk", pid: 7, since: 1709210100, doing: "update wiki", token: "token-b")

    init() throws {
        root = try TemporaryRoot()
        lock = DeployLock(paths: root.paths)
    }

    @Test("the first acquire takes the lock; a second is refused and told who holds it")
    func acquire() throws {
        #expect(lock.holder() == nil)
        #expect(try lock.handle(LockRequest(action: .acquire, holder: alice)) == LockAnswer(done: true, holder: alice))
        #expect(lock.path == root.full("/var/lib/silverlining/deploy.lock"))
        #expect(root.mode("/var/lib/silverlining/deploy.lock") == 0o600)
        #expect(lock.holder() == alice)
        #expect(try lock.handle(LockRequest(action: .acquire, holder: bob)) == LockAnswer(done: false, holder: alice))
        #expect(try lock.handle(LockRequest(action: .acquire, holder: alice)) == LockAnswer(done: false, holder: alice),
            "taking it again is refused too: a lock is not reentrant")
        #expect(lock.holder() == alice)
    }

    @Test("only the holder's token releases it")
    func release() throws {
        _ = try lock.handle(LockRequest(action: .acquire, holder: alice))
        var impostor = bob
        impostor.who = alice.who
        #expect(try lock.handle(LockRequest(action: .release, holder: impostor)) == LockAnswer(done: false, holder: alice))
        #expect(lock.holder() == alice)
        #expect(try lock.handle(LockRequest(action: .release, holder: alice)) == LockAnswer(done: true, holder: alice))
        #expect(lock.holder() == nil && !root.exists("/var/lib/silverlining/deploy.lock"))
        #expect(try lock.handle(LockRequest(action: .release, holder: alice)) == LockAnswer(done: false, holder: nil))
        #expect(try lock.handle(LockRequest(action: .acquire, holder: bob)) == LockAnswer(done: true, holder: bob))
    }

    @Test("breaking removes anyone's lock and says whose it was")
    func breakLock() throws {
        _ = try lock.handle(LockRequest(action: .acquire, holder: alice))
        #expect(try lock.handle(LockRequest(action: .breakLock, holder: bob)) == LockAnswer(done: true, holder: alice))
        #expect(lock.holder() == nil)
        #expect(try lock.handle(LockRequest(action: .breakLock, holder: bob)) == LockAnswer(done: false, holder: nil))
    }

    @Test func holderDescription() {
        #expect(alice.description == "alice@laptop (pid 4242 on laptop), doing `update blog` since 2024-02-29 12:34:56 UTC")
    }
}
