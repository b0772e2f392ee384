"""A stand-in for the auth services people run behind nginx-rtmp's
on_publish/on_play: answers by the stream name in the form body and logs
every request (path, content type, body), one per line.

    python3 notify_server.py LOGFILE      prints the port it listens on

name starting with  deny -> 403, rename -> 302 Location: renamed,
relay -> 302 Location: rtmp://…, slow -> no answer for 10 s, else 200.
"""
import http.server
import sys
import time
import urllib.parse

log = open(sys.argv[1], "a", buffering=1)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n).decode()
        log.write(f"{self.path} {self.headers.get('Content-Type', '')} {body}\n")
        name = urllib.parse.parse_qs(body).get("name", [""])[0]
        code, location = 200, None
        if name.startswith("slow"):
            time.sleep(10)
        elif name.startswith("deny"):
            code = 403
        elif name.startswith("rename"):
            code, location = 302, "renamed"
        elif name.startswith("relay"):
            code, location = 302, "rtmp://198.51.100.1/live/elsewhere"
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
