"""Writes command-docs.txt: for each command the RESP endpoint serves, redis-server's own COMMAND DOCS entry (the
value after the name), raw, in RESP2 and in RESP3, base64-encoded: `name resp2 resp3` per line.
Usage: python3 gendocs.py PORT NAME... > command-docs.txt (against a redis-server 7.0)."""
import base64, socket, sys

def raw_value(f):
    """Reads one RESP value from f and returns its raw bytes."""
    line = f.readline()
    out = line
    t = line[:1]
    rest = line[1:-2]
    if t in (b'+', b'-', b':', b'_', b',', b'#', b'('):
        return out
    if t in (b'$', b'=', b'!'):
        n = int(rest)
        if n >= 0:
            out += f.read(n + 2)
        return out
    n = int(rest)
    if n < 0:
        return out
    if t == b'%' or t == b'|':
        n *= 2
    for _ in range(n):
        out += raw_value(f)
    return out

def docs(port, proto, names):
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb")
    def send(*args):
        data = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            data += b"$%d\r\n%s\r\n" % (len(a), a)
        s.sendall(data)
    send("hello", str(proto)); raw_value(f)
    result = {}
    for name in names:
        send("command", "docs", name)
        header = f.readline()
        count = int(header[1:-2])
        pairs = count // 2 if header[:1] == b'*' else count
        for _ in range(pairs):
            key = raw_value(f)
            value = raw_value(f)
            result[name] = value
    return result

port = int(sys.argv[1]); names = sys.argv[2:]
r2 = docs(port, 2, names); r3 = docs(port, 3, names)
for name in names:
    if name in r2:
        print(name, base64.b64encode(r2[name]).decode(), base64.b64encode(r3[name]).decode())
