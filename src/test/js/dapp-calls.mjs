// Sends each call once through viem's and through ethers' own JSON-RPC clients, as a dApp would,
// and prints what the app sees of each (its result, or the error's code and message), as one JSON
// object: {viem: [...], ethers: [...]}. With a fourth argument, both send it as their
// Authorization header (a token from the dApp's identity provider: "Bearer eyJ...").
//
//   node dapp-calls.mjs <node_modules dir> <gateway URL> '<JSON array of [method, params]>' [auth]
import { createRequire } from "node:module";
import path from "node:path";

const [modules, url, callsJson, authorization] = process.argv.slice(2);
const require = createRequire(path.join(modules, "noop.js"));
const { createPublicClient, http } = require("viem");
const { FetchRequest, JsonRpcProvider } = require("ethers");
const headers = authorization ? { Authorization: authorization } : {};
const calls = JSON.parse(callsJson);

async function seen(call) {
  try {
    return { result: await call() };
  } catch (e) {
    return e;
  }
}

// viem: the error it throws carries the JSON-RPC code, and the node's message as its details.
const viem = createPublicClient({ transport: http(url, { fetchOptions: { headers } }) });
const viemSeen = [];
for (const [method, params] of calls) {
  const e = await seen(() => viem.request({ method, params }));
  viemSeen.push(
    e.result !== undefined
      ? { result: e.result }
      : { name: e.name, code: e.code, message: e.details ?? e.cause?.details ?? e.message },
  );
}

// ethers v6: a JSON-RPC error is on the thrown error's `error` (`info.error` for one it recognised,
// such as a method that does not exist: UNSUPPORTED_OPERATION); an HTTP error only says its status.
const request = new FetchRequest(url);
for (const [name, value] of Object.entries(headers)) {
  request.setHeader(name, value);
}
const ethers = new JsonRpcProvider(request, undefined, { staticNetwork: true, batchMaxCount: 1 });
const ethersSeen = [];
for (const [method, params] of calls) {
  const e = await seen(() => ethers.send(method, params));
  ethersSeen.push(
    e.result !== undefined
      ? { result: e.result }
      : {
          name: e.code,
          code: (e.error ?? e.info?.error)?.code,
          message: (e.error ?? e.info?.error)?.message ?? e.shortMessage ?? e.message,
        },
  );
}
ethers.destroy();

console.log(JSON.stringify({ viem: viemSeen, ethers: ethersSeen }));
