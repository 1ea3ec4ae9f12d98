package io.backfillfleet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.junit.jupiter.api.Test;

class SolrTestClusterIT {

  @Test
  void legacyAndTargetAreTwoClustersThatStoreDocuments() throws Exception {
    SolrTestCluster legacy = SolrTestCluster.legacy();
    SolrTestCluster target = SolrTestCluster.target();
    assertThat(legacy.zkHost()).isNotEqualTo(target.zkHost());

    for (SolrTestCluster c : new SolrTestCluster[] {legacy, target}) {
      c.createCollection("smoke", 2);
      SolrInputDocument d = new SolrInputDocument();
      d.addField("id", "doc-1");
      d.addField("tenant", "acme");
      d.addField("ts", new Date(1_700_000_000_000L));
      d.addField("title", "hello solr");
      c.client().add("smoke", d);
      c.client().commit("smoke");
      SolrDocument back = c.client().getById("smoke", "doc-1");
      assertThat(back.getFieldValue("title")).isEqualTo("hello solr");
      assertThat(c.client().query("smoke", new SolrQuery("text:hello")).getResults().getNumFound()).isEqualTo(1);
    }
    // the collection in one cluster is not the one in the other
    target.client().deleteById("smoke", "doc-1");
    target.client().commit("smoke");
    assertThat((Object) legacy.client().getById("smoke", "doc-1")).isNotNull();
  }
}
