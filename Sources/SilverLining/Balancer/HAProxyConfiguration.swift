/// HAProxy on the balancer: one frontend on port 80 that accepts the balancer's
/// `hostnames` and sends each location to its app's backend, one backend per app holding
/// every app server, each checked at that app's own ready page. So an app server takes an
/// app's requests as soon as that app serves there, whatever the other apps do: a new app
/// not yet deployed, or one that fails, takes no other app off the balancer. A runtime
/// socket lets silver drain an app server in one app's backend while it switches.
public enum HAProxyConfiguration {
    public static let path = "/etc/haproxy/haproxy.cfg"
    public static let adminSocket = HAProxyRuntime.adminSocket
    /// Answers requests that match no location.
    static let noApp = "no_app"

    public static func render(_ topology: Topology) -> String {
        let hostnames = (topology.siteHostnames + topology.previousHostnames).uniqued()
        let acls = hostnames.indices.map { "    acl site\($0) hdr(host),field(1,:) -i \(hostnames[$0])" }
        // http-request rules run before any use_backend, so the refusal names every site it spares.
        let unknownSite = hostnames.indices.map { "!site\($0)" }.joined(separator: " ")
        let refusal = hostnames.isEmpty ? [] : [
            "    http-request return status 404 content-type text/plain string \"no site here; this balancer serves \(hostnames.joined(separator: ", "))\\n\" if \(unknownSite)"
        ]
        let routes = routes(topology.nodeset.locations).map { route in
            "    use_backend \(HAProxyRuntime.backend(app: route.app)) if { hdr(host),field(1,:) -i \(route.hostname) }"
                + (route.path == "/" ? "" : " { path_beg \(route.path) }")
        }
        let servers = topology.nodes(in: .appserver).map { "    server \($0.name) \($0.address):80 check" }
        let apps = topology.nodeset.locations.map(\.appName).uniqued()
        let backends = apps.map { app in
            """
            backend \(HAProxyRuntime.backend(app: app))
                balance roundrobin
                option httpchk
                http-check send meth GET uri \(RouterConfiguration.readyPath(app: app)) ver HTTP/1.1 hdr Host silverlining-check
                http-check expect status 200
                default-server inter 1s fastinter 500ms downinter 1s fall 3 rise 1
            \(servers.joined(separator: "\n"))

            """
        }
        return """
            # Written by silver setup-node; changes here are replaced.
            global
                log /dev/log local0
                chroot /var/lib/haproxy
                # expose-fd listeners: a reload hands the listening sockets to the new process,
                # so no connection is refused while it restarts.
                stats socket \(adminSocket) mode 660 level admin expose-fd listeners
                stats timeout 30s
                # Saved by silver before each reload: servers keep their state across it.
                server-state-file \(HAProxyRuntime.stateFile)
                user haproxy
                group haproxy
                daemon

            defaults
                log global
                mode http
                load-server-state-from-file global
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
                # On a reload the old process answers an idle keep-alive connection's next
                # request (with Connection: close) instead of closing it under a client that
                # may be sending one at that moment: a reset the client would see.
                option idle-close-on-response
                # A check that times out counts as failed. Without this it times out after
                # "inter" (1 s): on a busy app server every server could be marked down at once.
                timeout check 3s

            frontend site
                bind :80
                option forwardfor
                http-request set-header X-Forwarded-Proto http
            \((acls + refusal + routes + ["    default_backend \(noApp)"]).joined(separator: "\n"))

            \(backends.map { $0 + "\n" }.joined())backend \(noApp)
                http-request return status 404 content-type text/plain string "no app is configured at this address\\n"

            """
    }

    /// The locations as HAProxy matches them: within a host, the longest path first, as
    /// nginx's prefix locations choose on the app servers.
    static func routes(_ locations: [Location]) -> [RoutedLocation] {
        let routed = locations.flatMap { location in
            // prev.HOST goes to the app's backend too; the app servers route it to the previous instance.
            [location.hostname, RouterConfiguration.previousHostname(location.hostname)].map {
                RoutedLocation(hostname: $0.lowercased(), path: location.path, app: location.appName)
            }
        }
        return routed.enumerated().sorted { a, b in
            (a.element.path.count, b.offset) > (b.element.path.count, a.offset)
        }.map(\.element)
    }
}
