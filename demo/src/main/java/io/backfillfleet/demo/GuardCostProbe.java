package io.backfillfleet.demo;

import io.backfillfleet.store.Cursor;
import io.backfillfleet.store.Doc;
import io.backfillfleet.store.DocKey;
import io.backfillfleet.store.Page;
import io.backfillfleet.store.PageRange;
import io.backfillfleet.store.SearchStore;
import io.backfillfleet.store.Stores;
import io.backfillfleet.store.TenantSpan;
import io.backfillfleet.store.TimeWindow;
import io.backfillfleet.store.WindowReader;
import io.backfillfleet.testkit.ElasticsearchNode;
import io.backfillfleet.testkit.LegacySolr8Cluster;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Not a test: what each way of re-checking a written page costs an Elasticsearch or Solr 8 source, measured from /proc on the
 * node while nothing else runs: reading the pages, looking their ids up by multi-get (the real-time path),
 * counting them by an {@code ids} search (the counted first look), and counting their key ranges below the reads'
 * watermark (the range proof; pages read before a watermark snapshot was old enough have none, so the first round
 * has few). Usage: GuardCostProbe [docs] [es version | solr8].
 */
public final class GuardCostProbe {
  /** Each check runs this many times over the round's pages (a node's first few hundred requests are not warm). */
  private static final int REPEAT = 5;

  public static void main(String[] args) throws Exception {
    int docs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String version = args.length > 1 ? args[1] : "8.19.21";
    if (version.equals("solr8")) {
      LegacySolr8Cluster solr8 = LegacySolr8Cluster.shared();
      probe("Solr " + solr8.version(), PeerBenchmark.seededSolr8Source(solr8, docs), ProcCpu.tree("solr8", solr8.pid()));
    } else {
      try (ElasticsearchNode node = ElasticsearchNode.start(ElasticsearchNode.distribution(version), version,
          Paths.get(System.getProperty("java.home")), "1g", List.of())) {
        probe("ES " + version, PeerBenchmark.seededEsSource(node, docs), ProcCpu.tree("es", node.pid()));
      }
    }
    System.exit(0);
  }

  private static void probe(String version, Cluster legacy, ProcCpu.Meter cpu) throws Exception {
    try (SearchStore s = Stores.open("source", legacy.storeConfig())) {
      List<List<DocKey>> pages = new ArrayList<>();
      List<List<PageRange>> ranges = new ArrayList<>();
      for (int round = 0; round < 3; round++) { // the first round warms the node up
        pages.clear();
        ranges.clear();
        double t = cpu.read();
        for (TenantSpan span : s.tenants()) {
          try (WindowReader r = s.reader(span.tenant(), TimeWindow.of(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")),
              Cursor.START)) {
            for (Page p = r.readPage(2000); ; p = r.readPage(2000)) {
              if (!p.docs().isEmpty()) pages.add(p.docs().stream().map(Doc::key).toList());
              if (p.rangesCoverDocs()) ranges.add(p.ranges());
              if (p.last()) break;
            }
          }
        }
        double read = cpu.read() - t;
        t = cpu.read();
        long found = 0;
        for (int i = 0; i < REPEAT; i++) {
          for (List<DocKey> keys : pages) found += s.existingIds(keys).size();
        }
        double mget = (cpu.read() - t) / REPEAT;
        found /= REPEAT;
        t = cpu.read();
        long counted = 0;
        for (int i = 0; i < REPEAT; i++) {
          for (List<DocKey> keys : pages) counted += s.countSearchable(keys).orElseThrow();
        }
        double count = (cpu.read() - t) / REPEAT;
        counted /= REPEAT;
        t = cpu.read();
        for (int i = 0; i < REPEAT; i++) {
          for (List<DocKey> keys : pages) s.countSearchable(keys.subList(0, 1)).orElseThrow();
        }
        double oneId = (cpu.read() - t) / REPEAT;
        t = cpu.read();
        long inRanges = 0;
        long unchanged = 0;
        long changed = 0;
        for (int i = 0; i < REPEAT; i++) {
          for (List<PageRange> rs : ranges) {
            for (OptionalLong n : s.countUnchanged(rs)) inRanges += n.orElseThrow();
          }
        }
        for (List<PageRange> rs : ranges) {
          for (PageRange r : rs) {
            unchanged += r.unchanged();
            changed += r.changed().size();
          }
        }
        double ranged = (cpu.read() - t) / REPEAT;
        inRanges /= REPEAT;
        System.out.printf(Locale.ROOT, "%s round %d, %d pages: source CPU s per 1M docs: read %.1f, real-time lookup %.1f"
            + " (%d found), count by ids %.1f (%d counted), count by range %s (%d pages with ranges, %d counted of"
            + " %d unchanged, %d changed); the same number of one-id counts %.1f%n", version, round, pages.size(),
            read * 1e6 / found, mget * 1e6 / found,
            found, count * 1e6 / found, counted, unchanged + changed == 0 ? "n/a"
                : String.format(Locale.ROOT, "%.1f", ranged * 1e6 / (unchanged + changed)), ranges.size(), inRanges,
            unchanged, changed, oneId * 1e6 / found);
      }
    }
  }
}
