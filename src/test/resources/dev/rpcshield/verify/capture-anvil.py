"""Captures the anvil fixtures of dev.rpcshield.verify: real answers of anvil, per hardfork.

Run from the repository root after the build installed anvil (target/it-tools), e.g.
    python3 src/test/resources/dev/rpcshield/verify/capture-anvil.py prague berlin london shanghai cancun
Each fork gets anvil-<fork>-blocks.json (blocks 0, 1 and the latest, with and without full
transactions); prague also gets anvil-prague-proofs.json (eth_getProof of a funded account, the
sender, an absent account, a contract with storage, an account sharing a trie extension with the
funded one, and proofs at block 1). anvil listens on 127.0.0.1:18799 and is stopped afterwards.
"""
import json, subprocess, sys, time, urllib.request, os

ANVIL = os.environ.get(
    "ANVIL", "target/it-tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
URL = "http://127.0.0.1:18799"
OUT = os.path.dirname(os.path.abspath(__file__))

# Constructor: SSTORE slot 0 = 0x1234, slot 5 = a 32-byte value, then return runtime code
# (PUSH1 0 SLOAD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN).
VALUE5 = "f00dfeed" * 8
RUNTIME = "60005460005260206000f3"

def init_code(near):
    """SSTOREs 0x1234 at 0, VALUE5 at 5, 0x07 at slot `near`, then returns RUNTIME."""
    head = "611234600055" + "7f" + VALUE5 + "600555" + "6007" + "62%06x" % near + "55"
    offset = len(head) // 2 + 12
    return head + "600b60%02x60003960" % offset + "0b6000f3" + RUNTIME


FRESH = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c"
SECOND = "0x00000000000000000000000000000000c0ffee01"
ABSENT = "0x7e57000000000000000000000000000000ab5e47"

rid = 0
def slot(n):
    return "0x%064x" % n

def rpc(method, *params):
    global rid
    rid += 1
    body = json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(URL, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        answer = json.load(r)
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]

def call(method, *params):
    return {"method": method, "params": list(params), "result": rpc(method, *params)}

def wait_up():
    for _ in range(100):
        try:
            return rpc("eth_chainId")
        except Exception:
            time.sleep(0.1)
    raise RuntimeError("anvil did not start")

def mined(tx):
    for _ in range(100):
        receipt = rpc("eth_getTransactionReceipt", tx)
        if receipt is not None:
            return receipt
        time.sleep(0.1)
    raise RuntimeError("not mined: " + tx)

def keccak(hex_data):
    return rpc("web3_sha3", hex_data)[2:]

def grind(target, candidate, nibbles=3):
    """The first n >= 1 whose candidate(n) hashes to the same first nibbles as target."""
    want = keccak(target)[:nibbles]
    n = 1
    while keccak(candidate(n))[:nibbles] != want:
        n += 1
    return n

def capture(fork, full):
    p = subprocess.Popen([ANVIL, "--port", "18799", "--host", "127.0.0.1", "--silent", "--hardfork", fork])
    try:
        wait_up()
        accounts = rpc("eth_accounts")
        a0, a1 = accounts[0], accounts[1]
        near = grind(slot(0), slot)
        neighbour = "0x%040x" % grind(FRESH, lambda n: "0x%040x" % n)
        init = init_code(near)
        legacy = fork in ("frontier", "homestead", "byzantium", "constantinople", "petersburg", "istanbul", "berlin")
        extra = {"gasPrice": "0x3b9aca00"} if legacy else {}
        rpc("eth_sendTransaction", {"from": a0, "to": FRESH, "value": hex(1500000000000000000), **extra})
        deploy = rpc("eth_sendTransaction", {"from": a0, "data": "0x" + init, "gas": "0x30000", **extra})
        contract = mined(deploy)["contractAddress"]
        rpc("eth_sendTransaction", {"from": a1, "to": SECOND, "value": "0x2a", **extra})
        rpc("eth_sendTransaction", {"from": a1, "to": neighbour, "value": "0x2b", **extra})
        mined(rpc("eth_sendTransaction", {"from": a1, "to": FRESH, "value": "0x2c", **extra}))
        latest = int(rpc("eth_blockNumber"), 16)
        answers = []
        for n in sorted({0, 1, latest}):
            for txs in (False, True):
                answers.append(call("eth_getBlockByNumber", hex(n), txs))
        with open(f"{OUT}/anvil-{fork}-blocks.json", "w") as f:
            json.dump({"client": rpc("web3_clientVersion"), "hardfork": fork, "answers": answers}, f, indent=1)
            f.write("\n")
        if full:
            tag = hex(latest)
            proofs = [
                call("eth_getBlockByNumber", tag, False),
                call("eth_getProof", FRESH, [], tag),
                call("eth_getProof", a0, [], tag),
                call("eth_getProof", ABSENT, [slot(0)], tag),
                call("eth_getProof", contract, [slot(0), slot(5), slot(6), slot(near)], tag),
                call("eth_getProof", neighbour, [], tag),
                call("eth_getProof", contract, [slot(5)], "0x1"),
                call("eth_getBlockByNumber", "0x1", False),
                call("eth_getProof", FRESH, [], "0x1"),
            ]
            with open(f"{OUT}/anvil-{fork}-proofs.json", "w") as f:
                json.dump({"client": rpc("web3_clientVersion"), "hardfork": fork, "contract": contract, "neighbour": neighbour, "near": near,
                           "init": "0x" + init, "answers": proofs}, f, indent=1)
                f.write("\n")
    finally:
        p.terminate()
        p.wait(timeout=10)

os.makedirs(OUT, exist_ok=True)
for fork in sys.argv[1:]:
    capture(fork, fork == "prague")
