package dev.rpcshield.upstream.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rpcshield.jsonrpc.Quantity;
import dev.rpcshield.jsonrpc.RpcCall;
import dev.rpcshield.jsonrpc.RpcError;
import dev.rpcshield.jsonrpc.RpcErrorCode;
import dev.rpcshield.jsonrpc.RpcWriter;
import dev.rpcshield.upstream.Upstream;
import dev.rpcshield.upstream.UpstreamsConfig;
import dev.rpcshield.verify.BlockHeader;
import dev.rpcshield.verify.CannotProve;
import dev.rpcshield.verify.ProofException;
import dev.rpcshield.verify.ProvenAccount;
import dev.rpcshield.verify.ProvenBlock;
import dev.rpcshield.verify.ProvenReceipts;
import dev.rpcshield.verify.StateProof;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.web3j.crypto.Hash;

/**
 * Answers a call of a verified method with the value proven against the chain, never with an
 * upstream's word. A state read (balance, nonce, code, storage) resolves the block it asks about to
 * a trusted header ({@link TrustedHeaders}; a tag by the upstreams' heads first), takes the state
 * from eth_getProof and verifies it against that header's state root (code against the proven code
 * hash). A block by number is proven against the trusted header of its height, a block by hash
 * against the hash asked: asked with full transactions whatever the client asked, so that they
 * prove the transactions root ({@link ProvenBlock}). A receipt is proven with every receipt of its
 * block (eth_getBlockReceipts) against the receipts root of the trusted header where an upstream's
 * receipt places it ({@link ProvenReceipts}). The client gets the proven value in the format a node
 * gives; a block or receipt keeps only fields that were proven. An answer that does not verify is
 * discarded, its upstream counted as having disagreed, and the next upstream is asked; when none
 * gives a provable answer the call gets -32040. A block or receipt every upstream answers null for
 * is null. Calls of other methods go on as they came.
 */
public final class VerifyLink implements UpstreamCall {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern SLOT = Pattern.compile("0x[0-9a-fA-F]{1,64}");
  private static final byte[] EMPTY_CODE_HASH = Hash.sha3(new byte[0]);
  private static final String DOES_NOT_VERIFY = "its proof does not verify";

  private static final Pattern HASH = Pattern.compile("0x[0-9a-fA-F]{64}");

  /** The methods this link can prove. */
  public static final Set<String> SUPPORTED =
      Set.of(
          "eth_getBalance",
          "eth_getTransactionCount",
          "eth_getCode",
          "eth_getStorageAt",
          "eth_getBlockByNumber",
          "eth_getBlockByHash",
          "eth_getTransactionReceipt");

  private final UpstreamCall next;
  private final TrustedHeaders headers;
  private final ChainView chain;
  private final Set<String> methods;
  private final AtomicLong ids;

  /**
   * @param next the rest of the chain, which the link's own calls (eth_getProof, eth_getCode) take
   * @param ids the network's gateway ids
   */
  public VerifyLink(
      UpstreamCall next,
      TrustedHeaders headers,
      ChainView chain,
      UpstreamsConfig.Verification verification,
      AtomicLong ids) {
    this.next = next;
    this.headers = headers;
    this.chain = chain;
    this.methods = verification.methods();
    this.ids = ids;
  }

  /** A verified state read as asked: whose state, which slot, at which block. */
  private record Read(String method, String address, String slot, JsonNode block) {}

  @Override
  public CompletionStage<Outcome> call(Exchange exchange) {
    Exchange.Route route = exchange.route();
    RpcCall call = exchange.calls().get(0);
    if (route.batch() || route.submitsTransaction() || !methods.contains(call.method())) {
      return next.call(exchange);
    }
    CompletableFuture<Outcome> proven;
    try {
      JsonNode params = params(call);
      proven =
          switch (call.method()) {
            case "eth_getBlockByNumber" -> blockByNumber(exchange, params);
            case "eth_getBlockByHash" -> blockByHash(exchange, params);
            case "eth_getTransactionReceipt" -> receipt(exchange, params);
            default -> {
              Read read = read(call.method(), params);
              yield prove(
                  exchange,
                  number(read.block()),
                  read.method(),
                  true,
                  (header, asked) -> state(exchange, read, header, asked));
            }
          };
    } catch (IllegalArgumentException e) {
      return done(
          Outcome.failed(
              exchange.calls(), RpcError.of(RpcErrorCode.INVALID_PARAMS, e.getMessage())));
    } catch (ProofException e) {
      return done(unverified(exchange, e.getMessage()));
    }
    return proven.handle((answer, t) -> {
      if (t == null) {
        return answer;
      }
      Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
      return unverified(
          exchange, cause instanceof ProofException ? cause.getMessage() : "request failed");
    });
  }

  /**
   * The proven answer at {@code number}; once more with the header fetched again when proofs failed
   * against it and none verified (a reorg may have replaced the block since it was trusted).
   * Upstreams whose proof failed are counted once a proof verified against the same header, or
   * after the second try: never for a header that turned out stale.
   */
  private CompletableFuture<Outcome> prove(
      Exchange exchange, long number, String method, boolean again, AtHeader proof) {
    Asked asked = new Asked();
    return headers
        .at(number)
        .thenCompose(header -> proof.prove(header, asked))
        .whenComplete((o, t) -> {
          if (t == null || !again) {
            asked.suspects.forEach(u -> u.disagreed(method));
          }
        })
        .exceptionallyCompose(t -> {
          if (again && !asked.suspects.isEmpty()) {
            headers.forget(number);
            return prove(exchange, number, method, false, proof);
          }
          return CompletableFuture.failedFuture(t);
        });
  }

  /** The proven answer of a call, given the trusted header of the block it asks about. */
  @FunctionalInterface
  private interface AtHeader {
    CompletableFuture<Outcome> prove(BlockHeader header, Asked asked);
  }

  /**
   * What one try has asked so far: why each answer could not be used, and the upstreams whose proof
   * failed.
   */
  private static final class Asked {
    final List<String> reasons = new ArrayList<>();
    final List<Upstream> suspects = new ArrayList<>();
  }

  /**
   * A block by number or tag, proven against the trusted header of its height; a block above the
   * upstreams' latest is null, as a node answers it.
   */
  private CompletableFuture<Outcome> blockByNumber(Exchange exchange, JsonNode params)
      throws ProofException {
    boolean full = fullTransactions(params);
    long number = number(params.get(0));
    if (aboveLatest(number)) {
      return CompletableFuture.completedFuture(answer(exchange, null));
    }
    String method = exchange.calls().get(0).method();
    return prove(
        exchange,
        number,
        method,
        true,
        (header, asked) ->
            proven(
                    exchange,
                    "eth_getBlockByNumber",
                    "[\"0x" + Long.toHexString(number) + "\",true]",
                    -1,
                    result -> ProvenBlock.of(result, header.hash()),
                    asked)
                .thenApply(block -> answer(exchange, block == null ? null : block.answer(full))));
  }

  /**
   * A block by hash: proven by hashing to the hash asked. Null when every upstream answers null (no
   * upstream can prove a block's absence; none claims it).
   */
  private CompletableFuture<Outcome> blockByHash(Exchange exchange, JsonNode params) {
    boolean full = fullTransactions(params);
    byte[] hash = hash(params.get(0), "the first param must be a block hash");
    Asked asked = new Asked();
    return proven(
            exchange,
            "eth_getBlockByHash",
            "[\"" + params.get(0).asText() + "\",true]",
            -1,
            result -> ProvenBlock.of(result, hash),
            asked)
        .whenComplete((o, t) -> asked.suspects.forEach(u -> u.disagreed("eth_getBlockByHash")))
        .thenApply(block -> answer(exchange, block == null ? null : block.answer(full)));
  }

  /**
   * Whether block {@code number} is above the latest that the upstreams vouching for headers
   * report: not there yet, as far as they know (a node that has not seen it answers null).
   */
  private boolean aboveLatest(long number) {
    long latest = chain.blockOf("latest");
    return latest >= 0 && number > latest;
  }

  /** Where a receipt says its transaction is. */
  private record Location(long number, byte[] blockHash) {}

  /**
   * A transaction's receipt: located by an upstream's receipt, then proven with every receipt of
   * its block against the receipts root of the trusted header at that height, the block (in full)
   * against that header's hash. Null while every upstream answers null (not mined, or unknown), or
   * while its block is above the latest the upstreams vouching for headers report.
   */
  private CompletableFuture<Outcome> receipt(Exchange exchange, JsonNode params) {
    byte[] hash = hash(params.get(0), "the first param must be a transaction hash");
    if (params.size() > 1) {
      throw new IllegalArgumentException("too many params");
    }
    String txHash = params.get(0).asText();
    Asked located = new Asked();
    return proven(
            exchange,
            "eth_getTransactionReceipt",
            "[\"" + txHash + "\"]",
            -1,
            VerifyLink::location,
            located)
        .whenComplete(
            (o, t) -> located.suspects.forEach(u -> u.disagreed("eth_getTransactionReceipt")))
        .thenCompose(at -> {
          if (at == null || aboveLatest(at.number())) {
            return CompletableFuture.completedFuture(answer(exchange, null));
          }
          return prove(
              exchange,
              at.number(),
              "eth_getTransactionReceipt",
              true,
              (header, asked) -> {
                if (!Arrays.equals(header.hash(), at.blockHash())) {
                  // The trusted header may be the stale one (a reorg): the next call fetches it
                  // again.
                  headers.forget(at.number());
                  return CompletableFuture.failedFuture(
                      new ProofException(
                          "the receipt is of block "
                              + at.number()
                              + " of another hash than the trusted one"));
                }
                String block = "\"0x" + Long.toHexString(at.number()) + "\"";
                return proven(
                        exchange,
                        "eth_getBlockByNumber",
                        "[" + block + ",true]",
                        -1,
                        result -> ProvenBlock.of(result, header.hash()),
                        asked)
                    .thenCompose(b -> {
                      int index = b == null ? -1 : b.indexOf(hash);
                      if (index < 0) {
                        return CompletableFuture.failedFuture(
                            new ProofException(
                                "the transaction is not in block " + at.number() + " as proven"));
                      }
                      return proven(
                              exchange,
                              "eth_getBlockReceipts",
                              "[" + block + "]",
                              -1,
                              result -> ProvenReceipts.of(b, result),
                              asked)
                          .thenApply(receipts -> {
                            if (receipts == null) {
                              throw new CompletionException(
                                  new ProofException("no upstream gave the block's receipts"));
                            }
                            return answer(exchange, receipts.receipt(index));
                          });
                    });
              });
        });
  }

  /** The block an upstream's receipt names; a receipt of no block (pending) is no answer. */
  private static Location location(JsonNode receipt) throws ProofException {
    if (!receipt.isObject()) {
      throw new ProofException("receipt is not an object");
    }
    JsonNode number = receipt.get("blockNumber");
    JsonNode blockHash = receipt.get("blockHash");
    if (number == null
        || !number.isTextual()
        || blockHash == null
        || !blockHash.isTextual()
        || !HASH.matcher(blockHash.asText()).matches()) {
      throw new ProofException("receipt names no block");
    }
    long n = Quantity.parse(number.asText());
    if (n < 0) {
      throw new ProofException("receipt names no block");
    }
    return new Location(n, HexFormat.of().parseHex(blockHash.asText().substring(2)));
  }

  private CompletableFuture<Outcome> state(
      Exchange exchange, Read read, BlockHeader header, Asked asked) {
    String block = "\"0x" + Long.toHexString(header.number()) + "\"";
    List<String> slots = read.slot() == null ? List.of() : List.of(read.slot());
    String params =
        "[\""
            + read.address()
            + "\",["
            + (read.slot() == null ? "" : "\"" + read.slot() + "\"")
            + "],"
            + block
            + "]";
    return proven(
            exchange,
            "eth_getProof",
            params,
            header.number(),
            result -> StateProof.verify(header.stateRoot(), read.address(), slots, result),
            asked)
        .thenApply(VerifyLink::present)
        .thenCompose(account -> {
          String value =
              switch (read.method()) {
                case "eth_getBalance" -> quantity(account.balance());
                case "eth_getTransactionCount" -> quantity(account.nonce());
                case "eth_getStorageAt" -> word(account, read.slot());
                default -> null;
              };
          if (value != null) {
            return CompletableFuture.completedFuture(answer(exchange, TextNode.valueOf(value)));
          }
          if (Arrays.equals(account.codeHash(), EMPTY_CODE_HASH)) {
            return CompletableFuture.completedFuture(answer(exchange, TextNode.valueOf("0x")));
          }
          return proven(
                  exchange,
                  "eth_getCode",
                  "[\"" + read.address() + "\"," + block + "]",
                  header.number(),
                  result -> code(result, account.codeHash()),
                  asked)
              .thenApply(VerifyLink::present)
              .thenApply(code -> answer(exchange, TextNode.valueOf(code)));
        });
  }

  /** What must hold of one answer for it to be used. */
  @FunctionalInterface
  private interface Check<T> {
    T apply(JsonNode result) throws ProofException;
  }

  /**
   * Asks the route's upstreams (through the rest of the chain) until one's answer passes {@code
   * check}; an upstream whose answer did not is left out of the next ask, and becomes a suspect
   * when its answer was a proof that failed (not an error answer, nor null). Completes with null
   * when every upstream asked answered null.
   */
  private <T> CompletableFuture<T> proven(
      Exchange exchange,
      String method,
      String params,
      long stateBlock,
      Check<T> check,
      Asked asked) {
    return ask(exchange, method, params, stateBlock, check, asked, new ArrayList<>(), new int[1]);
  }

  private <T> CompletableFuture<T> ask(
      Exchange exchange,
      String method,
      String params,
      long stateBlock,
      Check<T> check,
      Asked asked,
      List<Upstream> tried,
      int[] nulls) {
    List<Upstream> order = new ArrayList<>(exchange.route().order());
    order.removeAll(tried);
    if (order.isEmpty() && nulls[0] == tried.size() && nulls[0] > 0) {
      return CompletableFuture.completedFuture(null);
    }
    if (order.isEmpty() || exchange.deadline().expired() || exchange.unwanted()) {
      return CompletableFuture.failedFuture(
          new ProofException(
              asked.reasons.isEmpty() ? "deadline passed" : String.join("; ", asked.reasons)));
    }
    long id = ids.getAndIncrement();
    RpcCall call = RpcCall.of(method, params);
    Exchange.Route route =
        new Exchange.Route(call.withId(id), new long[] {id}, false, false, order, stateBlock);
    return next.call(
            new Exchange(
                List.of(call),
                exchange.deadline(),
                exchange.clientIp(),
                exchange.sink(),
                route,
                exchange.abandoned(),
                exchange.trace()))
        .toCompletableFuture()
        .thenCompose(o -> {
          Upstream u =
              o.results().get(0) instanceof CallResult.Answer a
                  ? exchange.route().upstream(a.upstream())
                  : null;
          if (u == null && nulls[0] > 0 && nulls[0] == tried.size()) {
            return CompletableFuture.completedFuture(null);
          }
          if (u == null) {
            asked.reasons.add(
                o.results().get(0) instanceof CallResult.Failure f
                    ? f.error().message()
                    : "no answer");
            return CompletableFuture.failedFuture(
                new ProofException(String.join("; ", asked.reasons)));
          }
          tried.add(u);
          CallResult.Answer a = (CallResult.Answer) o.results().get(0);
          JsonNode result;
          try {
            result = TrustedHeaders.result(a);
          } catch (ProofException e) {
            asked.reasons.add(u.name() + ": " + e.getMessage());
            return ask(exchange, method, params, stateBlock, check, asked, tried, nulls);
          }
          if (result.isNull()) {
            nulls[0]++;
            asked.reasons.add(u.name() + ": answered null");
            return ask(exchange, method, params, stateBlock, check, asked, tried, nulls);
          }
          try {
            return CompletableFuture.completedFuture(check.apply(result));
          } catch (CannotProve e) {
            return CompletableFuture.failedFuture(e);
          } catch (ProofException e) {
            asked.reasons.add(u.name() + ": " + DOES_NOT_VERIFY + " (" + e.getMessage() + ")");
            asked.suspects.add(u);
            return ask(exchange, method, params, stateBlock, check, asked, tried, nulls);
          }
        });
  }

  private static String code(JsonNode result, byte[] codeHash) throws ProofException {
    if (!result.isTextual() || !result.asText().startsWith("0x")) {
      throw new ProofException("code is not hex");
    }
    byte[] code;
    try {
      code = HexFormat.of().parseHex(result.asText().substring(2));
    } catch (IllegalArgumentException e) {
      throw new ProofException("code is not hex");
    }
    if (!Arrays.equals(Hash.sha3(code), codeHash)) {
      throw new ProofException("code does not hash to the proven code hash");
    }
    return "0x" + HexFormat.of().formatHex(code);
  }

  /** The answer of {@code value}, the proven result (null for JSON null). */
  private static Outcome answer(Exchange exchange, JsonNode value) {
    RpcCall call = exchange.calls().get(0);
    byte[] body =
        call.isNotification()
            ? null
            : RpcWriter.result(call.rawId(), value == null ? "null" : value.toString());
    return Outcome.answered(List.of(new CallResult.Answer(body, false, null)), null);
  }

  /** A value every upstream asked answered null for: nothing to prove an answer with. */
  private static <T> T present(T value) {
    if (value == null) {
      throw new CompletionException(new ProofException("every upstream answered null"));
    }
    return value;
  }

  private static Outcome unverified(Exchange exchange, String why) {
    return Outcome.failed(exchange.calls(), RpcError.of(RpcErrorCode.UNVERIFIED, why));
  }

  private static String quantity(BigInteger n) {
    return "0x" + n.toString(16);
  }

  /** The proven value of {@code slot}, already as {@link #slotKey} writes it. */
  private static String word(ProvenAccount account, String slot) {
    BigInteger v = account.storage().getOrDefault(slot, BigInteger.ZERO);
    return String.format("0x%064x", v);
  }

  /** A slot as {@link ProvenAccount#storage()} keys it: 32 bytes, lower-case hex. */
  private static String slotKey(String slot) {
    return String.format("0x%064x", new BigInteger(slot.substring(2), 16));
  }

  /**
   * The block number a block parameter names; a tag resolves by the upstreams' heads.
   *
   * @throws IllegalArgumentException when it is no block parameter at all
   * @throws ProofException when it names a state that cannot be proven (now)
   */
  private long number(JsonNode block) throws ProofException {
    String text;
    if (block == null || block.isNull()) {
      text = "latest";
    } else if (block.isTextual()) {
      text = block.asText();
    } else if (block.isObject() && block.path("blockNumber").isTextual()) {
      text = block.get("blockNumber").asText();
    } else if (block.isObject() && block.path("blockHash").isTextual()) {
      throw new ProofException("a state at a block hash cannot be proven, only at a number or tag");
    } else {
      throw new IllegalArgumentException("the block param must be a block number, tag or object");
    }
    long n;
    if (text.startsWith("0x")) {
      n = Quantity.parse(text);
      if (n < 0) {
        throw new IllegalArgumentException("the block number must be a hex quantity");
      }
      return n;
    }
    switch (text) {
      case "latest", "safe", "finalized", "earliest" -> n = chain.blockOf(text);
      case "pending" -> throw new ProofException("the pending state cannot be proven");
      default -> throw new IllegalArgumentException("unknown block tag " + text);
    }
    if (n < 0) {
      throw new ProofException("block " + text + " is not known yet");
    }
    return n;
  }

  private static JsonNode params(RpcCall call) {
    JsonNode params;
    try {
      byte[] raw = call.rawParams();
      params = raw == null ? JSON.createArrayNode() : JSON.readTree(raw);
    } catch (IOException e) {
      throw new IllegalArgumentException("params are not JSON");
    }
    if (!params.isArray()) {
      throw new IllegalArgumentException("params must be an array");
    }
    return params;
  }

  /** The second param of a block method: whether transactions come in full (required). */
  private static boolean fullTransactions(JsonNode params) {
    if (!params.path(1).isBoolean()) {
      throw new IllegalArgumentException("the second param must be true or false");
    }
    if (params.size() > 2) {
      throw new IllegalArgumentException("too many params");
    }
    return params.get(1).asBoolean();
  }

  /** The bytes of a 32-byte hash param. */
  private static byte[] hash(JsonNode param, String what) {
    if (param == null || !param.isTextual() || !HASH.matcher(param.asText()).matches()) {
      throw new IllegalArgumentException(what);
    }
    return HexFormat.of().parseHex(param.asText().substring(2));
  }

  private static Read read(String method, JsonNode params) {
    String address = params.path(0).asText("");
    if (!ADDRESS.matcher(address).matches()) {
      throw new IllegalArgumentException("the first param must be an address");
    }
    boolean storage = method.equals("eth_getStorageAt");
    String slot = null;
    if (storage) {
      slot = params.path(1).asText("");
      if (!SLOT.matcher(slot).matches()) {
        throw new IllegalArgumentException("the second param must be a storage slot");
      }
      slot = slotKey(slot);
    }
    int blockAt = storage ? 2 : 1;
    if (params.size() > blockAt + 1) {
      throw new IllegalArgumentException("too many params");
    }
    return new Read(method, address.toLowerCase(Locale.ROOT), slot, params.get(blockAt));
  }

  private static CompletionStage<Outcome> done(Outcome o) {
    return CompletableFuture.completedFuture(o);
  }
}
