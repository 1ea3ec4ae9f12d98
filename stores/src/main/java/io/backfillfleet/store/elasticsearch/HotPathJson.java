package io.backfillfleet.store.elasticsearch;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the copy's hot paths (a page of a point-in-time search, a bulk request and its answer, a
 * multi-get), written and read with plain Jackson, straight from and to the bytes. The typed client builds a
 * model object per hit and a generator per bulk line, and its documents went through a JSON tree into a map:
 * a worker profile (Elasticsearch 8, one worker) found that JSON work, not Elasticsearch, was most of its CPU,
 * and on a shared machine that CPU is taken from the clusters.
 */
final class HotPathJson {
  /** The store's one mapper; answers carry more than the records read, so unknown properties are skipped. */
  static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  static final ObjectReader SEARCH = JSON.readerFor(SearchAnswer.class);
  static final ObjectReader BULK = JSON.readerFor(BulkAnswer.class);
  static final ObjectReader MGET = JSON.readerFor(MgetAnswer.class);

  /** Only what the reader uses: keeps the answer small and lets a failed shard be seen. */
  static final String SEARCH_FILTER = "pit_id,hits.hits._id,hits.hits._routing,hits.hits._source,hits.hits.sort,"
      + "hits.hits._seq_no,_shards.failed,_shards.failures.reason.type,_shards.failures.reason.reason";
  static final String BULK_FILTER = "errors,items.*.status,items.*.error.type,items.*.error.reason";
  static final String MGET_FILTER = "docs._id,docs.found,docs._seq_no,docs._primary_term,docs.error.type,"
      + "docs.error.reason";

  private HotPathJson() {}

  record SearchAnswer(@JsonProperty("pit_id") String pitId, Hits hits, @JsonProperty("_shards") Shards shards) {
    List<Hit> hitList() {
      return hits == null || hits.hits() == null ? List.of() : hits.hits();
    }
  }

  record Hits(List<Hit> hits) {}

  /**
   * One hit; {@code routing} is null unless the document was stored with a custom routing, {@code seqNo} unless the
   * search asked for {@code seq_no_primary_term}.
   */
  record Hit(@JsonProperty("_id") String id, @JsonProperty("_routing") String routing,
      @JsonProperty("_source") Map<String, Object> source, List<Object> sort, @JsonProperty("_seq_no") Long seqNo) {}

  record Shards(int failed, List<ShardFailure> failures) {}

  record ShardFailure(Failure reason) {}

  record Failure(String type, String reason) {
    @Override
    public String toString() {
      return type + ": " + reason;
    }
  }

  record BulkAnswer(boolean errors, List<Map<String, Item>> items) {}

  /** One bulk item's answer; {@code error} is null when it was done. */
  record Item(int status, Failure error) {}

  record MgetAnswer(List<MgetDoc> docs) {}

  record MgetDoc(@JsonProperty("_id") String id, boolean found, @JsonProperty("_seq_no") Long seqNo,
      @JsonProperty("_primary_term") Long primaryTerm, Failure error) {}

  /** One operation of a bulk request: its action line ({@code {"create":{"_id":...}}}) and, for writes, the document. */
  record BulkOp(String action, Map<String, Object> meta, Map<String, Object> source) {}

  /** The newline-delimited body of a bulk request, written by one generator. */
  static byte[] ndjson(List<BulkOp> ops) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * ops.size() + 64);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.setRootValueSeparator(null); // lines are separated by the newlines written below, nothing else
      for (BulkOp op : ops) {
        g.writeStartObject();
        g.writeFieldName(op.action());
        g.writeObject(op.meta());
        g.writeEndObject();
        g.writeRaw('\n');
        if (op.source() != null) {
          g.writeObject(op.source());
          g.writeRaw('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a bulk request", e);
    }
    return out.toByteArray();
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
