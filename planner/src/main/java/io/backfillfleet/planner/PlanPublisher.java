package io.backfillfleet.planner;

import com.fasterxml.jackson.databind.JsonNode;
import io.backfillfleet.coordinator.CoordinatorConnection;
import io.backfillfleet.coordinator.JobRepository;
import io.backfillfleet.coordinator.JobSpec;
import io.backfillfleet.coordinator.PlannedSlice;
import io.backfillfleet.coordinator.WorkNode;
import java.time.Clock;
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

  /** Adds the slices of tenants the job does not have yet; returns how many slices were added. */
  public int addTenants(String job, Plan plan, Set<String> tenantsAlreadyInJob) {
    Plan fresh = new Plan(plan.tenants().stream().filter(t -> !tenantsAlreadyInJob.contains(t.span().tenant()))
        .collect(Collectors.toList()), plan.docsPerSlice(), plan.queries());
    return fresh.tenants().isEmpty() ? 0 : jobs.addSlices(job, workNodes(fresh));
  }

  static List<PlannedSlice> workNodes(Plan plan) {
    return plan.slices().stream().map(s -> new PlannedSlice(s.id(), s.window().missingTimestamp()
        ? WorkNode.pendingWithoutTimestamp(s.tenant(), s.estimatedDocs())
        : WorkNode.pending(s.tenant(), s.window().from(), s.window().to(), s.estimatedDocs()))).toList();
  }
}
