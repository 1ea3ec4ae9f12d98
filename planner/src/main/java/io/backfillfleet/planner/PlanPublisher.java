package io.backfillfleet.planner;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.PlannedSlice;
import io.backfillfleet.coordinator.SlicePart;
import io.backfillfleet.coordinator.WorkNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Turns a plan into a job and its work nodes in ZooKeeper. */
public final class PlanPublisher {
  private final JobRepository jobs;
  private final Clock clock;

  public PlanPublisher(CoordinatorConnection conn, Clock clock) {
    this.jobs = new JobRepository(conn);
    this.clock = clock;
  }

  /** Publishes a new job; refuses (changing nothing) if it exists. {@code source}/{@code target} carry no secrets. */
  public JobRepository.PublishResult publish(String job, Plan plan, JsonNode source, JsonNode target, JsonNode params,
      int maxAttempts) {
    JobSpec spec = new JobSpec(JobSpec.SCHEMA, job, JobSpec.PublishState.PUBLISHING, plan.planId(), 0, 0, maxAttempts,
        source, target, params, clock.instant());
    return jobs.publish(spec, workNodes(plan));
  }

  /**
   * Adds the slices of tenants the job does not have yet (see {@link #tenantsOf}); returns how many slices were
   * added. The new small tenants are packed among themselves.
   */
  public int addTenants(String job, Plan plan, Set<String> tenantsAlreadyInJob) {
    Plan fresh = SlicePacker.pack(new Plan(plan.tenants().stream()
        .filter(t -> !tenantsAlreadyInJob.contains(t.span().tenant())).collect(Collectors.toList()),
        plan.docsPerSlice(), plan.queries()));
    return fresh.tenants().isEmpty() ? 0 : jobs.addSlices(job, workNodes(fresh));
  }

  /** Every tenant a job's slices cover, those of packed slices included (null: the documents without a tenant). */
  public static Set<String> tenantsOf(Collection<WorkNode> slices) {
    Set<String> out = new HashSet<>();
    for (WorkNode w : slices) for (SlicePart p : w.windows()) out.add(p.tenant());
    return out;
  }

  static List<PlannedSlice> workNodes(Plan plan) {
    List<PlannedSlice> out = new ArrayList<>(plan.ownSlices().stream().map(s -> new PlannedSlice(s.id(),
        s.window().missingTimestamp() ? WorkNode.pendingWithoutTimestamp(s.tenant(), s.estimatedDocs())
        : WorkNode.pending(s.tenant(), s.window().from(), s.window().to(), s.estimatedDocs()))).toList());
    for (PackedSlice p : plan.packed()) {
      out.add(new PlannedSlice(p.id(), WorkNode.pendingPacked(p.parts().stream().map(SlicePacker::part).toList())));
    }
    return out;
  }
}
