/// What an app server gives every app besides its instance: silver's Python loader and
/// `silversupport` package, the PHP master runner, and the nodeset's secret. The paths live
/// here because the agent (which starts instances) and setup-node (which writes the files)
/// must agree on them.
public enum AppRuntime {
    /// On every Python instance's `PYTHONPATH`: the loader (`silverlining_wsgi`,
    /// `silverlining_runner`) and `silversupport`.
    public static let pythonDirectory = "/usr/local/lib/silverlining/python"
    public static let phpDirectory = "/usr/local/lib/silverlining/php"
    /// Every PHP request's FastCGI script: it prepares `$_SERVER` and `SILVER_SECRET`, then
    /// includes the app's runner (Silver Lining's `master-runner.php`).
    public static let phpMasterRunner = phpDirectory + "/master-runner.php"
    public static let phpFunctions = phpDirectory + "/functions.php"
    /// The nodeset's secret (`silversupport.secret.get_secret()`, PHP's `SILVER_SECRET`), at
    /// Silver Lining's path: the same on every app server, readable by root and the apps only
    /// (`AppAccount.sharedGroup`).
    public static let secretPath = "/var/lib/silverlining/secret.txt"
    /// `[keys]` for `silversupport.secret.get_key(name)`, at Silver Lining's path; the
    /// operator provides it.
    public static let keysPath = "/var/lib/silverlining/keys.ini"
}
