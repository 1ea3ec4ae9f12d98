package io.backfillfleet.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The README's supported-versions table is the migration matrix's cells, not a claim written by hand. */
class SupportedVersionsTest {

  @Test
  void readmeTableIsGeneratedFromTheMatrixCells() throws Exception {
    String readme = Files.readString(Paths.get("../README.md"));
    String begin = "<!-- supported-versions: generated from MigrationMatrix.CELLS -->\n";
    String end = "<!-- end of supported-versions -->";
    assertThat(readme).contains(begin).contains(end);
    String inReadme = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
    assertThat(inReadme)
        .as("README's table differs from the matrix; replace it with:\n" + MigrationMatrix.supportedVersionsTable())
        .isEqualTo(MigrationMatrix.supportedVersionsTable());
  }

  @Test
  void everyCellIsInTheTable() {
    String table = MigrationMatrix.supportedVersionsTable();
    long tested = table.lines().mapToLong(l -> l.split("tested", -1).length - 1).sum();
    assertThat(tested).isEqualTo(MigrationMatrix.CELLS.size());
  }
}
