package io.backfillfleet.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessControlIT {

  @Test
  void nodesWrittenWithDigestCredentialsAreClosedToOthers() {
    ZkSettings base = ZkFixture.sharedServer(ZkFixture.freshRoot());
    try (CoordinatorConnection owner = ZkFixture.connect(base.withDigest(Optional.of("backfill:s3cret")));
         CoordinatorConnection anonymous = ZkFixture.connect(base);
         CoordinatorConnection wrong = ZkFixture.connect(base.withDigest(Optional.of("backfill:guess")))) {
      new JobRepository(owner).publish(ZkFixture.spec("secured", "p1"), ZkFixture.slices(2));
      assertThat(new JobRepository(owner).readSpec("secured")).isPresent();
      for (CoordinatorConnection other : new CoordinatorConnection[] {anonymous, wrong}) {
        assertThatThrownBy(() -> new JobRepository(other).readSpec("secured"))
            .isInstanceOf(CoordinationException.class)
            .hasMessageContaining("refused access")
            .hasMessageContaining(ZkSettings.DIGEST_ENV)
            .hasMessageNotContaining("s3cret");
      }
    }
  }
}
