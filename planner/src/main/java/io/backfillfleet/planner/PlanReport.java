package io.backfillfleet.planner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.backfillfleet.store.TenantSpan;

/**
 * The dry-run report of a plan: per tenant and in total, as a table, JSON or CSV. Times are estimates from
 * {@code docsPerSecond}, one worker's copy rate, plus each slice's own cost ({@link SliceCost}). With many tenants
 * the table is a summary unless the full one is asked for ({@link Detail}).
 */
public final class PlanReport {
  private final Plan plan;
  private final double docsPerSecond;
  private final int workers;
  private final SliceCost sliceCost;

  /** Estimates from the documents alone ({@link SliceCost#NONE}). */
  public PlanReport(Plan plan, double docsPerSecond, int workers) {
    this(plan, docsPerSecond, workers, SliceCost.NONE);
  }

  public PlanReport(Plan plan, double docsPerSecond, int workers, SliceCost sliceCost) {
    if (docsPerSecond <= 0) throw new IllegalArgumentException("docs per second must be positive");
    if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
    this.plan = plan;
    this.docsPerSecond = docsPerSecond;
    this.workers = workers;
    this.sliceCost = sliceCost;
  }

  /**
   * One tenant's line of the report. {@code slices} counts the tenant's windows; {@code packedInto} names the slice
   * they share with other small tenants (null: they are slices of their own).
   */
  public record TenantLine(String tenant, long docs, Instant first, Instant last, Duration span, int slices,
      long minSlice, long medianSlice, long maxSlice, double workerHours, int hotSpots, String packedInto) {}

  /**
   * The totals. {@code balance} is p95 / median slice size; 1.0 is perfectly even. {@code slices} counts work nodes
   * (a packed slice once); {@code packedTenants} small tenants share {@code packedSlices} of them. {@code wallClock}
   * is {@code copying} (the documents) plus {@code sliceOverhead} (every slice's own cost), or the biggest slice with
   * its own cost if that takes longer.
   */
  public record Totals(int tenants, int slices, long docs, double balance, double workerHours, Duration wallClock,
      int workers, long queries, int packedTenants, int packedSlices, Duration copying, Duration sliceOverhead) {}

  public List<TenantLine> tenants() {
    List<TenantLine> out = new ArrayList<>();
    java.util.Map<String, String> packedInto = plan.packedInto();
    for (TenantPlan t : plan.tenants()) {
      long[] sizes = t.slices().stream().mapToLong(SliceSpec::estimatedDocs).sorted().toArray();
      Duration span = t.span().first() == null ? Duration.ZERO : Duration.between(t.span().first(), t.span().last());
      out.add(new TenantLine(t.span().tenant(), t.span().docs(), t.span().first(), t.span().last(), span, sizes.length,
          sizes.length == 0 ? 0 : sizes[0], sizes.length == 0 ? 0 : sizes[sizes.length / 2],
          sizes.length == 0 ? 0 : sizes[sizes.length - 1], t.span().docs() / docsPerSecond / 3600,
          (int) t.slices().stream().filter(SliceSpec::hotSpot).count(),
          t.slices().isEmpty() ? null : packedInto.get(t.slices().get(0).id())));
    }
    return out;
  }

  public Totals totals() {
    long[] sizes = plan.sliceEstimates();
    java.util.Arrays.sort(sizes);
    double balance = sizes.length == 0 ? 1.0
        : (double) sizes[Math.max(0, (int) Math.ceil(0.95 * sizes.length) - 1)] / Math.max(1, sizes[sizes.length / 2]);
    double hours = plan.totalDocs() / docsPerSecond / 3600;
    Duration copying = Duration.ofSeconds((long) (hours * 3600 / workers));
    // every slice costs its claim, point-in-time, settle delay, re-check and completion, however small it is
    Duration overhead = sliceCost.total(sizes.length, workers);
    // the fleet cannot finish before its biggest slice does
    double biggest = sizes.length == 0 ? 0 : sizes[sizes.length - 1] / docsPerSecond
        + sliceCost.perSlice().toMillis() / 1000.0;
    Duration wall = Duration.ofSeconds((long) Math.max(hours * 3600 / workers + overhead.toMillis() / 1000.0, biggest));
    return new Totals(plan.tenants().size(), sizes.length, plan.totalDocs(), balance, hours, wall, workers,
        plan.queries(), plan.packed().stream().mapToInt(p -> p.tenants().size()).sum(), plan.packed().size(), copying,
        overhead);
  }

  /** How much of a table report: every tenant, a summary, or the totals only. */
  public enum Detail {
    /** Every tenant's line, then the totals. */
    FULL,
    /** The totals, slice sizes, the largest tenants and the hot spots: what on-call reads with many tenants. */
    SUMMARY,
    /** One block: the totals, the estimate and the coverage line. */
    TOTALS;

    /** Above this many tenants the table is a summary unless the full one is asked for. */
    public static final int FULL_UP_TO_TENANTS = 50;

    /** The detail when none is asked for. */
    public static Detail forTenants(int tenants) {
      return tenants > FULL_UP_TO_TENANTS ? SUMMARY : FULL;
    }
  }

  /** The largest tenants a summary lists, and the most hot-spot tenants it names. */
  static final int TOP = 20;

  /** The table report at {@code detail}. */
  public String table(Detail detail) {
    return switch (detail) {
      case FULL -> table();
      case SUMMARY -> summary();
      case TOTALS -> totalsBlock();
    };
  }

  /** Every tenant's line, then the totals. */
  public String table() {
    return rows(tenants()) + "\n" + totalsBlock();
  }

  /**
   * A summary that stays a screen long whatever the number of tenants: slice sizes, the largest tenants, the tenants
   * with hot spots, then the totals block.
   */
  public String summary() {
    List<TenantLine> all = tenants();
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "SUMMARY of %d tenants (the table of every tenant: --report full, or --format csv)%n", all.size()));
    long[] sizes = plan.slices().stream().mapToLong(SliceSpec::estimatedDocs).sorted().toArray();
    if (sizes.length > 0) {
      sb.append(String.format(Locale.ROOT, "SLICES: %d, documents per slice: min %d, median %d, p95 %d, max %d%n",
          sizes.length, sizes[0], sizes[sizes.length / 2], sizes[Math.max(0, (int) Math.ceil(0.95 * sizes.length) - 1)],
          sizes[sizes.length - 1]));
    }
    List<TenantLine> largest = all.stream().sorted(java.util.Comparator.comparingLong(TenantLine::docs).reversed()
        .thenComparing(l -> TenantSpan.label(l.tenant()))).limit(TOP).toList();
    sb.append(String.format(Locale.ROOT, "%nLARGEST %d TENANTS:%n", largest.size())).append(rows(largest));
    List<TenantLine> hot = all.stream().filter(l -> l.hotSpots() > 0)
        .sorted(java.util.Comparator.comparingInt(TenantLine::hotSpots).reversed()).toList();
    if (hot.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%nHOT SPOTS: none%n"));
    } else {
      sb.append(String.format(Locale.ROOT, "%nHOT SPOTS: %d slices in %d tenants hold more than the target in one"
          + " millisecond (cannot be split by time):%n", hot.stream().mapToInt(TenantLine::hotSpots).sum(), hot.size()));
      for (TenantLine l : hot.subList(0, Math.min(TOP, hot.size()))) {
        sb.append(String.format(Locale.ROOT, "  %-24s x%d, largest slice %d documents%n", clip(TenantSpan.label(l.tenant())),
            l.hotSpots(), l.maxSlice()));
      }
      if (hot.size() > TOP) sb.append(String.format(Locale.ROOT, "  ... and %d more tenants%n", hot.size() - TOP));
    }
    return sb.append('\n').append(totalsBlock()).toString();
  }

  /** The totals line, the estimate and the coverage line. */
  public String totalsBlock() {
    StringBuilder sb = new StringBuilder();
    Totals t = totals();
    sb.append(String.format(Locale.ROOT, "TOTAL: %d tenants, %d slices, %d documents; balance p95/median %.2f;"
            + " %.1f worker-hours at %.0f docs/s; about %s with %d workers (%d queries to plan)%n",
        t.tenants(), t.slices(), t.docs(), t.balance(), t.workerHours(), docsPerSecond, human(t.wallClock()), t.workers(),
        t.queries()));
    if (!sliceCost.equals(SliceCost.NONE)) {
      int slots = t.workers() * sliceCost.slotsPerWorker();
      sb.append(String.format(Locale.ROOT, "ESTIMATE: about %s = copying %s + the slices' own cost %s (%d slices, the"
              + " longer of: %.1fs of round trips each in %d copy slots, a %.1fs settle delay each in %d settling"
              + " slots; %d workers x %d)%n", human(t.wallClock()), human(t.copying()), human(t.sliceOverhead()),
          t.slices(), sliceCost.roundTrips().toMillis() / 1000.0, slots, sliceCost.settle().toMillis() / 1000.0,
          slots * SliceCost.SETTLING_PER_SLOT, t.workers(), sliceCost.slotsPerWorker()));
    }
    if (t.packedSlices() > 0) sb.append(packedLine(t)).append('\n');
    if (plan.coverage() != null) sb.append(plan.coverage().describe()).append('\n');
    return sb.toString();
  }

  private String rows(List<TenantLine> lines) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-24s %12s %-20s %-20s %10s %7s %9s %9s %9s %9s%n", "TENANT", "DOCS", "FIRST",
        "LAST", "SPAN", "SLICES", "MIN", "MEDIAN", "MAX", "WORKER-H"));
    for (TenantLine l : lines) {
      sb.append(String.format(Locale.ROOT, "%-24s %12d %-20s %-20s %10s %7d %9d %9d %9d %9.3f%s%s%n",
          clip(TenantSpan.label(l.tenant())),
          l.docs(), day(l.first()), day(l.last()), human(l.span()), l.slices(), l.minSlice(), l.medianSlice(), l.maxSlice(),
          l.workerHours(), l.hotSpots() > 0 ? "  hot spot x" + l.hotSpots() + " (cannot be split by time)" : "",
          l.packedInto() == null ? "" : "  packed into " + l.packedInto()));
    }
    return sb.toString();
  }

  /** The packing in one line: how many small tenants share how many slices. */
  String packedLine(Totals t) {
    return String.format(Locale.ROOT, "PACKED: %d small tenants (at most half a slice each) share %d slices of up to"
        + " %d documents and %d tenants; one claim and one settle delay each", t.packedTenants(), t.packedSlices(),
        plan.docsPerSlice(), SlicePacker.MAX_TENANTS);
  }

  public String csv() {
    StringBuilder sb = new StringBuilder("tenant,docs,first,last,span_seconds,slices,min_slice,median_slice,max_slice,"
        + "worker_hours,hot_spots,packed_into\n");
    for (TenantLine l : tenants()) {
      // the documents without a tenant have no tenant cell; the empty tenant is a quoted empty string
      sb.append(String.join(",", l.tenant() == null ? "" : l.tenant().isEmpty() ? "\"\"" : csvCell(l.tenant()), String.valueOf(l.docs()), String.valueOf(l.first()),
          String.valueOf(l.last()), String.valueOf(l.span().toSeconds()), String.valueOf(l.slices()),
          String.valueOf(l.minSlice()), String.valueOf(l.medianSlice()), String.valueOf(l.maxSlice()),
          String.format(Locale.ROOT, "%.4f", l.workerHours()), String.valueOf(l.hotSpots()),
          l.packedInto() == null ? "" : l.packedInto())).append('\n');
    }
    return sb.toString();
  }

  public String json() {
    ObjectMapper m = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    ObjectNode root = m.createObjectNode();
    root.put("planId", plan.planId());
    root.put("docsPerSlice", plan.docsPerSlice());
    root.set("totals", m.valueToTree(totals()));
    root.set("tenants", m.valueToTree(tenants()));
    if (plan.coverage() != null) {
      root.set("coverage", m.valueToTree(plan.coverage()).deepCopy());
      ((ObjectNode) root.get("coverage")).put("line", plan.coverage().describe());
    }
    ArrayNode slices = root.putArray("slices");
    java.util.Map<String, String> packedInto = plan.packedInto();
    for (SliceSpec s : plan.slices()) {
      ObjectNode n = slices.addObject().put("id", s.id()).put("tenant", s.tenant()).put("estimatedDocs", s.estimatedDocs());
      if (s.tenant() == null) n.put("missingTenant", true);
      if (s.window().missingTimestamp()) n.put("missingTimestamp", true);
      else n.put("from", s.window().from().toString()).put("to", s.window().to().toString());
      if (s.hotSpot()) n.put("hotSpot", true);
      if (packedInto.containsKey(s.id())) n.put("packedInto", packedInto.get(s.id()));
    }
    try {
      return m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s >= 2 * 86_400) return s / 86_400 + "d";
    if (s >= 2 * 3600) return s / 3600 + "h";
    if (s >= 120) return s / 60 + "m";
    return s + "s";
  }

  private static String day(Instant t) {
    return t == null ? "-" : t.toString().substring(0, Math.min(19, t.toString().length()));
  }

  private static String clip(String s) {
    return s.length() <= 24 ? s : s.substring(0, 21) + "...";
  }

  private static String csvCell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
