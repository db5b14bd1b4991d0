/// PHP from Debian 12, run as one PHP-FPM master per instance: the instance's unit starts it
/// with a pool of its own that listens for FastCGI on the instance's loopback port, so a PHP
/// instance starts, is checked, switched and stopped exactly like any other.
public enum PHPRuntime {
    public static let version = "8.2"
    public static let fpmProgram = "/usr/sbin/php-fpm\(version)"
    public static let fpmPackage = "php\(version)-fpm"
    /// Debian's own php-fpm service, which silver masks: each instance runs its own master.
    public static let systemService = "php\(version)-fpm.service"

    /// The PHP drivers a database service needs (`php8.2-mysql`, `php8.2-pgsql`).
    public static func driverPackage(_ driver: String) -> String { "php\(version)-\(driver)" }

    /// The FPM configuration of one instance. It holds no secret: the pool's workers inherit
    /// the instance's environment from the master (`clear_env = no`), and PHP-FPM puts the
    /// environment into `$_SERVER`, as Silver Lining's `silver-env-variables.php` did.
    public static func fpmConfiguration(instance: String, port: Int, directory: String, temporaryDirectory: String) -> String {
        """
        ; Written by silver-node when \(instance) starts; read once, by its PHP-FPM master.
        [global]
        daemonize = no
        ; The master logs to its standard error, the instance's log (--force-stderr); it
        ; still opens error_log, which would write the same lines twice, so: /dev/null.
        error_log = /dev/null
        log_limit = 8192

        [\(instance)]
        listen = 127.0.0.1:\(port)
        listen.allowed_clients = 127.0.0.1
        pm = dynamic
        pm.max_children = 5
        pm.start_servers = 2
        pm.min_spare_servers = 1
        pm.max_spare_servers = 3
        chdir = \(directory)
        clear_env = no
        catch_workers_output = yes
        decorate_workers_output = no
        security.limit_extensions = .php
        ; Silver Lining's PHP 5 had short tags on, and its apps (and examples) open with <?.
        php_admin_flag[short_open_tag] = on
        php_admin_flag[log_errors] = on
        ; A worker's standard error is a pipe to the master (catch_workers_output).
        php_admin_value[error_log] = /proc/self/fd/2
        php_admin_value[sys_temp_dir] = \(temporaryDirectory)
        php_admin_value[upload_tmp_dir] = \(temporaryDirectory)

        """
    }
}
