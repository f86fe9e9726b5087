"""Serves web/ (or site/) on localhost with the site's HTTP headers from its
_headers file: COOP/COEP make the page cross-origin isolated, so the worker
runs the threaded wasm build. --no-isolation serves without any of them (as a
host that cannot set headers would: the single-thread build runs).
    python3 scripts/serve.py [--dir DIR] [--port PORT] [--no-isolation]
"""
import argparse
import fnmatch
import functools
import http.server
import os


def read_headers(path):
    """Netlify-style _headers: a path pattern, then indented `Name: value` lines."""
    rules = []
    if not os.path.exists(path):
        return rules
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line[0].isspace():
                rules.append((line.strip(), []))
            elif rules:
                name, _, value = line.strip().partition(":")
                rules[-1][1].append((name.strip(), value.strip()))
    return rules


class Handler(http.server.SimpleHTTPRequestHandler):
    rules = []
    # Streaming wasm compilation needs the right type (Python knows it from
    # 3.10 on; older ones do not).
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript"}

    def end_headers(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.endswith("/"):
            path += "index.html"
        for pattern, headers in self.rules:
            if fnmatch.fnmatchcase(path, pattern):
                for name, value in headers:
                    self.send_header(name, value)
        # Development server: always the files on disk.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, *args):
        pass


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    ap = argparse.ArgumentParser(description="Serve the NoPE Lab web app on localhost.")
    ap.add_argument("--dir", default=os.path.join(root, "web"))
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--no-isolation", action="store_true", help="send none of the _headers (no COOP/COEP/CSP)")
    args = ap.parse_args()
    if not args.no_isolation:
        Handler.rules = read_headers(os.path.join(args.dir, "_headers"))
    handler = functools.partial(Handler, directory=args.dir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    mode = "without isolation headers" if args.no_isolation else "cross-origin isolated"
    print(f"NoPE Lab: http://localhost:{server.server_port}/  ({mode})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
