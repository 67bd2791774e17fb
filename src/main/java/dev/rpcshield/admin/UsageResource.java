package dev.rpcshield.admin;

import static dev.rpcshield.admin.AdminJson.badField;

import dev.rpcshield.account.Accounts;
import dev.rpcshield.account.DailyUsage;
import dev.rpcshield.admin.AdminRecords.UsageRecord;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Usage over time from {@code usage_daily}: by day, method, network or key for one account, one key
 * or all; the keys that used the most; and a month's rows as CSV for billing. What this instance
 * counted is flushed first, so it is in the answer; other instances' shares arrive with their next
 * flush (every {@code rpcshield.usage.flush-interval}).
 */
@Path("/usage")
@RequestScoped
public class UsageResource {
  private static final Set<String> BY = Set.of("day", "method", "network", "key");
  private static final int MAX_DAYS = 366;
  private static final int MIN_YEAR = 2000;
  private static final int MAX_YEAR = 9999;

  @Inject Accounts accounts;
  @Inject Clock clock;

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public List<UsageRecord> usage(
      @QueryParam("account") String account,
      @QueryParam("key") String key,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("by") String by) {
    String grouping = by == null ? "day" : by;
    if (!BY.contains(grouping)) {
      throw badField("by", "by must be day, method, network or key");
    }
    LocalDate last = to == null ? today() : date("to", to);
    LocalDate first = from == null ? last.minusDays(29) : date("from", from);
    if (first.isAfter(last) || ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
      throw badField("from", "from must be on or before to, at most " + MAX_DAYS + " days before");
    }
    UUID accountId = uuid("account", account);
    UUID keyId = uuid("key", key);
    accounts.usage().flush();
    return accounts.store().dailyUsage(accountId, keyId, first, last, grouping).stream()
        .map(u -> UsageRecord.grouped(grouping, u))
        .toList();
  }

  @GET
  @Path("/top")
  @Produces(MediaType.APPLICATION_JSON)
  public List<UsageRecord> top(
      @QueryParam("by") String by,
      @QueryParam("days") String days,
      @QueryParam("limit") String limit) {
    String order = by == null ? "cu" : by;
    if (!order.equals("cu") && !order.equals("requests")) {
      throw badField("by", "by must be cu or requests");
    }
    int n = number("days", days, 7, MAX_DAYS);
    int most = number("limit", limit, 10, 1000);
    accounts.usage().flush();
    List<UsageRecord> out = new ArrayList<>();
    for (DailyUsage u :
        accounts.store().topUsage(today().minusDays(n - 1L), order.equals("cu"), most)) {
      String[] ids = u.name().split("/", 2);
      out.add(UsageRecord.top(ids[0], ids[1], u));
    }
    return out;
  }

  /** A month's rows ({@code month=2026-12}, this month without it), one line per row, as CSV. */
  @GET
  @Path("/export")
  @Produces("text/csv")
  public Response export(@QueryParam("month") String month) {
    YearMonth m;
    try {
      m = month == null ? YearMonth.from(today()) : YearMonth.parse(month);
    } catch (DateTimeParseException e) {
      throw badField("month", "month must be YYYY-MM");
    }
    if (m.getYear() < MIN_YEAR || m.getYear() > MAX_YEAR) {
      throw badField("month", "month must be YYYY-MM, from " + MIN_YEAR + " to " + MAX_YEAR);
    }
    accounts.usage().flush();
    List<DailyUsage.Row> rows = accounts.store().usageRows(m.atDay(1), m.atEndOfMonth());
    StringBuilder csv =
        new StringBuilder(
            "day,account,key,network,method,requests,compute_units,refusals,errors\r\n");
    for (DailyUsage.Row r : rows) {
      DailyUsage u = r.usage();
      csv.append(r.day())
          .append(',')
          .append(r.accountId())
          .append(',')
          .append(r.keyId())
          .append(',')
          .append(cell(r.network()))
          .append(',')
          .append(cell(r.method()))
          .append(',')
          .append(u.requests())
          .append(',')
          .append(u.computeUnits())
          .append(',')
          .append(u.refusals())
          .append(',')
          .append(u.errors())
          .append("\r\n");
    }
    return Response.ok(csv.toString(), "text/csv; charset=UTF-8")
        .header("Content-Disposition", "attachment; filename=\"rpcshield-usage-" + m + ".csv\"")
        .build();
  }

  private LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  /**
   * A name as a CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, and kept
   * from being read as a formula by a spreadsheet when it starts like one.
   */
  private static String cell(String text) {
    String safe = text.isEmpty() || "=+-@".indexOf(text.charAt(0)) < 0 ? text : "'" + text;
    return safe.matches("[^,\"\r\n]*") ? safe : '"' + safe.replace("\"", "\"\"") + '"';
  }

  private static LocalDate date(String field, String text) {
    LocalDate d;
    try {
      d = LocalDate.parse(text);
    } catch (DateTimeException e) {
      throw badField(field, field + " must be a date, YYYY-MM-DD");
    }
    if (d.getYear() < MIN_YEAR || d.getYear() > MAX_YEAR) {
      throw badField(field, field + " must be a date from " + MIN_YEAR + " to " + MAX_YEAR);
    }
    return d;
  }

  private static UUID uuid(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw badField(field, field + " must be a UUID");
    }
  }

  private static int number(String field, String text, int byDefault, int most) {
    if (text == null) {
      return byDefault;
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= most) {
        return n;
      }
    } catch (NumberFormatException e) {
      throw badField(field, field + " must be a whole number from 1 to " + most);
    }
    throw badField(field, field + " must be a whole number from 1 to " + most);
  }
}
