/// The files `silver init` writes, as Tempita templates in the shape of Silver Lining's
/// `init-files/*.tmpl`. Variables: `app_name`, `module` (the app name as a Python module),
/// `main` and `config` (init's flags, "" when off) and `services` (a commented
/// `service.NAME =` line for each service silver provides).
extension AppSkeleton {
    static let readme = """
        This directory is a Silver Lining app, laid out by `silver init`.

          app.ini      the app's name, how it runs (runner), the services it uses
          main.py      the WSGI application app.ini's runner names (or config.ini, a Paste
                       Deploy file, with runner = config.ini)
          static/      files served as they are at the app's location: static/robots.txt
                       answers /robots.txt without reaching the app
          lib/python/  Python libraries bundled with the app; keep it in version control as
                       the record of exactly what the app runs with

        Deploy it with `silver update DIR NODESET.conf`, or name one of the nodeset's
        locations as default_location in app.ini and run `silver update DIR`.

        """

    static let appIni = """
        [production]
        app_name = {{app_name}}
        ## Uncomment these to make them available:
        {{services}}
        {{if main}}
        runner = main.py
        {{elif config}}
        runner = config.ini
        {{endif}}
        {{if config}}
        ## Paste Deploy reads config.ini; Debian's package puts it on the app servers:
        packages = python3-pastedeploy
        {{endif}}
        ## Uncomment to have /url called each time the app is updated:
        # update_fetch = /url
        ## If you always upload this app to the same place, name that location of your
        ## nodeset here, and `silver update DIR` alone deploys there:
        # default_location = http://myhost.example.com/

        """

    static let mainPy = """
        \"\"\"{{app_name}}: the WSGI application silver runs (app.ini: runner = main.py).

        Settings arrive in the environment: SILVER_* from silver, CONFIG_* for each
        service.NAME line of app.ini. Libraries bundled in lib/python/ can be imported.
        \"\"\"
        import os


        def application(environ, start_response):
            instance = os.environ.get("SILVER_INSTANCE_NAME", "{{app_name}}")
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [("Hello from %s\\n" % instance).encode("utf-8")]

        """

    static let configIni = """
        # Paste Deploy configuration: app.ini's runner = config.ini makes Silver Lining load
        # [app:main] from here. The factory lives in lib/python/{{module}}.py.
        [app:main]
        paste.app_factory = {{module}}:make_app
        greeting = Hello from {{app_name}}

        """

    static let factoryModule = """
        \"\"\"{{app_name}}'s application, made by Paste Deploy from config.ini's [app:main].\"\"\"


        def make_app(global_conf, **settings):
            greeting = settings.get("greeting", "Hello")

            def application(environ, start_response):
                start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
                return [("%s\\n" % greeting).encode("utf-8")]

            return application

        """
}
