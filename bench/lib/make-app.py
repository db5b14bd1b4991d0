#!/usr/bin/env python3
"""Makes the benchmark app in DEST: bench/app (app.ini, app.py) plus generated weight that
stays the same from run to run (a fixed seed): 80 Python modules in benchlib/ and 140 static
assets in static/ (CSS, JS, JSON, SVG), about 2 MB in 220 files. Text, as a web app's files
are; rsync sends them uncompressed, as silver's upload does.

    make-app.py DEST            # DEST is replaced
"""
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "app")
WORDS = ("alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega render "
         "request response session cache token layout widget column border margin "
         "padding color value index count total offset buffer stream").split()


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def module(rng, i, size):
    out = ['"""Generated module %d: %s."""\n\n' % (i, words(rng, 6))]
    j = 0
    while sum(map(len, out)) < size:
        name = "%s_%d" % (rng.choice(WORDS), j)
        out.append("def %s(value, factor=%d):\n    \"\"\"%s.\"\"\"\n    total = value * factor\n"
                   "    for step in range(%d):\n        total = (total + step) %% %d\n    return total\n\n\n"
                   % (name, rng.randint(2, 99), words(rng, 10), rng.randint(2, 9), rng.randint(100, 9999)))
        j += 1
    out.append("TABLE = %r\n" % [rng.randint(0, 1 << 30) for _ in range(20)])
    return "".join(out)


def asset(rng, kind, size):
    out = []
    while sum(map(len, out)) < size:
        w = rng.choice(WORDS)
        if kind == "css":
            out.append(".%s-%d { %s: %dpx; color: #%06x; }\n" % (w, rng.randint(0, 999), rng.choice(["margin", "padding", "width"]), rng.randint(0, 400), rng.randint(0, 0xFFFFFF)))
        elif kind == "js":
            out.append("function %s%d(a, b) { return a * %d + b - %d; /* %s */ }\n" % (w, rng.randint(0, 9999), rng.randint(1, 99), rng.randint(1, 99), words(rng, 4)))
        elif kind == "json":
            out.append('{"key": "%s", "id": %d, "tags": ["%s"]},\n' % (w, rng.randint(0, 1 << 20), '", "'.join(words(rng, 3).split())))
        else:
            out.append('<circle cx="%d" cy="%d" r="%d" fill="#%06x"/>\n' % (rng.randint(0, 500), rng.randint(0, 500), rng.randint(1, 50), rng.randint(0, 0xFFFFFF)))
    return "".join(out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    dest = sys.argv[1]
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(SOURCE, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    rng = random.Random(8)
    os.makedirs(os.path.join(dest, "benchlib"))
    with open(os.path.join(dest, "benchlib", "__init__.py"), "w") as f:
        f.write('"""Generated modules; bench/lib/make-app.py."""\n')
    for i in range(80):
        with open(os.path.join(dest, "benchlib", "mod%03d.py" % i), "w") as f:
            f.write(module(rng, i, rng.randint(3000, 9000)))
    kinds = ["css", "js", "json", "svg"]
    for i in range(140):
        kind = kinds[i % 4]
        sub = os.path.join(dest, "static", kind)
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "asset%03d.%s" % (i, kind)), "w") as f:
            f.write(asset(rng, kind, rng.randint(4000, 20000)))
    # Fixed times too, so that a regenerated app looks unchanged to rsync's quick check.
    for root, dirs, files in os.walk(dest):
        for name in files + dirs:
            os.utime(os.path.join(root, name), (1764115200, 1764115200))


if __name__ == "__main__":
    main()
