/*
 * Figures of one fault scenario from Load.java's --records files (bench/faults).
 *
 *   java Figures.java <fault start epoch ms> <fault end epoch ms> records-file...
 *
 * Several files (e.g. one generator per gateway instance) are merged on the wall clock. Prints:
 *
 *   FIG offered=N ok=N errors=N classes=http_503:12,rpc_-32011:3 p99_before_ms=.. p99_during_ms=..
 *       p99_after_ms=.. threshold_ms=.. recovery_s=.. (or recovery_s=none when it never recovered)
 *   SEC <second>:<ok>/<errors>/<p99 ms> ...   one per second, relative to the fault's start
 *
 * "before" is every request due from 2 s after the start of the load to the fault's start (the
 * first 2 s open connections), "during" those due while the fault lasted, "after" those due after
 * it ended. Normal latency is a p99 at most max(3 x p99 before, 50 ms). Time to recover is the
 * first whole second after the fault ended from which every second is free of errors and within
 * normal latency, counted from the fault's end: 0 means the first second after it was clean.
 */

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public class Figures {
  record Rec(long due, long latUs, String cls) {}

  public static void main(String[] args) throws IOException {
    long fs = Long.parseLong(args[0]), fe = Long.parseLong(args[1]);
    List<Rec> all = new ArrayList<>();
    long firstDue = Long.MAX_VALUE, lastDue = Long.MIN_VALUE;
    for (int i = 2; i < args.length; i++) {
      List<String> lines = Files.readAllLines(Path.of(args[i]));
      if (lines.isEmpty() || !lines.get(0).startsWith("# t0_epoch_ms=")) continue;
      long t0 = Long.parseLong(lines.get(0).substring("# t0_epoch_ms=".length()).trim());
      for (int j = 1; j < lines.size(); j++) {
        String[] f = lines.get(j).split(" ");
        if (f.length < 3) continue;
        long due = t0 + Long.parseLong(f[0]);
        all.add(new Rec(due, Long.parseLong(f[1]), f[2]));
        firstDue = Math.min(firstDue, due);
        lastDue = Math.max(lastDue, due);
      }
    }
    long ok = 0;
    Map<String, Long> classes = new TreeMap<>();
    for (Rec r : all) {
      if (r.cls.equals("ok")) ok++;
      else classes.merge(r.cls, 1L, Long::sum);
    }
    long before = p99(all, firstDue + 2000, fs);
    long during = p99(all, fs, fe);
    long after = p99(all, fe, Long.MAX_VALUE);
    long threshold = Math.max(3 * before, 50_000);

    // per second after the fault's end: bad when any error or p99 over the threshold
    int lastBad = -1, lastK = -1;
    for (int k = 0; fe + k * 1000L <= lastDue; k++) {
      long from = fe + k * 1000L, to = from + 1000;
      long errs =
          all.stream().filter(r -> r.due >= from && r.due < to && !r.cls.equals("ok")).count();
      long p = p99(all, from, to);
      if (errs > 0 || p > threshold) lastBad = k;
      lastK = k;
    }
    String recovery = lastK < 0 ? "none" : lastBad == lastK ? "none" : String.valueOf(lastBad + 1);

    StringBuilder cls = new StringBuilder();
    for (var e : classes.entrySet()) {
      if (!cls.isEmpty()) cls.append(',');
      cls.append(e.getKey()).append(':').append(e.getValue());
    }
    System.out.printf(
        "FIG offered=%d ok=%d errors=%d classes=%s p99_before_ms=%s p99_during_ms=%s"
            + " p99_after_ms=%s threshold_ms=%s recovery_s=%s%n",
        all.size(),
        ok,
        all.size() - ok,
        cls.isEmpty() ? "-" : cls,
        ms(before),
        ms(during),
        ms(after),
        ms(threshold),
        recovery);

    StringBuilder sec = new StringBuilder("SEC");
    if (!all.isEmpty()) {
      long startK = Math.floorDiv(firstDue - fs, 1000);
      for (long k = startK; fs + k * 1000 <= lastDue; k++) {
        long from = fs + k * 1000, to = from + 1000;
        long n = 0, e = 0;
        for (Rec r : all) {
          if (r.due >= from && r.due < to) {
            n++;
            if (!r.cls.equals("ok")) e++;
          }
        }
        sec.append(' ')
            .append(k)
            .append(':')
            .append(n - e)
            .append('/')
            .append(e)
            .append('/')
            .append(ms(p99(all, from, to)));
      }
    }
    System.out.println(sec);
  }

  /** p99 latency (us) of the requests due in [from, to); 0 when none. */
  static long p99(List<Rec> all, long from, long to) {
    long[] l =
        all.stream().filter(r -> r.due >= from && r.due < to).mapToLong(Rec::latUs).toArray();
    if (l.length == 0) return 0;
    Arrays.sort(l);
    int i = (int) Math.ceil(0.99 * l.length) - 1;
    return l[Math.max(0, i)];
  }

  static String ms(long us) {
    return us >= 100_000 ? String.valueOf(us / 1000) : String.format("%.1f", us / 1000.0);
  }
}
