#!/usr/bin/env python3
"""Redact and verify the recorded producer files (Python standard library only).

  redact.py redact SRC DST   copy every file of SRC to DST with the secrets replaced
  redact.py verify DIR       exit 1 if any secret (or any unredacted Devblocks cookie,
                             or any JWT-shaped string) is left in DIR

Secrets: every token and key in $CERB_SERVER_DIR/env and tokens/*.json (CERB_TOKEN, the
read-only and Jane tokens, refresh tokens, the legacy API key and secret, the OAuth client
secret), and every Devblocks session id found in the recordings (Set-Cookie, Cookie).

The replacement is textual, on the bytes the producer wrote, so nothing else changes
(field order, vendor fields, whitespace): a token becomes REDACTED (so the header reads
"Bearer REDACTED", as in the bundled recordings) and a session id becomes REDACTED
("Devblocks=REDACTED; path=/; HttpOnly; SameSite=Lax", cookie "value": "REDACTED").
Containers are opened and written again in the same format: .zip (same member names, order,
dates and compression), .zhar (zlib, level 9, as mitmproxy's har_dump writes it), .gz (gzip
-n, no name and no time). Sidecar files keep their names (Playwright names them by the SHA-1
of the original content; after redaction the name no longer is that content's hash).
"""
import base64
import glob
import gzip
import io
import json
import os
import re
import shutil
import sys
import zipfile
import zlib

PLACEHOLDER = b"REDACTED"
COOKIE_RE = re.compile(rb"Devblocks=([A-Za-z0-9,-]{8,})")
JWT_RE = re.compile(rb"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")


def env_secrets():
    rundir = os.environ.get("CERB_SERVER_DIR", "/tmp/cerb-server")
    secrets = set()
    names = ("CERB_TOKEN", "CERB_READONLY_TOKEN", "CERB_JANE_TOKEN", "CERB_ACCESS_KEY",
             "CERB_SECRET", "CERB_OAUTH_CLIENT_SECRET", "CERB_ADMIN_PASSWORD", "CERB_JANE_PASSWORD")
    envfile = os.path.join(rundir, "env")
    if os.path.exists(envfile):
        for line in open(envfile, encoding="utf-8"):
            line = line.strip()
            if line.startswith("export "):
                line = line[7:]
            k, _, v = line.partition("=")
            if k in names:
                secrets.add(v.strip().strip("'\""))
    for k in names:
        if os.environ.get(k):
            secrets.add(os.environ[k])
    for f in glob.glob(os.path.join(rundir, "tokens", "*.json")):
        try:
            doc = json.load(open(f, encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for k in ("access_token", "refresh_token"):
            if doc.get(k):
                secrets.add(doc[k])
    return {s.encode() for s in secrets if len(s) >= 8}


def members(path, data):
    """(name, bytes) of the recorded text inside one file: the file, or a container's content."""
    if path.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return [(path + "!" + i.filename, z.read(i)) for i in z.infolist()]
    if path.endswith(".zhar"):
        return [(path + "!zlib", zlib.decompress(data))]
    if path.endswith(".gz"):
        return [(path + "!gzip", gzip.decompress(data))]
    return [(path, data)]


def replace_all(data, secrets):
    for s in sorted(secrets, key=len, reverse=True):
        data = data.replace(s, PLACEHOLDER)
    return data


def rewrite(path, data, secrets):
    if path.endswith(".zip"):
        src = zipfile.ZipFile(io.BytesIO(data))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as dst:
            for info in src.infolist():
                new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                new.compress_type = info.compress_type
                new.external_attr = info.external_attr
                new.create_system = info.create_system
                new.comment = info.comment
                new.extra = info.extra
                dst.writestr(new, replace_all(src.read(info), secrets))
            dst.comment = src.comment
        return buf.getvalue()
    if path.endswith(".zhar"):
        return zlib.compress(replace_all(zlib.decompress(data), secrets), 9)
    if path.endswith(".gz"):
        return gzip.compress(replace_all(gzip.decompress(data), secrets), 9, mtime=0)
    return replace_all(data, secrets)


def cookie_values(texts):
    found = set()
    for t in texts:
        for m in COOKIE_RE.finditer(t):
            if m.group(1) != PLACEHOLDER:
                found.add(m.group(1))
    return found


def all_files(root):
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            yield os.path.join(dirpath, f)


def redact(src, dst):
    secrets = env_secrets()
    texts = []
    for p in all_files(src):
        texts += [t for _, t in members(p, open(p, "rb").read())]
    secrets |= cookie_values(texts)
    for p in all_files(src):
        out = os.path.join(dst, os.path.relpath(p, src))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        data = open(p, "rb").read()
        with open(out, "wb") as f:
            f.write(rewrite(p, data, secrets))
        shutil.copystat(p, out)
    print("redact: %d secrets replaced in %s" % (len(secrets), dst))


def base64_bodies(text):
    """Response bodies that a producer stored base64-encoded (martian), decoded."""
    try:
        doc = json.loads(text)
    except ValueError:
        return []
    out = []
    for e in (doc.get("log") or {}).get("entries") or []:
        c = (e.get("response") or {}).get("content") or {}
        if c.get("encoding") == "base64" and c.get("text"):
            try:
                out.append(base64.b64decode(c["text"]))
            except ValueError:
                pass
    return out


def verify(root):
    secrets = env_secrets()
    bad = []
    n = 0
    for p in all_files(root):
        for name, text in members(p, open(p, "rb").read()):
            n += 1
            for t in [text] + base64_bodies(text):
                for s in secrets:
                    if s in t:
                        bad.append("%s: a secret from the kit's env/tokens (%s...)" % (name, s[:6].decode()))
                for c in cookie_values([t]):
                    bad.append("%s: an unredacted Devblocks session id %s..." % (name, c[:4].decode()))
                if JWT_RE.search(t):
                    bad.append("%s: a JWT-shaped string" % name)
    if not secrets:
        bad.append("no secrets known: is the kit's env readable (CERB_SERVER_DIR)?")
    for b in bad:
        print("verify: " + b, file=sys.stderr)
    if bad:
        sys.exit(1)
    print("verify: %d files (containers opened) under %s: no token, key, session id or JWT left" % (n, root))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "redact":
        redact(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "verify":
        verify(sys.argv[2])
    else:
        sys.exit(__doc__)
