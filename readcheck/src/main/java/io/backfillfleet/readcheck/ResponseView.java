package io.backfillfleet.readcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a search answer says, whichever engine gave it: hit count, top ids in order, the returned documents by
 * id, and facet/aggregation buckets. Recognized by structure, so a Solr answer and an Elasticsearch answer to the
 * same question compare directly: Solr's {@code response.numFound/docs}, {@code doc} (real-time get),
 * {@code facet_counts.facet_fields} and JSON {@code facets}; Elasticsearch's {@code hits.total/hits},
 * {@code count}, {@code found/_source} (a GET of one document) and {@code aggregations}. An {@code _msearch} answer
 * is a list of parts. Anything else is compared as JSON ({@link #json}).
 *
 * @param hits    matching documents, null when the answer has no count (or an inexact one: {@code gte})
 * @param ids     top ids in order, null when the answer lists no documents
 * @param docs    the returned documents' fields by id (id and bookkeeping fields left out)
 * @param buckets facet or aggregation name, then bucket key, then count
 * @param parts   an {@code _msearch} answer's responses, each a view; null otherwise
 * @param json    the parsed body, null when it is not JSON
 */
public record ResponseView(Long hits, List<String> ids, Map<String, JsonNode> docs,
    Map<String, Map<String, Long>> buckets, List<ResponseView> parts, JsonNode json) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether anything was recognized: otherwise the two answers are compared as JSON trees. */
  public boolean recognized() {
    return hits != null || ids != null || !buckets.isEmpty() || parts != null;
  }

  public static ResponseView of(byte[] body, String idField) {
    JsonNode root;
    try {
      root = body.length == 0 ? NullNode.getInstance() : JSON.readTree(body);
    } catch (IOException e) {
      return new ResponseView(null, null, Map.of(), Map.of(), null, null);
    }
    return of(root, idField);
  }

  static ResponseView of(JsonNode root, String idField) {
    if (root == null || !root.isObject()) return new ResponseView(null, null, Map.of(), Map.of(), null, root);
    if (root.path("responses").isArray()) {
      List<ResponseView> parts = new ArrayList<>();
      for (JsonNode r : root.get("responses")) parts.add(of(r, idField));
      return new ResponseView(null, null, Map.of(), Map.of(), parts, root);
    }
    Long hits = null;
    List<String> ids = null;
    Map<String, JsonNode> docs = new LinkedHashMap<>();
    Map<String, Map<String, Long>> buckets = new LinkedHashMap<>();

    JsonNode solr = root.path("response");
    JsonNode es = root.path("hits");
    if (solr.isObject() && solr.has("numFound")) { // Solr select, or real-time get of several ids
      hits = solr.get("numFound").asLong();
      ids = new ArrayList<>();
      for (JsonNode d : solr.path("docs")) addSolrDoc(d, idField, ids, docs);
    } else if (root.has("doc") && (root.get("doc").isObject() || root.get("doc").isNull())) { // Solr get of one id
      ids = new ArrayList<>();
      if (root.get("doc").isObject()) addSolrDoc(root.get("doc"), idField, ids, docs);
      hits = (long) ids.size();
    } else if (es.isObject() && es.has("hits")) { // Elasticsearch search
      JsonNode total = es.path("total");
      if (total.isNumber()) hits = total.asLong(); // 6.x and 7.x with rest_total_hits_as_int
      else if (total.isObject() && "eq".equals(total.path("relation").asText())) hits = total.path("value").asLong();
      ids = new ArrayList<>();
      for (JsonNode h : es.get("hits")) {
        String id = h.path("_id").asText();
        ids.add(id);
        docs.put(id, h.has("_source") ? h.get("_source") : h.path("fields"));
      }
    } else if (root.has("count") && root.get("count").isNumber() && root.size() <= 2) { // Elasticsearch _count
      hits = root.get("count").asLong();
    } else if (root.has("found") && root.has("_id")) { // Elasticsearch GET of one document
      ids = new ArrayList<>();
      if (root.get("found").asBoolean()) {
        ids.add(root.get("_id").asText());
        docs.put(root.get("_id").asText(), root.path("_source"));
      }
      hits = (long) ids.size();
    }

    JsonNode facetFields = root.path("facet_counts").path("facet_fields");
    for (Iterator<Map.Entry<String, JsonNode>> it = facetFields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      Map<String, Long> b = new LinkedHashMap<>();
      JsonNode arr = f.getValue(); // [value, count, value, count, ...]
      for (int i = 0; i + 1 < arr.size(); i += 2) b.put(arr.get(i).asText(), arr.get(i + 1).asLong());
      buckets.put(f.getKey(), b);
    }
    addBuckets(root.path("facets"), "val", "count", buckets);
    addBuckets(root.path("aggregations"), "key", "doc_count", buckets);
    return new ResponseView(hits, ids, docs, buckets, null, root);
  }

  private static void addSolrDoc(JsonNode d, String idField, List<String> ids, Map<String, JsonNode> docs) {
    String id = d.path(idField).isArray() ? d.path(idField).path(0).asText() : d.path(idField).asText();
    ids.add(id);
    docs.put(id, d);
  }

  /** Named buckets under {@code node} (Solr JSON facets, Elasticsearch aggregations), one level deep. */
  private static void addBuckets(JsonNode node, String keyName, String countName, Map<String, Map<String, Long>> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> agg = it.next();
      JsonNode list = agg.getValue().path("buckets");
      if (list.isMissingNode()) continue;
      Map<String, Long> b = new LinkedHashMap<>();
      if (list.isArray()) {
        for (JsonNode bucket : list) {
          JsonNode key = bucket.has("key_as_string") ? bucket.get("key_as_string") : bucket.path(keyName);
          b.put(key.asText(), bucket.path(countName).asLong());
        }
      } else if (list.isObject()) { // keyed aggregations
        list.fields().forEachRemaining(e -> b.put(e.getKey(), e.getValue().path(countName).asLong()));
      }
      out.put(agg.getKey(), b);
    }
  }
}
