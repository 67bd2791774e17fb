package dev.rpcshield.upstream.chain;

import dev.rpcshield.jsonrpc.UpstreamReply;
import dev.rpcshield.upstream.ErrorClassifier;
import dev.rpcshield.upstream.UpstreamFailure;
import dev.rpcshield.upstream.UpstreamFailure.Kind;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides whether an upstream's body answers a request, and whose fault an error answer is: the
 * chain's (returned as it is) or the provider's (rate limits, unsupported methods: tried
 * elsewhere).
 */
final class AnswerCheck {

  /**
   * What a body turned out to be.
   *
   * @param byId the answer to each gateway id; null when the body does not answer the request
   * @param failure why the body cannot be returned; null when it can
   */
  record Checked(
      UpstreamReply reply, Map<Long, UpstreamReply.Answer> byId, UpstreamFailure failure) {}

  /**
   * What nodes and providers answer for a state they no longer keep: geth ("missing trie node",
   * "header not found", "historical state ... is not available"), Erigon and reth ("... pruned",
   * "old data not available due to pruning"), Nethermind ("... state is not available"), and
   * providers' "archive" plans; EIP-4444's code 4444 for pruned history.
   */
  private static final Pattern PRUNED =
      Pattern.compile(
          "missing trie node|header not found|prun|archive"
              + "|(?:state|data)[^.]{0,60}(?:not available|unavailable)",
          Pattern.CASE_INSENSITIVE);

  /** reth's eth_getProof window: about proofs only, not the state the node keeps. */
  private static final Pattern PROOF_WINDOW =
      Pattern.compile("exceeds maximum proof window", Pattern.CASE_INSENSITIVE);

  private static final int PRUNED_HISTORY_CODE = 4444;

  /** A contract's revert, whose reason the contract chose: never a sign of pruning. */
  private static final int REVERTED_CODE = 3;

  /**
   * An answer that says the upstream cannot serve the state asked.
   *
   * @param failure the pruned-state failure that moves the call on
   * @param keepsNoState whether it says the upstream keeps no state that old (else only that it
   *     gives no proof that old)
   */
  record Pruned(UpstreamFailure failure, boolean keepsNoState) {}

  private final ErrorClassifier classifier;

  AnswerCheck(ErrorClassifier classifier) {
    this.classifier = classifier;
  }

  Checked check(Exchange.Route route, byte[] body) {
    UpstreamReply reply;
    try {
      reply = UpstreamReply.read(body);
    } catch (IOException e) {
      return failed(Kind.BAD_BODY, body.length == 0 ? "empty answer" : "answer is not JSON-RPC");
    }
    List<UpstreamReply.Answer> answers = reply.answers();
    if (!route.batch()) {
      if (reply.isArray() || answers.size() != 1) {
        return failed(Kind.BAD_BODY, "array answer to a single request");
      }
      UpstreamReply.Answer a = answers.get(0);
      boolean idMatches = a.id() != null && a.id() == route.ids()[0];
      if (!idMatches && !(a.id() == null && a.isError())) {
        return failed(Kind.BAD_BODY, "answer id does not match");
      }
      return new Checked(reply, Map.of(route.ids()[0], a), providerFault(a));
    }
    if (!reply.isArray()) {
      UpstreamReply.Answer only = answers.get(0);
      return only.isError()
          ? failed(Kind.PROVIDER_ERROR, "batch answered with one error: " + describe(only))
          : failed(Kind.BAD_BODY, "single answer to a batch");
    }
    Map<Long, UpstreamReply.Answer> byId = new HashMap<>(answers.size() * 2);
    for (UpstreamReply.Answer a : answers) {
      if (a.id() == null || byId.put(a.id(), a) != null) {
        return failed(Kind.BAD_BODY, "batch answer ids do not match");
      }
    }
    if (byId.size() != route.ids().length) {
      return failed(Kind.BAD_BODY, "batch answer ids do not match");
    }
    for (long id : route.ids()) {
      if (!byId.containsKey(id)) {
        return failed(Kind.BAD_BODY, "batch answer ids do not match");
      }
    }
    for (UpstreamReply.Answer a : answers) {
      UpstreamFailure fault = providerFault(a);
      if (fault != null) {
        return new Checked(reply, byId, fault);
      }
    }
    return new Checked(reply, byId, null);
  }

  /**
   * What an error answer of {@code checked} says of the state of {@code block} when it says the
   * upstream cannot serve it; else null. Asked only of calls at a block below the upstream's own
   * head, where such an error is the upstream's, not the chain's; a revert never is.
   */
  static Pruned prunedState(Checked checked, long block) {
    for (UpstreamReply.Answer a : checked.byId().values()) {
      if (!a.isError()
          || (a.errorCode() != null && a.errorCode() == REVERTED_CODE)
          || (a.errorMessage() != null && a.errorMessage().startsWith("execution reverted"))) {
        continue;
      }
      String message = a.errorMessage() == null ? "" : a.errorMessage();
      if (PROOF_WINDOW.matcher(message).find()) {
        return new Pruned(
            new UpstreamFailure(Kind.PRUNED, "gives no proof of block " + block), false);
      }
      if ((a.errorCode() != null && a.errorCode() == PRUNED_HISTORY_CODE)
          || PRUNED.matcher(message).find()) {
        return new Pruned(
            new UpstreamFailure(Kind.PRUNED, "keeps no state of block " + block), true);
      }
    }
    return null;
  }

  private UpstreamFailure providerFault(UpstreamReply.Answer a) {
    return a.isError() && classifier.isProviderFault(a.errorCode(), a.errorMessage())
        ? new UpstreamFailure(Kind.PROVIDER_ERROR, describe(a))
        : null;
  }

  private static String describe(UpstreamReply.Answer a) {
    String message = a.errorMessage() == null ? "" : a.errorMessage();
    if (message.length() > 80) {
      message = message.substring(0, 80);
    }
    return "error " + a.errorCode() + " " + message;
  }

  private static Checked failed(Kind kind, String reason) {
    return new Checked(null, null, new UpstreamFailure(kind, reason));
  }
}
