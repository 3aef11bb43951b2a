#!/usr/bin/env python3
"""Independent reference for @sealroom/hash-chain vectors (hashlib + struct, no shared code).

Implements waict-apis.md "Hash Computations" directly from the draft text:
  resource_hash    = SHA-256("waict-rh" || r)
  asset_hosts_hash = SHA-256("waict-ah" || u16 len || (u16 len || url)*)  urls sorted bytewise
  Entry            = u64 pos || u64 time || rh[32] || ah[32]
  ChainNode        = Entry || chain_hash[32]; first chain_hash = 0^32,
  chain_hash(k)    = SHA-256("waict-ch" || ChainNode(k-1)); digest = SHA-256("waict-ch" || head)
Run: python3 gen_chain_vectors.py > chain-vectors.json
"""
import hashlib, json, struct

def H(b): return hashlib.sha256(b).digest()

def asset_hosts(urls):
    urls = sorted(u.encode() for u in urls)
    body = b"".join(struct.pack(">H", len(u)) + u for u in urls)
    return struct.pack(">H", len(body)) + body

def entry(pos, t, rh, ah): return struct.pack(">QQ", pos, t) + rh + ah

steps = [
    # (time, resource bytes or None for tombstone, hosts or None for unchanged)
    (1760000000, b'{"manifest":{"version":1}}', ["https://assets.example.net/", "https://a.example/"]),
    (1760000000, b'{"manifest":{"version":2}}', None),
    (1760003600, b"second release", ["https://cdn.example.org/x"]),
    (1760007200, None, None),
    (1760009999, b"re-enrolled", ["https://b.example/", "https://a.example/", "https://\u00e9.example/", "https://Z.example/"]),
]
out = {"source": "gen_chain_vectors.py (Python hashlib, independent of the TypeScript code)", "steps": []}
ch = bytes(32)
ah = None
for pos, (t, res, hosts) in enumerate(steps):
    rh = bytes(32) if res is None else H(b"waict-rh" + res)
    if hosts is not None:
        ahs = asset_hosts(hosts)
        ah = H(b"waict-ah" + ahs)
    e = entry(pos, t, rh, ah)
    node = e + ch
    digest = H(b"waict-ch" + node)
    out["steps"].append({
        "time": str(t),
        "resource_hex": None if res is None else res.hex(),
        "asset_hosts": hosts,
        "asset_hosts_encoded_hex": None if hosts is None else asset_hosts(hosts).hex(),
        "resource_hash_hex": rh.hex(),
        "asset_hosts_hash_hex": ah.hex(),
        "entry_hex": e.hex(),
        "node_hex": node.hex(),
        "digest_hex": digest.hex(),
    })
    ch = digest
print(json.dumps(out, indent=2, ensure_ascii=False))
