import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Whether something accepts TCP connections at an address, checked by connecting.
public enum TCPProbe {
    /// One connection attempt, given up after `timeout`.
    public static func isOpen(address: String, port: Int, timeout: Duration = .milliseconds(500)) -> Bool {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, address, &addr.sin_addr) == 1 else { return false }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let started = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if started == 0 { return true }
        guard errno == EINPROGRESS else { return false }
        var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let millis = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&pollfd, 1, millis) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0
    }

    /// Polls every 50 ms until the port accepts connections or `deadline` passes.
    public static func waitUntilOpen(address: String, port: Int, deadline: Duration) async -> Bool {
        await SilverNode.poll(deadline: deadline) { isOpen(address: address, port: port, timeout: .milliseconds(300)) }
    }
}
