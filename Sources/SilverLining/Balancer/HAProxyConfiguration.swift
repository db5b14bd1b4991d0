/// HAProxy on the balancer: one frontend on port 80 that routes each of the balancer's
/// `hostnames` to the app servers, active health checks against each app server's ready
/// page, and a runtime socket silver uses to drain a server before switching it.
public enum HAProxyConfiguration {
    public static let path = "/etc/haproxy/haproxy.cfg"
    public static let adminSocket = HAProxyRuntime.adminSocket
    public static let backend = HAProxyRuntime.appServers

    public static func render(_ topology: Topology) -> String {
        let hostnames = topology.siteHostnames
        let acls = hostnames.indices.map { "    acl site\($0) hdr(host),field(1,:) -i \(hostnames[$0])" }
        // http-request rules run before any use_backend, so the refusal names every site it spares.
        let unknownSite = hostnames.indices.map { "!site\($0)" }.joined(separator: " ")
        let routing = hostnames.isEmpty
            ? ["    default_backend \(backend)"]
            : acls + [
                "    http-request return status 404 content-type text/plain string \"no site here; this balancer serves \(hostnames.joined(separator: ", "))\\n\" if \(unknownSite)",
                "    default_backend \(backend)",
            ]
        let servers = topology.nodes(in: .appserver).map { "    server \($0.name) \($0.address):80 check" }
        return """
            # Written by silver setup-node; changes here are replaced.
            global
                log /dev/log local0
                chroot /var/lib/haproxy
                # expose-fd listeners: a reload hands the listening sockets to the new process,
                # so no connection is refused while it restarts.
                stats socket \(adminSocket) mode 660 level admin expose-fd listeners
                stats timeout 30s
                user haproxy
                group haproxy
                daemon

            defaults
                log global
                mode http
                option httplog
                option dontlognull
                option redispatch
                retries 3
                retry-on conn-failure empty-response response-timeout
                timeout connect 5s
                timeout client 60s
                timeout server 60s
                timeout http-request 10s
                timeout http-keep-alive 5s

            frontend site
                bind :80
                option forwardfor
                http-request set-header X-Forwarded-Proto http
            \(routing.joined(separator: "\n"))

            backend \(backend)
                balance roundrobin
                option httpchk
                http-check send meth GET uri \(RouterConfiguration.readyPath) ver HTTP/1.1 hdr Host silverlining-check
                http-check expect status 200
                default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 1
            \(servers.joined(separator: "\n"))

            """
    }
}
