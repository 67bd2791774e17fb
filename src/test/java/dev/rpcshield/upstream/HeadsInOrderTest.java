package dev.rpcshield.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class HeadsInOrderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> delivered = new ArrayList<>();
  private final List<Long> fetched = new ArrayList<>();
  private final Map<Long, CompletableFuture<JsonNode>> slow = new HashMap<>();

  /** Headers the test has by hash; the ones fetched so, by hash. */
  private final Map<String, JsonNode> byHash = new HashMap<>();

  private final List<String> fetchedByHash = new ArrayList<>();

  /** The chain's blocks by number as asked afresh, for the subscriptions that confirm reorgs. */
  private final Map<Long, JsonNode> chain = new HashMap<>();

  private final List<Long> confirmed = new ArrayList<>();

  private final HeadsInOrder heads = heads(-1);

  HeadsInOrderTest() {
    heads.release(-1);
  }

  private HeadsInOrder heads(long from) {
    return heads(from, null);
  }

  /** One that confirms a reorg with the block of its number asked afresh ({@link #chain}). */
  private HeadsInOrder confirming() {
    HeadsInOrder h =
        heads(
            -1,
            n -> {
              confirmed.add(n);
              return CompletableFuture.completedFuture(chain.get(n));
            });
    h.release(-1);
    return h;
  }

  private HeadsInOrder heads(long from, LongFunction<CompletableFuture<JsonNode>> canonical) {
    return new HeadsInOrder(
        new HeadsInOrder.Lookups(
            n -> {
              fetched.add(n);
              return slow.getOrDefault(n, CompletableFuture.completedFuture(header(n, "a")));
            },
            hash -> {
              fetchedByHash.add(hash);
              return CompletableFuture.completedFuture(byHash.get(hash));
            },
            canonical),
        h -> {
          delivered.add(h.get("number").asText() + h.get("hash").asText());
          return CompletableFuture.completedFuture(null);
        },
        5,
        "0xsub",
        from);
  }

  private static JsonNode header(long number, String fork) {
    return JSON.createObjectNode()
        .put("number", "0x" + Long.toHexString(number))
        .put("hash", "0x" + fork + number);
  }

  /** A header of {@code fork} whose parent is the block below on {@code parentFork}. */
  private JsonNode child(long number, String fork, String parentFork) {
    JsonNode h =
        ((com.fasterxml.jackson.databind.node.ObjectNode) header(number, fork))
            .put("parentHash", "0x" + parentFork + (number - 1));
    byHash.put(h.get("hash").asText(), h);
    return h;
  }

  private void arrive(long number, String fork) {
    heads.arrived(header(number, fork));
  }

  @Test
  void headersInOrderPassAndARepeatIsDropped() {
    arrive(1, "a");
    arrive(2, "a");
    arrive(2, "a");
    arrive(3, "a");
    assertEquals(List.of("0x10xa1", "0x20xa2", "0x30xa3"), delivered);
    assertEquals(List.of(), fetched);
  }

  @Test
  void aJumpIsFilledWithTheMissingHeadersFirst() {
    arrive(3, "a");
    arrive(7, "a");
    assertEquals(List.of(4L, 5L, 6L), fetched);
    assertEquals(List.of("0x30xa3", "0x40xa4", "0x50xa5", "0x60xa6", "0x70xa7"), delivered);
  }

  @Test
  void aHeaderThatComesWhileTheMissingOnesAreFetchedWaitsItsTurn() {
    CompletableFuture<JsonNode> five = new CompletableFuture<>();
    slow.put(5L, five);
    arrive(3, "a");
    arrive(6, "a");
    arrive(7, "a");
    assertEquals(List.of("0x30xa3", "0x40xa4"), delivered);
    five.complete(header(5, "a"));
    assertEquals(List.of("0x30xa3", "0x40xa4", "0x50xa5", "0x60xa6", "0x70xa7"), delivered);
  }

  @Test
  void aJumpLongerThanTheBackfillDeliversTheNewest() {
    arrive(3, "a");
    arrive(10, "a");
    assertEquals(List.of(), fetched);
    assertEquals(List.of("0x30xa3", "0xa0xa10"), delivered);
  }

  @Test
  void aReorgIsDeliveredAsANodeDeliversIt() {
    arrive(4, "a");
    arrive(5, "a");
    arrive(5, "b");
    arrive(6, "b");
    assertEquals(List.of("0x40xa4", "0x50xa5", "0x50xb5", "0x60xb6"), delivered);
  }

  @Test
  void aHeaderThatCannotBeFetchedEndsTheFillAndTheLiveOneStillComes() {
    slow.put(5L, CompletableFuture.failedFuture(new IllegalStateException("gone")));
    arrive(3, "a");
    arrive(7, "a");
    assertEquals(List.of("0x30xa3", "0x40xa4", "0x70xa7"), delivered);
  }

  @Test
  void nothingIsDeliveredBeforeTheSubscriptionIsReleased() {
    HeadsInOrder held = heads(-1);
    held.arrived(header(3, "a"));
    assertEquals(List.of(), delivered);
    held.release(-1);
    assertEquals(List.of("0x30xa3"), delivered);
  }

  @Test
  void aResumedSubscriptionGetsTheBlocksFromItsBlockToTheHeadThenWhatCameMeanwhile() {
    HeadsInOrder resumed = heads(4);
    resumed.arrived(header(8, "a"));
    resumed.arrived(header(7, "a"));
    resumed.release(7);
    assertEquals(List.of(4L, 5L, 6L, 7L), fetched);
    assertEquals(List.of("0x40xa4", "0x50xa5", "0x60xa6", "0x70xa7", "0x80xa8"), delivered);
  }

  @Test
  void aHeadAPollShowsBringsItsBlocksWhenTheStreamHasNot() {
    arrive(3, "a");
    heads.reached(6);
    assertEquals(List.of(4L, 5L, 6L), fetched);
    arrive(5, "a");
    arrive(7, "a");
    assertEquals(List.of("0x30xa3", "0x40xa4", "0x50xa5", "0x60xa6", "0x70xa7"), delivered);
  }

  @Test
  void aSubscriptionStartsAfterTheHeadKnownWhenItsIdWentOut() {
    HeadsInOrder fresh = heads(-1);
    fresh.reached(4);
    fresh.release(5);
    fresh.reached(7);
    assertEquals(List.of("0x60xa6", "0x70xa7"), delivered);
  }

  @Test
  void anOlderHeaderOfANumberNotDeliveredWithAnotherHashIsNoReorgButOld() {
    arrive(30, "a");
    arrive(3, "b");
    arrive(31, "a");
    assertEquals(List.of("0x1e0xa30", "0x1f0xa31"), delivered);
  }

  @Test
  void aClosedSubscriptionGetsNothingMore() {
    arrive(3, "a");
    heads.close();
    arrive(4, "a");
    heads.reached(9);
    assertEquals(List.of("0x30xa3"), delivered);
    assertEquals(List.of(), fetched);
  }

  @Test
  void aSubscriptionReleasedBeforeAnyHeadWasKnownStartsAtTheFirstHeadAPollShows() {
    HeadsInOrder early = heads(-1);
    early.release(-1);
    early.reached(5);
    early.reached(6);
    assertEquals(List.of("0x60xa6"), delivered);
  }

  @Test
  void aHeaderWhoseParentIsNotTheBlockDeliveredBelowItBringsItsNewAncestorsFirst() {
    heads.arrived(child(4, "a", "a"));
    heads.arrived(child(5, "a", "a"));
    heads.arrived(child(6, "a", "a"));
    child(5, "b", "a");
    child(6, "b", "b");
    heads.arrived(child(7, "b", "b"));
    assertEquals(List.of("0xb6", "0xb5"), fetchedByHash, "walked back by parent hash");
    assertEquals(
        List.of("0x40xa4", "0x50xa5", "0x60xa6", "0x50xb5", "0x60xb6", "0x70xb7"),
        delivered,
        "the reorg as a node shows it: the new blocks from the one they share on");
    assertEquals(List.of(), fetched);
  }

  @Test
  void aReorgedTipAtANumberAlreadyPassedBringsItsNewAncestorsToo() {
    heads.arrived(child(4, "a", "a"));
    heads.arrived(child(5, "a", "a"));
    heads.arrived(child(6, "a", "a"));
    child(5, "b", "a");
    heads.arrived(child(6, "b", "b"));
    assertEquals(List.of("0x40xa4", "0x50xa5", "0x60xa6", "0x50xb5", "0x60xb6"), delivered);
  }

  @Test
  void aNewAncestorThatCannotBeFetchedLeavesTheWalkWithWhatItHas() {
    heads.arrived(child(4, "a", "a"));
    heads.arrived(child(5, "a", "a"));
    heads.arrived(child(6, "b", "b"));
    assertEquals(List.of("0xb5"), fetchedByHash);
    assertEquals(List.of("0x40xa4", "0x50xa5", "0x60xb6"), delivered);
  }

  @Test
  void aParentThatIsTheBlockDeliveredBelowFetchesNothing() {
    heads.arrived(child(4, "a", "a"));
    heads.arrived(child(5, "a", "a"));
    heads.reached(7);
    heads.arrived(child(8, "a", "a"));
    assertEquals(List.of(), fetchedByHash);
    assertEquals(List.of(6L, 7L), fetched);
  }

  @Test
  void aBlockAReorgReplacedThatALaggingUpstreamShowsLaterIsDroppedWhenConfirming() {
    HeadsInOrder merged = confirming();
    merged.arrived(child(4, "a", "a"));
    merged.arrived(child(5, "a", "a"));
    chain.put(5L, child(5, "b", "a"));
    merged.arrived(chain.get(5L));
    merged.arrived(child(5, "a", "a"));
    merged.arrived(child(6, "b", "b"));
    assertEquals(
        List.of("0x40xa4", "0x50xa5", "0x50xb5", "0x60xb6"),
        delivered,
        "the reorg to b once; the lagging upstream's a5 after it is not a reorg back");
    assertEquals(List.of(5L, 5L), confirmed);
    assertEquals(List.of(), fetchedByHash);
  }

  @Test
  void aLaggingUpstreamsHeaderOnAForkThatIsNotTheChainIsDroppedWhenConfirming() {
    HeadsInOrder merged = confirming();
    merged.arrived(child(4, "a", "a"));
    merged.arrived(child(5, "a", "a"));
    chain.put(6L, child(6, "a", "a"));
    merged.arrived(child(6, "x", "x"));
    merged.arrived(chain.get(6L));
    assertEquals(List.of("0x40xa4", "0x50xa5", "0x60xa6"), delivered);
    assertEquals(List.of(6L), confirmed, "only the header that would replace blocks is asked");
    assertEquals(List.of(), fetchedByHash, "an unconfirmed fork is not walked");
  }

  @Test
  void aConfirmedForkBringsItsNewAncestorsAsWithoutConfirming() {
    HeadsInOrder merged = confirming();
    merged.arrived(child(4, "a", "a"));
    merged.arrived(child(5, "a", "a"));
    child(5, "b", "a");
    chain.put(6L, child(6, "b", "b"));
    merged.arrived(chain.get(6L));
    assertEquals(List.of("0x40xa4", "0x50xa5", "0x50xb5", "0x60xb6"), delivered);
  }
}
