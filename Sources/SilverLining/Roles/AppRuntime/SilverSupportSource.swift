/// The `silversupport` package Silver Lining apps import, in Python 3: `silversupport.secret`
/// (`get_secret`, `get_key`) and `silversupport.env` (`is_production`, `local_location`).
/// On an app server it reads the nodeset's files; elsewhere (a developer's machine) it keeps
/// its own under `~/.silverlining`, as Silver Lining's did.
enum SilverSupportSource {
    static let initFile = #"""
        # Written by silver setup-node; changes here are replaced.
        """Silver Lining's support library for apps, as silver provides it."""

        """#

    static let env = #"""
        # Written by silver setup-node; changes here are replaced.
        """Facts about the environment an app runs in."""
        import os

        __all__ = ["is_production", "local_location"]

        NODESET_FILE = "\#(BaseRole.topologyPath)"


        def is_production():
            """True on a silver app server (or in a process silver started), False in development."""
            return os.environ.get("SILVER_VERSION", "").startswith("silverlining/") or os.path.exists(NODESET_FILE)


        def local_location(path):
            """A file under ~/.silverlining, for development; its directory is made."""
            assert not is_production()
            path = os.path.join(os.environ["HOME"], ".silverlining", path)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            return path

        """#

    static let secret = #"""
        # Written by silver setup-node; changes here are replaced.
        """The nodeset's secret and the operator's named keys.

        The secret is one stable ASCII string per nodeset, the same on every app server, so
        that what one app server signs another verifies. It is never put in the environment,
        where error reports and logs would show it.
        """
        import base64
        import configparser
        import os

        from silversupport.env import is_production, local_location

        __all__ = ["get_secret", "get_key"]

        SECRET_FILE = "\#(AppRuntime.secretPath)"
        KEY_FILE = "\#(AppRuntime.keysPath)"


        def secret_file():
            if is_production():
                return SECRET_FILE
            path = local_location("secret.txt")
            if not os.path.exists(path):
                with open(path, "wb") as out:
                    out.write(base64.urlsafe_b64encode(os.urandom(24)).rstrip(b"="))
            return path


        def get_secret():
            """The secret, a random, stable ASCII string."""
            with open(secret_file(), "rb") as source:
                return source.read().strip().decode("ascii")


        def get_key(name):
            """A named key from the operator's [keys] section (e.g. a maps API key), or None."""
            return load_keys().get(name)


        def load_keys():
            """[keys] as a dict, and each [keys:NAME] section as a dict under NAME."""
            key_file = KEY_FILE if is_production() else os.path.join(os.environ["HOME"], ".silverlining.conf")
            parser = configparser.ConfigParser(interpolation=None)
            parser.read([key_file])
            keys = {}
            if parser.has_section("keys"):
                for option in parser.options("keys"):
                    keys[option] = parser.get("keys", option)
            for section in parser.sections():
                if section.startswith("keys:"):
                    keys[section[len("keys:"):]] = dict(parser.items(section))
            return keys

        """#
}
