package dev.rpcshield.allowlist;

import dev.rpcshield.net.Cidr;
import dev.rpcshield.net.OriginPattern;
import dev.rpcshield.net.OriginPolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A key's allowlists, as Infura defines them: allowed {@code Origin}s (exact or {@code
 * https://*.domain}), client address blocks, {@code User-Agent} substrings, methods (names and
 * {@code prefix*}) and contract addresses. Entries of one list are OR-ed, lists are AND-ed, an
 * empty list does not restrict, and a key with no list accepts everything. At most {@value
 * #MAX_ENTRIES} entries per list. Immutable; the stored form is {@link #entries}.
 */
public final class Allowlists {
  /** The most entries one list may have (as Infura). */
  public static final int MAX_ENTRIES = 30;

  /** No list: everything is accepted. */
  public static final Allowlists NONE =
      new Allowlists(List.of(), List.of(), List.of(), List.of(), List.of());

  /** The lists' names, as the admin API and refusals name them. */
  public static final List<String> NAMES =
      List.of("origins", "cidrs", "userAgents", "methods", "contracts");

  private static final Pattern METHOD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}\\*?");
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-f]{40}");

  private final List<String> origins;
  private final List<String> cidrs;
  private final List<String> userAgents;
  private final List<String> methods;
  private final List<String> contracts;
  private final OriginPolicy originPolicy;
  private final List<Cidr> blocks;
  private final Set<String> exactMethods;
  private final List<String> methodPrefixes;
  private final Set<String> contractSet;

  private Allowlists(
      List<String> origins,
      List<String> cidrs,
      List<String> userAgents,
      List<String> methods,
      List<String> contracts) {
    this.origins = List.copyOf(origins);
    this.cidrs = List.copyOf(cidrs);
    this.userAgents = List.copyOf(userAgents);
    this.methods = List.copyOf(methods);
    this.contracts = List.copyOf(contracts);
    this.originPolicy = OriginPolicy.of(this.origins.stream().map(OriginPattern::parse).toList());
    this.blocks = this.cidrs.stream().map(Cidr::parse).toList();
    Set<String> exact = new LinkedHashSet<>();
    List<String> prefixes = new ArrayList<>();
    for (String m : this.methods) {
      if (m.endsWith("*")) {
        prefixes.add(m.substring(0, m.length() - 1));
      } else {
        exact.add(m);
      }
    }
    this.exactMethods = Set.copyOf(exact);
    this.methodPrefixes = List.copyOf(prefixes);
    this.contractSet = Set.copyOf(this.contracts);
  }

  /**
   * Validates and normalises the lists (null for an empty one): origins as {@link OriginPattern}
   * normalises them, addresses lowercased, duplicates dropped, blanks refused.
   *
   * @throws InvalidAllowlistException naming the list and why, never echoing other entries
   */
  public static Allowlists of(
      List<String> origins,
      List<String> cidrs,
      List<String> userAgents,
      List<String> methods,
      List<String> contracts) {
    return new Allowlists(
        checked("origins", origins, Allowlists::origin),
        checked("cidrs", cidrs, Allowlists::cidr),
        checked("userAgents", userAgents, Allowlists::userAgent),
        checked("methods", methods, Allowlists::method),
        checked("contracts", contracts, Allowlists::contract));
  }

  private static List<String> checked(
      String list, List<String> entries, UnaryOperator<String> check) {
    if (entries == null) {
      return List.of();
    }
    if (entries.size() > MAX_ENTRIES) {
      throw new InvalidAllowlistException(
          list, list + " has " + entries.size() + " entries; at most " + MAX_ENTRIES);
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String e = entries.get(i) == null ? "" : entries.get(i).trim();
      if (e.isEmpty()) {
        throw new InvalidAllowlistException(list, list + "[" + i + "] is empty");
      }
      try {
        out.add(check.apply(e));
      } catch (IllegalArgumentException ex) {
        throw new InvalidAllowlistException(list, list + "[" + i + "]: " + ex.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private static String origin(String e) {
    return OriginPattern.parse(e).toString();
  }

  private static String cidr(String e) {
    Cidr.parse(e);
    return e;
  }

  private static String userAgent(String e) {
    if (e.length() > 200) {
      throw new IllegalArgumentException("a User-Agent substring is at most 200 characters");
    }
    for (int i = 0; i < e.length(); i++) {
      if (e.charAt(i) < 0x20 || e.charAt(i) > 0x7e) {
        throw new IllegalArgumentException("a User-Agent substring is printable ASCII");
      }
    }
    return e;
  }

  private static String method(String e) {
    if (!METHOD.matcher(e).matches()) {
      throw new IllegalArgumentException(
          "a method is a name such as eth_call, or a prefix such as eth_get*");
    }
    return e;
  }

  private static String contract(String e) {
    String a = e.toLowerCase(Locale.ROOT);
    if (!ADDRESS.matcher(a).matches()) {
      throw new IllegalArgumentException("a contract is a 0x-prefixed 20-byte hex address");
    }
    return a;
  }

  /** Whether no list is set. */
  public boolean isEmpty() {
    return origins.isEmpty()
        && cidrs.isEmpty()
        && userAgents.isEmpty()
        && methods.isEmpty()
        && contracts.isEmpty();
  }

  /**
   * The first list that refuses this client ({@code origins}, {@code cidrs}, {@code userAgents}),
   * or null. Origins are matched as CORS and WebSocket handshakes match them ({@link
   * OriginPolicy}); with an origin list set, a request without {@code Origin} is refused; with a
   * User-Agent list set, one without {@code User-Agent} is.
   */
  public String refusesClient(String origin, String clientIp, String userAgent) {
    if (!origins.isEmpty() && !originPolicy.allows(origin)) {
      return "origins";
    }
    if (!blocks.isEmpty() && blocks.stream().noneMatch(b -> b.contains(clientIp))) {
      return "cidrs";
    }
    if (!userAgents.isEmpty()
        && (userAgent == null || userAgents.stream().noneMatch(userAgent::contains))) {
      return "userAgents";
    }
    return null;
  }

  /** Whether the method list (if set) allows {@code method}. */
  public boolean allowsMethod(String method) {
    if (methods.isEmpty() || exactMethods.contains(method)) {
      return true;
    }
    for (String p : methodPrefixes) {
      if (method.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a contract list is set, so every address a call names must be on it. */
  public boolean restrictsContracts() {
    return !contracts.isEmpty();
  }

  /** Whether {@code address} (any case) is on the contract list; true when no list is set. */
  public boolean allowsContract(String address) {
    return contracts.isEmpty()
        || address != null && contractSet.contains(address.toLowerCase(Locale.ROOT));
  }

  /** A list's entries, normalised, by its name in {@link #NAMES}. */
  public List<String> entries(String list) {
    return switch (list) {
      case "origins" -> origins;
      case "cidrs" -> cidrs;
      case "userAgents" -> userAgents;
      case "methods" -> methods;
      case "contracts" -> contracts;
      default -> throw new IllegalArgumentException("no list " + list);
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Allowlists a
        && a.origins.equals(origins)
        && a.cidrs.equals(cidrs)
        && a.userAgents.equals(userAgents)
        && a.methods.equals(methods)
        && a.contracts.equals(contracts);
  }

  @Override
  public int hashCode() {
    return origins.hashCode() ^ cidrs.hashCode() ^ contracts.hashCode();
  }
}
