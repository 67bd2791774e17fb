/**
 * Captures anvil-prague-txs.json for dev.rpcshield.verify: real answers of anvil (prague) for blocks
 * holding every transaction type, with their receipts.
 *
 * Needs anvil, viem and kzg-wasm in some node_modules, e.g.
 *     npm install --no-save --prefix /tmp/captools @foundry-rs/anvil-linux-amd64@1.7.1 viem@2.58.8 kzg-wasm@1.0.0
 * then, from the repository root,
 *     NODE_PATH=/tmp/captools/node_modules node src/test/resources/dev/rpcshield/verify/capture-txs.mjs
 * ES modules ignore NODE_PATH, so the packages are loaded with createRequire (CommonJS require
 * honours it). ANVIL overrides the anvil binary (default: bin/anvil of the
 * @foundry-rs/anvil-linux-amd64 package found through NODE_PATH).
 *
 * Block 1 deploys the logging contract and the reverting one; block 2, the big block, holds: a
 * legacy EIP-155 transfer, a legacy creation, a pre-EIP-155 legacy transfer (v = 27/28), an
 * EIP-2930 call with an access list, an EIP-1559 call, an EIP-4844 blob call, an EIP-7702 call with
 * one authorization, and an EIP-1559 call that reverts (status 0). All are signed locally and sent
 * with eth_sendRawTransaction; timestamps are fixed, so a rerun gives the same hashes. Captured:
 * both blocks by number (hashes and full), the big block by hash, eth_getBlockReceipts of both, and
 * eth_getTransactionByHash / eth_getTransactionReceipt of every transaction of the big block.
 * Block 3, mined after those answers are taken, holds 130 plain EIP-1559 value transfers (more than
 * 128, so that the keys of its transactions and receipts tries, RLP(index), reach two bytes), sent
 * round-robin by five dev accounts (the deployer and a1..a4) to distinct addresses; appended after
 * the answers above, so that these stay unchanged: block 3 by number (hashes and full) and its
 * eth_getBlockReceipts. anvil listens on 127.0.0.1:18798 and is stopped afterwards.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const viem = require("viem");
const { mnemonicToAccount } = require("viem/accounts");
const { loadKZG } = require("kzg-wasm");

const ANVIL = process.env.ANVIL
  ?? join(dirname(require.resolve("@foundry-rs/anvil-linux-amd64/package.json")), "bin", "anvil");
const PORT = 18798;
const URL = `http://127.0.0.1:${PORT}`;
const CHAIN = 31337;
const GENESIS = 1750000000;
const OUT = join(dirname(fileURLToPath(import.meta.url)), "anvil-prague-txs.json");
const MNEMONIC = "test test test test test test test test test test test junk";
const GWEI = 1000000000n;

// Logging contract. Constructor: LOG1(topic = deployer), then returns the runtime. Runtime: copies
// the calldata to memory, LOG2(data = calldata, topics = PING, caller), LOG1(no data, topic =
// callvalue), STOP.
const PING = viem.keccak256(viem.toHex("Ping(address,bytes)"));
const RUNTIME = "366000600037" + "337f" + PING.slice(2) + "366000a2" + "3460006000a1" + "00";
const REVERTER = "60006000fd"; // PUSH1 0 PUSH1 0 REVERT
function initCode(runtime, constructorLog) {
  const log = constructorLog ? "3360006000a1" : "";
  const len = runtime.length / 2;
  const offset = log.length / 2 + 11;
  const hex = (n) => n.toString(16).padStart(2, "0");
  return `0x${log}60${hex(len)}8060${hex(offset)}6000396000f3${runtime}`;
}

let rid = 0;
async function rpc(method, ...params) {
  const response = await fetch(URL, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++rid, method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
  return answer.result;
}

async function call(method, ...params) {
  return { method, params, result: await rpc(method, ...params) };
}

async function waitUp() {
  for (let i = 0; i < 100; i++) {
    try {
      return await rpc("eth_chainId");
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("anvil did not start");
}

async function mine(timestamp) {
  await rpc("evm_setNextBlockTimestamp", viem.toHex(timestamp));
  await rpc("evm_mine");
  return rpc("eth_getBlockByNumber", "latest", false);
}

async function send(account, tx) {
  const raw = await account.signTransaction({ chainId: CHAIN, ...tx });
  return rpc("eth_sendRawTransaction", raw);
}

async function capture() {
  const [deployer, a1, a2, a3, a4, a5, a6, a7, a8, authority] = Array.from({ length: 10 },
    (_, i) => mnemonicToAccount(MNEMONIC, { addressIndex: i }));
  const accounts = await rpc("eth_accounts");
  if (accounts[9].toLowerCase() !== authority.address.toLowerCase()) throw new Error("unexpected dev accounts");

  // Block 1: the two contracts, legacy creations from the deployer.
  const legacy = { type: "legacy", gasPrice: 3n * GWEI, gas: 200000n };
  await send(deployer, { ...legacy, nonce: 0, data: initCode(RUNTIME, true) });
  await send(deployer, { ...legacy, nonce: 1, data: initCode(REVERTER, false) });
  const first = await mine(GENESIS + 12);
  const receipts1 = await rpc("eth_getBlockReceipts", first.number);
  const [logger, reverter] = receipts1.map((r) => r.contractAddress);
  if (!logger || !reverter || receipts1.some((r) => r.status !== "0x1")) throw new Error("deployment failed");

  // Block 2: every type.
  const fees = { maxFeePerGas: 10n * GWEI, maxPriorityFeePerGas: 2n * GWEI, gas: 200000n };
  const sent = [];
  sent.push(await send(a1, { ...legacy, nonce: 0, to: "0x00000000000000000000000000000000c0ffee02", value: 10n ** 18n }));
  sent.push(await send(a2, { ...legacy, nonce: 0, data: initCode(RUNTIME, true) }));
  try {
    const raw = await a8.signTransaction({ type: "legacy", gasPrice: 4n * GWEI, gas: 21000n, nonce: 0,
      to: "0x00000000000000000000000000000000c0ffee03", value: 12345n });
    sent.push(await rpc("eth_sendRawTransaction", raw));
  } catch (e) {
    console.error("pre-EIP-155 transaction refused: " + e.message);
  }
  sent.push(await send(a3, { type: "eip2930", gasPrice: 5n * GWEI, gas: 200000n, nonce: 0, to: logger,
    data: "0x2930", accessList: [{ address: logger, storageKeys: [viem.pad("0x01"), viem.pad("0x02")] }] }));
  sent.push(await send(a4, { type: "eip1559", ...fees, nonce: 0, to: logger, value: 7n,
    data: "0xdeadbeef00000000000000000000000000000000000000000000000000000000000000000000001559" }));
  const wasm = await loadKZG();
  const kzg = {
    blobToKzgCommitment: (blob) => viem.hexToBytes(wasm.blobToKZGCommitment(viem.bytesToHex(blob))),
    computeBlobKzgProof: (blob, commitment) =>
      viem.hexToBytes(wasm.computeBlobKZGProof(viem.bytesToHex(blob), viem.bytesToHex(commitment))),
  };
  const blobs = viem.toBlobs({ data: viem.toHex("rpcshield blob ".repeat(40)) });
  sent.push(await send(a5, { type: "eip4844", ...fees, nonce: 0, to: logger, data: "0x4844",
    blobs, kzg, maxFeePerBlobGas: 3n * GWEI }));
  const authorization = await authority.signAuthorization({ chainId: CHAIN, address: logger, nonce: 0 });
  sent.push(await send(a6, { type: "eip7702", ...fees, nonce: 0, to: authority.address, data: "0x7702",
    authorizationList: [authorization] }));
  sent.push(await send(a7, { type: "eip1559", ...fees, nonce: 0, to: reverter, data: "0x0bad" }));
  const big = await mine(GENESIS + 24);

  // Check the big block before writing anything.
  const receipts = await rpc("eth_getBlockReceipts", big.number);
  if (receipts.length !== sent.length || sent.some((h) => !big.transactions.includes(h))) {
    throw new Error(`big block holds ${big.transactions.length} of ${sent.length} transactions`);
  }
  const answers = [];
  for (const n of [first.number, big.number]) {
    answers.push(await call("eth_getBlockByNumber", n, false));
    answers.push(await call("eth_getBlockByNumber", n, true));
    answers.push(await call("eth_getBlockReceipts", n));
  }
  answers.push(await call("eth_getBlockByHash", big.hash, true));
  const summary = [];
  for (const hash of big.transactions) {
    const tx = await call("eth_getTransactionByHash", hash);
    const receipt = await call("eth_getTransactionReceipt", hash);
    answers.push(tx, receipt);
    const r = receipt.result;
    summary.push({ type: r.type, v: tx.result.v, status: r.status, logs: r.logs.length,
      created: r.contractAddress ?? "", to: r.to ?? "", gasUsed: Number(r.gasUsed) });
  }
  console.log(`block 1 ${first.hash}: ${first.transactions.length} txs; big block ${Number(big.number)} ${big.hash}`);
  console.table(summary);
  const types = new Set(summary.map((s) => s.type));
  for (const t of ["0x0", "0x1", "0x2", "0x3", "0x4"]) if (!types.has(t)) throw new Error("missing type " + t);
  if (!summary.some((s) => s.status === "0x0")) throw new Error("no reverted transaction");

  // Block 3: 130 EIP-1559 transfers, so that the tries of its transactions and receipts have keys
  // of two bytes (RLP of 128 and above).
  const COUNT = 130;
  const senders = [deployer, a1, a2, a3, a4];
  const nonces = [];
  for (const s of senders) nonces.push(Number(await rpc("eth_getTransactionCount", s.address, "latest")));
  const transfers = [];
  for (let i = 0; i < COUNT; i++) {
    const k = i % senders.length;
    transfers.push(await send(senders[k], { type: "eip1559", ...fees, gas: 21000n, nonce: nonces[k]++,
      to: viem.pad(viem.toHex(0xc0ffee0000 + i), { size: 20 }), value: BigInt(i + 1) * 1000n }));
  }
  const third = await mine(GENESIS + 36);
  const receipts3 = await rpc("eth_getBlockReceipts", third.number);
  if (third.number !== "0x3" || third.transactions.length !== COUNT || receipts3.length !== COUNT
    || transfers.some((h) => !third.transactions.includes(h)) || receipts3.some((r) => r.status !== "0x1")
    || BigInt(third.gasUsed) !== BigInt(COUNT) * 21000n) {
    throw new Error(`block 3 holds ${third.transactions.length} of ${COUNT} transfers`);
  }
  answers.push(await call("eth_getBlockByNumber", "0x3", false));
  answers.push(await call("eth_getBlockByNumber", "0x3", true));
  answers.push(await call("eth_getBlockReceipts", "0x3"));
  console.log(`block 3 ${third.hash}: ${third.transactions.length} txs, gas ${Number(third.gasUsed)} of ${Number(third.gasLimit)}`);

  const client = await rpc("web3_clientVersion");
  writeFileSync(OUT, JSON.stringify({ client, hardfork: "prague", answers }, null, 1) + "\n");
  console.log("wrote " + OUT);
}

const anvil = spawn(ANVIL, ["--port", String(PORT), "--host", "127.0.0.1", "--hardfork", "prague",
  "--chain-id", String(CHAIN), "--timestamp", String(GENESIS), "--no-mining", "--silent"], { stdio: "inherit" });
const stop = () => anvil.exitCode === null && anvil.kill();
process.on("SIGINT", () => { stop(); process.exit(130); });
try {
  await waitUp();
  await capture();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  stop();
}
