package io.backfillfleet.demo;

/** --engine solr|elasticsearch|opensearch and --docs N, shared by the demo, the fault suite and the copy benchmark. */
record RunOptions(String engine, int docs) {

  static RunOptions parse(String[] args, int defaultDocs, String usage) {
    String engine = "solr";
    int docs = defaultDocs;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--engine" -> engine = i + 1 < args.length ? args[++i] : "";
        case "--docs" -> docs = i + 1 < args.length ? parsePositive(args[++i], usage) : 0;
        default -> fail("unknown argument '" + args[i] + "'", usage);
      }
    }
    if (!engine.equals("solr") && !engine.equals("elasticsearch") && !engine.equals("opensearch")) {
      fail("--engine must be solr, elasticsearch or opensearch, not '" + engine + "'", usage);
    }
    return new RunOptions(engine, docs);
  }

  private static int parsePositive(String s, String usage) {
    try {
      int n = Integer.parseInt(s);
      if (n > 0) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    fail("--docs must be a positive number, not '" + s + "'", usage);
    return 0;
  }

  private static void fail(String problem, String usage) {
    System.err.println(problem + "\nusage: " + usage);
    System.exit(2);
  }
}
