#!/usr/bin/env python3
"""A county council's Open311 GeoReport v2 endpoint, played locally for the demo and the tests
(issue 17 point 3: reports that are the county's are handed on to it).

    python scripts/fake_county.py --port 8030 [--api-key demo-county-key]

Speaks the part of GeoReport v2 a hand-on uses: POST /open311/v2/requests.json (form-encoded,
api_key required) answers [{"service_request_id": ...}] or, in token mode, [{"token": ...}];
GET /open311/v2/tokens/<token>.json answers the id once it is issued (the next ask).
Test controls: POST /_control {"mode": "ok"|"token"|"down"|"refuse"}, GET /_stats,
POST /_reset, GET /healthz. Standard library only."""

import argparse
import json
import threading
import urllib.parse
from http.server import ThreadingHTTPServer
from typing import Any

from fake_http import FakePartnerHandler

PREFIX = "/open311/v2"


class County:
    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.mode = "ok"
        self.next_id = 70001
        self.requests: list[dict[str, Any]] = []
        self.tokens: dict[str, str] = {}
        self.token_asks: dict[str, int] = {}
        self.posts = 0


class Handler(FakePartnerHandler):
    county: County

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        print(f"fake county: {format % args}", flush=True)

    def do_GET(self) -> None:
        county = self.county
        path = urllib.parse.urlsplit(self.path).path
        if path == "/healthz":
            return self._reply(200, {"ok": True})
        if path == "/_stats":
            with county.lock:
                return self._reply(
                    200, {"posts": county.posts, "requests": county.requests, "mode": county.mode}
                )
        if path.startswith(PREFIX + "/tokens/") and path.endswith(".json"):
            token = path[len(PREFIX + "/tokens/") : -len(".json")]
            with county.lock:
                if county.mode == "down":
                    return self._reply(503, {"error": "down"})
                if token not in county.tokens:
                    return self._reply(404, [{"code": 404, "description": "unknown token"}])
                county.token_asks[token] = county.token_asks.get(token, 0) + 1
                # The id is issued after the first ask: a client must be ready to ask again.
                if county.token_asks[token] < 2:
                    return self._reply(200, [{"token": token}])
                return self._reply(
                    200, [{"token": token, "service_request_id": county.tokens[token]}]
                )
        return self._reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        county = self.county
        path = urllib.parse.urlsplit(self.path).path
        body = self._body()
        if path == "/_reset":
            with county.lock:
                county.reset()
            return self._reply(200, {"ok": True})
        if path == "/_control":
            with county.lock:
                county.mode = json.loads(body or b"{}").get("mode", "ok")
            return self._reply(200, {"mode": county.mode})
        if path != PREFIX + "/requests.json":
            return self._reply(404, {"error": "not found"})
        fields = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        with county.lock:
            county.posts += 1
            if county.mode == "down":
                return self._reply(503, [{"code": 503, "description": "down for maintenance"}])
            if county.mode == "refuse" or fields.get("api_key") != county.api_key:
                return self._reply(403, [{"code": 403, "description": "api_key not accepted"}])
            if not fields.get("service_code"):
                return self._reply(400, [{"code": 400, "description": "service_code missing"}])
            # The same report sent twice (a retry whose answer was lost) keeps its first id.
            key = self.headers.get("Idempotency-Key", "")
            for earlier in county.requests:
                if key and earlier["key"] == key:
                    return self._reply(201, [earlier["answer"]])
            request_id = str(county.next_id)
            county.next_id += 1
            if county.mode == "token":
                token = f"tok-{request_id}"
                county.tokens[token] = request_id
                answer: dict[str, str] = {"token": token}
            else:
                answer = {"service_request_id": request_id}
            county.requests.append(
                {
                    "key": key,
                    "fields": {k: v for k, v in fields.items() if k != "api_key"},
                    "answer": answer,
                    "id": request_id,
                }
            )
        return self._reply(201, [answer])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8030)
    parser.add_argument("--api-key", default="demo-county-key")
    args = parser.parse_args()
    Handler.county = County(args.api_key)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"fake county Open311 on http://127.0.0.1:{args.port}{PREFIX}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
