/// silver's PHP runner on every app server: what Silver Lining's `master-runner.php` and
/// `silversupport/php/functions.php` gave PHP apps. nginx sends every dynamic request of a
/// PHP app here (FastCGI), with the path inside the app as `SCRIPT_NAME`; the instance's
/// environment is already in `$_SERVER` (PHP-FPM puts it there).
enum PHPRunnerSource {
    static let updateVariable = PythonRunnerSource.updateVariable

    static let masterRunner = masterRunner(secretPath: AppRuntime.secretPath, functions: AppRuntime.phpFunctions)

    /// The master runner reading the secret and the helpers from these paths (`silver serve`
    /// keeps its own on the developer's machine).
    static func masterRunner(secretPath: String, functions: String) -> String {
        #"""
        <?php
        // Written by silver setup-node; changes here are replaced.
        // Runs before every request of a PHP app, then hands it to the app's runner.

        $silver_base = $_SERVER['SILVER_INSTANCE_DIR'];
        $silver_runner = $_SERVER['SILVER_RUNNER'];
        $silver_php_root = $_SERVER['SILVER_PHP_ROOT'];
        if (empty($_SERVER['SILVER_CANONICAL_HOSTNAME'])) {
            $_SERVER['SILVER_CANONICAL_HOSTNAME'] = $_SERVER['HTTP_HOST'];
        }
        // silver's own update_fetch requests; nginx clears this header on every request from outside.
        if (!empty($_SERVER['\#(updateVariable)'])) {
            $_SERVER['silverlining.update'] = true;
        }
        unset($_SERVER['\#(updateVariable)']);

        // The nodeset's secret is a constant, never in the environment, where phpinfo() and
        // error pages would show it.
        $silver_secret = @file_get_contents('\#(secretPath)');
        if ($silver_secret === false) {
            error_log('silver: cannot read \#(secretPath); run silver setup-node');
            $silver_secret = '';
        }
        define('SILVER_SECRET', rtrim($silver_secret, "\n"));
        unset($silver_secret);

        require_once '\#(functions)';
        include "{$silver_base}/{$silver_runner}";

        """#
    }

    static let functions = #"""
        <?php
        // Written by silver setup-node; changes here are replaced.
        // Silver Lining's helpers for a PHP runner that passes a request on to a file under php_root.

        // The file under php_root that $url_path (default: this request's path) names: a
        // directory's index.php (redirecting to add the trailing slash), or $default when no
        // such file exists (NULL without a default).
        function silver_next_path($default = NULL, $url_path = NULL) {
            global $silver_base, $silver_php_root;
            if (!$url_path) {
                $url_path = $_SERVER['SCRIPT_NAME'];
            }
            $path = "{$silver_base}/{$silver_php_root}/{$url_path}";
            if (is_dir($path) && file_exists(rtrim($path, '/') . '/index.php')) {
                if (substr($path, -1) != '/') {
                    header('Status: 301 Moved Permanently');
                    header("Location: {$url_path}/");
                    exit();
                }
                $path = rtrim($path, '/') . '/index.php';
            }
            if (!file_exists($path)) {
                if (!$default) {
                    return NULL;
                }
                $path = $default;
            }
            return $path;
        }

        // Like silver_next_path, and makes the file's directory the working directory and
        // its path PHP_SELF, so the caller can include it.
        function silver_call_next($default = NULL, $url_path = NULL) {
            $path = silver_next_path($default, $url_path);
            if ($path) {
                chdir(dirname($path));
            }
            $_SERVER['PHP_SELF'] = $path;
            return $path;
        }

        """#
}
