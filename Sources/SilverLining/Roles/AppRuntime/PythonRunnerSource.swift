/// silver's Python loader on every app server, in Python 3: what Silver Lining's
/// `master-runner.py` with `AppConfig.activate_path` and `get_app_from_runner` did under
/// mod_wsgi, for gunicorn. `silverlining_runner` does the work (and checks deployment
/// configuration from the command line); `silverlining_wsgi` is what gunicorn imports.
enum PythonRunnerSource {
    static let updateVariable = "HTTP_" + RouterConfiguration.updateHeader.uppercased().replacingOccurrences(of: "-", with: "_")

    static let runner = #"""
        # Written by silver setup-node; changes here are replaced.
        """Loads a Silver Lining app the way Silver Lining's master-runner.py did, in Python 3.

        The instance's unit runs gunicorn on silverlining_wsgi, which calls load(); a
        deployment's config.checker runs as `python3 -m silverlining_runner check-config
        MODULE:FUNCTION DIRECTORY` in the new instance's directory and environment.
        """
        import os
        import site
        import sys
        import traceback

        UPDATE_VARIABLE = "\#(updateVariable)"


        def run_file(path, name):
            """Runs a Python file in a namespace of its own (Python 2's execfile)."""
            namespace = {"__file__": path, "__name__": name}
            with open(path, "rb") as source:
                code = compile(source.read(), path, "exec")
            exec(code, namespace)
            return namespace


        def activate_path(app_dir):
            """The app's own libraries before the app server's: lib/python/ and
            lib/pythonX.Y/site-packages/ through site.addsitedir, so that their .pth files are
            read, then the app's lib/pythonX.Y/sitecustomize.py, run as Silver Lining ran it."""
            version = "python%d.%d" % sys.version_info[:2]
            before = list(sys.path)
            for directory in (os.path.join(app_dir, "lib", "python"),
                              os.path.join(app_dir, "lib", version, "site-packages")):
                if os.path.isdir(directory) and directory not in sys.path:
                    site.addsitedir(directory)
            # addsitedir appends; a bundled library is there to win over a Debian package,
            # as it did in the virtualenv Silver Lining apps were made in.
            added = [entry for entry in sys.path if entry not in before]
            sys.path[:] = [app_dir] + added + [entry for entry in before if entry != app_dir]
            sitecustomize = os.path.join(app_dir, "lib", version, "sitecustomize.py")
            if os.path.exists(sitecustomize):
                run_file(sitecustomize, "sitecustomize")


        def load_app(runner):
            """The WSGI application a runner names: FILE.py (its `application`), FILE.py#NAME,
            FILE.ini or FILE.ini#NAME (Paste Deploy, with the environment and SECRET as
            global_conf)."""
            path, _, name = runner.partition("#")
            if path.endswith(".ini"):
                from paste.deploy import loadapp
                from silversupport.secret import get_secret
                global_conf = dict(os.environ)
                global_conf["SECRET"] = get_secret()
                return loadapp("config:" + path, name=name or None, global_conf=global_conf)
            if path.endswith(".py"):
                namespace = run_file(path, "main_py")
                name = name or "application"
                if name not in namespace:
                    raise LookupError("No application %s defined in %s" % (name, path))
                return namespace[name]
            raise ValueError("Unknown kind of runner (%s)" % path)


        def load(runner):
            """The instance's application (the runner's path is relative to the instance
            directory, the working directory), wrapped to fix up each request."""
            activate_path(os.getcwd())
            runner_directory = os.path.dirname(os.path.abspath(runner.partition("#")[0]))
            if runner_directory not in sys.path:
                sys.path.insert(1, runner_directory)
            return Request(load_app(runner), os.environ.get("SILVER_MATCH_PATH", "/"))


        class Request(object):
            """Per request: the location's path moves from PATH_INFO to SCRIPT_NAME, the
            visitor's address comes from X-Forwarded-For, and silver's own update requests
            are marked (nginx clears the header on every request from outside)."""

            def __init__(self, app, match_path):
                self.app = app
                self.match_path = match_path.rstrip("/")

            def __call__(self, environ, start_response):
                marker = environ.pop(UPDATE_VARIABLE, None)
                if marker:
                    environ["silverlining.update"] = True
                    # update_fetch_everywhere: only the first app server's fetch is the primary one.
                    environ["silverlining.update.primary"] = marker != "\#(FetchRequest.marker(primary: false))"
                path_info = environ.get("PATH_INFO", "")
                match = self.match_path
                if match and (path_info == match or path_info.startswith(match + "/")):
                    environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + match
                    environ["PATH_INFO"] = path_info[len(match):]
                environ["SERVER_PORT"] = "80"
                forwarded = environ.pop("HTTP_X_FORWARDED_FOR", "")
                if forwarded:
                    environ["REMOTE_ADDR"] = forwarded.split(",")[0].strip()
                return self.app(environ, start_response)


        def check_config(checker, directory):
            """Imports MODULE and calls FUNCTION(directory), as Silver Lining's config.checker."""
            activate_path(os.getcwd())
            module_name, _, attributes = checker.partition(":")
            __import__(module_name)
            target = sys.modules[module_name]
            for attribute in attributes.split("."):
                target = getattr(target, attribute)
            target(directory)


        def main(arguments):
            if len(arguments) == 3 and arguments[0] == "check-config":
                try:
                    check_config(arguments[1], arguments[2])
                except Exception:
                    traceback.print_exc()
                    return 1
                return 0
            sys.stderr.write("usage: python3 -m silverlining_runner check-config MODULE:FUNCTION DIRECTORY\n")
            return 2


        if __name__ == "__main__":
            sys.exit(main(sys.argv[1:]))

        """#

    static let wsgi = #"""
        # Written by silver setup-node; changes here are replaced.
        """What gunicorn serves: the runner named by SILVER_RUNNER, relative to the instance."""
        import os

        import silverlining_runner

        application = silverlining_runner.load(os.environ["SILVER_RUNNER"])

        """#
}
