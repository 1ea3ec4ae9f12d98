package io.backfillfleet.worker;

import io.backfillfleet.store.Doc;
import java.util.Collection;
import java.util.Map;

/**
 * A rough estimate of the heap a read document takes (64-bit JVM, compressed pointers), for the
 * {@link PageMemoryBudget}. It only has to get the order of magnitude right: a page of small documents is
 * megabytes, a page of large ones hundreds of them.
 */
final class DocFootprint {
  private static final long OBJECT = 16;
  private static final long STRING = 48; // the String and its array's header
  private static final long MAP_ENTRY = 48; // a LinkedHashMap entry and its table slot
  private static final long REFERENCE = 8;

  private DocFootprint() {}

  static long of(Collection<Doc> docs) {
    long total = 0;
    for (Doc d : docs) total += of(d);
    return total;
  }

  static long of(Doc doc) {
    return OBJECT + string(doc.id()) + value(doc.fields());
  }

  private static long value(Object v) {
    if (v == null) return 0;
    if (v instanceof CharSequence s) return string(s);
    if (v instanceof Map<?, ?> m) {
      long total = OBJECT * 4; // the map and its table
      for (Map.Entry<?, ?> e : m.entrySet()) total += MAP_ENTRY + value(e.getKey()) + value(e.getValue());
      return total;
    }
    if (v instanceof Collection<?> c) {
      long total = OBJECT * 2 + REFERENCE * c.size();
      for (Object o : c) total += value(o);
      return total;
    }
    if (v instanceof byte[] b) return OBJECT + b.length;
    return OBJECT * 2; // a boxed number, a boolean, a date
  }

  private static long string(CharSequence s) {
    return STRING + s.length(); // Latin-1; other scripts take twice that, within the estimate's slack
  }
}
